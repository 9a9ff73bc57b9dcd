/**
 * catalog (list / get / categories) and inventory.check through the real functions: filtering,
 * keyword search over the keyword index, suggestions, sorting, cursor pagination, only-summary fields, and broken product
 * documents left out instead of crashing the call.
 */
import { useCloud } from '../helpers/cloud';
import { call, ensureCollections, productDoc, seed, snapshot, dataOf } from '../support';
import { withKeywords } from '../../miniprogram/domain/search-terms';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

const SUMMARY_FIELDS = ['_id', 'cover', 'originalPrice', 'price', 'sales', 'soldOut', 'title'];

beforeAll(async () => {
  await ensureCollections(cloud);
  const t = 1_700_000_000_000;
  await seed(cloud, 'categories', [
    { _id: 'c2', name: '饮品', sort: 2 },
    { _id: 'c1', name: '零食', sort: 1 },
    { _id: 'cx', sort: 3 }, // broken: no name
  ]);
  // Stored as the admin tools store them: with their search keywords.
  const names = new Map([['c1', '零食'], ['c2', '饮品']]);
  const indexed = (doc: Record<string, unknown>) => (typeof doc.title === 'string' && Array.isArray(doc.specs) ? withKeywords(doc as any, names) : doc);
  await seed(cloud, 'products', [
    productDoc('apple', [
      { skuId: 'big', specValues: ['大'], price: 1500, stock: 3, originalPrice: 2000 },
      { skuId: 'small', specValues: ['小'], price: 900, stock: 0 },
    ], { title: 'Apple 苹果 (大)', categoryId: 'c1', sales: 30, createdAt: t + 1, specs: [{ name: '规格', values: ['大', '小'] }] }),
    productDoc('banana', [{ skuId: 's', price: 500, stock: 0 }], { title: 'Banana 香蕉', categoryId: 'c1', sales: 50, createdAt: t + 2 }),
    productDoc('cola', [{ skuId: 's', price: 300, stock: 100 }], { title: 'Cola 可乐 1.5L', categoryId: 'c2', sales: 10, createdAt: t + 3 }),
    productDoc('coffee', [{ skuId: 's', price: 2500, stock: 7 }], { title: 'Coffee [hot] $5 *', categoryId: 'c2', sales: 20, createdAt: t + 4 }),
    productDoc('off', [{ skuId: 's', price: 100, stock: 5 }], { title: 'Off shelf apple', status: 'off_shelf', createdAt: t + 5 }),
    // Hand-edited mistakes in the console: left out of listings, never a crash.
    productDoc('broken-price', [{ skuId: 's', price: '12.50', stock: 5 }], { title: 'Broken apple price', createdAt: t + 6 }),
    productDoc('broken-stock', [{ skuId: 's', price: 1250 }], { title: 'Broken apple stock', createdAt: t + 7 }),
    { _id: 'broken-empty', status: 'on_shelf', title: 'apple nothing else' },
  ].map(indexed));
});

const list = async (req: Record<string, unknown> = {}) => {
  const r = await call(cloud, 'catalog', { action: 'list', ...req });
  expect(r.ok).toBe(true);
  return dataOf(r) as { items: any[]; nextCursor: string | null };
};

test('list: on-shelf products whose documents are valid, summary fields only', async () => {
  const { items, nextCursor } = await list();
  expect(items.map((p) => p._id)).toEqual(['coffee', 'cola', 'banana', 'apple']);
  expect(nextCursor).toBeNull();
  for (const item of items) for (const key of Object.keys(item)) expect(SUMMARY_FIELDS).toContain(key);
  expect(items.find((p) => p._id === 'apple')).toEqual({
    _id: 'apple', title: 'Apple 苹果 (大)', cover: 'https://img.example.com/apple.png', price: 900, sales: 30, soldOut: false,
  });
  expect(items.find((p) => p._id === 'banana').soldOut).toBe(true);
  const logs: { logs?: string }[] = await cloud.logs({ function: 'catalog', limit: 5 });
  expect(logs.some((l) => /broken-price left out/.test(l.logs ?? ''))).toBe(true);
});

test('list: category, sorts', async () => {
  expect((await list({ categoryId: 'c2' })).items.map((p) => p._id)).toEqual(['coffee', 'cola']);
  expect((await list({ sort: 'sales' })).items.map((p) => p._id)).toEqual(['banana', 'apple', 'coffee', 'cola']);
  expect((await list({ sort: 'price_asc' })).items.map((p) => p._id)).toEqual(['cola', 'banana', 'apple', 'coffee']);
  expect((await list({ sort: 'price_desc' })).items.map((p) => p._id)).toEqual(['coffee', 'apple', 'banana', 'cola']);
  expect((await list({ sort: 'newest', categoryId: 'c1' })).items.map((p) => p._id)).toEqual(['banana', 'apple']);
});

test('list: keyword finds products by their indexed keywords, case-insensitively; pattern and operator text is just words', async () => {
  expect((await list({ keyword: 'apple' })).items.map((p) => p._id)).toEqual(['apple']);
  expect((await list({ keyword: 'APPLE' })).items.map((p) => p._id)).toEqual(['apple']);
  expect((await list({ keyword: '  香蕉 ' })).items.map((p) => p._id)).toEqual(['banana']);
  expect((await list({ keyword: '(大)' })).items.map((p) => p._id)).toEqual(['apple']);
  expect((await list({ keyword: '[hot] $5 *' })).items.map((p) => p._id)).toEqual(['coffee']);
  expect((await list({ keyword: '1.5L' })).items.map((p) => p._id)).toEqual(['cola']);
  // A category name finds its products; every token must match.
  expect((await list({ keyword: '饮品' })).items.map((p) => p._id)).toEqual(['coffee', 'cola']);
  expect((await list({ keyword: '饮品 apple' })).items).toEqual([]);
  // As patterns these would match everything (or be invalid); as text they are words nothing has, or nothing at all.
  for (const keyword of ['.*', '^', 'a|b', '\\', '{"$gt":""}', '$where', '.+?', '(?i)', '\\w', '(', '[']) {
    expect((await list({ keyword })).items).toEqual([]);
  }
  expect((await list({ keyword: '' })).items).toHaveLength(4);
  // Off the shelf or broken documents stay out, whatever they are indexed by.
  expect((await list({ keyword: 'shelf' })).items).toEqual([]);
});

test('suggest: titles of on-shelf products the text finds, best sellers first; empty text suggests nothing', async () => {
  const suggest = async (keyword: string) => dataOf(await call(cloud, 'catalog', { action: 'suggest', keyword })) as { suggestions: { productId: string; title: string }[] };
  expect((await suggest('饮品')).suggestions).toEqual([
    { productId: 'coffee', title: 'Coffee [hot] $5 *' },
    { productId: 'cola', title: 'Cola 可乐 1.5L' },
  ]);
  expect((await suggest('')).suggestions).toEqual([]);
  expect((await suggest('!!')).suggestions).toEqual([]);
  expect(await call(cloud, 'catalog', { action: 'suggest' } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(await call(cloud, 'catalog', { action: 'suggest', keyword: 'x'.repeat(51) })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});

test('list: cursor pagination walks every product exactly once; pageSize above 50 is refused', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: any[]; nextCursor: string | null } = await list({ pageSize: 1, sort: 'price_asc', ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((p) => p._id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 20);
  expect(seen).toEqual(['cola', 'banana', 'apple', 'coffee']);
  expect(await call(cloud, 'catalog', { action: 'list', pageSize: 51 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(await call(cloud, 'catalog', { action: 'list', cursor: 'garbage!' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(await call(cloud, 'catalog', { action: 'list', cursor: Buffer.from('{"o":-1}').toString('base64url') })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});

test('list: a page of broken documents does not end the listing early', async () => {
  await seed(
    cloud,
    'products',
    Array.from({ length: 60 }, (_, i) => productDoc(`zz-broken-${String(i).padStart(2, '0')}`, [{ skuId: 's', price: 'x', stock: 1 }], { categoryId: 'c9', createdAt: 1_800_000_000_000 + i })),
  );
  await seed(cloud, 'products', [productDoc('zz-good', [{ skuId: 's', price: 100, stock: 1 }], { categoryId: 'c9', createdAt: 1_700_000_000_000 })]);
  const { items } = await list({ categoryId: 'c9', pageSize: 5 });
  expect(items.map((p) => p._id)).toEqual(['zz-good']);
});

test('get: one product with SKUs and per-SKU availability; off-shelf has none; broken → UNAVAILABLE with its problems; missing → NOT_FOUND', async () => {
  const apple = await call(cloud, 'catalog', { action: 'get', productId: 'apple' });
  expect(apple).toMatchObject({
    ok: true,
    data: { product: { _id: 'apple', price: 900, status: 'on_shelf', skus: [{ skuId: 'big', price: 1500, originalPrice: 2000, available: 3 }, { skuId: 'small', available: 0 }] } },
  });
  expect((dataOf(apple).product.skus[0] as object as Record<string, unknown>).stock).toBeUndefined();
  const off = await call(cloud, 'catalog', { action: 'get', productId: 'off' });
  expect(dataOf(off).product.skus[0].available).toBe(0);
  const broken = await call(cloud, 'catalog', { action: 'get', productId: 'broken-stock' });
  expect(broken).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', details: { productId: 'broken-stock', problems: [{ field: 'skus[0].stock' }] } } });
  expect(await call(cloud, 'catalog', { action: 'get', productId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect((await cloud.invoke('catalog', { action: 'get', productId: { $gt: '' } })).result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});

test('categories: sorted, broken ones left out', async () => {
  expect(await call(cloud, 'catalog', { action: 'categories' })).toEqual({
    ok: true,
    data: { categories: [{ _id: 'c1', name: '零食', sort: 1 }, { _id: 'c2', name: '饮品', sort: 2 }] },
  });
});

test('inventory.check: per line available quantity, current price and problems; writes nothing', async () => {
  const before = await snapshot(cloud);
  const r = await call(cloud, 'inventory', {
    action: 'check',
    lines: [
      { productId: 'apple', skuId: 'big', qty: 2, seenPrice: 1500 },
      { productId: 'apple', skuId: 'big', qty: 5 },
      { productId: 'banana', skuId: 's', qty: 1 },
      { productId: 'cola', skuId: 's', qty: 1, seenPrice: 250 },
      { productId: 'off', skuId: 's', qty: 1 },
      { productId: 'apple', skuId: 'gone', qty: 1 },
      { productId: 'deleted', skuId: 's', qty: 1 },
    ],
  });
  expect(r.ok).toBe(true);
  const [ok, short, soldOut, price, off, noSku, noProduct] = dataOf(r).lines;
  expect(ok).toMatchObject({ available: 3, currentPrice: 1500, seenPrice: 1500, title: 'Apple 苹果 (大)', problems: [] });
  expect(short.problems.map((p: any) => p.code)).toEqual(['INSUFFICIENT_STOCK']);
  expect(soldOut.problems.map((p: any) => p.code)).toEqual(['SOLD_OUT']);
  expect(price).toMatchObject({ currentPrice: 300, seenPrice: 250, problems: [{ code: 'PRICE_CHANGED' }] });
  expect(off).toMatchObject({ available: 0, problems: [{ code: 'OFF_SHELF' }] });
  expect(noSku.problems.map((p: any) => p.code)).toEqual(['NOT_FOUND']);
  expect(noProduct).toMatchObject({ currentPrice: null, problems: [{ code: 'NOT_FOUND' }] });
  expect(await snapshot(cloud)).toEqual(before);
});
