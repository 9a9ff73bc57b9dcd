/**
 * The console as a merchant in China meets it, in headless Chromium whose own zone is Los Angeles:
 * Chinese by default, dates in UTC+8, the QR list from the server with each code's scans, orders and
 * revenue, attribution and referral columns and filters, the channel report, the low-stock filter and a
 * stock column that follows the store, CSV with a BOM; then the English switch, remembered on reload.
 * Screenshots at phone and desktop widths in both languages go to the artifacts folder.
 */
import { readFileSync } from 'node:fs';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole({ timezoneId: 'America/Los_Angeles' });

const ADDRESS = { name: '王五', phone: '13700000000', province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路 88 号' };

function order(id: string, status: string, createdAt: number, total: number, attribution: Record<string, string>) {
  return {
    _id: id,
    _openid: `o-${id}`,
    requestId: `req-${id}`,
    lines: [{ productId: 'demo-p01', skuId: 'demo-p01-s1', title: '纯棉圆领短袖T恤 男女同款', specText: '白色 / S', image: '', unitPrice: total, qty: 1, lineTotal: total }],
    itemsTotal: total,
    shippingFee: 0,
    total,
    status,
    address: ADDRESS,
    remark: '',
    attribution,
    createdAt,
    expireAt: createdAt + 15 * 60_000,
    updatedAt: createdAt,
    ...(status === 'pending_payment' ? {} : { paidAt: createdAt + 60_000 }),
  };
}

const rowIds = () => ui.page.locator('.order-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
const text = (selector: string) => ui.page.locator(selector).first().textContent();

let campaignScene = '';
let productScene = '';

test('Chinese by default; the QR list comes from the server with scans, orders and revenue per code', async () => {
  await ui.open('#/qrcodes');
  await expect(ui.page.getAttribute('html', 'lang')).resolves.toBe('zh-CN');
  expect(await ui.page.locator('#nav a').allTextContents()).toEqual(['商品', '库存核对', '订单', '售后/退款', '门店自提', '订阅消息', '优惠券', '秒杀', '拼团', '活动', '二维码', '报表', '数据库', '云函数日志']);
  await expect(text('#qr-empty')).resolves.toContain('还没有二维码');

  await ui.page.fill('#qr-campaign', 'double11');
  await ui.page.fill('#qr-channel', 'poster');
  await ui.page.fill('#qr-store', 'hz-01');
  await ui.page.click('#qr-create-campaign');
  await ui.page.waitForSelector('.qr-item[data-kind="campaign"]');
  campaignScene = (await text('.qr-item[data-kind="campaign"] .qr-scene'))!;
  await ui.page.selectOption('#qr-product', 'demo-p05');
  await ui.page.click('#qr-create-product');
  await ui.page.waitForSelector('.qr-item[data-kind="product"]');
  productScene = (await text('.qr-item[data-kind="product"] .qr-scene'))!;

  // Shoppers scan (the mini program resolves the scene) and order; orders carry the scene the server recorded.
  for (const openid of ['oA', 'oB', 'oC']) expect((await ui.cloud.invoke('scenes', { action: 'resolve', scene: campaignScene }, { openid })).result.ok).toBe(true);
  expect((await ui.cloud.invoke('scenes', { action: 'resolve', scene: productScene }, { openid: 'oD' })).result.ok).toBe(true);
  const campaign = { sceneCode: campaignScene, campaign: 'double11', channel: 'poster', store: 'hz-01' };
  await ui.db().collection('orders').add([
    // 16:30 UTC on 1 March is 00:30 on 2 March in China.
    order('o-a1', 'paid', Date.UTC(2026, 2, 1, 16, 30), 5900, { ...campaign, referralCode: 'R8xK2mQ4pZ' }),
    order('o-a2', 'pending_payment', Date.UTC(2026, 2, 1, 15, 0), 12900, campaign),
    order('o-a3', 'shipped', Date.UTC(2026, 2, 3, 2, 0), 3000, { sceneCode: productScene }),
    order('o-a4', 'paid', Date.UTC(2026, 2, 4, 2, 0), 8800, {}),
  ]);

  const list = await ui.page.evaluate(`fetch('api/qrcodes').then((r) => r.json())`);
  const bySceneApi = new Map((list as { codes: { scene: string }[] }).codes.map((c) => [c.scene, c]));
  expect(bySceneApi.get(campaignScene)).toMatchObject({ kind: 'campaign', title: 'double11 · poster · hz-01', campaign: 'double11', channel: 'poster', store: 'hz-01', scans: 3, orders: 2, paidOrders: 1, revenue: 5900 });
  expect(bySceneApi.get(productScene)).toMatchObject({ kind: 'product', productId: 'demo-p05', fileName: 'product-demo-p05.png', scans: 1, orders: 1, paidOrders: 1, revenue: 3000 });

  // A new tab (nothing kept in the browser) shows the same codes: the list lives on the server.
  const tab = await ui.context.newPage();
  await tab.goto(`${ui.url}#/qrcodes`);
  await tab.waitForSelector('#view[data-loaded="#/qrcodes"]');
  const card = tab.locator(`.qr-item[data-scene="${campaignScene}"]`);
  await expect(card.locator('.qr-scans .stat-value').textContent()).resolves.toBe('3');
  await expect(card.locator('.qr-orders .stat-value').textContent()).resolves.toBe('1/2');
  await expect(card.locator('.qr-revenue .stat-value').textContent()).resolves.toBe('¥59.00');
  await expect(tab.locator('#qr-count').textContent()).resolves.toBe('共 2 个二维码');
  await tab.close();

  await ui.open('#/qrcodes');
  await ui.page.waitForFunction(`[...document.querySelectorAll('.qr-preview')].every((img) => img.complete && img.naturalWidth > 100)`);
  await ui.shots('qrcodes-zh');
});

test('orders show where they came from, in China time, and filter by attribution and referral', async () => {
  await ui.open('#/orders');
  await expect(text('#order-count')).resolves.toBe('共 4 个订单');
  const a1 = ui.page.locator('.order-row[data-id="o-a1"]');
  await expect(a1.locator('.order-created').textContent()).resolves.toBe('2026-03-02 00:30');
  await expect(a1.locator('.order-status').textContent()).resolves.toBe('待发货');
  await expect(a1.locator('.order-scene').textContent()).resolves.toBe(campaignScene);
  await expect(a1.locator('.order-attribution').textContent()).resolves.toContain('double11 · poster · hz-01');
  await expect(a1.locator('.order-referral').textContent()).resolves.toBe('R8xK2mQ4pZ');
  await expect(ui.page.locator('.order-row[data-id="o-a4"] .order-attribution').textContent()).resolves.toBe('直接访问');
  await expect(ui.page.locator('.order-row[data-id="o-a2"] .order-created').textContent()).resolves.toBe('2026-03-01 23:00');

  // A day picked in the filter is a day in China: 2 March holds o-a1 (00:30) but not o-a2 (23:00 on 1 March).
  await ui.page.fill('#order-from', '2026-03-02');
  await ui.page.fill('#order-to', '2026-03-02');
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 1 个订单'`);
  expect(await rowIds()).toEqual(['o-a1']);

  await ui.page.click('#clear-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 4 个订单'`);
  await ui.page.fill('#order-campaign', 'double11');
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 2 个订单'`);
  expect(await rowIds()).toEqual(['o-a1', 'o-a2']);

  await ui.page.fill('#order-campaign', '');
  await ui.page.fill('#order-referral', 'any');
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 1 个订单'`);
  expect(await rowIds()).toEqual(['o-a1']);
  await ui.page.fill('#order-referral', 'NOBODY');
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 0 个订单'`);
  await expect(text('#orders-table .empty')).resolves.toBe('没有符合条件的订单。');

  // From a code's card to its orders.
  await ui.open('#/qrcodes');
  await ui.page.click(`.qr-item[data-scene="${productScene}"] .qr-orders-link`);
  await ui.page.waitForSelector('#view[data-loaded="#/orders"]');
  await expect(ui.page.inputValue('#order-scene')).resolves.toBe(productScene);
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 1 个订单'`);
  expect(await rowIds()).toEqual(['o-a3']);

  await ui.page.click('#clear-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 4 个订单'`);
  await ui.shots('orders-zh');
});

test('orders export as CSV with a UTF-8 BOM, in Chinese, with attribution', async () => {
  await ui.open('#/orders');
  const [file] = await Promise.all([ui.page.waitForEvent('download'), ui.page.click('#export-orders')]);
  expect(file.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync((await file.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
  expect(lines[0]).toBe('订单号,下单时间,状态,商品,实付（元）,收货人,二维码,来源,分享人,运单号,发货信息上传');
  expect(lines).toHaveLength(5);
  const a1 = lines.find((l) => l.startsWith('o-a1,'))!;
  expect(a1).toBe(`o-a1,2026-03-02 00:30,待发货,纯棉圆领短袖T恤 男女同款 (白色 / S) × 1,59.00,王五 13700000000 上海市,${campaignScene},double11 · poster · hz-01,R8xK2mQ4pZ,,`);

  await ui.open('#/qrcodes');
  const [qr] = await Promise.all([ui.page.waitForEvent('download'), ui.page.click('#export-qr')]);
  const qrText = readFileSync((await qr.path())!, 'utf8');
  expect(qrText.startsWith('\uFEFF场景值,类型,名称,活动,渠道,门店,扫码次数,订单数,已付款订单,成交额（元）,创建时间,最近扫码\r\n')).toBe(true);
  expect(qrText).toContain(`${campaignScene},活动码,double11 · poster · hz-01,double11,poster,hz-01,3,2,1,59.00,`);
});

test('the channel report: scans and orders by campaign, channel, store and sharer, from the merchant function, with filters', async () => {
  // A second campaign code for the same campaign on another channel, scanned once, no orders yet.
  await ui.open('#/qrcodes');
  await ui.page.fill('#qr-campaign', 'double11');
  await ui.page.fill('#qr-channel', 'wechat-group');
  await ui.page.fill('#qr-store', '');
  await ui.page.click('#qr-create-campaign');
  await ui.page.waitForFunction(`document.querySelectorAll('.qr-item').length === 3`);
  const scene = (await ui.page.locator('.qr-item[data-kind="campaign"]').first().locator('.qr-scene').textContent())!;
  await ui.cloud.invoke('scenes', { action: 'resolve', scene }, { openid: 'oE' });

  await ui.open('#/reports');
  const row = ui.page.locator('.report-row[data-field="campaign"][data-key="double11"]');
  await expect(row.locator('.report-scans').textContent()).resolves.toBe('4');
  await expect(row.locator('.report-orders').textContent()).resolves.toBe('2');
  await expect(row.locator('.report-revenue').textContent()).resolves.toBe('¥59.00');
  await expect(row.locator('td').last().textContent()).resolves.toBe('25.0%');
  expect(await ui.page.locator('.report-row[data-field="channel"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['poster', 'wechat-group']);
  // Orders without a campaign (a product code, a direct visit) are the no-source row; totals are every order.
  const none = ui.page.locator('.report-none[data-field="campaign"]');
  await expect(none.locator('.report-scans').textContent()).resolves.toBe('1');
  await expect(none.locator('.report-orders').textContent()).resolves.toBe('2');
  await expect(none.locator('.report-revenue').textContent()).resolves.toBe('¥118.00');
  const referral = ui.page.locator('.report-row[data-field="referral"][data-key="R8xK2mQ4pZ"]');
  await expect(referral.locator('.report-paid').textContent()).resolves.toBe('1');
  await expect(referral.locator('.report-revenue').textContent()).resolves.toBe('¥59.00');
  await expect(text('#report-total-scans .stat-value')).resolves.toBe('5');
  await expect(text('#report-total-orders .stat-value')).resolves.toBe('4');
  await expect(text('#report-total-revenue .stat-value')).resolves.toBe('¥177.00');
  await ui.shots('reports-zh');

  // Filtered to one store: only what its code brought in.
  await ui.page.fill('#report-store-filter', 'hz-01');
  await ui.page.click('#apply-report-filter');
  await ui.page.waitForFunction(`document.querySelector('#report-total-scans .stat-value')?.textContent === '3'`);
  await expect(text('#report-total-orders .stat-value')).resolves.toBe('2');
  expect(await ui.page.locator('.report-row[data-field="channel"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['poster']);
  // A period in China time: 2 March holds o-a1 (00:30 there) and none of the scans (made today).
  await ui.page.fill('#report-from-filter', '2026-03-02');
  await ui.page.fill('#report-to-filter', '2026-03-02');
  await ui.page.click('#apply-report-filter');
  await ui.page.waitForFunction(`document.querySelector('#report-total-orders .stat-value')?.textContent === '1'`);
  await expect(text('#report-total-scans .stat-value')).resolves.toBe('0');
  await ui.page.click('#clear-report-filter');
  await ui.page.waitForFunction(`document.querySelector('#report-total-orders .stat-value')?.textContent === '4'`);
});

test('low-stock filter, and a stock column that shows what is stored after every action', async () => {
  const products = ui.db().collection('products');
  const doc = (await products.doc('demo-p07').get()).data[0];
  await products.doc('demo-p07').update({ 'skus.0.stock': 2 });
  await ui.open('#/products');
  await ui.page.check('#low-stock');
  await ui.page.fill('#low-stock-threshold', '3');
  const ids = await ui.page.locator('.product-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  expect(ids).toContain('demo-p07');
  expect(await ui.page.locator('.product-row:not(.low-stock)').count()).toBe(0);
  await expect(text('#low-stock-count')).resolves.toBe(`${ids.length} 个库存不足`);
  await expect(ui.page.locator('.product-row[data-id="demo-p07"] .low-badge').textContent()).resolves.toBe('最少的 SKU 仅剩 2');
  await ui.shots('products-low-stock-zh');
  await ui.open('#/products/edit/demo-p07');
  await ui.shots('product-editor-zh');
  await ui.open('#/products');

  // Shoppers buy one of another SKU while the merchant adds 5 to the first: the row shows both.
  await ui.page.uncheck('#low-stock');
  await ui.page.click('.product-row[data-id="demo-p07"] .stock-product');
  await products.doc('demo-p07').update({ 'skus.1.stock': ui.db().command.inc(-1) });
  const row = ui.page.locator('.stock-row[data-sku="demo-p07-s1"]');
  await row.locator('.stock-delta').fill('5');
  await row.locator('.stock-apply').click();
  // The adjustment goes through the merchant function: wait for its answer on the page.
  await ui.page.waitForFunction(`document.querySelector('.stock-row[data-sku="demo-p07-s1"] .stock-value')?.textContent === '7'`);
  const stored = (await products.doc('demo-p07').get()).data[0];
  expect(stored.skus[0].stock).toBe(7);
  expect(stored.skus[1].stock).toBe(doc.skus[1].stock - 1);
  const total = stored.skus.reduce((n: number, s: { stock: number }) => n + s.stock, 0);
  await ui.page.waitForFunction(`document.querySelector('.product-row[data-id="demo-p07"] .product-stock')?.firstChild?.textContent === '${total}'`);
  await expect(ui.page.locator(`.stock-row[data-sku="${doc.skus[1].skuId}"] .stock-value`).textContent()).resolves.toBe(String(stored.skus[1].stock));
  // Coming back to the tab after shoppers bought: the column reads the store again.
  await products.doc('demo-p07').update({ 'skus.0.stock': ui.db().command.inc(-4) });
  await ui.page.evaluate(`window.dispatchEvent(new Event('focus'))`);
  await ui.page.waitForFunction(`document.querySelector('.product-row[data-id="demo-p07"] .product-stock')?.firstChild?.textContent === '${total - 4}'`);
  await products.doc('demo-p07').update({ 'skus.0.stock': ui.db().command.inc(4) });
  await ui.page.click('#refresh-products');
  await ui.page.waitForFunction(`document.querySelector('.product-row[data-id="demo-p07"] .product-stock')?.firstChild?.textContent === '${total}'`);
  // Above the threshold now: it leaves the low-stock list.
  await ui.page.check('#low-stock');
  expect(await ui.page.locator('.product-row[data-id="demo-p07"]').count()).toBe(stored.skus.every((s: { stock: number }) => s.stock > 3) ? 0 : 1);
  await ui.page.uncheck('#low-stock');
});

test('the English switch: every view in English, remembered after a reload; dates still in UTC+8', async () => {
  await ui.open('#/orders');
  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="en"] #view[data-loaded="#/orders"]');
  await ui.page.reload();
  await ui.page.waitForSelector('#view[data-loaded="#/orders"]');
  await expect(ui.page.getAttribute('html', 'lang')).resolves.toBe('en');
  expect(await ui.page.locator('#nav a').allTextContents()).toEqual(['Products', 'Stock check', 'Orders', 'After-sales & refunds', 'Stores & pickup', 'Notices', 'Coupons', 'Flash sales', 'Group deals', 'Campaigns', 'QR codes', 'Reports', 'Database', 'Function logs']);
  await expect(text('#order-count')).resolves.toBe('4 order(s)');
  const a1 = ui.page.locator('.order-row[data-id="o-a1"]');
  await expect(a1.locator('.order-created').textContent()).resolves.toBe('2026-03-02 00:30');
  await expect(a1.locator('.order-status').textContent()).resolves.toBe('To ship');
  await expect(ui.page.locator('.order-row[data-id="o-a4"] .order-attribution').textContent()).resolves.toBe('direct');
  expect(await ui.page.locator('#orders-table th').allTextContents()).toEqual(['Order', 'Created', 'Status', 'Items', 'Total', 'Ship to', 'Source', 'Referral', 'Tracking', 'Actions']);
  await ui.shots('orders-en');

  // No Chinese left in the chrome or the views (product titles and addresses are the merchant's data).
  for (const hash of ['#/products', '#/qrcodes', '#/reports', '#/ledger', '#/db/products', '#/logs']) {
    await ui.open(hash);
    const visible: string = await ui.page.evaluate(`[...document.querySelectorAll('header h1, nav, h2, h3, th, button:not(#lang-switch), label, .stat-label, #qr-count, #product-count, #doc-count, .muted')].map((el) => el.childNodes.length && [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')).join('|')`);
    expect({ hash, han: visible.match(/\p{Script=Han}+/gu) ?? [] }).toEqual({ hash, han: [] });
  }
  await ui.open('#/qrcodes');
  await expect(ui.page.getAttribute('#qr-sheet', 'href')).resolves.toContain('lang=en');
  await ui.page.click('#qr-create-campaign');
  // The refusal comes back from the server: wait for it to be shown.
  await ui.page.waitForFunction(`document.querySelector('#qr-error')?.textContent !== ''`);
  await expect(text('#qr-error')).resolves.toBe('Invalid input: a campaign code needs a campaign and a channel');
  await ui.shots('qrcodes-en');
  await ui.open('#/reports');
  await ui.shots('reports-en');
  await ui.open('#/products');
  await ui.shots('products-en');
  await ui.open('#/products/edit/demo-p02');
  await ui.shots('product-editor-en');
  await ui.open('#/db/orders');
  await ui.shots('database-en');

  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="zh-CN"] #view[data-loaded="#/db/orders"]');
  await expect(text('#nav a[data-tab="products"]')).resolves.toBe('商品');
});

test('the refunds view in Chinese and English: a request refunded before shipping, one waiting for the merchant', async () => {
  const paid = async (openid: string) => {
    const created = await ui.cloud.invoke('orders', { action: 'create', requestId: `refund-view-${openid}`, lines: [{ productId: 'demo-p09', skuId: 'demo-p09-s1', qty: 1 }], address: ADDRESS }, { openid });
    const orderId: string = created.result.data.order._id;
    const pay = await ui.cloud.invoke('orders', { action: 'pay', orderId }, { openid });
    await ui.cloud.confirmPay(pay.result.data.payment.package);
    return orderId;
  };
  const ask = async (openid: string, orderId: string) =>
    (await ui.cloud.invoke('orders', { action: 'requestAfterSale', orderId, requestId: `ask-${openid}`, lines: [{ productId: 'demo-p09', skuId: 'demo-p09-s1', qty: 1 }], reason: '尺码不合适' }, { openid })).result.data.afterSale._id as string;
  const before = await ask('oREFUND1', await paid('oREFUND1'));
  const shippedOrder = await paid('oREFUND2');
  await ui.open('#/orders');
  expect(await ui.page.evaluate(`fetch('api/orders/${shippedOrder}/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'ship', carrier: 'SF', trackingNo: 'SF5550001' }) }).then((r) => r.status)`)).toBe(200);
  const waiting = await ask('oREFUND2', shippedOrder);

  await ui.open('#/after-sales');
  await expect(ui.page.locator(`.after-sale-row[data-id="${before}"] .after-sale-status`).textContent()).resolves.toContain('已退款');
  await expect(ui.page.locator(`.after-sale-row[data-id="${waiting}"] .after-sale-status`).textContent()).resolves.toBe('待商家处理');
  expect(await ui.page.locator(`.after-sale-row[data-id="${waiting}"] .after-sale-actions button`).count()).toBeGreaterThan(1);
  await ui.shots('refunds-zh');

  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="en"] #view[data-loaded="#/after-sales"]');
  await expect(ui.page.locator(`.after-sale-row[data-id="${waiting}"] .after-sale-status`).textContent()).resolves.toBe('Awaiting merchant');
  await expect(ui.page.locator(`.after-sale-row[data-id="${before}"] .after-sale-status`).textContent()).resolves.toContain('Refunded');
  const visible: string = await ui.page.evaluate(`[...document.querySelectorAll('header h1, nav, h2, h3, th, button:not(#lang-switch), label, .stat-label, #after-sales-count, .after-sale-status, .muted')].map((el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')).join('|')`);
  expect(visible.match(/\p{Script=Han}+/gu) ?? []).toEqual([]);
  await ui.shots('refunds-en');
  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="zh-CN"] #view[data-loaded="#/after-sales"]');
});
