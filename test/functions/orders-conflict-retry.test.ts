/**
 * The checkout under CloudBase's transaction semantics: a write to a product another transaction has
 * written fails at once with DATABASE_TRANSACTION_CONFLICT, and wx-server-sdk hands that conflict to
 * the callback without a `code`, so its runTransaction does not retry; `create` must retry itself
 * (server/db.ts withTransaction). Callers must still see only success or OUT_OF_STOCK, never CONFLICT.
 * Conflicts are forced by a test transaction that writes the product first and keeps it open until the
 * emulator has reported conflicts; nothing here depends on how fast the machine is.
 */
import { until, useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, ensureCollections, getDoc, productDoc, requestId, seed, snapshot, stockOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 10 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 20 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

/** A transaction that has written the product (first writer), so every checkout's write to it conflicts. */
async function holdProduct(productId: string) {
  const blocker = await cloud.node().database().startTransaction();
  await blocker.collection('products').doc(productId).update({ heldForTest: true });
  return blocker;
}

const conflicts = async () => (await cloud.transactions()).stats.conflicts as number;

test('hot SKU with forced write conflicts: 200 creates → 50 orders, the rest OUT_OF_STOCK or UNAVAILABLE, no CONFLICT', async () => {
  await seed(cloud, 'products', [productDoc('hot-conflict', [{ skuId: 'h', price: 990, stock: 50 }])]);
  const before = await conflicts();
  const blocker = await holdProduct('hot-conflict');
  const creates = Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'hot-conflict', skuId: 'h', qty: 1 }], address: ADDRESS }, `oCONF_${i}`),
    ),
  );
  // Released once checkouts have really hit the conflict (well inside create's 12 s retry budget).
  await until(conflicts, (n) => n >= before + 10, 'checkouts to conflict with the held product');
  await blocker.rollback();
  const results = await creates;
  const tally: Record<string, number> = {};
  for (const r of results) {
    const code = r.ok ? 'OK' : r.error.code;
    tally[code] = (tally[code] ?? 0) + 1;
  }
  // Every unit sold; the rest refused as sold out, or told to retry once their budget ran out (a loaded
  // machine), never a raw conflict or any other error.
  expect(tally.OK).toBe(50);
  expect((tally.OUT_OF_STOCK ?? 0) + (tally.UNAVAILABLE ?? 0)).toBe(150);
  for (const r of results) if (!r.ok && r.error.code === 'UNAVAILABLE') expect(r.error.details).toMatchObject({ reason: 'TRANSACTION_CONTENTION' });
  expect(stockOf(await getDoc(cloud, 'products', 'hot-conflict'), 'h')).toBe(0);
  expect(await all(cloud, 'orders', { 'lines.0.productId': 'hot-conflict' })).toHaveLength(50);
  // The retry path really ran: some creates committed only after retrying a conflict.
  const logs: { logs?: string }[] = await cloud.logs({ function: 'orders', limit: 1000 });
  const retried = logs.filter((l) => /\[tx\] committed after \d+ attempts/.test(l.logs ?? '')).length;
  expect(retried).toBeGreaterThan(0);
}, 120_000);

test('a product held by another transaction until the retry budget is spent → UNAVAILABLE, nothing written', async () => {
  await seed(cloud, 'products', [productDoc('held', [{ skuId: 'h', price: 990, stock: 5 }])]);
  const before = await snapshot(cloud);
  const startConflicts = await conflicts();
  const blocker = await holdProduct('held');
  let r;
  try {
    const create = call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'held', skuId: 'h', qty: 1 }], address: ADDRESS }, 'oHELD');
    // The retry budget is measured on the function's clock, which is the local cloud's: once the checkout
    // has conflicted, moving the clock past the 12 s budget makes its next retry give up.
    await until(conflicts, (n) => n > startConflicts, 'the checkout to conflict');
    await cloud.setClock({ advanceMs: 13_000 });
    r = await create;
  } finally {
    await blocker.rollback();
    await cloud.setClock({ reset: true });
  }
  expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', details: { reason: 'TRANSACTION_CONTENTION' } } });
  const after = await snapshot(cloud);
  expect(after).toEqual(before);
  // Once the product is free the same checkout goes through.
  const retry = await call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'held', skuId: 'h', qty: 1 }], address: ADDRESS }, 'oHELD');
  expect(retry.ok).toBe(true);
}, 60_000);

/** Database requests the local cloud served for one action so far. */
const served = async (action: string) => ((await cloud.transactions()).requests?.[action] as number | undefined) ?? 0;

test('an attempt that lost the product is not rolled back (the conflict ended it); the checkout still commits once', async () => {
  await seed(cloud, 'products', [productDoc('no-rollback', [{ skuId: 'h', price: 990, stock: 3 }])]);
  const startConflicts = await conflicts();
  const blocker = await holdProduct('no-rollback');
  const abortsBefore = await served('database.abortTransaction');
  const create = call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'no-rollback', skuId: 'h', qty: 1 }], address: ADDRESS }, 'oNOROLL');
  await until(conflicts, (n) => n >= startConflicts + 2, 'the checkout to conflict twice');
  // Read before the blocker's own rollback, which is one abortTransaction request.
  const abortsWhileHeld = await served('database.abortTransaction');
  await blocker.rollback();
  const r = await create;
  expect(r.ok).toBe(true);
  expect(abortsWhileHeld).toBe(abortsBefore);
  expect(stockOf(await getDoc(cloud, 'products', 'no-rollback'), 'h')).toBe(2);
  expect(await all(cloud, 'stock_moves', { productId: 'no-rollback', reason: 'reserve' })).toHaveLength(1);
}, 60_000);

test('a retry of a checkout that went through, sent while units are left: the same order, and nothing written', async () => {
  await seed(cloud, 'products', [productDoc('retry-left', [{ skuId: 'h', price: 990, stock: 5 }])]);
  const req = { action: 'create' as const, requestId: requestId(), lines: [{ productId: 'retry-left', skuId: 'h', qty: 2 }], address: ADDRESS };
  const first = await call(cloud, 'orders', req, 'oRETRYLEFT');
  expect(first.ok).toBe(true);
  const before = await snapshot(cloud);
  const productBefore = await getDoc(cloud, 'products', 'retry-left');
  const again = await call(cloud, 'orders', req, 'oRETRYLEFT');
  expect(again).toEqual(first);
  expect(await snapshot(cloud)).toEqual(before);
  // Stock, reserved, sales and revision as the first checkout left them; one reserve move.
  expect(await getDoc(cloud, 'products', 'retry-left')).toEqual(productBefore);
  expect(await all(cloud, 'stock_moves', { productId: 'retry-left', reason: 'reserve' })).toHaveLength(1);
}, 60_000);

test('a retry of a checkout that went through, while the product is held by a transaction: its order at once, not UNAVAILABLE', async () => {
  await seed(cloud, 'products', [productDoc('retry-held', [{ skuId: 'h', price: 990, stock: 5 }])]);
  const req = { action: 'create' as const, requestId: requestId(), lines: [{ productId: 'retry-held', skuId: 'h', qty: 1 }], address: ADDRESS };
  const first = await call(cloud, 'orders', req, 'oRETRYHELD');
  expect(first.ok).toBe(true);
  const startConflicts = await conflicts();
  const blocker = await holdProduct('retry-held');
  let again;
  try {
    // The checkout's first read finds the request's record: it answers without writing the held product.
    again = await call(cloud, 'orders', req, 'oRETRYHELD');
  } finally {
    await blocker.rollback();
  }
  expect(again).toEqual(first);
  expect(await conflicts()).toBe(startConflicts);
  expect(stockOf(await getDoc(cloud, 'products', 'retry-held'), 'h')).toBe(4);
}, 60_000);
