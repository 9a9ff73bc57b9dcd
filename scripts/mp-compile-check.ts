// Compiles the mini program with the OFFICIAL compilers and reports what failed:
//   - wcc  (WXML → JS, npm miniprogram-compiler) over every page and component, with their
//     usingComponents, then checks each page/component template is in the generated $gwx table;
//   - wcsc (WXSS → JS) over app.wxss and every page/component stylesheet;
//   - miniprogram-ci getCompiledResult of the whole project (TypeScript plugin, JSON validation),
//     offline with a placeholder key; see scripts/budgets.ts compileWithCi. Its JS must parse on the
//     oldest supported phone and carry no Babel helpers (scripts/js-support.ts).
// Run: npx tsx scripts/mp-compile-check.ts [--json]   (exit 1 on any failure)
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { compileWithCi } from './budgets';
import { unsupportedJs } from './js-support';
import { MP_ROOT } from '../test/support/mp-harness';

export interface AppJson {
  pages: string[];
  tabBar?: { list: { pagePath: string }[] };
  usingComponents?: Record<string, string>;
  subpackages?: { root: string; name?: string; pages: string[] }[];
}

export function readAppJson(root = MP_ROOT): AppJson {
  return JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as AppJson;
}

/** Every page and custom component, as paths without extension relative to the root. */
export function listUnits(root = MP_ROOT): { pages: string[]; components: string[] } {
  const app = readAppJson(root);
  const subs = app.subpackages ?? [];
  const pages = [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  // Shared components in components/, subpackage-local ones in <root>/components/.
  const components: string[] = [];
  for (const base of ['', ...subs.map((s) => `${s.root}/`)]) {
    const compDir = path.join(root, base, 'components');
    if (!fs.existsSync(compDir)) continue;
    for (const d of fs.readdirSync(compDir)) if (fs.existsSync(path.join(compDir, d, 'index.json'))) components.push(`${base}components/${d}/index`);
  }
  return { pages, components };
}

function binary(name: 'wcc' | 'wcsc'): string {
  const file = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', 'linux', name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    // The npm package ships the Linux binaries without the executable bit.
    fs.chmodSync(file, 0o755);
  }
  return file;
}

/** wcc over the whole project; returns the $gwx source. Throws with wcc's own message on a compile error. */
export function runWcc(root = MP_ROOT): string {
  binary('wcc');
  const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string, opts?: Record<string, unknown>): string };
  return compiler.wxmlToJs(root, { maxBuffer: 64 * 1024 * 1024 });
}

/** Which units have no template in the $gwx table (i.e. did not compile into it). */
export function missingTemplates(gwxSource: string, units: string[]): string[] {
  // The generated program only needs a `window` object to hang its globals on; a plain object keeps
  // this check free of any DOM.
  const gwx = new Function('window', gwxSource)({}) as (p: string) => unknown;
  return units.filter((unit) => typeof gwx(`${unit}.wxml`) !== 'function');
}

/** wcsc over every stylesheet; one spawn per file so an error names its file. */
export function runWcsc(root = MP_ROOT): { file: string; error: string }[] {
  const bin = binary('wcsc');
  const { pages, components } = listUnits(root);
  const files = ['app', ...pages, ...components].map((u) => `${u}.wxss`).filter((f) => fs.existsSync(path.join(root, f)));
  const errors: { file: string; error: string }[] = [];
  for (const file of files) {
    const isComponent = file !== 'app.wxss';
    const res = spawnSync(bin, ['-db', '-pc', isComponent ? '1' : '0', file], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const out = res.stdout ? res.stdout.toString() : '';
    if (res.status !== 0 || !out) errors.push({ file, error: (res.stderr ? res.stderr.toString() : '') || `exit ${res.status}` });
  }
  return errors;
}

/**
 * miniprogram-ci's compile: every page and component must come out with js, json, wxml, wxss, and every
 * JS file in syntax the supported phones parse, with no Babel helpers (scripts/js-support.ts).
 */
export async function runCi(root = MP_ROOT): Promise<{ files: string[]; missing: string[]; unsupported: string[] }> {
  const result = await compileWithCi();
  const files = Object.keys(result);
  const { pages, components } = listUnits(root);
  const missing: string[] = [];
  for (const unit of [...pages, ...components]) {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) if (!(`${unit}.${ext}` in result)) missing.push(`${unit}.${ext}`);
  }
  for (const f of ['app.js', 'app.json', 'app.wxss', 'sitemap.json']) if (!(f in result)) missing.push(f);
  return { files, missing, unsupported: unsupportedJs(result) };
}

if (require.main === module) {
  (async () => {
    const { pages, components } = listUnits();
    const problems: string[] = [];
    try {
      const missing = missingTemplates(runWcc(), [...pages, ...components]);
      problems.push(...missing.map((m) => `wcc: no template for ${m}`));
    } catch (err) {
      problems.push(`wcc: ${String(err)}`);
    }
    problems.push(...runWcsc().map((e) => `wcsc: ${e.file}: ${e.error}`));
    const ci = await runCi();
    problems.push(...ci.missing.map((m) => `miniprogram-ci: missing ${m}`));
    problems.push(...ci.unsupported.map((u) => `miniprogram-ci: ${u}`));
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ problems, pages, components, ciFiles: ci.files })}\n`);
      process.exit(problems.length ? 1 : 0);
    }
    process.stdout.write(
      problems.length
        ? `Compile problems:\n  ${problems.join('\n  ')}\n`
        : `wcc, wcsc and miniprogram-ci compiled ${pages.length} pages and ${components.length} components (${ci.files.length} output files).\n`,
    );
    process.exit(problems.length ? 1 : 0);
  })().catch((err) => {
    const message = String(err && err.stack ? err.stack : err);
    // The compile test reads the last stdout line: a crash is reported there too, with its cause.
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ problems: [`compile check crashed: ${message}`], ciFiles: [] })}\n`);
    process.stderr.write(`${message}\n`);
    process.exit(2);
  });
}
