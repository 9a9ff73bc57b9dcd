// The payment result page: it asks the server before saying a payment went through.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, ok, order, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

test('confirms a payment with the server: orders.get for that order, then "支付成功"', async () => {
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ status: 'paid' }) }) }));
  const page = renderPage('pay-result', fake, { orderId: 'o1', status: 'paid' });
  await settle(5);
  expect(fake.calls).toEqual([{ name: 'orders', data: { action: 'get', orderId: 'o1' } }]);
  expect(page.instance.data.outcome).toBe('paid');
  expect(text(page.querySelector('#pay-result-title'))).toBe('支付成功');
});

test('until the server has the payment the page says it is checking, and asks again', async () => {
  let status: 'pending_payment' | 'paid' = 'pending_payment';
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ status }) }) }));
  const page = renderPage('pay-result', fake, { orderId: 'o1', status: 'paid' });
  await settle(5);
  expect(page.instance.data.outcome).toBe('checking');
  expect(text(page.querySelector('#pay-result-title'))).toBe('正在确认支付结果…');
  status = 'paid';
  // The page asks again after a short pause (a timer); wait for that second call, not for a duration.
  for (let i = 0; i < 200 && fake.calls.length < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
  await settle(5);
  expect(fake.calls.length).toBe(2);
  expect(page.instance.data.outcome).toBe('paid');
  page.instance.onUnload();
});

test('a cancelled payment makes no call and offers to pay from the order', async () => {
  const fake = installWx(cloudOf({}));
  const page = renderPage('pay-result', fake, { orderId: 'o1', status: 'cancelled' });
  await settle(3);
  expect(fake.calls).toEqual([]);
  expect(text(page.querySelector('#pay-result-title'))).toBe('订单已提交，尚未支付');
  page.querySelector('#view-order')!.dispatchEvent('tap');
  await settle();
  expect(fake.navigations.pop()).toEqual({ api: 'redirectTo', url: '/pages-order/detail/index?id=o1' });
});
