// The order detail page: countdown to expiry, and its order-actions bar paying, cancelling, confirming.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ShopperOrder } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { actionButtons, cloudOf, fail, ok, order, payment, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

test('countdown to expiry, pay and cancel buttons; cancel shows the cancelled order', async () => {
  let current: ShopperOrder = order();
  const fake = installWx(
    cloudOf({
      'orders.get': () => ok({ order: current }),
      'orders.pay': () => ok({ orderId: 'o1', payment }),
      'orders.cancel': (req) => ((current = order({ _id: req.orderId, status: 'cancelled', cancelledAt: Date.now() })), ok({ order: current })),
    }),
  );
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  expect(text(page.querySelector('#order-status'))).toBe('待付款');
  expect(text(page.querySelector('#order-countdown'))).toMatch(/^剩余支付时间 1[45]:\d\d$/);
  const bar = page.querySelector('#order-actions')!;
  expect(actionButtons(bar)).toEqual(['order-cancel', 'order-pay']);
  expect(text(bar.querySelector('#order-pay'))).toBe('立即支付');
  bar.querySelector('#order-cancel')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.modals.pop()!.title).toBe('取消订单');
  expect(fake.calls[fake.calls.length - 1].data).toEqual({ action: 'cancel', orderId: 'o1' });
  expect(text(page.querySelector('#order-status'))).toBe('已取消');
  expect(page.querySelector('#order-actions')).toBeFalsy();
  page.detach();
});

test('cancel of an order the shopper had just paid: told it is paid, and the page shows it paid', async () => {
  let current: ShopperOrder = order();
  const message = '订单已支付，不能取消。如需退款，请在订单详情中申请售后';
  const fake = installWx(
    cloudOf({
      'orders.get': () => ok({ order: current }),
      'orders.cancel': () => ((current = order({ status: 'paid', paidAt: Date.now() })), fail('ALREADY_PAID', message, { order: current })),
    }),
  );
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  page.querySelector('#order-actions')!.querySelector('#order-cancel')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.modals.map((m) => m.title)).toEqual(['取消订单', '订单已支付']);
  expect(fake.modals[1].content).toBe(message);
  expect(text(page.querySelector('#order-status'))).toBe('待发货');
  expect(actionButtons(page.querySelector('#order-actions')!)).not.toContain('order-cancel');
  page.detach();
});

test('pay: one orders.pay however often the button is tapped, then the order is reloaded', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const fake = installWx(
    cloudOf({
      'orders.get': () => ok({ order: order() }),
      'orders.pay': async (req) => (await gate, ok({ orderId: req.orderId, payment })),
    }),
  );
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  const pay = page.querySelector('#order-actions')!.querySelector('#order-pay')!;
  pay.dispatchEvent('tap');
  pay.dispatchEvent('tap');
  await settle(3);
  release();
  await settle(8);
  expect(fake.calls.map((c) => c.data.action)).toEqual(['get', 'pay', 'get']);
  expect(fake.toasts.pop()).toBe('支付成功');
  page.detach();
});

test('confirm receipt of a shipped order', async () => {
  let current: ShopperOrder = order({ status: 'shipped', trackingNo: 'SF123' });
  const fake = installWx(
    cloudOf({ 'orders.get': () => ok({ order: current }), 'orders.confirmReceipt': () => ((current = order({ status: 'completed' })), ok({ order: current })) }),
  );
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  page.querySelector('#order-actions')!.querySelector('#order-confirm')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.calls.map((c) => c.data.action)).toEqual(['get', 'confirmReceipt']);
  expect(text(page.querySelector('#order-status'))).toBe('已完成');
  page.detach();
});

test('an order that does not exist (or is not the shopper’s) gets the empty state', async () => {
  const fake = installWx(cloudOf({ 'orders.get': () => fail('NOT_FOUND', '订单不存在') }));
  const page = renderPage('order-detail', fake, { id: 'nope' });
  await settle(5);
  expect(page.instance.data).toMatchObject({ status: 'empty', message: '订单不存在' });
  page.detach();
});

test('a group order offers 查看拼团 beside its other actions', async () => {
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ group: { groupId: 'g 1', size: 3, leader: false } }) }) }));
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  const bar = page.querySelector('#order-actions')!;
  expect(actionButtons(bar)).toEqual(['order-group', 'order-cancel', 'order-pay']);
  bar.querySelector('#order-group')!.dispatchEvent('tap');
  await settle();
  expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: '/pages-group/index?groupId=g%201' });
  page.detach();
});

test('order times read as China time, not in the zone the phone (here: this machine, UTC in CI) is set to', async () => {
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ createdAt: Date.UTC(2026, 2, 1, 16, 30) }) }) }));
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  expect(page.querySelectorAll('.sum-row').map((row) => text(row))).toContain('下单时间2026-03-02 00:30');
  page.detach();
});

test('the page shows the server\'s words and buttons as they come, and nothing it was not sent', async () => {
  // Buttons the server would not send for this status: the page renders them anyway, it decides nothing.
  const sent = { ...order({ status: 'shipped' }), statusText: '待收货（已签收）', buttons: [{ type: 'confirm' as const, name: '确认收货', primary: true }] };
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: sent }) }));
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  expect(text(page.querySelector('#order-status'))).toBe('待收货（已签收）');
  expect(actionButtons(page.querySelector('#order-actions')!)).toEqual(['order-confirm']);
  expect(page.querySelector('#order-actions')!.querySelector('#order-confirm')!.dom.className).toContain('oa-primary');
  page.detach();

  const none = installWx(cloudOf({ 'orders.get': () => ok({ order: { ...order(), buttons: [] } }) }));
  const bare = renderPage('order-detail', none, { id: 'o1' });
  await settle(5);
  // No pay button from the server: no countdown and no bar either.
  expect(bare.querySelector('#order-actions')).toBeFalsy();
  expect(bare.querySelector('#order-countdown')).toBeFalsy();
  bare.detach();
});

test('an unpaid order past its payment window reads 已过期 with no pay or cancel, before the expiry timer runs', async () => {
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ expireAt: Date.now() - 1000 }) }) }));
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(5);
  expect(text(page.querySelector('#order-status'))).toBe('已过期');
  expect(page.querySelector('#order-actions')).toBeFalsy();
  page.detach();
});
