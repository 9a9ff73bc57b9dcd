/**
 * Search in the browser preview at phone and desktop sizes, typed with a real keyboard: suggestions
 * while typing, the search key's results (杯子 finds the 马克杯 through the merchant's terms), the empty
 * state, and recent searches offered on the next focus.
 */
import { phone, relaunch, screenshot, startStore, until, VIEWPORTS, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
beforeAll(async () => {
  store = await startStore();
});
afterAll(async () => {
  await store?.close();
});

test.each([VIEWPORTS[0], VIEWPORTS[2]])('at $width x $height: suggestions, results, empty state, recent searches', async (viewport) => {
  const { context, page } = await store.open(viewport);
  try {
    await relaunch(page);
    const frame = phone(page);
    const cards = () => frame.locator('.product-card');
    const search = frame.locator('input[placeholder="搜索商品"]');
    const tag = String(viewport.width);
    // Classes inside a component carry its name as a prefix in the rendered page (style isolation).
    const inPanel = (cls: string) => frame.locator(`.search-panel .search-panel--${cls}`);

    await search.click();
    await search.pressSequentially('杯');
    await inPanel('search-suggestion').first().waitFor();
    expect(await inPanel('search-suggestion').allInnerTexts()).toEqual(['北欧哑光陶瓷马克杯']);
    // The panel lies over the listing and stays inside the phone's width.
    const panel = await frame.locator('.search-panel').boundingBox();
    expect(panel!.width).toBeLessThanOrEqual(375);
    await screenshot(page, `search-suggest-${tag}`);

    await search.pressSequentially('子');
    await search.press('Enter');
    await frame.locator('#search-clear').waitFor();
    await until(() => cards().count(), (n) => n === 1);
    expect(await cards().allInnerTexts()).toEqual([expect.stringContaining('北欧哑光陶瓷马克杯')]);
    await screenshot(page, `search-results-${tag}`);

    await search.click();
    await search.fill('');
    await search.pressSequentially('榴莲');
    await search.press('Enter');
    await frame.getByText('没有找到“榴莲”相关的商品').waitFor();
    await screenshot(page, `search-empty-${tag}`);

    await search.click();
    await search.fill('');
    await inPanel('search-history-item').first().waitFor();
    expect((await inPanel('search-history-item').allInnerTexts()).slice(0, 2)).toEqual(['榴莲', '杯子']);
    await screenshot(page, `search-recent-${tag}`);
    await frame.locator('#search-history-clear').click();
    await frame.getByText('暂无搜索记录').waitFor();
    await frame.locator('#search-cancel').click();
    await frame.locator('.search-panel').waitFor({ state: 'detached' });
  } finally {
    await context.close();
  }
});
