import os from 'node:os';
import path from 'node:path';

/**
 * Where a suite writes its screenshots: under ARTIFACTS_DIR (CI keeps it), else the temp folder, so the
 * test run leaves the repository as it was (test/global-teardown.ts checks).
 */
export function artifactsDir(area: string): string {
  return path.join(process.env.ARTIFACTS_DIR || path.join(os.tmpdir(), 'wx-cloud-storefront-artifacts'), area);
}
