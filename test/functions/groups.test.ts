/**
 * Group buying (拼团) through the real functions on the local cloud and its clock: the merchant's deal;
 * a two-person group opened by one shopper and completed by another (orders wait in `grouping`, cannot
 * ship, and become paid together); places given back when an order expires unpaid; a group whose
 * window ends short refunds every paid member once (timer + refunds timer, WeChat Pay's own record);
 * profiles through content security and no OPENID in anything shoppers get; and the race: 200 shoppers
 * for the last place → exactly one reserves it.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { useCloud, until } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, stockOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 16 });
const T0 = Date.UTC(2026, 5, 20, 2, 0, 0);
const HOUR = 3_600_000;

beforeAll(async () => {
  await ensureCollections(cloud);
  await cloud.setClock({ frozenAt: T0 });
  await Promise.all(Array.from({ length: 32 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>) => call<'merchant', A>(cloud, 'merchant', event);
const shopper = <A extends ActionName<'orders'>>(openid: string, event: ActionEvent<'orders', A>) => call<'orders', A>(cloud, 'orders', event, openid);

async function product(id: string, stock = 50) {
  await seed(cloud, 'products', [productDoc(id, [{ skuId: 's', price: 5000, stock }])]);
  dataOf(await merchant({ action: 'saveGroupDeal', productId: id, size: 2, prices: { s: 3000 }, enabled: true }));
}

async function open(openid: string, productId: string) {
  return dataOf(await shopper(openid, { action: 'openGroup', requestId: requestId(openid), productId, skuId: 's', address: ADDRESS, expectedPrice: 3000 }));
}

async function join(openid: string, groupId: string) {
  return shopper(openid, { action: 'joinGroup', requestId: requestId(openid), groupId, skuId: 's', address: ADDRESS, expectedPrice: 3000 });
}

async function pay(openid: string, orderId: string) {
  const payment = dataOf(await shopper(openid, { action: 'pay', orderId })).payment;
  const confirm = await cloud.confirmPay(payment.package, 1);
  expect(confirm.deliveries).toEqual([{ result: { errcode: 0, errmsg: 'OK' } }]);
}

const status = async (orderId: string) => (await getDoc(cloud, 'orders', orderId)).status;
const ship = (orderId: string) => merchant({ action: 'ship', orderId, carrier: 'SF', trackingNo: `SF${Date.now()}` });

test('the merchant sets a deal; a deal that is no deal is refused with reasons and writes nothing', async () => {
  await seed(cloud, 'products', [productDoc('gd-a', [{ skuId: 's', price: 5000, stock: 5 }])]);
  const bad = await merchant({ action: 'saveGroupDeal', productId: 'gd-a', size: 1, windowHours: 100, prices: { s: 5000, x: 10 }, enabled: true });
  expect(errorOf(bad).message).toBe('拼团设置有误：成团人数须为 2-20 人；成团时限须为 1-72 小时；规格 s 的拼团价须大于 0 且低于原价 ¥50.00；规格 x 不存在');
  expect(await getDoc(cloud, 'group_deals', 'gd-a')).toBeNull();
  const { deal } = dataOf(await merchant({ action: 'saveGroupDeal', productId: 'gd-a', size: 3, prices: { s: 3900 }, enabled: true }));
  expect(deal).toMatchObject({ productId: 'gd-a', size: 3, windowHours: 24, prices: { s: 3900 }, enabled: true });
  const shown = dataOf(await shopper('oGD', { action: 'groupDeal', productId: 'gd-a' }));
  expect(shown.deal).toMatchObject({ size: 3, lowestPrice: 3900, skus: [{ skuId: 's', price: 3900, regularPrice: 5000 }] });
  // Shoppers cannot set deals.
  expect(errorOf(await call(cloud, 'merchant', { action: 'saveGroupDeal', productId: 'gd-a', size: 2, prices: { s: 1 }, enabled: true }, 'oSHOPPER')).code).toBe('PERMISSION_DENIED');
  // A SKU outside the deal is not sold in a group.
  expect(errorOf(await shopper('oGD', { action: 'openGroup', requestId: requestId('oGD'), productId: 'gd-a', skuId: 'nope', address: ADDRESS })).code).toBe('INVALID_ARGUMENT');
});

test('two-person group: opened by one shopper, completed by a second; orders wait in grouping (no shipping) and become paid together', async () => {
  await product('gd-b');
  const leader = await open('oLEADER', 'gd-b');
  expect(leader.order).toMatchObject({ status: 'pending_payment', total: 3000 + leader.order.shippingFee, group: { groupId: leader.groupId, size: 2, leader: true } });
  expect(leader.order.lines[0]).toMatchObject({ unitPrice: 3000, qty: 1 });
  // The same request again answers the same order and group.
  const again = dataOf(await shopper('oLEADER', { action: 'openGroup', requestId: leader.order.requestId, productId: 'gd-b', skuId: 's', address: ADDRESS, expectedPrice: 3000 }));
  expect(again).toMatchObject({ groupId: leader.groupId, order: { _id: leader.order._id } });

  await pay('oLEADER', leader.order._id);
  expect(await status(leader.order._id)).toBe('grouping');
  expect(errorOf(await ship(leader.order._id)).code).toBe('INVALID_STATE');
  // The leader cannot take a second place.
  expect(errorOf(await join('oLEADER', leader.groupId)).message).toBe('您已在该团中，请勿重复参团');

  const friend = dataOf(await join('oFRIEND', leader.groupId));
  const view = dataOf(await shopper('oFRIEND', { action: 'group', groupId: leader.groupId }));
  expect(view.group).toMatchObject({ phase: 'full', taken: 2, paid: 1, joined: true, myOrderId: friend.order._id, message: '名额已满，等待团员付款' });
  await pay('oFRIEND', friend.order._id);
  expect(await status(leader.order._id)).toBe('paid');
  expect(await status(friend.order._id)).toBe('paid');
  const formed = dataOf(await shopper('oSTRANGER', { action: 'group', groupId: leader.groupId })).group;
  expect(formed).toMatchObject({ phase: 'formed', paid: 2, joined: false, message: '拼团成功，商家将尽快发货' });
  expect(formed.members.map((m) => [m.leader, m.paid])).toEqual([[true, true], [false, true]]);
  // Nothing a shopper gets names a member.
  expect(JSON.stringify(view) + JSON.stringify(formed)).not.toMatch(/oLEADER|oFRIEND|_openid/);
  expect(dataOf(await ship(leader.order._id)).order.status).toBe('shipped');
  expect(errorOf(await join('oLATE', leader.groupId)).message).toBe('该团已成团，您可以发起新的拼团');
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds: ['gd-b'] }));
  expect(report.problems).toEqual([]);
});

test('an unpaid member\'s order expires: the place goes back and someone else can take it', async () => {
  await product('gd-c');
  const leader = await open('oL2', 'gd-c');
  await pay('oL2', leader.order._id);
  const slow = dataOf(await join('oSLOW', leader.groupId));
  expect(errorOf(await join('oNEXT', leader.groupId)).message).toBe('该团名额已满，您可以发起新的拼团');
  await cloud.setClock({ frozenAt: slow.order.expireAt + 1 });
  await cloud.fireTimer('orders', 'expireOrders');
  expect(await status(slow.order._id)).toBe('expired');
  const group = await getDoc(cloud, 'groups', leader.groupId);
  expect(group).toMatchObject({ taken: 1, paid: 1 });
  expect(await status(leader.order._id)).toBe('grouping');
  expect(dataOf(await join('oNEXT', leader.groupId)).order.status).toBe('pending_payment');
  await cloud.setClock({ frozenAt: T0 });
});

test('a place whose order never came (the checkout died after reserving it) is freed for the next shopper after two minutes', async () => {
  await product('gd-f');
  const leader = await open('oL4', 'gd-f');
  // What a checkout that died between its reservation and its order leaves: a place, no order.
  const now = (await cloud.local('GET', '/clock')).json.now;
  await cloud.wx().database().collection('groups').doc(leader.groupId).update({ data: { taken: 2, seats: { mDEAD: { orderId: 'ONOSUCHORDER', skuId: 's', profileId: 'Unone', leader: false, paid: false, at: now } } } });
  expect(errorOf(await join('oNEXT4', leader.groupId)).message).toBe('该团名额已满，您可以发起新的拼团');
  await cloud.setClock({ frozenAt: now + 3 * 60_000 });
  // The refusal frees the abandoned place; the next try gets it.
  expect(errorOf(await join('oNEXT4', leader.groupId)).code).toBe('INVALID_STATE');
  expect((await getDoc(cloud, 'groups', leader.groupId)).taken).toBe(1);
  expect(dataOf(await join('oNEXT4', leader.groupId)).order.status).toBe('pending_payment');
  await cloud.setClock({ frozenAt: T0 });
});

test('a group whose window ends short refunds every paid member once, through WeChat Pay; the stock comes back', async () => {
  await seed(cloud, 'products', [productDoc('gd-d', [{ skuId: 's', price: 5000, stock: 10 }])]);
  dataOf(await merchant({ action: 'saveGroupDeal', productId: 'gd-d', size: 3, windowHours: 2, prices: { s: 3000 }, enabled: true }));
  const leader = await open('oL3', 'gd-d');
  const friend = dataOf(await join('oF3', leader.groupId));
  await pay('oL3', leader.order._id);
  await pay('oF3', friend.order._id);
  expect(stockOf(await getDoc(cloud, 'products', 'gd-d'), 's')).toBe(8);
  // Before the end nothing happens.
  await cloud.fireTimer('orders', 'settleGroups');
  expect(await status(leader.order._id)).toBe('grouping');

  await cloud.setClock({ frozenAt: T0 + 2 * HOUR + 1000 });
  expect(dataOf(await shopper('oF3', { action: 'group', groupId: leader.groupId })).group.phase).toBe('expired');
  const runs = await Promise.all([1, 2, 3].map(() => cloud.fireTimer('orders', 'settleGroups')));
  expect(runs.every((r) => r.result?.ok !== false)).toBe(true);
  expect(await status(leader.order._id)).toBe('refunded');
  expect(await status(friend.order._id)).toBe('refunded');
  expect(stockOf(await getDoc(cloud, 'products', 'gd-d'), 's')).toBe(10);
  const group = await getDoc(cloud, 'groups', leader.groupId);
  expect(group).toMatchObject({ status: 'failed', settled: true });

  await Promise.all([1, 2].map(() => cloud.fireTimer('orders', 'refunds')));
  for (const order of [leader.order, friend.order]) {
    const payments = await all(cloud, 'payments', { outTradeNo: order._id });
    expect(payments).toEqual([expect.objectContaining({ status: 'refunded', reason: 'GROUP_FAILED', refundFee: order.total })]);
    const q = await cloud.wx().cloudPay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'test', out_trade_no: order._id });
    expect(q.totalRefundCount).toBe(1);
  }
  const view = dataOf(await shopper('oL3', { action: 'group', groupId: leader.groupId })).group;
  expect(view).toMatchObject({ phase: 'failed', message: '拼团未成功，已付款项将原路退回' });
  expect(errorOf(await join('oLATE3', leader.groupId)).message).toBe('该团未成功，您可以发起新的拼团');
  // Later runs change nothing.
  await cloud.fireTimer('orders', 'settleGroups');
  await cloud.fireTimer('orders', 'refunds');
  expect((await all(cloud, 'payments', { outTradeNo: leader.order._id }))[0].status).toBe('refunded');
  expect(dataOf(await merchant({ action: 'ledgerCheck', productIds: ['gd-d'] })).problems).toEqual([]);
  await cloud.setClock({ frozenAt: T0 });
});

test('profile: the nickname passes content security, the avatar must be a cloud file and passes the image check before members see it', async () => {
  await product('gd-e');
  const refused = await shopper('oP1', { action: 'saveGroupProfile', nickname: '刷单返利小王', avatar: '' });
  expect(errorOf(refused)).toMatchObject({ code: 'INVALID_ARGUMENT', message: '昵称含有不适宜公开的内容，请修改后再提交' });
  expect(errorOf(await shopper('oP1', { action: 'saveGroupProfile', nickname: '小王', avatar: 'https://evil.example/a.png' })).message).toBe('头像无效，请重新选择');
  expect(errorOf(await shopper('oP1', { action: 'saveGroupProfile', nickname: '小王', avatar: 'cloud://env-test.bucket/avatars/none.png' })).message).toBe('图片不存在或已删除，请重新上传');
  const { fileID: avatar } = await cloud.wx().uploadFile({ cloudPath: 'avatars/oP1.png', fileContent: Buffer.from('an avatar') });
  const saved = dataOf(await shopper('oP1', { action: 'saveGroupProfile', nickname: '  小王  ', avatar }));
  expect(saved.profile).toEqual({ nickname: '小王', avatar });
  expect(dataOf(await shopper('oP1', { action: 'myGroupProfile' })).profile).toEqual(saved.profile);
  const leader = await open('oP1', 'gd-e');
  const members = async () => dataOf(await shopper('oP2', { action: 'group', groupId: leader.groupId })).group.members;
  // WeChat's verdict has not arrived: the others see the nickname only.
  expect(await members()).toEqual([{ nickname: '小王', avatar: '', leader: true, paid: false }]);
  await cloud.setClock({ frozenAt: T0 + 10_000 });
  expect(await until(members, (m) => m[0]?.avatar === avatar, 'the avatar after its verdict')).toEqual([{ nickname: '小王', avatar, leader: true, paid: false }]);
});

test('race: 200 shoppers for the last place of a group → exactly one reserves it', async () => {
  const started = Date.now();
  await product('gd-race', 500);
  const leader = await open('oRACE0', 'gd-race');
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => join(`oRACE${i + 1}`, leader.groupId)));
  const won = replies.filter((r) => r.ok);
  const lost = replies.filter((r) => !r.ok);
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(199);
  for (const r of lost) expect(errorOf(r)).toMatchObject({ code: 'INVALID_STATE', message: '该团名额已满，您可以发起新的拼团' });
  const group = await getDoc(cloud, 'groups', leader.groupId);
  expect(group.taken).toBe(2);
  expect(Object.keys(group.seats)).toHaveLength(2);
  expect(await all(cloud, 'orders', { 'group.groupId': leader.groupId })).toHaveLength(2);
  // Only the two orders hold stock.
  expect(stockOf(await getDoc(cloud, 'products', 'gd-race'), 's')).toBe(498);
  console.log(`group race: 200 joins for the last place answered in ${Date.now() - started} ms`);
}, 180_000);

test('a group order is credited to the shopper\'s share landing (the server\'s record), not to the buyer\'s own card', async () => {
  await product('gd-attr');
  const code = dataOf(await call(cloud, 'scenes', { action: 'referralCode' }, 'oG_SHARER')).referralCode;
  expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: code }, 'oG_FRIEND'))).toEqual({ credited: true });
  const friends = await open('oG_FRIEND', 'gd-attr');
  expect((await getDoc(cloud, 'orders', friends.order._id)).attribution).toEqual({ referralCode: code, scannedAt: expect.any(Number) });
  const own = await open('oG_SHARER', 'gd-attr');
  expect((await getDoc(cloud, 'orders', own.order._id)).attribution).toEqual({});
});
