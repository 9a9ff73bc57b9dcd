// Component libraries from npm, as developers use them: a fixture mini program of ours built on
// tdesign-miniprogram and @vant/weapp (installed from npm, built into miniprogram_npm with packNpm),
// driven by the unmodified miniprogram-automator: tabs, popups, pull-down-refresh, cells, steppers,
// swiper, image, buttons, a custom tab bar and virtualHost selection; screenshots compared with
// committed reference pictures.
//
// Reference pictures are regression snapshots of this simulator (no DevTools here to take true
// ones), with fonts pinned by the fixture's app.wxss (Noto Sans CJK SC). Tolerance: a pixel counts
// as different when one of its channels differs by more than PIXEL_THRESHOLD; a screenshot matches
// when at most MAX_DIFF_RATIO of its pixels differ. `UPDATE_REFERENCE=1` rewrites the pictures
// (look at every one before committing it).
import fs from 'fs';
import path from 'path';
import { PNG } from 'pngjs';
import { current, custom, startFixture, type Started } from './helpers';
import { buildComponentLibsFixture, COMPONENT_LIBS } from './component-libs';

declare const __headless__: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PIXEL_THRESHOLD = 48;
const MAX_DIFF_RATIO = 0.005;
const REFERENCE = path.join(COMPONENT_LIBS, 'reference');
// The first screenshot starts Chromium; the CI box is small and shared.
jest.setTimeout(90_000);

let s: Started;
let dir: string;
beforeAll(async () => {
  dir = await buildComponentLibsFixture();
  s = await startFixture({ projectPath: dir });
}, 120_000);
afterAll(async () => {
  await s?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function diffRatio(a: PNG, b: PNG): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let diff = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i] - b.data[i]) > PIXEL_THRESHOLD || Math.abs(a.data[i + 1] - b.data[i + 1]) > PIXEL_THRESHOLD || Math.abs(a.data[i + 2] - b.data[i + 2]) > PIXEL_THRESHOLD) diff++;
  }
  return diff / (a.width * a.height);
}

async function matchesReference(name: string): Promise<void> {
  const shot = Buffer.from((await s.mp.screenshot()) as string, 'base64');
  const file = path.join(REFERENCE, `${name}.png`);
  if (process.env.UPDATE_REFERENCE) {
    fs.mkdirSync(REFERENCE, { recursive: true });
    fs.writeFileSync(file, shot);
    return;
  }
  const ratio = diffRatio(PNG.sync.read(shot), PNG.sync.read(fs.readFileSync(file)));
  if (ratio > MAX_DIFF_RATIO) {
    const actual = path.join(path.dirname(dir), `${path.basename(dir)}-${name}.actual.png`);
    fs.writeFileSync(actual, shot);
    throw new Error(`${name}: ${(ratio * 100).toFixed(2)}% of pixels differ from ${path.relative(process.cwd(), file)} (allowed ${MAX_DIFF_RATIO * 100}%); this run's picture: ${actual}`);
  }
}

test('launches on the custom tab bar page; virtualHost components are selectable by tag', async () => {
  const page = await current(s.mp);
  expect(page.path).toBe('pages/widgets/index');
  for (const tag of ['t-tabs', 't-cell', 't-stepper', 't-swiper', 't-image', 't-button', 'van-cell', 'van-button', 'van-stepper']) {
    expect([tag, await page.$(tag) !== null]).toEqual([tag, true]);
  }
  expect(await (await page.$('t-cell'))!.text()).toContain('TDesign 单元格');
  expect(await (await page.$('van-cell'))!.text()).toContain('Vant 单元格');
  expect(await page.data('loaded')).toBe(1); // t-image's load event from the local picture
  await matchesReference('widgets');
});

test('tabs switch by tap; steppers count by tap; the popup opens and keeps its content', async () => {
  const page = await current(s.mp);
  const tabs = await page.$('t-tabs');
  const labels = await tabs!.$$('.t-tabs__item');
  expect(labels.length).toBe(2);
  await labels[1].tap();
  expect(await page.data('tab')).toBe('detail');
  expect(await (await page.$('.section'))!.text()).toBe('当前：详情');

  await (await (await page.$('t-stepper'))!.$('.t-stepper__plus'))!.tap();
  expect(await page.data('count')).toBe(2);
  expect(await (await page.$('t-cell'))!.text()).toContain('数量 2');
  await (await (await page.$('van-stepper'))!.$('.van-stepper__plus'))!.tap();
  expect(await page.data('vantCount')).toBe(3);

  await (await (await page.$('t-button'))!.$('.t-button'))!.tap();
  expect(await page.data('popup')).toBe(true);
  await page.setData({ unrelated: 1 });
  expect(await (await page.$('.sheet'))!.text()).toBe('弹层内容：已选 2 件');
  await matchesReference('widgets-popup');
  await page.setData({ popup: false });
});

test('the custom tab bar switches tabs by tap and follows the current tab', async () => {
  const page = await current(s.mp);
  const bar = await page.$('custom-tab-bar');
  const items = await bar!.$$('t-tab-bar-item');
  expect(items.length).toBe(2);
  await (await items[1].$('.t-tab-bar-item__content'))!.tap();
  const feed = await current(s.mp);
  expect(feed.path).toBe('pages/feed/index');
  expect(await custom(await feed.$('custom-tab-bar')).data('active')).toBe(1);
  await matchesReference('feed');
});

test('pull-down-refresh refreshes; the Vant popup opens by tap', async () => {
  const feed = await current(s.mp);
  // the user's pull: touches on the component's scroll-view, 200 px down
  const refresh = custom(await feed.$('t-pull-down-refresh'));
  const track = await refresh.$('scroll-view');
  const at = (pageY: number) => [{ identifier: 0, pageX: 100, pageY, clientX: 100, clientY: pageY }];
  await track!.touchstart({ touches: at(100), changeTouches: at(100) });
  await track!.touchmove({ touches: at(300), changeTouches: at(300) });
  await track!.touchend({ touches: [], changeTouches: at(300) });
  await s.mp.evaluate(() => __headless__.advanceTime(50));
  expect(await feed.data('rounds')).toBe(1);
  expect(await feed.data('refreshing')).toBe(false);
  expect((await feed.$$('t-cell')).length).toBe(3);

  await (await (await feed.$('van-button'))!.$('.van-button'))!.tap();
  expect(await feed.data('sheet')).toBe(true);
  await matchesReference('feed-popup');
});
