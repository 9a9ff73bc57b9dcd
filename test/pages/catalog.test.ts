// The catalog (home tab): infinite scroll, search, filters and its states.
// Page logic and the official templates on the real exparser (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, ok, summaries, text } from './fake-cloud';

/** The page's CARD_ROW_RPX (importing the page module would run its Page()). */
const CARD_ROW_RPX = 516;
const cardIds = (page: { querySelectorAll(s: string): { instance: { data: Record<string, any> } }[] }) => page.querySelectorAll('.product-card').map((c) => c.instance.data.item._id);

jest.setTimeout(60_000);
afterAll(cleanupTemp);

describe('catalog', () => {
  test('a card on a running flash sale carries the sale: its badge and the original price struck through', async () => {
    const [flash, plain] = summaries(2);
    const fake = installWx(
      cloudOf({
        'catalog.categories': () => ok({ categories: [] }),
        'catalog.list': () => ok({ items: [{ ...flash, price: 990, originalPrice: 2990, flash: true }, plain], nextCursor: null }),
      }),
    );
    const page = renderPage('catalog', fake);
    await settle(5);
    expect(page.querySelectorAll('.product-card').map((c) => c.instance.data.item)).toEqual([
      { ...flash, price: 990, originalPrice: 2990, flash: true },
      plain,
    ]);
    expect(page.querySelectorAll('.product-card').map((c) => !!c.querySelector('.pc-flash'))).toEqual([true, false]);
  });

  test('first page, then infinite scroll appends one group per page by path key; groups far above the screen are left out', async () => {
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
    expect(page.instance.data.count).toBe(45);
    // At the bottom: the last two groups are on screen, the first is a spacer of its exact height.
    expect(page.querySelectorAll('.product-card').length).toBe(25);
    expect(page.instance.data.spaceAbove).toBe(10 * CARD_ROW_RPX);
    expect(page.querySelector('#no-more')).toBeTruthy();
    const appends = fake.setDataLog.filter((e) => e.keys.some((k) => /^groups\[\d+\]$/.test(k)));
    expect(appends.map((e) => e.keys.filter((k) => /^groups\[\d+\]$/.test(k))[0])).toEqual(['groups[0]', 'groups[1]', 'groups[2]']);
    // The list itself is only ever sent empty (a reset); rows travel by path key.
    expect(fake.setDataLog.filter((e) => e.keys.includes('groups')).every((e) => e.bytes < 300)).toBe(true);
    page.instance.onReachBottom(); // past the end: no call
    await settle();
    expect(fake.calls.filter((c) => c.data.action === 'list').length).toBe(3);
    // Back to the top: the first group returns, the last one leaves.
    page.instance.onPageScroll({ scrollTop: 0 });
    await settle();
    expect(cardIds(page)).toEqual(summaries(20, 0).map((p) => p._id));
    expect(page.instance.data.spaceBelow).toBe(10 * CARD_ROW_RPX + 3 * CARD_ROW_RPX);
  });

  test('5,000 products later the page renders as few nodes as after 500, and no setData grew', async () => {
    const fake = installWx(
      cloudOf({
        'catalog.categories': () => ok({ categories: [] }),
        'catalog.list': (req) => {
          const start = req.cursor ? Number(req.cursor) : 0;
          return ok({ items: summaries(20, start), nextCursor: start + 20 >= 5000 ? null : String(start + 20) });
        },
      }),
    );
    const page = renderPage('catalog', fake);
    await settle(5);
    const nodesAt: Record<number, number> = {};
    for (let guard = 0; guard < 300 && !page.instance.data.noMore; guard += 1) {
      page.instance.onReachBottom();
      await settle(2);
      const count = page.instance.data.count as number;
      if (count === 500 || count === 5000) nodesAt[count] = page.dom.querySelectorAll('*').length;
    }
    expect(page.instance.data.count).toBe(5000);
    expect(nodesAt[5000]).toBeLessThan(1000);
    expect(nodesAt[5000]).toBeLessThanOrEqual(nodesAt[500] + 1); // + the "没有更多了" footer
    expect(Math.max(...fake.setDataLog.map((e) => e.bytes))).toBeLessThan(16 * 1024);
  }, 300_000);

  test('a product the server sends again (re-ranked while scrolling) is shown once', async () => {
    const fake = installWx(
      cloudOf({
        'catalog.categories': () => ok({ categories: [] }),
        'catalog.list': (req) => ok(req.cursor ? { items: summaries(3, 1), nextCursor: null } : { items: summaries(3, 0), nextCursor: 'next' }),
      }),
    );
    const page = renderPage('catalog', fake);
    await settle(5);
    page.instance.onReachBottom();
    await settle(5);
    expect(page.instance.data.count).toBe(4);
    expect(cardIds(page)).toEqual(summaries(4, 0).map((p) => p._id));
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
