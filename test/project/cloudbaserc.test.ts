/**
 * cloudbaserc.json (the CloudBase CLI's project file: `tcb fn deploy`, `tcb fn trigger create`) and each
 * function's config.json (what WeChat DevTools applies on upload) describe the same deployment: every
 * function, its timeout and timer triggers, a Node runtime the bundles run on, and the merchant key as a
 * placeholder filled from .env.local (docs/reference/merchant-identity.md §4).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const rc = read('cloudbaserc.json') as { functionRoot: string; envId: string; functions: Record<string, any>[] };
const functionDirs = readdirSync(join(root, 'cloudfunctions')).filter((name) => existsSync(join(root, 'cloudfunctions', name, 'src', 'index.ts')));
const entry = (name: string) => rc.functions.find((f) => f.name === name)!;
/** CloudBase's Node.js function runtimes (docs.cloudbase.net/cli-v1/functions/configs, "运行时环境"). */
const NODE_RUNTIMES = ['Nodejs10.15', 'Nodejs12.16', 'Nodejs14.18', 'Nodejs16.13', 'Nodejs18.15', 'Nodejs20.19'];

test('declares every function folder once, from the cloudfunctions root, with no literal environment id', () => {
  expect(rc.functionRoot.replace(/^\.\//, '')).toBe('cloudfunctions');
  expect(rc.functions.map((f) => f.name).sort()).toEqual([...functionDirs].sort());
  expect(rc.envId).toMatch(/^\{\{env\.\w+\}\}$/);
});

test.each(functionDirs)('%s: timeout and timer triggers equal its config.json; open-API permissions stay in config.json', (name) => {
  const config = read(`cloudfunctions/${name}/config.json`);
  const fn = entry(name);
  expect(fn.timeout).toBe(config.timeout);
  expect(fn.triggers ?? []).toEqual(config.triggers ?? []);
  // cloudbaserc.json has no field for open-API (云调用) permissions: DevTools reads them from config.json.
  expect(fn.permissions).toBeUndefined();
  expect(Object.keys(config).filter((key) => !['timeout', 'triggers', 'permissions'].includes(key))).toEqual([]);
});

test.each(functionDirs)('%s: a CloudBase Node runtime at least as new as the bundle target, so `require("node:…")` loads', (name) => {
  const fn = entry(name);
  expect(NODE_RUNTIMES).toContain(fn.runtime);
  const target = /target:\s*'node(\d+)'/.exec(readFileSync(join(root, 'scripts/build-functions.ts'), 'utf8'));
  expect(target).not.toBeNull();
  const runtimeMajor = Number(/^Nodejs(\d+)\./.exec(fn.runtime)![1]);
  expect(runtimeMajor).toBeGreaterThanOrEqual(Number(target![1]));
  // `node:` specifiers in require() need Node 14.18 / 16; the CLI's default without this file is Nodejs10.15.
  expect(runtimeMajor).toBeGreaterThanOrEqual(16);
  expect(fn.handler).toBe('index.main');
});

test.each(functionDirs)('%s: the merchant key is a placeholder filled at deploy time, never a value in the repo', (name) => {
  const vars = entry(name).envVariables as Record<string, string>;
  expect(vars.MERCHANT_KEY).toBe('{{env.MERCHANT_KEY}}');
  for (const value of Object.values(vars)) expect(value).toMatch(/^\{\{env\.\w+\}\}$/);
});

test('.env.local, where the deployed key lives, is never committed', () => {
  expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.env.local');
});
