/**
 * Store pickup after payment: the merchant's verification (merchant.verifyPickup) of the code the
 * shopper shows (./pickup-code.ts), which moves the order by the table's `pickUp`
 * event (./order-store.ts) and reports the handover to WeChat as a self-pickup (logistics type 4,
 * ./shipping-upload.ts).
 *
 * Guessing: a code is 8 random digits and only a merchant may verify. Wrong codes are counted per
 * verifier and per order over a window (collection `pickup_attempts`); past the limit verification is
 * refused until the window ends, so a code cannot be found by trying.
 */
import type { ActionRequest, ActionResponse } from '../typings/api';
import type { OrderStatus } from '../typings/domain';
import { PICKUP_CODE_PATTERN, readPickupCode } from '../miniprogram/domain/pickup';
import { pendingUpload } from '../miniprogram/domain/shipping-info';
import type { ActionCaller } from './handler';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalid, invalidState, notFound } from './errors';
import { sha256 } from './ids';
import { applyTransitionCas, asOrder, toView, type StoredOrder } from './order-store';
import { uploadShipping } from './shipping-upload';

/** Wrong codes one verifier may enter per window, and wrong codes one order takes per window. */
export const PICKUP_GUESS_LIMITS = { verifier: 10, order: 5, windowMs: 15 * 60_000 } as const;

/** What the clerk typed or scanned: a bare code, or the QR text (which also names the order). */
export function readVerifyInput(input: string, orderId?: string): { code: string; orderId?: string } | null {
  const qr = /^PICKUP:([A-Za-z0-9_-]{1,64}):([0-9]{8})$/.exec(input.trim());
  if (qr) return orderId && orderId !== qr[1] ? null : { code: qr[2], orderId: qr[1] };
  const code = readPickupCode(input);
  return code ? { code, ...(orderId ? { orderId } : {}) } : null;
}

/** Paid pickup orders not collected yet, oldest first. */
export async function pickupOrders(req: ActionRequest<'merchant', 'pickupOrders'>): Promise<ActionResponse<'merchant', 'pickupOrders'>> {
  const where: AnyDoc = { fulfilment: 'pickup', status: 'paid' };
  if (req.storeId) where['pickup.storeId'] = req.storeId;
  const { data } = await db().collection(COLLECTIONS.orders).where(where).orderBy('createdAt', 'asc').limit(100).get();
  return { orders: data.filter((doc) => asOrder(doc)).map(toView) };
}

function verifierKey(caller: ActionCaller): string {
  return caller.kind === 'merchant' ? `v${sha256(`pickup\u0000${caller.openid}`).toString('hex').slice(0, 32)}` : 'vserver';
}

interface AttemptBucket {
  failures: number;
  windowStart: number;
}

function bucketOf(doc: AnyDoc | null, at: number): AttemptBucket {
  const failures = typeof doc?.failures === 'number' ? doc.failures : 0;
  const windowStart = typeof doc?.windowStart === 'number' ? doc.windowStart : 0;
  return at - windowStart >= PICKUP_GUESS_LIMITS.windowMs ? { failures: 0, windowStart: at } : { failures, windowStart };
}

/** Refuses (TOO_MANY_ATTEMPTS) when a bucket has used up its wrong codes in the current window. */
async function refuseIfLocked(keys: { key: string; limit: number }[], at: number): Promise<void> {
  for (const { key, limit } of keys) {
    const bucket = bucketOf(await getDoc(COLLECTIONS.pickupAttempts, key), at);
    if (bucket.failures >= limit) {
      const minutes = Math.max(1, Math.ceil((bucket.windowStart + PICKUP_GUESS_LIMITS.windowMs - at) / 60_000));
      throw new AppError('TOO_MANY_ATTEMPTS', `提货码错误次数过多，请${minutes}分钟后再试`, { retryAfterMs: bucket.windowStart + PICKUP_GUESS_LIMITS.windowMs - at });
    }
  }
}

/** Counts one wrong code against every bucket, in one transaction (concurrent guesses cannot slip past). */
async function recordFailure(keys: { key: string }[], at: number): Promise<void> {
  await withTransaction(async (tx) => {
    for (const { key } of keys) {
      const bucket = bucketOf(await txGet(tx, COLLECTIONS.pickupAttempts, key), at);
      await tx.collection(COLLECTIONS.pickupAttempts).doc(key).set({ data: { failures: bucket.failures + 1, windowStart: bucket.windowStart, updatedAt: at } });
    }
  });
}

/** Why an order that has the code cannot be collected now (throws). */
function refuseNotCollectable(status: OrderStatus): never {
  switch (status) {
    case 'pending_payment':
      throw invalidState('订单尚未支付，不能提货', { status });
    case 'cancelled':
      throw invalidState('订单已取消，不能提货', { status });
    case 'expired':
      throw invalidState('订单已超时关闭，不能提货', { status });
    case 'refunded':
      throw invalidState('订单已退款，不能提货', { status });
    default:
      throw invalidState('订单当前状态不能提货', { status });
  }
}

function answer(order: StoredOrder, alreadyPickedUp: boolean): ActionResponse<'merchant', 'verifyPickup'> {
  return { order: toView(order as unknown as AnyDoc), alreadyPickedUp, ...(order.shippingUpload ? { shippingUpload: order.shippingUpload } : {}) };
}

/**
 * Verifies a pickup code and marks its order picked up. A code already used answers its order with
 * `alreadyPickedUp` (a retried or repeated verification changes nothing); a wrong code is NOT_FOUND and
 * counts against the limits.
 */
export async function verifyPickup(req: ActionRequest<'merchant', 'verifyPickup'>, caller: ActionCaller): Promise<ActionResponse<'merchant', 'verifyPickup'>> {
  const input = readVerifyInput(req.code, req.orderId);
  if (!input) throw invalid('提货码为8位数字，请核对后重新输入', undefined, { issues: [{ path: 'code', problem: 'is neither 8 digits nor a pickup QR text (of this order)' }] });
  const at = now();
  const keys: { key: string; limit: number }[] = [{ key: verifierKey(caller), limit: PICKUP_GUESS_LIMITS.verifier }];
  if (input.orderId) keys.push({ key: `o${input.orderId}`, limit: PICKUP_GUESS_LIMITS.order });
  await refuseIfLocked(keys, at);

  const { data } = await db().collection(COLLECTIONS.orders).where({ 'pickup.code': input.code }).limit(20).get();
  const matches = data
    .map((doc) => asOrder(doc))
    .filter((o): o is StoredOrder => o !== null && o.fulfilment === 'pickup' && o.pickup?.code === input.code && PICKUP_CODE_PATTERN.test(input.code))
    .filter((o) => !input.orderId || o._id === input.orderId);
  if (matches.length === 0) {
    await recordFailure(keys, at);
    throw notFound('提货码不正确，请核对后重试');
  }
  const waiting = matches.filter((o) => o.status === 'paid');
  if (waiting.length > 1) throw new AppError('CONFLICT', '该提货码对应多个订单，请扫描顾客订单页的提货二维码', { orders: waiting.length });
  const order = waiting[0];
  if (!order) {
    const done = matches.find((o) => o.status === 'completed' && typeof o.pickedUpAt === 'number');
    if (done) return answer(done, true);
    refuseNotCollectable(matches[0].status);
  }
  if (!(await applyTransitionCas(order, 'pickUp', at, { extra: { shippingUpload: pendingUpload('pickup', at) } }))) {
    // Verified at the same moment by another counter: the first one did it.
    const latest = asOrder(await getDoc(COLLECTIONS.orders, order._id)) as StoredOrder;
    if (latest.status === 'completed' && typeof latest.pickedUpAt === 'number') return answer(latest, true);
    refuseNotCollectable(latest.status);
  }
  console.log(`[pickup] ${order._id} picked up at ${order.pickup?.storeId}`);
  await uploadShipping(order._id);
  return answer(asOrder(await getDoc(COLLECTIONS.orders, order._id)) as StoredOrder, false);
}
