/**
 * The products' search index (`keywords`, see miniprogram/domain/search-terms) on the merchant's side:
 * the merchant function stores keywords with every save and import, the demo catalog with its seed, and
 * `products:reindex` recomputes them for documents written any other way — a hand edit in the cloud
 * console, a category renamed, documents from before the index existed.
 */
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { productKeywords, sameKeywords } from '../miniprogram/domain/search-terms';
import { pool, readAll, throwIfCode, type Database } from './cloud';

/** Category id → name, as the `categories` collection has them now (an empty map if it cannot be read). */
export async function categoryNames(db: Database): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let docs: Record<string, unknown>[];
  try {
    docs = await readAll(db, 'categories');
  } catch {
    return names; // no categories collection yet: products are still found by their own text
  }
  for (const doc of docs) if (typeof doc._id === 'string' && typeof doc.name === 'string') names.set(doc._id, doc.name);
  return names;
}

export interface ReindexResult {
  /** Documents read. */
  scanned: number;
  /** Documents whose keywords were written (missing or out of date). */
  updated: number;
  /** Documents left as they are because they are not valid products (listings leave them out anyway). */
  broken: string[];
}

/** Recomputes every product's keywords and writes those that changed. Safe to run at any time, repeatedly. */
export async function reindexProducts(db: Database, onProgress?: (done: number, total: number) => void): Promise<ReindexResult> {
  const names = await categoryNames(db);
  const docs = await readAll(db, 'products');
  const broken: string[] = [];
  const stale: { id: string; keywords: string[] }[] = [];
  for (const doc of docs) {
    const result = normalizeProduct(doc);
    if (!result.ok) {
      broken.push(String(doc._id));
      continue;
    }
    const p = result.product;
    const keywords = productKeywords({ ...p, categoryName: names.get(p.categoryId) });
    if (!sameKeywords(doc.keywords, keywords)) stale.push({ id: p._id, keywords });
  }
  let done = 0;
  // Only `keywords` is written: a concurrent stock or price change to the same document is kept.
  await pool(stale, 8, async ({ id, keywords }) => {
    throwIfCode(await db.collection('products').doc(id).update({ keywords }));
    done += 1;
    onProgress?.(done, stale.length);
  });
  return { scanned: docs.length, updated: stale.length, broken };
}
