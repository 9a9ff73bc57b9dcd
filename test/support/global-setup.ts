/**
 * Jest global setup: the function tests run the bundles in cloudfunctions/<name>/index.js, not the
 * TypeScript. A bundle older than any source it is built from (server/, miniprogram/domain/, typings/,
 * the function's own src/) is rebuilt here, so `npx jest` after an edit never tests stale code.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFunction, functionNames } from '../../scripts/build-functions';
import { FAST_CHECK_SEED } from './fast-check';

const ROOT = resolve(__dirname, '..', '..');
const SHARED = ['server', 'miniprogram/domain', 'typings'];

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** Functions whose bundle is missing or older than one of its sources. */
export function staleFunctions(): string[] {
  const shared = Math.max(...SHARED.map((dir) => newestMtime(join(ROOT, dir))));
  return functionNames().filter((name) => {
    const bundle = join(ROOT, 'cloudfunctions', name, 'index.js');
    if (!existsSync(bundle)) return true;
    const sources = Math.max(shared, newestMtime(join(ROOT, 'cloudfunctions', name, 'src')), statSync(join(ROOT, 'cloudfunctions', name, 'package.json')).mtimeMs);
    return statSync(bundle).mtimeMs < sources;
  });
}

export default async function globalSetup(): Promise<void> {
  const stale = staleFunctions();
  for (const name of stale) await buildFunction(name);
  if (stale.length > 0) console.log(`\n[global setup] rebuilt stale function bundles: ${stale.join(', ')}`);
  console.log(`[global setup] fast-check seed ${FAST_CHECK_SEED} (FC_SEED=<n> to run with another)`);
}
