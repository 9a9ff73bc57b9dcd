/**
 * The hold primitives (server/stock-holds.ts) called directly, in this process, against the local cloud:
 * the refusals a checkout through the function rarely meets (the product edited or its SKUs reordered
 * between the read and the hold, too few units), giving back, dropping, the sweep's cases (with orders
 * written before orders named their holds), and what the ledger check counts.
 */
import { heldOrderMoves, heldOrderMovesOf, holdable, holdMoveId, holdsOf, HOLD_LEASE_MS, dropHolds, pendingHoldMoves, returnHold, settleHolds, takeHold } from '../../server/stock-holds';
import { useCloud } from '../helpers/cloud';
import { all, ensureCollections, getDoc, productDoc, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

/** The environment this file changed, as it was (other test files run in the same process after it). */
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await ensureCollections(cloud);
  // What the local cloud gives its function workers (emulator/functions/service.ts), so server/cloud.ts reaches it from here.
  const env: Record<string, string> = {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'local-dummy-id',
    TENCENTCLOUD_SECRETKEY: 'local-dummy-key',
    TCB_ENV: cloud.envId,
    SCF_NAMESPACE: cloud.envId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: cloud.adminUrl }),
  };
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
}, 60_000);

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const TWO_SKUS = [
  { skuId: 'a', price: 500, stock: 3 },
  { skuId: 'b', price: 700, stock: 2 },
];

async function opened(id: string, skus = TWO_SKUS) {
  await seed(cloud, 'products', [productDoc(id, skus, { revision: 1, contentRevision: 1 })]);
  return getDoc(cloud, 'products', id);
}

const figures = async (id: string) => {
  const doc = await getDoc(cloud, 'products', id);
  return { skus: doc.skus.map((s: any) => [s.skuId, s.stock, s.reserved ?? 0]), sales: doc.sales, revision: doc.revision, holds: [...holdsOf(doc).keys()] };
};

test('a hold takes the units once per order; too few units, an edit or reordered SKUs since the read refuse it', async () => {
  const read = await opened('dh-1');
  expect(holdable(read)).toBe(true);
  expect(await takeHold('dh-1', read, 'O1', [{ skuId: 'b', qty: 2 }], Date.now())).toBe('taken');
  expect(await takeHold('dh-1', read, 'O1', [{ skuId: 'b', qty: 2 }], Date.now())).toBe('held');
  expect(await figures('dh-1')).toEqual({ skus: [['a', 3, 0], ['b', 0, 2]], sales: 2, revision: 2, holds: ['O1'] });
  expect(await takeHold('dh-1', read, 'O2', [{ skuId: 'b', qty: 1 }], Date.now())).toBe('refused');

  // The merchant saved the product (its content revision moved): the hold priced on the old read is refused.
  await cloud.wx().database().collection('products').doc('dh-1').update({ data: { contentRevision: 2, price: 900 } });
  expect(await takeHold('dh-1', read, 'O3', [{ skuId: 'a', qty: 1 }], Date.now())).toBe('refused');
  // SKUs reordered since the read: the SKU is no longer where the read found it.
  const edited = await getDoc(cloud, 'products', 'dh-1');
  await cloud.wx().database().collection('products').doc('dh-1').update({ data: { skus: [...edited.skus].reverse() } });
  expect(await takeHold('dh-1', edited, 'O4', [{ skuId: 'a', qty: 1 }], Date.now())).toBe('refused');
  expect(await takeHold('dh-1', await getDoc(cloud, 'products', 'dh-1'), 'O4', [{ skuId: 'a', qty: 1 }], Date.now())).toBe('taken');
  expect(await figures('dh-1')).toMatchObject({ skus: [['b', 0, 2], ['a', 2, 1]], sales: 3, holds: ['O1', 'O4'] });
  // Given back, each from the SKU where it is now.
  expect(await returnHold('dh-1', 'O1')).toBe(true);
  expect(await returnHold('dh-1', 'O4')).toBe(true);
  expect(await figures('dh-1')).toMatchObject({ skus: [['b', 2, 0], ['a', 3, 0]], sales: 0, holds: [] });
}, 60_000);

test('giving a hold back returns its units once; dropping a settled hold leaves the figures', async () => {
  const read = await opened('dh-2');
  await takeHold('dh-2', read, 'O1', [{ skuId: 'a', qty: 2 }], Date.now());
  await takeHold('dh-2', read, 'O2', [{ skuId: 'a', qty: 1 }, { skuId: 'b', qty: 1 }], Date.now());
  expect(await returnHold('dh-2', 'O1')).toBe(true);
  expect(await returnHold('dh-2', 'O1')).toBe(false);
  expect(await figures('dh-2')).toMatchObject({ skus: [['a', 2, 1], ['b', 1, 1]], sales: 2, holds: ['O2'] });
  await dropHolds(['dh-2'], 'O2');
  expect(await figures('dh-2')).toMatchObject({ skus: [['a', 2, 1], ['b', 1, 1]], sales: 2, holds: [] });
  expect(await returnHold('dh-2', 'O2')).toBe(false);
}, 60_000);

test('the sweep: a hold whose order exists goes (an order that does not name it gets its move first); one without, past its lease, comes back (with a release move when its move went out); a young one waits', async () => {
  const read = await opened('dh-3');
  const old = Date.now() - HOLD_LEASE_MS - 1000;
  await takeHold('dh-3', read, 'Onamed', [{ skuId: 'a', qty: 1 }], Date.now());
  await takeHold('dh-3', read, 'Oordered', [{ skuId: 'a', qty: 1 }], Date.now());
  await seed(cloud, 'orders', [
    { _id: 'Onamed', _openid: 'oDH3', status: 'pending_payment', lines: [{ productId: 'dh-3', skuId: 'a', qty: 1 }], heldStock: [{ productId: 'dh-3', revision: 2 }], createdAt: Date.now() },
    // Written before orders named their holds: its reserve move was its own document.
    { _id: 'Oordered', _openid: 'oDH3', status: 'pending_payment', lines: [{ productId: 'dh-3', skuId: 'a', qty: 1 }] },
  ]);
  await takeHold('dh-3', read, 'Oorphan', [{ skuId: 'a', qty: 1 }], old);
  await takeHold('dh-3', read, 'Omoved', [{ skuId: 'b', qty: 1 }], old);
  await seed(cloud, 'stock_moves', [{ _id: holdMoveId('Omoved', 'dh-3'), productId: 'dh-3', reason: 'reserve', orderId: 'Omoved', skus: [{ skuId: 'b', stock: -1, reserved: 1, sold: 0 }], revision: 2, at: old }]);
  await takeHold('dh-3', read, 'Oyoung', [{ skuId: 'b', qty: 1 }], Date.now());

  const product = await getDoc(cloud, 'products', 'dh-3');
  const standing = await heldOrderMovesOf(['dh-3']);
  expect(standing.map((m) => m._id)).toEqual([holdMoveId('Onamed', 'dh-3')]);
  const written = new Set([...(await all(cloud, 'stock_moves', { productId: 'dh-3' })).map((m: any) => m._id as string), ...standing.map((m) => m._id)]);
  expect(pendingHoldMoves([product], written).map((m) => m.orderId).sort()).toEqual(['Oordered', 'Oorphan', 'Oyoung']);

  const summary = await settleHolds(10_000);
  expect(summary).toMatchObject({ settled: 2, returned: 2, waiting: 1, failed: 0 });
  expect(await figures('dh-3')).toMatchObject({ skus: [['a', 1, 2], ['b', 1, 1]], holds: ['Oyoung'] });
  expect(await getDoc(cloud, 'stock_moves', holdMoveId('Oordered', 'dh-3'))).toMatchObject({ reason: 'reserve', orderId: 'Oordered' });
  expect(await getDoc(cloud, 'stock_moves', holdMoveId('Onamed', 'dh-3'))).toBeNull();
  expect(await all(cloud, 'stock_moves', { productId: 'dh-3', reason: 'release' })).toEqual([expect.objectContaining({ orderId: 'Omoved', skus: [{ skuId: 'b', stock: 1, reserved: -1, sold: 0 }] })]);
}, 60_000);

test('the reserve moves an order by hold stands for: its lines of each product it names, under the hold move ids; malformed entries count nothing', () => {
  const order = {
    _id: 'O9',
    createdAt: 5,
    lines: [{ productId: 'p', skuId: 'a', qty: 2 }, { productId: 'q', skuId: 'b', qty: 1 }, { productId: 'p', skuId: 'c', qty: 1 }, { productId: 'p', skuId: 'd', qty: -1 }],
    heldStock: [{ productId: 'p', revision: 7 }, { productId: 'q', revision: 'x' }, { productId: 'r', revision: 1 }, null],
  };
  expect(heldOrderMoves(order)).toEqual([
    { _id: holdMoveId('O9', 'p'), productId: 'p', reason: 'reserve', orderId: 'O9', skus: [{ skuId: 'a', stock: -2, reserved: 2, sold: 0 }, { skuId: 'c', stock: -1, reserved: 1, sold: 0 }], revision: 7, at: 5 },
  ]);
  expect(heldOrderMoves({ _id: 'O8', lines: order.lines })).toEqual([]);
  expect(heldOrderMoves({ _id: 'O7', heldStock: order.heldStock })).toEqual([]);
});

test('what a checkout can hold: an opened product with whole figures and well-formed holds', () => {
  const doc = productDoc('x', TWO_SKUS, { revision: 3 });
  expect(holdable(doc)).toBe(true);
  expect(holdable(productDoc('x', TWO_SKUS))).toBe(false);
  expect(holdable({ ...doc, skus: [{ skuId: 'a', stock: -1 }] })).toBe(false);
  expect(holdable({ ...doc, holds: [{ o: 'O1' }] })).toBe(false);
  expect(holdable(null)).toBe(false);
  expect([...holdsOf({ holds: [{ o: 'O1', at: 1, skus: [{ skuId: 'a', qty: 1 }, { skuId: 'b', qty: -1 }] }, 'junk'] }).values()]).toEqual([{ o: 'O1', at: 1, skus: [{ skuId: 'a', qty: 1 }] }]);
  expect(holdMoveId('O1', 'p')).toBe(holdMoveId('O1', 'p'));
  expect(holdMoveId('O1', 'p')).not.toBe(holdMoveId('O1', 'q'));
});
