/**
 * A developer drives the store from the preview's own controls, in a real browser: search with the
 * keyboard's Enter, scroll to load more, scan a product's code (decoded from its pixels in the page),
 * open a share card as another user, switch user, and pay through WeChat Pay's sheet (cancel, fail,
 * pay).
 */
import type { Page } from 'playwright-core';
import { currentWebview, onRoute, phone, relaunch, screenshot, startStore, switchUser, toNewPage, until, type Store } from './harness';

jest.setTimeout(120_000);

let store: Store;
let page: Page;
beforeAll(async () => {
  store = await startStore();
  ({ page } = await store.open());
});
afterAll(async () => {
  await store?.close();
});

const cards = () => phone(page).locator('.product-card');
const panelText = (id: string) => page.locator(`#${id}`).innerText();
/** The toast the phone shows now, if any (read without waiting for one). */
const toastText = () => page.evaluate(() => document.querySelector('#toast.show #toast-text')?.textContent ?? null);

test('Enter in the search box searches (the input fires confirm)', async () => {
  const all = await cards().count();
  const search = phone(page).locator('input[placeholder="搜索商品"]');
  await search.click();
  await search.pressSequentially('T恤');
  await search.press('Enter');
  await phone(page).locator('#search-clear').waitFor();
  await until(() => cards().count(), (n) => n < all);
  const titles = await cards().allInnerTexts();
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) expect(t).toContain('T恤');
  // What was typed stays in the box.
  expect(await search.inputValue()).toBe('T恤');
  await screenshot(page, 'search');
});

test('scrolling to the bottom loads the next page, and the page keeps its scroll position', async () => {
  await relaunch(page);
  const first = await cards().count();
  expect(first).toBe(20);
  const doc = phone(page).locator('body');
  const bottom = await doc.evaluate((b) => {
    const win = b.ownerDocument.defaultView!;
    win.scrollTo(0, b.ownerDocument.documentElement.scrollHeight);
    return win.scrollY;
  });
  expect(bottom).toBeGreaterThan(0);
  expect(await until(() => cards().count(), (n) => n > first)).toBeGreaterThan(first);
  // Updated in place: the same document, still scrolled where the shopper left it.
  expect(await doc.evaluate((b) => b.ownerDocument.defaultView!.scrollY)).toBe(bottom);
});

let productTitle = '';

test('scanning a product code from the store lands on that product (scene 1047)', async () => {
  const option = page.locator('#code-select option', { hasText: '商品码' }).first();
  const label = (await option.textContent()) ?? '';
  productTitle = label.replace(/^商品码 · /, '');
  await page.selectOption('#code-select', (await option.getAttribute('value'))!);
  await toNewPage(page, () => page.click('#scan-code'));
  await onRoute(page, 'pages-shop/product/index');
  expect(await panelText('scan-result')).toMatch(/^https:\/\/local\.wxacode\/\?page=pages-shop%2Fproduct%2Findex&scene=/);
  expect(await until(() => phone(page).locator('#product-title').innerText(), (v) => v === productTitle)).toBe(productTitle);
  // The page names itself after the product (cut to 16 characters), in the navigation bar.
  expect(await page.locator('#title').textContent()).toBe(productTitle.slice(0, 16));
  await screenshot(page, 'scanned-product');
});

test('a share card opened by another user shows the same product to that user', async () => {
  await page.click('#share');
  await page.locator('#share-card.show').waitFor();
  expect(await panelText('card-path')).toContain('pages-shop/product/index');
  await screenshot(page, 'share-card');
  await page.selectOption('#share-user', 'o_sim_user_2');
  await toNewPage(page, () => page.click('#open-share'));
  await onRoute(page, 'pages-shop/product/index');
  expect(await panelText('where')).toContain('用户 B');
  expect(await until(() => phone(page).locator('#product-title').innerText(), (v) => v === productTitle)).toBe(productTitle);
});

test('switching user starts the app afresh as that user', async () => {
  await switchUser(page, 'o_sim_user_3');
  expect(await panelText('where')).toContain('用户 C');
});

test('a plain QR link opens the landing page (scene 1011); background and back is a hot start', async () => {
  await page.fill('#qr-link', 'https://shop.example.com/s/unknown-code');
  await toNewPage(page, () => page.click('#open-link'));
  await onRoute(page, 'pages/landing/index');
  await relaunch(page);
  const webview = await currentWebview(page);
  await page.click('#bg-toggle');
  await page.locator('#background.show').waitFor();
  await page.click('#foreground-overlay');
  await page.locator('#background').waitFor({ state: 'hidden' });
  // Hot start: the same page instance (webview) is shown again, not a new launch.
  expect(await currentWebview(page)).toBe(webview);
});

test('offline, the store says so; back online, pull-down refresh loads again', async () => {
  await page.check('#offline');
  await page.click('#pull-down');
  await phone(page).getByText('网络不太稳定').waitFor();
  expect(await page.locator('#status').innerText()).toContain('无网络');
  await page.uncheck('#offline');
  await page.click('#pull-down');
  await cards().first().waitFor();
});

/** From the home page to the first product, with the first choice of each spec picked. */
async function openFirstProduct(): Promise<void> {
  await relaunch(page);
  await toNewPage(page, () => cards().first().click());
  await onRoute(page, 'pages-shop/product/index');
  const dims = phone(page).locator('.sku-dim');
  for (let i = 0; i < (await dims.count()); i++) await dims.nth(i).locator('.sku-value').first().click();
}

test('add to cart shows a toast; the tab bar follows app.json; the cart total stays on one line', async () => {
  await openFirstProduct();
  await phone(page).locator('#add-to-cart').click();
  expect(await until(toastText, (v) => v === '已加入购物车')).toBe('已加入购物车');
  await toNewPage(page, () => phone(page).locator('#go-cart').click());
  await onRoute(page, 'pages/cart/index');
  const tab = page.locator('#tabbar .tab[aria-selected="true"]');
  expect(await tab.innerText()).toContain('购物车');
  expect(await tab.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(228, 57, 60)');
  expect(await tab.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(81);
  const total = phone(page).locator('.cart-footer .total');
  await total.waitFor();
  expect(await total.evaluate((el) => {
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    // One line: every piece of "合计 ¥…" overlaps every other vertically.
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    return Math.max(...rects.map((r) => r.top)) < Math.min(...rects.map((r) => r.bottom));
  })).toBe(true);
  await screenshot(page, 'cart');

  // wx.showModal as WeChat draws it: 取消 / 确定 unless the page names its buttons.
  await phone(page).locator('.cart-line-remove').first().click();
  await page.locator('#modal-mask.show').waitFor();
  expect(await page.locator('#modal-title').innerText()).toBe('删除商品');
  expect(await page.locator('#modal-cancel').innerText()).toBe('取消');
  expect(await page.locator('#modal-confirm').innerText()).toBe('确定');
  await screenshot(page, 'modal');
  await page.click('#modal-cancel');
  await page.locator('#modal-mask').waitFor({ state: 'hidden' });
  expect(await phone(page).locator('.cart-line-remove').count()).toBe(1);
});

test('the payment sheet: cancel leaves the order unpaid, a failure says so, pay pays', async () => {
  await openFirstProduct();
  await toNewPage(page, () => phone(page).locator('#buy-now').click());
  await onRoute(page, 'pages-shop/checkout/index');
  await phone(page).locator('#choose-address').click();
  // A new shopper is asked to agree to the privacy guide before the address picker runs.
  await phone(page).locator('#privacy-agree').waitFor();
  await screenshot(page, 'privacy-popup');
  await phone(page).locator('#privacy-agree').click();
  await phone(page).locator('#address-view').waitFor();
  await phone(page).locator('#checkout-submit').click();

  await page.locator('#pay-mask.show').waitFor();
  expect(await until(() => panelText('pay-amount'), (v) => /^\d+\.\d\d$/.test(v))).toMatch(/^\d+\.\d\d$/);
  await screenshot(page, 'pay-sheet');
  await page.click('#pay-cancel');
  await onRoute(page, 'pages-shop/pay-result/index');
  expect(await until(() => phone(page).locator('#pay-result-title').innerText(), (v) => v === '订单已提交，尚未支付')).toBe('订单已提交，尚未支付');

  await toNewPage(page, () => phone(page).locator('#view-order').click());
  await onRoute(page, 'pages-order/detail/index');
  const status = phone(page).locator('#order-status');
  const unpaid = await status.innerText();
  await phone(page).locator('#order-pay').click();
  await page.locator('#pay-mask.show').waitFor();
  await page.click('#pay-fail');
  expect(await until(toastText, (v) => v === '支付失败，请重试')).toBe('支付失败，请重试');
  expect(await status.innerText()).toBe(unpaid);

  await phone(page).locator('#order-pay').click();
  await page.locator('#pay-mask.show').waitFor();
  await page.click('#pay-confirm');
  expect(await until(toastText, (v) => v === '支付成功')).toBe('支付成功');
  await screenshot(page, 'paid-toast');
  expect(await until(() => status.innerText(), (v) => v !== unpaid)).not.toBe(unpaid);
  // WeChat hides a toast after its duration (1.5 s by default).
  await page.locator('#toast').waitFor({ state: 'hidden', timeout: 10_000 });
});
