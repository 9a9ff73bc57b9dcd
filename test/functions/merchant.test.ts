/**
 * The `merchant` function and the stock ledger, through the real functions in the local cloud: every
 * stock change (checkout, cancel, payment, adjustment, save, import) keeps stock + reserved + sold equal
 * to the sum of the SKU's moves; merchant actions refuse shoppers; a hand edit is found by the check.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

beforeAll(async () => {
  await ensureCollections(cloud);
});

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>, openid?: string) => call<'merchant', A>(cloud, 'merchant', event, openid);

async function figures(productId: string, skuId: string) {
  const doc = await getDoc(cloud, 'products', productId);
  const sku = doc.skus.find((s: { skuId: string }) => s.skuId === skuId);
  return { stock: sku.stock, reserved: sku.reserved ?? 0, sold: sku.sold ?? 0 };
}

async function ledgerOk(productIds: string[]) {
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds }));
  expect(report.problems).toEqual([]);
  return report;
}

async function createOrder(openid: string, productId: string, skuId: string, qty: number) {
  return dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId, skuId, qty }], address: ADDRESS }, openid)).order;
}

function notification(order: { _id: string; total: number }) {
  return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: order._id, totalFee: order.total, cashFee: order.total, transactionId: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`, timeEnd: '20260101120000', tradeType: 'JSAPI', feeType: 'CNY' };
}

test('a legacy product (no revision, no reserved/sold) opens its ledger on first use; reserve, release, sell and adjust keep the sum', async () => {
  await seed(cloud, 'products', [productDoc('led-1', [{ skuId: 'a', price: 500, stock: 10 }])]);
  const first = await createOrder('oLED1', 'led-1', 'a', 2);
  expect(await figures('led-1', 'a')).toEqual({ stock: 8, reserved: 2, sold: 0 });
  const second = await createOrder('oLED2', 'led-1', 'a', 3);
  expect(dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: first._id }, 'oLED1')).order.status).toBe('cancelled');
  expect(await figures('led-1', 'a')).toEqual({ stock: 7, reserved: 3, sold: 0 });
  await call(cloud, 'orders', { action: 'pay', orderId: second._id }, 'oLED2');
  expect((await cloud.invoke('orders', notification(second), { source: 'wx_paycallback' })).result).toEqual({ errcode: 0, errmsg: 'OK' });
  expect(await figures('led-1', 'a')).toEqual({ stock: 7, reserved: 0, sold: 3 });
  const adjusted = dataOf(await merchant({ action: 'adjustStock', productId: 'led-1', skuId: 'a', delta: 5, reason: '到货' }));
  expect(adjusted.figures).toEqual({ stock: 12, reserved: 0, sold: 3 });
  expect(errorOf(await merchant({ action: 'adjustStock', productId: 'led-1', skuId: 'a', delta: -13, reason: '盘亏' })).code).toBe('OUT_OF_STOCK');
  const report = await ledgerOk(['led-1']);
  expect(report.checkedSkus).toBe(1);
  const moves = (await cloud.wx().database().collection('stock_moves').where({ productId: 'led-1' }).orderBy('at', 'asc').get()).data;
  // The first order opened the ledger in a transaction (its reserve move is a document); the second held
  // its units, and its order, naming the hold, is its reserve move.
  expect(moves.map((m: { reason: string }) => m.reason).sort()).toEqual(['adjust', 'open', 'release', 'reserve', 'sell'].sort());
  expect(moves.find((m: { reason: string }) => m.reason === 'reserve')).toMatchObject({ orderId: first._id });
  expect(await getDoc(cloud, 'orders', second._id)).toMatchObject({ heldStock: [{ productId: 'led-1' }] });
  expect(moves.find((m: { reason: string }) => m.reason === 'adjust')).toMatchObject({ merchant: 'server', note: '到货', skus: [{ skuId: 'a', stock: 5, reserved: 0, sold: 0 }] });
  expect(moves.find((m: { reason: string }) => m.reason === 'open').skus).toEqual([{ skuId: 'a', stock: 10, reserved: 0, sold: 0 }]);
});

test('a hand edit of stock in the database is found by the ledger check', async () => {
  await seed(cloud, 'products', [productDoc('led-2', [{ skuId: 'a', price: 500, stock: 10 }, { skuId: 'b', price: 500, stock: 4 }])]);
  dataOf(await merchant({ action: 'adjustStock', productId: 'led-2', skuId: 'a', delta: 1, reason: 'count' }));
  await ledgerOk(['led-2']);
  await cloud.wx().database().collection('products').doc('led-2').update({ data: { 'skus.1.stock': 40 } });
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds: ['led-2'] }));
  expect(report.problems).toEqual([{ productId: 'led-2', skuId: 'b', figures: { stock: 40, reserved: 0, sold: 0 }, ledger: { stock: 4, reserved: 0, sold: 0 } }]);
});

test('saveProduct keeps the ledger figures, checks the content revision, and the raw mode refuses stock edits', async () => {
  await seed(cloud, 'products', [productDoc('led-3', [{ skuId: 'a', price: 500, stock: 10, specValues: ['红'] }], { specs: [{ name: '颜色', values: ['红', '蓝'] }] })]);
  const loaded = await getDoc(cloud, 'products', 'led-3');
  await createOrder('oLED3', 'led-3', 'a', 1);
  // The editor's stale stock (10) is ignored; the title is saved; a checkout since does not make it stale.
  const saved = dataOf(await merchant({ action: 'saveProduct', product: { ...loaded, title: '新标题' } }));
  expect(saved.warnings.map((w) => w.field)).toEqual(['skus.a.stock']);
  expect(await figures('led-3', 'a')).toEqual({ stock: 9, reserved: 1, sold: 0 });
  expect((await getDoc(cloud, 'products', 'led-3')).title).toBe('新标题');
  // A second editor that loaded before that save is refused.
  expect(errorOf(await merchant({ action: 'saveProduct', product: { ...loaded, title: 'older' } })).code).toBe('CONFLICT');
  // Raw: a changed stock is refused, pointing to adjustStock; the same figures with another field go through.
  const now = await getDoc(cloud, 'products', 'led-3');
  const refused = errorOf(await merchant({ action: 'saveProduct', raw: true, product: { ...now, skus: [{ ...now.skus[0], stock: 100 }] } }));
  expect(refused.code).toBe('INVALID_ARGUMENT');
  expect(refused.detail).toContain('adjustStock');
  dataOf(await merchant({ action: 'saveProduct', raw: true, product: { ...now, description: 'raw' } }));
  // A new SKU opens with its stock; removing a SKU that unpaid orders hold is refused.
  const withB = { ...now, description: 'raw', revision: now.revision + 1, skus: [...now.skus, { skuId: 'b', specValues: ['蓝'], price: 700, stock: 6 }] };
  const afterB = dataOf(await merchant({ action: 'saveProduct', product: withB, revision: withB.revision }));
  expect(await figures('led-3', 'b')).toEqual({ stock: 6, reserved: 0, sold: 0 });
  expect(errorOf(await merchant({ action: 'saveProduct', product: { ...withB, skus: [withB.skus[1]] }, revision: afterB.revision })).code).toBe('INVALID_STATE');
  await ledgerOk(['led-3']);
});

test('a raw save of a copy loaded before a checkout by hold goes through: the order standing for its reserve move is what moved since', async () => {
  await seed(cloud, 'products', [productDoc('led-held', [{ skuId: 'a', price: 500, stock: 10 }], { revision: 1, contentRevision: 1 })]);
  await seed(cloud, 'stock_moves', [{ _id: 'Mopen-led-held', productId: 'led-held', reason: 'open', skus: [{ skuId: 'a', stock: 10, reserved: 0, sold: 0 }], revision: 1, at: 1_700_000_000_000 }]);
  const loaded = await getDoc(cloud, 'products', 'led-held');
  const order = await createOrder('oLEDHELD', 'led-held', 'a', 1);
  expect(await getDoc(cloud, 'orders', order._id)).toMatchObject({ heldStock: [{ productId: 'led-held', revision: 2 }] });
  // A stock figure the editor changed is refused (stock moved since it loaded: reopen and save).
  expect(errorOf(await merchant({ action: 'saveProduct', raw: true, product: { ...loaded, skus: [{ ...loaded.skus[0], stock: 12 }] }, revision: loaded.revision })).code).toBe('CONFLICT');
  // The editor's copy still says stock 10: what the document had at the revision it loaded, the order's hold since.
  dataOf(await merchant({ action: 'saveProduct', raw: true, product: { ...loaded, description: 'raw' }, revision: loaded.revision }));
  expect(await figures('led-held', 'a')).toEqual({ stock: 9, reserved: 1, sold: 0 });
  expect((await getDoc(cloud, 'products', 'led-held')).description).toBe('raw');
  await ledgerOk(['led-held']);
});

test('importProducts creates new products and updates existing ones in place; stock moves only by the delta, once per import key', async () => {
  await seed(cloud, 'products', [productDoc('led-4', [{ skuId: 'a', price: 500, stock: 10 }])]);
  await createOrder('oLED4', 'led-4', 'a', 2);
  const current = await getDoc(cloud, 'products', 'led-4');
  const items = [
    { product: { ...current, title: '导入标题', skus: [{ ...current.skus[0], stock: 999 }] }, stockDelta: { a: 5 } },
    { product: productDoc('led-5', [{ skuId: 'x', price: 100, stock: 3 }]) },
  ];
  const badId = dataOf(await merchant({ action: 'importProducts', items: [{ product: { ...productDoc('bad'), _id: 'summer tee' } }] }));
  expect(badId.outcomes).toEqual([{ productId: 'summer tee', result: 'refused', problem: expect.stringContaining('INVALID_ARGUMENT') }]);
  const refusedWithoutUpsert = dataOf(await merchant({ action: 'importProducts', items: items.slice(0, 1) }));
  expect(refusedWithoutUpsert.outcomes[0]).toMatchObject({ productId: 'led-4', result: 'refused' });
  const first = dataOf(await merchant({ action: 'importProducts', items, upsert: true, importKey: 'k1' }));
  expect(first.outcomes.map((o) => `${o.productId} ${o.result}`).sort()).toEqual(['led-4 updated', 'led-5 created']);
  expect(await figures('led-4', 'a')).toEqual({ stock: 13, reserved: 2, sold: 0 });
  dataOf(await merchant({ action: 'importProducts', items, upsert: true, importKey: 'k1' }));
  expect(await figures('led-4', 'a')).toEqual({ stock: 13, reserved: 2, sold: 0 });
  expect((await getDoc(cloud, 'products', 'led-4')).title).toBe('导入标题');
  expect(await figures('led-5', 'x')).toEqual({ stock: 3, reserved: 0, sold: 0 });
  await ledgerOk(['led-4', 'led-5']);
});

test('ship takes a carrier from the list and goes through the transition; merchant actions refuse shoppers', async () => {
  await seed(cloud, 'products', [productDoc('led-6', [{ skuId: 'a', price: 500, stock: 10 }])]);
  const order = await createOrder('oLED6', 'led-6', 'a', 1);
  expect(errorOf(await merchant({ action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF123456' })).code).toBe('INVALID_STATE');
  await call(cloud, 'orders', { action: 'pay', orderId: order._id }, 'oLED6');
  await cloud.invoke('orders', notification(order), { source: 'wx_paycallback' });
  expect(errorOf(await merchant({ action: 'ship', orderId: order._id, carrier: 'NOPE', trackingNo: 'SF123456' })).code).toBe('INVALID_ARGUMENT');
  expect(errorOf(await merchant({ action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF123456' }, 'oLED6')).code).toBe('PERMISSION_DENIED');
  const shipped = dataOf(await merchant({ action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF123456' }));
  expect(shipped.order).toMatchObject({ status: 'shipped', carrier: 'SF', trackingNo: 'SF123456' });
  expect(errorOf(await merchant({ action: 'adjustStock', productId: 'led-6', skuId: 'a', delta: 100, reason: 'x' }, 'oLED6')).code).toBe('PERMISSION_DENIED');
  // Cancel for the shopper: the units go back.
  const pending = await createOrder('oLED6', 'led-6', 'a', 2);
  expect(dataOf(await merchant({ action: 'cancel', orderId: pending._id })).order.status).toBe('cancelled');
  expect(await figures('led-6', 'a')).toEqual({ stock: 9, reserved: 0, sold: 1 });
});

test('a product id that breaks the id rule is a problem, not dropped, and renameProduct fixes it', async () => {
  await seed(cloud, 'products', [{ ...productDoc('x'), _id: 'summer tee 2024' }]);
  const list = dataOf(await call(cloud, 'catalog', { action: 'list' }));
  expect(list.items.map((p) => p._id)).not.toContain('summer tee 2024');
  const renamed = dataOf(await merchant({ action: 'renameProduct', from: 'summer tee 2024', to: 'summer-tee-2024' }));
  expect(renamed.productId).toBe('summer-tee-2024');
  expect((await getDoc(cloud, 'products', 'summer-tee-2024')).renamedFrom).toBe('summer tee 2024');
  expect((await cloud.wx().database().collection('products').doc('summer tee 2024').get().catch(() => ({ data: [] }))).data).toHaveLength(0);
  await ledgerOk(['summer-tee-2024']);
});
