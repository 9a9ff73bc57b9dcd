import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

describe('project.config.json opens in WeChat DevTools as it is', () => {
  const config = read('project.config.json');

  test('finds the mini program root, with its app.json', () => {
    expect(config.compileType).toBe('miniprogram');
    expect(statSync(join(root, config.miniprogramRoot)).isDirectory()).toBe(true);
    expect(existsSync(join(root, config.miniprogramRoot, 'app.json'))).toBe(true);
  });

  test('finds the cloud function root, each function with its package.json depending on wx-server-sdk', () => {
    const functionsRoot = join(root, config.cloudfunctionRoot);
    expect(statSync(functionsRoot).isDirectory()).toBe(true);
    for (const name of ['catalog', 'inventory', 'orders', 'scenes']) {
      const pkg = JSON.parse(readFileSync(join(functionsRoot, name, 'package.json'), 'utf8'));
      expect(pkg.dependencies['wx-server-sdk']).toBeTruthy();
      expect(pkg.main ?? 'index.js').toBe('index.js');
    }
  });

  test('compiles the TypeScript pages with the typescript compiler plugin', () => {
    expect(config.setting.useCompilerPlugins).toEqual(['typescript']);
  });

  test('has the one appid a user replaces', () => {
    expect(config.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(config.appid);
  });

  test('tsconfig.json is strict and uses the official wx typings', () => {
    const base = read('tsconfig.base.json');
    expect(base.compilerOptions.strict).toBe(true);
    expect(read('tsconfig.json').compilerOptions.types).toContain('miniprogram-api-typings');
  });
});
