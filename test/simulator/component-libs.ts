// Prepares the component-library fixture the way a developer's DevTools does: the fixture's npm
// dependencies (the repo's devDependencies tdesign-miniprogram and @vant/weapp, linked into a copy)
// built into miniprogram_npm by miniprogram-ci's packNpm ("构建 npm").
import fs from 'fs';
import os from 'os';
import path from 'path';
import { packMiniprogramNpm } from '../../scripts/pack-npm';

export const COMPONENT_LIBS = path.resolve(__dirname, '../fixtures/component-libs');
const REPO_MODULES = path.resolve(__dirname, '../../node_modules');

export async function buildComponentLibsFixture(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'component-libs-'));
  fs.cpSync(COMPONENT_LIBS, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}reference`) });
  const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  for (const dep of deps) {
    const target = path.join(dir, 'node_modules', dep);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(path.join(REPO_MODULES, dep), target, { recursive: true });
  }
  await packMiniprogramNpm(dir);
  return dir;
}
