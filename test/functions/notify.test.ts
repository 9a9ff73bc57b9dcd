/**
 * Subscribe-message notices through the real functions on the local cloud, whose subscribeMessage.send
 * keeps WeChat's rules (one grant per send, 43101 without one, field checks): shipped after the merchant
 * ships, refund done after WeChat Pay confirms a refund, one notice per (order, kind, subject), a busy
 * WeChat retried by the `notices` timer without ever failing the order action, the template ids pages
 * ask for, and the answers pages report.
 */
import { useCloud } from '../helpers/cloud';
import { ADDRESS, call, dataOf, ensureCollections, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

const TEMPLATES = { shipped: 'TPL_SHIPPED_1', refund: 'TPL_REFUND_1', group: 'TPL_GROUP_1' };

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('notify-1', [{ skuId: 'a', price: 1290, stock: 100 }], { title: '纯棉毛巾（加厚款，超大尺寸浴巾套装）' })]);
  await seed(cloud, 'config', [{ _id: 'notices', templates: { shipped: { templateId: TEMPLATES.shipped }, refund: { templateId: TEMPLATES.refund }, group: { templateId: TEMPLATES.group } }, miniprogramState: 'developer' }]);
}, 60_000);

beforeEach(async () => {
  await cloud.local('DELETE', '/openapi/subscriptions');
});

async function paidOrder(openid: string, qty = 2) {
  const created = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId: 'notify-1', skuId: 'a', qty }], address: ADDRESS }, openid));
  const { payment, noticeTemplates } = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: created.order._id }, openid));
  // The page asks for these once the payment succeeds.
  expect(noticeTemplates).toEqual(TEMPLATES);
  await cloud.confirmPay(payment.package, 1);
  return created.order as { _id: string };
}

const ship = (orderId: string) => call(cloud, 'merchant', { action: 'ship', orderId, carrier: 'SF', trackingNo: 'SF1234567890' });
const grant = (openid: string, templateId: string) => cloud.local('POST', '/openapi/subscriptions', { openid, results: { [templateId]: 'accept' } });
const sentTo = async (openid: string) => (await cloud.local('GET', `/openapi/messages?touser=${openid}`)).json.messages as any[];
const notices = async (orderId: string) => dataOf(await call(cloud, 'merchant', { action: 'notices', orderId })).notices as any[];

test('pages get the configured template ids', async () => {
  expect(dataOf(await call(cloud, 'orders', { action: 'noticeTemplates' }, 'oN0'))).toEqual({ templates: TEMPLATES });
});

test('shipping sends the shipped notice to a shopper who subscribed: order page, fitted data; shipping again sends nothing', async () => {
  const order = await paidOrder('oN1');
  await grant('oN1', TEMPLATES.shipped);
  expect(dataOf(await ship(order._id)).order.status).toBe('shipped');

  const [message] = await sentTo('oN1');
  expect(message).toMatchObject({ errcode: 0, templateId: TEMPLATES.shipped, page: `pages-order/detail/index?id=${order._id}`, miniprogramState: 'developer', functionName: 'merchant' });
  expect(message.data).toEqual({
    character_string1: { value: order._id },
    thing2: { value: expect.stringMatching(/^纯棉毛巾.*… 等2件$/) },
    thing3: { value: '顺丰速运' },
    character_string4: { value: 'SF1234567890' },
    time5: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/) },
  });
  expect([...message.data.thing2.value].length).toBeLessThanOrEqual(20);
  expect(await notices(order._id)).toEqual([expect.objectContaining({ kind: 'shipped', state: 'sent', attempts: 1, errcode: 0, msgid: expect.any(String) })]);
  expect(JSON.stringify(await notices(order._id))).not.toContain('oN1');

  // A retried ship request finds the notice sent: no second send, the grant left is not touched.
  await grant('oN1', TEMPLATES.shipped);
  dataOf(await ship(order._id));
  expect(await sentTo('oN1')).toHaveLength(1);
});

test('without a subscription WeChat refuses (43101): the order still ships, the notice is refused and not retried', async () => {
  const order = await paidOrder('oN2');
  expect(dataOf(await ship(order._id)).order.status).toBe('shipped');
  expect((await sentTo('oN2')).map((m) => m.errcode)).toEqual([43101]);
  expect(await notices(order._id)).toEqual([expect.objectContaining({ state: 'refused', errcode: 43101, retry: false })]);
  await cloud.setClock({ advanceMs: 3 * 3600_000 });
  await cloud.fireTimer('orders', 'notices');
  expect(await sentTo('oN2')).toHaveLength(1);
});

test('a busy WeChat does not fail the ship; the notices timer sends it later', async () => {
  const order = await paidOrder('oN3');
  await grant('oN3', TEMPLATES.shipped);
  await cloud.local('POST', '/openapi/messages:fail', { times: 1 });
  expect(dataOf(await ship(order._id)).order.status).toBe('shipped');
  expect(await notices(order._id)).toEqual([expect.objectContaining({ state: 'failed', errcode: -1, retry: true, attempts: 1 })]);

  // Not due yet: the timer leaves it.
  await cloud.fireTimer('orders', 'notices');
  expect((await notices(order._id))[0].attempts).toBe(1);
  await cloud.setClock({ advanceMs: 61_000 });
  const run = (await cloud.fireTimer('orders', 'notices')).result;
  expect(run.data).toMatchObject({ tried: 1, sent: 1 });
  expect(await notices(order._id)).toEqual([expect.objectContaining({ state: 'sent', attempts: 2, errcode: 0 })]);
  expect((await sentTo('oN3')).map((m) => m.errcode)).toEqual([-1, 0]);
});

test('a refund confirmed by WeChat Pay sends the refund notice with the amount', async () => {
  const order = await paidOrder('oN4', 1);
  await grant('oN4', TEMPLATES.refund);
  const asked = dataOf(await call(cloud, 'orders', { action: 'requestAfterSale', orderId: order._id, requestId: requestId('oN4'), lines: [{ productId: 'notify-1', skuId: 'a', qty: 1 }], reason: '不想要了' }, 'oN4'));
  expect(asked.afterSale.status).toBe('refunded');
  const [message] = await sentTo('oN4');
  expect(message).toMatchObject({ errcode: 0, templateId: TEMPLATES.refund });
  expect(message.data).toMatchObject({ character_string1: { value: order._id }, amount2: { value: expect.stringMatching(/^¥\d+\.\d\d$/) } });
  expect(await notices(order._id)).toEqual([expect.objectContaining({ kind: 'refund', subject: asked.afterSale._id, state: 'sent' })]);
});

test('answers pages report are tallied per shopper and configured template; unknown templates are ignored', async () => {
  const reply = dataOf(await call(cloud, 'orders', { action: 'reportSubscriptions', results: { [TEMPLATES.shipped]: 'accept', [TEMPLATES.refund]: 'reject', OTHER: 'accept' } }, 'oN5'));
  expect(reply).toEqual({ recorded: 2 });
  await call(cloud, 'orders', { action: 'reportSubscriptions', results: { [TEMPLATES.shipped]: 'accept' } }, 'oN5');
  const { data } = await cloud.wx().database().collection('notice_grants').where({ _openid: 'oN5' }).get();
  expect(data.map((d: any) => [d.kind, d.accepts, d.answers, d.lastAnswer]).sort()).toEqual([
    ['refund', 0, 1, 'reject'],
    ['shipped', 2, 2, 'accept'],
  ]);
});

test('merchant.notices is merchant-only', async () => {
  const reply = await call(cloud, 'merchant', { action: 'notices' }, 'oNOTMERCHANT');
  expect(reply.ok).toBe(false);
});

test("a group's result reaches each member once it formed: sent to the one who subscribed, refused (43101) for the other", async () => {
  await seed(cloud, 'products', [productDoc('notify-g', [{ skuId: 's', price: 5000, stock: 10 }])]);
  dataOf(await call(cloud, 'merchant', { action: 'saveGroupDeal', productId: 'notify-g', size: 2, prices: { s: 3000 }, enabled: true }));
  const opened = dataOf(await call(cloud, 'orders', { action: 'openGroup', requestId: requestId('oG1'), productId: 'notify-g', skuId: 's', address: ADDRESS }, 'oG1'));
  const joined = dataOf(await call(cloud, 'orders', { action: 'joinGroup', requestId: requestId('oG2'), groupId: opened.groupId, skuId: 's', address: ADDRESS }, 'oG2'));
  await grant('oG1', TEMPLATES.group);
  for (const [openid, order] of [['oG1', opened.order], ['oG2', joined.order]] as const) {
    const { payment } = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: order._id }, openid));
    await cloud.confirmPay(payment.package, 1);
  }
  expect(await notices(opened.order._id)).toEqual([expect.objectContaining({ kind: 'group', subject: opened.groupId, state: 'sent' })]);
  expect(await notices(joined.order._id)).toEqual([expect.objectContaining({ kind: 'group', subject: opened.groupId, state: 'refused' })]);
  expect((await sentTo('oG1')).filter((m) => m.templateId === TEMPLATES.group)).toHaveLength(1);
});
