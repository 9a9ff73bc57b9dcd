/**
 * The order a checkout writes, built in one place for the cart's checkout (orders.create) and a group
 * checkout (server/groups.ts): the priced lines and totals, where the goods go, the payment window,
 * and what answers a retry: the request's fingerprint on the order (a checkout in a transaction also
 * writes an idempotency record with it). Its status comes from order-store.createOrderTx.
 */
import type { Address, Attribution, OrderCoupon, OrderGroup, OrderPickup, OrderView } from '../typings/domain';
import type { PricingResult } from '../miniprogram/domain/pricing';
import type { AnyDoc, TxCollections } from './cloud';
import { COLLECTIONS } from './db';
import { createOrder, createOrderTx, toView, type HeldProduct, type NewOrder } from './order-store';

/** What server-side pricing settled: the lines at their unit prices and the totals, in fen. */
export type PricedOrder = Pick<Extract<PricingResult, { ok: true }>, 'lines' | 'itemsTotal' | 'shippingFee' | 'total'>;

export interface OrderDraft {
  orderId: string;
  openid: string;
  requestId: string;
  priced: PricedOrder;
  /** The shipping address, or the contact at the store for a pickup order. */
  address: Address;
  remark: string;
  attribution: Attribution;
  /** The end of the payment window. */
  expireAt: number;
  coupon?: OrderCoupon;
  /** Store pickup: the store as it is now, with the pickup code. */
  pickup?: OrderPickup;
  group?: OrderGroup;
  /** A checkout by hold: the products whose units it holds (the order stands for their reserve moves). */
  heldStock?: HeldProduct[];
}

/** A checkout's record under its order id: a retry with the same request answers from it. */
export interface IdempotencyRecord {
  _openid: string;
  requestId: string;
  fingerprint: string;
  orderId: string;
  response: { order: OrderView };
  createdAt: number;
}

/** The order's fields other than its status and the stamps the status writer adds. */
export function orderDocument(draft: OrderDraft, fingerprint: string): NewOrder {
  const { priced } = draft;
  return {
    _id: draft.orderId,
    _openid: draft.openid,
    requestId: draft.requestId,
    requestFingerprint: fingerprint,
    lines: priced.lines,
    itemsTotal: priced.itemsTotal,
    shippingFee: priced.shippingFee,
    total: priced.total,
    address: draft.address,
    remark: draft.remark,
    attribution: draft.attribution,
    expireAt: draft.expireAt,
    ...(draft.coupon ? { coupon: draft.coupon } : {}),
    ...(draft.pickup ? { fulfilment: 'pickup' as const, pickup: draft.pickup } : {}),
    ...(draft.group ? { group: draft.group } : {}),
    ...(draft.heldStock ? { heldStock: draft.heldStock } : {}),
  };
}

function recordOf(draft: OrderDraft, fingerprint: string, order: AnyDoc, at: number): IdempotencyRecord {
  return { _openid: draft.openid, requestId: draft.requestId, fingerprint, orderId: draft.orderId, response: { order: toView(order) }, createdAt: at };
}

/**
 * Creates the order without a transaction (a checkout that holds its units, server/stock-holds.ts):
 * create-only, so an order a retry wrote first is never overwritten (isDuplicate). The order is its own
 * idempotency record: it carries the request's fingerprint, and a retry is answered from it.
 */
export async function createHeldOrder(draft: OrderDraft, at: number, fingerprint: string): Promise<{ order: OrderView }> {
  const order = await createOrder(orderDocument(draft, fingerprint), at);
  return { order: toView(order as unknown as AnyDoc) };
}

/**
 * Creates the order in the caller's transaction (the one that reserved its stock) with its idempotency
 * record, both sent together; answers the order as the client sees it.
 */
export async function createCheckoutOrderTx(tx: TxCollections, draft: OrderDraft, at: number, fingerprint: string): Promise<{ order: OrderView }> {
  const order = await createOrderTx(tx, orderDocument(draft, fingerprint), at, (written) => {
    return tx.collection(COLLECTIONS.idempotency).doc(draft.orderId).set({ data: recordOf(draft, fingerprint, written as unknown as AnyDoc, at) as unknown as AnyDoc });
  });
  return { order: toView(order as unknown as AnyDoc) };
}
