/**
 * Flash sales (秒杀): a sale price for one SKU between a start and an end, sold from an allotment that
 * the merchant carved out of the SKU's sellable stock, at most `limit` units per shopper (paid and
 * unpaid orders count; cancelled and expired ones do not).
 *
 * Pure rules, used by the functions (pricing, refusals, the schedule check), the product page (phase and
 * countdown) and the console. While a sale is active the SKU sells only from its allotment at the sale
 * price; before the start and after the end it sells from its sellable stock at its own price.
 */
import type { FlashSaleInput, FlashSaleView, FlashRefusalCode, ProductSummary } from '../../typings/api';
import type { Fen, Product } from '../../typings/domain';
import type { NormalizeResult } from './normalize';
import { formatFen } from './money';
import { toSummary } from './product';
import { chinaClock } from './flash-display';

export { chinaClock, takenPercent } from './flash-display';

/** A flash sale as the `flash_sales` collection stores it (one document per SKU, reused by the next sale). */
export interface FlashSale {
  _id: string;
  /** This sale's own id (the document id is the SKU's): orders and per-shopper counters name it. */
  saleId: string;
  productId: string;
  skuId: string;
  price: Fen;
  /** Units carved out of the SKU's stock when the sale was scheduled. */
  allotment: number;
  /** Units of the allotment not held by orders now. */
  remaining: number;
  startAt: number;
  endAt: number;
  /** Units one shopper may hold in paid and unpaid orders. */
  limit: number;
  /** True once what was left of the allotment went back to the SKU's stock. */
  ended: boolean;
  createdAt: number;
}

export type FlashPhase = 'scheduled' | 'active' | 'ended';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A stored sale document, or null when it is not one (edited by hand into something else). */
export function asFlashSale(doc: Record<string, unknown> | null): FlashSale | null {
  if (!doc || typeof doc._id !== 'string' || typeof doc.saleId !== 'string' || typeof doc.productId !== 'string' || typeof doc.skuId !== 'string') return null;
  const counts = [doc.price, doc.allotment, doc.remaining, doc.startAt, doc.endAt, doc.limit];
  if (!counts.every(isCount) || typeof doc.ended !== 'boolean') return null;
  return doc as unknown as FlashSale;
}

export const FLASH_RULES = {
  /** The longest sale: a week. */
  maxDurationMs: 7 * 24 * 3600_000,
  /** How far ahead a sale may be scheduled: 90 days. */
  maxLeadMs: 90 * 24 * 3600_000,
  /** A start this far in the past still counts as "now" (the merchant's clock and ours differ). */
  startSlackMs: 60_000,
  maxLimit: 99,
} as const;

export function flashPhase(sale: Pick<FlashSale, 'startAt' | 'endAt' | 'ended'>, now: number): FlashPhase {
  if (sale.ended || now >= sale.endAt) return 'ended';
  return now >= sale.startAt ? 'active' : 'scheduled';
}

/** A sale whose end has passed but whose allotment has not gone back yet. */
export function isDueToEnd(sale: Pick<FlashSale, 'endAt' | 'ended'>, now: number): boolean {
  return !sale.ended && now >= sale.endAt;
}

/**
 * What is wrong with a schedule request for a SKU priced `regularPrice` with `sellable` units, in
 * Chinese for the merchant. Empty when it can be scheduled.
 */
export function scheduleProblems(input: FlashSaleInput, sku: { price: Fen; stock: number }, now: number): string[] {
  const problems: string[] = [];
  if (input.price <= 0 || input.price >= sku.price) problems.push(`秒杀价必须大于 0 且低于原价 ${formatFen(sku.price)}`);
  if (input.allotment < 1) problems.push('秒杀库存至少 1 件');
  else if (input.allotment > sku.stock) problems.push(`秒杀库存不能超过可售库存 ${sku.stock} 件`);
  if (input.limit < 1 || input.limit > FLASH_RULES.maxLimit) problems.push(`每人限购须为 1-${FLASH_RULES.maxLimit} 件`);
  if (input.startAt < now - FLASH_RULES.startSlackMs) problems.push('开始时间不能早于现在');
  if (input.startAt > now + FLASH_RULES.maxLeadMs) problems.push('开始时间不能晚于 90 天后');
  if (input.endAt <= input.startAt) problems.push('结束时间必须晚于开始时间');
  else if (input.endAt - input.startAt > FLASH_RULES.maxDurationMs) problems.push('秒杀时长不能超过 7 天');
  return problems;
}

/**
 * The unit-price step of pricing: the product as a checkout sees it at `now`. A SKU with an active sale
 * costs the sale price (its own price shown struck through) and offers only what is left of the
 * allotment. Everything after this step (line totals, discounts, shipping) works on these prices.
 */
export function withFlashPrices(product: Product, sales: readonly FlashSale[], now: number): Product {
  const active = new Map(sales.filter((s) => s.productId === product._id && flashPhase(s, now) === 'active').map((s) => [s.skuId, s]));
  if (active.size === 0) return product;
  const skus = product.skus.map((sku) => {
    const sale = active.get(sku.skuId);
    return sale ? { ...sku, price: sale.price, originalPrice: sku.originalPrice != null ? sku.originalPrice : sku.price, stock: sale.remaining } : sku;
  });
  return { ...product, skus, price: Math.min(...skus.map((s) => s.price)) };
}

/**
 * A listing's card on the same clock: the product at its flash prices, so the card shows the sale price
 * with the SKU's own price struck through; `flash` when the price shown is a sale's (lower than any
 * SKU's own price).
 */
export function flashSummary(product: Product, sales: readonly FlashSale[], now: number): ProductSummary {
  const summary = toSummary(withFlashPrices(product, sales, now));
  return summary.price < Math.min(...product.skus.map((sku) => sku.price)) ? { ...summary, flash: true } : summary;
}

/** `withFlashPrices` over a normalizer's result (broken products stay as they are). */
export function resolveUnitPrices(result: NormalizeResult, sales: readonly FlashSale[], now: number): NormalizeResult {
  return result.ok ? { ...result, product: withFlashPrices(result.product, sales, now) } : result;
}

export interface FlashRefusal {
  code: FlashRefusalCode;
  message: string;
}

/**
 * Why a line of `qty` units of the sale's SKU is refused at `now`, or null. `held`: units the shopper
 * already holds in this sale's paid and unpaid orders. Before the start and after the end only a line
 * that expects the sale price is refused (it asked for the sale); other lines buy at the SKU's price.
 */
export function flashRefusal(sale: FlashSale, line: { qty: number; expectedPrice?: Fen }, held: number, now: number): FlashRefusal | null {
  const phase = flashPhase(sale, now);
  const wantsSale = line.expectedPrice === sale.price;
  if (phase === 'scheduled') return wantsSale ? { code: 'FLASH_NOT_STARTED', message: `秒杀尚未开始，开始时间 ${chinaClock(sale.startAt)}` } : null;
  if (phase === 'ended') return wantsSale ? { code: 'FLASH_ENDED', message: '秒杀已结束，商品已恢复原价' } : null;
  if (held + line.qty > sale.limit) {
    const left = Math.max(0, sale.limit - held);
    return { code: 'FLASH_LIMIT', message: left > 0 ? `秒杀商品每人限购 ${sale.limit} 件，您还可购买 ${left} 件` : `秒杀商品每人限购 ${sale.limit} 件，您已达到限购数量` };
  }
  if (sale.remaining < line.qty) {
    return { code: 'FLASH_SOLD_OUT', message: sale.remaining > 0 ? `秒杀库存仅剩 ${sale.remaining} 件` : '秒杀商品已抢光' };
  }
  return null;
}

/** What a shopper's page is told about a sale. */
export function flashView(sale: FlashSale, regularPrice: Fen, now: number): FlashSaleView {
  return {
    saleId: sale.saleId,
    skuId: sale.skuId,
    price: sale.price,
    regularPrice,
    startAt: sale.startAt,
    endAt: sale.endAt,
    limit: sale.limit,
    allotment: sale.allotment,
    remaining: sale.ended ? 0 : sale.remaining,
    phase: flashPhase(sale, now),
  };
}

/** The product page's view of a product's sales: those of its SKUs, not ended long ago (a day). */
export function flashViewsOf(product: Product, sales: readonly FlashSale[], now: number): FlashSaleView[] {
  const prices = new Map(product.skus.map((sku) => [sku.skuId, sku.price]));
  return sales
    .filter((sale) => sale.productId === product._id && prices.has(sale.skuId) && sale.endAt > now - 24 * 3600_000)
    .map((sale) => flashView(sale, prices.get(sale.skuId) as Fen, now));
}
