/**
 * catalog.list pages on a (sort key, _id) cursor: a shopper scrolling while the merchant adds, removes
 * and re-ranks products (direct database writes, as the console makes them) never sees a product twice
 * and never misses one whose sort key did not change (only a re-ranked one can come back, once, and the
 * page drops it by id) — in every sort, over stored keys of mixed types
 * (dates and epoch ms for createdAt, missing sales or price).
 */
import type { CatalogSort } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { call, dataOf, ensureCollections, productDoc, rng, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const SORTS: CatalogSort[] = ['newest', 'sales', 'price_asc', 'price_desc'];
const FIELD: Record<CatalogSort, string> = { newest: 'createdAt', sales: 'sales', price_asc: 'price', price_desc: 'price' };
const T0 = 1_700_000_000_000;

beforeAll(async () => {
  await ensureCollections(cloud);
});

const products = () => cloud.wx().database().collection('products');

/** A stored sort key of the kinds hand-edited documents hold: ties, dates next to epoch ms, gaps. */
function randomKey(sort: CatalogSort, random: () => number): unknown {
  const r = random();
  if (sort === 'newest') return r < 0.3 ? new Date(T0 + Math.floor(random() * 20) * 1000) : T0 + Math.floor(random() * 20) * 1000;
  if (r < 0.1) return undefined; // missing: sorts as null
  return sort === 'sales' ? Math.floor(random() * 8) : 100 * (1 + Math.floor(random() * 8));
}

function productWithKey(id: string, sort: CatalogSort, key: unknown, categoryId: string): Record<string, unknown> {
  const doc = productDoc(id, [{ skuId: 's', price: 1000, stock: 5 }], { categoryId, createdAt: T0 });
  if (key === undefined) delete doc[FIELD[sort]];
  else doc[FIELD[sort]] = key;
  return doc;
}

/** MongoDB's order for the keys above: missing < numbers < dates, then by value, ties by _id. */
function compare(sort: CatalogSort, a: { id: string; key: unknown }, b: { id: string; key: unknown }): number {
  const rank = (k: unknown) => (k === undefined || k === null ? 0 : typeof k === 'number' ? 1 : 2);
  const value = (k: unknown) => (k instanceof Date ? k.getTime() : typeof k === 'number' ? k : 0);
  const desc = sort !== 'price_asc';
  const byKey = rank(a.key) - rank(b.key) || value(a.key) - value(b.key);
  if (byKey !== 0) return desc ? -byKey : byKey;
  const byId = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return sort === 'newest' ? -byId : byId;
}

async function page(sort: CatalogSort, categoryId: string, cursor: string | null, pageSize: number) {
  const r = await call(cloud, 'catalog', { action: 'list', sort, categoryId, pageSize, ...(cursor ? { cursor } : {}) });
  return dataOf(r);
}

describe.each(SORTS)('sort %s: the catalog changes between pages', (sort) => {
  test('no product twice, no unchanged product skipped, unchanged ones in sort order', async () => {
    const random = rng(SORTS.indexOf(sort) + 7);
    const categoryId = `cur-${sort}`;
    const keys = new Map<string, unknown>();
    const docs = Array.from({ length: 60 }, (_, i) => {
      const id = `${sort}-${String(i).padStart(2, '0')}`;
      keys.set(id, randomKey(sort, random));
      return productWithKey(id, sort, keys.get(id), categoryId);
    });
    await seed(cloud, 'products', docs);

    const changed = new Set<string>();
    const reranked = new Set<string>();
    const everListed = new Set(keys.keys());
    const seen: string[] = [];
    let cursor: string | null = null;
    let added = 0;
    for (let pages = 0; pages < 60; pages += 1) {
      const { items, nextCursor } = await page(sort, categoryId, cursor, 6);
      seen.push(...items.map((p) => p._id));
      cursor = nextCursor;
      if (!cursor) break;
      // Two new products: keys anywhere, so some land before the shopper's position and some after.
      for (let n = 0; n < 2; n += 1) {
        const id = `${sort}-new-${String(added++).padStart(2, '0')}`;
        await seed(cloud, 'products', [productWithKey(id, sort, randomKey(sort, random), categoryId)]);
        everListed.add(id);
        changed.add(id);
      }
      const ids = [...keys.keys()].filter((id) => !changed.has(id));
      const pick = () => ids.splice(Math.floor(random() * ids.length), 1)[0];
      // One taken off the shelf or deleted, one re-ranked (sales grew, price or date edited).
      const removed = pick();
      if (removed) {
        changed.add(removed);
        if (random() < 0.5) await products().doc(removed).remove();
        else await products().doc(removed).update({ data: { status: 'off_shelf' } });
      }
      const moved = pick();
      if (moved) {
        changed.add(moved);
        reranked.add(moved);
        const key = randomKey(sort, random);
        const _ = cloud.wx().database().command;
        await products().doc(moved).update({ data: { [FIELD[sort]]: key === undefined ? _.remove() : key } });
      }
    }
    expect(cursor).toBeNull();
    // Only a product re-ranked past the shopper's position can come back (once); the list page drops
    // that repeat by id (test/pages/catalog-window.test.ts).
    const counts = new Map<string, number>();
    for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, count] of counts) {
      expect(everListed.has(id)).toBe(true);
      expect([id, count]).toEqual([id, reranked.has(id) ? expect.any(Number) : 1]);
      expect(count).toBeLessThanOrEqual(2);
    }
    const unchanged = [...keys.keys()].filter((id) => !changed.has(id));
    expect(unchanged.length).toBeGreaterThan(10);
    const seenUnchanged = seen.filter((id) => unchanged.includes(id));
    const expectedOrder = unchanged.map((id) => ({ id, key: keys.get(id) })).sort((a, b) => compare(sort, a, b)).map((p) => p.id);
    expect(seenUnchanged).toEqual(expectedOrder);
  });
});

test('price sorts page by the stored price, the value the database sorted by', async () => {
  // The console writes price = lowest SKU price; a hand edit made this one disagree (shown: 1.00).
  await seed(cloud, 'products', [
    productDoc('px-a', [{ skuId: 's', price: 100, stock: 1 }], { categoryId: 'px', price: 5000 }),
    productDoc('px-b', [{ skuId: 's', price: 200, stock: 1 }], { categoryId: 'px', price: 200 }),
    productDoc('px-c', [{ skuId: 's', price: 300, stock: 1 }], { categoryId: 'px', price: 300 }),
  ]);
  for (const [sort, expected] of [['price_asc', ['px-b', 'px-c', 'px-a']], ['price_desc', ['px-a', 'px-c', 'px-b']]] as const) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { items, nextCursor } = await page(sort, 'px', cursor, 1);
      seen.push(...items.map((p) => p._id));
      cursor = nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(expected);
  }
});

test('a cursor only continues the sort that made it; a forged one is refused with the clear message', async () => {
  await seed(cloud, 'products', [0, 1, 2].map((i) => productDoc(`cs-${i}`, [{ skuId: 's', price: 100 + i, stock: 1 }], { categoryId: 'cs' })));
  const first = await page('price_asc', 'cs', null, 1);
  expect(first.nextCursor).toEqual(expect.any(String));
  const other = await call(cloud, 'catalog', { action: 'list', sort: 'sales', categoryId: 'cs', cursor: first.nextCursor! });
  expect(other).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: '翻页位置无效，请刷新后重试' } });
  const forged = Buffer.from(JSON.stringify({ s: 'price_asc', k: { $gt: '' }, id: 'x' })).toString('base64url');
  expect(await call(cloud, 'catalog', { action: 'list', sort: 'price_asc', cursor: forged })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});
