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
import { accepted, queryRefund, refund, refusal, type RefundState } from './wxpay';

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

/** What the payment record keeps so the timer can refund it. */
export function owedRefundFields(paymentId: string, fee: number, reason: string, at: number): AnyDoc {
  return {
    outRefundNo: refundNumberFor(paymentId),
    refundFee: fee,
    refundDesc: reason === 'DUPLICATE_PAYMENT' ? '重复支付退款' : '订单已关闭，自动退款',
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

type Step = 'refunded' | 'pending' | 'retrying';

/** The timer's sweep: moves every due owed refund one step further. */
export async function processDueRefunds(): Promise<RefundSweepSummary> {
  const started = now();
  const summary: RefundSweepSummary = { scanned: 0, refunded: 0, pending: 0, retrying: 0, failed: 0 };
  const _ = db().command;
  const seen = new Set<string>();
  while (now() - started < SWEEP_BUDGET_MS) {
    const { data } = await db()
      .collection(COLLECTIONS.payments)
      .where({ status: 'refund_required', nextRefundAt: _.lte(now()) })
      .orderBy('nextRefundAt', 'asc')
      .limit(BATCH)
      .get();
    const due = data.filter((doc) => typeof doc._id === 'string' && !seen.has(doc._id as string));
    if (due.length === 0) break;
    for (const doc of due) {
      seen.add(doc._id as string);
      summary.scanned += 1;
      try {
        summary[await advance(doc)] += 1;
      } catch (error) {
        summary.failed += 1;
        console.error(`[refunds] payment ${String(doc._id)} not advanced this run`, error);
      }
    }
    if (data.length < BATCH) break;
  }
  if (summary.scanned > 0) console.log(`[refunds] ${JSON.stringify(summary)}`);
  return summary;
}

/** Confirms a refund WeChat already made, or asks for it (again, under the same number). */
async function advance(doc: AnyDoc): Promise<Step> {
  const id = doc._id as string;
  const outRefundNo = typeof doc.outRefundNo === 'string' ? doc.outRefundNo : refundNumberFor(id);
  const attempts = typeof doc.refundAttempts === 'number' ? doc.refundAttempts : 0;
  const before = await queryRefund(outRefundNo);
  if (before.state === 'SUCCESS') return markRefunded(id, before);
  if (before.state === 'PROCESSING') return later(id, { refundState: 'PROCESSING' }, now() + refundRetryDelayMs(attempts), 'pending');

  let failure: string | null = null;
  try {
    const answer = await refund({
      outTradeNo: String(doc.outTradeNo),
      // The very payment that is owed back, not whichever payment the order number has at WeChat Pay.
      transactionId: typeof doc.transactionId === 'string' && /^[0-9A-Za-z_-]{1,32}$/.test(doc.transactionId) ? doc.transactionId : undefined,
      outRefundNo,
      totalFee: Number(doc.totalFee),
      refundFee: Number(doc.refundFee ?? doc.totalFee),
      refundDesc: typeof doc.refundDesc === 'string' ? doc.refundDesc : undefined,
    });
    if (!accepted(answer)) failure = refusal(answer);
  } catch (error) {
    failure = String((error as { errMsg?: string; message?: string })?.errMsg ?? (error as Error)?.message ?? error).slice(0, 200);
  }
  const at = now();
  const tried = { refundAttempts: attempts + 1, lastRefundAttemptAt: at, outRefundNo };
  if (failure) {
    console.error(`[refunds] refund ${outRefundNo} of order ${String(doc.outTradeNo)} refused (attempt ${attempts + 1}): ${failure}`);
    return later(id, { ...tried, refundError: failure, refundState: before.state === 'NONE' ? 'REFUSED' : before.state }, at + refundRetryDelayMs(attempts + 1), 'retrying');
  }
  // Accepted is not done: only WeChat Pay's record of the refund is.
  const after = await queryRefund(outRefundNo);
  if (after.state === 'SUCCESS') return markRefunded(id, after, tried);
  return later(id, { ...tried, refundState: after.state === 'NONE' ? 'REQUESTED' : after.state }, at + refundRetryDelayMs(1), 'pending');
}

async function markRefunded(id: string, seen: { refundId?: string; successTime?: string }, extra: AnyDoc = {}): Promise<Step> {
  const at = now();
  await db()
    .collection(COLLECTIONS.payments)
    .where({ _id: id, status: 'refund_required' })
    .update({ data: { ...extra, status: 'refunded', refundState: 'SUCCESS', refundId: seen.refundId ?? null, refundSuccessTime: seen.successTime ?? null, refundedAt: at, updatedAt: at } });
  return 'refunded';
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
  try {
    const doc = await getDoc(COLLECTIONS.payments, id);
    if (!doc) {
      console.error(`[refund-callback] no payment record for refund ${outRefundNo}; ignored`);
      return ACK;
    }
    if (doc.status !== 'refund_required') return ACK; // already refunded: a redelivery
    const seen = await queryRefund(outRefundNo);
    if (seen.state === 'SUCCESS') {
      await markRefunded(id, seen);
      return ACK;
    }
    const status = isPlainObject(event) ? String(event.refundStatus).slice(0, 16) : '';
    const at = now();
    await later(id, { refundNotifiedAt: at, refundNotifiedStatus: status, refundState: stateName(seen.state) }, at, 'pending');
    return ACK;
  } catch (error) {
    console.error(`[refund-callback] failed for ${outRefundNo}`, error);
    return { errcode: 1, errmsg: 'retry later' };
  }
}

function stateName(state: RefundState): string {
  return state === 'NONE' ? 'UNCONFIRMED' : state;
}
