import { normalizeProduct, type NormalizeResult } from '../miniprogram/domain/normalize';
import { aggregation, db, type AnyDoc } from './cloud';
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
/** Prefix of the fields the `alongside` reads are joined into (never stored). */
const JOINED = '__with_';

/**
 * Documents of another collection read in the same request as the products (a `lookup` with a constant
 * sub-pipeline, joined to every product): `pipeline` from `db().command.aggregate.pipeline()...done()`.
 */
export interface ReadAlongside {
  from: string;
  pipeline: unknown[];
}

export interface PricedRead<K extends string> {
  /** Normalized products by id, at the prices a checkout pays now. */
  products: Map<string, NormalizeResult>;
  /** The product documents as stored (absent ids are deleted products). */
  raw: Map<string, AnyDoc>;
  sales: FlashSale[];
  /** What each `alongside` read found; null when no product exists to join it to (read it alone then). */
  alongside: Record<K, AnyDoc[]> | null;
}

/**
 * Normalized products by id at the prices a checkout pays now (flash-sale prices applied), with the
 * products' flash sales (every SKU's current or last one; due ones ended first). One request: the
 * products with their sales joined (`lookup` on `flash_sales.productId`), and `alongside` reads joined
 * the same way. A sale of a deleted product is not read: its product's lines are refused anyway. At most
 * 100 distinct ids.
 */
export async function loadPricedProducts<K extends string = never>(productIds: readonly string[], alongside: Partial<Record<K, ReadAlongside>> = {}): Promise<PricedRead<K>> {
  const ids = [...new Set(productIds)];
  const found = new Map<string, NormalizeResult>();
  const raw = new Map<string, AnyDoc>();
  if (ids.length === 0) return { products: found, raw, sales: [], alongside: null };
  let read = aggregation(COLLECTIONS.products)
    .match({ _id: db().command.in(ids) })
    .limit(100)
    .lookup({ from: COLLECTIONS.flashSales, localField: '_id', foreignField: 'productId', as: JOINED_SALES });
  const names = Object.keys(alongside) as K[];
  for (const name of names) {
    const spec = alongside[name] as ReadAlongside;
    read = read.lookup({ from: spec.from, pipeline: spec.pipeline, as: `${JOINED}${name}` });
  }
  const { list } = await read.end();
  const reads: PricedRead<K>['sales'] = [];
  // Every row carries the same `alongside` reads (their sub-pipelines are constant): the first row's serve.
  const joinedAs = (name: K, row: AnyDoc) => (Array.isArray(row[`${JOINED}${name}`]) ? (row[`${JOINED}${name}`] as AnyDoc[]) : []);
  const joined = names.length > 0 && list.length > 0 ? (Object.fromEntries(names.map((name) => [name, joinedAs(name, list[0])])) as Record<K, AnyDoc[]>) : null;
  for (const row of list) {
    const { [JOINED_SALES]: joinedSales, ...doc } = row;
    for (const name of names) delete doc[`${JOINED}${name}`];
    if (typeof doc._id !== 'string' || !ids.includes(doc._id)) continue;
    raw.set(doc._id, doc);
    found.set(doc._id, normalizeProduct(doc));
    for (const rawSale of Array.isArray(joinedSales) ? joinedSales : []) {
      const sale = asFlashSale(rawSale as Record<string, unknown>);
      if (sale && sale.productId === doc._id) reads.push(sale);
    }
  }
  const sales = await endDue(reads);
  return { products: atFlashPrices(found, sales, now()), raw, sales, alongside: joined };
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
