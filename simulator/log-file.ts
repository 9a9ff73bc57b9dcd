// The simulator's log. The automator starts it with stdio ignored, so a file is the only trace.
// All simulators share one file under <repo>/.data/logs (or LOG_DIR), each line tagged with its
// process, rotated by size: a day of test runs must not pile files up anywhere.
import fs from 'fs';
import path from 'path';

const MAX_BYTES = 5 * 1024 * 1024;
/** simulator.log plus simulator.log.1 … .3 */
const KEEP = 3;
/** Size is checked on the first write and then every CHECK_EVERY writes (a stat per line is wasted work). */
const CHECK_EVERY = 500;

export function logDir(): string {
  return process.env.LOG_DIR || path.resolve(__dirname, '..', '.data', 'logs');
}

export function defaultLogFile(): string {
  return path.join(logDir(), 'simulator.log');
}

const writes = new Map<string, number>();

export function appendLogLine(file: string, line: string): void {
  const n = writes.get(file) ?? 0;
  writes.set(file, n + 1);
  if (n === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
  if (n % CHECK_EVERY === 0) rotateIfLarge(file);
  fs.appendFileSync(file, `${line}\n`);
}

function rotateIfLarge(file: string): void {
  try {
    if (fs.statSync(file).size < MAX_BYTES) return;
    for (let i = KEEP - 1; i >= 1; i--) if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    fs.renameSync(file, `${file}.1`);
  } catch {
    // No file yet, or another simulator rotated it first.
  }
}
