/**
 * The phone is drawn at its true size whatever the monitor: 375 CSS px wide content, rpx from the
 * phone's width (not `screen.width`), the same search text size at phone, laptop and desktop sizes,
 * and the product page's bar buttons on one line.
 */
import { onRoute, phone, screenshot, startStore, toNewPage, VIEWPORTS, type Store } from './harness';

jest.setTimeout(120_000);

let store: Store;
beforeAll(async () => {
  store = await startStore();
});
afterAll(async () => {
  await store?.close();
});

const ZOOMED = { width: 1366, height: 768, zoom: 2 };

test.each([...VIEWPORTS, ZOOMED])('at $width x $height at $zoom× zoom the phone content is 375 px and the store keeps its phone sizes', async (viewport) => {
  const { context, page } = await store.open(viewport);
  try {
    const screen = await page.locator('#screen').boundingBox();
    expect(screen?.width).toBe(375);
    expect(screen?.height).toBe(667);
    const frame = phone(page);
    const content = await frame.locator('body').evaluate((b) => ({ width: b.ownerDocument.documentElement.clientWidth }));
    expect(content.width).toBe(375);
    // .search-input is 26rpx: 13 px on a 375 px phone.
    const search = frame.locator('input[placeholder="搜索商品"]');
    expect(await search.evaluate((el) => getComputedStyle(el).fontSize)).toBe('13px');
    expect(await search.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(375);

    const tag = `${viewport.width}${viewport.zoom !== 1 ? `-zoom${viewport.zoom}` : ''}`;
    await screenshot(page, `catalog-${tag}`);
    await toNewPage(page, () => frame.locator('.product-card').first().click());
    await onRoute(page, 'pages-shop/product/index');
    const lines = async (text: string) =>
      frame.locator('wx-button', { hasText: text }).evaluate((el) => {
        const range = el.ownerDocument.createRange();
        range.selectNodeContents(el);
        const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        return { lines: tops.size, right: el.getBoundingClientRect().right };
      });
    const add = await lines('加入购物车');
    expect(add.lines).toBe(1);
    const buy = await lines('立即购买');
    expect(buy.lines).toBe(1);
    expect(buy.right).toBeLessThanOrEqual(375);
    await screenshot(page, `product-${tag}`);

    // Checkout at the phone's own size (the first, fresh user): the privacy popup and the fee lines fit.
    if (viewport.width === 375) {
      await toNewPage(page, () => frame.locator('#buy-now').click());
      await onRoute(page, 'pages-shop/checkout/index');
      await frame.locator('#choose-address').click();
      const agree = frame.locator('#privacy-agree');
      await agree.waitFor();
      for (const button of ['#privacy-agree', '#privacy-disagree']) {
        expect(await frame.locator(button).evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
      }
      await screenshot(page, `privacy-popup-${tag}`);
      await agree.click();
      await frame.locator('#address-view').waitFor();
      expect(await frame.locator('#shipping-fee').evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
      await screenshot(page, `checkout-${tag}`);
    }
  } finally {
    await context.close();
  }
});
