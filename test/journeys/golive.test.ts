/**
 * Go-live journeys: what WeChat requires before a shop's features work on a phone, end to end through
 * the real mini program, the real orders function and the local cloud.
 * - the address picker behind the privacy popup: agreed → the address is filled; refused → the
 *   platform's refusal, told in Chinese, and the manual form instead;
 * - a remark with blocked text refused by the content check with a Chinese message, nothing written;
 * - ship (the merchant function) → the local cloud received a valid shipping-info upload → confirm
 *   receipt through WeChat's confirm-receipt component → the order completes (and a cancel in the
 *   component leaves it shipped).
 * The privacy state and the component's answer are stand-in controls (`__headless__`), so these run on
 * the simulator only.
 */
import {
  JOURNEY_TIMEOUT,
  REAL,
  answerPrivacy,
  buyNow,
  chooseAddress,
  mustFind,
  pid,
  privacyPopupShown,
  submitOrder,
  tap,
  tapIn,
  textOf,
  type Page,
  useShop,
} from './harness';

declare const __headless__: any; // inside the mini program (miniProgram.evaluate)
declare const wx: any;

const journey = REAL ? test.skip : test;

const shop = useShop();

/** A fresh shopper (never agreed to the privacy guide) on the checkout page of one towel. */
async function toCheckout(name: string): Promise<Page> {
  await shop().switchUser(name);
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: pid('towel') } });
  page = await buyNow(shop(), page);
  return page;
}

journey('privacy agreed: the address picker asks once, then fills the address; the fee follows its province', async () => {
  const J = 'golive-privacy-agreed';
  const page = await toCheckout('privacy_yes');
  expect(await privacyPopupShown(page)).toBe(false);
  await tap(page, '#choose-address');
  // The picker waits behind the popup: no address yet.
  expect(await privacyPopupShown(page)).toBe(true);
  expect(await page.$('#address-view')).toBeNull();
  const popup = await (await mustFind(page, '#privacy')).$('#privacy-popup');
  expect((await popup!.text()).replace(/\s+/g, '')).toContain('请阅读并同意《小程序隐私保护指引》');
  await shop().shot(J, 'popup');
  await tapIn(page, '#privacy', '#privacy-contract');
  expect((await shop().native()).history.map((h) => h.api)).toContain('openPrivacyContract');

  expect(await answerPrivacy(page, 'agree')).toBe(true);
  expect(await privacyPopupShown(page)).toBe(false);
  expect(await textOf(page, '#address-view')).toContain('张三');
  expect(await textOf(page, '#shipping-region')).toBe('（广东省）');
  expect(await textOf(page, '#shipping-fee')).toBe('¥8.00');
  expect(await textOf(page, '#shipping-hint')).toBe('满¥99.00免运费，还差¥79.10');
  await shop().shot(J, 'address');

  // Agreed once: the next call runs without asking.
  await tap(page, '#address-view');
  expect(await privacyPopupShown(page)).toBe(false);
  expect(await shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

journey('privacy refused: the picker fails with the platform error, the shopper is told and types the address', async () => {
  const J = 'golive-privacy-refused';
  const page = await toCheckout('privacy_no');
  await tap(page, '#choose-address');
  expect(await answerPrivacy(page, 'disagree')).toBe(true);
  expect(await page.$('#address-view')).toBeNull();
  expect((await shop().native()).toast).toMatchObject({ title: '未同意隐私保护指引，请手动填写地址' });
  expect(await page.$('#address-form')).not.toBeNull();
  await shop().shot(J, 'manual-form');
  // What the API answers is WeChat's refusal (errno 104), not a cancel. The test control resets consent.
  await shop().mp.evaluate(() => {
    __headless__.setPrivacyAgreed(false);
    (globalThis as any).__pickResult = wx.chooseAddress().then(() => 'ok', (e: unknown) => e);
  });
  expect(await answerPrivacy(await shop().page(), 'disagree')).toBe(true);
  expect(await shop().mp.evaluate(() => (globalThis as any).__pickResult)).toEqual({ errMsg: 'chooseAddress:fail privacy permission is not authorized', errno: 104 });
}, JOURNEY_TIMEOUT);

journey('a remark with blocked text is refused with a Chinese message and no order is written', async () => {
  const J = 'golive-remark-blocked';
  let page = await toCheckout('remark_blocked');
  await chooseAddress(page);
  // Element.input exists on input elements (InputElement); the shared Element type does not declare it.
  const remark = (await mustFind(page, '#remark')) as unknown as { input(value: string): Promise<void> };
  await remark.input('麻烦代开发票，谢谢');
  await tap(page, '#checkout-submit');
  page = await shop().page();
  expect(page.path).toBe('pages-shop/checkout/index');
  const modal = (await shop().native()).modal;
  expect(modal?.options).toMatchObject({ title: '下单失败', content: '备注含有不适宜公开的内容，请修改后再提交' });
  await shop().shot(J, 'refused');
  await shop().confirmModal();
  expect(await shop().where('orders', { _openid: shop().openid })).toEqual([]);

  // Reworded, it goes through.
  await remark.input('请放门口，谢谢');
  page = await submitOrder(shop(), page);
  const order = await shop().doc('orders', String(await page.data('orderId')));
  expect(order.remark).toBe('请放门口，谢谢');
}, JOURNEY_TIMEOUT);

/** A paid order of one towel for a fresh shopper, shipped by the merchant through the merchant function. */
async function shippedOrder(name: string): Promise<string> {
  let page = await toCheckout(name);
  await chooseAddress(page);
  page = await submitOrder(shop(), page);
  const orderId = String(await page.data('orderId'));
  const paid = await shop().doc('orders', orderId);
  expect(paid.status).toBe('paid');
  expect(paid.transactionId).toMatch(/\S/);
  // The merchant ships (o_merchant is a merchant in config/merchants): the shipment is reported to
  // WeChat's order-shipping service at once, which the confirm-receipt component needs.
  const shipped = await shop().invoke('merchant', { action: 'ship', orderId, carrier: 'SF', trackingNo: 'SF1234567890' }, 'o_merchant');
  expect(shipped).toMatchObject({ ok: true, data: { order: { status: 'shipped' }, shippingUpload: { state: 'uploaded', attempts: 1 } } });
  const { json } = await shop().cloud!.local('GET', '/openapi/shipping');
  const received = json.payments.find((p: { transactionId: string }) => p.transactionId === paid.transactionId);
  expect(received).toMatchObject({ outTradeNo: orderId, orderState: 2, reshipUsed: false });
  expect(received.uploads).toHaveLength(1);
  expect(received.uploads[0].request).toMatchObject({
    order_key: { order_number_type: 2, transaction_id: paid.transactionId },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: expect.stringMatching(/\*1$/), contact: { receiver_contact: expect.stringMatching(/\*{4}\d{4}$/) } }],
    payer: { openid: shop().openid },
  });
  return orderId;
}

journey('ship → WeChat received the shipping info → confirm receipt through its component: a cancel changes nothing, a confirm completes the order', async () => {
  const J = 'golive-confirm-receipt';
  const orderId = await shippedOrder('receipt');
  const paid = await shop().doc('orders', orderId);
  let page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
  expect(await textOf(page, '#order-status')).toBe('待收货');
  await shop().shot(J, 'shipped');

  await shop().mp.evaluate(() => __headless__.setOrderConfirmAnswer('cancel'));
  await tapIn(page, '#order-actions', '#order-confirm');
  const opened = (await shop().native()).history.filter((h) => h.api === 'openBusinessView');
  expect(opened).toEqual([{ api: 'openBusinessView', options: { businessType: 'weappOrderConfirm', extraData: { transaction_id: paid.transactionId } } }]);
  expect((await shop().doc('orders', orderId)).status).toBe('shipped');
  expect(await textOf(page, '#order-status')).toBe('待收货');

  await shop().mp.evaluate(() => __headless__.setOrderConfirmAnswer('success'));
  await tapIn(page, '#order-actions', '#order-confirm');
  page = await shop().page();
  expect(page.path).toBe('pages-order/detail/index');
  expect((await shop().enterOptions()).scene).toBe(1038);
  const done = await shop().doc('orders', orderId);
  expect(done.status).toBe('completed');
  expect(done.completedAt).toEqual(expect.any(Number));
  expect(await textOf(page, '#order-status')).toBe('已完成');
  expect((await shop().native()).toast).toMatchObject({ title: '已确认收货' });
  await shop().shot(J, 'completed');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
