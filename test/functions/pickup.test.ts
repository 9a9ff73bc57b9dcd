/**
 * Stores and store pickup through the real functions on the local cloud: the merchant's stores, a store
 * QR scan deciding the pickup store, a pickup checkout priced without shipping, the code handed out once
 * paid, the merchant's verification (idempotent, wrong and used codes in Chinese, guessing limited), and
 * the self-pickup report to WeChat's order-shipping service (logistics type 4).
 */
import { useCloud } from '../helpers/cloud';
import { call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

jest.setTimeout(120_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const CONTACT = { name: '李四', phone: '13900001111' };
const LINES = [{ productId: 'pk-1', skuId: 'a', qty: 1 }];

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('pk-1', [{ skuId: 'a', price: 1500, stock: 100 }], { title: '手冲咖啡豆' })]);
  for (const store of [
    { _id: 'sh-jingan', name: '静安店', address: '上海市静安区南京西路 1000 号', hours: '每天 10:00-22:00', pickup: true },
    { _id: 'sh-xuhui', name: '徐汇店', address: '上海市徐汇区漕溪北路 88 号', hours: '每天 9:00-21:00', pickup: true },
    { _id: 'sh-closed', name: '浦东店', address: '上海市浦东新区世纪大道 1 号', hours: '', pickup: false },
  ]) {
    expect(dataOf(await call(cloud, 'merchant', { action: 'saveStore', store, create: true })).store).toMatchObject({ ...store, createdAt: expect.any(Number) });
  }
});

/** Scans a store's QR code (made the one way codes are made) as `openid`. */
async function scanStore(openid: string, store: string) {
  const { scene } = dataOf(await call(cloud, 'scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, store }));
  const resolved = dataOf(await call(cloud, 'scenes', { action: 'resolve', scene }, openid));
  expect(resolved.attribution.store).toBe(store);
}

async function pickupOrder(openid: string, pickup: { storeId?: string; contact: typeof CONTACT } = { contact: CONTACT }) {
  return call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: LINES, pickup }, openid);
}

async function pay(openid: string, orderId: string) {
  const { payment } = dataOf(await call(cloud, 'orders', { action: 'pay', orderId }, openid));
  await cloud.confirmPay(payment.package, 1);
  return getDoc(cloud, 'orders', orderId);
}

const verify = (code: string, orderId?: string) => call(cloud, 'merchant', { action: 'verifyPickup', code, ...(orderId ? { orderId } : {}) });

test('the merchant keeps stores; a shopper sees those offering pickup, the scanned one suggested', async () => {
  const refused = errorOf(await call(cloud, 'merchant', { action: 'saveStore', store: { _id: 'bad id!', name: '', address: 'x' } }));
  expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', message: '门店信息有误：门店编号为 1-32 位字母、数字、_ 或 -' });
  expect(errorOf(await call(cloud, 'merchant', { action: 'saveStore', store: { _id: 'sh-xuhui', name: '徐汇店', address: '漕溪北路', pickup: true }, create: true })).code).toBe('CONFLICT');
  expect(errorOf(await call(cloud, 'merchant', { action: 'saveStore', store: { _id: 'x1', name: '店', address: '路' } }, 'oSHOPPER')).code).toBe('PERMISSION_DENIED');

  const before = dataOf(await call(cloud, 'orders', { action: 'pickupStores' }, 'oPK-LIST'));
  expect(before.stores.map((s) => s._id)).toEqual(['sh-jingan', 'sh-xuhui']);
  expect(before.suggestedStoreId).toBeNull();
  await scanStore('oPK-LIST', 'sh-xuhui');
  expect(dataOf(await call(cloud, 'orders', { action: 'pickupStores' }, 'oPK-LIST')).suggestedStoreId).toBe('sh-xuhui');
  // A store that does not offer pickup is never suggested.
  await scanStore('oPK-LIST', 'sh-closed');
  expect(dataOf(await call(cloud, 'orders', { action: 'pickupStores' }, 'oPK-LIST')).suggestedStoreId).toBeNull();
});

test('a pickup checkout: no address, no shipping fee, the scanned store copied from the server', async () => {
  const quote = dataOf(await call(cloud, 'orders', { action: 'quote', lines: LINES, fulfilment: 'pickup' }, 'oPK-1'));
  expect(quote).toMatchObject({ itemsTotal: 1500, shippingFee: 0, total: 1500, freeShippingFrom: null });
  // The same lines shipped pay the default fee (¥8 under ¥99).
  expect(dataOf(await call(cloud, 'orders', { action: 'quote', lines: LINES }, 'oPK-1')).shippingFee).toBe(800);

  // No store named and none scanned: the shopper must choose.
  expect(errorOf(await pickupOrder('oPK-1'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: '请选择自提门店' });
  await scanStore('oPK-1', 'sh-jingan');
  const { order } = dataOf(await pickupOrder('oPK-1'));
  expect(order).toMatchObject({ fulfilment: 'pickup', shippingFee: 0, total: 1500, status: 'pending_payment', attribution: { store: 'sh-jingan' } });
  expect(order.pickup).toEqual({ storeId: 'sh-jingan', storeName: '静安店', storeAddress: '上海市静安区南京西路 1000 号', storeHours: '每天 10:00-22:00', contact: CONTACT });
  // The code is stored, but never in an order the client sees; and not handed out before payment.
  expect((await getDoc(cloud, 'orders', order._id)).pickup.code).toMatch(/^[0-9]{8}$/);
  expect(errorOf(await call(cloud, 'orders', { action: 'pickupCode', orderId: order._id }, 'oPK-1'))).toMatchObject({ code: 'INVALID_STATE', message: '订单支付后才有提货码' });
  expect(JSON.stringify(dataOf(await call(cloud, 'orders', { action: 'get', orderId: order._id }, 'oPK-1')))).not.toContain((await getDoc(cloud, 'orders', order._id)).pickup.code);
});

test('a store is never taken from the client as it is', async () => {
  expect(errorOf(await pickupOrder('oPK-2', { storeId: 'sh-closed', contact: CONTACT }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: '该门店暂不支持自提，请选择其他门店' });
  expect(errorOf(await pickupOrder('oPK-2', { storeId: 'nowhere', contact: CONTACT })).code).toBe('INVALID_ARGUMENT');
  expect(errorOf(await pickupOrder('oPK-2', { storeId: 'sh-xuhui', contact: { name: '', phone: '139' } }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: '提货人信息有误：请填写提货人' });
  expect(errorOf(await pickupOrder('oPK-2', { storeId: 'sh-xuhui', contact: { name: '王五', phone: 'abc' } })).message).toBe('提货人信息有误：请填写正确的手机号');
  // Without pickup an address is still required.
  expect(errorOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('oPK-2'), lines: LINES }, 'oPK-2'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: '请填写收货地址' });
  // A chosen store the shopper did not scan is fine when it offers pickup.
  const { order } = dataOf(await pickupOrder('oPK-2', { storeId: 'sh-xuhui', contact: CONTACT }));
  expect(order.pickup).toMatchObject({ storeId: 'sh-xuhui', storeName: '徐汇店' });
  // A pickup order is not shipped by express.
  await pay('oPK-2', order._id);
  expect(errorOf(await call(cloud, 'merchant', { action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF1234567890' }))).toMatchObject({ code: 'INVALID_STATE', message: '到店自提订单无需发货，请在顾客到店时核销提货码' });
});

test('paid: the shopper gets the code and its QR; the merchant verifies it once, the handover reported as self-pickup', async () => {
  await scanStore('oPK-3', 'sh-jingan');
  const { order } = dataOf(await pickupOrder('oPK-3'));
  const paid = await pay('oPK-3', order._id);
  expect(paid.status).toBe('paid');
  const mine = dataOf(await call(cloud, 'orders', { action: 'pickupCode', orderId: order._id }, 'oPK-3'));
  expect(mine).toMatchObject({ code: paid.pickup.code, pickedUpAt: null, qr: expect.stringMatching(/^data:image\/png;base64,/) });
  // Another shopper cannot read it.
  expect(errorOf(await call(cloud, 'orders', { action: 'pickupCode', orderId: order._id }, 'oPK-OTHER')).code).toBe('NOT_FOUND');
  const waiting = dataOf(await call(cloud, 'merchant', { action: 'pickupOrders', storeId: 'sh-jingan' })).orders;
  expect(waiting.map((o) => o._id)).toContain(order._id);
  expect(dataOf(await call(cloud, 'merchant', { action: 'listStores' })).stores.find((s) => s._id === 'sh-jingan')?.awaitingPickup).toBeGreaterThanOrEqual(1);

  // Typed with a space, as it is shown.
  const done = dataOf(await verify(`${mine.code.slice(0, 4)} ${mine.code.slice(4)}`));
  expect(done.alreadyPickedUp).toBe(false);
  expect(done.order).toMatchObject({ status: 'completed', pickedUpAt: expect.any(Number) });
  expect(done.shippingUpload).toMatchObject({ state: 'uploaded', logisticsType: 4, attempts: 1 });
  const stored = await getDoc(cloud, 'orders', order._id);
  expect(stored).toMatchObject({ statusEvent: 'pickUp', status: 'completed' });
  expect(stored.shippedAt).toBeUndefined();
  const { json } = await cloud.local('GET', '/openapi/shipping');
  const record = json.payments.find((p: { transactionId: string }) => p.transactionId === paid.transactionId);
  expect(record.uploads).toHaveLength(1);
  expect(record.uploads[0].request).toMatchObject({ logistics_type: 4, delivery_mode: 1, shipping_list: [{ item_desc: '手冲咖啡豆*1' }], payer: { openid: 'oPK-3' } });
  expect(record.uploads[0].request.shipping_list[0].tracking_no).toBeUndefined();

  // Verified again (a retry, a second counter, the QR scanned after the code was typed): nothing moves, nothing is sent.
  const again = dataOf(await verify(`PICKUP:${order._id}:${mine.code}`));
  expect(again).toMatchObject({ alreadyPickedUp: true, order: { status: 'completed', pickedUpAt: done.order.pickedUpAt } });
  expect((await cloud.local('GET', '/openapi/shipping')).json.payments.find((p: { transactionId: string }) => p.transactionId === paid.transactionId).uploads).toHaveLength(1);
  expect(dataOf(await call(cloud, 'merchant', { action: 'pickupOrders', storeId: 'sh-jingan' })).orders.map((o) => o._id)).not.toContain(order._id);
  // The shopper's page now says when.
  expect(dataOf(await call(cloud, 'orders', { action: 'pickupCode', orderId: order._id }, 'oPK-3')).pickedUpAt).toBe(done.order.pickedUpAt);
});

test('an unpaid order cannot be collected; malformed and wrong codes are told apart in Chinese', async () => {
  await scanStore('oPK-4', 'sh-xuhui');
  const { order } = dataOf(await pickupOrder('oPK-4'));
  const code = (await getDoc(cloud, 'orders', order._id)).pickup.code;
  expect(errorOf(await verify(code))).toMatchObject({ code: 'INVALID_STATE', message: '订单尚未支付，不能提货' });
  expect(errorOf(await verify('12ab'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: '提货码为8位数字，请核对后重新输入' });
  // A QR of another order than the one named is not this order's code.
  expect(errorOf(await verify(`PICKUP:other:${code}`, order._id)).code).toBe('INVALID_ARGUMENT');
  await call(cloud, 'orders', { action: 'cancel', orderId: order._id }, 'oPK-4');
  expect(errorOf(await verify(code))).toMatchObject({ code: 'INVALID_STATE', message: '订单已取消，不能提货' });
});

test('guessing is limited: wrong codes for one order lock it for the window, then the right code works again', async () => {
  await scanStore('oPK-5', 'sh-xuhui');
  const { order } = dataOf(await pickupOrder('oPK-5'));
  const paid = await pay('oPK-5', order._id);
  const wrong = paid.pickup.code === '00000000' ? '11111111' : '00000000';
  for (let i = 0; i < 5; i += 1) expect(errorOf(await verify(wrong, order._id))).toMatchObject({ code: 'NOT_FOUND', message: '提货码不正确，请核对后重试' });
  // Locked: even the right code waits (so trying cannot find it), with how long in the message.
  expect(errorOf(await verify(paid.pickup.code, order._id))).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: '提货码错误次数过多，请15分钟后再试' });
  await cloud.setClock({ advanceMs: 15 * 60_000 + 1 });
  expect(dataOf(await verify(paid.pickup.code, order._id)).order.status).toBe('completed');
  await cloud.setClock({ reset: true });
});

test('a verifier typing codes at random is stopped after 10 wrong ones', async () => {
  const asMerchant = (code: string) => call(cloud, 'merchant', { action: 'verifyPickup', code }, 'oMERCHANT-PK');
  await seed(cloud, 'config', [{ _id: 'merchants', openids: ['oMERCHANT-PK'] }]);
  const codes = Array.from({ length: 10 }, (_, i) => String(90000000 + i * 7919));
  for (const code of codes) expect(errorOf(await asMerchant(code)).code).toBe('NOT_FOUND');
  expect(errorOf(await asMerchant('90000001')).code).toBe('TOO_MANY_ATTEMPTS');
  // A shopper may not verify at all.
  expect(errorOf(await call(cloud, 'merchant', { action: 'verifyPickup', code: '12345678' }, 'oPK-6')).code).toBe('PERMISSION_DENIED');
  await cloud.setClock({ reset: true });
});
