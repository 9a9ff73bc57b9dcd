import { normalizeProduct, type NormalizeResult } from '../miniprogram/domain/normalize';
import { db } from './cloud';
import { COLLECTIONS, getDoc } from './db';
import { now } from './clock';
import type { FlashSale } from '../miniprogram/domain/flash-sale';
import { atFlashPrices, loadFlashSales } from './flash-sales';

/** Logs a broken product once per call site so the merchant can find it; never throws. */
export function reportBroken(result: NormalizeResult, where: string): void {
  if (!result.ok) console.warn(`[${where}] product ${result.productId ?? '(no _id)'} left out: ${JSON.stringify(result.problems)}`);
}

export async function loadProduct(productId: string): Promise<NormalizeResult | undefined> {
  const doc = await getDoc(COLLECTIONS.products, productId);
  return doc ? normalizeProduct(doc) : undefined;
}

/**
 * Normalized products by id at the prices a checkout pays now (flash-sale prices applied), with the
 * products' flash sales. At most 100 distinct ids.
 */
export async function loadPricedProducts(productIds: readonly string[]): Promise<{ products: Map<string, NormalizeResult>; sales: FlashSale[] }> {
  const [products, sales] = await Promise.all([loadProducts(productIds), loadFlashSales(productIds)]);
  return { products: atFlashPrices(products, sales, now()), sales };
}

/** Normalized products by id (absent ids are deleted products), at their own prices. At most 100 distinct ids. */
export async function loadProducts(productIds: readonly string[]): Promise<Map<string, NormalizeResult>> {
  const ids = [...new Set(productIds)];
  const found = new Map<string, NormalizeResult>();
  if (ids.length === 0) return found;
  const _ = db().command;
  const { data } = await db()
    .collection(COLLECTIONS.products)
    .where({ _id: _.in(ids) })
    .limit(100)
    .get();
  for (const doc of data) {
    if (typeof doc._id === 'string' && ids.includes(doc._id)) found.set(doc._id, normalizeProduct(doc));
  }
  return found;
}
