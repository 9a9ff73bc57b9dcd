/**
 * Mini program figures, reusing what the pages and simulator engineers built:
 *   - main package size: scripts/budgets.ts `compiledPackage()` (miniprogram-ci's compiled upload);
 *   - setData payload per page, largest and mean (JSON bytes), while the catalog scrolls to 500 products
 *     (scripts/budgets.ts `measureCatalog`), plus the product page (200 SKUs) and a full cart;
 *   - the scrolled catalog's rendered tree against DevTools' audit rules (nodes, depth, children);
 *   - simulator time per tap: `simulator/bench-tap.ts` (run as a child, its medians parsed);
 *   - the whole QR-to-order journey in the simulator against the local cloud: bench/journey.ts.
 * A figure whose piece is missing or fails prints `n/a (reason)`.
 *
 *   npx tsx bench/miniprogram.ts [--json]    (exits explicitly: miniprogram-ci leaves a worker behind)
 *   npx tsx bench/miniprogram.ts --before DIR [--json]    (an earlier checkout: main package and the scrolled catalog)
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './lib/cloud';
import { argValue, runMain } from './lib/cli';
import type { JourneyFigures } from './journey';
import type { TreeAudit } from '../simulator/render/audit';
import type { CatalogHarness } from '../scripts/budgets';

export type Figure<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface MiniprogramResult {
  mainPackage: Figure<{ bytes: number; files: number; source: string }>;
  setData: Figure<{ catalogProducts: number; /** the scrolled catalog's rendered tree, component internals included */ catalogTree?: TreeAudit; pages: Record<string, { calls: number; largestBytes: number; meanBytes: number }> }>;
  tap: Figure<{ runs: number; tapMedianMs: number; inputMedianMs: number }>;
  journey: Figure<JourneyFigures>;
}

const errText = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);

function runChild(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

async function packageAndSetData(): Promise<Pick<MiniprogramResult, 'mainPackage' | 'setData'>> {
  let budgets: typeof import('../scripts/budgets');
  try {
    budgets = await import('../scripts/budgets');
  } catch (e) {
    const reason = `scripts/budgets.ts not loadable: ${errText(e)}`;
    return { mainPackage: { ok: false, reason }, setData: { ok: false, reason } };
  }
  let mainPackage: MiniprogramResult['mainPackage'];
  try {
    const pkg = await budgets.compiledPackage();
    mainPackage = { ok: true, value: { bytes: pkg.bytes, files: pkg.files, source: pkg.source } };
  } catch (e) {
    mainPackage = { ok: false, reason: errText(e) };
  }
  let setData: MiniprogramResult['setData'];
  try {
    const catalog = await budgets.measureCatalog();
    const product = await budgets.measureProduct();
    const cart = await budgets.measureCart();
    const pages: Record<string, { calls: number; largestBytes: number; meanBytes: number }> = {};
    for (const entry of [...catalog.fake.setDataLog, ...product.setDataLog, ...cart.setDataLog]) {
      const p = (pages[entry.page] ??= { calls: 0, largestBytes: 0, meanBytes: 0 });
      p.meanBytes = (p.meanBytes * p.calls + entry.bytes) / (p.calls + 1);
      p.calls += 1;
      p.largestBytes = Math.max(p.largestBytes, entry.bytes);
    }
    for (const p of Object.values(pages)) p.meanBytes = Math.round(p.meanBytes);
    setData = { ok: true, value: { catalogProducts: catalog.count, catalogTree: catalog.tree, pages } };
  } catch (e) {
    setData = { ok: false, reason: errText(e) };
  }
  return { mainPackage, setData };
}

async function tap(runs = 100): Promise<MiniprogramResult['tap']> {
  const r = await runChild([path.join('simulator', 'bench-tap.ts'), String(runs)], 180_000);
  const t = /tap\s+round trip median ([\d.]+) ms/.exec(r.out);
  const i = /input round trip median ([\d.]+) ms/.exec(r.out);
  if (r.code !== 0 || !t || !i) return { ok: false, reason: `simulator/bench-tap.ts exited ${r.code}: ${r.out.trim().split('\n').slice(-1)[0] ?? ''}`.slice(0, 200) };
  return { ok: true, value: { runs, tapMedianMs: Number(t[1]), inputMedianMs: Number(i[1]) } };
}

async function journey(): Promise<MiniprogramResult['journey']> {
  const r = await runChild([path.join('bench', 'journey.ts'), '--json'], 240_000);
  const line = r.out.split('\n').find((l) => l.startsWith('JOURNEY '));
  if (!line) return { ok: false, reason: `bench/journey.ts exited ${r.code}: ${r.out.trim().split('\n').slice(-1)[0] ?? ''}`.slice(0, 240) };
  return JSON.parse(line.slice('JOURNEY '.length)) as MiniprogramResult['journey'];
}

/** The same figures of an earlier checkout of this repository, for the before column (items 1 and 5 of the lists and start-fast work). */
export interface MiniprogramBefore {
  /** the checkout measured, and its commit */
  checkout: string;
  commit: string;
  mainPackage: Figure<{ bytes: number; files: number }>;
  catalog: Figure<{ products: number; tree: TreeAudit; largestSetDataBytes: number }>;
}

/**
 * Measures the checkout at `dir` with its own page harness and compile step (its pages, its fake cloud,
 * its project.config.json), packages split and tree audited by today's rules (scripts/budgets.ts).
 */
export async function measureBefore(dir: string): Promise<MiniprogramBefore> {
  const root = path.resolve(dir);
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const budgets = await import('../scripts/budgets');
  const theirs = (await import(path.join(root, 'scripts', 'budgets.ts'))) as Pick<typeof budgets, 'compileWithCi'>;
  const harness = (await import(path.join(root, 'test', 'support', 'mp-harness.ts'))) as CatalogHarness & { freshBuild(): string };
  let mainPackage: MiniprogramBefore['mainPackage'];
  try {
    const appJson = JSON.parse(fs.readFileSync(path.join(root, 'miniprogram', 'app.json'), 'utf8'));
    const main = budgets.splitPackages(await theirs.compileWithCi(), appJson)[0];
    mainPackage = { ok: true, value: { bytes: main.bytes, files: main.files } };
  } catch (e) {
    mainPackage = { ok: false, reason: errText(e) };
  }
  let catalog: MiniprogramBefore['catalog'];
  try {
    const c = await budgets.measureCatalog(harness.freshBuild(), undefined, harness);
    catalog = { ok: true, value: { products: c.count, tree: c.tree, largestSetDataBytes: Math.max(0, ...c.fake.setDataLog.map((e) => e.bytes)) } };
  } catch (e) {
    catalog = { ok: false, reason: errText(e) };
  }
  return { checkout: root, commit, mainPackage, catalog };
}

export async function runMiniprogram(opts: { tapRuns?: number } = {}): Promise<MiniprogramResult> {
  const { mainPackage, setData } = await packageAndSetData();
  return { mainPackage, setData, tap: await tap(opts.tapRuns ?? 100), journey: await journey() };
}

const na = (f: { ok: false; reason: string }) => `n/a (${f.reason})`;

export function formatMiniprogram(r: MiniprogramResult): string {
  const lines = ['Mini program'];
  lines.push(`  main package               ${r.mainPackage.ok ? `${(r.mainPackage.value.bytes / 1024).toFixed(1)} KB (${r.mainPackage.value.files} files, ${r.mainPackage.value.source})` : na(r.mainPackage)}`);
  if (r.setData.ok) {
    lines.push(`  setData (catalog scrolled to ${r.setData.value.catalogProducts} products; product page 200 SKUs; cart 50 lines)`);
    const t = r.setData.value.catalogTree;
    if (t) lines.push(`  catalog at ${r.setData.value.catalogProducts} products: ${t.nodes} WXML nodes, depth ${t.depth}, at most ${t.maxChildren} children (${t.widest})`);
    for (const [page, p] of Object.entries(r.setData.value.pages)) {
      lines.push(`    ${page.padEnd(24)} largest ${(p.largestBytes / 1024).toFixed(1)} KB, mean ${(p.meanBytes / 1024).toFixed(2)} KB over ${p.calls} calls`);
    }
  } else lines.push(`  setData                    ${na(r.setData)}`);
  lines.push(`  simulator tap              ${r.tap.ok ? `median ${r.tap.value.tapMedianMs} ms per tap, ${r.tap.value.inputMedianMs} ms per input (${r.tap.value.runs} runs)` : na(r.tap)}`);
  if (r.journey.ok) {
    lines.push(`  QR-to-order journey        ${r.journey.value.totalMs} ms from scan to paid (${r.journey.value.taps} taps, ${(r.journey.value.totalMs / Math.max(1, r.journey.value.taps)).toFixed(0)} ms per tap incl. cloud calls), order ${r.journey.value.orderStatus}`);
    for (const s of r.journey.value.steps) lines.push(`    ${s.step.padEnd(24)} ${s.ms} ms`);
    const l = r.journey.value.launch;
    if (l) lines.push(`  launch → first catalog render ${l.firstRenderMedianMs} ms, first products shown ${l.settledMedianMs} ms (median of ${l.runs} cold starts in the simulator, ${l.modules} modules loaded; no target: compare runs on one machine)`);
  } else lines.push(`  QR-to-order journey        ${na(r.journey)}`);
  return lines.join('\n');
}

if (require.main === module) {
  const before = argValue('before');
  if (before) runMain(() => measureBefore(before), (r) => JSON.stringify(r, null, 2), { jsonPrefix: 'MINIPROGRAM_BEFORE' });
  else runMain(() => runMiniprogram(), formatMiniprogram, { jsonPrefix: 'MINIPROGRAM' });
}
