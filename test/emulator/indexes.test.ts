/**
 * Query planning over SQLite expression indexes (database.config.json) at catalogue scale:
 * 10,000 products, the planner uses the declared indexes, and results are identical to an
 * emulator started with useIndexes: false (pure mingo).
 */
import { startCloud, type CloudHandle } from '../helpers/cloud';

let indexed: CloudHandle;
let plain: CloudHandle;
const N = 10_000;

function product(i: number) {
  return {
    _id: `p${String(i).padStart(5, '0')}`,
    name: `Product ${i}`,
    status: i % 10 === 0 ? 'off' : 'on',
    categoryId: `c${i % 10}`,
    price: (i * 7919) % 10007, // unique values: no ties, so order is fully determined
    sales: (i * 4001) % 10009,
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    tags: i % 3 === 0 ? ['hot'] : [],
    keywords: [`k${i % 7}`, `m${i % 11}`, 'all'],
  };
}

async function seed(h: CloudHandle) {
  const c = h.wx().database().collection('products');
  for (let i = 0; i < N; i += 1000) await c.add({ data: Array.from({ length: 1000 }, (_, k) => product(i + k)) });
}

beforeAll(async () => {
  [indexed, plain] = await Promise.all([startCloud(), startCloud({ useIndexes: false })]);
  await Promise.all([seed(indexed), seed(plain)]);
}, 120000);
afterAll(async () => {
  await Promise.all([indexed?.stop(), plain?.stop()]);
});

const queries: Array<[string, (db: any) => any]> = [
  ['status+category by sales desc', (db) => db.collection('products').where({ status: 'on', categoryId: 'c3' }).orderBy('sales', 'desc').limit(20)],
  ['status + price range by price, page 2', (db) => db.collection('products').where({ status: 'on', price: db.command.gte(100).and(db.command.lte(5000)) }).orderBy('price', 'asc').skip(20).limit(20)],
  ['status by createdAt desc', (db) => db.collection('products').where({ status: 'on' }).orderBy('createdAt', 'desc').limit(50)],
  ['$in + non-indexed array field', (db) => db.collection('products').where({ status: db.command.in(['on', 'off']), tags: 'hot' }).orderBy('sales', 'desc').limit(30)],
  ['no filter, deep skip', (db) => db.collection('products').orderBy('price', 'desc').skip(9000).limit(100)],
  ['regex on name (not indexable)', (db) => db.collection('products').where({ name: /^Product 99/ }).orderBy('_id', 'asc').limit(100)],
];

test.each(queries)('%s: same result with and without indexes', async (_name, build) => {
  const a = (await build(indexed.wx().database()).get()).data;
  const b = (await build(plain.wx().database()).get()).data;
  expect(a.length).toBeGreaterThan(0);
  expect(a).toEqual(b);
});

test('the status+category+sales index serves a filtered, sorted page', async () => {
  const { json } = await indexed.local('POST', '/database/products:explain', { query: { status: 'on', categoryId: 'c3' }, sort: { sales: -1 } });
  expect(json.plan.join(' ')).toMatch(/USING INDEX ix_products_status_categoryId_sales/);
  const { json: none } = await plain.local('POST', '/database/products:explain', { query: { status: 'on', categoryId: 'c3' }, sort: { sales: -1 } });
  // Without planning nothing but the collection bounds the read (SQLite may still walk a collection's index to list its rows).
  expect(none.plan.join(' ')).not.toMatch(/USING (COVERING )?INDEX ix_products\w* \(coll=\? AND/);
});

test('first catalogue page at 10,000 products is read through the index, already sorted (and correct)', async () => {
  const page = (h: CloudHandle) => h.wx().database().collection('products').where({ status: 'on', categoryId: 'c7' }).orderBy('sales', 'desc').limit(20).get();
  const expected = Array.from({ length: N }, (_, i) => product(i))
    .filter((p) => p.status === 'on' && p.categoryId === 'c7')
    .sort((x, y) => y.sales - x.sales)
    .slice(0, 20)
    .map((p) => p._id);
  expect((await page(indexed)).data.map((d: any) => d._id)).toEqual(expected);
  expect((await page(plain)).data.map((d: any) => d._id)).toEqual(expected);
  // The plan, not a stopwatch: an index search that delivers rows in sales order (no full sort), so
  // the read stops after one page; without indexes, a scan of the whole collection.
  const q = { query: { status: 'on', categoryId: 'c7' }, sort: { sales: -1 } };
  const fast = (await indexed.local('POST', '/database/products:explain', q)).json.plan.join(' | ');
  expect(fast).toMatch(/SEARCH docs USING INDEX ix_products_status_categoryId_sales/);
  // (SQLite may still order ties of equal sales by insertion: "TEMP B-TREE FOR LAST TERM OF ORDER BY")
  expect(fast).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  const slow = (await plain.local('POST', '/database/products:explain', q)).json.plan.join(' | ');
  expect(slow).not.toMatch(/USING (COVERING )?INDEX ix_products\w* \(coll=\? AND/);
});

test('$all over an indexed array field (search keywords) is served by multikey entries: sorted through the compound index, else one condition per value', async () => {
  const q = (h: CloudHandle) => h.wx().database().collection('products').where({ status: 'on', keywords: h.wx().database().command.all(['k3', 'm5']) }).orderBy('price', 'asc').limit(50).get();
  const expected = Array.from({ length: N }, (_, i) => product(i))
    .filter((p) => p.status === 'on' && p.keywords.includes('k3') && p.keywords.includes('m5'))
    .sort((x, y) => x.price - y.price)
    .map((p) => p._id);
  expect(expected.length).toBeGreaterThan(50);
  expect((await q(indexed)).data.map((d: any) => d._id)).toEqual(expected.slice(0, 50));
  expect((await q(plain)).data.map((d: any) => d._id)).toEqual(expected.slice(0, 50));
  // database.config.json declares {status, keywords, price}: the entries of one keyword come in price
  // order, the other keyword is a lookup of the same document's entry; no sort of every match.
  const { json } = await indexed.local('POST', '/database/products:explain', { query: { status: 'on', keywords: { $all: ['k3', 'm5'] } }, sort: { price: 1 } });
  expect(json.plan.join(' | ')).toMatch(/SEARCH e USING COVERING INDEX mk_products_keywords_status_keywords_price/);
  expect(json.plan.join(' | ')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  // A sort no compound index covers: each value is its own lookup in the multikey entries.
  const { json: byName } = await indexed.local('POST', '/database/products:explain', { query: { status: 'on', keywords: { $all: ['k3', 'm5'] } }, sort: { name: 1 } });
  expect(byName.sql.match(/doc_keys/g)).toHaveLength(2);
  expect(byName.plan.join(' ')).toMatch(/USING (COVERING )?INDEX ix_doc_keys/);
});

test('count with indexed equality matches the data', async () => {
  const r = await indexed.wx().database().collection('products').where({ status: 'on', categoryId: 'c1' }).count();
  expect(r.total).toBe(N / 10);
  expect((await plain.wx().database().collection('products').where({ status: 'on', categoryId: 'c1' }).count()).total).toBe(N / 10);
});

test('an indexed field that starts holding arrays is searched through multikey entries and stays correct', async () => {
  for (const h of [indexed, plain]) {
    await h.wx().database().collection('products').add({ data: { _id: 'zz-array', status: 'on', categoryId: 'c3', sales: [99999, 1], price: 1, createdAt: new Date(0), name: 'Arr', tags: [] } });
  }
  // Sorting then follows the query engine (mingo) instead of SQLite's order, in both emulators.
  for (const dir of ['asc', 'desc']) {
    const q = (h: CloudHandle) => h.wx().database().collection('products').where({ status: 'on', categoryId: 'c3' }).orderBy('sales', dir).limit(5).get();
    const a = (await q(indexed)).data;
    expect(a).toEqual((await q(plain)).data);
  }
  const { json } = await indexed.local('POST', '/database/products:explain', { query: { sales: 1 } });
  expect(json.sql).not.toContain("'$.sales'");
  expect(json.plan.join(' ')).toMatch(/USING (COVERING )?INDEX ix_doc_keys/);
  for (const h of [indexed, plain]) {
    const eq = await h.wx().database().collection('products').where({ sales: 1 }).get();
    expect(eq.data.map((d: any) => d._id)).toContain('zz-array');
    // MongoDB: different elements may satisfy different bounds ([99999, 1] is > 50000 and < 10).
    const range = await h.wx().database().collection('products').where({ sales: h.wx().database().command.gt(50000).and(h.wx().database().command.lt(10)) }).get();
    expect(range.data.map((d: any) => d._id)).toEqual(['zz-array']);
  }
});

test('after a restart, an index on a path that crosses arrays (skus.price) is served by multikey entries', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-ix-'));
  const databaseConfig = path.join(dir, 'database.config.json');
  fs.writeFileSync(databaseConfig, JSON.stringify({ collections: [{ name: 'goods', indexes: [{ fields: { 'skus.price': 1 } }] }] }));
  const dataDir = path.join(dir, 'data');
  try {
    let h = await startCloud({ dataDir, databaseConfig });
    await h.wx().database().collection('goods').add({ data: [{ _id: 'g1', skus: [{ price: 100 }, { price: 200 }] }, { _id: 'g2', skus: { price: 100 } }] });
    await h.stop();
    h = await startCloud({ dataDir, databaseConfig });
    try {
      const r = await h.wx().database().collection('goods').where({ 'skus.price': 100 }).orderBy('_id', 'asc').get();
      expect(r.data.map((d: any) => d._id)).toEqual(['g1', 'g2']);
      const { json } = await h.local('POST', '/database/goods:explain', { query: { 'skus.price': 100 } });
      expect(json.sql).not.toContain('skus.price');
      expect(json.sql).toContain('doc_keys');
      // and entries follow later writes: a new price is found, a removed document is gone
      await h.wx().database().collection('goods').doc('g1').update({ data: { skus: [{ price: 300 }] } });
      await h.wx().database().collection('goods').add({ data: { _id: 'g3', skus: [{ price: 100 }, { price: 300 }] } });
      await h.wx().database().collection('goods').doc('g2').remove();
      const r100 = await h.wx().database().collection('goods').where({ 'skus.price': 100 }).get();
      expect(r100.data.map((d: any) => d._id)).toEqual(['g3']);
      const r300 = await h.wx().database().collection('goods').where({ 'skus.price': 300 }).orderBy('_id', 'asc').get();
      expect(r300.data.map((d: any) => d._id)).toEqual(['g1', 'g3']);
    } finally {
      await h.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
