/**
 * Hot-SKU checkout benchmark: N concurrent buyers (each a different OPENID, through the emulator's
 * invoke endpoint) call `orders.create` for ONE SKU whose stock is N/2 (a product as the merchant's tools
 * create it: its stock ledger opened), against the local cloud running
 * in a child process with the repo's built functions (or `functionsFrom`, to measure another build).
 *
 * The ceiling is measured the same way in the same run: N invocations, N in flight, of a function
 * (`condupdate`) that makes one conditional update of the same SKU shape on the same stock N/2, through
 * the same number of function workers. Checkout and ceiling each get their own HTTP agent with as many
 * sockets as buyers. The ratio compares SUCCESSES per second: orders written against units taken, so
 * quick refusals of the sold-out half count for neither. A burst of N buyers is over in seconds and the
 * machine's load drifts between bursts, so each buyer count runs several trials (all lanes each time) and
 * reports the trial whose checkout ratio is the median, with every trial's ratio beside it.
 *
 * Also measured: a no-op invoke (the function hop alone), a deliberately naive read-then-write checkout
 * (what oversells), and the local cloud's transaction counters during the checkout (where the time
 * goes: aborted attempts, conflicts, outside writes waiting for a transaction). Oversold units and
 * ledger drift are computed from the database after the run.
 *
 *   npx tsx bench/hot-sku.ts [--buyers 100,500] [--workers 8] [--trials 3] [--functions-from DIR] [--json]
 */
import * as fs from 'node:fs';
import { argValue, runMain } from './lib/cli';
import { cpuMeter } from './lib/cpu';
import { ADDRESS, Client, closedLoop, Invoker, latencyStats, prepareFunctionsDir, productDoc, removeDir, round1, seedDocs, startChild, stockOf, type ChildCloud, type LatencyStats } from './lib/cloud';
import { heldOrderMoves } from '../server/stock-holds';

export interface OpFigures {
  requests: number;
  wallMs: number;
  /** requests per second (all outcomes) */
  rps: number;
  latency: LatencyStats;
}

/** The local cloud's transaction counters (GET /_emulator/v1/database/transactions), as deltas over one measurement. */
export interface TxCounters {
  committed: number;
  aborted: number;
  conflicts: number;
  outsideWaits: number;
  outsideTimeouts: number;
  /** database requests the local cloud served (every action, all callers) */
  dbRequests: number;
  /** the same, per action (database.getDocument, database.startTransaction, ...) */
  byAction: Record<string, number>;
}

export interface HotSkuRound {
  buyers: number;
  initialStock: number;
  checkout: OpFigures & {
    ok: number;
    outOfStock: number;
    /** every other outcome, by code: each one is a failed call */
    otherErrors: Record<string, number>;
    /** successful orders per second */
    ordersPerSec: number;
    okLatency: LatencyStats;
    finalStock: number;
    orderedQty: number;
    ordersInDb: number;
    /** max(0, ordered − initial) */
    oversold: number;
    /** initial − final − ordered: stock that moved without an order (or the reverse); must be 0 */
    stockDrift: number;
    /** SKU figures minus the sum of the product's stock moves (0 when every unit moved with its move) */
    ledger: { stockVsMoves: number; reservedVsMoves: number };
    tx: TxCounters;
    /** CPU ms per order written (all outcomes' CPU over the orders), of the local cloud's process and of its function workers */
    cpu?: CpuPerSuccess;
  };
  ceiling: LaneFigures;
  /**
   * The least a checkout priced on the server does and still survives being killed halfway, as one
   * function: read the product, the ceiling's conditional update recording a hold, the order written
   * (create-only), the hold dropped; no idempotency record, no stock ledger.
   */
  floor?: LaneFigures;
  /** The same with the checkout's own read (flash sales, settings, scan and the request's order joined to the product). */
  floorReads?: LaneFigures;
  noopInvoke: OpFigures & { errors: number };
  naive: OpFigures & { sold: number; finalStock: number; oversold: number };
  /** checkout orders/s ÷ ceiling successful updates/s; the floor's and the checkout's against each other; checkout p50 ÷ no-op p50 */
  ratios: HotSkuRatios;
  /**
   * Every trial at this buyer count, in the order run (one burst of N buyers is over in a few seconds, and
   * the machine's load drifts between bursts): its ratios and what failed in it. The round's other
   * figures are those of the trial whose ordersVsCeiling is the median.
   */
  trials?: { ratios: HotSkuRatios; failures: string[] }[];
}

export type HotSkuRatios = { ordersVsCeiling: number; floorVsCeiling?: number; ordersVsFloor?: number; floorReadsVsCeiling?: number; ordersVsFloorReads?: number; p50VsNoopInvoke: number };

type LaneRun = OpFigures & { updated: number; successPerSec: number; finalStock: number; oversold: number; otherErrors: Record<string, number>; tx: TxCounters; cpu: CpuPerSuccess };

/** A lane measured before and after the checkout: figures of the run after it; successPerSec and cpu are the means of both runs (`runs`). */
export type LaneFigures = Omit<LaneRun, 'cpu'> & { runs: number[]; cpu?: CpuPerSuccess };

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

export interface HotSkuResult {
  workersPerFunction: number;
  functions: string;
  /** target of ratios.ordersVsCeiling at the largest buyer count */
  target: number;
  rounds: HotSkuRound[];
}

export const HOT_SKU_TARGET = 0.5;

/** Trials at each buyer count; the round reports the median one. */
export const HOT_SKU_TRIALS = 3;

/** Calls per worker that warm each lane's function before the rounds (V8 compiles a function's hot code after some dozens of runs). */
const WARM_CALLS_PER_WORKER = 30;

/** CPU ms per success: the emulator process (database, invocations) and the function workers. */
export interface CpuPerSuccess {
  emulatorMs: number;
  workersMs: number;
}

const perSuccess = (cpu: { emulatorMs: number; workersMs: number }, successes: number): CpuPerSuccess =>
  successes ? { emulatorMs: round1(cpu.emulatorMs / successes), workersMs: round1(cpu.workersMs / successes) } : { emulatorMs: 0, workersMs: 0 };

function figures(latencies: number[], wallMs: number): OpFigures {
  return { requests: latencies.length, wallMs: round1(wallMs), rps: round1((latencies.length / wallMs) * 1000), latency: latencyStats(latencies) };
}

async function txCounters(client: Client): Promise<TxCounters> {
  const view = (await client.local('GET', '/database/transactions')).json as { stats: TxCounters; requests?: Record<string, number> };
  const s = view.stats;
  const byAction = { ...(view.requests ?? {}) };
  const dbRequests = Object.values(byAction).reduce((a, b) => a + b, 0);
  return { committed: s.committed, aborted: s.aborted, conflicts: s.conflicts, outsideWaits: s.outsideWaits, outsideTimeouts: s.outsideTimeouts, dbRequests, byAction };
}

const minus = (a: TxCounters, b: TxCounters): TxCounters => ({
  committed: a.committed - b.committed,
  aborted: a.aborted - b.aborted,
  conflicts: a.conflicts - b.conflicts,
  outsideWaits: a.outsideWaits - b.outsideWaits,
  outsideTimeouts: a.outsideTimeouts - b.outsideTimeouts,
  dbRequests: a.dbRequests - b.dbRequests,
  byAction: Object.fromEntries(Object.entries(a.byAction).map(([action, n]) => [action, n - (b.byAction[action] ?? 0)]).filter(([, n]) => n !== 0)),
});

/** Database requests per buyer by action, shortest names (`getDocument 3.1, ...`). */
const perBuyer = (tx: TxCounters, buyers: number) =>
  Object.entries(tx.byAction ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([action, n]) => `${action.replace(/^database\./, '')} ${round1(n / buyers)}`)
    .join(', ');

const tally = (codes: string[], expected: string[]) => {
  const out: Record<string, number> = {};
  for (const c of codes) if (!expected.includes(c)) out[c] = (out[c] ?? 0) + 1;
  return out;
};

/** The reply's outcome code: OK, the API error code, `invoke:<code>` for a failed invocation, or `transport:<message>`. */
async function outcome(call: () => Promise<{ result?: any; error?: { code: string } }>): Promise<string> {
  try {
    const r = await call();
    if (r.error) return `invoke:${r.error.code}`;
    if (r.result?.ok === true) return 'OK';
    return String(r.result?.error?.code ?? 'REFUSED');
  } catch (e) {
    return `transport:${(e as Error).message.slice(0, 80)}`;
  }
}

export async function runHotSku(opts: { buyers?: number[]; workers?: number; trials?: number; functionsFrom?: string; log?: (s: string) => void } = {}): Promise<HotSkuResult> {
  const buyers = opts.buyers ?? [100, 500];
  const workers = opts.workers ?? 8;
  const trials = opts.trials ?? HOT_SKU_TRIALS;
  const log = opts.log ?? (() => undefined);
  const functionsDir = prepareFunctionsDir('hot', {}, opts.functionsFrom);
  const emu = await startChild({ functionsDir, maxWorkersPerFunction: workers });
  const client = Client.of(emu);
  const rounds: HotSkuRound[] = [];
  try {
    // Before measuring, every lane's function does its own work WARM_CALLS_PER_WORKER times per worker on
    // a product of its own (half of the calls sold out, as in a round): its worker processes are started
    // and the code of a success and of a refusal compiled, in the functions and in the local cloud alike,
    // so no lane is measured while its code is still cold.
    const warmCalls = workers * WARM_CALLS_PER_WORKER;
    const warm = new Invoker(emu.url, workers * 2);
    const lanes: [string, (i: number) => Record<string, unknown>, string?][] = [
      ['noop', () => ({})],
      ['orders', (i) => ({ action: 'create', requestId: `warm-${i}`, lines: [{ productId: 'warm-orders', skuId: 'h', qty: 1 }], address: ADDRESS }), 'warm-orders'],
      ['condupdate', (i) => ({ productId: 'warm-condupdate', orderId: `warm-c-${i}`, address: ADDRESS }), 'warm-condupdate'],
      ['checkoutfloor', (i) => ({ productId: 'warm-floor', orderId: `warm-f-${i}`, address: ADDRESS, reads: 'product' }), 'warm-floor'],
      ['checkoutfloor', (i) => ({ productId: 'warm-floorreads', orderId: `warm-r-${i}`, address: ADDRESS, reads: 'checkout' }), 'warm-floorreads'],
    ];
    for (const [fn, event, productId] of lanes) {
      if (productId) await seedDocs(client, 'products', [productDoc(productId, [{ skuId: 'h', price: 990, stock: warmCalls / 2 }], { revision: 1, contentRevision: 1 })]);
      const codes = await closedLoop(warmCalls, workers * 2, (i) => outcome(() => warm.invoke(fn, event(i), `oWARM_${fn}_${i}`)));
      const failed = codes.results.filter((c) => c !== 'OK' && c !== 'OUT_OF_STOCK' && c !== 'REFUSED');
      if (failed.length) throw new Error(`warming ${fn} failed: ${failed[0]}`);
    }
    warm.close();

    for (const n of buyers) {
      const done: HotSkuRound[] = [];
      for (let t = 1; t <= trials; t += 1) done.push(await trial(emu, client, n, t, trials, log));
      rounds.push(medianTrial(done));
    }
  } finally {
    await emu.stop();
    removeDir(functionsDir);
  }
  return { workersPerFunction: workers, functions: opts.functionsFrom ?? 'cloudfunctions/', target: HOT_SKU_TARGET, rounds };
}

/** One trial at N buyers: the lanes before, the checkout, the lanes after, the no-op and the naive checkout. */
async function trial(emu: ChildCloud, client: Client, n: number, t: number, trials: number, log: (s: string) => void): Promise<HotSkuRound> {
  const k = Math.floor(n / 2);
  const db = client.db();
  log(`hot-sku: ${n} buyers on stock ${k}, trial ${t} of ${trials}`);
  const pid = `hot-${n}-${t}`;
  // As the merchant's tools create a product: the ledger opened (revision 1 and its opening move).
  await seedDocs(client, 'products', [productDoc(pid, [{ skuId: 'h', price: 990, stock: k }], { revision: 1, contentRevision: 1 })]);
  await seedDocs(client, 'stock_moves', [{ _id: `Mopen-${pid}`, productId: pid, reason: 'open', skus: [{ skuId: 'h', stock: k, reserved: 0, sold: 0 }], revision: 1, at: Date.now() }]);

  // 2. Ceiling: one conditional update per invocation, same stock, same workers, its own agent; and the
  //    floors (bench/lib/cloud.ts `checkoutfloor`: read, the same update recording a hold, the order,
  //    the hold dropped). Each is measured right before and right after the checkout (the machine's
  //    load drifts), and averaged.
  const laneRun = async (fn: 'condupdate' | 'checkoutfloor', tag: string, reads?: 'product' | 'checkout') => {
    const cid = `${fn}-${n}-${t}-${tag}`;
    await seedDocs(client, 'products', [productDoc(cid, [{ skuId: 'h', price: 990, stock: k }])]);
    const agent = new Invoker(emu.url, n);
    const before = await txCounters(client);
    const meter = cpuMeter(emu.child.pid as number);
    const run = await closedLoop(n, n, (i) => outcome(() => agent.invoke(fn, { productId: cid, orderId: `${cid}-${i}`, address: ADDRESS, reads }, `o${tag.toUpperCase()}_${n}_${t}_${i}`)));
    const cpu = meter.stop();
    const txDelta = minus(await txCounters(client), before);
    agent.close();
    const updated = run.results.filter((c) => c === 'OK').length;
    const final = stockOf(await client.getDoc('products', cid), 'h');
    return { ...figures(run.latencies, run.wallMs), updated, successPerSec: round1((updated / run.wallMs) * 1000), finalStock: final, oversold: Math.max(0, updated - k) + Math.max(0, -final), otherErrors: tally(run.results, ['OK', 'REFUSED']), tx: txDelta, cpu: perSuccess(cpu, updated) };
  };
  const bothRuns = (pre: LaneRun, post: LaneRun): LaneFigures => ({
    ...post,
    successPerSec: round1((pre.successPerSec + post.successPerSec) / 2),
    oversold: pre.oversold + post.oversold,
    otherErrors: { ...pre.otherErrors, ...post.otherErrors },
    runs: [pre.successPerSec, post.successPerSec],
    cpu: { emulatorMs: round1((pre.cpu.emulatorMs + post.cpu.emulatorMs) / 2), workersMs: round1((pre.cpu.workersMs + post.cpu.workersMs) / 2) },
  });
  const pre = await laneRun('condupdate', 'pre');
  const floorPre = await laneRun('checkoutfloor', 'floorpre', 'product');
  const floorReadsPre = await laneRun('checkoutfloor', 'readspre', 'checkout');
  // 1. Checkout through the orders function, every buyer a different OPENID.
  const buyersAgent = new Invoker(emu.url, n);
  const txBefore = await txCounters(client);
  const meter = cpuMeter(emu.child.pid as number);
  const run = await closedLoop(n, n, (i) =>
    outcome(() => buyersAgent.invoke('orders', { action: 'create', requestId: `bench-${n}-${t}-${i}`, lines: [{ productId: pid, skuId: 'h', qty: 1 }], address: ADDRESS }, `oBUYER_${n}_${t}_${i}`)),
  );
  const cpu = meter.stop();
  const tx = minus(await txCounters(client), txBefore);
  buyersAgent.close();
  const ok = run.results.filter((c) => c === 'OK').length;
  const outOfStock = run.results.filter((c) => c === 'OUT_OF_STOCK').length;
  const okLat = run.latencies.filter((_l, i) => run.results[i] === 'OK');
  const finalStock = stockOf(await client.getDoc('products', pid), 'h');
  const orders = await client.all('orders', { 'lines.0.productId': pid });
  const orderedQty = orders.reduce((s, o) => s + (o.lines as { qty: number }[]).reduce((a, l) => a + l.qty, 0), 0);
  const product = await client.getDoc('products', pid);
  // The ledger's moves: those written and those the orders by hold stand for (server/stock-holds.ts).
  const moves = [...(await client.all('stock_moves', { productId: pid })), ...orders.flatMap(heldOrderMoves)] as Record<string, unknown>[];
  const sum = (field: string) => moves.reduce((a, m) => a + Number((m.skus as Record<string, unknown>[]).find((x) => x.skuId === 'h')?.[field] ?? 0), 0);
  const sku = (product.skus as Record<string, number>[])[0];
  const checkout = {
    ...figures(run.latencies, run.wallMs),
    ok,
    outOfStock,
    otherErrors: tally(run.results, ['OK', 'OUT_OF_STOCK']),
    ordersPerSec: round1((ok / run.wallMs) * 1000),
    okLatency: latencyStats(okLat),
    finalStock,
    orderedQty,
    ordersInDb: orders.length,
    oversold: Math.max(0, orderedQty - k),
    stockDrift: k - finalStock - orderedQty,
    ledger: { stockVsMoves: sku.stock - sum('stock'), reservedVsMoves: (sku.reserved ?? 0) - sum('reserved') },
    tx,
    cpu: perSuccess(cpu, ok),
  };

  const floorReads = bothRuns(floorReadsPre, await laneRun('checkoutfloor', 'readspost', 'checkout'));
  const floor = bothRuns(floorPre, await laneRun('checkoutfloor', 'floorpost', 'product'));
  const ceiling = bothRuns(pre, await laneRun('condupdate', 'post'));
  const successPerSec = ceiling.successPerSec;
  // 3. The function hop alone.
  const noopAgent = new Invoker(emu.url, n);
  const noop = await closedLoop(n, n, () => outcome(() => noopAgent.invoke('noop', {})));
  noopAgent.close();
  // 4. The naive read-then-write checkout (what NOT to do), same stock k, through the SDK.
  const nid = `naive-${n}-${t}`;
  await db.collection('products').doc(nid).set({ data: { stock: k } });
  const naive = await closedLoop(n, n, async (): Promise<number> => {
    const { data } = await db.collection('products').doc(nid).get();
    if (!data || data.stock < 1) return 0;
    await db.collection('products').doc(nid).update({ data: { stock: data.stock - 1 } });
    return 1;
  });
  const sold = naive.results.reduce((a, b) => a + b, 0);
  const naiveFinal = (await client.getDoc('products', nid)).stock as number;

  const noopF = figures(noop.latencies, noop.wallMs);
  return {
    buyers: n,
    initialStock: k,
    checkout,
    ceiling,
    floor,
    floorReads,
    noopInvoke: { ...noopF, errors: noop.results.filter((c) => c !== 'OK').length },
    naive: { ...figures(naive.latencies, naive.wallMs), sold, finalStock: naiveFinal, oversold: Math.max(0, sold - k) },
    ratios: {
      ordersVsCeiling: ratio(checkout.ordersPerSec, successPerSec),
      floorVsCeiling: ratio(floor.successPerSec, successPerSec),
      ordersVsFloor: ratio(checkout.ordersPerSec, floor.successPerSec),
      floorReadsVsCeiling: ratio(floorReads.successPerSec, successPerSec),
      ordersVsFloorReads: ratio(checkout.ordersPerSec, floorReads.successPerSec),
      p50VsNoopInvoke: round1(checkout.latency.p50 / noopF.latency.p50),
    },
  };
}

/** The trial whose checkout ratio is the median, carrying every trial's ratios and failures. */
function medianTrial(done: HotSkuRound[]): HotSkuRound {
  const sorted = [...done].sort((a, b) => a.ratios.ordersVsCeiling - b.ratios.ordersVsCeiling);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, trials: done.map((x) => ({ ratios: x.ratios, failures: roundFailures(x) })) };
}

/** What makes a hot-SKU run fail, in any trial: oversold, drift, a ledger difference, or any failed call. */
export function hotSkuFailures(r: HotSkuResult): string[] {
  return r.rounds.flatMap((x) => (x.trials ? x.trials.flatMap((t) => t.failures) : roundFailures(x)));
}

function roundFailures(x: HotSkuRound): string[] {
  const f: string[] = [];
  const c = x.checkout;
  if (c.oversold || c.stockDrift) f.push(`hot SKU ${x.buyers}: oversold ${c.oversold}, stock drift ${c.stockDrift}`);
  if (c.ledger.stockVsMoves || c.ledger.reservedVsMoves) f.push(`hot SKU ${x.buyers}: ledger ${JSON.stringify(c.ledger)}`);
  if (Object.keys(c.otherErrors).length) f.push(`hot SKU ${x.buyers}: failed checkouts ${JSON.stringify(c.otherErrors)}`);
  if (c.ok !== x.initialStock) f.push(`hot SKU ${x.buyers}: ${c.ok} orders for stock ${x.initialStock}`);
  for (const [name, lane] of [['ceiling', x.ceiling], ['floor', x.floor], ['floor with the checkout read', x.floorReads]] as const) {
    if (lane && (lane.oversold || Object.keys(lane.otherErrors).length)) f.push(`hot SKU ${x.buyers} ${name}: oversold ${lane.oversold}, failed ${JSON.stringify(lane.otherErrors)}`);
  }
  if (x.noopInvoke.errors) f.push(`hot SKU ${x.buyers}: ${x.noopInvoke.errors} no-op invocations failed`);
  return f;
}

/** Each trial's checkout ratio, and the floor with the checkout's read against the ceiling when measured. */
export function trialText(trials: NonNullable<HotSkuRound['trials']>): string {
  return trials.map((t, i) => `${i + 1}: ${t.ratios.ordersVsCeiling}${t.ratios.floorReadsVsCeiling === undefined ? '' : ` (floor with the checkout's read ${t.ratios.floorReadsVsCeiling})`}`).join('; ');
}

export function formatHotSku(r: HotSkuResult): string {
  const lines: string[] = [];
  for (const x of r.rounds) {
    const c = x.checkout;
    lines.push(
      `Hot SKU: ${x.buyers} buyers, stock ${x.initialStock}, ${r.workersPerFunction} workers/function, functions ${r.functions}`,
      `  checkout (orders.create)   ${c.ordersPerSec} orders/s (${c.rps} req/s), p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms (ok-only p50 ${c.okLatency.p50}, p99 ${c.okLatency.p99})`,
      `                             ok ${c.ok}, OUT_OF_STOCK ${c.outOfStock}, failed ${JSON.stringify(c.otherErrors)}; orders in DB ${c.ordersInDb}, ordered ${c.orderedQty}, final stock ${c.finalStock}`,
      `                             OVERSOLD ${c.oversold}, stock drift ${c.stockDrift}; ledger ${JSON.stringify(c.ledger)}`,
      `                             transactions ${JSON.stringify({ ...c.tx, byAction: undefined })}; database requests per buyer ${round1(c.tx.dbRequests / x.buyers)} (ceiling: ${x.ceiling.tx ? round1(x.ceiling.tx.dbRequests / x.buyers) : 'n/a'} per call)`,
      `                             per buyer by action: ${perBuyer(c.tx, x.buyers)}`,
      `                             CPU per order written: local cloud ${c.cpu?.emulatorMs ?? '?'} ms, function workers ${c.cpu?.workersMs ?? '?'} ms (ceiling per update: ${x.ceiling.cpu?.emulatorMs ?? '?'} ms and ${x.ceiling.cpu?.workersMs ?? '?'} ms)`,
      `  ceiling: cond. update fn   ${x.ceiling.successPerSec} updates/s (mean of ${(x.ceiling.runs ?? []).join(' and ')} before and after the checkout; ${x.ceiling.rps} req/s), p50 ${x.ceiling.latency.p50} ms, p99 ${x.ceiling.latency.p99} ms; updated ${x.ceiling.updated}/${x.initialStock}, oversold ${x.ceiling.oversold}`,
      ...(x.floor
        ? [
            `  floor: read, hold, order, drop ${x.floor.successPerSec} orders/s (mean of ${x.floor.runs.join(' and ')}), p50 ${x.floor.latency.p50} ms; ${x.ratios.floorVsCeiling} of the ceiling; CPU per order ${x.floor.cpu?.emulatorMs ?? '?'} + ${x.floor.cpu?.workersMs ?? '?'} ms; oversold ${x.floor.oversold}`,
          ]
        : []),
      ...(x.floorReads
        ? [
            `  the same, checkout's read  ${x.floorReads.successPerSec} orders/s (mean of ${x.floorReads.runs.join(' and ')}), p50 ${x.floorReads.latency.p50} ms; ${x.ratios.floorReadsVsCeiling} of the ceiling; CPU per order ${x.floorReads.cpu?.emulatorMs ?? '?'} + ${x.floorReads.cpu?.workersMs ?? '?'} ms; oversold ${x.floorReads.oversold}`,
          ]
        : []),
      `  no-op invoke               ${x.noopInvoke.rps} req/s, p50 ${x.noopInvoke.latency.p50} ms, p99 ${x.noopInvoke.latency.p99} ms`,
      `  naive read-then-write      ${x.naive.rps} req/s; "sold" ${x.naive.sold} of ${x.initialStock}, final stock ${x.naive.finalStock} → OVERSOLD ${x.naive.oversold}`,
      `  orders/s ÷ ceiling updates/s ${x.ratios.ordersVsCeiling} (target ≥ ${r.target} at ${Math.max(...r.rounds.map((y) => y.buyers))} buyers)${x.floor ? `; ÷ floor ${x.ratios.ordersVsFloor}` : ''}${x.floorReads ? `, ÷ floor with the checkout's read ${x.ratios.ordersVsFloorReads}` : ''}; checkout p50 ${x.ratios.p50VsNoopInvoke}× no-op`,
      ...(x.trials && x.trials.length > 1 ? [`  trials (the figures above are the median one's): ${trialText(x.trials)}`] : []),
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const buyers = argValue('buyers')?.split(',').map(Number) ?? [100, 500];
  const workers = argValue('workers') ? Number(argValue('workers')) : 8;
  const out = argValue('out');
  const functionsFrom = argValue('functions-from');
  const trials = argValue('trials') ? Number(argValue('trials')) : undefined;
  runMain(
    async () => {
      const r = await runHotSku({ buyers, workers, trials, functionsFrom, log: (s) => process.stderr.write(`${s}\n`) });
      if (out) fs.writeFileSync(out, JSON.stringify(r, null, 2));
      return r;
    },
    formatHotSku,
    { exitCode: (r) => (hotSkuFailures(r).length ? 1 : 0) },
  );
}
