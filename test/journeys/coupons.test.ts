/**
 * Coupons end to end: the merchant defines a coupon, a shopper claims it on the product page, checkout
 * prices it in (the server's discount), the shopper pays less, and the coupon shows as used in the
 * shopper's list.
 */
import { JOURNEY_TIMEOUT, buyNow, chooseAddressIfNone, pid, submitOrder, tapIn, textOf, textsOf, useShop } from './harness';

const shop = useShop();

test('claim a coupon on the product page and pay less', async () => {
  const J = '20-coupon';
  const mug = pid('mug');
  const templateId = pid('mug-5off');
  const saved = await shop().invoke('merchant', {
    action: 'saveCouponTemplate',
    create: true,
    template: { _id: templateId, title: '马克杯满20减5', kind: 'amount', amountOff: 500, threshold: 2000, scope: { kind: 'products', ids: [mug] }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1 },
  }, 'o_merchant');
  expect(saved.ok).toBe(true);
  const openid = await shop().switchUser('coupon_shopper');

  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: mug } });
  const host = await page.$('#product-coupons');
  expect(host).not.toBeNull();
  expect(await textOf(page, '#product-coupons')).toContain('马克杯满20减5');
  await shop().shot(J, 'product-coupons');
  await tapIn(page, '#product-coupons', `#claim-${templateId}`);
  expect((await shop().native()).toast).toMatchObject({ title: '领取成功' });
  const claimed = await shop().where('coupons', { templateId });
  expect(claimed).toHaveLength(1);
  if (openid) expect(claimed[0]._openid).toBe(openid);

  page = await buyNow(shop(), page);
  // The best coupon is priced in by the server: 25.00 + 8.00 shipping − 5.00.
  expect(await textOf(page, '#coupon-picker')).toContain('-¥5.00');
  expect(await textOf(page, '#checkout-total')).toBe('¥28.00');
  await chooseAddressIfNone(page);
  await shop().shot(J, 'checkout');
  page = await submitOrder(shop(), page);
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');
  const orderId = String(await page.data('orderId'));

  const order = await shop().doc('orders', orderId);
  expect(order).toMatchObject({ itemsTotal: 2500, shippingFee: 800, total: 2800, status: 'paid', coupon: { couponId: claimed[0]._id, discount: 500 } });
  expect(order.lines).toEqual([expect.objectContaining({ productId: mug, lineTotal: 2500, discount: 500 })]);
  expect(await shop().where('payments', { orderId })).toEqual([expect.objectContaining({ status: 'paid', totalFee: 2800 })]);
  expect(await shop().doc('coupons', claimed[0]._id)).toMatchObject({ status: 'used', orderId });

  page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
  expect((await textOf(page, '#order-coupon')).replace(/\s/g, '')).toBe('优惠券-¥5.00');
  expect(await textOf(page, '#order-total')).toBe('¥28.00');

  page = await shop().navigateTo('/pages-coupons/list/index?status=used');
  expect(await textsOf(page, '.coupon-item')).toEqual([expect.stringContaining('马克杯满20减5')]);
  await shop().shot(J, 'coupons-used');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
