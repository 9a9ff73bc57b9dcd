// After-sales on the pages: the request form (subpackage) and the order detail's after-sales block.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ShopperAfterSale } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, fail, ok, order, orderView, presented, previewOf, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

/** The request form lives in the after-sales subpackage, beside pages/. */
const REQUEST_PAGE = '../pages-after-sales/request';

const paid = () => orderView({ status: 'paid', shippingFee: 800, total: 12780, paidAt: Date.now() });

function afterSale(overrides: Partial<ShopperAfterSale> = {}): ShopperAfterSale {
  const now = Date.now();
  return {
    statusText: '已退款',
    _id: 'A1', orderId: 'o1', requestId: 'r', reason: '不想要了', refundFee: 5990, shippingRefund: 0, status: 'refunded', shippedWhenRequested: false, createdAt: now, updatedAt: now,
    lines: [{ index: 0, productId: 'p1', skuId: 'red-s', title: '纯棉卫衣', specText: '红 / S', image: '', qty: 1, refundFee: 5990 }],
    ...overrides,
  };
}

test('request form: every unit preselected with shipping; fewer units priced again by the server; submit once with one key', async () => {
  const fake = installWx(
    cloudOf({
      'orders.previewAfterSale': (req) => ok(previewOf(paid(), req.lines)),
      'orders.requestAfterSale': () => ok({ afterSale: afterSale(), order: presented(paid()) }),
    }),
  );
  const page = renderPage(REQUEST_PAGE, fake, { orderId: 'o1' });
  await settle(5);
  expect(fake.calls.map((c) => c.data)).toEqual([{ action: 'previewAfterSale', orderId: 'o1' }]);
  expect(page.querySelectorAll('.as-line')).toHaveLength(1);
  expect(text(page.querySelector('.as-line .qty'))).toContain('可退 2 件');
  expect(text(page.querySelector('#as-refund'))).toBe('¥127.80');
  expect(text(page.querySelector('#as-hint'))).toBe('订单未发货，提交后立即原路退款');
  // No reason yet: submit stays off.
  expect(page.instance.data.canSubmit).toBe(false);
  page.querySelector('.as-qty')!.querySelector('.stepper-minus')!.dispatchEvent('tap');
  await settle(3);
  // The page asks the server for the new units' refund; it does not price them itself.
  expect(fake.calls[fake.calls.length - 1].data).toEqual({ action: 'previewAfterSale', orderId: 'o1', lines: [{ productId: 'p1', skuId: 'red-s', qty: 1 }] });
  expect(text(page.querySelector('#as-refund'))).toBe('¥59.90');
  page.querySelectorAll('.reason')[0].dispatchEvent('tap');
  await settle(3);
  expect(page.instance.data.canSubmit).toBe(true);
  const submit = page.querySelector('#as-submit')!;
  submit.dispatchEvent('tap');
  submit.dispatchEvent('tap');
  await settle(8);
  const sent = fake.calls.filter((c) => c.data.action === 'requestAfterSale');
  expect(sent).toHaveLength(1);
  expect(sent[0].data).toMatchObject({ orderId: 'o1', lines: [{ productId: 'p1', skuId: 'red-s', qty: 1 }], reason: '不想要了', requestId: expect.stringMatching(/^r/) });
  expect(fake.toasts.pop()).toBe('退款成功');
  page.detach();
});

test('request form: the server\'s refusal of the units shows under the refund and keeps submit off; a failed preview says so', async () => {
  let down = false;
  const fake = installWx(
    cloudOf({
      'orders.previewAfterSale': (req) => (down ? fail('UNAVAILABLE', '网络不太稳定，请稍后重试') : ok(previewOf(paid(), req.lines))),
    }),
  );
  const page = renderPage(REQUEST_PAGE, fake, { orderId: 'o1' });
  await settle(5);
  page.querySelectorAll('.reason')[0].dispatchEvent('tap');
  const minus = page.querySelector('.as-qty')!.querySelector('.stepper-minus')!;
  minus.dispatchEvent('tap');
  await settle(3);
  minus.dispatchEvent('tap');
  await settle(3);
  expect(fake.calls[fake.calls.length - 1].data).toEqual({ action: 'previewAfterSale', orderId: 'o1', lines: [] });
  expect(text(page.querySelector('#as-problem'))).toBe('请选择要退的商品');
  expect(text(page.querySelector('#as-refund'))).toBe('¥0.00');
  expect(page.instance.data.canSubmit).toBe(false);
  down = true;
  page.querySelector('.as-qty')!.querySelector('.stepper-plus')!.dispatchEvent('tap');
  await settle(3);
  expect(text(page.querySelector('#as-problem'))).toBe('网络不太稳定，请稍后重试');
  expect(page.instance.data.canSubmit).toBe(false);
  page.detach();
});

test('request form: refusal is a toast and the form stays; an order fully asked back is the empty state; errors retry', async () => {
  let fails = true;
  const fake = installWx(
    cloudOf({
      'orders.previewAfterSale': (req) => (fails ? fail('UNAVAILABLE', '网络不太稳定，请稍后重试') : ok(previewOf(paid(), req.lines))),
      'orders.requestAfterSale': () => fail('INVALID_STATE', '退货数量超过可退数量'),
    }),
  );
  const page = renderPage(REQUEST_PAGE, fake, { orderId: 'o1' });
  await settle(5);
  expect(page.instance.data).toMatchObject({ status: 'error', message: '网络不太稳定，请稍后重试' });
  fails = false;
  (page.instance as unknown as { onRetry(): void }).onRetry();
  await settle(5);
  expect(page.instance.data.status).toBe('ok');
  page.querySelectorAll('.reason')[1].dispatchEvent('tap');
  await settle(3);
  page.querySelector('#as-submit')!.dispatchEvent('tap');
  await settle(8);
  expect(fake.toasts.pop()).toBe('退货数量超过可退数量');
  expect(page.instance.data.status).toBe('ok');
  page.detach();

  const asked = orderView({ status: 'paid', shippingFee: 800, total: 12780, paidAt: Date.now(), afterSales: { lines: [{ qty: 2, fee: 11980 }], shippingFee: 800, count: 1, states: { A1: 'refunded' } } });
  const done = installWx(cloudOf({ 'orders.previewAfterSale': (req) => ok(previewOf(asked, req.lines)) }));
  const empty = renderPage(REQUEST_PAGE, done, { orderId: 'o1' });
  await settle(5);
  expect(empty.instance.data).toMatchObject({ status: 'empty', message: '这个订单的商品都已申请过售后' });
  empty.detach();
});

test('order detail: the after-sales state, each request with its status, refund and refusal reason, and the way to ask', async () => {
  const shipped = order({ status: 'shipped', trackingNo: 'SF1', afterSales: { lines: [{ qty: 1, fee: 5990 }], shippingFee: 0, count: 1, states: { A1: 'refused' } } });
  const fake = installWx(
    cloudOf({
      'orders.get': () => ok({ order: shipped }),
      'orders.listAfterSales': () => ok({ afterSales: [afterSale({ status: 'refused', statusText: '商家已拒绝', refuseReason: '商品已使用', shippedWhenRequested: true })] }),
    }),
  );
  const page = renderPage('order-detail', fake, { id: 'o1' });
  await settle(6);
  expect(text(page.querySelector('#order-after-sales-state'))).toBe('售后已拒绝');
  expect(text(page.querySelector('.after-sale-status'))).toBe('商家已拒绝');
  expect(text(page.querySelector('.after-sale-refused'))).toBe('拒绝原因：商品已使用');
  expect(text(page.querySelector('.after-sale-fee'))).toBe('¥59.90');
  expect(page.querySelector('#order-actions')!.querySelector('#order-after-sale')).toBeTruthy();
  page.detach();
});
