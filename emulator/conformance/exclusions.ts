/**
 * The upstream tests that cannot pass against any local cloud, read from the one list humans
 * read too: docs/reference/cloudbase-conformance.md, section "Tests that cannot pass here",
 * one line each: "- `<jest full name>` — <why>".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Exclusion {
  test: string;
  why: string;
}

export const EXCLUSIONS_DOC = path.resolve(__dirname, '..', '..', 'docs', 'reference', 'cloudbase-conformance.md');

export function readExclusions(file = EXCLUSIONS_DOC): Exclusion[] {
  const text = fs.readFileSync(file, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Tests that cannot pass here')) ?? '';
  const out: Exclusion[] = [];
  for (const line of section.split('\n')) {
    const m = /^- `(.+)` — (.+)$/.exec(line.trim());
    if (m) out.push({ test: m[1], why: m[2] });
  }
  return out;
}
