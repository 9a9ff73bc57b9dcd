// The catalog's search box: recent searches (device storage, clearable), suggestions as the shopper
// types, and what a search sends. Page logic and the official templates on the real exparser
// (miniprogram-simulate), against a fake cloud typed by typings/api.ts.
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, fail, ok, summaries, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const HISTORY_KEY = 'storefront.recentSearches.v1';

function setup(suggest: (keyword: string) => unknown = () => ok({ suggestions: [] })) {
  const fake = installWx(
    cloudOf({
      'catalog.categories': () => ok({ categories: [] }),
      'catalog.list': (req) => ok({ items: req.keyword === '杯子' ? summaries(1) : [], nextCursor: null }),
      'catalog.suggest': (req) => suggest(req.keyword) as never,
    }),
  );
  return fake;
}

const panelOf = (page: ReturnType<typeof renderPage>) => page.querySelector('.search-panel');

test('focusing the box opens recent searches; a search goes first in them (once, at most ten) and closes the panel', async () => {
  const fake = setup();
  fake.storage.set(HISTORY_KEY, ['卫衣', '杯子']);
  const page = renderPage('catalog', fake);
  await settle(5);
  expect(panelOf(page)).toBeFalsy();
  page.instance.onSearchFocus();
  await settle(5);
  const panel = panelOf(page)!;
  expect(text(panel)).toContain('最近搜索');
  expect(panel.querySelectorAll('.search-history-item').map(text)).toEqual(['卫衣', '杯子']);

  panel.querySelectorAll('.search-history-item')[1].dispatchEvent('tap');
  await settle(5);
  expect(fake.calls[fake.calls.length - 1].data).toMatchObject({ action: 'list', keyword: '杯子' });
  expect(page.instance.data.searchOpen).toBe(false);
  expect(panelOf(page)).toBeFalsy();
  expect(fake.storage.get(HISTORY_KEY)).toEqual(['杯子', '卫衣']);
  expect(page.querySelectorAll('.product-card')).toHaveLength(1);

  for (let i = 0; i < 12; i += 1) page.instance.onSearch({ detail: { value: ` 词${i} ` } });
  await settle(5);
  expect(fake.storage.get(HISTORY_KEY)).toEqual(['词11', '词10', '词9', '词8', '词7', '词6', '词5', '词4', '词3', '词2']);
});

test('recent searches can be cleared; with none the panel says so in Chinese', async () => {
  const fake = setup();
  fake.storage.set(HISTORY_KEY, ['卫衣']);
  const page = renderPage('catalog', fake);
  await settle(5);
  page.instance.onSearchFocus();
  await settle(5);
  panelOf(page)!.querySelector('#search-history-clear')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.storage.get(HISTORY_KEY)).toEqual([]);
  expect(panelOf(page)!.querySelector('#search-history-empty')).toBeTruthy();
  expect(text(panelOf(page)!)).toContain('暂无搜索记录');
  page.instance.onSearchCancel();
  await settle(5);
  expect(panelOf(page)).toBeFalsy();
});

test('typing asks catalog.suggest; a suggestion opens its product, the typed line searches the text', async () => {
  const fake = setup((keyword) => ok({ suggestions: keyword === '杯' ? [{ productId: 'demo-p17', title: '北欧哑光陶瓷马克杯' }] : [] }));
  const page = renderPage('catalog', fake);
  await settle(5);
  page.instance.onSearchInput({ detail: { value: '杯' } });
  await settle(5);
  expect(fake.calls.find((c) => c.data.action === 'suggest')!.data).toEqual({ action: 'suggest', keyword: '杯' });
  const panel = panelOf(page)!;
  expect(panel.querySelectorAll('.search-suggestion').map(text)).toEqual(['北欧哑光陶瓷马克杯']);
  expect(text(panel.querySelector('#search-typed'))).toBe('搜索“杯”');
  panel.querySelector('.search-suggestion')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.navigations[fake.navigations.length - 1]).toEqual({ api: 'navigateTo', url: '/pages-shop/product/index?id=demo-p17' });

  page.instance.onSearchInput({ detail: { value: '杯子' } });
  await settle(5);
  expect(panelOf(page)!.querySelector('#search-suggest-empty')).toBeTruthy();
  expect(text(panelOf(page)!)).toContain('没有找到相关商品');
  panelOf(page)!.querySelector('#search-typed')!.dispatchEvent('tap');
  await settle(5);
  expect(fake.calls[fake.calls.length - 1].data).toMatchObject({ action: 'list', keyword: '杯子' });
  expect(fake.storage.get(HISTORY_KEY)).toEqual(['杯子']);
});

test('a failed suggestion shows a Chinese retry line; only the answer to the latest text is shown', async () => {
  let down = true;
  const answer = (keyword: string) => ok({ suggestions: [{ productId: 'p1', title: `${keyword} 商品` }] });
  // The answer for 杯子 arrives after the one for the text typed next.
  const fake = setup((keyword) => (down ? fail('UNAVAILABLE', '网络不太稳定，请稍后重试') : keyword === '杯子' ? new Promise((r) => setTimeout(() => r(answer(keyword)), 40)) : answer(keyword)));
  const page = renderPage('catalog', fake);
  await settle(5);
  page.instance.onSearchInput({ detail: { value: '杯' } });
  await settle(5);
  expect(text(panelOf(page)!.querySelector('#search-suggest-retry'))).toBe('联想加载失败，点击重试');
  down = false;
  panelOf(page)!.querySelector('#search-suggest-retry')!.dispatchEvent('tap');
  await settle(5);
  expect(panelOf(page)!.querySelectorAll('.search-suggestion').map(text)).toEqual(['杯 商品']);
  page.instance.onSearchInput({ detail: { value: '杯子' } });
  page.instance.onSearchInput({ detail: { value: '杯子马' } });
  await settle(5);
  expect(panelOf(page)!.querySelectorAll('.search-suggestion').map(text)).toEqual(['杯子马 商品']);
  await new Promise((r) => setTimeout(r, 80));
  await settle(5);
  expect(panelOf(page)!.querySelectorAll('.search-suggestion').map(text)).toEqual(['杯子马 商品']);
});
