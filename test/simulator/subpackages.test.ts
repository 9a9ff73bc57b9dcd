// Subpackage rules as WeChat applies them (docs/reference/platform-limits.md §1): a subpackage page
// may use the main package and its own package, never another subpackage; the main package may not
// reach into a subpackage; app.json with a tabBar page inside a subpackage does not start. Also the
// cold start timing the simulator records (launch to the entry page's first render).
import fs from 'fs';
import path from 'path';
import { copyFixture, current, startFixture, type Started } from './helpers';

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
  add('pages/reach-req/index', page("const b = require('../../pkg-b/util'); Page({ data: { msg: b.who } });"));
  add('pages/reach-comp/index', page('Page({ data: { msg: "x" } })', { 'b-comp': '../../pkg-b/comp/index' }, '<b-comp/>'));
  write(dir, files);
  const appFile = path.join(dir, 'miniprogram', 'app.json');
  const app = JSON.parse(fs.readFileSync(appFile, 'utf8'));
  app.pages.push('pages/reach-req/index', 'pages/reach-comp/index');
  app.subpackages = [
    { root: 'pkg-a', name: 'a', pages: ['ok/index', 'bad-comp/index', 'bad-req/index'] },
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
    await expect(go('/pkg-a/bad-comp/index')).rejects.toThrow(/cannot use the component pkg-b\/comp\/index \(subpackage "pkg-b"\)/);
  });

  test('a subpackage page cannot require a module of another subpackage', async () => {
    await expect(go('/pkg-a/bad-req/index')).rejects.toThrow(/cannot require pkg-b\/util\.js \(subpackage "pkg-b"\)/);
  });

  test('the main package cannot require or use subpackage code', async () => {
    await expect(go('/pages/reach-req/index')).rejects.toThrow(/\(the main package\) cannot require pkg-b\/util\.js/);
    await expect(go('/pages/reach-comp/index')).rejects.toThrow(/\(the main package\) cannot use the component pkg-b\/comp\/index/);
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
