/**
 * How an after-sales request moves (pure, the server's side): the transition table and the fields each
 * move writes, the tally after a refusal, and when an order counts as refunded in full. Apart from
 * after-sales.ts so the pages, which only preview and label requests, do not load it.
 */
import type { AfterSaleLine, AfterSaleStatus, Fen, Order, OrderAfterSales } from '../../typings/domain';
import { isOpenAfterSale, remainingUnits, tallyOf } from './after-sales';

export type AfterSaleEvent = 'refundNow' | 'approve' | 'requireReturn' | 'receive' | 'refund' | 'confirmRefund' | 'refuse';
export type AfterSaleStamp = 'approvedAt' | 'receivedAt' | 'refundingAt' | 'refundedAt' | 'refusedAt';

export interface AfterSaleTransition {
  from: readonly AfterSaleStatus[];
  to: AfterSaleStatus;
  stamp?: AfterSaleStamp;
}

/**
 * Every move of a request in one table. Before shipping a request is refunded at once (refundNow);
 * after shipping the merchant approves (then refund, or the goods come back first) or refuses.
 */
export const AFTER_SALE_TRANSITIONS: Readonly<Record<AfterSaleEvent, AfterSaleTransition>> = {
  refundNow: { from: ['requested'], to: 'refunding', stamp: 'refundingAt' },
  approve: { from: ['requested'], to: 'approved', stamp: 'approvedAt' },
  requireReturn: { from: ['approved'], to: 'return_pending' },
  receive: { from: ['return_pending'], to: 'received', stamp: 'receivedAt' },
  refund: { from: ['approved', 'received'], to: 'refunding', stamp: 'refundingAt' },
  confirmRefund: { from: ['refunding'], to: 'refunded', stamp: 'refundedAt' },
  refuse: { from: ['requested'], to: 'refused', stamp: 'refusedAt' },
};

/** The status `event` leads to from `status`, or null when not allowed there. */
export function afterSaleNext(status: AfterSaleStatus, event: AfterSaleEvent): AfterSaleStatus | null {
  const rule = AFTER_SALE_TRANSITIONS[event];
  return rule.from.includes(status) ? rule.to : null;
}

/** The fields `event` writes on a request in `status` (status, its stamp, updatedAt); null when not allowed. */
export function afterSalePatch(status: AfterSaleStatus, event: AfterSaleEvent, now: number): ({ status: AfterSaleStatus; updatedAt: number } & Partial<Record<AfterSaleStamp, number>>) | null {
  const to = afterSaleNext(status, event);
  if (to === null) return null;
  const stamp = AFTER_SALE_TRANSITIONS[event].stamp;
  return { status: to, updatedAt: now, ...(stamp ? { [stamp]: now } : {}) };
}

/**
 * Every unit of the order asked back and every request done with refunded (none still open): the
 * shopper keeps nothing of it, as after a refund in full before shipping.
 */
export function fullyRefunded(order: Pick<Order, 'lines' | 'afterSales'>): boolean {
  const tally = tallyOf(order);
  const states = Object.keys(tally.states).map((k) => tally.states[k]);
  return remainingUnits(order).every((n) => n === 0) && states.includes('refunded') && !states.some(isOpenAfterSale);
}

/** The tally after a request was refused: its units, fee and refund count are free again. */
export function releaseClaim(order: Pick<Order, 'lines' | 'afterSales'>, request: { _id: string; lines: readonly Pick<AfterSaleLine, 'index' | 'qty' | 'refundFee'>[]; shippingRefund: Fen }): OrderAfterSales {
  const tally = tallyOf(order);
  for (const line of request.lines) {
    const claimed = tally.lines[line.index];
    if (claimed) tally.lines[line.index] = { qty: Math.max(0, claimed.qty - line.qty), fee: Math.max(0, claimed.fee - line.refundFee) };
  }
  tally.shippingFee = Math.max(0, tally.shippingFee - request.shippingRefund);
  tally.count = Math.max(0, tally.count - 1);
  return tally;
}
