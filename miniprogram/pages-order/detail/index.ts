import type { Envelope, ShopperAfterSale, ShopperOrder } from '../../../typings/api';
import type { Address, OrderLine, OrderPickup } from '../../../typings/domain';
import { loadOrderWithState } from '../../behaviors/load-state';
import type { LoadStatus } from '../../behaviors/load-state';
import { call } from '../../services/api';
import { forwardCodeToLanding } from '../../services/entry';
import { hasButton, toOrderCard } from '../services/orders';
import { toAfterSaleCard } from '../services/after-sales';
import { buyAgain } from '../services/buy-again';
import type { AfterSaleCard } from '../services/after-sales';
import type { OrderCard } from '../services/orders';
import { openOrders, PAGES, productUrl, switchToTab } from '../../utils/routes';
import { chinaDateTime } from '../../domain/china-time';

/** Only what the detail template renders. */
interface DetailView extends Pick<OrderCard, '_id' | 'status' | 'statusText' | 'total' | 'expireAt' | 'buttons' | 'afterSalesText' | 'transactionId'> {
  lines: Pick<OrderLine, 'productId' | 'skuId' | 'title' | 'specText' | 'image' | 'unitPrice' | 'qty'>[];
  itemsTotal: number;
  shippingFee: number;
  /** the coupon's discount (0 without one) */
  couponDiscount: number;
  address: Address;
  remark: string;
  trackingNo: string;
  times: { label: string; text: string }[];
  /** Unpaid and inside its payment window (the server offers to pay): the countdown runs. */
  counting: boolean;
  /** a store pickup's store and contact (pickup-card), null for express */
  pickup: OrderPickup | null;
  /** a group order's group ('' otherwise) */
  groupId: string;
}

function toDetail(order: ShopperOrder): DetailView {
  const times: { label: string; text: string }[] = [{ label: '下单时间', text: chinaDateTime(order.createdAt) }];
  if (order.paidAt) times.push({ label: '支付时间', text: chinaDateTime(order.paidAt) });
  if (order.shippedAt) times.push({ label: '发货时间', text: chinaDateTime(order.shippedAt) });
  if (order.pickedUpAt) times.push({ label: '提货时间', text: chinaDateTime(order.pickedUpAt) });
  if (order.completedAt) times.push({ label: '完成时间', text: chinaDateTime(order.completedAt) });
  if (order.cancelledAt) times.push({ label: '取消时间', text: chinaDateTime(order.cancelledAt) });
  if (order.expiredAt) times.push({ label: '关闭时间', text: chinaDateTime(order.expiredAt) });
  if (order.refundedAt) times.push({ label: '退款时间', text: chinaDateTime(order.refundedAt) });
  const card = toOrderCard(order);
  return {
    _id: card._id,
    status: card.status,
    statusText: card.statusText,
    total: card.total,
    expireAt: card.expireAt,
    buttons: card.buttons,
    afterSalesText: card.afterSalesText,
    transactionId: card.transactionId,
    lines: order.lines.map((l) => ({ productId: l.productId, skuId: l.skuId, title: l.title, specText: l.specText, image: l.image, unitPrice: l.unitPrice, qty: l.qty })),
    itemsTotal: order.itemsTotal,
    shippingFee: order.shippingFee,
    couponDiscount: order.coupon ? order.coupon.discount : 0,
    address: order.address,
    remark: order.remark || '',
    trackingNo: order.trackingNo || '',
    times,
    counting: hasButton(card.buttons, 'pay'),
    pickup: order.fulfilment === 'pickup' && order.pickup ? order.pickup : null,
    groupId: order.group ? order.group.groupId : '',
  };
}

/** The order and, when it has any, its after-sales requests, as one load (either failing fails the load). */
async function orderWithAfterSales(orderId: string): Promise<Envelope<{ order: ShopperOrder; afterSales: ShopperAfterSale[] }>> {
  const order = await call('orders', 'get', { orderId });
  if (!order.ok) return order;
  const tally = order.data.order.afterSales;
  if (!tally || Object.keys(tally.states || {}).length === 0) return { ok: true, data: { order: order.data.order, afterSales: [] } };
  const afterSales = await call('orders', 'listAfterSales', { orderId });
  if (!afterSales.ok) return afterSales;
  return { ok: true, data: { order: order.data.order, afterSales: afterSales.data.afterSales } };
}

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    order: null as DetailView | null,
    afterSales: [] as AfterSaleCard[],
    deepLanding: false,
  },

  orderId: '',

  onLoad(query: Record<string, string | undefined>) {
    if (!(query && query.id) && forwardCodeToLanding(query)) return;
    this.orderId = query && query.id ? decodeURIComponent(query.id) : '';
    // Opened from a code or a service message with nothing below it: offer a way home.
    this.setData({ deepLanding: getCurrentPages().length <= 1 });
  },

  onShow() {
    this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    const data = await loadOrderWithState(this, this.orderId, !!this.data.order, orderWithAfterSales);
    if (data) this.show(data.order, data.afterSales);
  },

  show(order: ShopperOrder, afterSales?: ShopperAfterSale[]) {
    const patch: Record<string, unknown> = { status: 'ok', order: toDetail(order) };
    if (afterSales) patch.afterSales = afterSales.map(toAfterSaleCard);
    this.setData(patch);
  },

  /** The countdown reached zero: the server expires the order on its own timer; show it as closed now. */
  onExpire() {
    const order = this.data.order;
    if (!order) return;
    const buttons = order.buttons.filter((b) => b.type !== 'pay' && b.type !== 'cancel');
    this.setData({ 'order.buttons': buttons, 'order.counting': false, 'order.statusText': '已过期' });
    setTimeout(() => this.load(), 1500);
  },

  /** The order-actions bar changed the order: show the server's copy, or reload when it sent none. */
  onOrderChanged(e: WechatMiniprogram.CustomEvent<{ order: ShopperOrder | null }>) {
    if (e.detail.order) this.show(e.detail.order);
    else this.load();
  },

  onOpenProduct(e: WechatMiniprogram.TouchEvent) {
    wx.navigateTo({ url: productUrl(String(e.currentTarget.dataset.id)) });
  },

  /** The order's lines into the cart (which shows what changed since), then the cart. */
  onBuyAgain() {
    if (!this.data.order) return;
    buyAgain(this.data.order.lines);
    switchToTab(PAGES.cart);
  },

  onGoHome() {
    switchToTab(PAGES.catalog);
  },

  onBackToList() {
    openOrders();
  },

  onRetry() {
    this.load();
  },
});
