// The repo stands alone: every "§n" reference in code and docs names a page of docs/reference/ (on its
// line, or as the file's first reference) whose section n exists, and nothing points outside the repo.
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const REPO = path.resolve(__dirname, '../..');
const REFERENCE = 'docs/reference';
/** Names the code uses for the reference pages besides their paths. */
const ALIASES: Record<string, string> = {
  'wire protocol': 'cloudbase-wire-protocol.md',
  'platform-limits': 'platform-limits.md',
  'automator-protocol': 'automator-protocol.md',
};

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => f && /\.(ts|js|md|json|wxml)$/.test(f) && !f.startsWith(`${REFERENCE}/`) && !f.includes('node_modules/'))
    .filter((f) => fs.existsSync(path.join(REPO, f)));
}

function sectionsOf(page: string): Set<string> {
  const text = fs.readFileSync(path.join(REPO, REFERENCE, page), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)[ .]/gm)].map((m) => m[1]));
}

function pageNamed(line: string): string | null {
  const direct = /docs\/reference\/([\w-]+\.md)/.exec(line);
  if (direct) return direct[1];
  for (const [alias, page] of Object.entries(ALIASES)) if (line.includes(`${alias} §`)) return page;
  return null;
}

test('every § reference resolves to a section of a docs/reference page', () => {
  const pages = fs.readdirSync(path.join(REPO, REFERENCE)).filter((f) => f.endsWith('.md'));
  const sections = new Map(pages.map((p) => [p, sectionsOf(p)]));
  const broken: string[] = [];
  let checked = 0;
  for (const file of trackedTextFiles()) {
    const lines = fs.readFileSync(path.join(REPO, file), 'utf8').split('\n');
    let fileDefault: string | null = null;
    lines.forEach((line, i) => {
      const named = pageNamed(line);
      if (named && !fileDefault) fileDefault = named;
      for (const m of line.matchAll(/§(\d+(?:\.\d+)*)/g)) {
        checked += 1;
        const page = named ?? fileDefault;
        if (!page || !sections.has(page)) broken.push(`${file}:${i + 1}: §${m[1]} names no docs/reference page`);
        else if (!sections.get(page)!.has(m[1])) broken.push(`${file}:${i + 1}: ${page} has no section ${m[1]}`);
      }
    });
  }
  expect(broken).toEqual([]);
  expect(checked).toBeGreaterThan(40);
});

test('nothing in the repo points at reference files outside it', () => {
  const outside = trackedTextFiles().filter((f) => /shared\/reference|\/work\/shared/.test(fs.readFileSync(path.join(REPO, f), 'utf8')));
  expect(outside).toEqual([]);
});
