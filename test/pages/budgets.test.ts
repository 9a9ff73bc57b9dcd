// Runs the budgets script as `npm run budgets` does (a child process: miniprogram-ci leaves
// handles open that would keep Jest alive) and checks it passes.
import { spawnSync } from 'child_process';
import path from 'path';
import { REPO } from '../support/mp-harness';
import { MAIN_PACKAGE_CEILING_BYTES } from '../../scripts/budgets';

jest.setTimeout(240_000);

test('budgets: main package ≤ its ceiling, every package within the platform limits, largest setData ≤ 16 KB while scrolling the catalog to 500 products', () => {
  const res = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/budgets.ts', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 230_000 });
  const start = res.stdout.indexOf('{');
  const report = JSON.parse(res.stdout.slice(start)) as {
    ok: boolean;
    failures: string[];
    mainPackageBytes: number;
    packages: { name: string; bytes: number }[];
    packageSource: string;
    catalogProducts: number;
    largestSetData: { bytes: number; page: string };
  };
  // eslint-disable-next-line no-console
  console.log(`main package ${report.mainPackageBytes} B (${report.packageSource}); largest setData ${report.largestSetData.bytes} B on ${report.largestSetData.page}`);
  expect(report.failures).toEqual([]);
  expect(report.packageSource).toBe('miniprogram-ci');
  expect(report.catalogProducts).toBe(500);
  expect(report.mainPackageBytes).toBeLessThanOrEqual(MAIN_PACKAGE_CEILING_BYTES);
  // the pages that left the main package ship in their subpackages
  expect(report.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['main', 'shop', 'order']));
  for (const p of report.packages) expect(p.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  expect(report.largestSetData.bytes).toBeLessThanOrEqual(16 * 1024);
  expect(res.status).toBe(0);
});
