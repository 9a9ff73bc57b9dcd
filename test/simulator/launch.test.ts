// The DevTools launch contract: automator.launch({cliPath, projectPath}) spawns
// `cli auto --project P --auto-port N`, the compile condition picks page/query/scene, CLI flags
// override it, Tool.close ends the process.
import { copyFixture, current, launchFixture, startFixture, type MiniProgram } from './helpers';

const condition = (entry: Record<string, unknown>) => ({ miniprogram: { list: [{ name: 'c', launchMode: 'default', ...entry }], current: 0 } });

/**
 * automator.launch waits a fixed 5 s after it connects (the client's own sleep), so the four launches
 * below start together: one wait instead of four. Each test asserts on its own launch.
 */
const plans = {
  plain: () => launchFixture(),
  condition: () => launchFixture({ projectPath: copyFixture(), projectConfig: { condition: condition({ pathName: 'pages/detail/detail', query: 'id=2', scene: 1007 }) } }),
  private: () =>
    launchFixture({
      projectPath: copyFixture({
        'project.private.config.json': JSON.stringify({ condition: condition({ pathName: 'pages/detail/detail', query: 'id=5&scene=pid%3D2', scene: 1047 }) }),
      }),
      args: [],
    }),
  flags: () => launchFixture({ args: ['--launch-scene', '1011', '--launch-path', 'pages/detail/detail', '--launch-query', 'q=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1'] }),
};
const launched = new Map<keyof typeof plans, PromiseSettledResult<MiniProgram>>();

beforeAll(async () => {
  const names = Object.keys(plans) as (keyof typeof plans)[];
  const results = await Promise.allSettled(names.map((name) => plans[name]()));
  names.forEach((name, i) => launched.set(name, results[i]));
}, 90_000);

afterAll(async () => {
  await Promise.all([...launched.values()].map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
});

/** The launch's MiniProgram, or its launch error as this test's failure. */
function launch(name: keyof typeof plans): MiniProgram {
  const r = launched.get(name);
  if (!r) throw new Error(`${name} was not launched`);
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

describe('automator.launch', () => {
  test('boots the home page with the default scene', async () => {
    const mp = launch('plain');
    const page = await current(mp);
    expect(page.path).toBe('pages/index/index');
    expect(page.query).toEqual({});
    expect((await mp.pageStack()).map((p) => p.path)).toEqual(['pages/index/index']);
    expect(await mp.callWxMethod('getLaunchOptionsSync')).toMatchObject({ scene: 1001, path: 'pages/index/index', query: {} });
    expect(await mp.evaluate(() => getApp().globalData.launch)).toEqual({ scene: 1001, query: {}, path: 'pages/index/index' });
  });

  test('test accounts and unsupported IDE features answer clearly', async () => {
    const mp = launch('plain');
    expect(await mp.testAccounts()).toEqual([{ nickName: 'sim-user', openid: 'o_sim_user_1' }]);
    await expect(mp.stopAudits()).rejects.toThrow('audits are not available in the headless simulator');
  });
});

test('projectConfig condition (merged into project.config.json by the client) sets page, query and scene', async () => {
  const mp = launch('condition');
  const page = await current(mp);
  expect(page.path).toBe('pages/detail/detail');
  expect(await page.data('id')).toBe('2');
  expect((await mp.callWxMethod('getLaunchOptionsSync')).scene).toBe(1007);
});

test('project.private.config.json overrides the shared condition; QR scene stays encoded', async () => {
  const mp = launch('private');
  const page = await current(mp);
  expect(page.path).toBe('pages/detail/detail');
  expect(page.query).toEqual({ id: '5', scene: 'pid%3D2' });
  expect(await mp.evaluate(() => getApp().globalData.launch)).toEqual({ scene: 1047, query: { id: '5', scene: 'pid%3D2' }, path: 'pages/detail/detail' });
});

test('CLI flags override the launch (scene, path, query)', async () => {
  const opts = await launch('flags').callWxMethod('getEnterOptionsSync');
  expect(opts).toMatchObject({ scene: 1011, path: 'pages/detail/detail', query: { q: 'https%3A%2F%2Fshop.example%2Fp%3Fid%3D1' } });
});

test('a broken app keeps the endpoint up and reports the launch error; a broken page fails navigation', async () => {
  const dir = copyFixture({ 'miniprogram/app.ts': "throw new Error('app exploded');\n" });
  const broken = await startFixture({ projectPath: dir });
  try {
    await expect(broken.mp.currentPage()).rejects.toThrow('app failed to launch: app exploded');
  } finally {
    await broken.close();
  }

  const dir2 = copyFixture({ 'miniprogram/pages/form/form.js': "Page({ data: {} });\nundefinedFunction();\n" });
  const s = await startFixture({ projectPath: dir2 });
  try {
    const errors: string[] = [];
    s.mp.on('exception', (e: { message: string }) => errors.push(e.message));
    await expect(s.mp.callWxMethod('navigateTo', { url: '/pages/form/form' })).rejects.toThrow('undefinedFunction is not defined');
    expect(errors).toEqual(['undefinedFunction is not defined']);
    const home = await current(s.mp);
    expect(home.path).toBe('pages/index/index');
    expect(await home.callMethod('getLifecycle')).toEqual(['onLoad', 'onShow', 'onReady']); // never hidden
  } finally {
    await s.close();
  }
});
