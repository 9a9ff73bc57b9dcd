/**
 * The catalog scrolled far in the browser preview: the page scrolls in the phone frame (onPageScroll
 * and onReachBottom from the real scroll position), cards are on screen wherever the shopper stops,
 * including back at the top, and the frame holds only the groups near the screen.
 */
import { productDoc } from '../support';
import { phone, screenshot, startStore, until, VIEWPORTS, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
beforeAll(async () => {
  store = await startStore();
  const docs = Array.from({ length: 200 }, (_, i) =>
    productDoc(`far-${String(i).padStart(3, '0')}`, [{ skuId: 's', price: 990 + i, stock: 5 }], { title: `长列表商品 ${i} 号`, createdAt: Date.UTC(2025, 0, 1) - i * 60_000 }),
  );
  const r = await store.cloud.local('POST', '/database/products:import', docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await store?.close();
});

test.each([VIEWPORTS[0], VIEWPORTS[2]])('at $width x $height: scrolled past 200 products and back, cards fill the screen', async (viewport) => {
  const { context, page } = await store.open(viewport);
  try {
    const frame = phone(page);
    const body = frame.locator('body');
    const scrollTo = (top: number) => body.evaluate((b, y) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollTo(0, y), top);
    const height = () => body.evaluate((b) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollHeight);
    // Scroll to the end again and again, as a shopper flicking down, until the catalog ends.
    let last = 0;
    for (let guard = 0; guard < 30; guard += 1) {
      if ((await frame.locator('#no-more').count()) > 0) break;
      const h = await height();
      await scrollTo(h);
      last = await until(height, (v) => v > h || !v, 5_000).then((v) => v ?? h);
      await until(() => frame.locator('#no-more').count(), (n) => n > 0, 500);
    }
    expect(await frame.locator('#no-more').count()).toBe(1);
    expect(last).toBeGreaterThan(200 / 2 * 250);
    // The frame holds a few groups of cards, not all of them.
    const cards = await frame.locator('.product-card').count();
    expect(cards).toBeGreaterThan(0);
    expect(cards).toBeLessThanOrEqual(60);
    // At phone size the preview's panel sits under the phone: bring the phone back into the window.
    const shot = async (name: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `${name}-${viewport.width}`);
    };
    const visible = async () =>
      body.evaluate((b) => {
        const view = b.ownerDocument.defaultView!;
        return Array.from(b.ownerDocument.querySelectorAll('.product-card')).filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > 0 && r.top < view.innerHeight;
        }).length;
      });
    expect(await visible()).toBeGreaterThan(0);
    await shot('catalog-far');
    // Halfway back up, then at the top: the groups there come back in place of their spacers.
    await scrollTo(Math.round(last / 2));
    expect(await until(visible, (n) => n > 0)).toBeGreaterThan(0);
    await shot('catalog-far-middle');
    await scrollTo(0);
    await until(() => frame.locator('.product-card').first().evaluate((c) => c.getBoundingClientRect().top), (t) => t < 400);
    expect(await visible()).toBeGreaterThan(0);
    await shot('catalog-far-top');
  } finally {
    await context.close();
  }
});
