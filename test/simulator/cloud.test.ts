// wx.cloud / payment / network against a stub of the local cloud's /_emulator/v1 endpoints, and
// the simulated user: openid per call, switching users, storage kept per user across relaunches.
import { current, openPage, startCloudStub, type Started, startFixture } from './helpers';

let stub: Awaited<ReturnType<typeof startCloudStub>>;
let s: Started;

beforeAll(async () => {
  stub = await startCloudStub();
  s = await startFixture({ args: ['--cloud-url', stub.url] });
});
afterAll(async () => {
  await s?.close();
  await stub?.close();
});
beforeEach(() => {
  stub.calls.length = 0;
});

const open = (url: string) => openPage(s.mp, url);

test('wx.cloud.callFunction posts {event, openid} to the invoke endpoint and returns {result}', async () => {
  const mine = await open('/pages/mine/mine');
  await (await mine.$('.call'))!.tap();
  expect(await (await mine.$('.who'))!.text()).toBe('who=o_sim_user_1');
  expect(stub.calls).toEqual([
    { url: '/_emulator/v1/functions/whoami:invoke', body: { event: { hello: 'world' }, openid: 'o_sim_user_1', appid: 'touristappid', source: 'wx_devtools' } },
  ]);
  const res = await s.mp.evaluate(() => wx.cloud.callFunction({ name: 'getProduct', data: { id: 'p9' } }));
  expect(res).toMatchObject({ result: { name: 'Cup #p9' }, errMsg: 'cloud.callFunction:ok' });
});

test('function errors surface as cloud.callFunction:fail', async () => {
  const msg = await s.mp.evaluate(() => wx.cloud.callFunction({ name: 'boom' }).catch((e: { errMsg: string }) => e.errMsg));
  expect(msg).toBe('cloud.callFunction:fail FUNCTION_ERROR boom failed');
  await expect(s.mp.callWxMethod('cloud.callFunction', { name: 'boom' })).rejects.toThrow(/^FUNCTION_ERROR boom failed$/);
});

test('switching the simulated user changes the openid and the storage', async () => {
  await s.mp.evaluate(() => __headless__.switchUser('o_sim_user_1', { relaunch: true }));
  const before = await (await open('/pages/mine/mine')).data('visits');
  await s.mp.evaluate(() => __headless__.relaunch({ path: 'pages/mine/mine' }));
  expect(await (await current(s.mp)).data('visits')).toBe(before + 1);

  await s.mp.evaluate(() => __headless__.switchUser('o_other', { relaunch: true }));
  expect(await s.mp.evaluate(() => __headless__.getUser())).toBe('o_other');
  const mine = await open('/pages/mine/mine');
  expect(await mine.data('visits')).toBe(1);
  await (await mine.$('.call'))!.tap();
  expect(await mine.data('who')).toBe('o_other');

  await s.mp.evaluate(() => __headless__.switchUser('o_sim_user_1', { relaunch: true }));
  expect(await (await open('/pages/mine/mine')).data('visits')).toBe(before + 2);
});

test('requestPayment confirms through /pay/confirm; pending payment is closed by the native dialog', async () => {
  let mine = await open('/pages/mine/mine');
  await (await mine.$('.pay'))!.tap();
  expect(await mine.data('paid')).toBe('ok');
  expect(stub.calls).toEqual([{ url: '/_emulator/v1/pay/confirm', body: { package: 'prepay_id=px1' } }]);

  await s.mp.evaluate(() => __headless__.setPaymentPolicy('pending'));
  mine = await open('/pages/mine/mine');
  await (await mine.$('.pay'))!.tap();
  expect(await mine.data('paid')).toBeUndefined();
  await s.mp.native().closePaymentDialog();
  expect(await mine.data('paid')).toBe('requestPayment:fail cancel');
  await s.mp.evaluate(() => __headless__.setPaymentPolicy('confirm'));
  await expect(s.mp.callWxMethod('requestPayment', { timeStamp: '1' })).rejects.toThrow('parameter error: parameter.nonceStr should be String');
});

test('chooseAddress returns the fixed test address unless mocked; login gives a code', async () => {
  const mine = await open('/pages/mine/mine');
  await (await mine.$('.addr'))!.tap();
  expect(await mine.data('address')).toBe('张三/广州市');
  await s.mp.mockWxMethod('chooseAddress', { userName: 'Li', cityName: 'Shenzhen', errMsg: 'chooseAddress:ok' });
  await (await mine.$('.addr'))!.tap();
  expect(await mine.data('address')).toBe('Li/Shenzhen');
  await s.mp.restoreWxMethod('chooseAddress');
  const login = await s.mp.callWxMethod('login');
  expect(login.errMsg).toBe('login:ok');
  expect(login.code).toMatch(/^sim_code_o_sim_user_1_\d+$/);
});

test('wx.request performs real HTTP with the wx result shape', async () => {
  const res = await s.mp.callWxMethod('request', { url: `${stub.url}/echo`, method: 'POST', data: { a: 1 } });
  expect(res).toMatchObject({ statusCode: 200, data: { method: 'POST', body: { a: 1 } }, errMsg: 'request:ok' });
});

test('SIMULATOR_CLOUD_URL and SIMULATOR_OPENID configure a launch', async () => {
  const other = await startFixture({ env: { SIMULATOR_CLOUD_URL: stub.url, SIMULATOR_OPENID: 'o_env_user' } });
  try {
    const res = await other.mp.evaluate(() => wx.cloud.callFunction({ name: 'whoami', data: {} }));
    expect(res.result.openid).toBe('o_env_user');
  } finally {
    await other.close();
  }
});

test('wx.requestSubscribeMessage answers as set per template and records only accepted ones with the cloud', async () => {
  await s.mp.evaluate(() => __headless__.setSubscribeAnswer({ T_NO: 'reject' }));
  const res = await s.mp.evaluate(() => wx.requestSubscribeMessage({ tmplIds: ['T_YES', 'T_NO'] }));
  expect(res).toEqual({ T_YES: 'accept', T_NO: 'reject', errMsg: 'requestSubscribeMessage:ok' });
  expect(stub.calls).toEqual([{ url: '/_emulator/v1/openapi/subscriptions', body: { openid: 'o_sim_user_1', results: { T_YES: 'accept', T_NO: 'reject' } } }]);

  // All refused: nothing to record.
  stub.calls.length = 0;
  await s.mp.evaluate(() => __headless__.setSubscribeAnswer('reject'));
  expect(await s.mp.evaluate(() => wx.requestSubscribeMessage({ tmplIds: ['T_YES'] }))).toEqual({ T_YES: 'reject', errMsg: 'requestSubscribeMessage:ok' });
  expect(stub.calls).toEqual([]);
  await s.mp.evaluate(() => __headless__.setSubscribeAnswer('accept'));

  const fail = (ids: unknown) => s.mp.evaluate((t: unknown) => wx.requestSubscribeMessage({ tmplIds: t }).catch((e: unknown) => e), ids);
  expect(await fail([])).toEqual({ errCode: 10001, errMsg: "requestSubscribeMessage:fail TmplIds can't be empty" });
  expect(await fail(['A', 'B', 'C', 'D'])).toEqual({ errCode: 20003, errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds' });
});
