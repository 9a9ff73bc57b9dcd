/**
 * Notices through subscribe messages, end to end: the shopper pays in the mini program and is asked for
 * the shipped and refund-done notices right after the payment (the simulator's dialog answers as set
 * here and records accepted grants with the local cloud, as WeChat's client does with WeChat); the
 * merchant ships through the merchant function; the local cloud's subscribeMessage.send delivers the
 * shipped notice, or refuses it with 43101 when the shopper said no. The dialog's answer is a stand-in
 * control (`__headless__`), so these run on the simulator only.
 */
import { JOURNEY_TIMEOUT, REAL, chooseAddress, pid, submitOrder, tap, type Page, useShop } from './harness';
import { seed } from '../support';

declare const __headless__: any; // inside the mini program (miniProgram.evaluate)

const journey = REAL ? test.skip : test;
const shop = useShop();
const TEMPLATES = { shipped: 'TPL_JOURNEY_SHIPPED', refund: 'TPL_JOURNEY_REFUND' };

beforeAll(async () => {
  if (REAL) return;
  await seed(shop().cloud!, 'config', [{ _id: 'notices', templates: { shipped: { templateId: TEMPLATES.shipped }, refund: { templateId: TEMPLATES.refund } } }]);
});

/** A fresh shopper buys one towel, answering the subscribe dialog with `answer`; returns the order id. */
async function buyAnswering(name: string, answer: 'accept' | 'reject'): Promise<string> {
  await shop().switchUser(name);
  await shop().mp.evaluate((a: string) => __headless__.setSubscribeAnswer(a), answer);
  let page: Page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: pid('towel') } });
  await tap(page, '#buy-now');
  page = await shop().page();
  await chooseAddress(page);
  page = await submitOrder(shop(), page);
  const orderId = String(await page.data('orderId'));
  expect((await shop().doc('orders', orderId)).status).toBe('paid');
  // The dialog opened once, right after the payment, for both notices.
  const asked = (await shop().native()).history.filter((h) => h.api === 'requestSubscribeMessage');
  expect(asked).toEqual([{ api: 'requestSubscribeMessage', options: { tmplIds: [TEMPLATES.shipped, TEMPLATES.refund], results: { [TEMPLATES.shipped]: answer, [TEMPLATES.refund]: answer } } }]);
  return orderId;
}

const ship = (orderId: string) => shop().invoke('merchant', { action: 'ship', orderId, carrier: 'SF', trackingNo: 'SF1234567890' }, 'o_merchant');
const messagesTo = async (openid: string) => (await shop().cloud!.local('GET', `/openapi/messages?touser=${openid}`)).json.messages as any[];

journey('subscribed after paying: shipping delivers the shipped notice, which opens the order', async () => {
  const orderId = await buyAnswering('notify_yes', 'accept');
  const { json } = await shop().cloud!.local('GET', `/openapi/subscriptions?openid=${shop().openid}`);
  expect(json.grants.map((g: any) => [g.templateId, g.remaining])).toEqual([[TEMPLATES.shipped, 1], [TEMPLATES.refund, 1]]);

  expect(await ship(orderId)).toMatchObject({ ok: true, data: { order: { status: 'shipped' } } });
  const messages = await messagesTo(String(shop().openid));
  expect(messages).toEqual([expect.objectContaining({ errcode: 0, templateId: TEMPLATES.shipped, page: `pages-order/detail/index?id=${orderId}` })]);
  expect(messages[0].data).toMatchObject({ character_string1: { value: orderId }, thing3: { value: '顺丰速运' }, character_string4: { value: 'SF1234567890' } });
  expect(await shop().doc('notices', await noticeId(orderId))).toMatchObject({ kind: 'shipped', state: 'sent', attempts: 1 });
  // The shipped grant is spent; the refund one is still there for a refund.
  const after = (await shop().cloud!.local('GET', `/openapi/subscriptions?openid=${shop().openid}`)).json.grants;
  expect(after.map((g: any) => [g.templateId, g.remaining])).toEqual([[TEMPLATES.shipped, 0], [TEMPLATES.refund, 1]]);

  // The card opens the order page.
  const page = await shop().navigateTo(`/${messages[0].page}`);
  expect(page.path).toBe('pages-order/detail/index');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

journey('refused the dialog: the order still ships, WeChat refuses the notice (43101) and it is not retried', async () => {
  const orderId = await buyAnswering('notify_no', 'reject');
  expect((await shop().cloud!.local('GET', `/openapi/subscriptions?openid=${shop().openid}`)).json.grants).toEqual([]);
  expect(await ship(orderId)).toMatchObject({ ok: true, data: { order: { status: 'shipped' } } });
  expect((await messagesTo(String(shop().openid))).map((m) => m.errcode)).toEqual([43101]);
  expect(await shop().doc('notices', await noticeId(orderId))).toMatchObject({ kind: 'shipped', state: 'refused', errcode: 43101, retry: false });
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

/** The shipped notice's id for an order, as the merchant's list gives it. */
async function noticeId(orderId: string): Promise<string> {
  const reply = await shop().invoke('merchant', { action: 'notices', orderId }, 'o_merchant');
  return (reply as any).data.notices[0]._id;
}
