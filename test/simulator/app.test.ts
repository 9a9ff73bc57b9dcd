// App domain and wx conventions: page data/methods, evaluate, console/exception events,
// exposeFunction, callWxMethod (sync list, errors), mockWxMethod/restoreWxMethod, storage,
// native dialogs answered through Tool.native, chrome state, selector queries.
import { openPage, useFixture } from './helpers';

const s = useFixture();

const open = (url: string) => openPage(s.mp, url);

describe('page data and methods', () => {
  test('data(path), setData re-renders, callMethod returns (awaiting promises)', async () => {
    const page = await open('/pages/index/index');
    expect(await page.data('products[1].name')).toBe('Bowl');
    expect((await page.data()).title).toBe('Home');
    await page.setData({ title: 'Shop' });
    expect(await (await page.$('.title'))!.text()).toBe('Shop taps=0');
    expect(await page.callMethod('add', 2, 3)).toBe(5);
    expect(await page.callMethod('later', 'x')).toBe('later:x');
    await expect(page.callMethod('nope')).rejects.toThrow('page.nope not exists');
  });
});

describe('evaluate, events, bindings', () => {
  test('evaluate runs in AppService with getApp/wx/getCurrentPages, args, async', async () => {
    await open('/pages/index/index');
    expect(await s.mp.evaluate(() => getApp().globalData.price)).toBe('¥12.99');
    expect(await s.mp.evaluate((a: number, b: number) => a * b, 6, 7)).toBe(42);
    expect(await s.mp.evaluate(async () => getCurrentPages().map((p: { route: string }) => p.route))).toEqual(['pages/index/index']);
    expect(await s.mp.evaluate(() => wx.getSystemInfoSync().platform)).toBe('devtools');
    await expect(s.mp.evaluate(() => {
      throw new Error('inside');
    })).rejects.toThrow('inside');
  });

  test('console and exception events', async () => {
    const page = await open('/pages/detail/detail?id=1');
    const logs: { type: string; args: unknown[] }[] = [];
    const errors: { message: string }[] = [];
    s.mp.on('console', (m: { type: string; args: unknown[] }) => logs.push(m));
    s.mp.on('exception', (e: { message: string }) => errors.push(e));
    await (await page.$('.talk'))!.tap();
    expect(logs).toEqual([
      { type: 'log', args: ['hello', { a: 1 }] },
      { type: 'warn', args: ['careful'] },
    ]);
    await (await page.$('.crash'))!.tap();
    expect(errors.map((e) => e.message)).toEqual(['kaboom']);
    await (await page.$('.crash-later'))!.tap();
    expect(errors.map((e) => e.message)).toEqual(['kaboom', 'async kaboom']);
  });

  test('exposeFunction defines a global the app can call', async () => {
    const page = await open('/pages/detail/detail?id=1');
    const calls: unknown[][] = [];
    await s.mp.exposeFunction('onReport', (...args: unknown[]) => calls.push(args));
    await page.callMethod('report', 5);
    await s.mp.evaluate(() => (globalThis as unknown as { onReport(a: string): void }).onReport('from-evaluate'));
    expect(calls).toEqual([['from-page', 5], ['from-evaluate']]);
  });
});

describe('callWxMethod and mocks', () => {
  test('sync and async calls, errMsg stripped on failure, unknown methods', async () => {
    await open('/pages/index/index');
    await s.mp.callWxMethod('setStorage', { key: 'k', data: { n: 1 } });
    expect(await s.mp.callWxMethod('getStorageSync', 'k')).toEqual({ n: 1 });
    expect(await s.mp.callWxMethod('getStorage', { key: 'k' })).toEqual({ data: { n: 1 }, errMsg: 'getStorage:ok' });
    await expect(s.mp.callWxMethod('getStorage', { key: 'missing' })).rejects.toThrow(/^data not found$/);
    await expect(s.mp.callWxMethod('noSuchApi')).rejects.toThrow('wx.noSuchApi not exists');
    const info = await s.mp.systemInfo();
    expect(info).toMatchObject({ platform: 'devtools', windowWidth: 375, screenWidth: 375, pixelRatio: 2 });
  });

  test('value mocks, function mocks with this.origin and extra args, restore', async () => {
    await open('/pages/index/index');
    await s.mp.mockWxMethod('getStorageSync', 'mocked');
    expect(await s.mp.callWxMethod('getStorageSync', 'k')).toBe('mocked');
    await s.mp.restoreWxMethod('getStorageSync');
    expect(await s.mp.callWxMethod('getStorageSync', 'k')).toEqual({ n: 1 });

    await s.mp.mockWxMethod('showModal', { confirm: true, cancel: false });
    const mine = await open('/pages/mine/mine');
    await (await mine.$('.delete'))!.tap();
    expect(await mine.data('modal')).toBe('confirmed');
    await s.mp.restoreWxMethod('showModal');

    await s.mp.mockWxMethod(
      'getStorage',
      function (this: { origin(o: unknown): Promise<{ data: unknown }> }, opts: { key: string }, suffix: string) {
        return this.origin({ key: opts.key }).then((res) => ({ data: String((res.data as { n: number }).n) + suffix, errMsg: 'getStorage:ok' }));
      },
      '!',
    );
    expect(await s.mp.callWxMethod('getStorage', { key: 'k' })).toEqual({ data: '1!', errMsg: 'getStorage:ok' });
    await s.mp.mockWxMethod('getStorage', { errMsg: 'getStorage:fail mocked failure' });
    await expect(s.mp.callWxMethod('getStorage', { key: 'k' })).rejects.toThrow('mocked failure');
    await s.mp.restoreWxMethod('getStorage');
    await expect(s.mp.mockWxMethod('onAppShow', {})).rejects.toThrow("You can't mock wx.onAppShow");
    await expect(s.mp.mockWxMethod('nope', {})).rejects.toThrow('wx.nope not exists');
    await expect(s.mp.callPluginWxMethod('plug1', 'login')).rejects.toThrow('Plugin plug1 not exists');
  });

  test('dotted names mock nested APIs (stand-in extension)', async () => {
    const page = await open('/pages/detail/detail?id=3');
    await s.mp.mockWxMethod('cloud.callFunction', { result: { name: 'Mocked cup' }, errMsg: 'cloud.callFunction:ok' });
    await (await page.$('.load'))!.tap();
    expect(await (await page.$('.cloud'))!.text()).toBe('cloud=Mocked cup');
    await s.mp.restoreWxMethod('cloud.callFunction');
  });
});

describe('timers', () => {
  test('a call replies only after the short timers it started (the app deferring its reaction) have run', async () => {
    const page = await open('/pages/detail/detail?id=1');
    await page.callMethod('deferred');
    expect(await page.data('deferred')).toBe('done');
  });

  test('advanceTime fast-forwards the app timers in order, settling between them', async () => {
    const page = await open('/pages/detail/detail?id=1');
    await page.callMethod('delayed');
    expect(await s.mp.evaluate(() => __headless__.advanceTime(1000))).toBe(0);
    expect(await page.data('delayed')).toBeUndefined();
    expect(await s.mp.evaluate(() => __headless__.advanceTime(600))).toBe(1);
    expect(await page.data('delayed')).toBe('done');
    await page.callMethod('startPolling');
    expect(await s.mp.evaluate(() => __headless__.advanceTime(5000))).toBe(3);
    expect(await page.data('polls')).toBe(3);
    // the app's Date follows the fast-forwarded clock (countdowns computed from Date.now agree)
    const before = await page.callMethod('clock');
    await s.mp.evaluate(() => __headless__.advanceTime(60 * 60 * 1000));
    expect((await page.callMethod('clock')) - before).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });
});

describe('native dialogs and chrome state', () => {
  test('showModal stays pending until Tool.native confirms or cancels', async () => {
    const mine = await open('/pages/mine/mine');
    await (await mine.$('.delete'))!.tap();
    expect(await mine.data('modal')).toBeUndefined();
    await s.mp.native().confirmModal();
    expect(await mine.data('modal')).toBe('confirmed');
    await (await mine.$('.delete'))!.tap();
    await s.mp.native().cancelModal();
    expect(await mine.data('modal')).toBe('cancelled');
  });

  test('showActionSheet: tap an item or cancel', async () => {
    const page = await open('/pages/detail/detail?id=1');
    await (await page.$('.sheet'))!.tap();
    await s.mp.evaluate(() => __headless__.tapActionSheet(1));
    expect(await page.data('sheet')).toBe(1);
    await (await page.$('.sheet'))!.tap();
    await s.mp.native().cancelModal();
    expect(await page.data('sheet')).toBe('showActionSheet:fail cancel');
  });

  test('toast, navigation bar and tab bar calls are recorded as state', async () => {
    await open('/pages/index/index');
    await s.mp.callWxMethod('showToast', { title: 'Added', icon: 'success' });
    await s.mp.callWxMethod('setNavigationBarTitle', { title: 'Cart' });
    await s.mp.callWxMethod('setTabBarBadge', { index: 1, text: '3' });
    await s.mp.callWxMethod('showShareMenu', { withShareTicket: true, menus: ['shareAppMessage'] });
    await expect(s.mp.callWxMethod('setTabBarBadge', { index: 5, text: '3' })).rejects.toThrow('tabbar item not found');
    const native = await s.mp.evaluate(() => __headless__.native());
    expect(native.toast).toEqual({ title: 'Added', icon: 'success', visible: true });
    expect(native.navigationBar.title).toBe('Cart');
    expect(native.tabBar.badges).toEqual({ 1: '3' });
    expect(native.shareMenu).toEqual({ shown: true, withShareTicket: true, menus: ['shareAppMessage'] });
    await s.mp.callWxMethod('hideToast');
    expect((await s.mp.evaluate(() => __headless__.native())).toast.visible).toBe(false);
  });

  test('createSelectorQuery finds nodes with dataset and id', async () => {
    await open('/pages/index/index');
    const res = await s.mp.evaluate(
      () =>
        new Promise((resolve) => {
          wx.createSelectorQuery().selectAll('.item').fields({ dataset: true, id: true }).exec((r: unknown[]) => resolve(r[0]));
        }),
    );
    expect(res).toEqual([{ id: '', dataset: { id: 'p1' } }, { id: '', dataset: { id: 'p2' } }]);
  });
});
