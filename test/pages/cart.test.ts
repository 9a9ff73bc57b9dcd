// The cart tab: revalidation against stock and prices, selection and checkout.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import type { ActionEvent, CheckLineResult } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { buildWithModules, CART_KEY, cloudOf, ok, productDetail, storedCart, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

describe('cart', () => {
  const stored = [
    { productId: 'p1', skuId: 'a', qty: 1, seenPrice: 1000, selected: true, addedAt: 1, title: 'A', image: '', specText: '' },
    { productId: 'p2', skuId: 'b', qty: 1, seenPrice: 2000, selected: true, addedAt: 2, title: 'B', image: '', specText: '' },
    { productId: 'p3', skuId: 'c', qty: 1, seenPrice: 3000, selected: true, addedAt: 3, title: 'C', image: '', specText: '' },
    { productId: 'p4', skuId: 'd', qty: 5, seenPrice: 4000, selected: true, addedAt: 4, title: 'D', image: '', specText: '' },
  ];
  const check = (req: ActionEvent<'inventory', 'check'>) =>
    ok({
      lines: req.lines.map((l): CheckLineResult => {
        const base: CheckLineResult = { ...l, title: `T-${l.productId}`, image: '', specText: '红', available: 10, currentPrice: l.seenPrice ?? null, problems: [] };
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
    expect(storedCart(fake)[1].seenPrice).toBe(2500);

    page.instance.onReduceQty({ currentTarget: { dataset: { key: 'p4|d' } } });
    await settle(10);
    expect(storedCart(fake)[3].qty).toBe(3);
    expect(page.querySelectorAll('.cart-line').length).toBe(3);

    page.instance.onClearProblems();
    await settle();
    expect(storedCart(fake).map((l) => l.productId)).toEqual(['p1', 'p2', 'p4']);
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
  test('a line just added on the product page shows the card thumbnail from the first render, not the full image', async () => {
    const { root } = buildWithModules();
    // the check stays unanswered until the test answers it: what shows meanwhile is the first render
    let answer: () => void = () => undefined;
    const fake = installWx(
      cloudOf({
        'catalog.get': () => ok({ product: productDetail({ cover: 'https://img/1.thumb.jpg' }) }),
        'scenes.referralCode': () => ok({ referralCode: 'RefMe42' }),
        'inventory.check': (req) =>
          new Promise((resolve) => {
            const lines = req.lines.map((l): CheckLineResult => ({ ...l, title: '纯棉卫衣', image: 'https://img/1.thumb.jpg', specText: '红 / S', available: 2, currentPrice: 5990, problems: [] }));
            answer = () => resolve(ok({ lines }));
          }),
      }),
    );
    const product = renderPage('product', fake, { id: 'p1' }, root);
    await settle(5);
    const picker = product.querySelector('#sku-picker')!;
    picker.querySelectorAll('.sku-value')[0].dispatchEvent('tap'); // 红
    await settle();
    picker.querySelectorAll('.sku-value')[2].dispatchEvent('tap'); // S
    await settle();
    product.querySelector('#add-to-cart')!.dispatchEvent('tap');
    await settle();
    const cart = renderPage('cart', fake, {}, root);
    await settle(5);
    // the line's <image src> is bound to it (the simulated <image> keeps no attributes to read back)
    const src = () => cart.instance.data.lines[0].image;
    expect(cart.querySelector('#cart-checking')).toBeTruthy();
    expect(src()).toBe('https://img/1.thumb.jpg');
    answer();
    await settle(5);
    expect(cart.querySelector('#cart-checking')).toBeFalsy();
    expect(src()).toBe('https://img/1.thumb.jpg');
  });
});
