// The order list tab: status tabs, rows and the order-actions bar on each row.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ShopperOrder } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { actionButtons, cloudOf, ok, order, payment, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

test('list by status with labels and actions; tabs reload with the status filter', async () => {
  const fake = installWx(
    cloudOf({
      'orders.list': (req) => ok({ orders: req.status === 'shipped' ? [order({ _id: 'o3', status: 'shipped' })] : [order(), order({ _id: 'o2', status: 'paid' })], nextCursor: null }),
    }),
  );
  const page = renderPage('orders', fake);
  await settle(5);
  expect(page.querySelectorAll('.order-status').map(text)).toEqual(['待付款', '待发货']);
  // A paid order has no action of the shopper's: no bar at all.
  expect(page.querySelectorAll('.order-actions').map(actionButtons)).toEqual([['order-cancel', 'order-pay']]);
  expect(text(page.querySelector('.order-actions')!.querySelector('#order-pay'))).toBe('去支付');
  page.instance.onTabTap({ currentTarget: { dataset: { status: 'shipped' } } });
  await settle(5);
  expect(fake.calls[fake.calls.length - 1].data).toMatchObject({ action: 'list', status: 'shipped' });
  expect(page.querySelectorAll('.order-actions').map(actionButtons)).toEqual([['order-confirm']]);
});

test('a row says what the order\'s coupon took off; rows without one say nothing', async () => {
  const fake = installWx(
    cloudOf({
      'orders.list': () => ok({ orders: [order({ coupon: { couponId: 'c1', templateId: 't1', title: '满100减20', discount: 2000 }, total: 9980 }), order({ _id: 'o2', status: 'paid' })], nextCursor: null }),
    }),
  );
  const page = renderPage('orders', fake);
  await settle(5);
  expect(page.querySelectorAll('.order-card')).toHaveLength(2);
  expect(page.querySelectorAll('.order-coupon').map(text)).toEqual(['优惠券 -¥20.00']);
});

test('paying from a row calls orders.pay for that order, then reloads the list', async () => {
  let current: ShopperOrder = order();
  const fake = installWx(
    cloudOf({
      'orders.list': () => ok({ orders: [current], nextCursor: null }),
      'orders.pay': (req) => ((current = order({ _id: req.orderId, status: 'paid', paidAt: Date.now() })), ok({ orderId: req.orderId, payment })),
    }),
  );
  const page = renderPage('orders', fake);
  await settle(5);
  page.querySelector('.order-actions')!.querySelector('#order-pay')!.dispatchEvent('tap');
  await settle(8);
  expect(fake.calls.map((c) => `${c.name}.${c.data.action}`)).toEqual(['orders.list', 'orders.pay', 'orders.list']);
  expect(fake.calls[1].data).toEqual({ action: 'pay', orderId: 'o1' });
  expect(fake.toasts.pop()).toBe('支付成功');
  expect(page.querySelectorAll('.order-status').map(text)).toEqual(['待发货']);
  expect(page.querySelector('.order-actions')).toBeFalsy();
});

test('a refused payment tells the shopper why and leaves the list as it was', async () => {
  const fake = installWx(
    cloudOf({
      'orders.list': () => ok({ orders: [order()], nextCursor: null }),
      'orders.pay': () => ({ ok: false, error: { code: 'INVALID_STATE', message: '订单已超时关闭' } }),
    }),
  );
  const page = renderPage('orders', fake);
  await settle(5);
  page.querySelector('.order-actions')!.querySelector('#order-pay')!.dispatchEvent('tap');
  await settle(8);
  expect(fake.toasts.pop()).toBe('订单已超时关闭');
  expect(fake.calls.map((c) => c.data.action)).toEqual(['list', 'pay']);
});

test('a long order history renders only the orders near the screen, spacers keep the rest in place', async () => {
  const fake = installWx(
    cloudOf({
      'orders.list': (req) => {
        const start = req.cursor ? Number(req.cursor) : 0;
        const orders = Array.from({ length: 10 }, (_, i) => order({ _id: `o${start + i}`, status: 'completed' }));
        return ok({ orders, nextCursor: start + 10 >= 100 ? null : String(start + 10) });
      },
    }),
  );
  const page = renderPage('orders', fake);
  await settle(5);
  for (let i = 0; i < 12 && !page.instance.data.noMore; i += 1) {
    page.instance.onReachBottom();
    await settle(5);
  }
  expect(page.instance.data.count).toBe(100);
  const cards = page.querySelectorAll('.order-card').length;
  expect(cards).toBeGreaterThan(0);
  expect(cards).toBeLessThanOrEqual(30);
  // Completed orders have no action bar: 280 rpx each (card and gap), the spacers hold the others.
  expect(page.instance.data.spaceAbove + page.instance.data.spaceBelow + cards * 280).toBe(100 * 280);
  page.instance.onPageScroll({ scrollTop: 0 });
  await settle();
  expect(page.instance.data.spaceAbove).toBe(0);
  expect(page.instance.data.groups[0].rows.map((o: { _id: string }) => o._id)).toEqual(Array.from({ length: 10 }, (_, i) => `o${i}`));
  expect(page.instance.data.groups[9].rows).toBeNull();
});

test('a group order waiting for its group offers 查看拼团 on its row, which opens its group', async () => {
  const group = { groupId: 'g1', size: 2, leader: true };
  const fake = installWx(
    cloudOf({
      'orders.list': () => ok({ orders: [order({ status: 'grouping', paidAt: Date.now(), group }), order({ _id: 'o2', status: 'paid' })], nextCursor: null }),
    }),
  );
  const page = renderPage('orders', fake, { status: 'grouping' });
  await settle(5);
  expect(fake.calls[0].data).toMatchObject({ action: 'list', status: 'grouping' });
  expect(text(page.querySelector('.order-tab.tab-active'))).toBe('待成团');
  expect(page.querySelectorAll('.order-status').map(text)).toEqual(['待成团', '待发货']);
  expect(page.querySelectorAll('.order-actions').map(actionButtons)).toEqual([['order-group']]);
  page.querySelector('.order-actions')!.querySelector('#order-group')!.dispatchEvent('tap');
  await settle();
  expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: '/pages-group/index?groupId=g1' });
  page.detach();
});
