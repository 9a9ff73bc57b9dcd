import type { ActionRequest, ActionResponse, CatalogSort } from '../typings/api';
import type { Category, Product } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { toDetail } from '../miniprogram/domain/product';
import { db, type AnyDoc } from './cloud';
import { COLLECTIONS } from './db';
import { fetchAfter, positionAfter, readCursor, type KeysetSort } from './cursor';
import { AppError, notFound } from './errors';
import { encodeCursor } from './ids';
import { loadProduct, reportBroken } from './products';
import { loadFlashSales, summariesNow } from './flash-sales';
import { flashViewsOf, withFlashPrices } from '../miniprogram/domain/flash-sale';
import { now } from './clock';
import { queryTokens } from '../miniprogram/domain/search-terms';

const DEFAULT_PAGE_SIZE = 20;
/** Raw documents fetched per round after the first while filling a page (broken ones are dropped after fetching). */
const BATCH = 50;
/** Bounds the work one call does when many documents in a row are broken. */
const MAX_ROUNDS = 4;

/**
 * Each sort orders by one stored field, then `_id`. Price sorts use the stored `price` (the lowest
 * SKU price that the console and the import write; the normalizer warns when a hand edit made it
 * disagree), so the cursor reads the same stored value the database sorted by.
 */
const SORTS: Record<CatalogSort, KeysetSort> = {
  newest: { name: 'newest', field: 'createdAt', direction: 'desc', idDirection: 'desc' },
  sales: { name: 'sales', field: 'sales', direction: 'desc', idDirection: 'asc' },
  price_asc: { name: 'price_asc', field: 'price', direction: 'asc', idDirection: 'asc' },
  price_desc: { name: 'price_desc', field: 'price', direction: 'desc', idDirection: 'asc' },
};

export async function list(req: ActionRequest<'catalog', 'list'>): Promise<ActionResponse<'catalog', 'list'>> {
  const pageSize = req.pageSize ?? DEFAULT_PAGE_SIZE;
  const sort = SORTS[req.sort ?? 'newest'];
  let position = readCursor(sort, req.cursor);
  const where: AnyDoc = { status: 'on_shelf' };
  if (req.categoryId !== undefined) where.categoryId = req.categoryId;
  const keyword = keywordCondition(req.keyword);
  if (keyword === NOTHING_SEARCHABLE) return { items: [], nextCursor: null };
  if (keyword) where.keywords = keyword;

  const products: Product[] = [];
  let exhausted = false;
  for (let round = 0; round < MAX_ROUNDS && products.length < pageSize && !exhausted; round += 1) {
    // The page and one more (whether another page follows) when the documents are sound, as they
    // nearly always are; a batch at a time after some were skipped.
    const limit = round === 0 ? pageSize + 1 : BATCH;
    const data = await fetchAfter(COLLECTIONS.products, where, sort, position, limit);
    let consumed = 0;
    for (const doc of data) {
      consumed += 1;
      position = positionAfter(sort, doc);
      const result = normalizeProduct(doc);
      if (!result.ok) {
        reportBroken(result, 'catalog.list');
        continue;
      }
      if (result.product.status !== 'on_shelf') continue;
      products.push(result.product);
      if (products.length === pageSize) break;
    }
    exhausted = data.length < limit && consumed === data.length;
  }
  return { items: await summariesNow(products), nextCursor: exhausted || position === null ? null : encodeCursor(position) };
}


const NOTHING_SEARCHABLE = Symbol('nothing searchable');

/**
 * The keyword part of a listing's filter: every token of the shopper's text must be among the
 * product's indexed `keywords` (a multikey index, see domain/search-terms). Tokens are plain values
 * compared for equality, so the text is never read as a pattern or an operator. No keyword: no
 * condition; text with nothing searchable in it (only punctuation): nothing can match.
 */
function keywordCondition(keyword: string | undefined): unknown | typeof NOTHING_SEARCHABLE | null {
  if (keyword === undefined || keyword.trim() === '') return null;
  const tokens = queryTokens(keyword);
  if (tokens.length === 0) return NOTHING_SEARCHABLE;
  return db().command.all(tokens);
}

const SUGGESTIONS = 8;

/** Titles of the best-selling on-shelf products the text finds, for the search box's suggestions. */
export async function suggest(req: ActionRequest<'catalog', 'suggest'>): Promise<ActionResponse<'catalog', 'suggest'>> {
  const keyword = keywordCondition(req.keyword);
  if (keyword === null || keyword === NOTHING_SEARCHABLE) return { suggestions: [] };
  const { data } = await db()
    .collection(COLLECTIONS.products)
    .where({ status: 'on_shelf', keywords: keyword })
    .orderBy('sales', 'desc')
    .orderBy('_id', 'asc')
    .field({ _id: true, title: true })
    .limit(SUGGESTIONS)
    .get();
  const suggestions: { productId: string; title: string }[] = [];
  for (const doc of data) {
    if (typeof doc._id === 'string' && typeof doc.title === 'string' && doc.title.trim()) suggestions.push({ productId: doc._id, title: doc.title.trim() });
  }
  return { suggestions };
}

export async function get(req: ActionRequest<'catalog', 'get'>): Promise<ActionResponse<'catalog', 'get'>> {
  const result = await loadProduct(req.productId);
  if (!result) throw notFound('商品不存在');
  if (!result.ok) {
    reportBroken(result, 'catalog.get');
    throw new AppError('UNAVAILABLE', '商品信息有误，暂不可购买', { productId: result.productId ?? req.productId, problems: result.problems });
  }
  const sales = await loadFlashSales([req.productId]);
  const at = now();
  return { product: toDetail(withFlashPrices(result.product, sales, at)), flashSales: flashViewsOf(result.product, sales, at), serverTime: at };
}

export async function categories(): Promise<ActionResponse<'catalog', 'categories'>> {
  const { data } = await db().collection(COLLECTIONS.categories).orderBy('sort', 'asc').limit(100).get();
  const out: Category[] = [];
  for (const doc of data) {
    if (typeof doc._id !== 'string' || typeof doc.name !== 'string' || doc.name.trim() === '') {
      console.warn(`[catalog.categories] category ${String(doc._id)} left out: needs _id and name`);
      continue;
    }
    out.push({ _id: doc._id, name: doc.name, sort: typeof doc.sort === 'number' && Number.isFinite(doc.sort) ? doc.sort : 0 });
  }
  return { categories: out };
}
