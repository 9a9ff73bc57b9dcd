/** After the suite: the repository root must look as it did before (no stray caches, logs or data). */
import { readdirSync, rmSync } from 'node:fs';
import { ROOT } from './global-setup';

export default function globalTeardown(): void {
  if (process.env.TEST_LOG_DIR) rmSync(process.env.TEST_LOG_DIR, { recursive: true, force: true });
  const before = JSON.parse(process.env.REPO_ROOT_LISTING ?? '[]') as string[];
  const after = readdirSync(ROOT).sort();
  const added = after.filter((name) => !before.includes(name));
  const removed = before.filter((name) => !after.includes(name));
  if (added.length || removed.length) {
    throw new Error(`the test suite changed the repository root: added ${JSON.stringify(added)}, removed ${JSON.stringify(removed)}`);
  }
}
