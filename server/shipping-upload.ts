/**
 * Reports a shipped order to WeChat's order-shipping service (upload_shipping_info, by cloud call), so
 * the payment's frozen funds can settle once the shopper confirms receipt. This module is the one
 * writer of an order's `shippingUpload` after the ship transition set its first value (pending):
 * every later change is a compare-and-set on the state and attempt count it read.
 *
 * Exactly once per shipment: an attempt first claims the upload (state `sending`, attempt count + 1,
 * held for LEASE_MS), so two callers (the ship action, the timer) never send at once. WeChat counts a
 * second upload for a shipped payment as its one re-shipment, so an attempt after an earlier one —
 * whose answer may have been lost (a timeout, a crash mid-call) — asks WeChat's order query first and
 * sends nothing when WeChat already has the shipment. Facts and sources: docs/reference/wx-shipping-info.md.
 *
 * Given up (state `abandoned`, never retried) once WeChat can no longer take the shipment: the order was
 * closed or refunded in full by our records, WeChat's order query says refunded (order_state 5), or an
 * upload is refused as "not shippable" (10060004). Otherwise a refunded order would be retried hourly
 * forever.
 */
import type { ShippingUpload } from '../typings/domain';
import { retryDelayMs, shippingInfoRequest, uploadNoLongerPossible } from '../miniprogram/domain/shipping-info';
import { db, getShippingOrder, uploadShippingInfo, type AnyDoc } from './cloud';
import { now } from './clock';
import { subMchId } from './config';
import { COLLECTIONS, getDoc } from './db';
import { asOrder, type StoredOrder } from './order-store';

/** How long a claimed attempt holds the upload: longer than one cloud call can take. */
export const LEASE_MS = 60_000;

/** Orders one timer run retries (each is one or two cloud calls). */
const BATCH = 20;

/** WeChat's "payment not found" (also its answer before a fresh payment reaches the service). */
const PAYMENT_NOT_FOUND = 10060001;
/** WeChat's "the payment is in a state that cannot be shipped" (refunded in full, closed). */
const NOT_SHIPPABLE = 10060004;
/** WeChat's order_state for a payment refunded in full. */
const ORDER_STATE_REFUNDED = 5;

type Outcome = { accepted: true; by: 'upload' | 'query' } | { accepted: false; error: string } | { abandoned: string; error: string | null };

function errorText(error: unknown): string {
  const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const code = e?.errCode !== undefined ? String(e.errCode) : 'ERROR';
  return `${code} ${String(e?.errMsg ?? e?.message ?? error)}`.slice(0, 300);
}

/** Writes `next` if the upload is still what was read (state and attempt count). */
async function compareAndSet(orderId: string, read: ShippingUpload, next: ShippingUpload): Promise<boolean> {
  const _ = db().command;
  const where: AnyDoc = { _id: orderId, 'shippingUpload.state': read.state, 'shippingUpload.attempts': read.attempts };
  const result = await db().collection(COLLECTIONS.orders).where(where).update({ data: { shippingUpload: _.set(next) } });
  return result.stats.updated === 1;
}

/** The claimed attempt, or null when the upload is done or another attempt holds it. */
async function claim(order: StoredOrder, at: number): Promise<ShippingUpload | null> {
  const upload = order.shippingUpload;
  if (!upload || upload.state === 'uploaded' || upload.state === 'abandoned') return null;
  if (upload.state === 'sending' && (upload.leaseUntil ?? 0) > at) return null;
  const next: ShippingUpload = { ...upload, state: 'sending', attempts: upload.attempts + 1, lastAttemptAt: at, leaseUntil: at + LEASE_MS, nextAttemptAt: at + LEASE_MS };
  return (await compareAndSet(order._id, upload, next)) ? next : null;
}

/** What WeChat holds for the order's payment: a shipment (order_state 2 shipped or later), a full refund (5), or neither. */
async function stateAtWeChat(order: StoredOrder, mchId: string): Promise<'shipped' | 'refunded' | 'waiting'> {
  try {
    const answer = await getShippingOrder(order.transactionId ? { transaction_id: order.transactionId } : { merchant_id: mchId, merchant_trade_no: order._id });
    const state = Number(answer.order?.orderState);
    // 1 waiting for shipment; 2 shipped, 3 receipt confirmed, 4 settled; 5 refunded (nothing to ship).
    if (state === ORDER_STATE_REFUNDED) return 'refunded';
    return state >= 2 && state <= 4 ? 'shipped' : 'waiting';
  } catch (error) {
    if ((error as { errCode?: unknown })?.errCode === PAYMENT_NOT_FOUND) return 'waiting';
    throw error;
  }
}

async function attempt(order: StoredOrder, claimed: ShippingUpload, at: number): Promise<Outcome> {
  try {
    const mchId = await subMchId();
    if (claimed.attempts > 1) {
      const state = await stateAtWeChat(order, mchId);
      if (state === 'shipped') return { accepted: true, by: 'query' };
      if (state === 'refunded') return { abandoned: '微信支付单已全额退款', error: null };
    }
    await uploadShippingInfo(shippingInfoRequest(order, mchId, at));
    return { accepted: true, by: 'upload' };
  } catch (error) {
    if ((error as { errCode?: unknown })?.errCode === NOT_SHIPPABLE) return { abandoned: '微信支付单已退款或关闭', error: errorText(error) };
    return { accepted: false, error: errorText(error) };
  }
}

/** The upload given up: never tried again, shown to the merchant with `reason`. */
function abandonedUpload(upload: ShippingUpload, at: number, reason: string, error: string | null): ShippingUpload {
  return { ...upload, state: 'abandoned', lastError: error ?? upload.lastError, leaseUntil: null, nextAttemptAt: at, abandonedAt: at, abandonedReason: reason };
}

/**
 * One attempt at an order's upload, if one is due or may be made now (ship calls it at once, the timer
 * for due ones). Returns the upload as it stands afterwards (null: the order has none).
 */
export async function uploadShipping(orderId: string): Promise<ShippingUpload | null> {
  const order = asOrder(await getDoc(COLLECTIONS.orders, orderId));
  if (!order?.shippingUpload) return null;
  // Closed or refunded in full by our own records: nothing to ask WeChat.
  const gone = order.shippingUpload.state === 'uploaded' || order.shippingUpload.state === 'abandoned' ? null : uploadNoLongerPossible(order);
  if (gone && order.shippingUpload.state !== 'sending') {
    const next = abandonedUpload(order.shippingUpload, now(), gone, null);
    console.log(`[shipping-upload] ${orderId} abandoned: ${gone}`);
    if (await compareAndSet(orderId, order.shippingUpload, next)) return next;
    return (asOrder(await getDoc(COLLECTIONS.orders, orderId))?.shippingUpload ?? null) as ShippingUpload | null;
  }
  const claimed = await claim(order, now());
  if (!claimed) return (asOrder(await getDoc(COLLECTIONS.orders, orderId))?.shippingUpload ?? null) as ShippingUpload | null;
  const outcome = await attempt(order, claimed, claimed.lastAttemptAt ?? now());
  const at = now();
  let next: ShippingUpload;
  if ('abandoned' in outcome) {
    next = abandonedUpload(claimed, at, outcome.abandoned, outcome.error);
    console.log(`[shipping-upload] ${orderId} abandoned at attempt ${claimed.attempts}: ${outcome.abandoned}`);
  } else if (outcome.accepted) {
    next = { ...claimed, state: 'uploaded', uploadedAt: at, lastError: null, leaseUntil: null, confirmedBy: outcome.by, nextAttemptAt: at };
    console.log(`[shipping-upload] ${orderId} accepted (${outcome.by}, attempt ${claimed.attempts})`);
  } else {
    next = { ...claimed, state: 'failed', lastError: outcome.error, leaseUntil: null, nextAttemptAt: at + retryDelayMs(claimed.attempts) };
    console.warn(`[shipping-upload] ${orderId} attempt ${claimed.attempts} failed: ${outcome.error}`);
  }
  // Lost only if the lease ran out and another attempt claimed the upload meanwhile: its result stands.
  return (await compareAndSet(orderId, claimed, next)) ? next : claimed;
}

/**
 * The timer: every upload that is due (pending, failed, or an attempt whose lease ran out), oldest
 * first, one at a time.
 */
export async function retryDueUploads(): Promise<{ tried: number; uploaded: number; failed: number; abandoned: number }> {
  const _ = db().command;
  const { data } = await db()
    .collection(COLLECTIONS.orders)
    .where({ 'shippingUpload.state': _.in(['pending', 'failed', 'sending']), 'shippingUpload.nextAttemptAt': _.lte(now()) })
    .orderBy('shippingUpload.nextAttemptAt', 'asc')
    .limit(BATCH)
    .field({ _id: true })
    .get();
  const outcome = { tried: 0, uploaded: 0, failed: 0, abandoned: 0 };
  for (const doc of data) {
    const upload = await uploadShipping(String(doc._id));
    outcome.tried += 1;
    if (upload?.state === 'uploaded') outcome.uploaded += 1;
    else if (upload?.state === 'failed') outcome.failed += 1;
    else if (upload?.state === 'abandoned') outcome.abandoned += 1;
  }
  return outcome;
}
