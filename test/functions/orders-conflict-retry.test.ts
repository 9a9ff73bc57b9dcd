/**
 * The same hot-SKU race, with the emulator set to give up on a document lock after 200 ms, so
 * transactions really fail with DATABASE_TRANSACTION_CONFLICT and `create` has to retry (jittered
 * backoff inside the function). Callers must still see only success or OUT_OF_STOCK, never CONFLICT.
 */
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, ensureCollections, getDoc, productDoc, requestId, seed, snapshot, stockOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 10, lockWaitMs: 200 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 20 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

test('hot SKU with forced transaction conflicts (lock wait 200 ms): 200 creates → 50 orders, 150 OUT_OF_STOCK, no CONFLICT', async () => {
  await seed(cloud, 'products', [productDoc('hot-conflict', [{ skuId: 'h', price: 990, stock: 50 }])]);
  // Make sure conflicts happen whatever the machine's speed: a test transaction holds the product's lock
  // for 1.5 s (far past the 200 ms lock wait, well inside create's 12 s retry budget), so every create
  // that reaches it meanwhile fails its commit with a conflict and must retry.
  const blocker = await cloud.wx().database().startTransaction();
  await blocker.collection('products').doc('hot-conflict').get();
  const started = Date.now();
  const creates = Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'hot-conflict', skuId: 'h', qty: 1 }], address: ADDRESS }, `oCONF_${i}`),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await blocker.rollback();
  const results = await creates;
  console.log(`hot SKU with forced conflicts: 200 creates in ${Date.now() - started} ms`);
  const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
  const tally: Record<string, number> = {};
  for (const c of codes) tally[c] = (tally[c] ?? 0) + 1;
  expect(tally).toEqual({ OK: 50, OUT_OF_STOCK: 150 });
  expect(stockOf(await getDoc(cloud, 'products', 'hot-conflict'), 'h')).toBe(0);
  expect(await all(cloud, 'orders', { 'lines.0.productId': 'hot-conflict' })).toHaveLength(50);
  // The emulator did report conflicts (otherwise this test would not exercise the retry path).
  const logs: { logs?: string }[] = await cloud.logs({ function: 'orders', limit: 1000 });
  const attempts = logs.map((l) => /\[tx\] committed after (\d+) attempts \((\d+) ms\)/.exec(l.logs ?? '')).filter((m): m is RegExpExecArray => m !== null);
  const retried = attempts.length;
  console.log(
    `creates that committed only after retrying a conflict: ${retried}; most attempts ${Math.max(0, ...attempts.map((m) => Number(m[1])))}, longest ${Math.max(0, ...attempts.map((m) => Number(m[2])))} ms`,
  );
  expect(retried).toBeGreaterThan(0);
}, 120_000);

test('a product held by another transaction past the retry budget → UNAVAILABLE after ~12 s (inside the 30 s timeout), nothing written', async () => {
  await seed(cloud, 'products', [productDoc('held', [{ skuId: 'h', price: 990, stock: 5 }])]);
  const before = await snapshot(cloud);
  const db = cloud.wx().database();
  // A stuck writer (test setup): an open transaction that has locked the product document.
  const blocker = await db.startTransaction();
  await blocker.collection('products').doc('held').get();
  const started = Date.now();
  let r;
  try {
    r = await call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'held', skuId: 'h', qty: 1 }], address: ADDRESS }, 'oHELD');
  } finally {
    await blocker.rollback();
  }
  const ms = Date.now() - started;
  console.log(`create against a held product gave up after ${ms} ms`);
  expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', details: { reason: 'TRANSACTION_CONTENTION' } } });
  expect(ms).toBeGreaterThan(10_000);
  expect(ms).toBeLessThan(25_000);
  expect(await snapshot(cloud)).toEqual(before);
  // Once the lock is gone the same checkout goes through.
  const retry = await call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'held', skuId: 'h', qty: 1 }], address: ADDRESS }, 'oHELD');
  expect(retry.ok).toBe(true);
}, 60_000);
