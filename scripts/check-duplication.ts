/**
 * Copy-paste check over the non-test source (jscpd, blocks of 6 lines or more). Every clone must be
 * gone or be listed in scripts/duplication-allow.json with the reason it stays; anything else fails
 * `npm test`. Allowed entries that no longer match anything are reported so the list stays honest.
 *
 * Usage: npm run duplication
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SOURCES = ['miniprogram', 'server', 'cloudfunctions', 'typings', 'emulator', 'simulator', 'admin', 'console', 'bench', 'scripts'];
const IGNORE = ['**/node_modules/**', '**/miniprogram_npm/**', 'cloudfunctions/*/index.js', '**/test-fixtures/**', '**/*.test.ts'];
export const MIN_LINES = 6;

interface Allowed {
  files: [string, string];
  why: string;
}

interface Clone {
  lines: number;
  firstFile: { name: string; start: number; end: number };
  secondFile: { name: string; start: number; end: number };
}

function detect(): Clone[] {
  const out = mkdtempSync(join(tmpdir(), 'jscpd-'));
  try {
    const bin = join(ROOT, 'node_modules', '.bin', 'jscpd');
    const args = ['--min-lines', String(MIN_LINES), '--format', 'typescript,javascript', '--ignore', IGNORE.join(','), '--reporters', 'json', '--output', out, '--silent', '--noTips', ...SOURCES];
    const run = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`jscpd failed (${run.status}): ${run.stderr || run.stdout}`);
    return (JSON.parse(readFileSync(join(out, 'jscpd-report.json'), 'utf8')) as { duplicates: Clone[] }).duplicates;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const samePair = (entry: Allowed, clone: Clone) => {
  const pair = [clone.firstFile.name, clone.secondFile.name].sort().join('\n');
  return [...entry.files].sort().join('\n') === pair;
};

function main(): void {
  const allowed = (JSON.parse(readFileSync(join(__dirname, 'duplication-allow.json'), 'utf8')) as { allowed: Allowed[] }).allowed;
  for (const entry of allowed) if (!entry.why?.trim()) throw new Error(`duplication-allow.json: ${entry.files.join(' + ')} gives no reason`);
  const clones = detect();
  const refused = clones.filter((clone) => !allowed.some((entry) => samePair(entry, clone)));
  const unused = allowed.filter((entry) => !clones.some((clone) => samePair(entry, clone)));
  for (const entry of unused) console.log(`duplication: allowed pair no longer duplicated, remove it from scripts/duplication-allow.json: ${entry.files.join(' + ')}`);
  for (const c of refused) {
    console.log(`duplication: ${c.lines} lines copied: ${c.firstFile.name}:${c.firstFile.start}-${c.firstFile.end} = ${c.secondFile.name}:${c.secondFile.start}-${c.secondFile.end}`);
  }
  console.log(`duplication: ${clones.length} clone(s) of ${MIN_LINES}+ lines, ${clones.length - refused.length} allowed, ${refused.length} to fix`);
  if (refused.length > 0) process.exit(1);
}

if (require.main === module) main();
