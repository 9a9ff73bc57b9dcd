/**
 * Once before the suite: the simulators' logs go to a temp folder (not .data/logs), and the repository
 * root's listing is recorded, so global-teardown.ts can check the suite left nothing behind.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

export default function globalSetup(): void {
  // Workers and the simulators they spawn inherit this environment.
  if (!process.env.LOG_DIR) process.env.LOG_DIR = process.env.TEST_LOG_DIR = mkdtempSync(join(tmpdir(), 'store-test-logs-'));
  process.env.REPO_ROOT_LISTING = JSON.stringify(readdirSync(ROOT).sort());
}
