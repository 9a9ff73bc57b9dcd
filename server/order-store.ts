/**
 * Order documents and the transitions that move stock: shared by `orders` (cancel, pay callback) and
 * `inventory` (the expiry timer), so there is one implementation of "release stock exactly once".
 *
 * Every transition reads the order inside a transaction and writes only if its status is still the one
 * the transition starts from (compare-and-set on status). Two transitions of one order (expiry vs. payment
 * vs. cancel) both write the order document, and CloudBase lets only the first writer through: the other
 * gets a conflict, retries, and then sees the winner's status and does nothing.
 */
import type { Order, OrderView } from '../typings/domain';
import type { OrderEvent } from '../miniprogram/domain/order-state';
import { nextStatus } from '../miniprogram/domain/order-state';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { invalidState, notFound } from './errors';

/** What we keep in `orders`: the contract's Order plus bookkeeping never shown to clients. */
export type StoredOrder = Order & { payRequestedAt?: number };

const VIEW_FIELDS: readonly (keyof OrderView)[] = [
  '_id', 'requestId', 'lines', 'itemsTotal', 'shippingFee', 'total', 'status', 'address', 'remark', 'attribution',
  'createdAt', 'expireAt', 'paidAt', 'transactionId', 'shippedAt', 'trackingNo', 'completedAt', 'cancelledAt', 'expiredAt', 'updatedAt',
];

/** The client's view of an order: a whitelist, so the owner id and bookkeeping never leak. */
export function toView(doc: AnyDoc): OrderView {
  const view: Record<string, unknown> = {};
  for (const field of VIEW_FIELDS) if (doc[field] !== undefined) view[field] = doc[field];
  return view as unknown as OrderView;
}

export function asOrder(doc: AnyDoc | null): StoredOrder | null {
  return doc && typeof doc._id === 'string' && typeof doc.status === 'string' && Array.isArray(doc.lines) ? (doc as unknown as StoredOrder) : null;
}

/** The caller's order, or NOT_FOUND (also for another user's order: its existence is not revealed). */
export async function loadOwnOrder(openid: string, orderId: string): Promise<StoredOrder> {
  const order = asOrder(await getDoc(COLLECTIONS.orders, orderId));
  if (!order || order._openid !== openid) throw notFound('订单不存在');
  return order;
}

/**
 * Puts an order's units back on the shelf, inside the caller's transaction. Looks SKUs up by id in the
 * raw document, so it still works when the merchant has since broken the document in another field; a
 * SKU or product deleted meanwhile has nothing to return to and is logged.
 */
export async function releaseStockTx(tx: TxCollections, order: Pick<Order, '_id' | 'lines'>): Promise<void> {
  const _ = db().command;
  const byProduct = new Map<string, { skuId: string; qty: number }[]>();
  for (const line of order.lines) {
    const list = byProduct.get(line.productId) ?? [];
    list.push({ skuId: line.skuId, qty: line.qty });
    byProduct.set(line.productId, list);
  }
  // Same document order as order creation takes them, so transactions never wait on each other in a cycle.
  for (const productId of [...byProduct.keys()].sort()) {
    const product = await txGet(tx, COLLECTIONS.products, productId);
    const skus = product && Array.isArray(product.skus) ? (product.skus as unknown[]) : null;
    if (!skus) {
      console.warn(`[stock] order ${order._id}: product ${productId} is gone; its units cannot be returned`);
      continue;
    }
    const data: AnyDoc = {};
    let returned = 0;
    for (const line of byProduct.get(productId) ?? []) {
      const index = skus.findIndex((sku) => typeof sku === 'object' && sku !== null && (sku as AnyDoc).skuId === line.skuId);
      if (index < 0) {
        console.warn(`[stock] order ${order._id}: SKU ${productId}/${line.skuId} is gone; ${line.qty} unit(s) not returned`);
        continue;
      }
      data[`skus.${index}.stock`] = _.inc(line.qty);
      returned += line.qty;
    }
    if (returned > 0) {
      data.sales = _.inc(-returned);
      await tx.collection(COLLECTIONS.products).doc(productId).update({ data });
    }
  }
}

export interface TransitionResult {
  order: StoredOrder;
  /** False when the order was no longer in the starting status (someone else moved it first). */
  changed: boolean;
}

/**
 * Cancel or expire a pending order and release its stock, in one transaction. `owner` null = system
 * (the timer); otherwise the order must belong to that user. `dueBy` (expire only): do nothing unless
 * the order's payment window has passed at that time.
 */
export async function releaseOrder(
  orderId: string,
  event: Extract<OrderEvent, 'cancel' | 'expire'>,
  options: { owner: string | null; now: number; dueBy?: number },
): Promise<TransitionResult> {
  return withTransaction(async (tx) => {
    const order = asOrder(await txGet(tx, COLLECTIONS.orders, orderId));
    if (!order || (options.owner !== null && order._openid !== options.owner)) throw notFound('订单不存在');
    const next = nextStatus(order.status, event);
    if (next === null) return { order, changed: false };
    if (options.dueBy !== undefined && order.expireAt > options.dueBy) return { order, changed: false };
    const stamp: AnyDoc = { status: next, updatedAt: options.now };
    if (event === 'cancel') stamp.cancelledAt = options.now;
    else stamp.expiredAt = options.now;
    await tx.collection(COLLECTIONS.orders).doc(orderId).update({ data: stamp });
    await releaseStockTx(tx, order);
    return { order: { ...order, ...stamp } as StoredOrder, changed: true };
  });
}

export function requireTransition(result: TransitionResult, what: string): StoredOrder {
  if (!result.changed) throw invalidState(`订单当前状态不能${what}`, { status: result.order.status });
  return result.order;
}
