// Runs the budgets script as `npm run budgets` does (a child process: miniprogram-ci leaves
// handles open that would keep Jest alive) and checks it passes.
import { spawnSync } from 'child_process';
import path from 'path';
import { REPO } from '../support/mp-harness';

jest.setTimeout(240_000);

test('budgets: main package ≤ 200 KB, largest setData ≤ 16 KB while scrolling the catalog to 500 products', () => {
  const res = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/budgets.ts', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 230_000 });
  const start = res.stdout.indexOf('{');
  const report = JSON.parse(res.stdout.slice(start)) as {
    ok: boolean;
    failures: string[];
    mainPackageBytes: number;
    packageSource: string;
    catalogProducts: number;
    largestSetData: { bytes: number; page: string };
  };
  // eslint-disable-next-line no-console
  console.log(`main package ${report.mainPackageBytes} B (${report.packageSource}); largest setData ${report.largestSetData.bytes} B on ${report.largestSetData.page}`);
  expect(report.failures).toEqual([]);
  expect(report.packageSource).toBe('miniprogram-ci');
  expect(report.catalogProducts).toBe(500);
  expect(report.mainPackageBytes).toBeLessThanOrEqual(200 * 1024);
  expect(report.largestSetData.bytes).toBeLessThanOrEqual(16 * 1024);
  expect(res.status).toBe(0);
});
