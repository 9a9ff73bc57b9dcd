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
import type { OrderEvent, OrderStamp } from '../miniprogram/domain/order-state';
import { transitionPatch, type TransitionPatch } from '../miniprogram/domain/order-state';
import { creationPatch, type StatusCause } from '../miniprogram/domain/order-writes';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { COLLECTIONS, getDoc, txGet, withTransaction, withoutId } from './db';
import { invalidState, notFound } from './errors';
import { releaseTx } from './stock-ledger';
import { returnCouponTx } from './coupons';
import { releaseUnitsTx } from './flash-limit';
import { releasePlaceTx } from './groups';

/**
 * What we keep in `orders`: the contract's Order plus bookkeeping never shown to clients.
 * `statusEvent` is written with every status change and names its cause (creation or the table's
 * event), so the database's write log can show each one came from this module.
 */
export type StoredOrder = Order & {
  payRequestedAt?: number;
  statusEvent?: StatusCause;
  /** Group orders: the payment record of the payment counted toward the group (refunded if it fails). */
  paymentId?: string;
  /** The fingerprint of the checkout request that wrote the order: a retry of that request is answered from the order. */
  requestFingerprint?: string;
  /**
   * A checkout that held its units (server/stock-holds.ts): the products held, each with the revision its
   * hold wrote. The order is then the stock ledger's reserve move for its lines of those products.
   */
  heldStock?: HeldProduct[];
};

export interface HeldProduct {
  productId: string;
  /** The product's revision the checkout priced, plus one (its hold's increment). */
  revision: number;
}

const VIEW_FIELDS: readonly (keyof OrderView)[] = [
  '_id', 'requestId', 'lines', 'itemsTotal', 'shippingFee', 'total', 'status', 'address', 'remark', 'attribution',
  'createdAt', 'expireAt', 'paidAt', 'transactionId', 'shippedAt', 'trackingNo', 'carrier', 'completedAt', 'cancelledAt', 'expiredAt', 'updatedAt',
  'afterSales', 'refundedAt', 'coupon',
  'fulfilment', 'pickup', 'pickedUpAt',
  'group', 'groupPaidAt', 'groupFormedAt', 'groupFailedAt',
];

/** The client's view of an order: a whitelist, so the owner id and bookkeeping never leak. */
export function toView(doc: AnyDoc): OrderView {
  const view: Record<string, unknown> = {};
  for (const field of VIEW_FIELDS) if (doc[field] !== undefined) view[field] = doc[field];
  // The pickup code is handed out on its own (orders.pickupCode, once paid), never with the order.
  if (view.pickup && typeof view.pickup === 'object') {
    const { code: _code, ...pickup } = view.pickup as Record<string, unknown>;
    view.pickup = pickup;
  }
  return view as unknown as OrderView;
}

export function asOrder(doc: AnyDoc | null): StoredOrder | null {
  return doc && typeof doc._id === 'string' && typeof doc.status === 'string' && Array.isArray(doc.lines) ? (doc as unknown as StoredOrder) : null;
}

/** Any shopper's order (merchant actions), or NOT_FOUND. */
export async function loadOrder(orderId: string): Promise<StoredOrder> {
  const order = asOrder(await getDoc(COLLECTIONS.orders, orderId));
  if (!order) throw notFound('订单不存在');
  return order;
}

/** The caller's order, or NOT_FOUND (also for another user's order: its existence is not revealed). */
export async function loadOwnOrder(openid: string, orderId: string): Promise<StoredOrder> {
  const order = asOrder(await getDoc(COLLECTIONS.orders, orderId));
  if (!order || order._openid !== openid) throw notFound('订单不存在');
  return order;
}

/**
 * Fields an event may write besides status and stamps (e.g. the paying transaction, the tracking
 * number). Status and stamps always come from the domain table.
 */
export type TransitionExtra = Record<string, unknown>;

function patchWith(patch: TransitionPatch, event: OrderEvent, extra: TransitionExtra): AnyDoc {
  return { ...extra, ...patch, statusEvent: event };
}

/** An order's fields other than its status and the stamps the status writer owns. */
export type NewOrder = Omit<StoredOrder, 'status' | 'statusEvent' | 'createdAt' | 'updatedAt' | OrderStamp>;

/**
 * The first write of an order's status: creates the order document in its initial status, inside the
 * caller's transaction (the one that reserves its stock).
 */
export async function createOrderTx(tx: TxCollections, fields: NewOrder, now: number, alongside?: (order: StoredOrder) => Promise<unknown>): Promise<StoredOrder> {
  const order = newOrder(fields, now);
  // `alongside`: the caller's writes that need the order as written, sent with it (one round trip).
  await Promise.all([tx.collection(COLLECTIONS.orders).doc(order._id).set({ data: withoutId(order as unknown as AnyDoc) }), alongside?.(order)]);
  return order;
}

const newOrder = (fields: NewOrder, now: number) => ({ ...fields, ...creationPatch(now), statusEvent: 'create' }) as StoredOrder;

/**
 * The same first write without a transaction (a checkout by hold, server/stock-holds.ts): create-only,
 * so a second writer of one order fails (isDuplicate) instead of overwriting what the order became.
 */
export async function createOrder(fields: NewOrder, now: number, alongside?: (order: StoredOrder) => Promise<unknown>): Promise<StoredOrder> {
  const order = newOrder(fields, now);
  await Promise.all([db().collection(COLLECTIONS.orders).add({ data: order as unknown as AnyDoc }), alongside?.(order)]);
  return order;
}

/** Events after which the shopper keeps nothing of the order: its coupon comes back (while valid). */
const COUPON_RETURNING: readonly OrderEvent[] = ['cancel', 'expire', 'refundAll'];

/**
 * The writer of an order's status, inside a transaction that has read (and so locked) the order:
 * applies `event` if the domain table allows it from the order's current status. Null when it does not
 * (someone moved the order first); nothing is written then.
 */
export async function applyTransitionTx(tx: TxCollections, order: StoredOrder, event: OrderEvent, now: number, extra: TransitionExtra = {}): Promise<StoredOrder | null> {
  const patch = transitionPatch(order.status, event, now);
  if (!patch) return null;
  const data = patchWith(patch, event, extra);
  await tx.collection(COLLECTIONS.orders).doc(order._id).update({ data });
  // An order that ends without keeping its goods gives its coupon back, with the same commit.
  if (COUPON_RETURNING.includes(event)) await returnCouponTx(tx, order, now);
  return { ...order, ...data } as StoredOrder;
}

/**
 * The same writer without a transaction (no stock moves): a compare-and-set on the status the order
 * was read in (and its owner, when given). False when the order had moved on.
 */
export async function applyTransitionCas(order: StoredOrder, event: OrderEvent, now: number, options: { owner?: string; extra?: TransitionExtra } = {}): Promise<boolean> {
  const patch = transitionPatch(order.status, event, now);
  if (!patch) return false;
  const where: AnyDoc = { _id: order._id, status: order.status };
  if (options.owner !== undefined) where._openid = options.owner;
  const result = await db().collection(COLLECTIONS.orders).where(where).update({ data: patchWith(patch, event, options.extra ?? {}) });
  return result.stats.updated === 1;
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
    if (options.dueBy !== undefined && order.expireAt > options.dueBy) return { order, changed: false };
    const moved = await releaseOrderTx(tx, order, event, options.now);
    return moved ? { order: moved, changed: true } : { order, changed: false };
  });
}

/**
 * Cancels or expires an unpaid order inside the caller's transaction (which has read the order) and
 * gives back what it held. Null when the order was no longer unpaid (nothing written).
 */
export async function releaseOrderTx(tx: TxCollections, order: StoredOrder, event: Extract<OrderEvent, 'cancel' | 'expire'>, at: number): Promise<StoredOrder | null> {
  const moved = await applyTransitionTx(tx, order, event, at);
  if (!moved) return null;
  await releaseTx(tx, order);
  // A cancelled or expired order no longer counts against the shopper's flash-sale limits.
  await releaseUnitsTx(tx, order);
  // Nor holds a place in a group.
  await releasePlaceTx(tx, order);
  return moved;
}

export function requireTransition(result: TransitionResult, what: string): StoredOrder {
  if (!result.changed) throw invalidState(`订单当前状态不能${what}`, { status: result.order.status });
  return result.order;
}
