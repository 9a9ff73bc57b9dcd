import type { CheckLineResult, LineFailure, OrderLineRequest, PriceChange } from '../../typings/api';
import type { Fen, OrderLine } from '../../typings/domain';
import { checkLine, MAX_LINES } from './cart';

// The cart page's total lives with the cart rules, so the cart tab does not load order pricing and shipping.
export { cartTotal } from './cart';
import { multiplyFen, sumFen } from './money';
import type { NormalizeResult } from './normalize';
import { DEFAULT_SHIPPING_TEMPLATE, shippingFeeFor, type ShippingTemplate } from './shipping';

/** The default template's numbers (used until the merchant sets config/shipping). */
export const SHIPPING = { freeFrom: DEFAULT_SHIPPING_TEMPLATE.freeFrom as Fen, fee: DEFAULT_SHIPPING_TEMPLATE.defaultFee } as const;

/** Where an order ships and under which template: the server reads both, never the client's fee. */
export interface ShippingContext {
  template: ShippingTemplate;
  /** the address's province; none = the template's default fee */
  province?: string;
}

const DEFAULT_SHIPPING: ShippingContext = { template: DEFAULT_SHIPPING_TEMPLATE };

export function shippingFee(itemsTotal: Fen, shipping: ShippingContext = DEFAULT_SHIPPING): Fen {
  return shippingFeeFor(shipping.template, itemsTotal, shipping.province);
}

export interface PricedOrder {
  lines: OrderLine[];
  itemsTotal: Fen;
  shippingFee: Fen;
  total: Fen;
}

export type PricingResult =
  | ({ ok: true } & PricedOrder)
  | { ok: false; reason: 'EMPTY' | 'TOO_MANY_LINES' | 'DUPLICATE_LINE' }
  | { ok: false; reason: 'LINE_PROBLEMS'; failures: LineFailure[]; outOfStock: boolean }
  | { ok: false; reason: 'PRICE_CHANGED'; changes: PriceChange[] };

/**
 * Prices an order from the server's current product documents. Client-sent prices are never used to
 * charge: `expectedPrice` only makes a changed price an error instead of a surprise.
 */
export function priceOrder(
  requests: readonly OrderLineRequest[],
  lookup: (productId: string) => NormalizeResult | undefined,
  shipping: ShippingContext = DEFAULT_SHIPPING,
): PricingResult {
  const shape = shapeProblem(requests);
  if (shape) return { ok: false, reason: shape };

  const checks = requests.map((request) => checkLine({ productId: request.productId, skuId: request.skuId, qty: request.qty }, lookup(request.productId)));
  const failures: LineFailure[] = [];
  checks.forEach((check, index) => {
    if (check.problems.length > 0) failures.push({ index, productId: check.productId, skuId: check.skuId, problems: check.problems });
  });
  if (failures.length > 0) {
    const stockOnly = failures.every((f) => f.problems.every((p) => p.code === 'SOLD_OUT' || p.code === 'INSUFFICIENT_STOCK'));
    return { ok: false, reason: 'LINE_PROBLEMS', failures, outOfStock: stockOnly };
  }

  const changes: PriceChange[] = [];
  requests.forEach((request, i) => {
    const current = checks[i].currentPrice as Fen;
    if (request.expectedPrice !== undefined && request.expectedPrice !== current) {
      changes.push({ productId: request.productId, skuId: request.skuId, expectedPrice: request.expectedPrice, currentPrice: current });
    }
  });
  if (changes.length > 0) return { ok: false, reason: 'PRICE_CHANGED', changes };

  const lines = checks.map((check) => toOrderLine(check));
  return { ok: true, lines, ...totals(lines.map((line) => line.lineTotal), shipping) };
}

type ShapeProblem = 'EMPTY' | 'TOO_MANY_LINES' | 'DUPLICATE_LINE';

/** What makes a list of lines no order at all, whatever the products say. */
function shapeProblem(requests: readonly OrderLineRequest[]): ShapeProblem | null {
  if (requests.length === 0) return 'EMPTY';
  if (requests.length > MAX_LINES) return 'TOO_MANY_LINES';
  const keys = new Set(requests.map((r) => `${r.productId}\u0000${r.skuId}`));
  return keys.size !== requests.length ? 'DUPLICATE_LINE' : null;
}

/** Items total, shipping and grand total of some line totals. */
function totals(lineTotals: readonly Fen[], shipping: ShippingContext): { itemsTotal: Fen; shippingFee: Fen; total: Fen } {
  const itemsTotal = sumFen(lineTotals);
  const fee = shippingFee(itemsTotal, shipping);
  return { itemsTotal, shippingFee: fee, total: itemsTotal + fee };
}

export type QuoteResult = { ok: true; lines: CheckLineResult[]; itemsTotal: Fen; shippingFee: Fen; total: Fen } | { ok: false; reason: ShapeProblem };

/**
 * The checkout summary: every line checked as `priceOrder` would, totalled over the lines that can be
 * bought now. A line whose only problem is a changed price counts at its current price (the shopper
 * sees the new price before confirming); lines with any other problem carry it and are left out.
 */
export function quoteOrder(
  requests: readonly OrderLineRequest[],
  lookup: (productId: string) => NormalizeResult | undefined,
  shipping: ShippingContext = DEFAULT_SHIPPING,
): QuoteResult {
  const shape = shapeProblem(requests);
  if (shape) return { ok: false, reason: shape };
  const lines = requests.map((r) => checkLine({ productId: r.productId, skuId: r.skuId, qty: r.qty, seenPrice: r.expectedPrice }, lookup(r.productId)));
  const billable = lines.filter((line) => line.currentPrice !== null && line.problems.every((p) => p.code === 'PRICE_CHANGED'));
  return { ok: true, lines, ...totals(billable.map((line) => multiplyFen(line.currentPrice as Fen, line.qty)), shipping) };
}

function toOrderLine(check: CheckLineResult): OrderLine {
  const unitPrice = check.currentPrice as Fen;
  return {
    productId: check.productId,
    skuId: check.skuId,
    title: check.title,
    specText: check.specText,
    image: check.image,
    unitPrice,
    qty: check.qty,
    lineTotal: multiplyFen(unitPrice, check.qty),
  };
}

