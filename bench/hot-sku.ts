/**
 * Hot-SKU checkout benchmark: N concurrent buyers (each a different OPENID, through the emulator's
 * invoke endpoint) call `orders.create` for ONE SKU whose stock is N/2, against the local cloud running
 * in a child process with the repo's built functions. In the same run and with the same shape (N
 * requests, N in flight), the local cloud's ceilings:
 *   - no-op: invoking a trivial function (`noop`), and a bare `db.collection().doc().get()` (wx-server-sdk);
 *   - a bare conditional update `where({_id, stock: _.gte(1)}).update({stock: _.inc(-1)})` on stock N/2;
 *   - a deliberately naive read-then-write checkout (get, check, `update({stock: read - 1})`, no transaction).
 * Oversold units are computed from the database: initial − final stock must equal the ordered quantity,
 * and the ordered quantity must not exceed the initial stock.
 *
 *   npx tsx bench/hot-sku.ts [--buyers 100,500] [--workers 8] [--json]
 */
import * as fs from 'node:fs';
import { argValue, runMain } from './lib/cli';
import {
  ADDRESS,
  Client,
  closedLoop,
  latencyStats,
  prepareFunctionsDir,
  productDoc,
  removeDir,
  round1,
  seedDocs,
  startChild,
  stockOf,
  type LatencyStats,
} from './lib/cloud';

export interface OpFigures {
  requests: number;
  wallMs: number;
  /** requests per second (all outcomes) */
  rps: number;
  latency: LatencyStats;
}

export interface HotSkuRound {
  buyers: number;
  initialStock: number;
  checkout: OpFigures & {
    ok: number;
    outOfStock: number;
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
  };
  noopInvoke: OpFigures;
  docGet: OpFigures;
  conditionalUpdate: OpFigures & { updated: number; finalStock: number; oversold: number };
  naive: OpFigures & { sold: number; finalStock: number; oversold: number };
  /** checkout req/s ÷ ceiling req/s (higher = closer to the ceiling) */
  ratios: { vsNoopInvoke: number; vsDocGet: number; vsConditionalUpdate: number; p50VsNoopInvoke: number };
}

export interface HotSkuResult {
  workersPerFunction: number;
  rounds: HotSkuRound[];
}

function figures(latencies: number[], wallMs: number): OpFigures {
  return { requests: latencies.length, wallMs: round1(wallMs), rps: round1((latencies.length / wallMs) * 1000), latency: latencyStats(latencies) };
}

export async function runHotSku(opts: { buyers?: number[]; workers?: number; log?: (s: string) => void } = {}): Promise<HotSkuResult> {
  const buyers = opts.buyers ?? [100, 500];
  const workers = opts.workers ?? 8;
  const log = opts.log ?? (() => undefined);
  const functionsDir = prepareFunctionsDir('hot');
  const emu = await startChild({ functionsDir, maxWorkersPerFunction: workers });
  const client = Client.of(emu);
  const db = client.db();
  const _ = db.command;
  const rounds: HotSkuRound[] = [];
  try {
    // Start every worker process before measuring (process start-up is not the checkout path).
    await Promise.all(Array.from({ length: workers * 2 }, (_x, i) => client.invoke('orders', { action: 'list' }, `oWARM_${i}`)));
    await Promise.all(Array.from({ length: workers * 2 }, () => client.invoke('noop', {})));
    await db.collection('products').doc('warm').set({ data: { stock: 1 } });

    for (const n of buyers) {
      const k = Math.floor(n / 2);
      log(`hot-sku: ${n} buyers on stock ${k}`);
      const pid = `hot-${n}`;
      await seedDocs(client, 'products', [productDoc(pid, [{ skuId: 'h', price: 990, stock: k }])]);

      // 1. Checkout through the orders function, every buyer a different OPENID.
      const run = await closedLoop(n, n, async (i) => {
        try {
          const r = await client.invoke(
            'orders',
            { action: 'create', requestId: `bench-${n}-${i}`, lines: [{ productId: pid, skuId: 'h', qty: 1 }], address: ADDRESS },
            `oBUYER_${n}_${i}`,
          );
          if (r.error) return `invoke:${r.error.code}`;
          return r.result?.ok ? 'OK' : String(r.result?.error?.code ?? 'UNKNOWN');
        } catch (e) {
          return `fetch:${(e as Error).message}`;
        }
      });
      const ok = run.results.filter((c) => c === 'OK').length;
      const outOfStock = run.results.filter((c) => c === 'OUT_OF_STOCK').length;
      const otherErrors: Record<string, number> = {};
      for (const c of run.results) if (c !== 'OK' && c !== 'OUT_OF_STOCK') otherErrors[c] = (otherErrors[c] ?? 0) + 1;
      const okLat = run.latencies.filter((_l, i) => run.results[i] === 'OK');
      const finalStock = stockOf(await client.getDoc('products', pid), 'h');
      const orders = await client.all('orders', { 'lines.0.productId': pid });
      const orderedQty = orders.reduce((s, o) => s + (o.lines as { qty: number }[]).reduce((a, l) => a + l.qty, 0), 0);
      const checkout = {
        ...figures(run.latencies, run.wallMs),
        ok,
        outOfStock,
        otherErrors,
        ordersPerSec: round1((ok / run.wallMs) * 1000),
        okLatency: latencyStats(okLat),
        finalStock,
        orderedQty,
        ordersInDb: orders.length,
        oversold: Math.max(0, orderedQty - k),
        stockDrift: k - finalStock - orderedQty,
      };

      // 2. Ceiling: a trivial function.
      const noop = await closedLoop(n, n, () => client.invoke('noop', {}));
      // 3. Ceiling: a bare document read through the SDK.
      const get = await closedLoop(n, n, () => db.collection('products').doc('warm').get());
      // 4. Ceiling: a bare conditional decrement on the same stock k.
      const cid = `cond-${n}`;
      await db.collection('products').doc(cid).set({ data: { stock: k } });
      const cond = await closedLoop(n, n, async () => {
        const r = await db.collection('products').where({ _id: cid, stock: _.gte(1) }).update({ data: { stock: _.inc(-1) } });
        return r.stats.updated as number;
      });
      const updated = cond.results.reduce((a, b) => a + b, 0);
      const condFinal = (await client.getDoc('products', cid)).stock as number;
      // 5. The naive read-then-write checkout (what NOT to do), same stock k.
      const nid = `naive-${n}`;
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
      const getF = figures(get.latencies, get.wallMs);
      const condF = figures(cond.latencies, cond.wallMs);
      rounds.push({
        buyers: n,
        initialStock: k,
        checkout,
        noopInvoke: noopF,
        docGet: getF,
        conditionalUpdate: { ...condF, updated, finalStock: condFinal, oversold: Math.max(0, updated - k) + Math.max(0, -condFinal) },
        naive: { ...figures(naive.latencies, naive.wallMs), sold, finalStock: naiveFinal, oversold: Math.max(0, sold - k) },
        ratios: {
          vsNoopInvoke: Math.round((checkout.rps / noopF.rps) * 1000) / 1000,
          vsDocGet: Math.round((checkout.rps / getF.rps) * 1000) / 1000,
          vsConditionalUpdate: Math.round((checkout.rps / condF.rps) * 1000) / 1000,
          p50VsNoopInvoke: round1(checkout.latency.p50 / noopF.latency.p50),
        },
      });
    }
  } finally {
    await emu.stop();
    removeDir(functionsDir);
  }
  return { workersPerFunction: workers, rounds };
}

export function formatHotSku(r: HotSkuResult): string {
  const lines: string[] = [];
  for (const x of r.rounds) {
    const c = x.checkout;
    lines.push(
      `Hot SKU: ${x.buyers} buyers, stock ${x.initialStock}, ${r.workersPerFunction} workers/function`,
      `  checkout (orders.create)   ${c.rps} req/s, ${c.ordersPerSec} orders/s, p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms (ok-only p50 ${c.okLatency.p50}, p99 ${c.okLatency.p99})`,
      `                             ok ${c.ok}, OUT_OF_STOCK ${c.outOfStock}, other ${JSON.stringify(c.otherErrors)}; orders in DB ${c.ordersInDb}, ordered ${c.orderedQty}, final stock ${c.finalStock}`,
      `                             OVERSOLD ${c.oversold}, stock drift ${c.stockDrift}`,
      `  ceiling: no-op invoke      ${x.noopInvoke.rps} req/s, p50 ${x.noopInvoke.latency.p50} ms, p99 ${x.noopInvoke.latency.p99} ms`,
      `  ceiling: doc().get()       ${x.docGet.rps} req/s, p50 ${x.docGet.latency.p50} ms, p99 ${x.docGet.latency.p99} ms`,
      `  ceiling: cond. update      ${x.conditionalUpdate.rps} req/s, p50 ${x.conditionalUpdate.latency.p50} ms, p99 ${x.conditionalUpdate.latency.p99} ms; updated ${x.conditionalUpdate.updated}/${x.initialStock}, oversold ${x.conditionalUpdate.oversold}`,
      `  naive read-then-write      ${x.naive.rps} req/s; "sold" ${x.naive.sold} of ${x.initialStock}, final stock ${x.naive.finalStock} → OVERSOLD ${x.naive.oversold}`,
      `  ratio checkout/ceiling     req/s vs no-op invoke ${x.ratios.vsNoopInvoke}, vs doc get ${x.ratios.vsDocGet}, vs cond. update ${x.ratios.vsConditionalUpdate}; p50 ${x.ratios.p50VsNoopInvoke}× no-op`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const buyers = argValue('buyers')?.split(',').map(Number) ?? [100, 500];
  const workers = argValue('workers') ? Number(argValue('workers')) : 8;
  const out = argValue('out');
  runMain(
    async () => {
      const r = await runHotSku({ buyers, workers, log: (s) => process.stderr.write(`${s}\n`) });
      if (out) fs.writeFileSync(out, JSON.stringify(r, null, 2));
      return r;
    },
    formatHotSku,
    { exitCode: (r) => (r.rounds.some((x) => x.checkout.oversold > 0 || x.checkout.stockDrift !== 0) ? 1 : 0) },
  );
}
