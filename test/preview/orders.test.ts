/**
 * The order pages in a real browser at phone and laptop sizes, against the real orders function on the
 * local cloud: the list shows each order's status and buttons as the server sends them, the detail of a
 * paid order offers 申请售后, and the request form shows the refund the server previews (all units with
 * shipping, then fewer). Screens go to <artifacts>/preview/orders-*.png.
 */
import { ADDRESS, call, dataOf, requestId } from '../support';
import { onRoute, openAs, screenshot, sizesWithUsers, startStore, toNewPage, until, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
const USERS = ['o_sim_user_2', 'o_sim_user_3'];
const paidIds: Record<string, string> = {};
beforeAll(async () => {
  store = await startStore();
  const [first] = dataOf(await call(store.cloud, 'catalog', { action: 'list', pageSize: 1 })).items;
  const { product } = dataOf(await call(store.cloud, 'catalog', { action: 'get', productId: first._id }));
  const line = { productId: product._id, skuId: product.skus.find((s) => s.available > 4)!.skuId, qty: 2 };
  for (const user of USERS) {
    const paid = dataOf(await call(store.cloud, 'orders', { action: 'create', requestId: requestId(user), lines: [line], address: ADDRESS }, user)).order;
    const pay = dataOf(await call(store.cloud, 'orders', { action: 'pay', orderId: paid._id }, user));
    await store.cloud.confirmPay(pay.payment.package, 1);
    paidIds[user] = paid._id;
    // Created last: the newest order, first in the list.
    dataOf(await call(store.cloud, 'orders', { action: 'create', requestId: requestId(user), lines: [{ ...line, qty: 1 }], address: ADDRESS }, user));
  }
}, 120_000);
afterAll(async () => {
  await store?.close();
});

test.each(sizesWithUsers(USERS))('at $width x $height: the order list, a paid order and its after-sales form, as the server presents them', async ({ user, ...viewport }) => {
  const { context, page, frame } = await openAs(store, viewport, user);
  const tag = `${viewport.width}`;
  try {
    await toNewPage(page, () => page.locator('#tabbar .tab').nth(2).click());
    await onRoute(page, 'pages/me/index');
    await toNewPage(page, () => frame.locator('#me-all-orders').click());
    await onRoute(page, 'pages-order/list/index');
    const statuses = frame.locator('.order-card .order-status');
    expect(await until(() => statuses.allInnerTexts(), (v) => v.length === 2)).toEqual(['待付款', '待发货']);
    // The unpaid order's row: cancel and pay (去支付 on a row); the paid one has no row buttons.
    expect(await frame.locator('.order-card').nth(0).locator('wx-button').allInnerTexts()).toEqual(['取消订单', '去支付']);
    expect(await frame.locator('.order-card').nth(1).locator('wx-button').count()).toBe(0);
    for (const right of await frame.locator('.order-card, .order-card wx-button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(375);
    await screenshot(page, `orders-list-${tag}`);

    await toNewPage(page, () => frame.locator('.order-card').nth(1).locator('.body').click());
    await onRoute(page, 'pages-order/detail/index');
    expect(await until(() => frame.locator('#order-status').innerText(), (v) => v === '待发货')).toBe('待发货');
    expect(await frame.locator('#order-id').innerText()).toBe(paidIds[user]);
    expect(await frame.locator('#order-actions wx-button').allInnerTexts()).toEqual(['申请售后']);
    await screenshot(page, `orders-detail-${tag}`);

    await toNewPage(page, () => frame.locator('#order-after-sale').click());
    await onRoute(page, 'pages-after-sales/request/index');
    const refund = frame.locator('#as-refund');
    await frame.locator('.as-line').first().waitFor();
    const all = await until(() => refund.innerText(), (v) => !!v && v !== '¥0.00');
    expect(await frame.locator('#as-hint').innerText()).toBe('订单未发货，提交后立即原路退款');
    await frame.locator('.as-line .stepper--stepper-minus').first().click();
    // One unit fewer, priced by the server: less than every unit with shipping.
    const fewer = await until(() => refund.innerText(), (v) => v !== all);
    expect(Number(fewer.replace(/[^\d.]/g, ''))).toBeLessThan(Number(all.replace(/[^\d.]/g, '')));
    await frame.locator('.reason').first().click();
    expect(await frame.locator('#as-submit').isDisabled()).toBe(false);
    for (const right of await frame.locator('.as-line, #as-submit').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(375);
    await screenshot(page, `orders-after-sale-${tag}`);
  } finally {
    await context.close();
  }
});
