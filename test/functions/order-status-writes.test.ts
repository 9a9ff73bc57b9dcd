/**
 * One writer of order status, checked on the local cloud's write log: every write that changed an
 * order's status or its stamps, over the whole lifecycle (create, pay, ship, confirm, complete, cancel,
 * cancel finding a payment, expire, pay finding the order overdue, late and duplicate payments, refunds,
 * replays), names a cause (`statusEvent`) whose row of the transition table matches the move it made.
 * Only the status writer (server/order-store.ts) writes that field.
 */
import { useCloud } from '../helpers/cloud';
import { statusWriteProblem, STATUS_FIELDS } from '../../miniprogram/domain/order-writes';
import { ADDRESS, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

interface Entry {
  seq: number;
  id: string;
  op: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

async function writeLog(since = 0): Promise<Entry[]> {
  const r = await cloud.local('GET', `/database/writelog?collection=orders&since=${since}`);
  expect(r.status).toBe(200);
  expect(r.json.dropped).toBe(0);
  return r.json.entries;
}

const problems = (entries: Entry[]) => entries.map((e) => ({ id: e.id, before: e.before, after: e.after, problem: statusWriteProblem(e.before, e.after) })).filter((e) => e.problem !== null);

beforeAll(async () => {
  await ensureCollections(cloud);
  await cloud.local('POST', '/database/writelog:clear');
  expect((await cloud.local('POST', '/database/writelog', { collection: 'orders', fields: STATUS_FIELDS })).status).toBe(200);
}, 60_000);

async function createOrder(openid: string, rid = requestId(openid)) {
  return dataOf(await call(cloud, 'orders', { action: 'create', requestId: rid, lines: [{ productId: 'sw-p', skuId: 's', qty: 1 }], address: ADDRESS }, openid)).order;
}
const startPaying = async (openid: string, orderId: string) => dataOf(await call(cloud, 'orders', { action: 'pay', orderId }, openid)).payment.package as string;
const payAtWechat = async (pkg: string, deliveries = 1) => (await cloud.local('POST', '/pay/confirm', { package: pkg, deliveries })).json;
/** Test setup: the order's payment window ran out (a bookkeeping field, not a status field). */
const makeOverdue = (orderId: string) => cloud.wx().database().collection('orders').doc(orderId).update({ data: { expireAt: Date.now() - 1000 } });

test('every write of an order status over the whole lifecycle comes from the transition function', async () => {
  await seed(cloud, 'products', [productDoc('sw-p', [{ skuId: 's', price: 1000, stock: 100 }])]);

  // pay → ship (merchant) → confirm (shopper); pay → ship → complete (merchant); a duplicate payment.
  const a = await createOrder('oSW_A');
  const aPkg = await startPaying('oSW_A', a._id);
  await payAtWechat(aPkg, 3);
  expect(dataOf(await call(cloud, 'merchant', { action: 'ship', orderId: a._id, carrier: 'SF', trackingNo: 'SF100200' })).order.status).toBe('shipped');
  // The same shipment again changes nothing; another one is refused.
  expect(dataOf(await call(cloud, 'merchant', { action: 'ship', orderId: a._id, carrier: 'SF', trackingNo: 'SF100200' })).order.status).toBe('shipped');
  expect(errorOf(await call(cloud, 'merchant', { action: 'ship', orderId: a._id, carrier: 'SF', trackingNo: 'SF100300' })).code).toBe('INVALID_STATE');
  expect(dataOf(await call(cloud, 'orders', { action: 'confirmReceipt', orderId: a._id }, 'oSW_A')).order.status).toBe('completed');
  const b = await createOrder('oSW_B');
  await payAtWechat(await startPaying('oSW_B', b._id));
  await cloud.invoke('orders', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: b._id, totalFee: b.total, transactionId: '4200dup1', timeEnd: '20260101120000' }, { source: 'wx_paycallback' });
  await call(cloud, 'merchant', { action: 'ship', orderId: b._id, carrier: 'YTO', trackingNo: 'YT9988' });
  expect(dataOf(await call(cloud, 'merchant', { action: 'complete', orderId: b._id })).order.status).toBe('completed');

  // cancel (plain, and replayed create afterwards); cancel finding the payment at WeChat.
  const c = await createOrder('oSW_C', 'sw-c');
  await call(cloud, 'orders', { action: 'cancel', orderId: c._id }, 'oSW_C');
  expect((await createOrder('oSW_C', 'sw-c')).status).toBe('cancelled');
  const d = await createOrder('oSW_D');
  await payAtWechat(await startPaying('oSW_D', d._id), 0);
  expect(errorOf(await call(cloud, 'orders', { action: 'cancel', orderId: d._id }, 'oSW_D')).code).toBe('ALREADY_PAID');

  // cancel in the first 5 minutes, then the payment lands: refunded by the timer.
  const e = await createOrder('oSW_E');
  const ePkg = await startPaying('oSW_E', e._id);
  await call(cloud, 'orders', { action: 'cancel', orderId: e._id }, 'oSW_E');
  await payAtWechat(ePkg, 2);

  // expiry by the timer (also with a payment WeChat reports), and by `pay` finding the order overdue.
  const f = await createOrder('oSW_F');
  const g = await createOrder('oSW_G');
  await payAtWechat(await startPaying('oSW_G', g._id), 0);
  const h = await createOrder('oSW_H');
  for (const o of [f, g, h]) await makeOverdue(o._id);
  expect(errorOf(await call(cloud, 'orders', { action: 'pay', orderId: h._id }, 'oSW_H')).code).toBe('INVALID_STATE');
  await cloud.fireTimer('orders', 'expireOrders');
  await cloud.fireTimer('orders', 'refunds');

  const statuses = await Promise.all([a, b, c, d, e, f, g, h].map(async (o) => (await getDoc(cloud, 'orders', o._id)).status));
  expect(statuses).toEqual(['completed', 'completed', 'cancelled', 'paid', 'cancelled', 'expired', 'paid', 'expired']);

  const entries = await writeLog();
  expect(problems(entries)).toEqual([]);
  // Every cause was seen, each order's writes are exactly its moves (no write of a status without a move).
  const causes = new Set(entries.map((x) => x.after?.statusEvent));
  expect([...causes].sort()).toEqual(['cancel', 'confirmReceipt', 'create', 'expire', 'pay', 'ship'].sort());
  const moves = (id: string) => entries.filter((x) => x.id === id).map((x) => x.after?.statusEvent);
  expect(moves(a._id)).toEqual(['create', 'pay', 'ship', 'confirmReceipt']);
  expect(moves(b._id)).toEqual(['create', 'pay', 'ship', 'confirmReceipt']);
  expect(moves(c._id)).toEqual(['create', 'cancel']);
  expect(moves(d._id)).toEqual(['create', 'pay']);
  expect(moves(e._id)).toEqual(['create', 'cancel']);
  expect(moves(g._id)).toEqual(['create', 'pay']);
  expect(moves(h._id)).toEqual(['create', 'expire']);
}, 120_000);

test('the check catches a write of status by any other code (here the database SDK directly)', async () => {
  const order = await createOrder('oSW_ROGUE');
  const since = (await cloud.local('GET', '/database/writelog?collection=orders&since=0')).json.last;
  // A status change the table allows, written without the transition function.
  await cloud.wx().database().collection('orders').doc(order._id).update({ data: { status: 'cancelled', cancelledAt: Date.now() } });
  // A stamp rewritten without a status change.
  await cloud.node().database().collection('orders').doc(order._id).update({ cancelledAt: Date.now() + 1 });
  const found = problems(await writeLog(since));
  expect(found).toHaveLength(2);
  expect(found[0].problem).toContain('pending_payment → cancelled');
  expect(found[1].problem).toContain('without a status change');
});
