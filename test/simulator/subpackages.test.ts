// Subpackage rules as WeChat applies them (docs/reference/platform-limits.md §1): a subpackage page
// may use the main package and its own package, never another subpackage; the main package may not
// reach into a subpackage; app.json with a tabBar page inside a subpackage does not start. Except
// asynchronously (分包异步化, docs/reference/subpackage-async.md): a component of another package behind
// a componentPlaceholder (the placeholder renders first, then the real component replaces it), and
// require.async / require(path, callback) of another package's module. Also the cold start timing
// the simulator records (launch to the entry page's first render).
import fs from 'fs';
import path from 'path';
import { copyFixture, current, custom, startFixture, type Started } from './helpers';

declare const __headless__: any; // inside the mini program (miniProgram.evaluate)

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, 'miniprogram', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

const page = (script: string, using: Record<string, string> = {}, wxml = '<view id="out">{{msg}}</view>') => ({ js: script, json: JSON.stringify({ usingComponents: using }), wxml });

function withSubpackages(mutate: (app: Record<string, any>) => void = () => undefined): string {
  const dir = copyFixture();
  const files: Record<string, string> = {};
  const add = (route: string, p: { js: string; json: string; wxml: string }) => {
    files[`${route}.js`] = p.js;
    files[`${route}.json`] = p.json;
    files[`${route}.wxml`] = p.wxml;
  };
  files['pkg-a/util.js'] = "module.exports = { who: 'a' };";
  files['pkg-b/util.js'] = "module.exports = { who: 'b' };";
  add('pkg-a/comp/index', { js: 'Component({})', json: '{ "component": true }', wxml: '<text class="a-comp">A</text>' });
  add('pkg-b/comp/index', { js: 'Component({})', json: '{ "component": true }', wxml: '<text class="b-comp">B</text>' });
  // uses the main package's price-tag and utils, its own component and module
  add(
    'pkg-a/ok/index',
    page(
      "const fmt = require('../../utils/format'); const a = require('../util'); Page({ data: { msg: '' }, onLoad(q) { this.setData({ msg: a.who + ':' + fmt.formatPrice(1234) + ':' + (q.id || '') }); } });",
      { 'price-tag': '/components/price-tag/price-tag', 'a-comp': '../comp/index' },
      '<view id="out">{{msg}}</view><price-tag cents="{{99}}"/><a-comp/>',
    ),
  );
  add('pkg-a/bad-comp/index', page('Page({ data: { msg: "x" } })', { 'b-comp': '../../pkg-b/comp/index' }, '<b-comp/>'));
  add('pkg-a/bad-req/index', page("const b = require('../../pkg-b/util'); Page({ data: { msg: b.who } });"));
  add('pkg-b/page/index', page("Page({ data: { msg: 'b' } })"));
  // 分包异步化: the order of attach/detach is logged in a main-package module both packages share
  files['utils/async-log.js'] = 'module.exports = [];';
  const logged = "const log = require('../../utils/async-log');";
  add('pkg-a/ph/index', {
    js: `${logged} Component({ properties: { label: String }, lifetimes: { attached() { log.push('placeholder attached:' + this.data.label); }, detached() { log.push('placeholder detached'); } } })`,
    json: '{ "component": true }',
    wxml: '<view class="ph" style="height: 40px">…</view>',
  });
  add('pkg-b/card/index', {
    js: `${logged} Component({ properties: { label: String }, data: { who: 'b-card' }, lifetimes: { attached() { log.push('real attached:' + this.data.label); } } })`,
    json: '{ "component": true }',
    wxml: '<text class="b-card">{{label}}</text><slot/>',
  });
  const asyncPage = () =>
    page(
      `${logged} Page({ data: { label: 'L1' }, onReady() { log.push('page ready'); }, readLog() { return log.splice(0); } });`,
      { 'b-card': '../../pkg-b/card/index', 'a-ph': '../ph/index' },
      '<b-card id="card" label="{{label}}"><text class="slotted">inside</text></b-card>',
    );
  const withPlaceholder = (p: ReturnType<typeof page>, placeholders: Record<string, string>) => ({ ...p, json: JSON.stringify({ ...JSON.parse(p.json), componentPlaceholder: placeholders }) });
  add('pkg-a/async-comp/index', withPlaceholder(asyncPage(), { 'b-card': 'a-ph' }));
  add('pkg-a/async-view/index', withPlaceholder(asyncPage(), { 'b-card': 'view' }));
  add('pkg-a/bad-ph/index', withPlaceholder(asyncPage(), { 'b-card': 'nope' }));
  add(
    'pkg-a/async-req/index',
    page(
      `Page({ data: { msg: '', cb: '', err: '' }, onLoad() {
        require.async('../../pkg-b/util.js').then((b) => this.setData({ msg: b.who }));
        require('../../pkg-b/util', (b) => this.setData({ cb: b.who }), () => this.setData({ cb: 'failed' }));
        require.async('../../pkg-b/missing.js').catch((e) => this.setData({ err: e.mod + ' | ' + e.errMsg }));
      } });`,
    ),
  );
  // pkg-a is preloaded by the home page's preloadRule: the main package's page gets its component at once
  add('pkg-a/logged/index', { js: `${logged} Component({ lifetimes: { attached() { log.push('a attached'); } } })`, json: '{ "component": true }', wxml: '<text class="a-logged">A</text>' });
  add(
    'pages/async-pre/index',
    withPlaceholder(page(`${logged} Page({ onReady() { log.push('page ready'); }, readLog() { return log.splice(0); } });`, { 'a-logged': '../../pkg-a/logged/index' }, '<a-logged id="pre"/>'), { 'a-logged': 'view' }),
  );
  add('pages/async-main/index', page("Page({ data: { msg: '' }, onLoad() { require.async('../../pkg-b/util').then((b) => this.setData({ msg: 'main:' + b.who })); } });"));
  add('pages/reach-req/index', page("const b = require('../../pkg-b/util'); Page({ data: { msg: b.who } });"));
  add('pages/reach-comp/index', page('Page({ data: { msg: "x" } })', { 'b-comp': '../../pkg-b/comp/index' }, '<b-comp/>'));
  write(dir, files);
  const appFile = path.join(dir, 'miniprogram', 'app.json');
  const app = JSON.parse(fs.readFileSync(appFile, 'utf8'));
  app.pages.push('pages/reach-req/index', 'pages/reach-comp/index', 'pages/async-main/index', 'pages/async-pre/index');
  app.subpackages = [
    { root: 'pkg-a', name: 'a', pages: ['ok/index', 'bad-comp/index', 'bad-req/index', 'async-comp/index', 'async-view/index', 'bad-ph/index', 'async-req/index'] },
    { root: 'pkg-b', name: 'b', pages: ['page/index'] },
  ];
  app.preloadRule = { 'pages/index/index': { network: 'all', packages: ['a'] } };
  mutate(app);
  fs.writeFileSync(appFile, JSON.stringify(app));
  return dir;
}

describe('subpackage boundaries', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startFixture({ projectPath: withSubpackages() });
  });
  afterAll(async () => {
    await s?.close();
  });
  const go = (url: string) => s.mp.callWxMethod('navigateTo', { url });

  test('a package named by the opened page\'s preloadRule is fetched: its components need no placeholder later', async () => {
    // the fixture starts on pages/index/index, whose preloadRule names pkg-a; no pkg-a page opened yet
    await go('/pages/async-pre/index');
    const p = await current(s.mp);
    expect(await p.callMethod('readLog')).toEqual(['a attached', 'page ready']);
    await s.mp.callWxMethod('navigateBack', {});
  });

  test('a subpackage page uses the main package and its own package, and gets its query', async () => {
    await go('/pkg-a/ok/index?id=42');
    const p = await current(s.mp);
    expect(p.path).toBe('pkg-a/ok/index');
    expect(await p.data('msg')).toMatch(/^a:.*:42$/);
    expect(await p.$('price-tag')).not.toBeNull();
    expect(await p.$('a-comp')).not.toBeNull();
    await s.mp.callWxMethod('navigateBack', {});
  });

  test('a subpackage page cannot use a component of another subpackage', async () => {
    await expect(go('/pkg-a/bad-comp/index')).rejects.toThrow(/cannot use the component pkg-b\/comp\/index \(subpackage "pkg-b"\).*declare a componentPlaceholder/);
  });

  test('a subpackage page cannot require a module of another subpackage', async () => {
    await expect(go('/pkg-a/bad-req/index')).rejects.toThrow(/cannot require pkg-b\/util\.js \(subpackage "pkg-b"\).*require\.async/);
  });

  test('the main package cannot require or use subpackage code', async () => {
    await expect(go('/pages/reach-req/index')).rejects.toThrow(/\(the main package\) cannot require pkg-b\/util\.js/);
    await expect(go('/pages/reach-comp/index')).rejects.toThrow(/\(the main package\) cannot use the component pkg-b\/comp\/index/);
  });

  test('a placeholder that is not available itself is refused (while pkg-b is not loaded yet)', async () => {
    await expect(go('/pkg-a/bad-ph/index')).rejects.toThrow(/componentPlaceholder "nope" of "b-card" in pkg-a\/bad-ph\/index\.json is not available/);
  });

  test('a component of another subpackage with a componentPlaceholder: the placeholder renders first, then the real one replaces it', async () => {
    await go('/pkg-a/async-comp/index');
    const p = await current(s.mp);
    // The placeholder got the same attributes, was on the page when it became ready, and gave way to
    // the real component once pkg-b had loaded (the reply waited for that load).
    expect(await p.callMethod('readLog')).toEqual(['placeholder attached:L1', 'page ready', 'placeholder detached', 'real attached:L1']);
    expect(await custom(await p.$('#card')).data('who')).toBe('b-card');
    expect(await p.$('.ph')).toBeNull();
    expect(await (await p.$('#card'))!.text()).toContain('L1');
    expect(await (await p.$('.slotted'))!.text()).toBe('inside');
    // Bindings keep flowing into the real component.
    await p.setData({ label: 'L2' });
    expect(await custom(await p.$('#card')).data('label')).toBe('L2');
    await s.mp.callWxMethod('navigateBack', {});
  });

  test('once the other subpackage is loaded, its components render at once; a built-in placeholder works too', async () => {
    await go('/pkg-a/async-view/index');
    const p = await current(s.mp);
    // pkg-b was loaded by the previous page: no placeholder this time.
    expect(await p.callMethod('readLog')).toEqual(['real attached:L1', 'page ready']);
    expect(await custom(await p.$('#card')).data('who')).toBe('b-card');
    await s.mp.callWxMethod('navigateBack', {});
  });

  test('require.async and require with a callback load another package\'s module; a missing one rejects with mod and errMsg', async () => {
    await go('/pkg-a/async-req/index');
    const p = await current(s.mp);
    expect(await p.data()).toMatchObject({ msg: 'b', cb: 'b' });
    expect(await p.data('err')).toMatch(/^\.\.\/\.\.\/pkg-b\/missing\.js \| module "\.\.\/\.\.\/pkg-b\/missing\.js" is not defined/);
    await s.mp.callWxMethod('navigateBack', {});
    await go('/pages/async-main/index');
    expect(await (await current(s.mp)).data('msg')).toBe('main:b');
    await s.mp.callWxMethod('navigateBack', {});
  });

  test('the other subpackage opens on its own', async () => {
    await go('/pkg-b/page/index');
    expect((await current(s.mp)).path).toBe('pkg-b/page/index');
  });

  test('the cold start timing is recorded: launch to the entry page first render, then settled', async () => {
    await s.mp.evaluate(() => __headless__.relaunch({ path: 'pages/index/index' }));
    const t = await s.mp.evaluate(() => __headless__.launchTiming());
    expect(t.route).toBe('pages/index/index');
    expect(t.firstRenderMs).toBeGreaterThan(0);
    expect(t.settledMs).toBeGreaterThanOrEqual(t.firstRenderMs);
    expect(t.modules).toBeGreaterThan(0);
  });
});

describe('preloadRule network: "wifi" (the default) preloads on Wi-Fi only, "all" on any network', () => {
  let s: Started;
  beforeAll(async () => {
    // pkg-a preloaded from the home page only on Wi-Fi (no network given), from 我的 on any network
    s = await startFixture({ projectPath: withSubpackages((app) => (app.preloadRule = { 'pages/index/index': { packages: ['a'] }, 'pages/mine/mine': { network: 'all', packages: ['a'] } })) });
  });
  afterAll(async () => {
    await s?.close();
  });
  /** Relaunch on `route`, then open a main-package page using pkg-a behind a placeholder: its log says whether pkg-a was there. */
  const preloadedFrom = async (route: string): Promise<boolean> => {
    await s.mp.evaluate((path: string) => __headless__.relaunch({ path }), route);
    await s.mp.callWxMethod('navigateTo', { url: '/pages/async-pre/index' });
    const log = await (await current(s.mp)).callMethod('readLog');
    if (log.join() === 'a attached,page ready') return true;
    expect(log).toEqual(['page ready', 'a attached']);
    return false;
  };

  test('on 4G the Wi-Fi rule fetches nothing, the "all" rule does; wx.getNetworkType says 4g', async () => {
    await s.mp.evaluate(() => __headless__.setNetworkType('4g'));
    expect(await s.mp.callWxMethod('getNetworkType', {})).toMatchObject({ networkType: '4g' });
    expect(await preloadedFrom('pages/index/index')).toBe(false);
    expect(await preloadedFrom('pages/mine/mine')).toBe(true);
  });

  test('on Wi-Fi both rules fetch', async () => {
    await s.mp.evaluate(() => __headless__.setNetworkType('wifi'));
    expect(await s.mp.callWxMethod('getNetworkType', {})).toMatchObject({ networkType: 'wifi' });
    expect(await preloadedFrom('pages/index/index')).toBe(true);
  });

  test('offline nothing is fetched, whatever the rule', async () => {
    // the phone's network switch, as the preview's 离线 box flips it (a raw protocol method)
    const send = (method: string, params: object) => (s.mp as any).send(method, params);
    await send('Tool.previewNetwork', { offline: true });
    try {
      expect(await s.mp.callWxMethod('getNetworkType', {})).toMatchObject({ networkType: 'none' });
      expect(await preloadedFrom('pages/mine/mine')).toBe(false);
    } finally {
      await send('Tool.previewNetwork', { offline: false });
    }
  });

  test('an unknown network type is refused', async () => {
    await expect(s.mp.evaluate(() => __headless__.setNetworkType('6g'))).rejects.toThrow(/wifi, 2g, 3g, 4g, 5g, unknown/);
  });
});

test('app.json with a tabBar page inside a subpackage, or a preload of an unknown package, does not start', async () => {
  const tabInSub = withSubpackages((app) => {
    app.tabBar.list[1].pagePath = 'pkg-b/page/index';
  });
  await expect(startFixture({ projectPath: tabInSub })).rejects.toThrow(/tabBar page "pkg-b\/page\/index" must be in the main package/);
  const badPreload = withSubpackages((app) => {
    app.preloadRule = { 'pages/index/index': { packages: ['nope'] } };
  });
  await expect(startFixture({ projectPath: badPreload })).rejects.toThrow(/names package "nope"/);
});
