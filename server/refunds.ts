/**
 * Owed refunds: payments we will not honour (a late payment for a cancelled or expired order, a
 * duplicate payment) are recorded `refund_required` by the payment callback, which answers WeChat at
 * once. Refunding them is this module's job, run by the `refunds` timer:
 *
 * - A refund is finished only when WeChat Pay's `queryRefund` says SUCCESS: neither the refund call's
 *   answer nor the refund result callback's payload marks it refunded on its own.
 * - Every attempt for one payment uses the same refund number (derived from the payment record), so
 *   retries, overlapping timer runs and redelivered callbacks can never refund twice.
 * - A refused refund is retried with backoff (1, 2, 4, … minutes, at most an hour); each attempt and
 *   its error stay on the payment record, where merchants see pending and failing refunds.
 */
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { SWEEP_BUDGET_MS } from './config';
import { COLLECTIONS, getDoc } from './db';
import { isPlainObject } from './validate';
import { notifyOrder } from './notify';
import { accepted, queryRefund, refund, refusal, type RefundRequest, type RefundState } from './wxpay';

export type CallbackAnswer = { errcode: number; errmsg: string };
const ACK: CallbackAnswer = { errcode: 0, errmsg: 'OK' };

const BATCH = 50;
const MAX_DELAY_MINUTES = 60;

/** The refund number of a payment record (`P` + 24 characters): stable, so every retry reuses it. */
export function refundNumberFor(paymentId: string): string {
  return `R${paymentId.slice(1)}`;
}

function paymentIdFor(outRefundNo: string): string | null {
  return /^R[0-9A-Za-z_-]{1,63}$/.test(outRefundNo) ? `P${outRefundNo.slice(1)}` : null;
}

/** Wait before the next try after `attempts` tries: 1, 2, 4, … minutes, capped at an hour. */
export function refundRetryDelayMs(attempts: number): number {
  return Math.min(MAX_DELAY_MINUTES, 2 ** Math.max(0, attempts - 1)) * 60_000;
}

/** WeChat Pay's refund description by reason (shown to the shopper in WeChat Pay's records). */
const REFUND_DESCRIPTIONS: Record<string, string> = {
  DUPLICATE_PAYMENT: '重复支付退款',
  GROUP_FAILED: '拼团未成功，自动退款',
  GROUP_CLOSED: '拼团已结束，自动退款',
};

/** What the payment record keeps so the timer can refund it. */
export function owedRefundFields(paymentId: string, fee: number, reason: string, at: number): AnyDoc {
  return {
    outRefundNo: refundNumberFor(paymentId),
    refundFee: fee,
    refundDesc: REFUND_DESCRIPTIONS[reason] ?? '订单已关闭，自动退款',
    refundAttempts: 0,
    nextRefundAt: at,
  };
}

export interface RefundSweepSummary {
  scanned: number;
  refunded: number;
  pending: number;
  retrying: number;
  failed: number;
}

export type Step = 'refunded' | 'pending' | 'retrying';

/** The timer's sweep: moves every due owed refund one step further. */
export async function processDueRefunds(): Promise<RefundSweepSummary> {
  const _ = db().command;
  return sweepDue(COLLECTIONS.payments, () => ({ status: 'refund_required', nextRefundAt: _.lte(now()) }), (doc) => advance(doc), '[refunds]');
}

/**
 * Runs `advance` on every document `where()` finds due, oldest due first, in batches, within the sweep
 * budget; one that fails is counted and left for the next run.
 */
export async function sweepDue(collection: string, where: () => AnyDoc, advance: (doc: AnyDoc) => Promise<Step>, label: string): Promise<RefundSweepSummary> {
  const started = now();
  const summary: RefundSweepSummary = { scanned: 0, refunded: 0, pending: 0, retrying: 0, failed: 0 };
  const seen = new Set<string>();
  while (now() - started < SWEEP_BUDGET_MS) {
    const { data } = await db().collection(collection).where(where()).orderBy('nextRefundAt', 'asc').limit(BATCH).get();
    const due = data.filter((doc) => typeof doc._id === 'string' && !seen.has(doc._id as string));
    if (due.length === 0) break;
    for (const doc of due) {
      seen.add(doc._id as string);
      summary.scanned += 1;
      try {
        summary[await advance(doc)] += 1;
      } catch (error) {
        summary.failed += 1;
        console.error(`${label} ${String(doc._id)} not advanced this run`, error);
      }
    }
    if (data.length < BATCH) break;
  }
  if (summary.scanned > 0) console.log(`${label} ${JSON.stringify(summary)}`);
  return summary;
}

/** Where an owed refund is kept: a payment record, an after-sales request. */
export interface RefundStore {
  /** WeChat Pay confirmed the refund: record it (only if the record still owes it). */
  refunded(id: string, seen: { refundId?: string; successTime?: string }, extra: AnyDoc): Promise<void>;
  /** Not done yet: keep `data` and look again at `nextAt` (only if the record still owes it). */
  later(id: string, data: AnyDoc, nextAt: number): Promise<void>;
}

/**
 * One owed refund: what WeChat Pay needs (`transactionId` when one payment of several under the order
 * number is owed back, a duplicate payment), and how often it was asked already.
 */
export interface OwedRefund extends RefundRequest {
  id: string;
  attempts: number;
}

const paymentStore: RefundStore = {
  async refunded(id, seen, extra) {
    if ((await markRefunded(id, seen, extra)) !== 'refunded') return;
    const payment = await getDoc(COLLECTIONS.payments, id);
    if (typeof payment?.outTradeNo === 'string') await notifyOrder('refund', payment.outTradeNo, id, { amount: Number(payment.refundFee ?? payment.totalFee) });
  },
  async later(id, data, nextAt) {
    await later(id, data, nextAt, 'pending');
  },
};

/** Confirms a refund WeChat already made, or asks for it (again, under the same number). */
async function advance(doc: AnyDoc): Promise<Step> {
  const id = doc._id as string;
  return advanceRefund(
    {
      id,
      outTradeNo: String(doc.outTradeNo),
      // The very payment that is owed back, not whichever payment the order number has at WeChat Pay.
      transactionId: typeof doc.transactionId === 'string' && /^[0-9A-Za-z_-]{1,32}$/.test(doc.transactionId) ? doc.transactionId : undefined,
      outRefundNo: typeof doc.outRefundNo === 'string' ? doc.outRefundNo : refundNumberFor(id),
      totalFee: Number(doc.totalFee),
      refundFee: Number(doc.refundFee ?? doc.totalFee),
      refundDesc: typeof doc.refundDesc === 'string' ? doc.refundDesc : undefined,
      attempts: typeof doc.refundAttempts === 'number' ? doc.refundAttempts : 0,
    },
    paymentStore,
  );
}

/** One step of an owed refund, wherever it is kept: confirm it, or ask WeChat Pay (again) under its number. */
export async function advanceRefund(owed: OwedRefund, store: RefundStore): Promise<Step> {
  const { id, outRefundNo, attempts } = owed;
  const before = await queryRefund(outRefundNo);
  if (before.state === 'SUCCESS') return done(store, id, before, {});
  if (before.state === 'PROCESSING') return wait(store, id, { refundState: 'PROCESSING' }, now() + refundRetryDelayMs(attempts), 'pending');

  let failure: string | null = null;
  try {
    const answer = await refund(owed);
    if (!accepted(answer)) failure = refusal(answer);
  } catch (error) {
    failure = String((error as { errMsg?: string; message?: string })?.errMsg ?? (error as Error)?.message ?? error).slice(0, 200);
  }
  const at = now();
  const tried = { refundAttempts: attempts + 1, lastRefundAttemptAt: at, outRefundNo };
  if (failure) {
    console.error(`[refunds] refund ${outRefundNo} of order ${owed.outTradeNo} refused (attempt ${attempts + 1}): ${failure}`);
    return wait(store, id, { ...tried, refundError: failure, refundState: before.state === 'NONE' ? 'REFUSED' : before.state }, at + refundRetryDelayMs(attempts + 1), 'retrying');
  }
  // Accepted is not done: only WeChat Pay's record of the refund is.
  const after = await queryRefund(outRefundNo);
  if (after.state === 'SUCCESS') return done(store, id, after, tried);
  return wait(store, id, { ...tried, refundState: after.state === 'NONE' ? 'REQUESTED' : after.state }, at + refundRetryDelayMs(1), 'pending');
}

async function done(store: RefundStore, id: string, seen: { refundId?: string; successTime?: string }, extra: AnyDoc): Promise<Step> {
  await store.refunded(id, seen, extra);
  return 'refunded';
}

async function wait(store: RefundStore, id: string, data: AnyDoc, nextAt: number, step: Step): Promise<Step> {
  await store.later(id, data, nextAt);
  return step;
}

/** Marks the payment refunded; 'pending' when it no longer owed the refund (nothing written). */
async function markRefunded(id: string, seen: { refundId?: string; successTime?: string }, extra: AnyDoc = {}): Promise<Step> {
  const at = now();
  const result = await db()
    .collection(COLLECTIONS.payments)
    .where({ _id: id, status: 'refund_required' })
    .update({ data: { ...extra, status: 'refunded', refundState: 'SUCCESS', refundId: seen.refundId ?? null, refundSuccessTime: seen.successTime ?? null, refundedAt: at, updatedAt: at } });
  return result.stats.updated === 1 ? 'refunded' : 'pending';
}

/** Leaves an owed refund for the timer to look at again at `nextAt`. */
async function later(id: string, data: AnyDoc, nextAt: number, step: Step): Promise<Step> {
  await db()
    .collection(COLLECTIONS.payments)
    .where({ _id: id, status: 'refund_required' })
    .update({ data: { ...data, nextRefundAt: nextAt, updatedAt: now() } });
  return step;
}

/**
 * The refund result callback. Its payload is a hint, not the outcome: the refund is confirmed through
 * queryRefund, and when that does not confirm it yet the timer is asked to look again now. Answers
 * errcode 0 once that is stored (so WeChat stops redelivering), errcode 1 when it could not be.
 */
export async function handleRefundNotification(event: unknown): Promise<CallbackAnswer> {
  const outRefundNo = isPlainObject(event) && typeof event.outRefundNo === 'string' ? event.outRefundNo : '';
  const id = paymentIdFor(outRefundNo);
  if (!id) {
    console.error('[refund-callback] not one of our refund numbers; ignored', outRefundNo.slice(0, 64));
    return ACK;
  }
  return confirmNotifiedRefund(event, outRefundNo, id, async () => {
    const doc = await getDoc(COLLECTIONS.payments, id);
    return doc ? doc.status === 'refund_required' : null;
  }, paymentStore);
}

/**
 * A refund result notification for the record `id`: `owes()` says whether it still owes the refund
 * (null: no such record). Confirmed through queryRefund; otherwise the timer looks again now.
 */
export async function confirmNotifiedRefund(event: unknown, outRefundNo: string, id: string, owes: () => Promise<boolean | null>, store: RefundStore): Promise<CallbackAnswer> {
  try {
    const owing = await owes();
    if (owing === null) {
      console.error(`[refund-callback] no record for refund ${outRefundNo}; ignored`);
      return ACK;
    }
    if (!owing) return ACK; // already refunded: a redelivery
    const seen = await queryRefund(outRefundNo);
    if (seen.state === 'SUCCESS') {
      await store.refunded(id, seen, {});
      return ACK;
    }
    const status = isPlainObject(event) ? String(event.refundStatus).slice(0, 16) : '';
    const at = now();
    await store.later(id, { refundNotifiedAt: at, refundNotifiedStatus: status, refundState: stateName(seen.state) }, at);
    return ACK;
  } catch (error) {
    console.error(`[refund-callback] failed for ${outRefundNo}`, error);
    return { errcode: 1, errmsg: 'retry later' };
  }
}

function stateName(state: RefundState): string {
  return state === 'NONE' ? 'UNCONFIRMED' : state;
}
