/**
 * "我的" and the address book in a real browser at phone and desktop sizes: the tab shows the shopper's
 * orders by state from the server, the address book lists the saved addresses (default first) and
 * opens the form. Screens go to <artifacts>/preview/me-*.png.
 */
import { ADDRESS, call, dataOf, requestId } from '../support';
import { firstProductWithStock, onRoute, openAs, screenshot, sizesWithUsers, startStore, toNewPage, until, VIEWPORTS, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
const USERS = ['o_sim_user_2', 'o_sim_user_3'];
beforeAll(async () => {
  store = await startStore();
  const [first] = dataOf(await call(store.cloud, 'catalog', { action: 'list', pageSize: 1 })).items;
  const { product } = dataOf(await call(store.cloud, 'catalog', { action: 'get', productId: first._id }));
  const line = { productId: product._id, skuId: product.skus.find((s) => s.available > 1)!.skuId, qty: 1 };
  for (const user of USERS) {
    dataOf(await call(store.cloud, 'orders', { action: 'saveAddress', address: ADDRESS }, user));
    dataOf(await call(store.cloud, 'orders', { action: 'saveAddress', address: { ...ADDRESS, name: '李四', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 西湖科技园 B 座 1203 室' } }, user));
    const order = dataOf(await call(store.cloud, 'orders', { action: 'create', requestId: requestId(user), lines: [line], address: ADDRESS }, user)).order;
    dataOf(await call(store.cloud, 'orders', { action: 'create', requestId: requestId(user), lines: [line], address: ADDRESS }, user));
    dataOf(await call(store.cloud, 'orders', { action: 'cancel', orderId: order._id }, user));
  }
}, 120_000);
afterAll(async () => {
  await store?.close();
});

const SIZES = sizesWithUsers(USERS);

test.each(SIZES)('at $width x $height: 我的 with the order states, the address book and its form', async ({ user, ...viewport }) => {
  const { context, page, frame } = await openAs(store, viewport, user);
  const tag = `${viewport.width}`;
  try {
    expect(await page.locator('#tabbar .tab').allInnerTexts()).toEqual(['首页', '购物车', '我的']);
    await toNewPage(page, () => page.locator('#tabbar .tab').nth(2).click());
    await onRoute(page, 'pages/me/index');
    const pending = frame.locator('#me-orders-pending_payment .shortcut-count');
    expect(await until(() => pending.innerText(), (v) => v === '1')).toBe('1');
    expect(await frame.locator('#me-closed').innerText()).toBe('已取消、已过期 1 个，见全部订单');
    for (const right of await frame.locator('.shortcut, .cell').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(375);
    await screenshot(page, `me-${tag}`);

    await toNewPage(page, () => frame.locator('#me-addresses').click());
    await onRoute(page, 'pages-me/addresses/index');
    await frame.locator('.address-row').first().waitFor();
    expect(await frame.locator('.address-row .addr-name').allInnerTexts()).toEqual(['张三', '李四']);
    expect(await frame.locator('.address-row').first().locator('.default-tag').innerText()).toBe('默认');
    for (const right of await frame.locator('.address-row, #add-address').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(375);
    await screenshot(page, `me-addresses-${tag}`);

    await toNewPage(page, () => frame.locator('.edit-address').nth(1).click());
    await onRoute(page, 'pages-me/address-edit/index');
    await until(() => frame.locator('#edit-detail input, #edit-detail').first().inputValue().catch(() => ''), (v) => v.includes('文三路'));
    await screenshot(page, `me-address-edit-${tag}`);
  } finally {
    await context.close();
  }
});

test('at 375 x 667: a shopper whose group order waits for its group sees 待成团 on 我的, its list and the group', async () => {
  const user = 'o_sim_user_1';
  const { product, sku } = await firstProductWithStock(store.cloud, user, 2);
  dataOf(await call(store.cloud, 'merchant', { action: 'saveGroupDeal', productId: product._id, size: 2, prices: { [sku.skuId]: Math.floor(sku.price * 0.8) }, enabled: true }));
  const opened = dataOf(await call(store.cloud, 'orders', { action: 'openGroup', requestId: requestId(user), productId: product._id, skuId: sku.skuId, address: ADDRESS }, user));
  const payment = dataOf(await call(store.cloud, 'orders', { action: 'pay', orderId: opened.order._id }, user)).payment;
  await store.cloud.confirmPay(payment.package, 1);
  expect(dataOf(await call(store.cloud, 'orders', { action: 'get', orderId: opened.order._id }, user)).order.status).toBe('grouping');

  const { context, page, frame } = await openAs(store, VIEWPORTS[0], user);
  try {
    await toNewPage(page, () => page.locator('#tabbar .tab').nth(2).click());
    await onRoute(page, 'pages/me/index');
    const grouping = frame.locator('#me-orders-grouping');
    expect(await until(() => grouping.locator('.shortcut-count').innerText(), (v) => v === '1')).toBe('1');
    expect(await grouping.locator('.shortcut-label').innerText()).toBe('待成团');
    expect(await frame.locator('.shortcut-label').allInnerTexts()).toEqual(['待付款', '待成团', '待发货', '待收货', '已完成', '售后']);
    for (const right of await frame.locator('.shortcut').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(375);
    // The user switch scrolled the window down to the controls: back up to the phone.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'me-grouping-375');

    await toNewPage(page, () => grouping.click());
    await onRoute(page, 'pages-order/list/index');
    await frame.locator('.order-card').first().waitFor();
    expect(await frame.locator('.order-tab.tab-active').innerText()).toBe('待成团');
    expect(await frame.locator('.order-card .order-status').allInnerTexts()).toEqual(['待成团']);
    await screenshot(page, 'me-grouping-list-375');

    await toNewPage(page, () => frame.locator('.order-card #order-group').click());
    await onRoute(page, 'pages-group/index');
    await frame.locator('#group-message').waitFor();
    expect(await frame.locator('#group-message').innerText()).toBe('还差 1 人成团');
  } finally {
    await context.close();
  }
});
