/**
 * The product page of a SKU on a flash sale, in a real browser at phone, laptop and desktop sizes: the
 * flash bar (sale price, the SKU's own price struck through, the limit, the countdown to the end) sits
 * under the gallery within the phone's 375 px, and the page's price follows the sale. The catalog's card
 * of that product shows the sale price with its own struck through and the 秒杀 badge.
 */
import { call, dataOf } from '../support';
import { firstProductWithStock, onRoute, phone, screenshot, startStore, toNewPage, VIEWPORTS, type Store } from './harness';

jest.setTimeout(120_000);

let store: Store;
let title = '';
let salePrice = 0;
let ownPrice = 0;
beforeAll(async () => {
  store = await startStore();
  // The first card of the catalog: its cheapest SKU goes on sale now for two hours.
  const { product, sku } = await firstProductWithStock(store.cloud, 'oPREVIEW', 5);
  title = product.title;
  salePrice = Math.floor(sku.price / 2);
  ownPrice = sku.price;
  const now = Date.now();
  dataOf(await call(store.cloud, 'merchant', { action: 'scheduleFlashSale', productId: product._id, skuId: sku.skuId, price: Math.floor(sku.price / 2), allotment: 5, startAt: now, endAt: now + 2 * 3600_000, limit: 2 }));
});
afterAll(async () => {
  await store?.close();
});

test.each(VIEWPORTS)('at $width x $height the flash bar fits the phone and counts down to the end', async (viewport) => {
  const { context, page } = await store.open(viewport);
  try {
    const frame = phone(page);
    const card = frame.locator('.product-card', { hasText: title }).first();
    // The preview scopes a component's classes by its name, as WeChat isolates component styles.
    await card.locator('.product-card--pc-flash').waitFor();
    const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
    expect(await card.locator('.price--price-now').innerText()).toBe(yuan(salePrice));
    expect(await card.locator('.price--price-original').innerText()).toBe(yuan(ownPrice));
    expect(await card.locator('.price--price-original').evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('line-through');
    // Within the phone's 375 px (the frame's own coordinates).
    expect(await card.evaluate((el) => Math.max(...Array.from(el.querySelectorAll('*')).map((child) => child.getBoundingClientRect().right)))).toBeLessThanOrEqual(375);
    // At phone width the panel stacks under the phone: the picture starts at the top of the window.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `flash-catalog-${viewport.width}`);
    await toNewPage(page, () => card.click());
    await onRoute(page, 'pages-shop/product/index');
    const bar = frame.locator('#flash-bar');
    await bar.waitFor();
    const text = (await bar.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('限时秒杀');
    expect(text).toContain('每人限购 2 件');
    expect(text).toMatch(/距结束 (2:00:00|1:59:[0-5]\d)/);
    const box = (await bar.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(375);
    const right = await bar.evaluate((el) => Math.max(...Array.from(el.querySelectorAll('*')).map((child) => child.getBoundingClientRect().right)));
    expect(right).toBeLessThanOrEqual(375);
    await screenshot(page, `flash-product-${viewport.width}`);
  } finally {
    await context.close();
  }
});
