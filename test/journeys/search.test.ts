/**
 * Search as the shopper meets it: the demo catalog stored as the admin tools store it (with its search
 * keywords), the real catalog function, and the catalog page driven by the unmodified
 * miniprogram-automator. Every case of the query set (test/support/search-queries) is typed into the
 * search box and confirmed; the cards the page renders must be exactly the expected products.
 */
import { DEMO_CATEGORIES, demoProducts } from '../../admin/demo-catalog';
import { withKeywords } from '../../miniprogram/domain/search-terms';
import { SEARCH_CASES } from '../support/search-queries';
import type { InputElement } from 'miniprogram-automator/out/Element';
import { JOURNEY_TIMEOUT, mustFind, startShop, tapElement, tapIn, textOf, type Element, type Page, type Shop } from './harness';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
  const names = new Map(DEMO_CATEGORIES.map((c) => [c._id, c.name]));
  for (const { _id, ...rest } of DEMO_CATEGORIES) await shop.db.collection('categories').doc(_id).set(rest);
  for (const product of demoProducts()) {
    const { _id, ...rest } = withKeywords(product, names);
    await shop.db.collection('products').doc(_id).set(rest);
  }
}, JOURNEY_TIMEOUT);
afterAll(async () => {
  await shop?.close();
}, JOURNEY_TIMEOUT);

const TITLES = new Map(demoProducts().map((p) => [p._id, p.title]));

/** Types a query into the catalog's search box and confirms it, as the keyboard's search key does. */
async function search(page: Page, query: string): Promise<void> {
  const input = (await mustFind(page, '#search-input')) as InputElement;
  await input.trigger('focus', { value: '' });
  await input.input(query);
  await input.trigger('confirm', { value: query });
  await shop.settle();
}

test('the query set passes in the catalog page', async () => {
  const page = await shop.page();
  expect(page.path).toBe('pages/catalog/index');
  for (const c of SEARCH_CASES) {
    await search(page, c.query);
    // The list's rows, group by group (all groups are on screen for a result set this small).
    const groups = ((await page.data('groups')) ?? []) as { rows: { _id: string; title: string }[] | null }[];
    const items = groups.flatMap((g) => g.rows ?? []);
    expect({ query: c.query, found: items.map((p) => p._id).sort() }).toEqual({ query: c.query, found: [...c.expected].sort() });
    // What the shopper sees: one card per product found, or the empty state naming the query.
    const cards = await page.$$('.product-card');
    expect(cards).toHaveLength(c.expected.length);
    if (c.expected.length > 0) {
      expect(items.map((p) => p.title).sort()).toEqual(c.expected.map((id) => TITLES.get(id)).sort());
    } else {
      expect(await page.data('status')).toBe('empty');
      expect(await page.data('message')).toBe(`没有找到“${c.query.trim()}”相关的商品`);
    }
    if (c.query === '杯子') await shop.shot('search', 'cup');
  }
  expect(shop.exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

/** Texts of the elements matching `inner` inside the search panel (a custom component). */
async function panelTexts(page: Page, inner: string): Promise<string[]> {
  const els = await (await mustFind(page, '.search-panel')).$$(inner);
  return Promise.all(els.map(async (el: Element) => (await el.text()).replace(/\s+/g, ' ').trim()));
}

test('recent searches and suggestions in the page: a search is remembered, typing suggests products, a suggestion opens one', async () => {
  let page = await shop.page();
  await search(page, '马克杯');
  const input = (await mustFind(page, '#search-input')) as InputElement;
  await input.trigger('focus', { value: '马克杯' });
  await input.input('');
  await shop.settle();
  expect((await panelTexts(page, '.search-history-item')).slice(0, 2)).toEqual(['马克杯', '咖啡 键盘']); // "!!!" finds nothing by itself: not remembered
  await shop.shot('search', 'recent');
  await input.input('iphone');
  await shop.settle();
  expect(await panelTexts(page, '.search-suggestion')).toEqual(['液态硅胶手机壳']);
  await shop.shot('search', 'suggest');
  await tapIn(page, '.search-panel', '.search-suggestion');
  page = await shop.page();
  expect(page.path).toBe('pages-shop/product/index');
  expect(page.query).toMatchObject({ id: 'demo-p35' });
  page = await shop.navigateBack();
  await tapElement(await mustFind(page, '#search-cancel'));
  expect(await page.$('.search-panel')).toBeNull();
  expect(await textOf(page, '#search-clear')).toBe('×');
}, JOURNEY_TIMEOUT);
