/**
 * Search through the real catalog function over the demo catalog as the admin tools write it: the
 * query set (test/support/search-queries), products written by import and by a hand edit, and
 * `products:reindex` bringing hand-edited documents back into the index.
 */
import { seedDemoCatalog } from '../../admin/demo-catalog';
import { writeProducts } from '../../admin/products-io';
import { reindexProducts } from '../../admin/search-index';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import type { Product } from '../../typings/domain';
import { useCloud } from '../helpers/cloud';
import { call, dataOf, getDoc, productDoc } from '../support';
import { SEARCH_CASES } from '../support/search-queries';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

beforeAll(async () => {
  await seedDemoCatalog(cloud.node(), { images: 'none' });
}, 60_000);

/** Every product the listing finds for a keyword, walking all pages. */
async function found(keyword: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const r = await call(cloud, 'catalog', { action: 'list', keyword, pageSize: 50, ...(cursor ? { cursor } : {}) });
    expect(r.ok).toBe(true);
    const page = dataOf(r) as { items: { _id: string }[]; nextCursor: string | null };
    out.push(...page.items.map((p) => p._id));
    cursor = page.nextCursor;
  } while (cursor);
  return out.sort();
}

test.each(SEARCH_CASES.map((c) => [c.query, c.why, c.expected] as const))('catalog.list finds for %s (%s)', async (query, _why, expected) => {
  expect(await found(query)).toEqual([...expected].sort());
});

test('catalog.suggest offers the titles the query finds', async () => {
  const r = dataOf(await call(cloud, 'catalog', { action: 'suggest', keyword: '杯子' })) as { suggestions: unknown[] };
  expect(r.suggestions).toEqual([{ productId: 'demo-p17', title: '北欧哑光陶瓷马克杯' }]);
});

function valid(doc: Record<string, unknown>): Product {
  const r = normalizeProduct(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.product;
}

test('imported products are stored with their keywords and found at once', async () => {
  const app = cloud.node();
  const product = valid(productDoc('imp-1', [{ skuId: 's', price: 1990, stock: 5 }], { title: '手冲咖啡滤杯', categoryId: 'c-home', searchTerms: ['V60'] }));
  await writeProducts({ app, db: app.database(), target: { kind: 'local', envId: cloud.envId } } as any, [product]);
  const stored = await getDoc(cloud, 'products', 'imp-1');
  expect(stored.keywords).toEqual(expect.arrayContaining(['咖啡', '滤杯', '家居', 'v60']));
  expect(await found('v60')).toEqual(['imp-1']);
  expect(await found('家居 滤杯')).toEqual(['imp-1']);
});

test('a hand edit in the cloud console is not searchable until products:reindex; reindex writes only what changed', async () => {
  const db = cloud.wx().database();
  // As the cloud console saves it: the merchant adds a search term, the stored keywords stay as they were.
  await db.collection('products').doc('demo-p16').update({ data: { searchTerms: ['枕头'] } });
  expect(await found('枕头')).toEqual([]);
  // A product added by hand, with no keywords at all.
  const { _id, ...handMade } = productDoc('hand-1', [{ skuId: 's', price: 500, stock: 1 }], { title: '亚麻桌布', categoryId: 'c-home' });
  await db.collection('products').doc(_id).set({ data: handMade });
  expect(await found('桌布')).toEqual([]);

  const result = await reindexProducts(cloud.node().database());
  expect(result.updated).toBe(2);
  expect(result.broken).toEqual([]);
  expect(await found('枕头')).toEqual(['demo-p16']);
  expect(await found('桌布')).toEqual(['hand-1']);
  expect((await reindexProducts(cloud.node().database())).updated).toBe(0);
});
