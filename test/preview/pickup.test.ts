/**
 * Store pickup in a real browser at phone and desktop sizes: the store's code is scanned with the
 * preview's scan control, checkout offers pickup in that store (no address, no shipping fee), and once
 * paid the order page shows the pickup code and its QR. Screens go to <artifacts>/preview/pickup-*.png.
 */
import { call, dataOf } from '../support';
import { onRoute, openAs, screenshot, sizesWithUsers, startStore, toNewPage, until, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
beforeAll(async () => {
  store = await startStore();
  dataOf(await call(store.cloud, 'merchant', { action: 'saveStore', create: true, store: { _id: 'pv-jingan', name: '静安体验店', address: '上海市静安区南京西路 1000 号', hours: '每天 10:00-22:00', pickup: true } }));
}, 120_000);
afterAll(async () => {
  await store?.close();
});

const SIZES = sizesWithUsers(['o_sim_user_2', 'o_sim_user_3']);

test.each(SIZES)('at $width x $height: scan the store code, collect at the store, see the pickup code', async ({ user, ...viewport }) => {
  const { context, page, frame } = await openAs(store, viewport, user);
  const tag = `${viewport.width}`;
  try {
    const option = page.locator('#code-select option', { hasText: '门店码 · 静安体验店' });
    await page.selectOption('#code-select', (await option.getAttribute('value'))!);
    await toNewPage(page, () => page.click('#scan-code'));
    await onRoute(page, 'pages/catalog/index');

    await toNewPage(page, () => frame.locator('.product-card').first().click());
    await onRoute(page, 'pages-shop/product/index');
    const dims = frame.locator('.sku-dim');
    for (let i = 0; i < (await dims.count()); i++) await dims.nth(i).locator('.sku-value').first().click();
    await toNewPage(page, () => frame.locator('#buy-now').click());
    await onRoute(page, 'pages-shop/checkout/index');
    await frame.locator('#pickup-store-name').waitFor();
    expect(await frame.locator('#pickup-store-name').innerText()).toBe('静安体验店');
    expect(await until(() => frame.locator('#shipping-fee').innerText(), (v) => v === '¥0.00')).toBe('¥0.00');
    expect(await frame.locator('#address').count()).toBe(0);
    await frame.locator('#pickup-name').click();
    await page.keyboard.type('李四');
    await frame.locator('#pickup-phone').click();
    await page.keyboard.type('13900001111');
    // The card fits the phone.
    expect(await frame.locator('#fulfilment').evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
    await screenshot(page, `pickup-checkout-${tag}`);

    await frame.locator('#checkout-submit').click();
    await page.locator('#pay-mask.show').waitFor();
    await page.click('#pay-confirm');
    await onRoute(page, 'pages-shop/pay-result/index');
    await toNewPage(page, () => frame.locator('#view-order').click());
    await onRoute(page, 'pages-order/detail/index');
    expect(await until(() => frame.locator('#order-status').innerText(), (v) => v === '待提货')).toBe('待提货');
    const code = await until(() => frame.locator('#pickup-code').innerText().catch(() => ''), (v) => /^\d{4} \d{4}$/.test(v));
    expect(code).toMatch(/^\d{4} \d{4}$/);
    await frame.locator('#pickup-qr').waitFor();
    expect(await frame.locator('#pickup-qr').evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(/^url\("data:image\/png;base64,/);
    await screenshot(page, `pickup-order-${tag}`);
  } finally {
    await context.close();
  }
});
