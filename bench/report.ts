/**
 * Writes bench/RESULTS.md from bench/out/results.json. Every figure in RESULTS.md comes from that file;
 * the prose written here carries no figures of its own.
 *
 *   npx tsx bench/report.ts            # after `npm run bench` (or a part of it)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trialText, type HotSkuResult, type LaneFigures } from './hot-sku';
import type { CatalogResult } from './catalog';
import type { MiniprogramBefore, MiniprogramResult } from './miniprogram';
import type { TreeAudit } from '../simulator/render/audit';
import type { Kill9Result } from './faults/kill9';
import type { TimeoutResult } from './faults/timeout';
import type { ModelResult } from './faults/model';
import type { PreviewScrollResult } from './preview-scroll';
import type { ImagesResult, ImagesRun } from './images';
import { OUT_DIR, REPO } from './lib/cloud';

/** When a section ran and how loaded the machine was (os.loadavg: 1, 5, 15 minutes). */
export interface RunMeta {
  date: string;
  cores: number;
  loadavgAtStart: number[];
  loadavgAtEnd: number[];
  command: string;
}

type Section<T> = (T | { error: string }) & { ran?: RunMeta };

/** Two walks of one seed, compared: the walk is deterministic for a seed only if they agree. */
export interface ModelRepeat {
  seed: number;
  steps: number;
  same: boolean;
  differences: string[];
}

export interface Results {
  machine: { date: string; nproc: number; memGiB: string; node: string; loadavgAtStart: number[]; loadavgAtEnd?: number[]; cpu: string };
  totalMs?: number;
  hotSku?: Section<HotSkuResult>;
  /** the same benchmark on an earlier build of the functions, in the same run */
  hotSkuBefore?: Section<HotSkuResult>;
  catalog?: Section<CatalogResult>;
  miniprogram?: Section<MiniprogramResult>;
  /** an earlier checkout's main package and scrolled catalog, in the same run */
  miniprogramBefore?: Section<MiniprogramBefore>;
  kill9?: Section<Kill9Result>;
  timeout?: Section<TimeoutResult>;
  model?: Section<ModelResult>;
  modelRepeat?: Section<ModelRepeat>;
  previewScroll?: Section<PreviewScrollResult>;
  images?: Section<ImagesResult>;
  failures: string[];
}

export const RESULTS_JSON = path.join(OUT_DIR, 'results.json');
const RESULTS_MD = path.join(REPO, 'bench', 'RESULTS.md');

export const isErr = (x: unknown): x is { error: string } => typeof x === 'object' && x !== null && 'error' in x;
const ok = <T>(x: Section<T> | undefined): T | undefined => (x && !isErr(x) ? (x as T) : undefined);

export interface TargetRow {
  item: string;
  figure: string;
  target: string;
  value: string;
  /** null: not measured by the runs in results.json */
  met: boolean | null;
}

/** Every figure the storefront's speed and trust targets name, beside its target. */
export function targetRows(r: Results): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (item: string, figure: string, target: string, value: string | undefined, met: boolean | null) => rows.push({ item, figure, target, value: value ?? 'not measured in this run', met: value === undefined ? null : met });
  const mp = ok(r.miniprogram);
  const setData = mp?.setData.ok ? mp.setData.value : undefined;
  const largest = setData ? Math.max(...Object.values(setData.pages).map((p) => p.largestBytes)) : undefined;
  add('1', 'largest setData (catalog scrolled, product page with 200 SKUs, full cart)', '≤ 16 KB', largest === undefined ? undefined : `${(largest / 1024).toFixed(1)} KB`, largest !== undefined && largest <= 16 * 1024);
  const tree = setData?.catalogTree;
  add('1', `WXML nodes / depth / children of the catalog scrolled to ${setData?.catalogProducts ?? 500} products`, '< 1000 / < 30 / ≤ 60', tree ? `${tree.nodes} / ${tree.depth} / ${tree.maxChildren}` : undefined, !!tree && tree.nodes < 1000 && tree.depth < 30 && tree.maxChildren <= 60);
  const hot = ok(r.hotSku);
  const big = hot?.rounds.reduce((a, b) => (b.buyers > a.buyers ? b : a), hot.rounds[0]);
  add('3', `hot-SKU orders/s ÷ conditional updates/s${big ? ` (${big.buyers} buyers)` : ''}`, `≥ ${hot?.target ?? 0.5}`, big ? String(big.ratios.ordersVsCeiling) : undefined, big ? big.ratios.ordersVsCeiling >= hot!.target : false);
  add('3', 'hot-SKU oversold units (every round)', '0', hot ? String(hot.rounds.reduce((n, x) => n + x.checkout.oversold, 0)) : undefined, hot ? hot.rounds.every((x) => x.checkout.oversold === 0) : false);
  const k9 = ok(r.kill9);
  add('3', 'acknowledged orders lost through kill -9', '0', k9 ? String(k9.lostAcknowledgedOrders) : undefined, k9 ? k9.lostAcknowledgedOrders === 0 : false);
  const model = ok(r.model);
  add('3', 'model walk violations', '0', model ? String(model.violations.length) : undefined, model ? model.violations.length === 0 : false);
  const cat = ok(r.catalog);
  add('4', `keyword catalog.list p99${cat ? ` at ${cat.products} products` : ''}`, `≤ ${cat?.search.targets.keywordP99Ms ?? 20} ms`, cat ? `${cat.search.keywordP99} ms` : undefined, cat ? cat.search.keywordP99 <= cat.search.targets.keywordP99Ms : false);
  add('4', 'keyword p99 ÷ no-keyword p99', `≤ ${cat?.search.targets.vsNoKeywordP99 ?? 1.5}×`, cat ? `${cat.search.ratio}×` : undefined, cat ? cat.search.ratio <= cat.search.targets.vsNoKeywordP99 : false);
  const main = mp?.mainPackage.ok ? mp.mainPackage.value : undefined;
  add('5', 'main package', '≤ 80 KB', main ? `${(main.bytes / 1024).toFixed(1)} KB` : undefined, main ? main.bytes <= 80 * 1024 : false);
  const launch = mp?.journey.ok ? mp.journey.value.launch : undefined;
  add('5', 'launch → first catalog render (simulator, median)', 'printed', launch ? `${launch.firstRenderMedianMs} ms (${launch.runs} cold starts)` : undefined, launch ? true : null);
  const img = ok(r.images);
  add('6', `image bytes of the first catalog screen${img ? ` (${img.products} products, ${img.originalSide} px photos)` : ''}`, `≤ ${img ? (img.targets.firstScreenMaxBytes / 1024 / 1024).toFixed(0) : 1} MB, each card picture ≤ ${img ? img.targets.thumbMaxBytes / 1024 : 40} KB`, img ? `${(img.thumbs.bytes / 1024).toFixed(0)} KB, largest ${(img.thumbs.largestBytes / 1024).toFixed(1)} KB (${(img.full.bytes / 1024 / 1024).toFixed(1)} MB without thumbnails)` : undefined, img ? img.met : false);
  add('7', 'kill -9: checkouts in flight at the kill', '> 0', k9 ? String(k9.inFlightAtKill) : undefined, k9 ? k9.inFlightAtKill > 0 : false);
  add('7', 'kill -9: payments acknowledged before the kill', '> 0', k9 ? String(k9.acknowledgedPayments) : undefined, k9 ? k9.acknowledgedPayments > 0 : false);
  add('7', 'kill -9: failed calls of the lanes before the kill', '0', k9 ? String(Object.values(k9.errorsBeforeKill).reduce((a, b) => a + b, 0)) : undefined, k9 ? Object.keys(k9.errorsBeforeKill).length === 0 : false);
  const rep = ok(r.modelRepeat);
  add('7', 'model walk: two runs of one seed agree', 'same, or the differences printed', rep ? (rep.same ? 'same' : `differ: ${rep.differences.slice(0, 3).join('; ')}`) : undefined, rep ? true : false);
  add('7', 'failed calls in the benchmarks', '0 (a failure fails the run)', r.failures.length ? `${r.failures.length} failures` : '0', r.failures.length === 0);
  return rows;
}

export function formatTargets(r: Results): string {
  const mark = (m: boolean | null) => (m === null ? '—' : m ? 'met' : 'NOT MET');
  return ['| item | figure | target | value | |', '|---|---|---|---|---|', ...targetRows(r).map((t) => `| ${t.item} | ${t.figure} | ${t.target} | ${t.value} | ${mark(t.met)} |`)].join('\n');
}

const load = (m?: RunMeta) => (m ? `${m.date.slice(0, 16).replace('T', ' ')} UTC, \`${m.command}\`, ${m.cores} cores, load average ${m.loadavgAtStart.join(' / ')} at the start and ${m.loadavgAtEnd.join(' / ')} at the end` : 'run details not recorded');

function hotSection(r: Results): string[] {
  const after = ok(r.hotSku);
  if (!after) return [];
  const before = ok(r.hotSkuBefore);
  const out = [
    '## Hot-SKU checkout',
    '',
    `After: ${load(r.hotSku?.ran)}. Functions: ${after.functions}, ${after.workersPerFunction} workers per function.`,
  ];
  if (before) out.push(`Before: ${load(r.hotSkuBefore?.ran)}. Functions: ${before.functions}.`);
  out.push(
    '',
    'Each round: N buyers in flight, stock N/2. The ceiling is a function making one conditional update of the same SKU on the same stock, invoked the same way with the same workers; checkout and ceiling each have their own HTTP agent with N sockets. The ratio counts successes only (orders written against units taken).',
    '',
    `| figure | ${before ? 'before | ' : ''}after |`,
    `|---|${before ? '---|' : ''}---|`,
  );
  for (const x of after.rounds) {
    const b = before?.rounds.find((y) => y.buyers === x.buyers);
    const row = (label: string, f: (y: typeof x) => string) => out.push(`| ${x.buyers} buyers: ${label} | ${before ? `${b ? f(b) : '—'} | ` : ''}${f(x)} |`);
    row('orders/s ÷ ceiling updates/s', (y) => `**${y.ratios.ordersVsCeiling}**${y.trials && y.trials.length > 1 ? ` (median of ${y.trials.length} trials; each: ${trialText(y.trials)})` : ''}`);
    row('checkout', (y) => `${y.checkout.ordersPerSec} orders/s, p50 ${y.checkout.latency.p50} ms, p99 ${y.checkout.latency.p99} ms`);
    row('outcomes', (y) => `ok ${y.checkout.ok}, OUT_OF_STOCK ${y.checkout.outOfStock}, failed ${JSON.stringify(y.checkout.otherErrors)}`);
    row('ceiling (conditional update function)', (y) => `${y.ceiling.successPerSec} updates/s${y.ceiling.runs ? ` (mean of ${y.ceiling.runs.join(' and ')}, measured before and after the checkout)` : ''}, p50 ${y.ceiling.latency.p50} ms`);
    row('transactions during checkout', (y) => `committed ${y.checkout.tx.committed}, aborted ${y.checkout.tx.aborted}, conflicts ${y.checkout.tx.conflicts}, outside writes waiting ${y.checkout.tx.outsideWaits}`);
    row('oversold / stock drift / ledger', (y) => `${y.checkout.oversold} / ${y.checkout.stockDrift} / ${JSON.stringify(y.checkout.ledger)}`);
    row('database requests per buyer (checkout / ceiling call)', (y) => (y.checkout.tx.dbRequests !== undefined && y.ceiling.tx ? `${Math.round((y.checkout.tx.dbRequests / y.buyers) * 10) / 10} / ${Math.round((y.ceiling.tx.dbRequests / y.buyers) * 10) / 10}` : 'not counted'));
    row('CPU per order written / per ceiling update (local cloud + function workers)', (y) =>
      y.checkout.cpu && y.ceiling.cpu ? `${cpuText(y.checkout.cpu)} / ${cpuText(y.ceiling.cpu)}` : 'not measured',
    );
    const lane = (f: LaneFigures | undefined, vsCeiling: number | undefined, checkoutVs: number | undefined) =>
      f ? `${f.successPerSec} orders/s (mean of ${f.runs.join(' and ')}), ${vsCeiling} of the ceiling${f.cpu ? `, CPU per order ${cpuText(f.cpu)}` : ''}; checkout ÷ it **${checkoutVs}**` : 'not measured';
    row('floor: read the product, the same update recording a hold, the order, the hold dropped', (y) => lane(y.floor, y.ratios.floorVsCeiling, y.ratios.ordersVsFloor));
    row("the same floor with the checkout's read (flash sales, settings, scan, the request's order joined)", (y) => lane(y.floorReads, y.ratios.floorReadsVsCeiling, y.ratios.ordersVsFloorReads));
    row('no-op invoke', (y) => `${y.noopInvoke.rps} req/s, p50 ${y.noopInvoke.latency.p50} ms`);
    row('naive read-then-write oversold', (y) => `${y.naive.oversold} of ${y.initialStock}`);
  }
  out.push('', ...whereTimeGoes(after, before), '');
  const big = after.rounds.reduce((a, b) => (b.buyers > a.buyers ? b : a), after.rounds[0]);
  if (big && big.ratios.ordersVsCeiling < after.target)
    out.push(
      `Why the target is not met here: the checkout takes its units with one conditional update as the ceiling does, but an order written also costs the read before it and the writes after it (the order, which is also the ledger's reserve move, and dropping its hold): ${perWritten(big.checkout.tx.dbRequests, big.checkout.ok)} database requests per order written against ${big.ceiling.tx ? perWritten(big.ceiling.tx.dbRequests, big.ceiling.updated) : 1} per ceiling success at ${big.buyers} buyers. Each request is a round trip from one of the same function instances, and the local cloud and those instances share the machine's cores${big.checkout.cpu && big.ceiling.cpu ? `: an order written cost ${cpuText(big.checkout.cpu)} of CPU, a ceiling update ${cpuText(big.ceiling.cpu)}; ${cpuRatio(big.ceiling.cpu, big.checkout.cpu)}, the throughput ratio measured ${big.ratios.ordersVsCeiling}` : ''}.${floorSentence(big, after.target)}`,
      '',
    );
  return out;
}

/** What the floor lanes say about the gap: how far a checkout with nothing but its read and writes gets, and where ours stands against it. */
function floorSentence(x: HotSkuResult['rounds'][number], target: number): string {
  const bare = x.ratios.floorVsCeiling;
  const reads = x.ratios.floorReadsVsCeiling;
  if (!x.floor || bare === undefined) return '';
  const withReads = x.floorReads && reads !== undefined ? `, and ${reads} with the checkout's read (its flash sales, settings, the shopper's latest scan and the request's order joined to the product)` : '';
  const ours = reads ?? bare;
  const reach = ours >= target ? 'so a checkout doing that much and no more would meet the target here' : 'so even that much stays below the target here';
  return ` A function doing only what a checkout must to price on the server and survive being killed halfway (read the product, the conditional update recording a hold, the order, the hold dropped; no idempotency record, no stock move) reached ${bare} of the ceiling with a read of the product alone${withReads}, ${reach}; the checkout reached ${x.ratios.ordersVsFloorReads ?? x.ratios.ordersVsFloor} of ${x.floorReads ? 'the latter' : 'it'}, the rest going to its own work in the function (validating, pricing, building the order and its answer).`;
}

const cpuText = (c: { emulatorMs: number; workersMs: number }) => `${Math.round((c.emulatorMs + c.workersMs) * 10) / 10} ms (${c.emulatorMs} + ${c.workersMs})`;
const cpuRatio = (ceiling: { emulatorMs: number; workersMs: number }, checkout: { emulatorMs: number; workersMs: number }) =>
  `the quotient of the two is ${Math.round(((ceiling.emulatorMs + ceiling.workersMs) / Math.max(0.1, checkout.emulatorMs + checkout.workersMs)) * 1000) / 1000}`;

/** Requests per success, one decimal. */
const perWritten = (requests: number, successes: number) => (successes ? Math.round((requests / successes) * 10) / 10 : 0);

/** Sentences on where a round's time went, built from its counters only. */
function whereTimeGoes(after: HotSkuResult, before?: HotSkuResult): string[] {
  const perOrder = (x: HotSkuResult['rounds'][number]) => ({
    requests: Math.round((x.checkout.tx.dbRequests / x.buyers) * 10) / 10,
    attempts: x.checkout.tx.committed ? Math.round(((x.checkout.tx.committed + x.checkout.tx.aborted) / x.checkout.tx.committed) * 10) / 10 : 0,
  });
  const lines: string[] = [];
  for (const x of after.rounds) {
    const a = perOrder(x);
    const b = before?.rounds.find((y) => y.buyers === x.buyers);
    const attempts = (y: typeof a) => (y.attempts ? `${y.attempts} transaction attempts per order` : 'no transaction');
    const was = b ? ` (earlier build: ${perOrder(b).requests} requests per buyer, ${perWritten(b.checkout.tx.dbRequests, b.checkout.ok)} per order written, ${attempts(perOrder(b))})` : '';
    lines.push(
      `- ${x.buyers} buyers: a checkout made ${a.requests} database requests per buyer, ${perWritten(x.checkout.tx.dbRequests, x.checkout.ok)} per order written, ${attempts(a)}${was}; a ceiling call makes ${x.ceiling.tx ? Math.round((x.ceiling.tx.dbRequests / x.buyers) * 10) / 10 : 1} request and no transaction. Each request is a round trip from a function instance, and the instances are the same ${after.workersPerFunction} for both.`,
    );
  }
  return lines;
}

function faultSections(r: Results): string[] {
  const out: string[] = [];
  const k = ok(r.kill9);
  if (k) {
    out.push(
      '## kill -9 during checkouts',
      '',
      load(r.kill9?.ran),
      '',
      '| figure | value |',
      '|---|---|',
      `| acknowledged orders / payments before the kill | ${k.acknowledgedOrders} / ${k.acknowledgedPayments} |`,
      `| checkouts in flight at the kill | ${k.inFlightAtKill} |`,
      `| failed calls before the kill | ${JSON.stringify(k.errorsBeforeKill)} |`,
      `| checkouts answered UNAVAILABLE (busy, retry) before the kill | ${k.busyBeforeKill ?? 'not counted'} |`,
      `| lost acknowledged orders / payments / answers to their retries (the request's fingerprint on the order, or its record) | ${k.lostAcknowledgedOrders} / ${k.lostAcknowledgedPayments} / ${k.missingIdempotencyRecords} |`,
      `| stock violations at the restart / after retrying | ${k.stockViolations.length} / ${k.stockViolationsAfterRetry.length} |`,
      `| holds without their order (checkouts killed between hold and order) at the restart / after retrying | ${k.orphanHolds ?? 'not measured'} / ${k.orphanHoldsAfterRetry ?? 'not measured'} |`,
      `| retries of in-flight checkouts (same requestId) | ${JSON.stringify(k.retryOutcomes)}, duplicates ${k.duplicateOrdersAfterRetry} |`,
      '',
    );
  }
  const t = ok(r.timeout);
  if (t) {
    out.push(
      '## Function timeout during checkouts',
      '',
      load(r.timeout?.ran),
      '',
      `| checkouts killed at ${t.timeoutsMs[0]}…${t.timeoutsMs[t.timeoutsMs.length - 1]} ms (a checkout about ${t.checkoutMs} ms) | ${JSON.stringify(t.outcomes)} |`,
      '|---|---|',
      `| half orders / duplicates | ${t.halfOrders.length} / ${t.duplicateOrders} |`,
      `| violations after the retries | ${t.violationsAfterRetry?.length ?? 'not retried'} |`,
      '',
    );
  }
  const m = ok(r.model);
  if (m) {
    out.push(
      '## Model-based walk',
      '',
      load(r.model?.ran),
      '',
      '| figure | value |',
      '|---|---|',
      `| steps, seed, orders | ${m.steps}, ${m.seed}, ${m.orders} ${JSON.stringify(m.byStatus)} |`,
      `| invariant checks / violations | ${m.invariantChecks} / ${m.violations.length} |`,
      `| ledger check at the end | ${m.ledger.checkedSkus} SKUs, ${m.ledger.problems} mismatches |`,
    );
    const rep = ok(r.modelRepeat);
    if (rep) out.push(`| two walks of seed ${rep.seed}, ${rep.steps} steps each | ${rep.same ? 'the same' : `different: ${rep.differences.join('; ')}`} |`);
    out.push('');
    if (rep && !rep.same)
      out.push(
        'The walk is not deterministic for a seed: its random choices are, but concurrent steps (bursts on one SKU, a payment racing a sweep or a cancel) resolve in the order the local cloud serves them, which depends on timing; the outcomes then differ and so do the steps that follow.',
        '',
      );
  }
  return out;
}

/** Items 1 and 5 before and after: an earlier checkout measured in the same run (`--mp-before`) beside this one. */
function miniprogramSection(r: Results): string[] {
  const mp = ok(r.miniprogram);
  if (!mp) return [];
  const before = ok(r.miniprogramBefore);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const tree = (t: TreeAudit | undefined) => (t ? `${t.nodes} / ${t.depth} / ${t.maxChildren} (widest: \`${t.widest}\`)` : 'not measured');
  const setData = mp.setData.ok ? mp.setData.value : undefined;
  const rows: [string, string, string][] = [
    ['main package (miniprogram-ci, split by app.json)', before?.mainPackage.ok ? `${kb(before.mainPackage.value.bytes)} (${before.mainPackage.value.files} files)` : '—', mp.mainPackage.ok ? `${kb(mp.mainPackage.value.bytes)} (${mp.mainPackage.value.files} files)` : 'not measured'],
    [
      `catalog scrolled to ${setData?.catalogProducts ?? 500} products: WXML nodes / depth / most children of one node`,
      before?.catalog.ok ? tree(before.catalog.value.tree) : '—',
      tree(setData?.catalogTree),
    ],
    ['largest setData while the catalog scrolls', before?.catalog.ok ? kb(before.catalog.value.largestSetDataBytes) : '—', setData?.pages.catalog ? kb(setData.pages.catalog.largestBytes) : 'not measured'],
  ];
  return [
    '## Mini program: lists and start',
    '',
    `After: ${load(r.miniprogram?.ran)}.`,
    ...(before ? [`Before: ${load(r.miniprogramBefore?.ran)}. The checkout of commit ${before.commit.slice(0, 7)}, measured with its own pages, page harness and project settings; packages split and the tree audited by today's rules.`] : []),
    '',
    `| figure | ${before ? 'before | ' : ''}after |`,
    `|---|${before ? '---|' : ''}---|`,
    ...rows.map(([figure, was, now]) => `| ${figure} | ${before ? `${was} | ` : ''}${now} |`),
    '',
  ];
}

function imagesSection(r: Results): string[] {
  const i = ok(r.images);
  if (!i) return [];
  const row = (name: string, x: ImagesRun) => `| ${name} | ${x.files} | ${x.covers} | ${(x.bytes / 1024).toFixed(1)} KB | ${(x.largestBytes / 1024).toFixed(1)} KB |`;
  return [
    '## Images for small screens',
    '',
    `${load(r.images?.ran)}. ${i.products} products whose covers are ${i.originalSide} × ${i.originalSide} px JPEGs (${(i.originalBytesMean / 1024 / 1024).toFixed(2)} MB on average), imported with \`npm run admin -- import\`; the catalog's first screen in the preview's Chromium (375 × 667 phone, a fresh window, \`<image lazy-load>\`), ${i.thumbs.cards} cards rendered, of which ${i.thumbs.cards - i.thumbs.covers} lie more than three screens below the first one and were not fetched. The same products without their thumbnails fetch ${i.ratio}× the bytes.`,
    '',
    '| cards show | files fetched | of them product covers | bytes | largest |',
    '|---|---|---|---|---|',
    row('thumbnails', i.thumbs),
    row('originals', i.full),
    '',
  ];
}

function catalogSection(r: Results): string[] {
  const c = ok(r.catalog);
  if (!c) return [];
  return [
    '## catalog.list at scale',
    '',
    `${load(r.catalog?.ran)}. ${c.products} products, ${c.callsPerMix} calls per mix, errors ${c.errors}.`,
    '',
    '| mix | indexed p50 / p99 | unindexed p50 / p99 | results differ |',
    '|---|---|---|---|',
    ...c.mixes.map((m) => `| ${m.mix} | ${m.indexed.p50} / ${m.indexed.p99} ms | ${m.scan.p50} / ${m.scan.p99} ms | ${m.mismatches} |`),
    '',
  ];
}

export function renderResultsMd(r: Results): string {
  return [
    '# Benchmark results',
    '',
    'Generated by `npx tsx bench/report.ts` from `bench/out/results.json`; do not edit by hand. Each section says when it ran and how loaded the machine was. The machine is shared: compare ratios measured in one run, not absolute times across runs.',
    '',
    '## Targets',
    '',
    formatTargets(r),
    '',
    ...hotSection(r),
    ...catalogSection(r),
    ...miniprogramSection(r),
    ...imagesSection(r),
    ...faultSections(r),
    r.failures.length ? `## Failures of the last run\n\n${r.failures.map((f) => `- ${f}`).join('\n')}\n` : '',
  ].join('\n');
}

if (require.main === module) {
  const r = JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as Results;
  fs.writeFileSync(RESULTS_MD, renderResultsMd(r));
  process.stdout.write(`wrote ${path.relative(REPO, RESULTS_MD)} from ${path.relative(REPO, RESULTS_JSON)}\n`);
}
