/**
 * "我的" end to end: a new shopper's address book (typed in, imported from WeChat behind the privacy
 * popup, default chosen, edited) is kept on the server and the checkout starts from its default; then
 * "我的" counts the shopper's orders in every state and each shortcut opens the orders list on it
 * (cancelled and expired ones under 全部), and "再来一单" puts an order back in the cart.
 */
import { JOURNEY_TIMEOUT, REAL, answerPrivacy, buyNow, mustFind, pid, submitOrder, tap, tapElement, textOf, textsOf, useShop, type Page } from './harness';

const journey = REAL ? test.skip : test;
const shop = useShop();

const towel = () => ({ productId: pid('towel'), skuId: `${pid('towel')}-std`, qty: 1 });
const LI: Record<string, string> = { name: '李四', phone: '13912345678', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号' };

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [field, value] of Object.entries(values)) {
    const input = (await mustFind(page, `#edit-${field}`)) as unknown as { input(value: string): Promise<void> };
    await input.input(value);
  }
}

/** Buys one towel from its product page with whatever address the checkout starts from. */
async function buyTowel(shot?: [string, string]): Promise<{ page: Page; orderId: string; addressText: string }> {
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: pid('towel') } });
  page = await buyNow(shop(), page);
  const addressText = await textOf(page, '#address-view');
  if (shot) await shop().shot(...shot);
  page = await submitOrder(shop(), page);
  return { page, orderId: String(await page.data('orderId')), addressText };
}

async function tapNth(page: Page, selector: string, i: number): Promise<void> {
  const els = await page.$$(selector);
  if (!els[i]) throw new Error(`${page.path}: no ${selector} #${i}`);
  await tapElement(els[i]);
}

async function shortcutCounts(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const tab of ['pending_payment', 'paid', 'shipped', 'completed', 'after_sales']) out[tab] = (await textOf(page, `#me-orders-${tab} .shortcut-count`)) || '';
  return out;
}

journey('the address book on the server, used at checkout; "我的" shows every order state', async () => {
  const J = '30-me';
  const openid = (await shop().switchUser('me_shopper')) as string;
  let page = await shop().switchTab('/pages/me/index');
  expect(await shortcutCounts(page)).toEqual({ pending_payment: '0', paid: '0', shipped: '0', completed: '0', after_sales: '0' });
  await shop().shot(J, 'me-new');

  // The address book: empty, one typed in (the first is the default), one imported from WeChat.
  await tap(page, '#me-addresses');
  page = await shop().page();
  expect(page.path).toBe('pages-me/addresses/index');
  expect(await page.data('status')).toBe('empty');
  expect(await page.data('message')).toBe('还没有收货地址');
  await tap(page, '#add-address');
  page = await shop().page();
  expect(page.path).toBe('pages-me/address-edit/index');
  await fill(page, { ...LI, phone: '139' });
  await tap(page, '#save-address');
  expect((await shop().native()).toast).toMatchObject({ title: '请填写正确的手机号' });
  await fill(page, { phone: LI.phone });
  await tap(page, '#save-address');
  page = await shop().page();
  expect(page.path).toBe('pages-me/addresses/index');
  expect(await textsOf(page, '.address-row .addr-name')).toEqual(['李四']);
  expect(await textOf(page, '.address-row .default-tag')).toBe('默认');

  await tap(page, '#import-address');
  expect(await answerPrivacy(page, 'agree')).toBe(true);
  expect(await textsOf(page, '.address-row .addr-name')).toEqual(['李四', '张三']);
  // 张三 (imported) becomes the default, then the shopper edits 李四 and makes it the default again.
  await tapNth(page, '.set-default', 1);
  expect(await textsOf(page, '.address-row .addr-name')).toEqual(['张三', '李四']);
  await shop().shot(J, 'address-book');
  await tapNth(page, '.edit-address', 1);
  page = await shop().page();
  expect(page.path).toBe('pages-me/address-edit/index');
  await fill(page, { detail: '文三路 100 号' });
  await tap(page, '#edit-default');
  await tap(page, '#save-address');
  page = await shop().page();
  expect(await textsOf(page, '.address-row .addr-name')).toEqual(['李四', '张三']);
  expect(await textOf(page, '.address-row .addr-text')).toBe('浙江省杭州市西湖区文三路 100 号');

  const [book] = await shop().where('address_books', { _openid: openid });
  expect(book.entries).toHaveLength(2);
  expect(book.entries.find((e: { id: string }) => e.id === book.defaultId)).toMatchObject({ name: '李四', detail: '文三路 100 号' });

  // The checkout starts from the book's default (no picker), and the order ships there.
  const first = await buyTowel([J, 'checkout-default-address']);
  expect(first.addressText).toContain('李四');
  expect(first.addressText).toContain('文三路 100 号');
  expect((await shop().doc('orders', first.orderId)).address).toMatchObject({ name: '李四', city: '杭州市', detail: '文三路 100 号' });
  const second = await buyTowel();

  // Orders in the other states: one unpaid, one cancelled, one expired; the paid ones shipped, one received, one with an after-sales request.
  const create = async (tag: string) => {
    const r = await shop().invoke('orders', { action: 'create', requestId: `${openid}-${tag}`, lines: [towel()], address: LI }, openid);
    expect(r.ok).toBe(true);
    return String(r.data.order._id);
  };
  await create('unpaid');
  const cancelled = await create('cancelled');
  expect((await shop().invoke('orders', { action: 'cancel', orderId: cancelled }, openid)).ok).toBe(true);
  const expired = await create('expired');
  await shop().db.collection('orders').doc(expired).update({ expireAt: Date.now() - 1000 });
  expect((await shop().fireExpiryTimer()).ok).toBe(true);
  for (const orderId of [first.orderId, second.orderId]) {
    expect((await shop().invoke('merchant', { action: 'ship', orderId, carrier: 'SF', trackingNo: `SF${orderId.slice(-8)}00` }, 'o_merchant')).ok).toBe(true);
  }
  expect((await shop().invoke('orders', { action: 'confirmReceipt', orderId: second.orderId }, openid)).ok).toBe(true);
  const asked = await shop().invoke('orders', { action: 'requestAfterSale', orderId: first.orderId, requestId: `${openid}-as`, lines: [towel()], reason: '不想要了' }, openid);
  expect(asked.ok).toBe(true);

  page = await shop().switchTab('/pages/me/index');
  expect(await shortcutCounts(page)).toEqual({ pending_payment: '1', paid: '0', shipped: '1', completed: '1', after_sales: '1' });
  expect(await textOf(page, '#me-closed')).toBe('已取消、已过期 2 个，见全部订单');
  await shop().shot(J, 'me-orders');

  // Each shortcut opens the orders list on its state.
  const listed: Record<string, string[]> = {};
  for (const tab of ['pending_payment', 'shipped', 'completed', 'after_sales']) {
    await tap(page, `#me-orders-${tab}`);
    const list = await shop().page();
    expect(list.path).toBe('pages-order/list/index');
    listed[tab] = await textsOf(list, '#order-list .order-status');
    if (tab === 'after_sales') await shop().shot(J, 'orders-after-sales');
    page = await shop().navigateBack();
  }
  expect(listed).toEqual({ pending_payment: ['待付款'], shipped: ['待收货'], completed: ['已完成'], after_sales: ['待收货'] });
  await tap(page, '#me-all-orders');
  let list = await shop().page();
  expect((await textsOf(list, '#order-list .order-status')).sort()).toEqual(['已完成', '已取消', '已过期', '待付款', '待收货'].sort());
  await shop().shot(J, 'orders-all');

  // 再来一单 from the received order: its line goes back into the cart.
  list = await shop().navigateTo(`/pages-order/detail/index?id=${second.orderId}`);
  await tap(list, '#buy-again');
  const cart = await shop().page();
  expect(cart.path).toBe('pages/cart/index');
  expect(await textsOf(cart, '.cart-line .line-title')).toEqual(['纯棉毛巾']);
  await shop().shot(J, 'buy-again-cart');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
