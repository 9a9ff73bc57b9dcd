// Component unit tests: the components' TypeScript is transpiled, their templates compiled by the
// official wcc, and they run on the real exparser through miniprogram-simulate.
import { cleanupTemp, installWx, renderComponent, settle } from '../support/mp-harness';
import type { FakeWx, RenderedComponent } from '../support/mp-harness';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

// Each render gets its own fresh build (see renderComponent): Jest's module registry would otherwise
// hand back a component module whose Component() call already ran.
let fake: FakeWx;

beforeEach(() => {
  fake = installWx(() => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'offline' } }));
});

const text = (c: RenderedComponent) => (c.dom.textContent || '').replace(/\s+/g, ' ').trim();

function events(comp: RenderedComponent, name: string): any[] {
  const seen: any[] = [];
  comp.addEventListener(name, (e) => seen.push(e.detail));
  return seen;
}

describe('price', () => {
  test('formats fen at display, with the original price only when higher', async () => {
    const c = renderComponent('price', { fen: 1250, original: 1990 });
    await settle();
    expect(text(c)).toBe('¥12.50¥19.90');
    expect(c.querySelector('.price-original')).toBeTruthy();
    c.setData({ fen: 5, original: 5 });
    await settle();
    expect(text(c)).toBe('¥0.05');
    expect(c.querySelector('.price-original')).toBeFalsy();
  });
});

describe('stepper', () => {
  test('steps within [min, max] and emits only real changes', async () => {
    const c = renderComponent('stepper', { value: 1, min: 1, max: 3 });
    const changes = events(c, 'change');
    await settle();
    c.querySelector('.stepper-minus')!.dispatchEvent('tap');
    await settle();
    expect(changes).toEqual([]);
    for (let i = 0; i < 4; i += 1) {
      c.querySelector('.stepper-plus')!.dispatchEvent('tap');
      await settle();
    }
    expect(changes.map((d) => d.value)).toEqual([2, 3]);
    expect(c.instance.data.atMax).toBe(true);
    expect(c.querySelector('.stepper-btn-off')).toBeTruthy();
  });

  test('typed values are clamped to the stock bound; disabled never emits', async () => {
    const c = renderComponent('stepper', { value: 2, min: 1, max: 5 });
    const changes = events(c, 'change');
    await settle();
    c.querySelector('.stepper-input')!.dispatchEvent('input', { detail: { value: '40' } });
    await settle();
    expect(changes.pop().value).toBe(5);
    c.setData({ disabled: true });
    await settle();
    c.querySelector('.stepper-plus')!.dispatchEvent('tap');
    await settle();
    expect(changes).toEqual([]);
  });
});

describe('sku-picker', () => {
  // 红/S has stock, 红/M is sold out, 蓝/M has stock, 蓝/S does not exist.
  const specs = [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M'] },
  ];
  const combos = [
    [0, 0, 2],
    [0, 1, 0],
    [1, 1, 5],
  ];
  const classesOf = (c: RenderedComponent) =>
    c.querySelectorAll('.sku-value').map((v) => `${(v.dom.textContent || '').trim()}:${(v.dom.getAttribute('class') || '').match(/sku-value-(\w+)/)![1]}`);

  test('greys out sold-out and impossible combinations as the shopper picks', async () => {
    const c = renderComponent('sku-picker', { specs, combos });
    const changes = events(c, 'change');
    await settle();
    expect(classesOf(c)).toEqual(['红:available', '蓝:available', 'S:available', 'M:available']);

    c.querySelectorAll('.sku-value')[0].dispatchEvent('tap'); // 红
    await settle();
    expect(classesOf(c)).toEqual(['红:selected', '蓝:available', 'S:available', 'M售罄:sold_out']);
    expect(changes.pop()).toEqual({ picked: ['红', null], index: -1 });

    c.querySelectorAll('.sku-value')[3].dispatchEvent('tap'); // M is sold out with 红: ignored
    await settle();
    expect(changes).toEqual([]);

    c.querySelectorAll('.sku-value')[2].dispatchEvent('tap'); // S
    await settle();
    expect(changes.pop()).toEqual({ picked: ['红', 'S'], index: 0 });
    expect(classesOf(c)).toEqual(['红:selected', '蓝:impossible', 'S:selected', 'M售罄:sold_out']);

    c.querySelectorAll('.sku-value')[1].dispatchEvent('tap'); // 蓝/S does not exist: ignored
    await settle();
    expect(changes).toEqual([]);
  });

  test('single-valued dimensions are picked for the shopper; re-setting the same data does not re-emit', async () => {
    const c = renderComponent('sku-picker', {});
    const changes = events(c, 'change');
    c.setData({ specs: [{ name: '规格', values: ['标准'] }], combos: [[0, 3]] });
    await settle();
    expect(changes.pop()).toEqual({ picked: ['标准'], index: 0 });
    c.setData({ specs: [{ name: '规格', values: ['标准'] }], combos: [[0, 3]] });
    await settle();
    expect(changes).toEqual([]);
    expect(c.instance.data.dims[0].values[0]).toEqual({ value: '标准', state: 'selected', label: '规格 标准 已选' });
  });
});

describe('state', () => {
  test('loading, empty with action, error with retry, nothing when ok', async () => {
    const c = renderComponent('state', { status: 'loading' });
    const retries = events(c, 'retry');
    const actions = events(c, 'action');
    await settle();
    expect(c.querySelector('.state-loading')).toBeTruthy();
    c.setData({ status: 'empty', message: '购物车是空的', actionText: '去逛逛' });
    await settle();
    expect(text(c)).toContain('购物车是空的');
    c.querySelector('.state-action')!.dispatchEvent('tap');
    c.setData({ status: 'error', message: '网络不太稳定' });
    await settle();
    c.querySelector('.state-retry')!.dispatchEvent('tap');
    await settle();
    expect(retries.length).toBe(1);
    expect(actions.length).toBe(1);
    c.setData({ status: 'ok' });
    await settle();
    expect(text(c)).toBe('');
  });
});

describe('product-card', () => {
  test('renders the summary and opens the product page', async () => {
    const item = { _id: 'p 1', title: '卫衣', cover: 'https://x/c.jpg', price: 5990, originalPrice: 8990, sales: 12, soldOut: true };
    const c = renderComponent('product-card', { item });
    await settle();
    expect(text(c)).toContain('卫衣');
    expect(text(c)).toContain('已售罄');
    expect(text(c)).toContain('¥59.90');
    c.querySelector('.pc')!.dispatchEvent('tap');
    await settle();
    expect(fake.navigations).toEqual([{ api: 'navigateTo', url: '/pages-shop/product/index?id=p%201' }]);
  });
  test('on a running flash sale: the sale price, the original struck through and the 秒杀 badge; none otherwise', async () => {
    const flash = renderComponent('product-card', { item: { _id: 'p2', title: '帆布包', cover: 'https://x/b.jpg', price: 990, originalPrice: 2990, sales: 3, soldOut: false, flash: true } });
    await settle();
    expect(flash.querySelector('.pc-flash')).toBeTruthy();
    expect(text(flash)).toBe('秒杀帆布包¥9.90¥29.90已售 3');
    const plain = renderComponent('product-card', { item: { _id: 'p3', title: '帆布包', cover: 'https://x/b.jpg', price: 2990, sales: 3, soldOut: false } });
    await settle();
    expect(plain.querySelector('.pc-flash')).toBeFalsy();
    expect(text(plain)).toBe('帆布包¥29.90已售 3');
  });
});

describe('countdown', () => {
  test('shows the time left and emits expire once at zero', async () => {
    // The clock stands still while the component renders, so the time left is exact on any machine.
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const c = renderComponent('countdown', { expireAt: now + 65_000, prefix: '剩余' });
    await settle();
    expect(text(c)).toBe('剩余 01:05');
    clock.mockRestore();
    const expired = events(c, 'expire');
    c.setData({ expireAt: Date.now() - 1 });
    await settle();
    expect(text(c)).toBe('剩余 00:00');
    expect(expired.length).toBe(1);
    c.detach();
  });
});
