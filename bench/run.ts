/**
 * `npm run bench`: builds the functions, runs every benchmark and fault test, prints one table and
 * writes bench/out/results.json. Exits 1 if any run oversold, lost an acknowledged order or payment,
 * or broke the stock invariant.
 *
 *   npm run bench [-- --only hot,catalog,mp,kill9,timeout,model,model-repeat,preview,images] [-- --model-steps 2000]
 *     [-- --repeat-steps 200] [-- --hot-before DIR]   (DIR: an earlier build of cloudfunctions/, measured in the same run)
 *     [-- --mp-before DIR]   (DIR: an earlier checkout of this repository: its main package and scrolled catalog, same run)
 * Also writes bench/RESULTS.md from the JSON (bench/report.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OUT_DIR, REPO } from './lib/cloud';
import { formatHotSku, hotSkuFailures, runHotSku, trialText } from './hot-sku';
import { formatCatalog, runCatalog } from './catalog';
import { formatMiniprogram, type MiniprogramBefore, type MiniprogramResult } from './miniprogram';
import { kill9Failures, runKill9 } from './faults/kill9';
import { runTimeout } from './faults/timeout';
import { runModel } from './faults/model';
import { Client, startChild } from './lib/cloud';
import { localFunctionEnv } from '../admin/merchant-key';
import { formatPreviewScroll, runPreviewScroll } from './preview-scroll';
import { formatImages, runImages } from './images';
import { formatTargets, isErr, renderResultsMd, RESULTS_JSON, type ModelRepeat, type Results, type RunMeta } from './report';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg('only')?.split(',');
const want = (k: string) => !only || only.includes(k);
const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function machine(): Results['machine'] {
  let memGiB = `${Math.round(os.totalmem() / 2 ** 30)} GiB total`;
  try {
    memGiB = execFileSync('free', ['-g'], { encoding: 'utf8' }).trim().split('\n')[1].replace(/\s+/g, ' ');
  } catch {
    /* no free(1) */
  }
  return {
    date: new Date().toISOString(),
    nproc: os.cpus().length,
    memGiB,
    node: process.version,
    loadavgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    cpu: os.cpus()[0]?.model ?? 'unknown',
  };
}

const loadNow = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Runs one part, recording when it ran and the machine's load at its start and end. */
async function section<T extends object>(name: string, f: () => Promise<T>): Promise<(T | { error: string }) & { ran: RunMeta }> {
  const t = Date.now();
  const meta = { date: new Date().toISOString(), cores: os.cpus().length, loadavgAtStart: loadNow(), command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };
  log(`${name}… (load average ${meta.loadavgAtStart.join(' ')})`);
  try {
    const r = await f();
    log(`${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return { ...r, ran: { ...meta, loadavgAtEnd: loadNow() } };
  } catch (e) {
    log(`${name} FAILED: ${(e as Error)?.stack ?? String(e)}`);
    return { error: String((e as Error)?.message ?? e).slice(0, 300), ran: { ...meta, loadavgAtEnd: loadNow() } };
  }
}

/** What two walks of one seed must share if the walk is deterministic. */
function compareWalks(a: Awaited<ReturnType<typeof runModel>>, b: Awaited<ReturnType<typeof runModel>>): string[] {
  const d: string[] = [];
  const keys = (x: Record<string, number>, y: Record<string, number>) => [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  for (const k of keys(a.ops, b.ops)) if ((a.ops[k] ?? 0) !== (b.ops[k] ?? 0)) d.push(`ops.${k} ${a.ops[k] ?? 0} vs ${b.ops[k] ?? 0}`);
  for (const k of keys(a.byStatus, b.byStatus)) if ((a.byStatus[k] ?? 0) !== (b.byStatus[k] ?? 0)) d.push(`orders ${k} ${a.byStatus[k] ?? 0} vs ${b.byStatus[k] ?? 0}`);
  if (a.orders !== b.orders) d.push(`orders ${a.orders} vs ${b.orders}`);
  return d;
}

/** bench/miniprogram.ts in a child process (the page harness installs jsdom globals and miniprogram-ci leaves a worker behind): its JSON after `prefix`. */
function miniprogramChild<T>(args: string[] = [], prefix = 'MINIPROGRAM'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', 'miniprogram.ts'), ...args, '--json'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 6 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      const line = out.split('\n').find((l) => l.startsWith(`${prefix} `));
      if (line) resolve(JSON.parse(line.slice(prefix.length + 1)) as T);
      else reject(new Error(`bench/miniprogram.ts exited ${code}: ${out.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`));
    });
  });
}

const na = (reason: string) => `n/a (${reason})`;

function table(r: Results): string {
  const rows: [string, string][] = [];
  const add = (k: string, v: string) => rows.push([k, v]);
  if (r.hotSku) {
    if (isErr(r.hotSku)) add('hot SKU', na(r.hotSku.error));
    else
      for (const x of r.hotSku.rounds) {
        const c = x.checkout;
        add(`hot SKU ${x.buyers} buyers: checkout`, `${c.ordersPerSec} orders/s (${c.rps} req/s), p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms; ok ${c.ok}/${x.initialStock} stock, failed ${JSON.stringify(c.otherErrors)}`);
        add(`hot SKU ${x.buyers} buyers: OVERSOLD`, `${c.oversold} (stock drift ${c.stockDrift}; ledger ${JSON.stringify(c.ledger)})`);
        add(`  ceiling: conditional update fn`, `${x.ceiling.successPerSec} updates/s, p50 ${x.ceiling.latency.p50} ms, p99 ${x.ceiling.latency.p99} ms (oversold ${x.ceiling.oversold})`);
        add(`  orders/s ÷ ceiling updates/s`, `${x.ratios.ordersVsCeiling} (target ≥ ${r.hotSku.target})${x.trials && x.trials.length > 1 ? `; trials ${trialText(x.trials)}` : ''}`);
        add(`  no-op invoke`, `${x.noopInvoke.rps} req/s, p50 ${x.noopInvoke.latency.p50} ms; checkout p50 ${x.ratios.p50VsNoopInvoke}× no-op`);
        add(`  transactions during checkout`, JSON.stringify(c.tx));
        add(`  naive read-then-write`, `OVERSOLD ${x.naive.oversold} units ("sold" ${x.naive.sold} of ${x.initialStock}, final stock ${x.naive.finalStock}), ${x.naive.rps} req/s`);
      }
  }
  if (r.catalog) {
    if (isErr(r.catalog)) add('catalog.list', na(r.catalog.error));
    else
      for (const m of r.catalog.mixes)
        add(`catalog.list ${r.catalog.products}: ${m.mix}`, `indexed p50 ${m.indexed.p50} / p99 ${m.indexed.p99} ms; no indexes p50 ${m.scan.p50} / p99 ${m.scan.p99} ms (${m.speedupP50}×); mismatches ${m.mismatches}`);
    if (!isErr(r.catalog)) {
      const s = r.catalog.search;
      add(`catalog.list ${r.catalog.products}: keyword search`, `p99 ${s.keywordP99} ms (target ≤ ${s.targets.keywordP99Ms}); ${s.ratio}× the no-keyword p99 ${s.noKeywordP99} ms (target ≤ ${s.targets.vsNoKeywordP99}×): ${s.met ? 'met' : 'NOT MET'}`);
    }
  }
  if (r.miniprogram) {
    if (isErr(r.miniprogram)) add('mini program', na(r.miniprogram.error));
    else {
      const mp = r.miniprogram;
      add('main package', mp.mainPackage.ok ? `${(mp.mainPackage.value.bytes / 1024).toFixed(1)} KB (${mp.mainPackage.value.files} files, ${mp.mainPackage.value.source})` : na(mp.mainPackage.reason));
      if (mp.setData.ok)
        for (const [page, p] of Object.entries(mp.setData.value.pages))
          add(`setData ${page}${page === 'catalog' ? ` (scroll to ${mp.setData.value.catalogProducts})` : ''}`, `largest ${(p.largestBytes / 1024).toFixed(1)} KB, mean ${(p.meanBytes / 1024).toFixed(2)} KB (${p.calls} calls)`);
      else add('setData', na(mp.setData.reason));
      add('simulator tap', mp.tap.ok ? `median ${mp.tap.value.tapMedianMs} ms per tap (${mp.tap.value.runs} runs, fixture app)` : na(mp.tap.reason));
      add(
        'QR-to-order journey',
        mp.journey.ok
          ? `${mp.journey.value.totalMs} ms scan → paid (${mp.journey.value.taps} taps), order ${mp.journey.value.orderStatus}`
          : na(mp.journey.reason),
      );
    }
  }
  if (r.kill9) {
    if (isErr(r.kill9)) add('kill -9', na(r.kill9.error));
    else {
      const k = r.kill9;
      add('kill -9 mid-checkout', `${k.acknowledgedOrders} acked orders, ${k.acknowledgedPayments} acked payments (target > 0), ${k.inFlightAtKill} in flight (target > 0); restart ${k.restartMs} ms`);
      add('  failed calls before the kill', `${JSON.stringify(k.errorsBeforeKill)} (target {})`);
      add('  LOST acknowledged orders', `${k.lostAcknowledgedOrders} (payments lost ${k.lostAcknowledgedPayments}, orders no retry can be answered from ${k.missingIdempotencyRecords})`);
      add('  stock + sold = initial', k.stockViolations.length ? `VIOLATED: ${k.stockViolations.join('; ')}` : 'holds for every SKU');
      add('  retry in-flight (same requestId)', `${JSON.stringify(k.retryOutcomes)}, duplicates ${k.duplicateOrdersAfterRetry}, invariant ${k.stockViolationsAfterRetry.length ? 'VIOLATED' : 'holds'}; holds without an order ${k.orphanHolds} at the restart, ${k.orphanHoldsAfterRetry} after`);
    }
  }
  if (r.timeout) {
    if (isErr(r.timeout)) add('function timeout', na(r.timeout.error));
    else {
      const t = r.timeout;
      add('function timeout mid-order', `${t.attempts} checkouts killed at ${t.timeoutsMs[0]}…${t.timeoutsMs[t.timeoutsMs.length - 1]} ms (a checkout ~${t.checkoutMs} ms): ${JSON.stringify(t.outcomes)}`);
      add('  half orders', t.halfOrders.length ? `FOUND: ${t.halfOrders.join('; ')}` : `0 (duplicates ${t.duplicateOrders})`);
      if (t.firstRetry) add('  immediate retry', `${JSON.stringify(t.firstRetry.outcomes)}, p50 ${t.firstRetry.latency.p50} ms, max ${t.firstRetry.latency.max} ms (locks of killed transactions)`);
      if (t.finalRetry) add('  retry after 30 s lifetime', `${JSON.stringify(t.finalRetry.outcomes)}; violations ${t.violationsAfterRetry?.length ?? 0}`);
    }
  }
  if (r.model) {
    if (isErr(r.model)) add('model-based test', na(r.model.error));
    else {
      const m = r.model;
      add('model-based random walk', `${m.steps} steps (seed ${m.seed}) in ${(m.ms / 1000).toFixed(1)} s, ${m.invariantChecks} invariant checks, ${m.orders} orders ${JSON.stringify(m.byStatus)}`);
      add('  ops', JSON.stringify(m.ops));
      add('  violations', m.violations.length ? m.violations.join('; ') : '0');
      add(
        '  payments taken after expiry',
        m.lateAccepted.length === 0
          ? '0 (every expired/cancelled order had its prepay closed)'
          : `${m.lateAccepted.length} (sandbox accepted a confirm for an already expired/cancelled order: its prepay was not closed; the callback refunded, order unchanged)`,
      );
      const money = m.money;
      add(
        '  money at WeChat (end)',
        `${money.paidAtWechat} orders paid at WeChat; ${money.refundedClosed} of them cancelled/expired and refunded in full; ${money.refundsAtWechat} refunds executed for ${money.refundedRecords} refunded payment records and ${m.afterSales.refunded ?? 0} refunded after-sales requests; ${money.owedOpen} owed refunds open (payments WeChat has no record of); ${money.cancelFoundPaid} cancels found the order paid`,
      );
      add('  after-sales requests (final status)', `${JSON.stringify(m.afterSales)}; moves ${JSON.stringify(m.afterSaleMoves)}`);
      add(
        '  merchant actions',
        `${m.merchant.adjusted} stock adjustments applied (net ${m.merchant.adjustedUnits} units), ${m.merchant.adjustRefused} refused (below 0); ${m.merchant.cancelled} unpaid orders cancelled; ${m.merchant.shipped} shipped`,
      );
      add('  ledger check (end)', `${m.ledger.checkedSkus} SKUs checked, ${m.ledger.problems} mismatches, ${m.ledger.unopened} products unopened`);
    }
  }
  if (r.previewScroll) {
    if (isErr(r.previewScroll)) add('preview scroll', na(r.previewScroll.error));
    else for (const [k, v] of formatPreviewScroll(r.previewScroll)) add(k, v);
  }
  if (r.images) {
    if (isErr(r.images)) add('images', na(r.images.error));
    else for (const [k, v] of formatImages(r.images)) add(k, v);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  return [`| ${'figure'.padEnd(w)} | value`, `|${'-'.repeat(w + 2)}|------`, ...rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v}`)].join('\n');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  // Parts not run this time keep their last figures (each says when it ran).
  const previous: Partial<Results> = fs.existsSync(RESULTS_JSON) ? (JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as Partial<Results>) : {};
  const results: Results = { ...previous, machine: machine(), failures: [] };
  log(`machine: ${JSON.stringify(results.machine)}`);
  log('npm run build (functions)');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-functions.ts'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });

  // Latencies first, before the load of the other parts: run right after the hot-SKU rounds, the
  // catalog's tail was measurably slower than on its own.
  if (want('catalog')) results.catalog = await section('catalog', () => runCatalog({ products: 10_000, calls: 100, log }));
  const before = arg('hot-before');
  if (want('hot') && before) results.hotSkuBefore = await section('hot SKU (earlier build)', () => runHotSku({ buyers: [100, 500], functionsFrom: before, log }));
  if (want('hot')) results.hotSku = await section('hot SKU', () => runHotSku({ buyers: [100, 500], log }));
  const mpBefore = arg('mp-before');
  if (want('mp') && mpBefore) results.miniprogramBefore = await section('mini program (earlier checkout)', () => miniprogramChild<MiniprogramBefore>(['--before', mpBefore], 'MINIPROGRAM_BEFORE'));
  if (want('mp')) results.miniprogram = await section('mini program', () => miniprogramChild<MiniprogramResult>());
  if (want('kill9')) results.kill9 = await section('kill -9', () => runKill9({ lanes: 50, killAfter: 150, seed: 11, log }));
  if (want('timeout')) results.timeout = await section('function timeout', () => runTimeout({ attempts: 40, workers: 4, retry: true, log }));
  const walk = async (steps: number) => {
    const emu = await startChild({ functionEnv: localFunctionEnv() });
    try {
      return await runModel(Client.of(emu), { steps, seed: 20261125, fullEvery: 250, log });
    } finally {
      await emu.stop();
    }
  };
  if (want('model')) results.model = await section('model-based walk', () => walk(Number(arg('model-steps') ?? 2000)));
  if (want('model-repeat')) {
    // Is the walk deterministic for a seed? Two walks of the same seed, compared.
    const steps = Number(arg('repeat-steps') ?? 200);
    results.modelRepeat = await section('model walk twice, one seed', async (): Promise<ModelRepeat> => {
      const a = await walk(steps);
      const b = await walk(steps);
      const differences = compareWalks(a, b);
      return { seed: a.seed, steps, same: differences.length === 0, differences };
    });
  }

  // Chromium scrolling the browser preview far (a browser scroll check kept out of `npm test`).
  if (want('preview')) results.previewScroll = await section('preview scroll', () => runPreviewScroll({ log }));
  // Image bytes of the catalog's first screen with large photos, thumbnails against originals.
  if (want('images')) results.images = await section('images', () => runImages({ log }));

  const f = results.failures;
  if (results.hotSku && !isErr(results.hotSku)) f.push(...hotSkuFailures(results.hotSku));
  if (results.catalog && !isErr(results.catalog) && results.catalog.mixes.some((m) => m.mismatches)) f.push('catalog: indexed and unindexed results differ');
  if (results.catalog && !isErr(results.catalog) && results.catalog.errors) f.push(`catalog: ${results.catalog.errors} calls failed`);
  if (results.kill9 && !isErr(results.kill9)) f.push(...kill9Failures(results.kill9));
  if (results.timeout && !isErr(results.timeout) && (results.timeout.halfOrders.length || results.timeout.duplicateOrders || results.timeout.violationsAfterRetry?.length))
    f.push(`timeout: ${results.timeout.halfOrders.length} half orders, ${results.timeout.violationsAfterRetry?.length ?? 0} violations after retry`);
  if (results.model && !isErr(results.model) && results.model.violations.length) f.push(`model: ${results.model.violations[0]}`);
  if (results.previewScroll && !isErr(results.previewScroll))
    for (const x of results.previewScroll.runs) if (x.failures.length) f.push(`preview scroll ${x.viewport}: ${x.failures.join('; ')}`);
  if (results.images && !isErr(results.images) && !results.images.met) f.push(`images: ${formatImages(results.images)[0][1]}`);
  for (const [k, v] of Object.entries(results)) if (isErr(v)) f.push(`${k} did not complete: ${v.error}`);

  results.totalMs = Date.now() - t0;
  results.machine.loadavgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(REPO, 'bench', 'RESULTS.md'), renderResultsMd(results));

  const m = results.machine;
  process.stdout.write(
    [
      `Benchmarks ${m.date} — ${m.nproc} CPUs (${m.cpu}), mem ${m.memGiB}, node ${m.node}, load avg at start ${m.loadavgAtStart.join(' ')}, at end ${(m.loadavgAtEnd ?? []).join(' ')}`,
      'Shared, loaded machine: compare the ratios within one run, not absolute times across runs.',
      '',
      table(results),
      '',
      'Targets:',
      formatTargets(results),
      '',
      results.hotSku && !isErr(results.hotSku) ? formatHotSku(results.hotSku) : '',
      results.catalog && !isErr(results.catalog) ? formatCatalog(results.catalog) : '',
      results.miniprogram && !isErr(results.miniprogram) ? formatMiniprogram(results.miniprogram) : '',
      '',
      `total ${(results.totalMs / 1000).toFixed(1)} s; JSON: bench/out/results.json`,
      f.length ? `FAILURES:\n  - ${f.join('\n  - ')}` : 'Oversold 0, lost acknowledged orders 0, stock invariant held in every run.',
      '',
    ].join('\n'),
  );
  process.exit(f.length ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(2);
});
