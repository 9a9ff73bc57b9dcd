/**
 * `__headless__.audit()`: the DevTools audit's WXML figures for the current page (every rendered
 * element, component hosts and their internals included; depth; the most children one node has) and
 * the sizes of the page's setData calls.
 */
import type MiniProgram from 'miniprogram-automator/out/MiniProgram';
import { copyFixture, startFixture, type Started } from './helpers';

declare const __headless__: any; // eslint-disable-line @typescript-eslint/no-explicit-any
jest.setTimeout(60_000);

const ITEMS = Array.from({ length: 65 }, (_, i) => i);
let started: Started;
let mp: MiniProgram;

beforeAll(async () => {
  const project = copyFixture({
    // 65 rows of (view > text) under one view, and one price-tag (host + its <text>).
    'miniprogram/pages/detail/detail.wxml': `<view class="rows"><view wx:for="{{rows}}" wx:key="*this" class="row"><text>{{item}}</text></view></view>\n<price-tag wx:if="{{tag}}" text="9.90" />\n`,
  });
  started = await startFixture({ projectPath: project });
  mp = started.mp;
});
afterAll(async () => {
  await started?.close();
});

test('counts every rendered element including component internals, the depth and the widest node; sizes setData', async () => {
  await mp.callWxMethod('navigateTo', { url: '/pages/detail/detail' });
  const page = (await mp.currentPage())!;
  const empty = await mp.evaluate(() => __headless__.audit());
  await page.setData({ rows: ITEMS });
  const rows = await mp.evaluate(() => __headless__.audit());
  expect(rows.route).toBe('pages/detail/detail');
  expect(rows.nodes - empty.nodes).toBe(65 * 2);
  expect(rows.maxChildren).toBe(65);
  expect(rows.widest).toBe('wx-view.rows');
  expect(rows.depth).toBe(empty.depth + 2);
  await page.setData({ tag: true });
  const tagged = await mp.evaluate(() => __headless__.audit());
  expect(tagged.nodes - rows.nodes).toBe(2);
  // The page's own setData calls from the test: their JSON sizes in bytes.
  expect(tagged.setData.calls).toBeGreaterThanOrEqual(2);
  expect(tagged.setData.lastBytes).toBe(Buffer.byteLength(JSON.stringify({ tag: true })));
  expect(tagged.setData.maxBytes).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify({ rows: ITEMS })));
});
