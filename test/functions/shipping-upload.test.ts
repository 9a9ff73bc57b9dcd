/**
 * Shipping-info upload through the real merchant function on the local cloud: the ship action reports
 * the shipment to WeChat's order-shipping service (emulated with its documented checks against the pay
 * sandbox); a refused or lost upload is retried by the timer and by the next ship call until accepted,
 * and WeChat receives each shipment once (asserted from the local cloud's record of accepted uploads).
 */
import { useCloud } from '../helpers/cloud';
import { ADDRESS, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('ship-1', [{ skuId: 'a', price: 1290, stock: 100 }], { title: '纯棉毛巾' })]);
});

/** A paid order (paid at the pay sandbox, its notification delivered) of `openid`. */
async function paidOrder(openid: string, qty = 2) {
  const created = await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId: 'ship-1', skuId: 'a', qty }], address: ADDRESS }, openid);
  const order = dataOf(created).order;
  const { payment } = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: order._id }, openid));
  await cloud.confirmPay(payment.package, 1);
  const paid = await getDoc(cloud, 'orders', order._id);
  expect(paid).toMatchObject({ status: 'paid', transactionId: expect.any(String) });
  return paid;
}

const ship = (orderId: string, trackingNo = 'SF1234567890', carrier = 'SF') => call(cloud, 'merchant', { action: 'ship', orderId, carrier, trackingNo });

async function received(transactionId: string) {
  const { json } = await cloud.local('GET', '/openapi/shipping');
  return json.payments.find((p: { transactionId: string }) => p.transactionId === transactionId);
}

async function fail(mode: 'error' | 'lost', times = 1) {
  expect((await cloud.local('POST', '/openapi/shipping:fail', { mode, times })).status).toBe(200);
}

test('ship uploads a valid shipment at once: the payment, express with the carrier, SF contact masked, RFC 3339 time, the payer', async () => {
  const order = await paidOrder('oSHIP1');
  const reply = dataOf(await ship(order._id));
  expect(reply.order.status).toBe('shipped');
  expect(reply.shippingUpload).toMatchObject({ state: 'uploaded', attempts: 1, confirmedBy: 'upload', lastError: null, logisticsType: 1 });
  const record = await received(order.transactionId);
  expect(record).toMatchObject({ outTradeNo: order._id, orderState: 2, reshipUsed: false });
  expect(record.uploads).toHaveLength(1);
  expect(record.uploads[0].request).toEqual({
    order_key: { order_number_type: 2, transaction_id: order.transactionId },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ item_desc: '纯棉毛巾*2', tracking_no: 'SF1234567890', express_company: 'SF', contact: { receiver_contact: '138****0000' } }],
    upload_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/),
    payer: { openid: 'oSHIP1' },
  });
  expect((await getDoc(cloud, 'orders', order._id)).shippingUpload).toMatchObject({ state: 'uploaded', uploadedAt: expect.any(Number) });
  // The same shipment sent again moves nothing and sends nothing: WeChat would count it as the re-shipment.
  expect(dataOf(await ship(order._id)).shippingUpload).toMatchObject({ state: 'uploaded', attempts: 1 });
  expect((await received(order.transactionId)).uploads).toHaveLength(1);
  // Another tracking number for a shipped order is refused (re-shipping is not offered).
  expect(errorOf(await ship(order._id, 'YT0000000001', 'YTO')).code).toBe('INVALID_STATE');
});

test('a refused upload is retried by the timer until accepted, and WeChat receives it once', async () => {
  const order = await paidOrder('oSHIP2');
  await fail('error', 2);
  const first = dataOf(await ship(order._id, 'ZT0000000002', 'ZTO'));
  expect(first.order.status).toBe('shipped');
  expect(first.shippingUpload).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringContaining('-1') });
  expect(await received(order.transactionId)).toBeUndefined();

  // Not due yet: the timer leaves it (the retry waits a minute after the first failure).
  expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toEqual({ tried: 0, uploaded: 0, failed: 0, abandoned: 0 });
  await cloud.setClock({ advanceMs: 61_000 });
  expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 1, failed: 1 });
  expect((await getDoc(cloud, 'orders', order._id)).shippingUpload).toMatchObject({ state: 'failed', attempts: 2 });
  await cloud.setClock({ advanceMs: 121_000 });
  expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 1, uploaded: 1 });
  expect((await getDoc(cloud, 'orders', order._id)).shippingUpload).toMatchObject({ state: 'uploaded', attempts: 3, lastError: null, confirmedBy: 'upload' });
  const record = await received(order.transactionId);
  expect(record.uploads).toHaveLength(1);
  expect(record.reshipUsed).toBe(false);
  await cloud.setClock({ reset: true });
});

test('an upload whose answer was lost is not sent again: the retry asks WeChat first and finds the shipment', async () => {
  const order = await paidOrder('oSHIP3');
  await fail('lost');
  expect(dataOf(await ship(order._id, 'YT0000000003', 'YTO')).shippingUpload).toMatchObject({ state: 'failed', attempts: 1 });
  // WeChat has it although we never heard so.
  expect((await received(order.transactionId)).uploads).toHaveLength(1);
  // The merchant clicks ship again with the same shipment: the retry queries get_order and sends nothing.
  expect(dataOf(await ship(order._id, 'YT0000000003', 'YTO')).shippingUpload).toMatchObject({ state: 'uploaded', attempts: 2, confirmedBy: 'query' });
  const record = await received(order.transactionId);
  expect(record.uploads).toHaveLength(1);
  expect(record.reshipUsed).toBe(false);
  const outbox = (await cloud.local('GET', '/openapi/outbox')).json.outbox.filter((e: { params: { orderKey?: { transaction_id?: string }; transactionId?: string } }) => e.params.orderKey?.transaction_id === order.transactionId || e.params.transactionId === order.transactionId);
  expect(outbox.map((e: { apiName: string; result: string }) => `${e.apiName}:${e.result}`)).toEqual(['wxa.sec.order.uploadShippingInfo:error', 'wxa.sec.order.getOrder:ok']);
});

test('concurrent ship calls and timer runs send one upload', async () => {
  const order = await paidOrder('oSHIP4');
  await fail('error');
  await ship(order._id, 'JD0000000004', 'JD');
  await cloud.setClock({ advanceMs: 61_000 });
  const runs = await Promise.all([ship(order._id, 'JD0000000004', 'JD'), cloud.fireTimer('merchant', 'shippingUploads'), ship(order._id, 'JD0000000004', 'JD')]);
  expect(runs.filter((r) => 'ok' in r && r.ok === false)).toEqual([]);
  expect((await getDoc(cloud, 'orders', order._id)).shippingUpload.state).toBe('uploaded');
  expect((await received(order.transactionId)).uploads).toHaveLength(1);
  await cloud.setClock({ reset: true });
});

test('the timer is the platform\'s (or an operator\'s with the merchant key): a shopper cannot run it', async () => {
  const reply = await cloud.invoke('merchant', { Type: 'Timer', TriggerName: 'shippingUploads' }, { openid: 'oSHIP5' });
  expect(reply.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
});

describe('an order refunded in full after it shipped: the upload is given up, never retried', () => {
  /** Uploads that reached WeChat's service for the payment (accepted or refused). */
  async function uploadCalls(transactionId: string) {
    const { json } = await cloud.local('GET', '/openapi/outbox');
    return json.outbox.filter((e: { apiName: string; params: { orderKey?: { transaction_id?: string } } }) => e.apiName === 'wxa.sec.order.uploadShippingInfo' && e.params.orderKey?.transaction_id === transactionId);
  }

  /** A refund the merchant made outside the store (WeChat Pay's merchant platform), in full. */
  async function refundOutside(order: { _id: string; total: number }) {
    const answer = await cloud.wx().cloudPay.refund({ functionName: 'orders', envId: cloud.envId, sub_mch_id: '1900000109', nonce_str: 'outside', out_trade_no: order._id, out_refund_no: `X${order._id}`.slice(0, 64), total_fee: order.total, refund_fee: order.total });
    expect(answer.resultCode).toBe('SUCCESS');
  }

  afterEach(async () => {
    await fail('error', 0);
    await cloud.setClock({ reset: true });
  });

  test('refunded through after-sales: the timer gives it up without asking WeChat, the console reason is set', async () => {
    const order = await paidOrder('oSHIP6', 8);
    expect(order).toMatchObject({ shippingFee: 0, total: 10320 });
    await fail('error', 100);
    expect(dataOf(await ship(order._id, 'ZT0000000006', 'ZTO')).shippingUpload).toMatchObject({ state: 'failed', attempts: 1 });
    const asked = dataOf(await call(cloud, 'orders', { action: 'requestAfterSale', orderId: order._id, requestId: requestId('oSHIP6'), lines: [{ productId: 'ship-1', skuId: 'a', qty: 8 }], reason: '不想要了' }, 'oSHIP6'));
    expect(dataOf(await call(cloud, 'orders', { action: 'approveAfterSale', afterSaleId: asked.afterSale._id, mode: 'refund' })).afterSale.status).toBe('refunded');

    await cloud.setClock({ advanceMs: 61_000 });
    expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 1, abandoned: 1, failed: 0 });
    const upload = (await getDoc(cloud, 'orders', order._id)).shippingUpload;
    expect(upload).toMatchObject({ state: 'abandoned', attempts: 1, abandonedAt: expect.any(Number), abandonedReason: '订单已全额退款' });
    // Hours later nothing is due, and WeChat heard of the shipment only once (the refused first attempt).
    await cloud.setClock({ advanceMs: 3 * 3600_000 });
    expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 0 });
    expect(await uploadCalls(order.transactionId)).toHaveLength(1);
    // Ship clicked again: the upload stays given up.
    expect(dataOf(await ship(order._id, 'ZT0000000006', 'ZTO')).shippingUpload).toMatchObject({ state: 'abandoned', attempts: 1 });
    expect(await uploadCalls(order.transactionId)).toHaveLength(1);
  });

  test('refunded outside the store: WeChat says so (10060004 on upload, order_state 5 on the query) and it is given up', async () => {
    // Refunded before the first upload: WeChat refuses it as not shippable.
    const first = await paidOrder('oSHIP7');
    await refundOutside(first);
    const shipped = dataOf(await ship(first._id, 'YT0000000007', 'YTO')).shippingUpload;
    expect(shipped).toMatchObject({ state: 'abandoned', attempts: 1, lastError: expect.stringContaining('10060004'), abandonedReason: '微信支付单已退款或关闭' });

    // Refunded while retries were failing: the next attempt's query finds the refund and sends nothing.
    const second = await paidOrder('oSHIP8');
    await fail('error', 1);
    expect(dataOf(await ship(second._id, 'YT0000000008', 'YTO')).shippingUpload).toMatchObject({ state: 'failed', attempts: 1 });
    await refundOutside(second);
    await cloud.setClock({ advanceMs: 61_000 });
    expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 1, abandoned: 1 });
    expect((await getDoc(cloud, 'orders', second._id)).shippingUpload).toMatchObject({ state: 'abandoned', attempts: 2, abandonedReason: '微信支付单已全额退款' });
    expect(await uploadCalls(second.transactionId)).toHaveLength(1);
    await cloud.setClock({ advanceMs: 3 * 3600_000 });
    expect(dataOf((await cloud.fireTimer('merchant', 'shippingUploads')).result)).toMatchObject({ tried: 0 });
  });
});
