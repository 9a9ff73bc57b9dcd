// "我的" and the address book on the page side: the tab's order shortcuts and figures, the address book
// (list, default, delete, WeChat import, picking one for the checkout), the edit form, the checkout
// starting from the book's default (and moving the phone-kept address into the book once), the orders
// list's 售后 tab, and "再来一单".
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ActionRequest } from '../../typings/api';
import type { Address, SavedAddress } from '../../typings/domain';
import { bookAddresses, EMPTY_BOOK, removeFromBook, saveToBook, setBookDefault, type AddressBook, type BookChange } from '../../miniprogram/domain/address-book';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { buildWithModules, CART_KEY, cloudOf, fail, ok, order as orderOf, text } from './fake-cloud';
import type { Routes } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const HOME: Address = { name: '张三', phone: '13800000000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' };
/** A fake server book that follows the real (pure) book rules, recording what the pages saved. */
function addressBookOf() {
  let book: AddressBook = EMPTY_BOOK;
  let clock = 1;
  let ids = 0;
  const saved: ActionRequest<'orders', 'saveAddress'>[] = [];
  const view = () => ({ addresses: bookAddresses(book), limit: 20 });
  const apply = (change: BookChange) => {
    if (!change.ok) return change.problem === 'ADDRESS_NOT_FOUND' ? fail('NOT_FOUND', '地址不存在或已删除') : fail('INVALID_STATE', '最多保存20个地址，请先删除不用的地址');
    book = change.book;
    return null;
  };
  const routes: Routes = {
    'orders.addresses': () => ok(view()),
    'orders.saveAddress': ({ action: _a, ...req }) => {
      saved.push(req);
      const change = saveToBook(book, req, `a${(ids += 1)}`, (clock += 1));
      return apply(change) || ok({ ...view(), address: view().addresses.find((a) => change.ok && a.id === change.id) as SavedAddress });
    },
    'orders.setDefaultAddress': ({ id }) => apply(setBookDefault(book, id)) || ok(view()),
    'orders.removeAddress': ({ id }) => apply(removeFromBook(book, id)) || ok(view()),
  };
  return {
    routes,
    saved,
    view,
    async add(address: Address): Promise<SavedAddress> {
      const change = saveToBook(book, { address }, `a${(ids += 1)}`, (clock += 1));
      if (!change.ok) throw new Error(change.problem);
      book = change.book;
      return bookAddresses(book).find((a) => a.id === change.id) as SavedAddress;
    },
  };
}

const counts = { pending_payment: 2, paid: 1, shipped: 0, completed: 5, cancelled: 1, expired: 2, refunded: 0, grouping: 1 };

describe('"我的" tab', () => {
  test('order shortcuts with the server\'s counts open the orders list on their tab (navigateTo: it is no tab any more)', async () => {
    let down = true;
    const fake = installWx(cloudOf({ 'orders.meSummary': () => (down ? fail('UNAVAILABLE', '网络不太稳定') : ok({ orders: counts, afterSales: 3, coupons: 4 })) }));
    const page = renderPage('me', fake);
    await settle(5);
    expect(text(page.querySelector('#me-error'))).toBe('网络不太稳定，点击重试');
    down = false;
    page.querySelector('#me-error')!.dispatchEvent('tap');
    await settle(5);
    expect(page.querySelector('#me-error')).toBeFalsy();
    const shortcut = (tab: string) => text(page.querySelector(`#me-orders-${tab}`));
    expect(['pending_payment', 'grouping', 'paid', 'shipped', 'completed', 'after_sales'].map(shortcut)).toEqual(['2待付款', '1待成团', '1待发货', '0待收货', '5已完成', '3售后']);
    expect(text(page.querySelector('#me-closed'))).toBe('已取消、已过期 3 个，见全部订单');
    expect(text(page.querySelector('#me-coupons'))).toContain('4 张可用');
    expect(text(page.querySelector('#me-contact'))).toBe('联系客服›');

    page.querySelector('#me-orders-paid')!.dispatchEvent('tap');
    page.querySelector('#me-orders-grouping')!.dispatchEvent('tap');
    page.querySelector('#me-orders-after_sales')!.dispatchEvent('tap');
    page.querySelector('#me-all-orders')!.dispatchEvent('tap');
    page.querySelector('#me-coupons')!.dispatchEvent('tap');
    page.querySelector('#me-addresses')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations).toEqual([
      { api: 'navigateTo', url: '/pages-order/list/index?status=paid' },
      { api: 'navigateTo', url: '/pages-order/list/index?status=grouping' },
      { api: 'navigateTo', url: '/pages-order/list/index?tab=after_sales' },
      { api: 'navigateTo', url: '/pages-order/list/index' },
      { api: 'navigateTo', url: '/pages-coupons/list/index' },
      { api: 'navigateTo', url: '/pages-me/addresses/index' },
    ]);
    page.detach();
  });

  test('the orders list opened on 售后 asks for the orders with after-sales; a status opens its own tab', async () => {
    const asked: ActionRequest<'orders', 'list'>[] = [];
    const fake = installWx(cloudOf({ 'orders.list': (req) => (asked.push(req), ok({ orders: [], nextCursor: null })) }));
    const page = renderPage('orders', fake, { tab: 'after_sales' });
    await settle(5);
    expect(asked.pop()).toMatchObject({ afterSales: true });
    expect(asked.every((r) => r.status === undefined)).toBe(true);
    expect(page.querySelectorAll('.order-tab').map(text)).toEqual(['全部', '待付款', '待成团', '待发货', '待收货', '已完成', '售后']);
    page.querySelectorAll('.order-tab')[3].dispatchEvent('tap');
    await settle(5);
    expect(asked.pop()).toMatchObject({ status: 'paid' });
    page.querySelectorAll('.order-tab')[2].dispatchEvent('tap');
    await settle(5);
    expect(asked.pop()).toMatchObject({ status: 'grouping' });
    page.detach();
  });
});

describe('address book', () => {
  test('empty book → add; a list with the default first; set default; delete after confirming; WeChat import', async () => {
    const book = addressBookOf();
    const fake = installWx(cloudOf(book.routes));
    const page = renderPage('../pages-me/addresses', fake);
    await settle(5);
    expect(page.instance.data).toMatchObject({ status: 'empty', message: '还没有收货地址' });

    await book.add({ ...HOME, detail: '科技园 1 号' });
    await book.add({ ...HOME, name: '李四', detail: '科技园 2 号' });
    (page.instance as unknown as { onShow(): void }).onShow();
    await settle(5);
    const rows = () => page.querySelectorAll('.address-row').map(text);
    expect(rows()).toEqual([expect.stringMatching(/^张三13800000000默认广东省深圳市南山区科技园 1 号/), expect.stringMatching(/^李四13800000000广东省/)]);
    expect(text(page.querySelector('#address-list'))).toContain('已保存 2/20 个地址');

    page.querySelectorAll('.set-default')[1].dispatchEvent('tap');
    await settle(5);
    expect(rows()[0]).toMatch(/^李四13800000000默认/);
    expect(fake.toasts.pop()).toBe('已设为默认');

    fake.modalConfirm = false;
    page.querySelectorAll('.delete-address')[1].dispatchEvent('tap');
    await settle(5);
    expect(rows()).toHaveLength(2);
    fake.modalConfirm = true;
    page.querySelectorAll('.delete-address')[1].dispatchEvent('tap');
    await settle(5);
    expect(fake.modals.pop()).toMatchObject({ title: '删除地址', content: expect.stringContaining('张三') });
    expect(rows()).toEqual([expect.stringMatching(/^李四/)]);

    page.querySelector('#import-address')!.dispatchEvent('tap');
    await settle(5);
    expect(fake.toasts.pop()).toBe('已导入');
    expect(rows()[1]).toContain('广东省广州市海珠区新港中路 397 号');
    expect(book.saved.pop()).toMatchObject({ address: { name: '张三', city: '广州市', postalCode: '510000' } });

    // Refused in the privacy popup: nothing is imported, the shopper is told why.
    fake.chooseAddressError = 'chooseAddress:fail privacy permission is not authorized';
    page.querySelector('#import-address')!.dispatchEvent('tap');
    await settle(5);
    expect(fake.toasts.pop()).toBe('未同意隐私保护指引，请手动新增地址');
    expect(rows()).toHaveLength(2);

    page.querySelector('.edit-address')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: `/pages-me/address-edit/index?id=${book.view().addresses[0].id}` });
    page.detach();
  });

  test('a full book says so instead of opening the form; a server refusal is shown and the list reloaded', async () => {
    const book = addressBookOf();
    for (let i = 0; i < 20; i += 1) await book.add({ ...HOME, detail: `科技园 ${i} 号` });
    const fake = installWx(cloudOf({ ...book.routes, 'orders.removeAddress': () => fail('NOT_FOUND', '地址不存在或已删除') }));
    const page = renderPage('../pages-me/addresses', fake);
    await settle(5);
    page.querySelector('#add-address')!.dispatchEvent('tap');
    await settle();
    expect(fake.toasts.pop()).toBe('最多保存20个地址，请先删除不用的地址');
    expect(fake.navigations).toEqual([]);
    const loads = fake.calls.filter((c) => c.data.action === 'addresses').length;
    page.querySelector('.delete-address')!.dispatchEvent('tap');
    await settle(5);
    expect(fake.toasts.pop()).toBe('地址不存在或已删除');
    expect(fake.calls.filter((c) => c.data.action === 'addresses').length).toBe(loads + 1);
    page.detach();
  });

  test('opened from the checkout (select=1): a tap hands the address back to the opener', async () => {
    const book = addressBookOf();
    await book.add({ ...HOME, postalCode: '518000' });
    const fake = installWx(cloudOf(book.routes));
    const page = renderPage('../pages-me/addresses', fake, { select: '1' });
    await settle(5);
    const emitted: unknown[] = [];
    (page.instance as unknown as { getOpenerEventChannel(): unknown }).getOpenerEventChannel = () => ({ emit: (name: string, value: unknown) => emitted.push([name, value]) });
    page.querySelector('.address-main')!.dispatchEvent('tap');
    await settle();
    expect(emitted).toEqual([['select', { ...HOME, postalCode: '518000' }]]);
    expect(fake.navigations).toEqual([]);
    page.detach();
  });

  test('the edit form: the address rule\'s message before any call; saves an edit with its default choice', async () => {
    const book = addressBookOf();
    const first = await book.add(HOME);
    const fake = installWx(cloudOf(book.routes));
    const page = renderPage('../pages-me/address-edit', fake, { id: first.id });
    await settle(5);
    expect(page.instance.data.form).toEqual(HOME);
    expect(page.instance.data.makeDefault).toBe(true);
    page.querySelector('#edit-phone')!.dispatchEvent('input', { detail: { value: '12' } });
    await settle();
    page.querySelector('#save-address')!.dispatchEvent('tap');
    await settle(5);
    expect(fake.toasts.pop()).toBe('请填写正确的手机号');
    expect(book.saved).toHaveLength(0);
    page.querySelector('#edit-phone')!.dispatchEvent('input', { detail: { value: '13900000000' } });
    page.querySelector('#edit-detail')!.dispatchEvent('input', { detail: { value: '科技园 9 号' } });
    await settle();
    page.querySelector('#save-address')!.dispatchEvent('tap');
    await settle(5);
    expect(book.saved.pop()).toEqual({ id: first.id, makeDefault: true, address: { ...HOME, phone: '13900000000', detail: '科技园 9 号' } });
    expect(fake.toasts.pop()).toBe('已保存');
    page.detach();

    const gone = renderPage('../pages-me/address-edit', fake, { id: 'nope' });
    await settle(5);
    expect(gone.instance.data).toMatchObject({ status: 'empty', message: '地址不存在或已删除' });
    gone.detach();
  });
});

describe('checkout and the book', () => {
  function checkoutWith(routes: Routes) {
    const { root, mod } = buildWithModules();
    const fake = installWx(cloudOf({ 'orders.quote': quote, ...routes }));
    mod('services/checkout.js').setCheckoutDraft({ source: 'cart', lines: [{ productId: 'p1', skuId: 'red-s', qty: 1, expectedPrice: 5990 }] });
    return { root, fake };
  }
  const quote = (req: ActionRequest<'orders', 'quote'>) =>
    ok({ lines: [{ productId: 'p1', skuId: 'red-s', qty: 1, title: '卫衣', image: '', specText: '红', currentPrice: 5990, available: 5, problems: [] }], itemsTotal: 5990, shippingFee: req.province === '广东省' ? 0 : 800, total: 5990 });

  test('the phone-kept address moves into the book once; the checkout starts from the book\'s default', async () => {
    const book = addressBookOf();
    await book.add({ ...HOME, name: '王五', detail: '默认路 8 号' });
    const { root, fake } = checkoutWith(book.routes);
    fake.storage.set('storefront.address.v1', HOME);
    const page = renderPage('checkout', fake, {}, root);
    await settle(8);
    expect(book.saved).toEqual([{ address: HOME }]);
    expect(fake.storage.has('storefront.address.v1')).toBe(false);
    expect(page.instance.data.address).toMatchObject({ name: '王五', detail: '默认路 8 号' });
    expect(text(page.querySelector('#address-view'))).toContain('王五');
    // The quote was asked for where the default ships.
    expect(fake.calls.filter((c) => c.data.action === 'quote').map((c) => c.data.province)).toEqual(['广东省']);
    page.querySelector('#address-book')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: '/pages-me/addresses/index?select=1' });
    page.detach();
  });

  test('offline: the phone-kept address is still used, and kept for the next try', async () => {
    const { root, fake } = checkoutWith({ 'orders.saveAddress': () => fail('UNAVAILABLE', '网络不太稳定'), 'orders.addresses': () => fail('UNAVAILABLE', '网络不太稳定') });
    fake.storage.set('storefront.address.v1', HOME);
    const page = renderPage('checkout', fake, {}, root);
    await settle(8);
    expect(page.instance.data.address).toMatchObject(HOME);
    expect(fake.storage.get('storefront.address.v1')).toEqual(HOME);
    page.detach();
  });
});

test('再来一单: the order\'s lines go into the cart at the price paid then (the cart checks them), then the cart tab', async () => {
  const order = orderOf({ status: 'completed' });
  const fake = installWx(cloudOf({ 'orders.get': () => ok({ order }) }));
  const page = renderPage('order-detail', fake, { id: order._id });
  await settle(5);
  page.querySelector('#buy-again')!.dispatchEvent('tap');
  await settle();
  const cart = fake.storage.get(CART_KEY) as { productId: string; skuId: string; qty: number; seenPrice: number }[];
  expect(cart.map((l) => [l.productId, l.skuId, l.qty, l.seenPrice])).toEqual(order.lines.map((l) => [l.productId, l.skuId, l.qty, l.unitPrice]));
  expect(fake.navigations.pop()).toEqual({ api: 'switchTab', url: '/pages/cart/index' });
  page.detach();
});

