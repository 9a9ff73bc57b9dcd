/**
 * A checkout's stock move and its order, through the real orders function and the local cloud's
 * transactions: the last unit goes to exactly one buyer, a failure after the units were moved (in the
 * same transaction, before the order is written) leaves stock and ledger as they were, and a retry gets
 * its order also once the product has sold out.
 */
import type { OrderLineRequest } from '../../typings/api';
import { orderIdFor } from '../../server/ids';
import { heldOrderMoves } from '../../server/stock-holds';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 8 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 16 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

const create = (openid: string, lines: OrderLineRequest[], id = requestId(openid)) =>
  call(cloud, 'orders', { action: 'create', requestId: id, lines, address: ADDRESS }, openid);

/** A product the ledger has opened (revision 1 and its opening move), so checkouts take the plain path. */
async function seedOpened(id: string, stock: number): Promise<void> {
  await seed(cloud, 'products', [productDoc(id, [{ skuId: 's', price: 990, stock }], { revision: 1 })]);
  await seed(cloud, 'stock_moves', [{ _id: `Mopen-${id}`, productId: id, reason: 'open', skus: [{ skuId: 's', stock, reserved: 0, sold: 0 }], revision: 1, at: 1_700_000_000_000 }]);
}

/** The SKU's figures next to the sums of its moves: those written and those its orders by hold stand for. */
async function ledgerOf(id: string) {
  const product = await getDoc(cloud, 'products', id);
  const sku = product.skus[0];
  const stood = (await all(cloud, 'orders', { 'heldStock.productId': id })).flatMap(heldOrderMoves);
  const moves = [...(await all(cloud, 'stock_moves', { productId: id })), ...stood];
  const sum = (field: 'stock' | 'reserved' | 'sold') => moves.reduce((n: number, m: any) => n + Number(m.skus.find((s: any) => s.skuId === 's')?.[field] ?? 0), 0);
  return { figures: { stock: sku.stock, reserved: sku.reserved ?? 0, sold: sku.sold ?? 0 }, moves: { stock: sum('stock'), reserved: sum('reserved'), sold: sum('sold') }, reserveMoves: moves.filter((m: any) => m.reason === 'reserve'), product };
}

test('30 buyers of the last unit at once → exactly one order; stock 0, reserved 1, one reserve move, figures equal the moves', async () => {
  await seedOpened('last-one', 1);
  const results = await Promise.all(Array.from({ length: 30 }, (_x, i) => create(`oLAST_${i}`, [{ productId: 'last-one', skuId: 's', qty: 1 }])));
  const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
  expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
  expect(codes.filter((c) => c !== 'OK' && c !== 'OUT_OF_STOCK' && c !== 'UNAVAILABLE')).toEqual([]);
  const orders = await all(cloud, 'orders', { 'lines.0.productId': 'last-one' });
  expect(orders).toHaveLength(1);
  const ledger = await ledgerOf('last-one');
  expect(ledger.figures).toEqual({ stock: 0, reserved: 1, sold: 0 });
  expect(ledger.moves).toEqual(ledger.figures);
  expect(ledger.reserveMoves).toHaveLength(1);
  expect(ledger.reserveMoves[0]).toMatchObject({ orderId: orders[0]._id, revision: ledger.product.revision });
  expect(ledger.product.sales).toBe(1);
}, 60_000);

test('a failure after the units were moved (a coupon refused before the order is written) leaves stock, sales and the ledger as they were', async () => {
  await seedOpened('fail-after', 5);
  const id = requestId('fail');
  // The coupon is read after the reservation's writes, inside the same transaction.
  const r = await call(cloud, 'orders', { action: 'create', requestId: id, lines: [{ productId: 'fail-after', skuId: 's', qty: 2 }], address: ADDRESS, couponId: 'Cnobody' }, 'oFAIL_AFTER');
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatchObject({ code: 'INVALID_STATE', details: { coupon: 'NOT_FOUND' } });
  const ledger = await ledgerOf('fail-after');
  expect(ledger.figures).toEqual({ stock: 5, reserved: 0, sold: 0 });
  expect(ledger.moves).toEqual(ledger.figures);
  expect(ledger.reserveMoves).toHaveLength(0);
  expect(ledger.product.sales).toBe(0);
  expect(ledger.product.revision).toBe(1);
  expect(await all(cloud, 'orders', { requestId: id })).toHaveLength(0);
  expect(await all(cloud, 'idempotency', { requestId: id })).toHaveLength(0);
  // The units are still there for the next buyer.
  expect((await create('oFAIL_NEXT', [{ productId: 'fail-after', skuId: 's', qty: 5 }])).ok).toBe(true);
});

test('a retried request gets its order, also once the product has sold out', async () => {
  await seedOpened('retry-sold', 1);
  const id = requestId('retry');
  const first = await create('oRETRY', [{ productId: 'retry-sold', skuId: 's', qty: 1 }], id);
  expect(first.ok).toBe(true);
  const again = await create('oRETRY', [{ productId: 'retry-sold', skuId: 's', qty: 1 }], id);
  expect(again).toEqual(first);
  expect(dataOf(again).order._id).toBe(orderIdFor('oRETRY', id));
  expect(await all(cloud, 'orders', { requestId: id })).toHaveLength(1);
  const ledger = await ledgerOf('retry-sold');
  expect(ledger.figures).toEqual({ stock: 0, reserved: 1, sold: 0 });
  expect(ledger.moves).toEqual(ledger.figures);
});
