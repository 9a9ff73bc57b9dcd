/**
 * After-sales rules (pure): what a shopper may ask back from a paid order, how much that refunds, and
 * the states a request can be in. The orders function decides and previews with it (the request form
 * shows its preview, server/order-presenter.ts), the console labels with it. How a request moves between states (the server's writes) is in
 * after-sale-transitions.ts, which the pages do not load.
 */
import type { AfterSaleLine, AfterSaleStatus, Fen, Order, OrderAfterSales, OrderLine } from '../../typings/domain';

/** Days after receipt (`completedAt`) a shopper may still ask; before receipt it is always open. */
export const DEFAULT_AFTER_SALE_WINDOW_DAYS = 7;
/** WeChat Pay refunds one payment at most 50 times (partial refunds included). */
export const MAX_REFUNDS_PER_PAYMENT = 50;
export const MAX_REASON_LENGTH = 200;

/* ------------------------------------------------------------ money spread */

/**
 * Splits `total` fen over parts in proportion to `weights` by the largest-remainder method: every part
 * gets the floor of its exact share, and the fen left over go one each to the largest remainders (ties
 * to the earlier part). The parts always sum to `total`. All weights 0 (or none positive): equal
 * weights. Used for discounts over order lines (and coupons over lines).
 */
export function spreadByLargestRemainder(total: Fen, weights: readonly number[]): Fen[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`not an amount in fen: ${total}`);
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('nothing to spread over');
    return [];
  }
  for (const w of weights) if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`not a weight: ${w}`);
  const positive = weights.some((w) => w > 0);
  const ws = positive ? weights : weights.map(() => 1);
  const sum = ws.reduce((a, b) => a + b, 0);
  const exact = exactShares(total, ws, sum);
  let left = total - exact.reduce((a, e) => a + e.share, 0);
  const out = exact.map((e) => e.share);
  const order = exact.map((e, i) => ({ i, r: e.remainder })).sort((a, b) => (a.r === b.r ? a.i - b.i : b.r - a.r));
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] += 1;
    left -= 1;
  }
  return out;
}

/**
 * floor(total × w / sum) and its remainder (as a fraction of sum) for each weight. Plain numbers while
 * total × sum is a safe integer (every real order); BigInt beyond, where the runtime has it.
 */
function exactShares(total: number, weights: readonly number[], sum: number): { share: number; remainder: number }[] {
  if (Number.isSafeInteger(total * sum)) {
    return weights.map((w) => {
      const product = total * w;
      const share = Math.floor(product / sum);
      return { share, remainder: (product - share * sum) / sum };
    });
  }
  const big = BigInt(total);
  const bigSum = BigInt(sum);
  return weights.map((w) => {
    const product = big * BigInt(w);
    const share = product / bigSum;
    return { share: Number(share), remainder: Number(product - share * bigSum) / sum };
  });
}

type PricedOrder = Pick<Order, 'lines' | 'itemsTotal' | 'shippingFee' | 'total'>;

/** The order's discount: what the shopper did not pay of items plus shipping (0 without discounts). */
export function orderDiscount(order: PricedOrder): Fen {
  return Math.max(0, order.itemsTotal + order.shippingFee - order.total);
}

/**
 * What the shopper paid for each line: its total less its share of the discount. A coupon's shares are
 * written on the lines when the order is priced (only lines in its scope carry one); otherwise the
 * order's discount is spread over every line here.
 */
export function linePaidAmounts(order: PricedOrder): Fen[] {
  if (order.lines.some((l) => typeof l.discount === 'number')) return order.lines.map((l) => l.lineTotal - (l.discount || 0));
  const discount = Math.min(orderDiscount(order), order.itemsTotal);
  const shares = spreadByLargestRemainder(discount, order.lines.map((l) => l.lineTotal));
  return order.lines.map((l, i) => l.lineTotal - shares[i]);
}

/* ------------------------------------------------------------ request states */

export const AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = ['requested', 'approved', 'return_pending', 'received', 'refunding', 'refunded', 'refused'];

export const AFTER_SALE_STATUS_LABELS: Readonly<Record<AfterSaleStatus, string>> = {
  requested: '待商家处理',
  approved: '商家已同意',
  return_pending: '待寄回商品',
  received: '商家已收货',
  refunding: '退款中',
  refunded: '已退款',
  refused: '商家已拒绝',
};

export function isAfterSaleStatus(value: unknown): value is AfterSaleStatus {
  return typeof value === 'string' && (AFTER_SALE_STATUSES as readonly string[]).includes(value);
}

/** Requests still waiting on someone (the merchant, the shopper's parcel, WeChat Pay). */
export function isOpenAfterSale(status: AfterSaleStatus): boolean {
  return status !== 'refunded' && status !== 'refused';
}

/* ------------------------------------------------------------ the tally */

export function emptyTally(order: Pick<Order, 'lines'>): OrderAfterSales {
  return { lines: order.lines.map(() => ({ qty: 0, fee: 0 })), shippingFee: 0, count: 0, states: {} };
}

/** The order's tally, or an empty one (an order without requests, or a tally that does not fit its lines). */
export function tallyOf(order: Pick<Order, 'lines' | 'afterSales'>): OrderAfterSales {
  const t = order.afterSales;
  if (!t || !Array.isArray(t.lines) || t.lines.length !== order.lines.length) return emptyTally(order);
  return { lines: t.lines.map((l) => ({ qty: l.qty, fee: l.fee })), shippingFee: t.shippingFee || 0, count: t.count || 0, states: { ...(t.states || {}) } };
}

/** Units of each line no request holds yet. */
export function remainingUnits(order: Pick<Order, 'lines' | 'afterSales'>): number[] {
  const tally = tallyOf(order);
  return order.lines.map((l, i) => Math.max(0, l.qty - tally.lines[i].qty));
}

/** Sum of every claim on the order: never more than it paid. */
export function claimedTotal(tally: OrderAfterSales): Fen {
  return tally.lines.reduce((n, l) => n + l.fee, 0) + tally.shippingFee;
}

/* ------------------------------------------------------------ a request */

export type AfterSaleRefusal = 'NOT_ELIGIBLE' | 'WINDOW_CLOSED' | 'EMPTY' | 'UNKNOWN_LINE' | 'DUPLICATE_LINE' | 'TOO_MANY_UNITS' | 'TOO_MANY_REFUNDS' | 'OVER_PAID';

export const AFTER_SALE_REFUSAL_MESSAGES: Readonly<Record<AfterSaleRefusal, string>> = {
  NOT_ELIGIBLE: '该订单当前不能申请售后',
  WINDOW_CLOSED: '已超过售后期限',
  EMPTY: '请选择要退的商品',
  UNKNOWN_LINE: '订单中没有这件商品',
  DUPLICATE_LINE: '同一商品重复出现',
  TOO_MANY_UNITS: '退货数量超过可退数量',
  TOO_MANY_REFUNDS: '该订单退款次数已达上限',
  OVER_PAID: '退款金额不能超过实付金额',
};

export interface RequestedUnits {
  productId: string;
  skuId: string;
  qty: number;
}

type EligibleOrder = Pick<Order, 'status' | 'lines' | 'itemsTotal' | 'shippingFee' | 'total' | 'completedAt' | 'afterSales'>;

/** Whether the order takes after-sales requests now (status, and the window after receipt). */
export function afterSaleWindow(order: Pick<Order, 'status' | 'completedAt'> & Pick<Partial<Order>, 'pickedUpAt'>, now: number, windowMs: number): 'open' | AfterSaleRefusal {
  if (order.status === 'paid' || order.status === 'shipped') return 'open';
  if (order.status !== 'completed') return 'NOT_ELIGIBLE';
  // A store pickup is received when it is collected.
  const receivedAt = typeof order.completedAt === 'number' ? order.completedAt : typeof order.pickedUpAt === 'number' ? order.pickedUpAt : 0;
  return now <= receivedAt + windowMs ? 'open' : 'WINDOW_CLOSED';
}

export type AfterSalePlan =
  | {
      ok: true;
      lines: AfterSaleLine[];
      /** Units plus shipping. */
      refundFee: Fen;
      shippingRefund: Fen;
      /** Not shipped yet: refunded at once, units back to stock. */
      immediate: boolean;
      /** The order's tally with this request's claim added. */
      tally: OrderAfterSales;
    }
  | { ok: false; reason: AfterSaleRefusal; message: string };

function refusal(reason: AfterSaleRefusal): AfterSalePlan {
  return { ok: false, reason, message: AFTER_SALE_REFUSAL_MESSAGES[reason] };
}

/**
 * Plans a request for units of an order: the paid price of those units (the last units of a line take
 * what is left of its paid amount, so a line refunded in parts sums to exactly what it cost); the
 * shipping fee only when, before shipping, this request leaves no unit unclaimed; at most
 * MAX_REFUNDS_PER_PAYMENT requests; never more than paid in total.
 */
export function planAfterSale(order: EligibleOrder, units: readonly RequestedUnits[], id: string, now: number, windowMs: number): AfterSalePlan {
  const window = afterSaleWindow(order, now, windowMs);
  if (window !== 'open') return refusal(window);
  if (units.length === 0) return refusal('EMPTY');
  const tally = tallyOf(order);
  if (tally.count >= MAX_REFUNDS_PER_PAYMENT) return refusal('TOO_MANY_REFUNDS');
  const paid = linePaidAmounts(order);
  const seen = new Set<number>();
  const lines: AfterSaleLine[] = [];
  for (const unit of units) {
    const index = order.lines.findIndex((l) => l.productId === unit.productId && l.skuId === unit.skuId);
    if (index < 0) return refusal('UNKNOWN_LINE');
    if (seen.has(index)) return refusal('DUPLICATE_LINE');
    seen.add(index);
    if (!Number.isSafeInteger(unit.qty) || unit.qty < 1) return refusal('EMPTY');
    const line: OrderLine = order.lines[index];
    const claimed = tally.lines[index];
    if (claimed.qty + unit.qty > line.qty) return refusal('TOO_MANY_UNITS');
    const fee = claimed.qty + unit.qty === line.qty ? paid[index] - claimed.fee : Math.floor((paid[index] * unit.qty) / line.qty);
    tally.lines[index] = { qty: claimed.qty + unit.qty, fee: claimed.fee + fee };
    lines.push({ index, productId: line.productId, skuId: line.skuId, title: line.title, specText: line.specText, image: line.image, qty: unit.qty, refundFee: fee });
  }
  lines.sort((a, b) => a.index - b.index);
  const immediate = order.status === 'paid';
  const allClaimed = order.lines.every((l, i) => tally.lines[i].qty === l.qty);
  const shippingRefund = immediate && allClaimed && tally.shippingFee === 0 ? order.shippingFee : 0;
  tally.shippingFee += shippingRefund;
  tally.count += 1;
  tally.states[id] = immediate ? 'refunding' : 'requested';
  if (claimedTotal(tally) > order.total) return refusal('OVER_PAID');
  const refundFee = lines.reduce((n, l) => n + l.refundFee, 0) + shippingRefund;
  return { ok: true, lines, refundFee, shippingRefund, immediate, tally };
}

/* ------------------------------------------------------------ what lists show */

/**
 * One label for an order's after-sales, for the order list and detail: a refund under way first, then
 * a request waiting, then what was refunded. Empty when there is nothing to say.
 */
export function afterSalesLabel(order: Pick<Order, 'lines' | 'afterSales'>): string {
  const t = order.afterSales;
  if (!t || !t.states) return '';
  const states = Object.keys(t.states).map((k) => t.states[k]);
  if (states.length === 0) return '';
  if (states.includes('refunding')) return '退款中';
  if (states.some(isOpenAfterSale)) return '售后处理中';
  if (states.includes('refunded')) {
    const all = order.lines.every((l, i) => t.lines[i] && t.lines[i].qty >= l.qty);
    return all ? '已全额退款' : '部分退款';
  }
  return '售后已拒绝';
}
