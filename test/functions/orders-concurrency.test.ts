/**
 * Stock reservation under concurrency, through the real functions in the emulator: many buyers, one hot
 * SKU; all-or-nothing multi-line orders; requestId idempotency under retries and races.
 */
import type { OrderLineRequest } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, ensureCollections, getDoc, productDoc, requestId, seed, snapshot, stockOf, dataOf, errorOf } from '../support';

// More workers than the default 8, so that many transactions really overlap on the hot document.
const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 16 });

beforeAll(async () => {
  await ensureCollections(cloud);
  // Start every worker process first: on a small machine, forking 16 cold workers mid-test measures
  // process start-up, not the reservation path.
  await Promise.all(Array.from({ length: 40 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

const create = (openid: string, lines: OrderLineRequest[], id = requestId(openid)) =>
  call(cloud, 'orders', { action: 'create', requestId: id, lines, address: ADDRESS }, openid);

test('hot SKU: 200 concurrent creates from 200 users on stock 50 → exactly 50 orders, stock 0, the other 150 OUT_OF_STOCK or UNAVAILABLE', async () => {
  await seed(cloud, 'products', [productDoc('hot', [{ skuId: 'h1', price: 990, stock: 50 }])]);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const t0 = Date.now();
      const r = await create(`oHOT_${i}`, [{ productId: 'hot', skuId: 'h1', qty: 1 }]);
      return { r, ms: Date.now() - t0 };
    }),
  );
  const elapsed = Date.now() - started;
  const latencies = results.map((x) => x.ms).sort((a, b) => a - b);
  console.log(
    `hot SKU: 200 creates in ${elapsed} ms; latency p50 ${latencies[100]} ms, p95 ${latencies[190]} ms, max ${latencies[199]} ms`,
  );

  const codes = results.map(({ r }) => (r.ok ? 'OK' : r.error.code));
  const count = (code: string) => codes.filter((c) => c === code).length;
  // Transactions fail fast on a write conflict (first writer wins) and create retries within its budget;
  // a buyer whose budget runs out is told to try again (UNAVAILABLE, nothing written), as in production.
  expect(count('OK')).toBe(50);
  expect(count('OUT_OF_STOCK') + count('UNAVAILABLE')).toBe(150);
  for (const { r } of results) if (!r.ok && r.error.code === 'UNAVAILABLE') expect(r.error.details).toMatchObject({ reason: 'TRANSACTION_CONTENTION' });

  const product = await getDoc(cloud, 'products', 'hot');
  expect(stockOf(product, 'h1')).toBe(0);
  expect(product.sales).toBe(50);
  const orders = await all(cloud, 'orders', { 'lines.0.productId': 'hot' });
  expect(orders).toHaveLength(50);
  // Each winner is a different user, and each order holds exactly one unit.
  expect(new Set(orders.map((o) => o._openid)).size).toBe(50);
  expect(orders.reduce((sum, o) => sum + o.lines[0].qty, 0) + stockOf(product, 'h1')).toBe(50);
  // The refusals name the line and the reason.
  const refusal = results.find(({ r }) => !r.ok && r.error.code === 'OUT_OF_STOCK')!.r;
  expect(errorOf(refusal).details[0]).toMatchObject({ index: 0, productId: 'hot', skuId: 'h1' });
  expect(['SOLD_OUT', 'INSUFFICIENT_STOCK']).toContain(errorOf(refusal).details[0].problems[0].code);
}, 120_000);

test('a two-line order whose second line is short takes no stock from either line and writes nothing', async () => {
  await seed(cloud, 'products', [
    productDoc('two-a', [{ skuId: 'a', price: 500, stock: 10 }]),
    productDoc('two-b', [{ skuId: 'b', price: 700, stock: 1 }]),
  ]);
  const before = await snapshot(cloud);
  const r = await create('oTWO', [
    { productId: 'two-a', skuId: 'a', qty: 3 },
    { productId: 'two-b', skuId: 'b', qty: 2 },
  ]);
  expect(r.ok).toBe(false);
  expect(errorOf(r).code).toBe('OUT_OF_STOCK');
  expect(errorOf(r).details).toEqual([
    expect.objectContaining({ index: 1, productId: 'two-b', skuId: 'b', problems: [expect.objectContaining({ code: 'INSUFFICIENT_STOCK' })] }),
  ]);
  expect(await snapshot(cloud)).toEqual(before);
});

test('two-line order racing a buyer who empties the second line: whole order or nothing, never half', async () => {
  await seed(cloud, 'products', [
    productDoc('race-a', [{ skuId: 'a', price: 500, stock: 20 }]),
    productDoc('race-b', [{ skuId: 'b', price: 700, stock: 5 }]),
  ]);
  const pairs = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      create(`oPAIR_${i}`, [
        { productId: 'race-a', skuId: 'a', qty: 1 },
        { productId: 'race-b', skuId: 'b', qty: 1 },
      ]),
    ),
  );
  const singles = await Promise.all(Array.from({ length: 10 }, (_, i) => create(`oSINGLE_${i}`, [{ productId: 'race-b', skuId: 'b', qty: 1 }])));
  const okPairs = pairs.filter((r) => r.ok).length;
  const okSingles = singles.filter((r) => r.ok).length;
  expect(okPairs + okSingles).toBe(5);
  const a = await getDoc(cloud, 'products', 'race-a');
  const b = await getDoc(cloud, 'products', 'race-b');
  expect(stockOf(b, 'b')).toBe(0);
  expect(stockOf(a, 'a')).toBe(20 - okPairs);
  for (const r of [...pairs, ...singles]) if (!r.ok) expect(r.error.code).toBe('OUT_OF_STOCK');
}, 60_000);

test('same requestId 5 times in a row → one order, the same response each time', async () => {
  await seed(cloud, 'products', [productDoc('idem-seq', [{ skuId: 's', price: 1200, stock: 10 }])]);
  const id = requestId('seq');
  const responses = [];
  for (let i = 0; i < 5; i += 1) responses.push(await create('oIDEM_SEQ', [{ productId: 'idem-seq', skuId: 's', qty: 2 }], id));
  expect(responses[0].ok).toBe(true);
  for (const r of responses) expect(r).toEqual(responses[0]);
  expect(await all(cloud, 'orders', { requestId: id })).toHaveLength(1);
  expect(stockOf(await getDoc(cloud, 'products', 'idem-seq'), 's')).toBe(8);
});

test('same requestId 5 times concurrently → one order, the same response each time', async () => {
  await seed(cloud, 'products', [productDoc('idem-par', [{ skuId: 's', price: 1200, stock: 10 }])]);
  const id = requestId('par');
  const responses = await Promise.all(Array.from({ length: 5 }, () => create('oIDEM_PAR', [{ productId: 'idem-par', skuId: 's', qty: 2 }], id)));
  expect(responses[0].ok).toBe(true);
  for (const r of responses) expect(r).toEqual(responses[0]);
  expect(await all(cloud, 'orders', { requestId: id })).toHaveLength(1);
  expect(await all(cloud, 'idempotency', { requestId: id })).toHaveLength(1);
  expect(stockOf(await getDoc(cloud, 'products', 'idem-par'), 's')).toBe(8);
});

test('same requestId with a different payload → CONFLICT, nothing written; the same requestId from another user is a separate order', async () => {
  await seed(cloud, 'products', [productDoc('idem-diff', [{ skuId: 's', price: 1200, stock: 10 }])]);
  const id = requestId('diff');
  const first = await create('oIDEM_DIFF', [{ productId: 'idem-diff', skuId: 's', qty: 1 }], id);
  expect(first.ok).toBe(true);
  const before = await snapshot(cloud);
  const second = await create('oIDEM_DIFF', [{ productId: 'idem-diff', skuId: 's', qty: 2 }], id);
  expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await snapshot(cloud)).toEqual(before);

  const other = await create('oIDEM_OTHER', [{ productId: 'idem-diff', skuId: 's', qty: 1 }], id);
  expect(other.ok).toBe(true);
  expect(dataOf(other).order._id).not.toBe(dataOf(first).order._id);
  expect(stockOf(await getDoc(cloud, 'products', 'idem-diff'), 's')).toBe(8);
});

test('an order written before orders carried their request fingerprint is answered from its idempotency record: the same request gets it, another payload CONFLICT', async () => {
  await seed(cloud, 'products', [productDoc('idem-old', [{ skuId: 's', price: 1200, stock: 10 }])]);
  const id = requestId('old');
  const first = await create('oIDEM_OLD', [{ productId: 'idem-old', skuId: 's', qty: 1 }], id);
  const orderId = dataOf(first).order._id;
  expect(await getDoc(cloud, 'idempotency', orderId)).toMatchObject({ orderId });
  await cloud.wx().database().collection('orders').doc(orderId).update({ data: { requestFingerprint: cloud.wx().database().command.remove() } });
  const before = await snapshot(cloud);
  expect(await create('oIDEM_OLD', [{ productId: 'idem-old', skuId: 's', qty: 1 }], id)).toEqual(first);
  expect(await create('oIDEM_OLD', [{ productId: 'idem-old', skuId: 's', qty: 2 }], id)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await snapshot(cloud)).toEqual(before);
});

test('two SKUs of one product in one order: both reserved in the same document write; remark kept, client attribution not', async () => {
  await seed(cloud, 'products', [
    productDoc('multi', [
      { skuId: 'red', specValues: ['红'], price: 1000, stock: 4 },
      { skuId: 'blue', specValues: ['蓝'], price: 1100, stock: 4 },
    ], { specs: [{ name: '颜色', values: ['红', '蓝'] }] }),
  ]);
  // Claimed by the client without any recorded scan: the server credits nothing (server/attribution.ts).
  const attribution = { launchScene: 1047, sceneCode: 's=abcDEF12', campaign: 'spring', referralCode: 'Ab3dE6gH9k' };
  const r = await call(
    cloud,
    'orders',
    {
      action: 'create',
      requestId: requestId('multi'),
      lines: [
        { productId: 'multi', skuId: 'red', qty: 3 },
        { productId: 'multi', skuId: 'blue', qty: 4, expectedPrice: 1100 },
      ],
      address: ADDRESS,
      remark: '  请尽快发货 ',
      attribution,
    },
    'oMULTI',
  );
  expect(r).toMatchObject({
    ok: true,
    data: { order: { itemsTotal: 7400, shippingFee: 800, total: 8200, remark: '请尽快发货', lines: [{ specText: '红', lineTotal: 3000 }, { specText: '蓝', lineTotal: 4400 }] } },
  });
  expect(dataOf(r).order.attribution).toEqual({});
  const product = await getDoc(cloud, 'products', 'multi');
  expect([stockOf(product, 'red'), stockOf(product, 'blue'), product.sales]).toEqual([1, 0, 7]);
  const soldOut = await call(cloud, 'catalog', { action: 'get', productId: 'multi' });
  expect(dataOf(soldOut).product.skus.map((s: { available: number }) => s.available)).toEqual([1, 0]);
});

test('same requestId retried concurrently (staggered) for the last units in stock → every retry gets the one order, none OUT_OF_STOCK (×20)', async () => {
  for (let round = 0; round < 20; round += 1) {
    const productId = `idem-last-${round}`;
    await seed(cloud, 'products', [productDoc(productId, [{ skuId: 's', price: 1200, stock: 2 }])]);
    const id = requestId('last');
    // Staggered so that some retries start while the first one is committing.
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 4 + Math.random() * 8)).then(() => create('oIDEM_LAST', [{ productId, skuId: 's', qty: 2 }], id))),
    );
    for (const r of responses) expect(r).toEqual(responses[0]);
    expect(responses[0].ok).toBe(true);
    expect(stockOf(await getDoc(cloud, 'products', productId), 's')).toBe(0);
  }
}, 60_000);
