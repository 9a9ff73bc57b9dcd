/**
 * The WeChat Pay notification (cloudPay.unifiedOrder's `functionName` = 'orders'). WeChat delivers it
 * at least once, possibly many times and concurrently; it must be answered `{errcode: 0}` or it is
 * delivered again for up to 24 h.
 *
 * Rule (see cloudfunctions/README.md): the notification and the expiry timer both move the order by a
 * compare-and-set on its status inside a transaction. A pending order is marked paid (whatever the
 * clock says: its stock is still reserved). A notification for an order that is already cancelled or
 * expired (its stock released) is never marked paid: it is recorded in `payments` as refund_required,
 * answered, and refunded later by the refunds timer (./refunds.ts). So there is never a paid order
 * without stock, and the callback never waits on a refund.
 */
import { isPlainObject } from './validate';
import { type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, txGet, withTransaction } from './db';
import { digestId } from './ids';
import { applyTransitionTx, asOrder, releaseOrder, releaseOrderTx, type TransitionResult } from './order-store';
import { announceIfFormed, countGroupPaymentTx } from './groups';
import { owedRefundFields } from './refunds';
import { sellTx } from './stock-ledger';
import { accepted, closeOrder, queryOrder, refusal } from './wxpay';

export interface PayNotification {
  outTradeNo: string;
  totalFee: number;
  transactionId: string;
  returnCode: string;
  resultCode: string;
  timeEnd?: string;
}

export type PayAnswer = { errcode: number; errmsg: string };

export type PaymentStatus = 'paid' | 'amount_mismatch' | 'refund_required' | 'refunded' | 'unknown_order' | 'failed';

export function parsePayNotification(event: unknown): PayNotification | null {
  if (!isPlainObject(event)) return null;
  const { outTradeNo, totalFee, transactionId, returnCode, resultCode, timeEnd } = event;
  if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_-]{1,32}$/.test(outTradeNo)) return null;
  if (typeof returnCode !== 'string' || returnCode.length > 16) return null;
  const result = typeof resultCode === 'string' && resultCode.length <= 16 ? resultCode : '';
  const fee = typeof totalFee === 'string' && /^[0-9]{1,12}$/.test(totalFee) ? Number(totalFee) : totalFee;
  if (typeof fee !== 'number' || !Number.isSafeInteger(fee) || fee < 0) return null;
  const tid = typeof transactionId === 'string' && /^[0-9A-Za-z_-]{1,64}$/.test(transactionId) ? transactionId : '';
  return { outTradeNo, totalFee: fee, transactionId: tid, returnCode, resultCode: result, timeEnd: typeof timeEnd === 'string' ? timeEnd.slice(0, 32) : undefined };
}

/** One `payments` document per WeChat transaction, so every redelivery finds the first one's outcome. */
function paymentId(n: PayNotification): string {
  return `P${digestId(`${n.transactionId || 'none'}\u0000${n.outTradeNo}\u0000${n.totalFee}`, 24)}`;
}

const ACK: PayAnswer = { errcode: 0, errmsg: 'OK' };

export async function handlePayNotification(event: unknown): Promise<PayAnswer> {
  const n = parsePayNotification(event);
  if (!n) {
    // Not something WeChat sends; nothing to record against. Acknowledge so it is not redelivered.
    console.error('[pay-callback] malformed notification ignored', JSON.stringify(event)?.slice(0, 500));
    return ACK;
  }
  try {
    await settle(n);
    return ACK;
  } catch (error) {
    // Not recorded: ask WeChat to deliver again.
    console.error(`[pay-callback] failed for ${n.outTradeNo}`, error);
    return { errcode: 1, errmsg: 'retry later' };
  }
}

/** Records what a payment means for its order, once per transaction (a refund it needs is owed from then on). */
async function settle(n: PayNotification): Promise<PaymentStatus> {
  const outcome = await record(n);
  if (outcome.status === 'amount_mismatch') {
    console.error(`[pay-callback] AMOUNT MISMATCH order ${n.outTradeNo}: notified ${n.totalFee} fen, order total ${String(outcome.expected)} fen; not marked paid`);
  }
  if (outcome.status === 'refund_required') console.warn(`[pay-callback] payment of ${n.outTradeNo} will be refunded (${String(outcome.reason)})`);
  if (outcome.groupId) await announceIfFormed(outcome.groupId);
  return outcome.status;
}

/**
 * Before the timer expires an order that has a prepay, it asks WeChat Pay whether the shopper paid:
 * a payment made just before the deadline whose notification is still on its way is then honoured
 * instead of refunded. A paid answer is settled exactly as its notification would be (same record, so
 * the notification arriving later is a redelivery). Null when unpaid or unknown (then expiry proceeds;
 * a payment after that is refunded by the rule).
 */
export async function settleFromQuery(orderId: string): Promise<PaymentStatus | null> {
  let answer: Record<string, unknown>;
  try {
    answer = await queryOrder(orderId);
  } catch (error) {
    console.warn(`[pay] queryOrder ${orderId} failed; expiring without it`, (error as Error)?.message ?? error);
    return null;
  }
  if (!accepted(answer) || answer.tradeState !== 'SUCCESS') return null;
  const n = parsePayNotification({
    outTradeNo: orderId,
    totalFee: answer.totalFee,
    transactionId: answer.transactionId,
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    timeEnd: answer.timeEnd,
  });
  return n ? settle(n) : null;
}

interface Outcome {
  id: string;
  status: PaymentStatus;
  expected?: number;
  reason?: string;
  /** The group this payment counted toward (its result is announced after the commit). */
  groupId?: string;
}

async function record(n: PayNotification): Promise<Outcome> {
  const id = paymentId(n);
  const at = now();
  return withTransaction(async (tx) => {
    const order = asOrder(await txGet(tx, COLLECTIONS.orders, n.outTradeNo));
    const existing = await txGet(tx, COLLECTIONS.payments, id);
    if (existing) {
      // A redelivery: the first delivery decided. Only an unfinished refund is worth another try.
      return { id, status: existing.status as PaymentStatus, reason: existing.reason as string | undefined };
    }
    const base: AnyDoc = {
      orderId: n.outTradeNo,
      outTradeNo: n.outTradeNo,
      transactionId: n.transactionId,
      totalFee: n.totalFee,
      returnCode: n.returnCode,
      resultCode: n.resultCode,
      timeEnd: n.timeEnd ?? null,
      createdAt: at,
      updatedAt: at,
    };
    const write = async (status: PaymentStatus, extra: AnyDoc = {}): Promise<Outcome> => {
      await tx.collection(COLLECTIONS.payments).doc(id).set({ data: { ...base, status, ...extra } });
      return { id, status, expected: extra.expectedFee as number | undefined, reason: extra.reason as string | undefined };
    };
    if (n.returnCode !== 'SUCCESS' || n.resultCode !== 'SUCCESS') return write('failed');
    if (!order) return write('unknown_order');
    if (n.totalFee !== order.total) return write('amount_mismatch', { expectedFee: order.total, _openid: order._openid });
    if (order.group && order.status === 'pending_payment') {
      // A group order's payment counts toward its group (server/groups.ts); when the group takes no
      // payment any more the order is closed and the payment owed back.
      if (await countGroupPaymentTx(tx, order, at, { transactionId: n.transactionId, paymentId: id })) {
        await sellTx(tx, order);
        return { ...(await write('paid', { _openid: order._openid })), groupId: order.group.groupId };
      }
      await releaseOrderTx(tx, order, 'expire', at);
      return write('refund_required', { _openid: order._openid, reason: 'GROUP_CLOSED', orderStatus: order.status, ...owedRefundFields(id, n.totalFee, 'GROUP_CLOSED', at) });
    }
    if (await applyTransitionTx(tx, order, 'pay', at, { transactionId: n.transactionId })) {
      await sellTx(tx, order);
      return write('paid', { _openid: order._openid });
    }
    if (order.transactionId && order.transactionId === n.transactionId) {
      // Paid by this very transaction before the payments record existed; nothing more to do.
      return write('paid', { _openid: order._openid });
    }
    const reason = order.status === 'cancelled' || order.status === 'expired' ? `ORDER_${order.status.toUpperCase()}` : 'DUPLICATE_PAYMENT';
    return write('refund_required', { _openid: order._openid, reason, orderStatus: order.status, ...owedRefundFields(id, n.totalFee, reason, at) });
  });
}

/**
 * Expires an unpaid order (its stock goes back exactly once) and closes its WeChat Pay order: the expiry
 * sweep and `pay` finding the order overdue. (Shopper cancel closes first: `cancelUnpaidOrder`.)
 */
export async function releaseUnpaidOrder(
  orderId: string,
  event: 'expire',
  options: Parameters<typeof releaseOrder>[2],
): Promise<TransitionResult> {
  const result = await releaseOrder(orderId, event, options);
  if (result.changed && result.order.payRequestedAt !== undefined) await closePrepay(orderId);
  return result;
}

/**
 * The shopper cancels an unpaid order. A payment may be under way, so WeChat Pay's order is closed
 * first: closed means no payment can land any more; refused means WeChat Pay is asked (queryOrder)
 * whether the shopper paid, and a payment it reports is settled exactly as its notification would be
 * (the order becomes paid, and the cancel finds it so). When it can be neither closed nor found paid
 * (within WeChat Pay's first 5 minutes, or WeChat Pay unreachable) the order is cancelled anyway: a
 * payment landing later is recorded as owing a refund, which the refunds timer pays back once.
 */
export async function cancelUnpaidOrder(orderId: string, owner: string | null, order: { status: string; payRequestedAt?: number }): Promise<TransitionResult> {
  if (order.status === 'pending_payment' && order.payRequestedAt !== undefined) {
    const closed = await closePrepay(orderId);
    if (!closed) await settleFromQuery(orderId);
  }
  return releaseOrder(orderId, 'cancel', { owner, now: now() });
}

/**
 * Closes an order's WeChat Pay order so it cannot be paid any more. False when WeChat Pay did not close
 * it (already paid, within its first 5 minutes, unreachable): then a payment may still land, and is
 * either settled or refunded by the rule.
 */
async function closePrepay(orderId: string): Promise<boolean> {
  try {
    const answer = await closeOrder(orderId);
    if (accepted(answer)) return true;
    console.warn(`[pay] closeOrder ${orderId}: ${refusal(answer)}`);
  } catch (error) {
    console.warn(`[pay] closeOrder ${orderId} failed (a late payment will be refunded)`, (error as Error)?.message ?? error);
  }
  return false;
}
