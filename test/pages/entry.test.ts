// Entry and attribution: App.onLaunch/onShow (cold and hot starts), the entry service's routing,
// the typed API client's envelope mapping and the list patcher, run from a transpiled build.
import { cleanupTemp, installWx, settle } from '../support/mp-harness';
import { buildWithModules, cloudOf, ok, storedAttribution } from './fake-cloud';

function loadApp(root: string) {
  let app: any;
  const g = globalThis as any;
  g.App = (def: any) => (app = def);
  require(`${root}/app.js`);
  return app;
}

afterAll(cleanupTemp);

describe('App entry handling', () => {
  test('cold start from a share card records the referral; no navigation (WeChat opens the path)', async () => {
    const { root } = buildWithModules();
    const fake = installWx(cloudOf({}));
    const inits: any[] = [];
    (globalThis as any).wx.cloud.init = (o: any) => inits.push(o);
    const app = loadApp(root);
    const options = { scene: 1008, path: 'pages-shop/product/index', query: { id: 'p1', ref: 'Friend9' } };
    app.onLaunch(options);
    app.onShow(options);
    await settle();
    expect(inits).toEqual([{ env: 'storefront-dev', traceUser: true }]);
    expect(storedAttribution(fake)).toEqual({ referralCode: 'Friend9', launchScene: 1008 });
    expect(fake.navigations).toEqual([]);
  });

  test('hot start from a new QR scan re-launches to the landing page with the code still encoded', async () => {
    const { root } = buildWithModules();
    const fake = installWx(cloudOf({}));
    const app = loadApp(root);
    app.onLaunch({ scene: 1001, path: 'pages/catalog/index', query: {} });
    app.onShow({ scene: 1001, path: 'pages/catalog/index', query: {} });
    fake.enterOptions = { scene: 1047, path: 'pages-shop/product/index', query: { scene: 's%3Dk7Hx2Q9a' } };
    app.onShow(fake.enterOptions);
    await settle();
    expect(fake.navigations).toEqual([{ api: 'reLaunch', url: '/pages/landing/index?scene=s%3Dk7Hx2Q9a' }]);
    // The same entry seen again (e.g. onShow after a modal) is not routed twice.
    app.onShow(fake.enterOptions);
    await settle();
    expect(fake.navigations.length).toBe(1);
  });

  test('hot start from a share card opens the shared product and records the referral', async () => {
    const { root } = buildWithModules();
    const fake = installWx(cloudOf({}));
    const app = loadApp(root);
    app.onLaunch({ scene: 1001, path: 'pages/catalog/index', query: {} });
    app.onShow({ scene: 1001, path: 'pages/catalog/index', query: {} });
    fake.enterOptions = { scene: 1007, path: 'pages-shop/product/index', query: { id: 'p 2', ref: 'Ref77' } };
    app.onShow(fake.enterOptions);
    await settle();
    expect(fake.navigations).toEqual([{ api: 'reLaunch', url: '/pages-shop/product/index?id=p%202&ref=Ref77' }]);
    expect(storedAttribution(fake).referralCode).toBe('Ref77');
  });
});

describe('entry service', () => {
  test('a later QR scan replaces campaign data but keeps the referral; bad referral codes are ignored', () => {
    const { mod } = buildWithModules();
    installWx(cloudOf({}));
    const entry = mod('services/entry.js');
    expect(entry.getAttribution()).toBeUndefined();
    expect(entry.recordReferral('not an id!', 1007)).toBe(false);
    entry.recordReferral('Friend9', 1007);
    entry.recordScene({ campaign: 'a', channel: 'poster' }, 's=one', 1047);
    entry.recordScene({ campaign: 'b' }, 's=two', 1048);
    expect(entry.getAttribution()).toEqual({ referralCode: 'Friend9', campaign: 'b', sceneCode: 's=two', launchScene: 1048 });
  });

  test('scene codes from the scene and q parameters', () => {
    const { mod } = buildWithModules();
    installWx(cloudOf({}));
    const entry = mod('services/entry.js');
    expect(entry.sceneCodeFromQuery({ scene: 's%3Dabc%26c%3Dx' })).toEqual({ ok: true, value: 's=abc&c=x' });
    expect(entry.sceneCodeFromQuery({ q: encodeURIComponent('https://x.cn/s/s%3Dq1') })).toEqual({ ok: true, value: 's=q1' });
    expect(entry.sceneCodeFromQuery({ id: '1' })).toBeNull();
    expect(entry.sceneCodeFromQuery({ scene: 'bad value' }).ok).toBe(false);
  });

  test('codes are forwarded to the landing page as received, decoding exactly once there', () => {
    const { mod } = buildWithModules();
    installWx(cloudOf({}));
    const entry = mod('services/entry.js');
    expect(entry.landingUrl('s%3Dabc')).toBe('/pages/landing/index?scene=s%3Dabc');
    expect(entry.landingUrl('s=a&c=x')).toBe('/pages/landing/index?scene=s%3Da%26c%3Dx');
    // Whether the client hands the page `s%3Dabc` (raw) or `s=abc` (decoded), the code reads the same.
    expect(entry.sceneCodeFromQuery({ scene: 's%3Dabc' })).toEqual(entry.sceneCodeFromQuery({ scene: 's=abc' }));
  });
});

describe('api client', () => {
  test('envelopes pass through; thrown and malformed results become error envelopes', async () => {
    const { mod } = buildWithModules();
    let mode = 'ok';
    installWx(() => {
      if (mode === 'throw') throw { errMsg: 'cloud.callFunction:fail timeout' };
      if (mode === 'junk') return 'hello';
      return ok({ categories: [] });
    });
    const { call } = mod('services/api.js');
    expect(await call('catalog', 'categories', {})).toEqual({ ok: true, data: { categories: [] } });
    mode = 'throw';
    expect(await call('catalog', 'categories', {})).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: '网络不太稳定，请稍后重试', details: 'cloud.callFunction:fail timeout' } });
    mode = 'junk';
    expect((await call('catalog', 'categories', {})).error.code).toBe('INTERNAL');
  });
});

describe('list patches', () => {
  test('only changed items are sent; a shrunk list is replaced in chunks under the budget', () => {
    const { mod } = buildWithModules();
    const { listPatches } = mod('utils/list-patch.js');
    const items = (n: number, tag = '') => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, title: `商品${i}${tag}`.padEnd(100, '·') }));
    expect(listPatches('lines', items(3), items(3))).toEqual([{}]);
    const changed = items(3);
    changed[1] = { ...changed[1], title: 'x' };
    expect(Object.keys(listPatches('lines', items(3), changed)[0])).toEqual(['lines[1]']);
    const patches = listPatches('lines', items(50), items(40, 'b'), 4096);
    expect(patches.length).toBeGreaterThan(1);
    expect(Object.keys(patches[0])[0]).toBe('lines');
    for (const p of patches) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(4096 + 400);
  });
});
