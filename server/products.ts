import { normalizeProduct, type NormalizeResult } from '../miniprogram/domain/normalize';
import { aggregation, db } from './cloud';
import { COLLECTIONS, getDoc } from './db';
import { now } from './clock';
import { asFlashSale, type FlashSale } from '../miniprogram/domain/flash-sale';
import { atFlashPrices, endDue } from './flash-sales';

/** Logs a broken product once per call site so the merchant can find it; never throws. */
export function reportBroken(result: NormalizeResult, where: string): void {
  if (!result.ok) console.warn(`[${where}] product ${result.productId ?? '(no _id)'} left out: ${JSON.stringify(result.problems)}`);
}

export async function loadProduct(productId: string): Promise<NormalizeResult | undefined> {
  const doc = await getDoc(COLLECTIONS.products, productId);
  return doc ? normalizeProduct(doc) : undefined;
}

/** The field the products' read joins their flash sales into (never stored). */
const JOINED_SALES = '__flashSales';

/**
 * Normalized products by id at the prices a checkout pays now (flash-sale prices applied), with the
 * products' flash sales (every SKU's current or last one; due ones ended first). One request: the
 * products with their sales joined (`lookup` on `flash_sales.productId`). A sale of a deleted product
 * is not read: its product's lines are refused anyway. At most 100 distinct ids.
 */
export async function loadPricedProducts(productIds: readonly string[]): Promise<{ products: Map<string, NormalizeResult>; sales: FlashSale[] }> {
  const ids = [...new Set(productIds)];
  const found = new Map<string, NormalizeResult>();
  if (ids.length === 0) return { products: found, sales: [] };
  const { list } = await aggregation(COLLECTIONS.products)
    .match({ _id: db().command.in(ids) })
    .limit(100)
    .lookup({ from: COLLECTIONS.flashSales, localField: '_id', foreignField: 'productId', as: JOINED_SALES })
    .end();
  const read: FlashSale[] = [];
  for (const joined of list) {
    const { [JOINED_SALES]: joinedSales, ...doc } = joined;
    if (typeof doc._id !== 'string' || !ids.includes(doc._id)) continue;
    found.set(doc._id, normalizeProduct(doc));
    for (const raw of Array.isArray(joinedSales) ? joinedSales : []) {
      const sale = asFlashSale(raw as Record<string, unknown>);
      if (sale && sale.productId === doc._id) read.push(sale);
    }
  }
  const sales = await endDue(read);
  return { products: atFlashPrices(found, sales, now()), sales };
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
