/**
 * The group page (拼团) in the store preview, in a real browser at phone (390 x 844) and desktop
 * (1280 x 800) sizes: a product with a group deal shows its entry; the entry leads to the deal, which
 * lists the group another shopper opened; that group's page shows its members by nickname, the places
 * left, a countdown and the form to join, all within the phone's 375 px.
 */
import { call, dataOf } from '../support';
import { ADDRESS } from '../support/data';
import { firstProductWithStock, onRoute, phone, screenshot, startStore, toNewPage, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
let title = '';
beforeAll(async () => {
  store = await startStore();
  const { product, sku } = await firstProductWithStock(store.cloud, 'oPREVIEW', 5);
  title = product.title;
  dataOf(await call(store.cloud, 'merchant', { action: 'saveGroupDeal', productId: product._id, size: 3, prices: { [sku.skuId]: Math.floor(sku.price * 0.8) }, enabled: true }));
  // Another shopper opened a group of it and paid nothing yet.
  dataOf(await call(store.cloud, 'orders', { action: 'saveGroupProfile', nickname: '小王', avatar: '' }, 'oGROUP_LEADER'));
  dataOf(await call(store.cloud, 'orders', { action: 'openGroup', requestId: 'preview-group-1', productId: product._id, skuId: sku.skuId, address: ADDRESS }, 'oGROUP_LEADER'));
});
afterAll(async () => {
  await store?.close();
});

test.each([
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
])('at $width x $height: the product\'s group entry leads to the open group, its members, countdown and join form', async (viewport) => {
  const { context, page } = await store.open({ ...viewport, zoom: 1 });
  try {
    const frame = phone(page);
    await toNewPage(page, () => frame.locator('.product-card', { hasText: title }).first().click());
    await onRoute(page, 'pages-shop/product/index');
    const entry = frame.locator('#group-entry');
    await entry.waitFor();
    expect((await entry.innerText()).replace(/\s+/g, ' ')).toContain('3人团');
    await toNewPage(page, () => entry.click());
    await onRoute(page, 'pages-group/index');
    await frame.locator('.open-group').first().waitFor();
    expect(await frame.locator('.open-group').first().innerText()).toContain('小王 的团');
    await screenshot(page, `group-deal-${viewport.width}`);
    await toNewPage(page, () => frame.locator('.open-group').first().click());
    await onRoute(page, 'pages-group/index');
    await frame.locator('#group-message').waitFor();
    expect(await frame.locator('#group-message').innerText()).toBe('还差 2 人成团');
    expect(await frame.locator('#group-members .nickname').allInnerTexts()).toEqual(['小王', '待加入', '待加入']);
    expect(await frame.locator('#group-countdown').innerText()).toMatch(/剩余 (23:59:\d\d|24:00:00)/);
    await frame.locator('#group-join').waitFor();
    const widest = await frame.locator('body').evaluate((b) => Math.max(...Array.from(b.querySelectorAll('*')).map((el) => el.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(375);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `group-${viewport.width}`);
  } finally {
    await context.close();
  }
});
