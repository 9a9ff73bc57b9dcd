// The product page: SKU picking, cart, buy now, sharing and its states.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { buildWithModules, CART_KEY, cloudOf, fail, ok, productDetail, storedAttribution, storedCart, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

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
    expect(storedCart(fake)[0].qty).toBe(2);
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
    expect(fake.navigations.pop()).toEqual({ api: 'navigateTo', url: '/pages-shop/checkout/index' });
  });

  test('share card and timeline carry the id and the shopper referral code; an incoming ref is recorded', async () => {
    const fake = installWx(productCloud());
    fake.enterOptions = { scene: 1007, path: 'pages-shop/product/index', query: { id: 'p1', ref: 'Friend9' } };
    const page = renderPage('product', fake, { id: 'p1', ref: 'Friend9' });
    await settle(5);
    const share = page.instance.onShareAppMessage();
    expect(share).toMatchObject({ title: '纯棉卫衣', path: '/pages-shop/product/index?id=p1&ref=RefMe42', imageUrl: 'https://img/1.jpg' });
    expect(JSON.stringify(share)).not.toMatch(/openid/i);
    expect(page.instance.onShareTimeline()).toMatchObject({ query: 'id=p1&ref=RefMe42' });
    expect(storedAttribution(fake)).toEqual({ referralCode: 'Friend9', launchScene: 1007 });
  });

  test('share before the referral code arrives uses the share promise', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = installWx(cloudOf({ 'catalog.get': () => ok({ product: productDetail() }), 'scenes.referralCode': async () => (await gate, ok({ referralCode: 'Late1' })) }));
    const page = renderPage('product', fake, { id: 'p1' });
    await settle(5);
    const share = page.instance.onShareAppMessage();
    expect(share.path).toBe('/pages-shop/product/index?id=p1');
    release();
    expect(await share.promise).toMatchObject({ path: '/pages-shop/product/index?id=p1&ref=Late1' });
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
