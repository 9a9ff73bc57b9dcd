// What real-world mini programs need from the simulator: the honest API surface (canIUse from the
// generated table, stubs, SDKVersion = libVersion, privacy declarations), a custom tab bar with
// getTabBar(), virtualHost components as elements, child properties left alone by unrelated parent
// updates, page hook exceptions that are reported but not fatal, no Node globals in AppService, and
// `<text decode>`.
import fs from 'fs';
import path from 'path';
import { copyFixture, current, openPage, startFixture, type Started } from './helpers';
import { renderApiTable } from '../../simulator/wx/api-table';
import { exceptionKind, setAppRoot } from '../../simulator/runtime/events';

declare const wx: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare function getCurrentPages(): any[]; // eslint-disable-line @typescript-eslint/no-explicit-any

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
}

function project(opts: { privacy: boolean }): string {
  const dir = copyFixture();
  const appJsonFile = path.join(dir, 'miniprogram', 'app.json');
  const appJson = JSON.parse(fs.readFileSync(appJsonFile, 'utf8'));
  appJson.pages.push('pages/boom/boom');
  appJson.tabBar.custom = true;
  if (!opts.privacy) delete appJson.requiredPrivateInfos;
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8'));
  config.libVersion = '3.13.0';
  writeFiles(dir, {
    'miniprogram/app.json': JSON.stringify(appJson),
    'project.config.json': JSON.stringify(config),
    'miniprogram/custom-tab-bar/index.json': '{"component": true}',
    'miniprogram/custom-tab-bar/index.js': `Component({
      data: { selected: -1, list: ['/pages/index/index', '/pages/mine/mine'] },
      methods: { go(e) { wx.switchTab({ url: this.data.list[e.currentTarget.dataset.i] }); } },
    });`,
    'miniprogram/custom-tab-bar/index.wxml': `<view class="bar"><view wx:for="{{list}}" wx:key="*this" class="item {{selected === index ? 'on' : ''}}" data-i="{{index}}" bindtap="go">{{index}}</view></view>`,
    'miniprogram/components/vh/vh.json': '{"component": true}',
    'miniprogram/components/vh/vh.js': `Component({
      options: { virtualHost: true },
      properties: { label: { type: String, observer() { this.setData({ applied: this.data.applied + 1 }); } }, picked: { type: Object, value: {} } },
      data: { applied: 0, choice: '' },
      methods: { choose() { this.setData({ choice: 'L' }); } },
    });`,
    'miniprogram/components/vh/vh.wxml': `<view class="vh-inner" bindtap="choose">{{label}} {{choice}}</view>`,
    'miniprogram/pages/boom/boom.json': '{"usingComponents": {"vh": "/components/vh/vh", "tag": "parts/tag"}}',
    'miniprogram/pages/boom/parts/tag.json': '{"component": true}',
    'miniprogram/pages/boom/parts/tag.js': 'Component({});',
    'miniprogram/pages/boom/parts/tag.wxml': '<view class="tag">bare path</view>',
    'miniprogram/pages/boom/boom.js': `Page({
      data: { label: 'size', picked: { a: 1 }, other: 0 },
      onImgError(e) { this.setData({ imgError: e.detail.errMsg }); },
      onLoad() { wx.pageScrollTo({ scrollTop: 120, duration: 0, success: () => this.setData({ scrolled: true }) }); },
      onShow() { this.setData({ nodeProcess: typeof process }); throw new Error('boom in onShow'); },
    });`,
    'miniprogram/pages/boom/boom.wxml': `<tag /><vh label="{{label}}" picked="{{picked}}" /><text decode class="dec">No.&nbsp;{{other}}&lt;b&gt;</text><text class="raw">a&nbsp;b</text><image src="" /><input placeholder="搜索商品" /><image class="remote" src="https://picture.invalid/a.png" binderror="onImgError" />`,
  });
  return dir;
}

describe('with the declarations a real app makes', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startFixture({ projectPath: project({ privacy: true }) });
  });
  afterAll(async () => {
    await s?.close();
  });

  test('canIUse answers from the API table; stubs answer harmlessly; SDKVersion is the libVersion', async () => {
    expect(await s.mp.callWxMethod('canIUse', 'getUpdateManager')).toBe(true);
    expect(await s.mp.callWxMethod('canIUse', 'getSystemInfoSync.return.safeArea')).toBe(true);
    expect(await s.mp.callWxMethod('canIUse', 'button.open-type.share')).toBe(true);
    expect(await s.mp.callWxMethod('canIUse', 'createAnimation')).toBe(false);
    expect(await s.mp.callWxMethod('canIUse', 'getFileSystemManager')).toBe(false);
    expect(await s.mp.evaluate(() => typeof wx.createVideoContext)).toBe('undefined');
    const update = await s.mp.evaluate(() => new Promise((resolve) => wx.getUpdateManager().onCheckForUpdate(resolve)));
    expect(update).toEqual({ hasUpdate: false });
    expect((await s.mp.callWxMethod('getSystemInfoSync')).SDKVersion).toBe('3.13.0');
    expect((await s.mp.systemInfo()).SDKVersion).toBe('3.13.0');
  });

  test('a declared chooseAddress works', async () => {
    expect((await s.mp.callWxMethod('chooseAddress')).errMsg).toBe('chooseAddress:ok');
  });

  test('custom tab bar: one per tab page, getTabBar(), taps switch tabs', async () => {
    const home = await openPage(s.mp, '/pages/index/index');
    const bar = await home.$('custom-tab-bar');
    expect(bar).not.toBeNull();
    await s.mp.evaluate(() => getCurrentPages()[0].getTabBar().setData({ selected: 0 }));
    expect(await (await bar!.$('.on'))!.text()).toBe('0');
    const items = await bar!.$$('.item');
    await items[1].tap();
    const mine = await current(s.mp);
    expect(mine.path).toBe('pages/mine/mine');
    expect(await s.mp.evaluate(() => getCurrentPages()[0].getTabBar().data.selected)).toBe(-1);
    expect(await s.mp.evaluate(() => getCurrentPages()[0].getTabBar() !== null)).toBe(true);
    const detail = await openPage(s.mp, '/pages/detail/detail?id=1');
    expect(await detail.$('custom-tab-bar')).toBeNull();
    expect(await s.mp.evaluate(() => getCurrentPages()[0].getTabBar())).toBeNull();
  });

  test('a page hook exception is reported, not fatal; no Node process; virtualHost and stable child properties', async () => {
    const errors: { message: string; source?: string }[] = [];
    s.mp.on('exception', (e: { message: string; source?: string }) => errors.push(e));
    await s.mp.callWxMethod('navigateTo', { url: '/pages/boom/boom' });
    const page = await current(s.mp);
    expect(page.path).toBe('pages/boom/boom');
    expect(errors.map((e) => e.message)).toContain('boom in onShow');
    expect(errors.find((e) => e.message === 'boom in onShow')?.source).toBeUndefined(); // the app's, not ours
    expect(await page.data('nodeProcess')).toBe('undefined');
    expect(await page.data('scrolled')).toBe(true); // pageScrollTo while the page is being opened
    expect(await (await page.$('tag'))!.text()).toBe('bare path'); // "parts/tag": relative to the page

    const vh = await page.$('vh');
    expect(vh).not.toBeNull();
    expect(await vh!.text()).toBe('size');
    await (await vh!.$('.vh-inner'))!.tap();
    expect(await vh!.text()).toBe('size L');
    const applied = ((await (vh as unknown as { data(): Promise<{ applied: number }> }).data())).applied;
    await page.setData({ other: 1, picked: { a: 1 } });
    expect(((await (vh as unknown as { data(): Promise<{ applied: number }> }).data())).applied).toBe(applied);
    await page.setData({ label: 'color' });
    expect(((await (vh as unknown as { data(): Promise<{ applied: number }> }).data())).applied).toBe(applied + 1);
    expect(await vh!.text()).toBe('color L');
    expect(await (await page.$('.dec'))!.text()).toBe('No.\u00a01<b>');
    expect(await (await page.$('.raw'))!.text()).toBe('a&nbsp;b');
    // a network picture that cannot load fires `error`; an empty src and a placeholder screenshot fine
    expect(await page.data('imgError')).toMatch(/^GET https:\/\/picture\.invalid\/a\.png net::ERR_/);
    const shot = await s.mp.screenshot();
    expect(typeof shot === 'string' && shot.length > 1000).toBe(true);
  });
});

test('an undeclared private-info API fails as in production', async () => {
  const s = await startFixture({ projectPath: project({ privacy: false }) });
  try {
    const res = await s.mp.evaluate(() => wx.chooseAddress().then(() => 'ok', (e: { errMsg: string }) => e.errMsg));
    expect(res).toBe('chooseAddress:fail the api need to be declared in the requiredPrivateInfos field in app.json/ext.json');
    await expect(s.mp.callWxMethod('chooseAddress')).rejects.toThrow('requiredPrivateInfos');
  } finally {
    await s.close();
  }
});

test('the wx API table in simulator/README.md is generated from the code and up to date', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'simulator', 'README.md'), 'utf8');
  expect(readme).toContain(renderApiTable());
});

test('exceptions are told apart by who threw: the app (its code and miniprogram_npm) or the simulator', () => {
  setAppRoot('/p');
  const at = (...frames: string[]) => Object.assign(new Error('x'), { stack: ['Error: x', ...frames.map((f) => `    at fn (${f}:1:2)`)].join('\n') });
  expect(exceptionKind(at('/p/pages/a.js', '/repo/simulator/runtime/page.ts'))).toBe('app');
  expect(exceptionKind(at('/p/miniprogram_npm/tdesign-miniprogram/tabs/tabs.js'))).toBe('app');
  expect(exceptionKind(at('/repo/node_modules/miniprogram-exparser/exparser.min.js', '/p/pages/a.js'))).toBe('simulator');
  expect(exceptionKind(at('/repo/simulator/render/selector.ts'))).toBe('simulator');
  setAppRoot('');
});
