/**
 * Every console section at the most common laptop size (1366 × 768) and on a phone (390 × 844), in
 * Chinese and English, in headless Chromium: nothing wider than the screen (wide tables scroll inside
 * their frame), the grouped navigation whole on the laptop with each name on one line, and on the phone
 * a menu behind a button that names the current section. Screenshots of each go to the artifacts folder.
 */
import path from 'node:path';
import { artifactsDir } from '../support/artifacts';
import { DESKTOP, PHONE, useConsole } from './harness';

jest.setTimeout(300_000);

const ui = useConsole();

/** Every section, as the navigation lists them. */
const TABS = ['products', 'ledger', 'orders', 'after-sales', 'stores', 'notices', 'coupons', 'flash-sales', 'group-deals', 'campaigns', 'qrcodes', 'reports', 'db', 'logs'];

/** Elements that stick out past the right edge of the screen (a wide table's frame scrolls instead). */
const overflowing = (): Promise<string[]> =>
  ui.page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push('page ' + document.documentElement.scrollWidth + ' > ' + width);
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.table-wrap, .time-native, dialog') || !el.getClientRects().length) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' right ' + Math.round(r.right));
    }
    return out.slice(0, 5);
  })()`) as Promise<string[]>;

/** The height of the tallest navigation link: one line of text is about 31 px with its padding. */
const tallestNavLink = (): Promise<number> => ui.page.evaluate(`Math.max(...[...document.querySelectorAll('#nav a')].map((a) => a.getBoundingClientRect().height))`) as Promise<number>;

async function checkEverySection(lang: 'zh' | 'en'): Promise<void> {
  expect(await ui.page.locator('#nav a').evaluateAll((links) => links.map((a) => a.getAttribute('data-tab')))).toEqual(TABS);
  for (const tab of TABS) {
    await ui.open(`#/${tab}`);
    expect(await ui.page.locator('#page-error').count()).toBe(0);
    // The database section opens on its first collection.
    if (tab === 'db') expect(await ui.page.locator('#collection-panel #docs').count()).toBe(1);
    for (const viewport of [DESKTOP, PHONE]) {
      await ui.page.setViewportSize(viewport);
      await expect(overflowing()).resolves.toEqual([]);
    }
    await ui.page.setViewportSize(DESKTOP);
    expect(await ui.page.isVisible('#nav')).toBe(true);
    expect(await ui.page.isVisible('#nav-toggle')).toBe(false);
    expect(await tallestNavLink()).toBeLessThan(36);
    await ui.shots(`layout-${tab}-${lang}`);
  }
}

test('every section fits a laptop and a phone in Chinese, the navigation whole on the laptop', async () => {
  await checkEverySection('zh');
});

test('on a phone the sections are a menu behind a button that names the current one', async () => {
  await ui.open('#/orders');
  await ui.page.setViewportSize(PHONE);
  expect(await ui.page.isVisible('#nav')).toBe(false);
  await expect(ui.page.locator('#nav-toggle').textContent()).resolves.toBe('订单');
  await expect(ui.page.getAttribute('#nav-toggle', 'aria-expanded')).resolves.toBe('false');
  await ui.page.click('#nav-toggle');
  await expect(ui.page.getAttribute('#nav-toggle', 'aria-expanded')).resolves.toBe('true');
  expect(await ui.page.locator('#nav a:visible').count()).toBe(TABS.length);
  expect(await ui.page.locator('#nav .nav-group-label').allTextContents()).toEqual(['商品管理', '订单服务', '营销推广', '数据与系统']);
  await expect(overflowing()).resolves.toEqual([]);
  await ui.page.screenshot({ path: path.join(artifactsDir('console'), 'layout-menu-open-zh-phone.png') });
  // A section chosen from the menu opens, and the menu closes.
  await ui.page.click('#nav a[data-tab="coupons"]');
  await ui.page.waitForSelector('#view[data-loaded="#/coupons"]');
  expect(await ui.page.isVisible('#nav')).toBe(false);
  await expect(ui.page.locator('#nav-toggle').textContent()).resolves.toBe('优惠券');
  await ui.page.setViewportSize(DESKTOP);
});

test('in English too: every section fits, navigation names on one line', async () => {
  await ui.page.click('#lang-switch');
  await ui.page.waitForSelector('html[lang="en"] #view[data-loaded]');
  await checkEverySection('en');
  await ui.page.setViewportSize(PHONE);
  await ui.page.click('#nav-toggle');
  await ui.page.screenshot({ path: path.join(artifactsDir('console'), 'layout-menu-open-en-phone.png') });
  expect(await ui.page.locator('#nav .nav-group-label').allTextContents()).toEqual(['Catalog', 'Orders & service', 'Marketing', 'Data & system']);
  await ui.page.setViewportSize(DESKTOP);
});
