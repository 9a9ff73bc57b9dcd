// Checkout: idempotent order creation, price changes, the address and the hand-off to payment.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ActionEvent, OrderLineRequest } from '../../typings/api';
import type { RenderedComponent } from '../support/mp-harness';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { buildWithModules, CART_KEY, cloudOf, ENTRY_KEY, fail, ok, order, payment, storedCart, text } from './fake-cloud';
import type { Routes } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

describe('checkout', () => {
  function setup(routes: Routes, lines: OrderLineRequest[] = [{ productId: 'p1', skuId: 'red-s', qty: 2, expectedPrice: 5990 }], source: 'cart' | 'buy_now' = 'buy_now') {
    const { root, mod } = buildWithModules();
    const fake = installWx(
      cloudOf({
        'orders.quote': (req) =>
          ok({
            lines: req.lines.map((l) => ({ ...l, available: 9, currentPrice: 5990, title: '纯棉卫衣', image: '', specText: '红 / S', problems: [] })),
            itemsTotal: 11980,
            shippingFee: 0,
            total: 11980,
          }),
        'orders.pay': () => ok({ orderId: 'o1', payment }),
        ...routes,
      }),
    );
    mod('services/checkout.js').setCheckoutDraft({ source, lines });
    return { root, mod, fake };
  }

  async function withAddress(page: RenderedComponent) {
    page.instance.onChooseAddress();
    await settle();
  }

  test('double tap makes one order; it carries the idempotency key, expected prices and attribution; then pays', async () => {
    const created: ActionEvent<'orders', 'create'>[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { root, fake } = setup({ 'orders.create': async (req) => (created.push(req), await gate, ok({ order: order() })) });
    fake.storage.set(ENTRY_KEY, { attribution: { sceneCode: 's=abc', campaign: 'dbl11', referralCode: 'Friend9', launchScene: 1047 }, at: Date.now() });
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    expect(text(page.querySelector('#checkout-total'))).toBe('¥119.80');
    await withAddress(page);
    expect(page.instance.data.address).toMatchObject({ name: '张三', city: '广州市' });
    page.instance.onRemarkInput({ detail: { value: '请尽快发货' } });
    page.querySelector('#checkout-submit')!.dispatchEvent('tap');
    page.querySelector('#checkout-submit')!.dispatchEvent('tap');
    page.instance.onSubmit();
    await settle(3);
    release();
    await settle(8);
    expect(created.length).toBe(1);
    expect(created[0]).toMatchObject({
      action: 'create',
      lines: [{ productId: 'p1', skuId: 'red-s', qty: 2, expectedPrice: 5990 }],
      address: { name: '张三', phone: '13800138000', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路 397 号', postalCode: '510000' },
      remark: '请尽快发货',
      attribution: { sceneCode: 's=abc', campaign: 'dbl11', referralCode: 'Friend9', launchScene: 1047 },
    });
    expect(created[0].requestId).toMatch(/^[\w-]{8,64}$/);
    // The address's province re-prices the shipping fee (a second quote, for that province).
    // The address book (no default here; the chosen address is saved into it) beside the order's own calls.
    const bookCalls = ['addresses', 'saveAddress'];
    expect(fake.calls.filter((c) => bookCalls.includes(String(c.data.action))).map((c) => c.data.action)).toEqual(bookCalls);
    const calls = fake.calls.filter((c) => !bookCalls.includes(String(c.data.action)));
    expect(calls.map((c) => `${c.name}.${c.data.action}`)).toEqual(['orders.quote', 'orders.quote', 'orders.create', 'orders.pay']);
    expect(calls[0].data).not.toHaveProperty('province');
    expect(calls[1].data).toMatchObject({ province: '广东省' });
    expect(fake.navigations.pop()).toEqual({ api: 'redirectTo', url: '/pages-shop/pay-result/index?orderId=o1&status=paid' });
  });

  test('a lost response is retried with the SAME key; a refusal gets a new one', async () => {
    const keys: string[] = [];
    let mode = 'lost';
    const { root, fake } = setup({
      'orders.create': (req) => {
        keys.push(req.requestId);
        if (mode === 'lost') throw new Error('timeout');
        if (mode === 'stock') return fail('OUT_OF_STOCK', '库存不足', [{ index: 0, productId: 'p1', skuId: 'red-s', problems: [{ code: 'INSUFFICIENT_STOCK', message: '库存不足，仅剩 1 件' }] }]);
        return ok({ order: order() });
      },
    });
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    await withAddress(page);
    page.instance.onSubmit();
    await settle(5);
    expect(page.instance.data.submitting).toBe(false);
    page.instance.onSubmit();
    await settle(5);
    expect(keys[0]).toBe(keys[1]);
    mode = 'stock';
    page.instance.onSubmit();
    await settle(5);
    expect(page.instance.data.blocked).toBe(true);
    expect(page.instance.data.lines[0].problem).toBe('库存不足，仅剩 1 件');
    expect(page.instance.requestId).not.toBe(keys[2]);
  });

  test('PRICE_CHANGED: new prices shown first, shopper confirms, then the order goes through at the new price', async () => {
    const created: ActionEvent<'orders', 'create'>[] = [];
    let price = 5990;
    const { root, fake } = setup({
      'orders.quote': (req) => ok({ lines: req.lines.map((l) => ({ ...l, available: 9, currentPrice: price, title: 'T', image: '', specText: '', problems: [] })), itemsTotal: price * 2, shippingFee: 0, total: price * 2 }),
      'orders.create': (req) => {
        created.push(req);
        return req.lines[0].expectedPrice === price ? ok({ order: order() }) : fail('PRICE_CHANGED', '价格有变动', [{ productId: 'p1', skuId: 'red-s', expectedPrice: req.lines[0].expectedPrice, currentPrice: price }]);
      },
    });
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    await withAddress(page);
    price = 6990;
    page.instance.onSubmit();
    await settle(8);
    expect(fake.modals.pop()!.title).toBe('价格有变动');
    expect(page.instance.data.priceChanged).toBe(true);
    expect(page.instance.data.lines[0]).toMatchObject({ oldPrice: 5990, unitPrice: 6990 });
    expect(text(page.querySelector('#checkout-total'))).toBe('¥139.80');
    page.instance.onSubmit(); // not yet confirmed: refused locally
    await settle();
    expect(created.length).toBe(1);
    page.querySelector('#accept-prices')!.dispatchEvent('tap');
    await settle();
    page.instance.onSubmit();
    await settle(8);
    expect(created.length).toBe(2);
    expect(created[1].lines[0].expectedPrice).toBe(6990);
    expect(created[1].requestId).not.toBe(created[0].requestId);
  });

  test('address: chooseAddress denied falls back to the manual form, which validates', async () => {
    const { root, fake } = setup({});
    fake.chooseAddressError = 'chooseAddress:fail auth deny';
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    await withAddress(page);
    expect(page.querySelector('#address-form')).toBeTruthy();
    page.instance.onFormInput({ currentTarget: { dataset: { field: 'name' } }, detail: { value: '李四' } });
    page.instance.onSaveManual();
    expect(fake.toasts.pop()).toBe('请填写正确的手机号');
    for (const [field, value] of Object.entries({ phone: '13900000000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' })) {
      page.instance.onFormInput({ currentTarget: { dataset: { field } }, detail: { value } });
    }
    page.instance.onSaveManual();
    await settle();
    expect(page.instance.data.manual).toBe(false);
    expect(page.instance.data.address).toMatchObject({ name: '李四', city: '杭州市' });
  });

  test('address: refused in the privacy popup → told why, and the manual form opens', async () => {
    const { root, fake } = setup({});
    fake.chooseAddressError = 'chooseAddress:fail privacy permission is not authorized';
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    await withAddress(page);
    expect(fake.toasts.pop()).toBe('未同意隐私保护指引，请手动填写地址');
    expect(page.querySelector('#address-form')).toBeTruthy();
    expect(page.instance.data.address).toBeNull();
  });

  test('shipping: the fee for the address\'s province and the free-shipping hint, as quoted', async () => {
    const { root, fake } = setup({
      'orders.quote': (req) =>
        ok({
          lines: req.lines.map((l) => ({ ...l, available: 9, currentPrice: 2000, title: '茶', image: '', specText: '', problems: [] })),
          itemsTotal: 4000,
          shippingFee: req.province === '广东省' ? 500 : 1000,
          total: req.province === '广东省' ? 4500 : 5000,
          freeShippingFrom: 9900,
        }),
    });
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    expect(text(page.querySelector('#shipping-fee'))).toBe('¥10.00');
    expect(page.querySelector('#shipping-region')).toBeFalsy();
    expect(text(page.querySelector('#shipping-hint'))).toBe('满¥99.00免运费，还差¥59.00');
    await withAddress(page);
    await settle(5);
    expect(text(page.querySelector('#shipping-region'))).toBe('（广东省）');
    expect(text(page.querySelector('#shipping-fee'))).toBe('¥5.00');
    expect(text(page.querySelector('#checkout-total'))).toBe('¥45.00');
  });

  test('payment cancelled: order stays, shopper lands on the result page as unpaid; cart lines are removed', async () => {
    const { root, fake } = setup({ 'orders.create': () => ok({ order: order() }) }, [{ productId: 'p1', skuId: 'red-s', qty: 1, expectedPrice: 5990 }], 'cart');
    fake.storage.set(CART_KEY, [
      { productId: 'p1', skuId: 'red-s', qty: 1, seenPrice: 5990, selected: true, addedAt: 1 },
      { productId: 'p9', skuId: 'x', qty: 1, seenPrice: 100, selected: false, addedAt: 2 },
    ]);
    fake.paymentError = 'requestPayment:fail cancel';
    const page = renderPage('checkout', fake, {}, root);
    await settle(5);
    await withAddress(page);
    page.instance.onSubmit();
    await settle(8);
    expect(fake.navigations.pop()).toEqual({ api: 'redirectTo', url: '/pages-shop/pay-result/index?orderId=o1&status=cancelled' });
    expect(storedCart(fake).map((l) => l.productId)).toEqual(['p9']);
  });

  test('no draft (opened cold): empty state with a way back', async () => {
    const fake = installWx(cloudOf({}));
    const page = renderPage('checkout', fake);
    await settle();
    expect(page.instance.data.status).toBe('empty');
  });
});
