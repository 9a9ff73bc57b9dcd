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
  expect(none.plan.join(' ')).not.toMatch(/USING INDEX ix_products/);
});

test('first catalogue page at 10,000 products is much faster with indexes (and correct)', async () => {
  const page = (h: CloudHandle) => h.wx().database().collection('products').where({ status: 'on', categoryId: 'c7' }).orderBy('sales', 'desc').limit(20).get();
  const best = async (h: CloudHandle) => {
    let min = Infinity;
    let data: any[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      data = (await page(h)).data;
      min = Math.min(min, performance.now() - t0);
    }
    return { min, data };
  };
  const fast = await best(indexed);
  const slow = await best(plain);
  const expected = Array.from({ length: N }, (_, i) => product(i))
    .filter((p) => p.status === 'on' && p.categoryId === 'c7')
    .sort((x, y) => y.sales - x.sales)
    .slice(0, 20)
    .map((p) => p._id);
  expect(fast.data.map((d: any) => d._id)).toEqual(expected);
  expect(slow.data.map((d: any) => d._id)).toEqual(expected);
  expect(fast.min * 3).toBeLessThan(slow.min);
  expect(fast.min).toBeLessThan(250);
});

test('count with indexed equality matches the data', async () => {
  const r = await indexed.wx().database().collection('products').where({ status: 'on', categoryId: 'c1' }).count();
  expect(r.total).toBe(N / 10);
  expect((await plain.wx().database().collection('products').where({ status: 'on', categoryId: 'c1' }).count()).total).toBe(N / 10);
});

test('an indexed field that starts holding arrays stops being pushed to SQL and stays correct', async () => {
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
  const eq = await indexed.wx().database().collection('products').where({ sales: 1 }).get();
  expect(eq.data.map((d: any) => d._id)).toContain('zz-array');
});

test('after a restart, an index on a path that crosses arrays (skus.price) is not trusted for SQL', async () => {
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
    } finally {
      await h.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
