/**
 * Catalog benchmark: `catalog.list` p50/p99 at 10,000 products (seeded through the emulator's JSON Lines
 * import, each with its search keywords as the admin tools store them) for mixes with and without a
 * keyword, once with the declared indexes (database.config.json) and once with `useIndexes: false` on
 * the SAME data dir (the emulator's full-scan baseline). Also checks that both runs return the same
 * items for every query. Search at scale: the p99 of every keyword call against the p99 of every call
 * without a keyword, in the same indexed run, printed beside the targets (≤ 20 ms, ≤ 1.5×).
 *
 *   npx tsx bench/catalog.ts [--products 10000] [--calls 100] [--json]
 */
import { Client, latencyStats, prepareFunctionsDir, removeDir, round1, rng, scratchDir, startChild, type LatencyStats } from './lib/cloud';
import { cpus, loadavg } from 'node:os';
import { argValue, runMain } from './lib/cli';
import { withKeywords } from '../miniprogram/domain/search-terms';
import type { Product } from '../typings/domain';

const CATEGORIES = Array.from({ length: 10 }, (_, i) => `cat${i}`);
const CATEGORY_NAMES = new Map(CATEGORIES.map((id, i) => [id, ['上装', '下装', '鞋履', '配饰', '童装', '家居服', '运动', '户外', '内衣', '箱包'][i]]));
const WORDS = ['卫衣', '衬衫', '外套', '牛仔裤', '运动鞋', '毛衣', 'T恤', '连衣裙', '夹克', '短裤', '背包', '帽子', '围巾', '手套', '袜子', '皮带', '睡衣', '风衣', '羽绒服', '马甲'];
const ADJ = ['纯棉', '加厚', '宽松', '修身', '复古', '百搭', '轻薄', '保暖', '防水', '透气'];

export interface Mix {
  name: string;
  event: (i: number) => Record<string, unknown>;
}

export const MIXES: Mix[] = [
  { name: 'category + sort(sales) + keyword', event: (i) => ({ action: 'list', categoryId: CATEGORIES[i % 10], sort: 'sales', keyword: WORDS[i % WORDS.length], pageSize: 20 }) },
  { name: 'category + sort(newest)', event: (i) => ({ action: 'list', categoryId: CATEGORIES[i % 10], sort: 'newest', pageSize: 20 }) },
  { name: 'keyword + sort(price_asc)', event: (i) => ({ action: 'list', keyword: WORDS[(i * 7) % WORDS.length], sort: 'price_asc', pageSize: 20 }) },
  { name: 'sort(newest)', event: () => ({ action: 'list', sort: 'newest', pageSize: 20 }) },
  { name: 'two words + sort(newest)', event: (i) => ({ action: 'list', keyword: `${ADJ[i % ADJ.length]} ${WORDS[(i * 3) % WORDS.length]}`, sort: 'newest', pageSize: 20 }) },
];

/** Search at scale (targets of the catalog's keyword search). */
export const SEARCH_TARGETS = { keywordP99Ms: 20, vsNoKeywordP99: 1.5 };

const hasKeyword = (mix: Mix) => typeof mix.event(0).keyword === 'string';

export function catalogProducts(count: number, seed = 42): Record<string, unknown>[] {
  const r = rng(seed);
  const docs: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `p${String(i).padStart(5, '0')}`;
    const price = 990 + Math.floor(r() * 50_000);
    const title = `${ADJ[Math.floor(r() * ADJ.length)]}${WORDS[Math.floor(r() * WORDS.length)]} ${ADJ[Math.floor(r() * ADJ.length)]}款 ${i}`;
    const doc = {
      _id: id,
      title,
      description: '',
      categoryId: CATEGORIES[Math.floor(r() * CATEGORIES.length)],
      images: [`https://img.example.com/${id}.png`],
      specs: [],
      skus: [{ skuId: 's1', specValues: [], price, stock: 1 + Math.floor(r() * 100) }],
      status: r() < 0.95 ? 'on_shelf' : 'off_shelf',
      sales: Math.floor(r() * 10_000),
      price,
      createdAt: 1_700_000_000_000 + i * 60_000,
      updatedAt: 1_700_000_000_000 + i * 60_000,
    };
    docs.push(withKeywords(doc as Product, CATEGORY_NAMES) as unknown as Record<string, unknown>);
  }
  return docs;
}

export interface CatalogMixResult {
  mix: string;
  indexed: LatencyStats;
  scan: LatencyStats;
  /** scan p50 ÷ indexed p50 */
  speedupP50: number;
  /** queries whose item ids differ between the two runs (must be 0) */
  mismatches: number;
  meanItems: number;
}

export interface SearchAtScale {
  /** p99 over every indexed call with a keyword / without one (same run). */
  keywordP99: number;
  noKeywordP99: number;
  ratio: number;
  targets: typeof SEARCH_TARGETS;
  met: boolean;
}

export interface CatalogResult {
  products: number;
  callsPerMix: number;
  seedMs: number;
  mixes: CatalogMixResult[];
  search: SearchAtScale;
  /** 1-minute load average (os.loadavg) when measuring started and ended, and the machine's cores. */
  load: { start: number; end: number; cores: number };
  errors: number;
}

async function measure(client: Client, calls: number): Promise<{ lat: number[][]; ids: string[][][]; errors: number }> {
  const lat: number[][] = [];
  const ids: string[][][] = [];
  let errors = 0;
  // Warm the worker and the module cache.
  for (let i = 0; i < 3; i += 1) await client.invoke('catalog', MIXES[0].event(i));
  for (const mix of MIXES) {
    const l: number[] = [];
    const got: string[][] = [];
    for (let i = 0; i < calls; i += 1) {
      const t = process.hrtime.bigint();
      const r = await client.invoke('catalog', mix.event(i));
      l.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!r.result?.ok) errors += 1;
      got.push(((r.result?.data?.items ?? []) as { _id: string }[]).map((x) => x._id));
    }
    lat.push(l);
    ids.push(got);
  }
  return { lat, ids, errors };
}

export async function runCatalog(opts: { products?: number; calls?: number; log?: (s: string) => void } = {}): Promise<CatalogResult> {
  const count = opts.products ?? 10_000;
  const calls = opts.calls ?? 100;
  const log = opts.log ?? (() => undefined);
  const functionsDir = prepareFunctionsDir('catalog');
  const dataDir = scratchDir('catalog-data');
  try {
    // maxWorkersPerFunction 1: calls are sequential; one warm worker.
    let emu = await startChild({ functionsDir, dataDir, useIndexes: true, maxWorkersPerFunction: 1 });
    let client = Client.of(emu);
    const t0 = Date.now();
    const docs = catalogProducts(count);
    for (let i = 0; i < docs.length; i += 2000) await client.importDocs('products', docs.slice(i, i + 2000));
    const seedMs = Date.now() - t0;
    log(`catalog: seeded ${count} products in ${seedMs} ms; measuring with indexes`);
    const loadStart = loadavg()[0];
    const withIdx = await measure(client, calls);
    await emu.stop();
    log('catalog: measuring with useIndexes: false');
    emu = await startChild({ functionsDir, dataDir, useIndexes: false, maxWorkersPerFunction: 1 });
    client = Client.of(emu);
    const scan = await measure(client, calls);
    const loadEnd = loadavg()[0];
    await emu.stop();
    const mixes = MIXES.map((m, k) => {
      const a = latencyStats(withIdx.lat[k]);
      const b = latencyStats(scan.lat[k]);
      let mismatches = 0;
      for (let i = 0; i < calls; i += 1) if (withIdx.ids[k][i].join(',') !== scan.ids[k][i].join(',')) mismatches += 1;
      const meanItems = round1(withIdx.ids[k].reduce((s, x) => s + x.length, 0) / calls);
      return { mix: m.name, indexed: a, scan: b, speedupP50: round1(b.p50 / a.p50), mismatches, meanItems };
    });
    const pooled = (keyword: boolean) => latencyStats(MIXES.flatMap((m, k) => (hasKeyword(m) === keyword ? withIdx.lat[k] : []))).p99;
    const keywordP99 = pooled(true);
    const noKeywordP99 = pooled(false);
    const ratio = Math.round((keywordP99 / noKeywordP99) * 100) / 100;
    const search = { keywordP99, noKeywordP99, ratio, targets: SEARCH_TARGETS, met: keywordP99 <= SEARCH_TARGETS.keywordP99Ms && ratio <= SEARCH_TARGETS.vsNoKeywordP99 };
    const load = { start: Math.round(loadStart * 100) / 100, end: Math.round(loadEnd * 100) / 100, cores: cpus().length };
    return { products: count, callsPerMix: calls, seedMs, mixes, search, load, errors: withIdx.errors + scan.errors };
  } finally {
    removeDir(functionsDir);
    removeDir(dataDir);
  }
}

export function formatCatalog(r: CatalogResult): string {
  const lines = [
    `Catalog: catalog.list at ${r.products} products (seeded in ${r.seedMs} ms), ${r.callsPerMix} sequential calls per mix, errors ${r.errors}; load average ${r.load.start} → ${r.load.end} on ${r.load.cores} cores`,
  ];
  for (const m of r.mixes) {
    lines.push(
      `  ${m.mix.padEnd(34)} indexed p50 ${m.indexed.p50} ms, p99 ${m.indexed.p99} ms | no indexes p50 ${m.scan.p50} ms, p99 ${m.scan.p99} ms | ${m.speedupP50}× | items/page ${m.meanItems} | result mismatches ${m.mismatches}`,
    );
  }
  const s = r.search;
  lines.push(`  search at scale (indexed, same run): keyword p99 ${s.keywordP99} ms (target ≤ ${s.targets.keywordP99Ms} ms) | no keyword p99 ${s.noKeywordP99} ms | ratio ${s.ratio}× (target ≤ ${s.targets.vsNoKeywordP99}×) | ${s.met ? 'met' : 'NOT MET'}`);
  return lines.join('\n');
}

if (require.main === module) {
  const number = (name: string) => (argValue(name) ? Number(argValue(name)) : undefined);
  runMain(() => runCatalog({ products: number('products'), calls: number('calls'), log: (s) => process.stderr.write(`${s}\n`) }), formatCatalog);
}
