/**
 * A merchant who clicks on before a section has loaded sees the section they clicked last: a slow
 * answer for the section they left must not draw over it (views write into #view when their requests
 * answer).
 */
import { useConsole } from './harness';

jest.setTimeout(120_000);

const ui = useConsole();

test('a section left before its list answered does not draw over the next one', async () => {
  const page = ui.page;
  await ui.open('#/orders');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let productsAsked = false;
  await page.route('**/console/api/products', async (route) => {
    productsAsked = true;
    await held;
    // (the console may have ended the read when the merchant left: nothing to continue then)
    await route.continue().catch(() => undefined);
  });
  await page.evaluate(`location.hash = '#/products'`);
  while (!productsAsked) await page.waitForTimeout(20);
  await page.evaluate(`location.hash = '#/orders'`);
  // The read of the section left is ended or answers late; either way it must not draw.
  const answered = Promise.race([page.waitForResponse('**/console/api/products'), page.waitForEvent('requestfailed', (r) => r.url().includes('/console/api/products'))]);
  release();
  await answered;
  await page.waitForSelector('#view[data-loaded="#/orders"]');
  // The products list answered after the click; give it the time to draw if it were going to.
  await page.waitForTimeout(200);
  expect(await page.locator('#order-count').count()).toBe(1);
  expect(await page.locator('#product-count').count()).toBe(0);
  await page.unroute('**/console/api/products');
});
