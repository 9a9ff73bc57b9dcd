/**
 * After-sales journeys end to end: the real mini program in the simulator, the real orders function on
 * the local cloud with its pay sandbox, and (for the merchant) the real console in headless Chromium.
 *
 * 1. Pay → ask for a refund before shipping → refunded at once, stock back.
 * 2. Paid → the merchant ships in the console → the shopper asks → the merchant approves in the
 *    console → the shopper sees it refunded.
 *
 * The merchant console runs on the local cloud only (simulator mode); on a real DevTools the second
 * journey is not registered (see README.md).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page as BrowserPage } from 'playwright-core';
import { createConsole } from '../../console';
import { withToken } from '../../security/guard';
import { launchChromium } from '../../simulator/chromium/browser';
import { ARTIFACTS, JOURNEY_TIMEOUT, REAL, buyNow, chooseAddressIfNone, pid, stockOf, submitOrder, tap, tapIn, textOf, useShop } from './harness';

const shop = useShop();


/** Product page → 立即购买 → checkout with the simulator's address → paid. Returns the order id. */
async function buyOne(productId: string, journey: string): Promise<string> {
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: productId } });
  page = await buyNow(shop(), page);
  await chooseAddressIfNone(page);
  page = await submitOrder(shop(), page);
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');
  await shop().shot(journey, 'paid');
  return String(await page.data('orderId'));
}

/** From the order detail: 申请售后 → the form → a reason → 提交申请; back on the detail page. */
async function askAfterSale(orderId: string, journey: string, reasonIndex: number) {
  let page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
  await tapIn(page, '#order-actions', '#order-after-sale');
  page = await shop().page();
  expect(page.path).toBe('pages-after-sales/request/index');
  expect(await page.data('status')).toBe('ok');
  await shop().shot(journey, 'request-form');
  const reasons = await page.$$('.reason');
  await reasons[reasonIndex].tap();
  await shop().settle();
  const refund = await textOf(page, '#as-refund');
  const hint = await textOf(page, '#as-hint');
  await shop().shot(journey, 'request-form-filled');
  await tap(page, '#as-submit');
  const toast = (await shop().native()).toast;
  page = await shop().page();
  expect(page.path).toBe('pages-order/detail/index');
  return { refund, hint, toast, page };
}

/** WeChat Pay's record of an order's refunds (the sandbox, through the real SDK). */
async function wechatRefunds(outTradeNo: string) {
  const q = await shop().cloud!.wx().cloudPay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'journey', out_trade_no: outTradeNo });
  return q.resultCode === 'SUCCESS' ? { fees: (q.refundFeeList as unknown[]).map(Number), statuses: q.refundStatusList as string[] } : { fees: [], statuses: [] };
}

test('1. Pay → ask for a refund before shipping → refunded at once, stock back, the order list shows it', async () => {
  const J = 'after-sales-01-before-shipping';
  const mug = pid('mug');
  const sku = `${mug}-std`;
  await shop().switchUser('refund_before_ship');
  const before = await stockOf(shop(), mug, sku);
  const orderId = await buyOne(mug, J);
  expect(await stockOf(shop(), mug, sku)).toBe(before - 1);

  const { refund, hint, toast, page } = await askAfterSale(orderId, J, 0);
  // One mug and its shipping: every unit before shipping, so the shipping fee comes back too.
  expect(refund).toBe('¥33.00');
  expect(hint).toBe('订单未发货，提交后立即原路退款');
  if (!REAL) expect(toast).toMatchObject({ title: '退款成功' });
  // Nothing left to ship: the order itself is closed as refunded.
  expect(await textOf(page, '#order-status')).toBe('已退款');
  expect(await page.$('#order-after-sales-state')).toBeNull();
  expect(await textOf(page, '.after-sale-status')).toBe('已退款');
  expect(await textOf(page, '.after-sale-items')).toContain('陶瓷马克杯 × 1');
  expect(await page.$('#order-after-sale')).toBeNull();
  await shop().shot(J, 'detail-refunded');

  const [request] = await shop().where('after_sales', { orderId });
  expect(request).toMatchObject({ status: 'refunded', refundFee: 3300, shippingRefund: 800 });
  expect(await stockOf(shop(), mug, sku)).toBe(before);
  if (!REAL) expect(await wechatRefunds(orderId)).toEqual({ fees: [3300], statuses: ['SUCCESS'] });

  // "我的" → 售后: the orders with after-sales requests.
  const me = await shop().switchTab('/pages/me/index');
  await tap(me, '#me-orders-after_sales');
  const list = await shop().page();
  expect(list.path).toBe('pages-order/list/index');
  expect(await textOf(list, '.order-card .order-status')).toBe('已退款');
  expect(await list.$('.order-card .after-sales-tag')).toBeNull();
  await shop().shot(J, 'order-list');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

/** The merchant console on this journey's local cloud, in headless Chromium. */
async function openConsole(): Promise<{ page: BrowserPage; open(hash: string): Promise<void>; close(): Promise<void> }> {
  const cloud = shop().cloud!;
  const handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console/`;
  const browser: Browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(withToken(url, handler.secret));
  // The first page (products) finishes loading before another is opened: a view that finishes late
  // would otherwise draw over the next one.
  await page.waitForSelector('#view[data-loaded]');
  return {
    page,
    async open(hash) {
      await page.goto(`${url}${hash}`);
      await page.waitForSelector(`#view[data-loaded="${hash}"]`);
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(errors).toEqual([]);
    },
  };
}

const consoleShot = (page: BrowserPage, journey: string, step: string) => page.screenshot({ path: path.join(ARTIFACTS, journey, `${step}.png`), fullPage: true });

(REAL ? describe.skip : describe)('with the merchant console (local cloud)', () => {
  test('2. Shipped → the shopper asks → the merchant approves in the console → the shopper sees it refunded', async () => {
    const J = 'after-sales-02-merchant-approves';
    const towel = pid('towel');
    const sku = `${towel}-std`;
    await shop().switchUser('refund_after_ship');
    const orderId = await buyOne(towel, J);
    const stockAfterSale = await stockOf(shop(), towel, sku);
    const merchant = await openConsole();
    try {
      // The merchant ships it.
      await merchant.open('#/orders');
      const row = merchant.page.locator(`.order-row[data-id="${orderId}"]`);
      await row.locator('.tracking-input').fill('SF100200300');
      await row.locator('.ship-order').click();
      await merchant.page.waitForSelector(`.order-row[data-id="${orderId}"][data-status="shipped"]`);

      // The shopper asks: after shipping the merchant decides, nothing is refunded yet.
      const asked = await askAfterSale(orderId, J, 2);
      expect(asked.refund).toBe('¥19.90');
      expect(asked.hint).toBe('订单已发货，提交后由商家审核');
      expect(asked.toast).toMatchObject({ title: '已提交，等待商家处理' });
      expect(await textOf(asked.page, '#order-after-sales-state')).toBe('售后处理中');
      expect(await textOf(asked.page, '.after-sale-status')).toBe('待商家处理');
      await shop().shot(J, 'detail-requested');
      expect(await wechatRefunds(orderId)).toEqual({ fees: [], statuses: [] });

      // The merchant sees the request and approves a refund.
      await merchant.open('#/after-sales');
      const request = merchant.page.locator(`.after-sale-row[data-order-id="${orderId}"]`);
      expect(await request.getAttribute('data-status')).toBe('requested');
      expect(await request.locator('.after-sale-fee').innerText()).toContain('¥19.90');
      await consoleShot(merchant.page, J, 'console-request-desktop');
      await merchant.page.setViewportSize({ width: 390, height: 844 });
      await consoleShot(merchant.page, J, 'console-request-phone');
      await merchant.page.setViewportSize({ width: 1366, height: 900 });
      await request.locator('.approve-refund').click();
      await merchant.page.waitForSelector(`.after-sale-row[data-order-id="${orderId}"][data-status="refunded"]`);
      expect(await merchant.page.locator(`.after-sale-row[data-order-id="${orderId}"] .after-sale-status`).innerText()).toBe('已退款（仅退款）');
      await consoleShot(merchant.page, J, 'console-refunded');
    } finally {
      await merchant.close();
    }

    // The shopper comes back to the order: refunded.
    const page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
    expect(await textOf(page, '#order-status')).toBe('待收货');
    expect(await textOf(page, '#order-after-sales-state')).toBe('已全额退款');
    expect(await textOf(page, '.after-sale-status')).toBe('已退款');
    expect(await textOf(page, '.after-sale-hint')).toBe('退款已原路退回');
    await shop().shot(J, 'detail-refunded');
    expect(await wechatRefunds(orderId)).toEqual({ fees: [1990], statuses: ['SUCCESS'] });
    // Refund only: the goods stay with the shopper, so stock does not change.
    expect(await stockOf(shop(), towel, sku)).toBe(stockAfterSale);
    expect(shop().exceptions).toEqual([]);
  }, JOURNEY_TIMEOUT);
});
