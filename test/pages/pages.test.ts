// Page logic + official templates on the real exparser (miniprogram-simulate), against a fake cloud.
import { cleanupTemp, installWx, renderPage, settle } from '../../scripts/mp-harness';
import { buildWithModules, cloudOf, fail, ok, order, payment, productDetail, text } from './helpers';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const CART_KEY = 'storefront.cart.v1';
const ENTRY_KEY = 'storefront.entry.v1';

function summaries(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({ _id: `p${from + i}`, title: `商品${from + i}`, cover: 'https://img/c.jpg', price: 100 + i, sales: i, soldOut: false }));
}

describe('catalog', () => {
  test('first page, then infinite scroll appends by path key until the last cursor', async () => {
    const fake = installWx(
      cloudOf({
        'catalog.categories': () => ok({ categories: [{ _id: 'c2', name: '裤装', sort: 2 }, { _id: 'c1', name: '上衣', sort: 1 }] }),
        'catalog.list': (req) => {
          const start = req.cursor ? Number(req.cursor) : 0;
          return ok({ items: summaries(start === 40 ? 5 : 20, start), nextCursor: start === 40 ? null : String(start + 20) });
        },
      }),
    );
    const page = renderPage('catalog', fake);
    await settle(5);
    expect(page.querySelectorAll('.product-card').length).toBe(20);
    expect(page.querySelectorAll('.category').map(text)).toEqual(['全部', '上衣', '裤装']);
    page.instance.onReachBottom();
    await settle(5);
    page.instance.onReachBottom();
    await settle(5);
    expect(page.querySelectorAll('.product-card').length).toBe(45);
    expect(page.querySelector('#no-more')).toBeTruthy();
    const appends = fake.setDataLog.filter((e) => e.keys.some((k) => k.startsWith('items[')));
    expect(appends.map((e) => e.keys.filter((k) => k.startsWith('items['))[0])).toEqual(['items[0]', 'items[20]', 'items[40]']);
    // The list itself is only ever sent empty (a reset); items travel by path key.
    expect(fake.setDataLog.filter((e) => e.keys.includes('items')).every((e) => e.bytes < 200)).toBe(true);
    page.instance.onReachBottom(); // past the end: no call
    await settle();
    expect(fake.calls.filter((c) => c.data.action === 'list').length).toBe(3);
  });

  test('keyword search, category and sort restart the listing; no results shows the empty state', async () => {
    const fake = installWx(cloudOf({ 'catalog.categories': () => ok({ categories: [] }), 'catalog.list': (req) => ok({ items: req.keyword ? [] : summaries(3), nextCursor: null }) }));
    const page = renderPage('catalog', fake);
    await settle(5);
    page.instance.onSearch({ detail: { value: ' 卫衣 ' } });
    await settle(5);
    const last = fake.calls[fake.calls.length - 1].data;
    expect(last).toMatchObject({ action: 'list', keyword: '卫衣', sort: 'newest' });
    expect(page.instance.data.status).toBe('empty');
    expect(page.instance.data.message).toContain('卫衣');
    page.instance.onSortTap({ currentTarget: { dataset: { sort: 'price_asc' } } });
    await settle(5);
    page.instance.onSortTap({ currentTarget: { dataset: { sort: 'price_asc' } } });
    await settle(5);
    expect(fake.calls[fake.calls.length - 1].data).toMatchObject({ sort: 'price_desc', keyword: '卫衣' });
  });

  test('a transport failure shows error-with-retry, and retry recovers', async () => {
    let down = true;
    const fake = installWx((name, data) => {
      if (down && data.action === 'list') throw new Error('network down');
      return data.action === 'list' ? ok({ items: summaries(2), nextCursor: null }) : ok({ categories: [] });
    });
    const page = renderPage('catalog', fake);
    await settle(5);
    expect(page.instance.data.status).toBe('error');
    expect(page.instance.data.message).toBe('网络不太稳定，请稍后重试');
    down = false;
    page.instance.onRetry();
    await settle(5);
    expect(page.querySelectorAll('.product-card').length).toBe(2);
  });

  test('a QR code pointing at the home page is forwarded to the landing page', async () => {
    const fake = installWx(cloudOf({}));
    renderPage('catalog', fake, { scene: 's%3Dabc' });
    await settle();
    expect(fake.navigations).toEqual([{ api: 'reLaunch', url: '/pages/landing/index?scene=s%3Dabc' }]);
  });
});

test('scenes.create codes open their target page directly: every linkable page forwards a raw code', async () => {
  for (const page of ['product', 'cart', 'orders', 'order-detail']) {
    const fake = installWx(cloudOf({}));
    renderPage(page, fake, { scene: 's%3Dk7Hx2Q9a' });
    await settle();
    expect(fake.navigations[0]).toEqual({ api: 'reLaunch', url: '/pages/landing/index?scene=s%3Dk7Hx2Q9a' });
  }
});

describe('product', () => {
  function productCloud(detail = productDetail()) {
    return cloudOf({ 'catalog.get': () => ok({ product: detail }), 'scenes.referralCode': () => ok({ referralCode: 'RefMe42' }) });
  }

  test('SKU picker drives price, stock and the stepper bound; add to cart persists the line', async () => {
    const fake = installWx(productCloud());
    const page = renderPage('product', fake, { id: 'p1' });
    await settle(5);
    expect(text(page.querySelector('#product-title'))).toBe('纯棉卫衣');
    expect(page.querySelectorAll('.gallery-item').length).toBe(2);
    expect(page.instance.data.fromPrice).toBe(true);
    // Adding without a full pick asks for the missing dimension instead.
    page.querySelector('#add-to-cart')!.dispatchEvent('tap');
    await settle();
    expect(fake.toasts.pop()).toBe('请选择 颜色 尺码');

    const picker = page.querySelector('#sku-picker')!;
    picker.querySelectorAll('.sku-value')[0].dispatchEvent('tap'); // 红
    await settle();
    picker.querySelectorAll('.sku-value')[2].dispatchEvent('tap'); // S
    await settle();
    expect(page.instance.data).toMatchObject({ skuId: 'red-s', price: 5990, originalPrice: 8990, available: 2, maxQty: 2 });
    expect(text(page.querySelector('#stock'))).toBe('库存 2 件');
    page.instance.onQtyChange({ detail: { value: 2 } });
    page.querySelector('#add-to-cart')!.dispatchEvent('tap');
    await settle();
    expect(fake.storage.get(CART_KEY)).toEqual([
      expect.objectContaining({ productId: 'p1', skuId: 'red-s', qty: 2, seenPrice: 5990, selected: true, title: '纯棉卫衣', specText: '红 / S' }),
    ]);
    expect(fake.toasts.pop()).toBe('已加入购物车');
    // Only 2 in stock and 2 already in the cart: a third is refused instead of making a bad line.
    page.instance.onQtyChange({ detail: { value: 1 } });
    page.querySelector('#add-to-cart')!.dispatchEvent('tap');
    await settle();
    expect(fake.toasts.pop()).toBe('购物车里已有 2 件，库存不足');
    expect((fake.storage.get(CART_KEY) as any[])[0].qty).toBe(2);
  });

  test('buy now hands the picked line (with the price seen) to checkout', async () => {
    const { root, mod } = buildWithModules();
    const fake = installWx(productCloud());
    const page = renderPage('product', fake, { id: 'p1' }, root);
    await settle(5);
    page.instance.onSkuChange({ detail: { picked: ['蓝', 'M'], index: 2 } });
    page.querySelector('#buy-now')!.dispatchEvent('tap');
    await settle();
    expect(mod('services/checkout.js').getCheckoutDraft()).toEqual({ source: 'buy_now', lines: [{ productId: 'p1', skuId: 'blue-m', qty: 1, expectedPrice: 7990 }] });
    expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: '/pages/checkout/index' });
  });

  test('share card and timeline carry the id and the shopper referral code; an incoming ref is recorded', async () => {
    const fake = installWx(productCloud());
    fake.enterOptions = { scene: 1007, path: 'pages/product/index', query: { id: 'p1', ref: 'Friend9' } };
    const page = renderPage('product', fake, { id: 'p1', ref: 'Friend9' });
    await settle(5);
    const share = page.instance.onShareAppMessage();
    expect(share).toMatchObject({ title: '纯棉卫衣', path: '/pages/product/index?id=p1&ref=RefMe42', imageUrl: 'https://img/1.jpg' });
    expect(JSON.stringify(share)).not.toMatch(/openid/i);
    expect(page.instance.onShareTimeline()).toMatchObject({ query: 'id=p1&ref=RefMe42' });
    expect((fake.storage.get(ENTRY_KEY) as any).attribution).toEqual({ referralCode: 'Friend9', launchScene: 1007 });
  });

  test('share before the referral code arrives uses the share promise', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = installWx(cloudOf({ 'catalog.get': () => ok({ product: productDetail() }), 'scenes.referralCode': async () => (await gate, ok({ referralCode: 'Late1' })) }));
    const page = renderPage('product', fake, { id: 'p1' });
    await settle(5);
    const share = page.instance.onShareAppMessage();
    expect(share.path).toBe('/pages/product/index?id=p1');
    release();
    expect(await share.promise).toMatchObject({ path: '/pages/product/index?id=p1&ref=Late1' });
  });

  test('a deleted product gets the empty state and a way home', async () => {
    const fake = installWx(cloudOf({ 'catalog.get': () => fail('NOT_FOUND', '商品不存在') }));
    const page = renderPage('product', fake, { id: 'gone' });
    await settle(5);
    expect(page.instance.data.status).toBe('empty');
    expect(page.querySelector('#go-home')).toBeTruthy();
    page.querySelector('#go-home')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations.pop()).toEqual({ api: 'switchTab', url: '/pages/catalog/index' });
  });

  test('off-shelf product: buttons disabled, no picker', async () => {
    const fake = installWx(productCloud(productDetail({ status: 'off_shelf' })));
    const page = renderPage('product', fake, { id: 'p1' });
    await settle(5);
    expect(page.querySelector('#off-shelf')).toBeTruthy();
    expect(page.querySelector('#sku-picker')).toBeFalsy();
    page.instance.onAddToCart();
    expect(fake.toasts.pop()).toBe('商品已下架');
  });
});

describe('cart', () => {
  const stored = [
    { productId: 'p1', skuId: 'a', qty: 1, seenPrice: 1000, selected: true, addedAt: 1, title: 'A', image: '', specText: '' },
    { productId: 'p2', skuId: 'b', qty: 1, seenPrice: 2000, selected: true, addedAt: 2, title: 'B', image: '', specText: '' },
    { productId: 'p3', skuId: 'c', qty: 1, seenPrice: 3000, selected: true, addedAt: 3, title: 'C', image: '', specText: '' },
    { productId: 'p4', skuId: 'd', qty: 5, seenPrice: 4000, selected: true, addedAt: 4, title: 'D', image: '', specText: '' },
  ];
  const check = (req: any) =>
    ok({
      lines: req.lines.map((l: any) => {
        const base = { ...l, title: `T-${l.productId}`, image: '', specText: '红', available: 10, currentPrice: l.seenPrice, problems: [] as any[] };
        if (l.productId === 'p2') return { ...base, currentPrice: 2500, problems: l.seenPrice === 2500 ? [] : [{ code: 'PRICE_CHANGED', message: '价格有变动' }] };
        if (l.productId === 'p3') return { ...base, available: 0, problems: [{ code: 'OFF_SHELF', message: '商品已下架' }] };
        if (l.productId === 'p4' && l.qty > 3) return { ...base, available: 3, problems: [{ code: 'INSUFFICIENT_STOCK', message: '库存不足，仅剩 3 件' }] };
        return base;
      }),
    });

  test('revalidates on show: problem lines grouped apart with old and new price', async () => {
    const fake = installWx(cloudOf({ 'inventory.check': check }));
    fake.storage.set(CART_KEY, stored);
    const page = renderPage('cart', fake);
    await settle(5);
    expect(fake.calls[0].data).toEqual({ action: 'check', lines: stored.map((s) => ({ productId: s.productId, skuId: s.skuId, qty: s.qty, seenPrice: s.seenPrice })) });
    expect(page.querySelectorAll('.cart-line').length).toBe(1);
    expect(page.querySelectorAll('.cart-problem-line').length).toBe(3);
    expect(text(page.querySelector('.cart-problem-price'))).toContain('¥20.00');
    expect(text(page.querySelector('.cart-problem-price'))).toContain('¥25.00');
    expect(page.instance.data.total).toBe(1000);

    page.instance.onAcceptPrice({ currentTarget: { dataset: { key: 'p2|b' } } });
    await settle();
    expect(page.querySelectorAll('.cart-line').length).toBe(2);
    expect(page.instance.data.total).toBe(3500);
    expect((fake.storage.get(CART_KEY) as any[])[1].seenPrice).toBe(2500);

    page.instance.onReduceQty({ currentTarget: { dataset: { key: 'p4|d' } } });
    await settle(10);
    expect((fake.storage.get(CART_KEY) as any[])[3].qty).toBe(3);
    expect(page.querySelectorAll('.cart-line').length).toBe(3);

    page.instance.onClearProblems();
    await settle();
    expect((fake.storage.get(CART_KEY) as any[]).map((l) => l.productId)).toEqual(['p1', 'p2', 'p4']);
    expect(page.querySelectorAll('.cart-problem-line').length).toBe(0);
  });

  test('select all, quantity edits and checkout of the selected buyable lines', async () => {
    const { root, mod } = buildWithModules();
    const fake = installWx(cloudOf({ 'inventory.check': check }));
    fake.storage.set(CART_KEY, stored.slice(0, 2));
    const page = renderPage('cart', fake, {}, root);
    await settle(5);
    page.instance.onAcceptPrice({ currentTarget: { dataset: { key: 'p2|b' } } });
    page.instance.onToggleAll();
    await settle();
    expect(page.instance.data.selectedCount).toBe(0);
    page.instance.onToggleAll();
    page.instance.onQtyChange({ currentTarget: { dataset: { key: 'p1|a' } }, detail: { value: 3 } });
    await settle();
    expect(page.instance.data).toMatchObject({ allSelected: true, selectedCount: 4, total: 5500 });
    page.querySelector('#cart-checkout')!.dispatchEvent('tap');
    await settle();
    expect(mod('services/checkout.js').getCheckoutDraft()).toEqual({
      source: 'cart',
      lines: [
        { productId: 'p1', skuId: 'a', qty: 3, expectedPrice: 1000 },
        { productId: 'p2', skuId: 'b', qty: 1, expectedPrice: 2500 },
      ],
    });
  });

  test('check failure keeps the cart visible with a retry banner; an empty cart shows the empty state', async () => {
    const fake = installWx(() => {
      throw new Error('offline');
    });
    fake.storage.set(CART_KEY, stored.slice(0, 1));
    const page = renderPage('cart', fake);
    await settle(5);
    expect(page.querySelectorAll('.cart-line').length).toBe(1);
    expect(page.querySelector('#cart-check-error')).toBeTruthy();
    const empty = renderPage('cart', installWx(cloudOf({})));
    await settle(3);
    expect(empty.instance.data.status).toBe('empty');
  });
});

describe('checkout', () => {
  function setup(routes: Record<string, (req: any) => unknown>, lines = [{ productId: 'p1', skuId: 'red-s', qty: 2, expectedPrice: 5990 }], source = 'buy_now') {
    const { root, mod } = buildWithModules();
    const fake = installWx(
      cloudOf({
        'orders.quote': (req) =>
          ok({
            lines: req.lines.map((l: any) => ({ ...l, available: 9, currentPrice: 5990, title: '纯棉卫衣', image: '', specText: '红 / S', problems: [] })),
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

  async function withAddress(page: any) {
    page.instance.onChooseAddress();
    await settle();
  }

  test('double tap makes one order; it carries the idempotency key, expected prices and attribution; then pays', async () => {
    const created: any[] = [];
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
    expect(fake.calls.map((c) => `${c.name}.${c.data.action}`)).toEqual(['orders.quote', 'orders.create', 'orders.pay']);
    expect(fake.navigations.pop()).toEqual({ api: 'redirectTo', url: '/pages/pay-result/index?orderId=o1&status=paid' });
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
    const created: any[] = [];
    let price = 5990;
    const { root, fake } = setup({
      'orders.quote': (req) => ok({ lines: req.lines.map((l: any) => ({ ...l, available: 9, currentPrice: price, title: 'T', image: '', specText: '', problems: [] })), itemsTotal: price * 2, shippingFee: 0, total: price * 2 }),
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
    expect(fake.navigations.pop()).toEqual({ api: 'redirectTo', url: '/pages/pay-result/index?orderId=o1&status=unpaid' });
    expect((fake.storage.get(CART_KEY) as any[]).map((l) => l.productId)).toEqual(['p9']);
  });

  test('no draft (opened cold): empty state with a way back', async () => {
    const fake = installWx(cloudOf({}));
    const page = renderPage('checkout', fake);
    await settle();
    expect(page.instance.data.status).toBe('empty');
  });
});

describe('landing (QR entry)', () => {
  test('mini program code: URL-encoded scene resolved, attribution recorded, redirected to the target', async () => {
    const fake = installWx(
      cloudOf({
        'scenes.resolve': (req) =>
          req.scene === 's=k7Hx2Q9a' ? ok({ target: { page: 'pages/product/index', query: { id: 'p1' } }, attribution: { campaign: 'dbl11', channel: 'poster', store: 'sh01' } }) : fail('NOT_FOUND'),
      }),
    );
    fake.enterOptions = { scene: 1047, path: 'pages/landing/index', query: { scene: 's%3Dk7Hx2Q9a' } };
    renderPage('landing', fake, { scene: 's%3Dk7Hx2Q9a' });
    await settle(5);
    expect(fake.navigations).toEqual([{ api: 'redirectTo', url: '/pages/product/index?id=p1' }]);
    expect((fake.storage.get(ENTRY_KEY) as any).attribution).toEqual({ campaign: 'dbl11', channel: 'poster', store: 'sh01', sceneCode: 's=k7Hx2Q9a', launchScene: 1047 });
  });

  test('plain QR code (1011): the scene comes from the q URL; a tab target uses switchTab', async () => {
    const fake = installWx(cloudOf({ 'scenes.resolve': (req) => (req.scene === 's=abc123' ? ok({ target: { page: 'pages/catalog/index', query: {} }, attribution: {} }) : fail('NOT_FOUND')) }));
    renderPage('landing', fake, { q: encodeURIComponent('https://shop.example.com/qr?scene=s%3Dabc123') });
    await settle(5);
    expect(fake.navigations).toEqual([{ api: 'switchTab', url: '/pages/catalog/index' }]);
  });

  test('unknown or expired code: a friendly page with a way home, not a blank one', async () => {
    const fake = installWx(cloudOf({ 'scenes.resolve': () => fail('NOT_FOUND', 'no such scene') }));
    const page = renderPage('landing', fake, { scene: 's%3Dexpired1' });
    await settle(5);
    expect(page.instance.data.status).toBe('invalid');
    expect(text(page.querySelector('#landing-invalid'))).toContain('二维码已失效');
    page.querySelector('#landing-home')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations.pop()).toEqual({ api: 'switchTab', url: '/pages/catalog/index' });
  });

  test('an unreadable scene never reaches the cloud; a network failure offers retry', async () => {
    const fake = installWx(cloudOf({}));
    const page = renderPage('landing', fake, { scene: '%E4%BD%A0' });
    await settle(3);
    expect(page.instance.data.status).toBe('invalid');
    expect(fake.calls).toEqual([]);
    const down = installWx(() => {
      throw new Error('offline');
    });
    const p2 = renderPage('landing', down, { scene: 's%3Dabc' });
    await settle(5);
    expect(p2.instance.data.status).toBe('error');
  });
});

describe('orders', () => {
  test('list by status with labels and actions; tabs reload with the status filter', async () => {
    const fake = installWx(
      cloudOf({
        'orders.list': (req) =>
          ok({ orders: req.status === 'shipped' ? [order({ _id: 'o3', status: 'shipped' })] : [order(), order({ _id: 'o2', status: 'paid' })], nextCursor: null }),
      }),
    );
    const page = renderPage('orders', fake);
    await settle(5);
    expect(page.querySelectorAll('.order-status').map(text)).toEqual(['待付款', '待发货']);
    expect(page.querySelectorAll('.order-pay').length).toBe(1);
    expect(page.querySelectorAll('.order-cancel').length).toBe(1);
    page.instance.onTabTap({ currentTarget: { dataset: { status: 'shipped' } } });
    await settle(5);
    expect(fake.calls[fake.calls.length - 1].data).toMatchObject({ action: 'list', status: 'shipped' });
    expect(page.querySelectorAll('.order-confirm').length).toBe(1);
  });

  test('detail: countdown to expiry, pay, cancel', async () => {
    let current: any = order();
    const fake = installWx(
      cloudOf({
        'orders.get': () => ok({ order: current }),
        'orders.pay': () => ok({ orderId: 'o1', payment }),
        'orders.cancel': () => ((current = order({ status: 'cancelled', cancelledAt: Date.now() })), ok({ order: current })),
      }),
    );
    const page = renderPage('order-detail', fake, { id: 'o1' });
    await settle(5);
    expect(text(page.querySelector('#order-status'))).toBe('待付款');
    expect(text(page.querySelector('#order-countdown'))).toMatch(/^剩余支付时间 1[45]:\d\d$/);
    expect(page.querySelector('#order-pay')).toBeTruthy();
    page.querySelector('#order-cancel')!.dispatchEvent('tap');
    await settle(5);
    expect(text(page.querySelector('#order-status'))).toBe('已取消');
    expect(page.querySelector('#order-pay')).toBeFalsy();
    page.detach();
  });

  test('detail: confirm receipt of a shipped order', async () => {
    let current: any = order({ status: 'shipped', trackingNo: 'SF123' });
    const fake = installWx(
      cloudOf({ 'orders.get': () => ok({ order: current }), 'orders.confirmReceipt': () => ((current = order({ status: 'completed' })), ok({ order: current })) }),
    );
    const page = renderPage('order-detail', fake, { id: 'o1' });
    await settle(5);
    page.querySelector('#order-confirm')!.dispatchEvent('tap');
    await settle(5);
    expect(fake.calls.map((c) => c.data.action)).toEqual(['get', 'confirmReceipt']);
    expect(text(page.querySelector('#order-status'))).toBe('已完成');
  });

  test('pay result confirms a payment with the server', async () => {
    const fake = installWx(cloudOf({ 'orders.get': () => ok({ order: order({ status: 'paid' }) }) }));
    const page = renderPage('pay-result', fake, { orderId: 'o1', status: 'paid' });
    await settle(5);
    expect(page.instance.data.outcome).toBe('paid');
    expect(text(page.querySelector('#pay-result-title'))).toBe('支付成功');
  });
});

