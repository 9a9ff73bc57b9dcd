/**
 * How an order reads to its shopper, worked out when the server answers: the status text, the
 * after-sales summary and the buttons (as TDesign's retail starter sends `buttonVOs` with each order),
 * and the after-sales request form's preview. The pages render these as they come, so the order
 * lifecycle and the refund rules are loaded by the server only, on the cloud's clock and with the
 * environment's after-sales window.
 *
 * Never stored: `toView` builds what idempotency records keep; these fields depend on the status and the
 * time, so every answer (a replay too) gets them afresh.
 */
import type { AfterSalePreview, AfterSaleUnits, OrderButton, OrderPresentation, ShopperAfterSale, ShopperOrder } from '../typings/api';
import type { AfterSaleView, OrderView } from '../typings/domain';
import { allowedEvents, ORDER_STATUS_LABELS, orderStatusLabel } from '../miniprogram/domain/order-state';
import { AFTER_SALE_STATUS_LABELS, afterSalesLabel, afterSaleWindow, planAfterSale, remainingUnits } from '../miniprogram/domain/after-sales';
import { now } from './clock';
import { afterSaleWindowMs } from './config';

const BUTTONS: Readonly<Record<OrderButton['type'], OrderButton>> = {
  group: { type: 'group', name: '查看拼团', primary: false },
  'after-sale': { type: 'after-sale', name: '申请售后', primary: false },
  cancel: { type: 'cancel', name: '取消订单', primary: false },
  pay: { type: 'pay', name: '立即支付', primary: true },
  confirm: { type: 'confirm', name: '确认收货', primary: true },
};

/** The after-sales label, unless the order's own status already says it (closed as refunded). */
function afterSalesText(order: OrderView): string {
  const label = afterSalesLabel(order);
  return order.status === 'refunded' && label === '已全额退款' ? '' : label;
}

/** Whether the shopper may still ask something back: the window is open and some unit is free. */
function canAskBack(order: OrderView, at: number, windowMs: number): boolean {
  return afterSaleWindow(order, at, windowMs) === 'open' && remainingUnits(order).some((n) => n > 0);
}

/** The presentation of one order at time `at`, with the environment's after-sales window. */
export function presentation(order: OrderView, at: number, windowMs: number): OrderPresentation {
  const events = allowedEvents(order.status);
  // An unpaid order past its payment window is as good as expired before the expiry timer runs.
  const overdue = order.status === 'pending_payment' && order.expireAt <= at;
  const types: OrderButton['type'][] = [];
  if (order.group) types.push('group');
  if (canAskBack(order, at, windowMs)) types.push('after-sale');
  if (events.includes('cancel') && !overdue) types.push('cancel');
  if (events.includes('pay') && !overdue) types.push('pay');
  if (events.includes('confirmReceipt')) types.push('confirm');
  return {
    statusText: overdue ? ORDER_STATUS_LABELS.expired : orderStatusLabel(order),
    afterSalesText: afterSalesText(order),
    buttons: types.map((type) => ({ ...BUTTONS[type] })),
  };
}

export function presentOrderAt(order: OrderView, at: number, windowMs: number): ShopperOrder {
  return { ...order, ...presentation(order, at, windowMs) };
}

/** Orders as an answer to the shopper: now, with the configured after-sales window. */
export async function presentOrders(orders: readonly OrderView[]): Promise<ShopperOrder[]> {
  if (orders.length === 0) return [];
  // The window only counts after receipt (afterSaleWindow): its setting is read only for received
  // orders, so answering about others costs no extra database request.
  const windowMs = orders.some((o) => o.status === 'completed') ? await afterSaleWindowMs() : 0;
  const at = now();
  return orders.map((order) => presentOrderAt(order, at, windowMs));
}

export async function presentOrder(order: OrderView): Promise<ShopperOrder> {
  return (await presentOrders([order]))[0];
}

export function presentAfterSale(view: AfterSaleView): ShopperAfterSale {
  return { ...view, statusText: AFTER_SALE_STATUS_LABELS[view.status] };
}

/**
 * The request form's preview: the lines with units still free and what asking `units` back would
 * refund (every free unit when `units` is absent), by the plan `requestAfterSale` decides with.
 */
export function afterSalePreview(order: OrderView, units: readonly AfterSaleUnits[] | undefined, at: number, windowMs: number): AfterSalePreview {
  const left = remainingUnits(order);
  const lines = order.lines
    .map((l, i) => ({ productId: l.productId, skuId: l.skuId, title: l.title, specText: l.specText, image: l.image, unitPrice: l.unitPrice, max: left[i] }))
    .filter((l) => l.max > 0);
  const asked = units ?? lines.map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.max }));
  const plan = planAfterSale(order, asked, 'preview', at, windowMs);
  if (!plan.ok) return { lines, refundFee: 0, shippingRefund: 0, immediate: order.status === 'paid', problem: { code: plan.reason, message: plan.message } };
  return { lines, refundFee: plan.refundFee, shippingRefund: plan.shippingRefund, immediate: plan.immediate, problem: null };
}
