/**
 * Coupons in a real browser at phone and desktop sizes: the product page offers the merchant's coupons,
 * a tap claims one, the shopper's list shows it, and checkout prices the best one in, with a sheet to
 * choose another or none; the order list says what an order's coupon took off. Screens go to
 * <artifacts>/preview/coupons-*.png.
 */
import type { Page } from 'playwright-core';
import { ADDRESS, call, dataOf } from '../support';
import { firstProductWithStock, onRoute, openAs, phone, screenshot, sizesWithUsers, startStore, switchUser, toNewPage, until, VIEWPORTS, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
beforeAll(async () => {
  store = await startStore();
  const DAY = 86_400_000;
  const templates = [
    { _id: 'pv-20', title: '满100减20', kind: 'amount', amountOff: 2000, threshold: 10000, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1 },
    { _id: 'pv-pct', title: '全场九折', kind: 'percent', percentOff: 10, threshold: 0, scope: { kind: 'all' }, validity: { kind: 'fixed', from: Date.now() - DAY, until: Date.now() + 30 * DAY }, totalLimit: 50, perShopperLimit: 2 },
    { _id: 'pv-out', title: '新人券', kind: 'amount', amountOff: 500, threshold: 0, scope: { kind: 'all' }, validity: { kind: 'days', days: 3 }, totalLimit: 1, perShopperLimit: 1 },
  ];
  for (const template of templates) dataOf(await call(store.cloud, 'merchant', { action: 'saveCouponTemplate', template, create: true }));
  // Someone else took the only 新人券: it shows as gone.
  dataOf(await call(store.cloud, 'orders', { action: 'claimCoupon', templateId: 'pv-out' }, 'oSOMEONE'));
}, 120_000);
afterAll(async () => {
  await store?.close();
});

const toastText = (page: Page) => page.evaluate(() => document.querySelector('#toast.show #toast-text')?.textContent ?? null);

// A shopper of their own per size (the limits are per shopper).
const SIZES = sizesWithUsers(['o_sim_user_2', 'o_sim_user_3']);

test.each(SIZES)('at $width x $height: claim on the product page, see it listed, pay less at checkout', async ({ user, ...viewport }) => {
  const { context, page, frame } = await openAs(store, viewport, user);
  const tag = `${viewport.width}`;
  try {
    await toNewPage(page, () => frame.locator('.product-card').first().click());
    await onRoute(page, 'pages-shop/product/index');
    const claim = frame.locator('#coupon-claim');
    await claim.waitFor();
    expect(await claim.locator('coupon-card').count()).toBe(3);
    expect(await frame.locator('#claim-pv-out').innerText()).toBe('已领完');
    // The cards fit the phone.
    for (const box of await claim.locator('coupon-card').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(box).toBeLessThanOrEqual(375);
    await screenshot(page, `coupons-product-${tag}`);

    await frame.locator('#claim-pv-20').click();
    expect(await until(() => toastText(page), (v) => v === '领取成功')).toBe('领取成功');
    expect(await until(() => frame.locator('#claim-pv-20').innerText(), (v) => v === '已领取')).toBe('已领取');
    await frame.locator('#claim-pv-pct').click();
    expect(await until(() => frame.locator('#claim-pv-pct').innerText(), (v) => v === '再领一张')).toBe('再领一张');

    await toNewPage(page, () => frame.locator('#my-coupons').click());
    await onRoute(page, 'pages-coupons/list/index');
    await frame.locator('#coupon-list').waitFor();
    await until(() => toastText(page), (v) => v === null);
    expect(await frame.locator('coupon-card').count()).toBe(2);
    await screenshot(page, `coupons-list-${tag}`);
    await frame.locator('#tab-used').click();
    await frame.getByText('还没有用过优惠券').waitFor();
    await screenshot(page, `coupons-list-empty-${tag}`);
    await toNewPage(page, () => page.click('#back'));
    await onRoute(page, 'pages-shop/product/index');

    const dims = frame.locator('.sku-dim');
    for (let i = 0; i < (await dims.count()); i++) await dims.nth(i).locator('.sku-value').first().click();
    await toNewPage(page, () => frame.locator('#buy-now').click());
    await onRoute(page, 'pages-shop/checkout/index');
    const summary = frame.locator('#coupon-summary');
    await summary.waitFor();
    // One unit of the first product: under 100 yuan or not, the best coupon that applies is priced in.
    const text = await until(() => summary.innerText(), (v) => /^-¥/.test(v));
    expect(text).toMatch(/^-¥\d+\.\d\d$/);
    const totalWith = await frame.locator('#checkout-total').innerText();
    await screenshot(page, `coupons-checkout-${tag}`);

    await frame.locator('#coupon-row').click();
    await frame.locator('#coupon-sheet').waitFor();
    expect(await frame.locator('#coupon-none').evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
    await screenshot(page, `coupons-sheet-${tag}`);
    await frame.locator('#coupon-none').click();
    expect(await until(() => summary.innerText(), (v) => /张可用$/.test(v))).toMatch(/张可用$/);
    expect(await until(() => frame.locator('#checkout-total').innerText(), (v) => v !== totalWith)).not.toBe(totalWith);
  } finally {
    await context.close();
  }
});

test.each(VIEWPORTS.slice(0, 2))('at $width x $height the order list says what the coupon took off', async (viewport) => {
  // An order of user A's with the 九折 coupon, placed through the real function.
  const { product, sku } = await firstProductWithStock(store.cloud, 'o_sim_user_1', 1);
  const coupon = dataOf(await call(store.cloud, 'orders', { action: 'claimCoupon', templateId: 'pv-pct' }, 'o_sim_user_1')).coupon;
  const placed = dataOf(await call(store.cloud, 'orders', { action: 'create', requestId: `pv-orders-${viewport.width}`, lines: [{ productId: product._id, skuId: sku.skuId, qty: 1 }], address: ADDRESS, couponId: coupon._id }, 'o_sim_user_1')).order;
  const words = `优惠券 -¥${(placed.coupon!.discount / 100).toFixed(2)}`;

  const { context, page } = await store.open(viewport);
  const frame = phone(page);
  try {
    // The phone is shared by the windows: back to user A, whose order it is.
    await switchUser(page, 'o_sim_user_1');
    await toNewPage(page, () => page.locator('#tabbar .tab', { hasText: '我的' }).click());
    await onRoute(page, 'pages/me/index');
    await toNewPage(page, () => frame.locator('#me-all-orders').click());
    await onRoute(page, 'pages-order/list/index');
    const row = frame.locator('.order-card', { hasText: words }).first();
    await row.waitFor();
    expect(await row.locator('.order-coupon').innerText()).toBe(words);
    expect(await row.evaluate((el) => Math.max(...Array.from(el.querySelectorAll('*')).map((child) => child.getBoundingClientRect().right)))).toBeLessThanOrEqual(375);
    // At phone width the panel stacks under the phone: the picture starts at the top of the window.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `coupons-orders-${viewport.width}`);
  } finally {
    await context.close();
  }
});
