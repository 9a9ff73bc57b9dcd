/**
 * The shipping information WeChat's order-shipping service (小程序发货信息管理服务) expects for one
 * shipment, built from an order: pure, so the server, the tests and the console agree on it. The
 * field rules and their sources: docs/reference/wx-shipping-info.md.
 */
import type { Address, Fulfilment, Order, OrderLine, ShippingUpload } from '../../typings/domain';
import { claimedTotal, isOpenAfterSale, tallyOf } from './after-sales';

/** logistics_type: 1 express, 2 same-city delivery, 3 virtual goods, 4 collected by the shopper. */
export const LOGISTICS_TYPE = { express: 1, sameCity: 2, virtual: 3, pickup: 4 } as const;

/** delivery_mode 1: the whole order in one parcel (split shipments, mode 2, are not used). */
export const UNIFIED_DELIVERY = 1;

/** item_desc is limited to 120 characters. */
export const ITEM_DESC_MAX = 120;

/** The carrier whose shipments must carry a contact (SF Express). */
export const CONTACT_REQUIRED_CARRIER = 'SF';

export function logisticsTypeOf(fulfilment: Fulfilment | undefined): 1 | 4 {
  return fulfilment === 'pickup' ? LOGISTICS_TYPE.pickup : LOGISTICS_TYPE.express;
}

/** The upload's state when the order ships: due now, nothing tried yet. */
export function pendingUpload(fulfilment: Fulfilment | undefined, now: number): ShippingUpload {
  return { state: 'pending', logisticsType: logisticsTypeOf(fulfilment), attempts: 0, nextAttemptAt: now, lastAttemptAt: null, lastError: null, uploadedAt: null, leaseUntil: null, confirmedBy: null };
}

/** Why an order's shipment will never be taken by WeChat, in the merchant's words (null: it still may be). */
export function uploadNoLongerPossible(order: Pick<Order, 'status' | 'total' | 'lines' | 'afterSales'>): string | null {
  if (order.status === 'cancelled' || order.status === 'expired' || order.status === 'refunded') return '订单已关闭或已退款';
  // Every fen paid is refunded (after-sales requests that all finished): WeChat's order_state 5.
  const tally = tallyOf(order);
  // Refused requests release their claim; every other one must have finished refunding.
  const states = Object.values(tally.states);
  if (states.includes('refunded') && !states.some(isOpenAfterSale) && claimedTotal(tally) >= order.total) return '订单已全额退款';
  return null;
}

/** Wait before the attempt after `attempts` failed ones: 1, 2, 4, … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/** `title*qty` per line, joined by `;`, cut to 120 characters (WeChat shows it to the shopper). */
export function itemDesc(lines: readonly Pick<OrderLine, 'title' | 'qty'>[]): string {
  const text = lines.map((l) => `${l.title.trim()}*${l.qty}`).join(';');
  return [...text].length <= ITEM_DESC_MAX ? text : `${[...text].slice(0, ITEM_DESC_MAX - 1).join('')}…`;
}

/** A phone number as WeChat wants it: masked, except its last 4 digits ("138****8000"). */
export function maskedPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return digits;
  const head = digits.length >= 11 ? digits.slice(0, 3) : '';
  return `${head}****${digits.slice(-4)}`;
}

/** RFC 3339 in China time with milliseconds, e.g. 2026-01-01T20:00:00.000+08:00. */
export function rfc3339China(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 23)}+08:00`;
}

export interface ShipmentSource {
  /** our order id, which is WeChat Pay's out_trade_no */
  _id: string;
  /** the payer */
  _openid: string;
  transactionId?: string;
  lines: readonly Pick<OrderLine, 'title' | 'qty'>[];
  address: Pick<Address, 'phone'>;
  fulfilment?: Fulfilment;
  carrier?: string;
  trackingNo?: string;
}

/**
 * The upload_shipping_info body (snake_case, as WeChat documents it). The payment is named by WeChat
 * Pay's transaction id; an order without one (never seen after a notification) falls back to the
 * merchant number and our out_trade_no.
 */
export function shippingInfoRequest(order: ShipmentSource, mchId: string, now: number): Record<string, unknown> {
  const logisticsType = logisticsTypeOf(order.fulfilment);
  const item: Record<string, unknown> = { item_desc: itemDesc(order.lines) };
  if (logisticsType === LOGISTICS_TYPE.express) {
    item.tracking_no = order.trackingNo;
    item.express_company = order.carrier;
    if (order.carrier === CONTACT_REQUIRED_CARRIER) item.contact = { receiver_contact: maskedPhone(order.address.phone) };
  }
  return {
    order_key: order.transactionId ? { order_number_type: 2, transaction_id: order.transactionId } : { order_number_type: 1, mchid: mchId, out_trade_no: order._id },
    logistics_type: logisticsType,
    delivery_mode: UNIFIED_DELIVERY,
    shipping_list: [item],
    upload_time: rfc3339China(now),
    payer: { openid: order._openid },
  };
}
