/**
 * Checkouts that hold their units (server/stock-holds.ts), through the real functions in the local
 * cloud: the hold, the order and the move, the hold dropped; a checkout that died after its hold (retried, or given back
 * by the sweep once the lease is over); one that died between its order and its move; merchants saving
 * and adjusting while shoppers buy. The ledger check must hold at every step.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { orderIdFor } from '../../server/ids';
import { holdMoveId, HOLD_LEASE_MS } from '../../server/stock-holds';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 8 });

beforeAll(async () => {
  await ensureCollections(cloud);
}, 60_000);

afterEach(async () => {
  await cloud.setClock({ reset: true });
});

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>) => call<'merchant', A>(cloud, 'merchant', event);

/** A product as the merchant's tools create it: the ledger opened (revision 1 and its opening move). */
async function seedOpened(id: string, stock: number): Promise<void> {
  await seed(cloud, 'products', [productDoc(id, [{ skuId: 's', price: 990, stock }], { revision: 1, contentRevision: 1 })]);
  await seed(cloud, 'stock_moves', [{ _id: `Mopen-${id}`, productId: id, reason: 'open', skus: [{ skuId: 's', stock, reserved: 0, sold: 0 }], revision: 1, at: 1_700_000_000_000 }]);
}

const checkout = (openid: string, productId: string, qty: number, id = requestId(openid)) =>
  call(cloud, 'orders', { action: 'create', requestId: id, lines: [{ productId, skuId: 's', qty }], address: ADDRESS }, openid);

async function figures(productId: string) {
  const doc = await getDoc(cloud, 'products', productId);
  const sku = doc.skus[0];
  return { stock: sku.stock, reserved: sku.reserved ?? 0, sold: sku.sold ?? 0, sales: doc.sales, holds: (doc.holds ?? []).map((h: { o: string }) => h.o) };
}

async function ledgerClean(productId: string): Promise<void> {
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds: [productId] }));
  expect(report).toMatchObject({ checkedProducts: 1, problems: [] });
}

const sweep = async () => (await cloud.fireTimer('orders', 'expireOrders')).result.data.holds;

/** What a checkout's first write does (server/stock-holds.ts takeHold), as if its function died right after. */
async function holdOnly(productId: string, orderId: string, qty: number, at = Date.now()): Promise<void> {
  const _ = cloud.wx().database().command;
  await cloud.wx().database().collection('products').doc(productId).update({
    data: { 'skus.0.stock': _.inc(-qty), 'skus.0.reserved': _.inc(qty), sales: _.inc(qty), revision: _.inc(1), holds: _.push([{ o: orderId, at, skus: [{ skuId: 's', qty }] }]) },
  });
}

test('a checkout holds its units in one update, writes its order (no separate record: a retry is answered from the order; no move document: the order naming its hold is the move), then drops its hold; the sweep has nothing to do', async () => {
  await seedOpened('hold-1', 5);
  const order = dataOf(await checkout('oHOLD1', 'hold-1', 2)).order;
  expect(await figures('hold-1')).toEqual({ stock: 3, reserved: 2, sold: 0, sales: 2, holds: [] });
  expect(await getDoc(cloud, 'orders', order._id)).toMatchObject({ heldStock: [{ productId: 'hold-1', revision: 2 }] });
  expect(order).not.toHaveProperty('heldStock');
  expect(await all(cloud, 'stock_moves', { productId: 'hold-1', reason: 'reserve' })).toHaveLength(0);
  expect(await getDoc(cloud, 'idempotency', order._id)).toBeNull();
  expect(await checkout('oHOLD1', 'hold-1', 2, order.requestId)).toEqual({ ok: true, data: { order } });
  expect(await checkout('oHOLD1', 'hold-1', 1, order.requestId)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  await ledgerClean('hold-1');

  expect(await sweep()).toMatchObject({ settled: 0, returned: 0, waiting: 0 });
  expect(await figures('hold-1')).toEqual({ stock: 3, reserved: 2, sold: 0, sales: 2, holds: [] });
  await ledgerClean('hold-1');
  // Payment and cancel work on it as on any order.
  const other = dataOf(await checkout('oHOLD1', 'hold-1', 1)).order;
  dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: other._id }, 'oHOLD1'));
  expect(await figures('hold-1')).toMatchObject({ stock: 3, reserved: 2, sales: 2 });
  await ledgerClean('hold-1');
  await sweep();
  await ledgerClean('hold-1');
}, 60_000);

test('a checkout that died after its hold: the ledger counts the hold; its retry writes the order on that hold, taking nothing twice', async () => {
  await seedOpened('hold-2', 5);
  const id = requestId('oHOLD2');
  const orderId = orderIdFor('oHOLD2', id);
  await holdOnly('hold-2', orderId, 2);
  await ledgerClean('hold-2');
  expect(await sweep()).toMatchObject({ settled: 0, returned: 0, waiting: 1 });

  const order = dataOf(await checkout('oHOLD2', 'hold-2', 2, id)).order;
  expect(order._id).toBe(orderId);
  expect(await figures('hold-2')).toEqual({ stock: 3, reserved: 2, sold: 0, sales: 2, holds: [] });
  await ledgerClean('hold-2');
  expect(await sweep()).toMatchObject({ settled: 0, waiting: 0 });
  await ledgerClean('hold-2');
}, 60_000);

test('a hold without an order is given back once its lease is over, not before; a later retry holds afresh', async () => {
  await seedOpened('hold-3', 2);
  const id = requestId('oHOLD3');
  const orderId = orderIdFor('oHOLD3', id);
  await holdOnly('hold-3', orderId, 2);
  // Sold out meanwhile: another shopper is refused.
  expect(errorOf(await checkout('oOTHER3', 'hold-3', 1)).code).toBe('OUT_OF_STOCK');
  await cloud.setClock({ advanceMs: HOLD_LEASE_MS - 60_000 });
  expect(await sweep()).toMatchObject({ returned: 0, waiting: 1 });
  expect(await figures('hold-3')).toMatchObject({ stock: 0, reserved: 2, sales: 2 });

  await cloud.setClock({ advanceMs: 61_000 });
  expect(await sweep()).toMatchObject({ returned: 1, waiting: 0 });
  expect(await figures('hold-3')).toEqual({ stock: 2, reserved: 0, sold: 0, sales: 0, holds: [] });
  expect(await all(cloud, 'stock_moves', { productId: 'hold-3', reason: 'reserve' })).toHaveLength(0);
  await ledgerClean('hold-3');
  expect(await sweep()).toMatchObject({ returned: 0 });

  const order = dataOf(await checkout('oHOLD3', 'hold-3', 2, id)).order;
  expect(order._id).toBe(orderId);
  expect(await figures('hold-3')).toMatchObject({ stock: 0, reserved: 2, holds: [] });
  await ledgerClean('hold-3');
}, 60_000);

test('a checkout whose move went out but whose order never did: after the lease its units come back with a release move', async () => {
  await seedOpened('hold-7', 3);
  const orderId = orderIdFor('oHOLD7', requestId('oHOLD7'));
  const at = Date.now();
  await holdOnly('hold-7', orderId, 1, at);
  await seed(cloud, 'stock_moves', [{ _id: holdMoveId(orderId, 'hold-7'), productId: 'hold-7', reason: 'reserve', orderId, skus: [{ skuId: 's', stock: -1, reserved: 1, sold: 0 }], revision: 2, at }]);
  await ledgerClean('hold-7');
  await cloud.setClock({ advanceMs: HOLD_LEASE_MS + 1000 });
  expect(await sweep()).toMatchObject({ returned: 1 });
  expect(await figures('hold-7')).toEqual({ stock: 3, reserved: 0, sold: 0, sales: 0, holds: [] });
  expect(await all(cloud, 'stock_moves', { productId: 'hold-7', reason: 'release', orderId })).toHaveLength(1);
  await ledgerClean('hold-7');
}, 60_000);

test('a checkout that died after its order, before dropping its hold: the check counts the order once; the sweep drops the hold and writes no move', async () => {
  await seedOpened('hold-4', 5);
  const order = dataOf(await checkout('oHOLD4', 'hold-4', 1)).order;
  // As if its function died after the order's create: the hold still on the product.
  await cloud.wx().database().collection('products').doc('hold-4').update({ data: { holds: cloud.wx().database().command.push([{ o: order._id, at: order.createdAt, skus: [{ skuId: 's', qty: 1 }] }]) } });
  await ledgerClean('hold-4');
  expect(await sweep()).toMatchObject({ settled: 1 });
  expect(await all(cloud, 'stock_moves', { productId: 'hold-4', reason: 'reserve' })).toHaveLength(0);
  expect(await figures('hold-4')).toMatchObject({ stock: 4, reserved: 1, holds: [] });
  await ledgerClean('hold-4');
}, 60_000);

test('an order written before orders named their holds, whose checkout died before its move: the check counts the hold; the sweep writes the move', async () => {
  await seedOpened('hold-8', 5);
  const order = dataOf(await checkout('oHOLD8', 'hold-8', 1)).order;
  // As such a checkout left it: an order without `heldStock`, its hold still on the product, no move.
  await cloud.wx().database().collection('orders').doc(order._id).update({ data: { heldStock: cloud.wx().database().command.remove() } });
  await cloud.wx().database().collection('products').doc('hold-8').update({ data: { holds: cloud.wx().database().command.push([{ o: order._id, at: order.createdAt, skus: [{ skuId: 's', qty: 1 }] }]) } });
  await ledgerClean('hold-8');
  expect(await sweep()).toMatchObject({ settled: 1 });
  expect(await getDoc(cloud, 'stock_moves', holdMoveId(order._id, 'hold-8'))).toMatchObject({ reason: 'reserve', orderId: order._id, skus: [{ skuId: 's', stock: -1, reserved: 1, sold: 0 }] });
  expect(await figures('hold-8')).toMatchObject({ stock: 4, reserved: 1, holds: [] });
  await ledgerClean('hold-8');
}, 60_000);

test('a hand edit is still found while holds are pending', async () => {
  await seedOpened('hold-5', 5);
  await checkout('oHOLD5', 'hold-5', 1);
  await cloud.wx().database().collection('products').doc('hold-5').update({ data: { 'skus.0.stock': 40 } });
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds: ['hold-5'] }));
  expect(report.problems).toEqual([expect.objectContaining({ productId: 'hold-5', skuId: 's', figures: expect.objectContaining({ stock: 40 }), ledger: expect.objectContaining({ stock: 4 }) })]);
}, 60_000);

test('merchants saving and adjusting while shoppers buy: no unit sold twice, no hold left, the ledger adds up', async () => {
  await seedOpened('hold-6', 20);
  const buyers = Array.from({ length: 30 }, (_x, i) => checkout(`oHOLD6_${i}`, 'hold-6', 1));
  const edits = Array.from({ length: 4 }, (_x, i) =>
    i % 2 === 0
      ? merchant({ action: 'adjustStock', productId: 'hold-6', skuId: 's', delta: 1, reason: '到货' })
      : getDoc(cloud, 'products', 'hold-6').then((doc) => merchant({ action: 'saveProduct', product: { ...doc, title: `改名 ${i}` } as never })),
  );
  const [results] = await Promise.all([Promise.all(buyers), Promise.all(edits)]);
  const ok = results.filter((r) => r.ok).length;
  const codes = results.filter((r) => !r.ok).map((r) => errorOf(r).code);
  expect(codes.filter((c) => c !== 'OUT_OF_STOCK' && c !== 'UNAVAILABLE' && c !== 'PRICE_CHANGED')).toEqual([]);
  const after = await figures('hold-6');
  const orders = await all(cloud, 'orders', { 'lines.0.productId': 'hold-6' });
  expect(orders).toHaveLength(ok);
  expect(after.reserved).toBe(ok);
  expect(after.stock).toBeGreaterThanOrEqual(0);
  expect(after.holds).toEqual([]);
  await ledgerClean('hold-6');
  await sweep();
  await ledgerClean('hold-6');
}, 90_000);
