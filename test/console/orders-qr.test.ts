/**
 * The console's orders list (filters, ship with a tracking number as a conditional state change) and
 * QR codes (create for a product or campaign, preview, download PNG, printable sheet) in headless
 * Chromium.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { artifactsDir } from '../support/artifacts';
import { useConsole } from './harness';

jest.setTimeout(120_000);

const ui = useConsole();

const ADDRESS = { name: '李四', phone: '13900000000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号' };

function order(id: string, status: string, createdAt: number, extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    _openid: 'oSOMEONE',
    requestId: `req-${id}`,
    lines: [{ productId: 'demo-p01', skuId: 'demo-p01-s1', title: '纯棉圆领短袖T恤 男女同款', specText: '白色 / S', image: '', unitPrice: 5900, qty: 1, lineTotal: 5900 }],
    itemsTotal: 5900,
    shippingFee: 0,
    total: 5900,
    status,
    address: ADDRESS,
    remark: '',
    attribution: {},
    createdAt,
    expireAt: createdAt + 15 * 60_000,
    updatedAt: createdAt,
    ...extra,
  };
}

function decode(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('orders', () => {
  beforeAll(async () => {
    await ui.db().collection('orders').add([
      order('o-paid-1', 'paid', Date.UTC(2026, 2, 1, 2), { paidAt: Date.UTC(2026, 2, 1, 3) }),
      order('o-paid-2', 'paid', Date.UTC(2026, 2, 3, 2), { paidAt: Date.UTC(2026, 2, 3, 3) }),
      order('o-pending', 'pending_payment', Date.UTC(2026, 2, 2, 2)),
      order('o-shipped', 'shipped', Date.UTC(2026, 1, 20, 2), { trackingNo: 'YT000111', shippedAt: Date.UTC(2026, 1, 21) }),
    ]);
  });

  test('lists orders newest first, without owner ids, and filters them', async () => {
    await ui.open('#/orders');
    await expect(ui.page.locator('#order-count').textContent()).resolves.toBe('共 4 个订单');
    expect(await ui.page.locator('.order-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['o-paid-2', 'o-pending', 'o-paid-1', 'o-shipped']);
    expect(await ui.page.content()).not.toContain('oSOMEONE');
    await expect(ui.page.locator('.order-row[data-id="o-paid-1"] .order-total').textContent()).resolves.toBe('¥59.00');
    await expect(ui.page.locator('.order-row[data-id="o-paid-1"] .order-status').textContent()).resolves.toBe('待发货');

    await ui.page.selectOption('#order-status', 'paid');
    await ui.page.click('#apply-order-filter');
    await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 2 个订单'`);
    expect(await ui.page.locator('.order-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['o-paid-2', 'o-paid-1']);

    await ui.page.selectOption('#order-status', '');
    await ui.page.fill('#order-from', '2026-03-01');
    await ui.page.fill('#order-to', '2026-03-02');
    await ui.page.click('#apply-order-filter');
    await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 2 个订单'`);
    expect(await ui.page.locator('.order-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['o-pending', 'o-paid-1']);
  });

  test('only allowed state changes are offered; ship needs a tracking number and happens once', async () => {
    await ui.open('#/orders');
    // The console keeps the last filter while it is open; clear it.
    await expect(ui.page.inputValue('#order-from')).resolves.toBe('2026-03-01');
    await ui.page.fill('#order-from', '');
    await ui.page.fill('#order-to', '');
    await ui.page.click('#apply-order-filter');
    await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 4 个订单'`);
    expect(await ui.page.locator('.order-row[data-id="o-pending"] .order-actions button').count()).toBe(0);
    expect(await ui.page.locator('.order-row[data-id="o-shipped"] .ship-order').count()).toBe(0);
    expect(await ui.page.locator('.order-row[data-id="o-shipped"] .complete-order').count()).toBe(1);

    const row = ui.page.locator('.order-row[data-id="o-paid-1"]');
    await row.locator('.ship-order').click();
    await ui.page.waitForSelector('#order-error:has-text("a tracking number is 4-40 letters, digits or -")');
    await expect(ui.page.locator('#order-error').textContent()).resolves.toBe('输入有误：a tracking number is 4-40 letters, digits or -');
    expect((await ui.db().collection('orders').doc('o-paid-1').get()).data[0].status).toBe('paid');

    await row.locator('.tracking-input').fill('SF1234567890');
    await row.locator('.ship-order').click();
    await ui.page.waitForFunction(`document.querySelector('.order-row[data-id="o-paid-1"]').dataset.status === 'shipped'`);
    await expect(ui.page.locator('.order-row[data-id="o-paid-1"] .order-tracking-no').textContent()).resolves.toBe('顺丰速运 SF1234567890');
    // This order was never paid at WeChat Pay (written straight into the database): WeChat refuses its
    // shipping info, and the merchant sees why and that it will be retried.
    const upload = ui.page.locator('.order-row[data-id="o-paid-1"] .order-upload');
    await expect(upload.getAttribute('data-upload')).resolves.toBe('failed');
    await expect(upload.textContent()).resolves.toBe('发货信息上传失败（已试 1 次，将自动重试）');
    await expect(ui.page.locator('.order-row[data-id="o-paid-1"] .order-upload-error').textContent()).resolves.toContain('10060001');
    const shipped = (await ui.db().collection('orders').doc('o-paid-1').get()).data[0];
    expect(shipped).toMatchObject({ status: 'shipped', carrier: 'SF', trackingNo: 'SF1234567890', _openid: 'oSOMEONE' });
    expect(typeof shipped.shippedAt).toBe('number');

    // A second "ship" (another tab, a double click) is refused by the conditional update.
    const again = await ui.page.evaluate(`fetch('api/orders/o-paid-1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'ship', carrier: 'SF', trackingNo: 'OTHER999' }) }).then(async (r) => ({ status: r.status, body: await r.json() }))`);
    expect(again).toEqual({ status: 409, body: { error: { code: 'INVALID_STATE', message: 'order o-paid-1 is shipped; "ship" needs paid' } } });
    expect((await ui.db().collection('orders').doc('o-paid-1').get()).data[0].trackingNo).toBe('SF1234567890');
    const cancel = await ui.page.evaluate(`fetch('api/orders/o-pending/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'cancel' }) }).then((r) => r.status)`);
    expect(cancel).toBe(400);

    await ui.page.locator('.order-row[data-id="o-shipped"] .complete-order').click();
    await ui.page.waitForFunction(`document.querySelector('.order-row[data-id="o-shipped"]').dataset.status === 'completed'`);
    expect((await ui.db().collection('orders').doc('o-shipped').get()).data[0].status).toBe('completed');
  });
});

test("the raw document editor cannot change an order's status or its stamps; other fields it can", async () => {
  await ui.open('#/orders');
  const put = (doc: Record<string, unknown>) =>
    ui.page.evaluate(
      `fetch('api/collections/orders/docs/o-raw', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify({ doc }))} }).then(async (r) => ({ status: r.status, body: await r.json() }))`,
    );
  const base = order('o-raw', 'paid', Date.UTC(2026, 2, 5, 2), { paidAt: Date.UTC(2026, 2, 5, 3) });
  await ui.db().collection('orders').add(base);
  const { _id, ...fields } = base;
  void _id;
  const refused = await put({ ...fields, status: 'shipped', shippedAt: Date.now() });
  expect(refused).toMatchObject({ status: 409, body: { error: { code: 'INVALID_STATE', message: expect.stringContaining('status, shippedAt change only through the order actions') } } });
  expect(await put({ ...fields, remark: '请周末送货' })).toMatchObject({ status: 200 });
  expect((await ui.db().collection('orders').doc('o-raw').get()).data[0]).toMatchObject({ status: 'paid', remark: '请周末送货' });
});

test('an order placed and paid through the storefront is shipped from the console, and the shopper sees it', async () => {
  const created = await ui.cloud.invoke('orders', { action: 'create', requestId: 'console-e2e-1', lines: [{ productId: 'demo-p09', skuId: 'demo-p09-s1', qty: 1 }], address: ADDRESS }, { openid: 'oBUYER' });
  expect(created.result).toMatchObject({ ok: true });
  const orderId: string = created.result.data.order._id;
  const pay = await ui.cloud.invoke('orders', { action: 'pay', orderId }, { openid: 'oBUYER' });
  expect(pay.result).toMatchObject({ ok: true });
  await ui.cloud.confirmPay(pay.result.data.payment.package);
  const paid = await ui.cloud.invoke('orders', { action: 'get', orderId }, { openid: 'oBUYER' });
  expect(paid.result.data.order.status).toBe('paid');

  await ui.open('#/orders');
  await ui.page.fill('#order-id', orderId);
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 1 个订单'`);
  const row = ui.page.locator(`.order-row[data-id="${orderId}"]`);
  await row.locator('.tracking-input').fill('JD0099887766');
  await row.locator('.ship-order').click();
  await ui.page.waitForFunction(`document.querySelector('.order-row').dataset.status === 'shipped'`);

  const seen = await ui.cloud.invoke('orders', { action: 'get', orderId }, { openid: 'oBUYER' });
  expect(seen.result.data.order).toMatchObject({ status: 'shipped', trackingNo: 'JD0099887766' });
  // Paid through WeChat Pay: the shipping info went to WeChat, and the list says so.
  await expect(row.locator('.order-upload').getAttribute('data-upload')).resolves.toBe('uploaded');
  await expect(row.locator('.order-upload').textContent()).resolves.toBe('发货信息已上传微信');
  await ui.page.screenshot({ path: join(artifactsDir('console'), 'orders-shipping-upload.png'), fullPage: true });
  await ui.page.fill('#order-id', '');
});

test('an upload given up after a full refund says so and why, and offers no retry', async () => {
  const at = Date.UTC(2026, 2, 5, 2);
  const upload = { state: 'abandoned', logisticsType: 1, attempts: 3, nextAttemptAt: at, lastAttemptAt: at, lastError: '10060004 支付单处于不可发货的状态', uploadedAt: null, leaseUntil: null, confirmedBy: null, abandonedAt: at, abandonedReason: '微信支付单已退款或关闭' };
  await ui.db().collection('orders').add([order('o-refunded-shipped', 'shipped', at, { carrier: 'YTO', trackingNo: 'YT000222', shippedAt: at, shippingUpload: upload })]);
  await ui.open('#/orders');
  await ui.page.fill('#order-id', 'o-refunded-shipped');
  await ui.page.click('#apply-order-filter');
  await ui.page.waitForFunction(`document.querySelector('#order-count').textContent === '共 1 个订单'`);
  const row = ui.page.locator('.order-row[data-id="o-refunded-shipped"]');
  await expect(row.locator('.order-upload').getAttribute('data-upload')).resolves.toBe('abandoned');
  await expect(row.locator('.order-upload').textContent()).resolves.toBe('不再上传发货信息（微信支付单已退款或关闭）');
  await expect(row.locator('.order-upload-error').textContent()).resolves.toContain('10060004');
  await ui.page.fill('#order-id', '');
});

describe('QR codes', () => {
  test('a product code: preview, PNG download that scans to the product page', async () => {
    await ui.open('#/qrcodes');
    await ui.page.selectOption('#qr-product', 'demo-p05');
    await ui.page.click('#qr-create-product');
    const item = ui.page.locator('.qr-item').first();
    await item.waitFor();
    const scene = (await item.locator('.qr-scene').textContent())!;
    expect(scene).toMatch(/^s=[0-9A-Za-z]{8}$/);
    await ui.page.waitForFunction(`document.querySelector('.qr-item .qr-preview').naturalWidth > 100`);

    const [download] = await Promise.all([ui.page.waitForEvent('download'), item.locator('.qr-download').click()]);
    expect(download.suggestedFilename()).toBe('product-demo-p05.png');
    const payload = decode(readFileSync((await download.path())!));
    const url = new URL(payload!);
    expect(url.searchParams.get('page')).toBe('pages-shop/product/index');
    expect(url.searchParams.get('scene')).toBe(scene);
    const resolved = await ui.cloud.invoke('scenes', { action: 'resolve', scene }, { openid: 'oSHOPPER' });
    expect(resolved.result.data.target).toEqual({ page: 'pages-shop/product/index', query: { id: 'demo-p05' } });
  });

  test('a campaign code, and a printable sheet of every code made', async () => {
    await ui.open('#/qrcodes');
    await ui.page.fill('#qr-campaign', 'double11');
    await ui.page.click('#qr-create-campaign');
    await ui.page.waitForSelector('#qr-error:has-text("a campaign code needs a campaign and a channel")');
    await ui.page.fill('#qr-channel', 'poster');
    await ui.page.fill('#qr-store', 'hz-01');
    await ui.page.click('#qr-create-campaign');
    await ui.page.waitForFunction(`document.querySelectorAll('.qr-item').length === 2`);
    const scene = (await ui.page.locator('.qr-item').first().locator('.qr-scene').textContent())!;
    const resolved = await ui.cloud.invoke('scenes', { action: 'resolve', scene }, { openid: 'oSHOPPER' });
    expect(resolved.result.data).toEqual({ target: { page: 'pages/catalog/index', query: {} }, attribution: { sceneCode: scene, campaign: 'double11', channel: 'poster', store: 'hz-01' } });

    const [sheet] = await Promise.all([ui.context.waitForEvent('page'), ui.page.click('#qr-sheet')]);
    await sheet.waitForLoadState('load');
    await sheet.waitForFunction(`[...document.querySelectorAll('.qr-card img')].every((img) => img.complete && img.naturalWidth > 100)`);
    expect(await sheet.locator('.qr-card').count()).toBe(2);
    const captions = await sheet.locator('.qr-card figcaption').allTextContents();
    expect(captions.join('\n')).toContain('double11 · poster · hz-01');
    expect(captions.join('\n')).toContain('场景值 ' + scene);
    await expect(sheet.locator('h1').textContent()).resolves.toBe('二维码（2 个）');
    await sheet.close();
  });
});
