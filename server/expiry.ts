/**
 * The expiry sweep of unpaid orders: the `orders` function's `expireOrders` timer (config.json), since
 * the orders function owns every change of an order's status.
 */
import { db } from './cloud';
import { now } from './clock';
import { SWEEP_BUDGET_MS } from './config';
import { COLLECTIONS } from './db';
import { releaseUnpaidOrder, settleFromQuery } from './payments';
import { settleHolds, type HoldSweepSummary } from './stock-holds';

export interface ExpirySummary {
  scanned: number;
  expired: number;
  /** Due orders that WeChat Pay reported paid (notification not yet processed): marked paid instead. */
  paid: number;
  skipped: number;
  failed: number;
  /** The sweep of checkouts' holds that runs after it (server/stock-holds.ts). */
  holds?: HoldSweepSummary;
}

const BATCH = 100;

/**
 * The every-minute timer: expires pending orders whose payment window has passed and puts their stock
 * back, then ends checkouts' holds. Each order goes through releaseOrder's compare-and-set, so an order paid (or cancelled, or
 * expired by an overlapping run) meanwhile is left alone and stock is released exactly once.
 */
export async function expireDueOrders(): Promise<ExpirySummary> {
  const started = now();
  const summary: ExpirySummary = { scanned: 0, expired: 0, paid: 0, skipped: 0, failed: 0 };
  const _ = db().command;
  const failedIds = new Set<string>();
  while (now() - started < SWEEP_BUDGET_MS) {
    const cutoff = now();
    const { data } = await db()
      .collection(COLLECTIONS.orders)
      .where({ status: 'pending_payment', expireAt: _.lte(cutoff) })
      .orderBy('expireAt', 'asc')
      .limit(BATCH)
      .get();
    const due = data.filter((doc) => typeof doc._id === 'string' && !failedIds.has(doc._id as string));
    if (due.length === 0) break;
    for (const doc of due) {
      const orderId = doc._id as string;
      summary.scanned += 1;
      try {
        if (doc.payRequestedAt !== undefined && (await settleFromQuery(orderId)) === 'paid') {
          summary.paid += 1;
          continue;
        }
        const result = await releaseUnpaidOrder(orderId, 'expire', { owner: null, now: now(), dueBy: cutoff });
        if (result.changed) summary.expired += 1;
        else summary.skipped += 1;
      } catch (error) {
        // Left for the next run; never retried in this one, so one bad order cannot stall the sweep.
        failedIds.add(orderId);
        summary.failed += 1;
        console.error(`[orders.expireOrders] order ${orderId} not expired this run`, error);
      }
    }
    if (data.length < BATCH) break;
  }
  if (summary.scanned > 0) console.log(`[orders.expireOrders] ${JSON.stringify(summary)}`);
  return { ...summary, holds: await settleHolds(Math.max(1000, SWEEP_BUDGET_MS - (now() - started))) };
}
