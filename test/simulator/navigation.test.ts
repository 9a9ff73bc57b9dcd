// Page stack semantics through the unmodified client: lifecycle order, stack limit, tab pages kept
// alive, the real errMsg reasons, navigator taps, Component()-defined pages, App.getPageStack.
import { current, idOf, useFixture } from './helpers';

const s = useFixture();

const go = (method: string, url?: string) => s.mp.callWxMethod(method, url === undefined ? {} : { url });
const stack = async () => (await s.mp.pageStack()).map((p) => p.path);

beforeEach(async () => {
  await go('reLaunch', '/pages/index/index');
});

test('cold start lifecycle order: App.onLaunch, App.onShow, page onLoad, onShow, onReady', async () => {
  const log = await s.mp.evaluate(() => getApp().globalData.log.slice(0, 2));
  expect(log).toEqual(['app:onLaunch', 'app:onShow']);
  const page = await current(s.mp);
  expect(await page.callMethod('getLifecycle')).toEqual(['onLoad', 'onShow', 'onReady']);
});

test('navigateTo hides the old page, navigateBack unloads and re-shows', async () => {
  await go('navigateTo', '/pages/detail/detail?id=7');
  expect(await stack()).toEqual(['pages/index/index', 'pages/detail/detail']);
  const [home] = await s.mp.pageStack();
  expect(await home.callMethod('getLifecycle')).toEqual(['onLoad', 'onShow', 'onReady', 'onHide']);
  await s.mp.callWxMethod('navigateBack', {});
  expect(await stack()).toEqual(['pages/index/index']);
  expect(await home.callMethod('getLifecycle')).toEqual(['onLoad', 'onShow', 'onReady', 'onHide', 'onShow']);
  expect(await s.mp.evaluate(() => getApp().globalData.log.includes('detail:onUnload:7'))).toBe(true);
});

test('relative URLs, query values stay encoded, page ids are never reused', async () => {
  await go('navigateTo', '../detail/detail?id=a%20b');
  const first = await current(s.mp);
  expect(first.query).toEqual({ id: 'a%20b' });
  await go('redirectTo', '/pages/detail/detail?id=2');
  const second = await current(s.mp);
  expect(idOf(second)).not.toBe(idOf(first));
  expect(await stack()).toEqual(['pages/index/index', 'pages/detail/detail']);
  await expect(first.data()).rejects.toThrow('page destroyed');
});

test('navigateTo events and the EventChannel work both ways', async () => {
  const home = await current(s.mp);
  await home.callMethod('openWithChannel');
  const detail = await current(s.mp);
  expect(detail.path).toBe('pages/detail/detail');
  expect(await detail.data('greeting')).toBe('hello detail');
  expect(await home.data('openedFrom')).toBe('ch');
  expect(await s.mp.callWxMethod('navigateTo', { url: '/pages/detail/detail?id=2' })).toEqual({ eventChannel: {}, errMsg: 'navigateTo:ok' });
});

test('the page stack is limited to 10', async () => {
  for (let i = 0; i < 9; i++) await go('navigateTo', `/pages/detail/detail?id=${i}`);
  expect((await stack()).length).toBe(10);
  await expect(go('navigateTo', '/pages/detail/detail?id=x')).rejects.toThrow('webview count limit exceed');
  await s.mp.callWxMethod('navigateBack', { delta: 20 });
  expect(await stack()).toEqual(['pages/index/index']);
});

test('tabBar rules and errors', async () => {
  await expect(go('navigateTo', '/pages/mine/mine')).rejects.toThrow('can not navigateTo a tabbar page');
  await expect(go('redirectTo', '/pages/mine/mine')).rejects.toThrow('can not redirectTo a tabbar page');
  await expect(go('switchTab', '/pages/detail/detail')).rejects.toThrow('can not switch to no-tabBar page');
  await expect(go('navigateTo', '/pages/nowhere/nowhere')).rejects.toThrow('page "pages/nowhere/nowhere" is not found');
  // navigateBack is on the runtime's sync list: callWxMethod does not report its failure (as in
  // DevTools), the app sees it through the promise.
  await expect(s.mp.callWxMethod('navigateBack', {})).resolves.toEqual({});
  expect(await s.mp.evaluate(() => wx.navigateBack().catch((e: { errMsg: string }) => e.errMsg))).toBe('navigateBack:fail cannot navigate back at first page.');
});

test('switchTab keeps tab page instances alive (onLoad once, onShow each time)', async () => {
  await go('switchTab', '/pages/mine/mine');
  const mine = await current(s.mp);
  expect(await mine.data('shows')).toBe(1);
  await go('switchTab', '/pages/index/index');
  await go('navigateTo', '/pages/detail/detail?id=1');
  await go('switchTab', '/pages/mine/mine');
  const again = await current(s.mp);
  expect(idOf(again)).toBe(idOf(mine));
  expect(await again.data('shows')).toBe(2);
  expect(await stack()).toEqual(['pages/mine/mine']);
});

test('navigator components navigate on tap (navigate and switchTab open types)', async () => {
  const page = await current(s.mp);
  await (await page.$('.to-form'))!.tap();
  expect((await current(s.mp)).path).toBe('pages/form/form');
  expect((await current(s.mp)).query).toEqual({ from: 'index' });
  await go('reLaunch', '/pages/index/index');
  await (await (await current(s.mp)).$('.to-mine'))!.tap();
  expect(await stack()).toEqual(['pages/mine/mine']);
});

test('Native chrome: navigateLeft goes back, switchTab switches', async () => {
  await go('navigateTo', '/pages/detail/detail?id=n');
  await s.mp.native().navigateLeft();
  expect(await stack()).toEqual(['pages/index/index']);
  await s.mp.native().switchTab({ url: '/pages/mine/mine' });
  expect(await stack()).toEqual(['pages/mine/mine']);
});

test('a page defined with Component() behaves like Page()', async () => {
  await go('navigateTo', '/pages/comp-page/comp-page?from=test');
  const page = await current(s.mp);
  expect(await page.data('from')).toBe('test');
  expect(await page.data('shown')).toBe(1);
  expect(await page.callMethod('ping')).toBe('pong:pages/comp-page/comp-page');
  expect(await (await (await page.$('counter'))!.$('.counter-label'))!.text()).toBe('In');
  // component relations (parent/child linked through exparser)
  const list = await page.$('my-list');
  expect(await (await list!.$('.list-count'))!.text()).toBe('items=2');
  const item = await page.$('my-item');
  expect(await (await item!.$('.in-list'))!.text()).toBe('in=true');
});

test('the client navigation helpers work too (with their built-in 3 s sleep)', async () => {
  const page = await s.mp.navigateTo('/pages/detail/detail?id=slow');
  expect(page?.path).toBe('pages/detail/detail');
  expect(await page?.data('id')).toBe('slow');
});
