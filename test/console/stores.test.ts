/**
 * Stores and store pickup in the console (Chromium): the merchant adds stores (pickup on and off), makes
 * a store's QR code, sees a paid pickup order waiting, is told in Chinese when a code is wrong, verifies
 * the right one with a scanner's Enter, and is told when it was already used. Screenshots at phone and
 * desktop widths.
 */
import { call, dataOf, ensureCollections } from '../support';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();

async function addStore(store: { id: string; name: string; address: string; hours: string; pickup: boolean }) {
  const page = ui.page;
  await page.fill('#store-id', store.id);
  await page.fill('#store-name', store.name);
  await page.fill('#store-address', store.address);
  await page.fill('#store-hours', store.hours);
  await page.setChecked('#store-pickup', store.pickup);
  await page.click('#store-save');
  await page.locator(`#stores-table tr[data-store="${store.id}"]`).waitFor();
}

/** A shopper scans the store's code and pays a pickup order there (through the real functions). */
async function paidPickupOrder(openid: string, storeId: string): Promise<{ orderId: string; code: string }> {
  const { scene } = dataOf(await call(ui.cloud, 'scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, store: storeId }));
  dataOf(await call(ui.cloud, 'scenes', { action: 'resolve', scene }, openid));
  const product = dataOf(await call(ui.cloud, 'catalog', { action: 'get', productId: 'demo-p01' }, openid)).product;
  const sku = product.skus.find((s) => s.available > 0)!;
  const { order } = dataOf(await call(ui.cloud, 'orders', { action: 'create', requestId: `pk-${openid}`, lines: [{ productId: product._id, skuId: sku.skuId, qty: 1 }], pickup: { contact: { name: '王小明', phone: '13700002222' } } }, openid));
  const { payment } = dataOf(await call(ui.cloud, 'orders', { action: 'pay', orderId: order._id }, openid));
  await ui.cloud.confirmPay(payment.package, 1);
  return { orderId: order._id, code: dataOf(await call(ui.cloud, 'orders', { action: 'pickupCode', orderId: order._id }, openid)).code };
}

test('stores, a store code, and a pickup verified at the counter: wrong code, right code, used code', async () => {
  await ensureCollections(ui.cloud);
  await ui.open('#/stores');
  const page = ui.page;
  await page.locator('#stores-empty').waitFor();
  await addStore({ id: 'sh-jingan', name: '静安体验店', address: '上海市静安区南京西路 1000 号', hours: '每天 10:00-22:00', pickup: true });
  await addStore({ id: 'sh-pudong', name: '浦东仓库', address: '上海市浦东新区世纪大道 1 号', hours: '', pickup: false });
  expect(await page.locator('#stores-table tr[data-store="sh-pudong"] td').nth(4).textContent()).toBe('不支持自提');
  // The store's own rule, in Chinese.
  await page.fill('#store-id', 'bad id');
  await page.fill('#store-name', '坏店');
  await page.fill('#store-address', '某路');
  await page.click('#store-save');
  // The refusal comes back from the function: wait for it rather than read at once.
  await page.locator('#stores-error:not(:empty)').waitFor();
  await expect(page.locator('#stores-error').textContent()).resolves.toBe('输入有误：门店信息有误：门店编号为 1-32 位字母、数字、_ 或 -');

  await page.locator('#stores-table tr[data-store="sh-jingan"] button.store-qr').click();
  await page.locator('#store-qr img.qr-preview').waitFor();

  const { orderId, code } = await paidPickupOrder('oCONSOLE-PK', 'sh-jingan');
  await ui.open('#/stores');
  const waiting = page.locator(`#pickup-table tr[data-order="${orderId}"]`);
  await waiting.waitFor();
  expect(await waiting.textContent()).toContain('王小明 13700002222');
  expect(await page.locator('#stores-table tr[data-store="sh-jingan"] td').nth(5).textContent()).toBe('1');
  await ui.shots('stores');

  const wrong = code === '00000000' ? '11111111' : '00000000';
  await page.fill('#pickup-code-input', wrong);
  await page.click('#pickup-verify-button');
  await page.locator('#pickup-result.error').waitFor();
  expect(await page.locator('#pickup-result').textContent()).toBe('提货码不正确，请核对后重试');

  // A scanner types the digits and Enter.
  await page.fill('#pickup-code-input', code);
  await page.press('#pickup-code-input', 'Enter');
  await page.locator('#pickup-result.pickup-ok').waitFor();
  expect(await page.locator('#pickup-result').textContent()).toContain(`核销成功：订单 ${orderId} 已提货（静安体验店，王小明 13700002222）`);
  expect(await page.locator('#pickup-upload').textContent()).toBe('微信发货信息：发货信息已上传微信');
  await page.locator(`#pickup-table tr[data-order="${orderId}"]`).waitFor({ state: 'detached' });
  await ui.shots('stores-verified');

  await page.fill('#pickup-code-input', code);
  await page.press('#pickup-code-input', 'Enter');
  await page.locator('#pickup-result.pickup-warn').waitFor();
  expect(await page.locator('#pickup-result').textContent()).toMatch(new RegExp(`提货码已使用：订单 ${orderId} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 提货，请勿重复交货`));
  const stored = dataOf(await call(ui.cloud, 'orders', { action: 'get', orderId }, 'oCONSOLE-PK')).order;
  expect(stored).toMatchObject({ status: 'completed', pickedUpAt: expect.any(Number) });
});
