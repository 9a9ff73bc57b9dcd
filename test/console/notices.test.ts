/**
 * The console's notices view: after the merchant ships two orders, one of a shopper who subscribed and
 * one of a shopper who did not, it lists the sent notice with its content and the refused one (43101),
 * filters by order, and reads on a laptop and a phone (screenshots).
 */
import { ADDRESS, call, dataOf, requestId, seed } from '../support';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();

async function shippedOrder(openid: string, subscribe: boolean): Promise<string> {
  const product = (await ui.db().collection('products').doc('demo-p02').get()).data[0];
  const line = { productId: 'demo-p02', skuId: product.skus[0].skuId, qty: 1 };
  const order = dataOf(await call(ui.cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [line], address: ADDRESS }, openid)).order;
  const { payment } = dataOf(await call(ui.cloud, 'orders', { action: 'pay', orderId: order._id }, openid));
  await ui.cloud.confirmPay(payment.package, 1);
  if (subscribe) await ui.cloud.local('POST', '/openapi/subscriptions', { openid, results: { TPL_CONSOLE_SHIPPED: 'accept' } });
  dataOf(await call(ui.cloud, 'merchant', { action: 'ship', orderId: order._id, carrier: 'YTO', trackingNo: 'YT0000000001' }));
  return order._id;
}

test('sent and refused notices per order, filtered by order; laptop and phone', async () => {
  await seed(ui.cloud, 'config', [{ _id: 'notices', templates: { shipped: { templateId: 'TPL_CONSOLE_SHIPPED' } } }]);
  const sent = await shippedOrder('oCONSOLE1', true);
  const refused = await shippedOrder('oCONSOLE2', false);

  await ui.open('#/notices');
  const page = ui.page;
  const rows = page.locator('#notices-table tbody tr.notice');
  await expect(rows.count()).resolves.toBe(2);
  const cells = async (orderId: string) => (await page.locator(`#notices-table tbody tr.notice:has(td:text-is("${orderId}"))`).locator('td').allTextContents()).map((c) => c.trim());
  const a = await cells(sent);
  expect(a.slice(1, 3)).toEqual(['订单发货', '已发送']);
  expect(a[3]).toContain('圆通速递');
  expect(a[3]).toContain('YT0000000001');
  const b = await cells(refused);
  expect(b.slice(1, 3)).toEqual(['订单发货', '顾客未订阅']);
  expect(b[5]).toContain('43101');

  await ui.shots('notices');

  await ui.open(`#/notices/${sent}`);
  await expect(page.locator('#notices-table tbody tr.notice').count()).resolves.toBe(1);
  await expect(page.locator('#notices-count').textContent()).resolves.toBe('1 条通知');
});
