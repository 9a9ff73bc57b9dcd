/**
 * Once before the suite: stale function bundles are rebuilt (support/global-setup.ts), the simulators' logs go to a temp folder (not .data/logs), and the repository
 * root's listing is recorded, so global-teardown.ts can check the suite left nothing behind.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import rebuildStaleFunctions from './support/global-setup';

export const ROOT = resolve(__dirname, '..');

export default async function globalSetup(): Promise<void> {
  await rebuildStaleFunctions();
  // Workers and the simulators they spawn inherit this environment.
  if (!process.env.LOG_DIR) process.env.LOG_DIR = process.env.TEST_LOG_DIR = mkdtempSync(join(tmpdir(), 'store-test-logs-'));
  process.env.REPO_ROOT_LISTING = JSON.stringify(readdirSync(ROOT).sort());
}
