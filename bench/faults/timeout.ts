/**
 * Fault: the `orders` function times out in the middle of a checkout; nothing half-done may remain.
 *
 * The emulator reads a function's `config.json` timeout on every invocation and kills the worker
 * process when it expires (emulator/functions/pool.ts: SIGKILL, like SCF). We run the built functions
 * from a per-run copy (bench/lib/cloud.ts prepareFunctionsDir) and rewrite `orders/config.json` between
 * calls: a normal timeout to warm the workers, then a timeout of a fraction (5 % … 200 %) of a measured
 * checkout's duration, so that the kill lands before, inside and after the stock transaction.
 * Every attempt uses its own product, so a killed transaction's lock (held until the transaction's 30 s
 * lifetime ends) cannot stall the next attempt.
 *
 * Then, from the database: for every product, stock + ordered qty = initial and `sales` = ordered qty;
 * every order has what answers its retry (its request's fingerprint, or an idempotency record) and every
 * record its order; at most one order per requestId.
 * With `retry`, every timed-out checkout is retried with the same requestId at the normal timeout (as a
 * client would): the first retry shows how long a product stays locked by a killed transaction, and
 * after the lifetime has passed every retry must succeed with exactly one order per requestId.
 */
import { ADDRESS, Client, latencyStats, prepareFunctionsDir, productDoc, removeDir, seedDocs, setFunctionTimeout, sleep, startChild, stockOf, type LatencyStats } from '../lib/cloud';

export interface TimeoutOptions {
  attempts: number;
  workers?: number;
  retry?: boolean;
  log?: (s: string) => void;
}

export interface TimeoutResult {
  attempts: number;
  checkoutMs: number;
  timeoutsMs: number[];
  /** per attempt: finished | timed out (order committed) | timed out (nothing written) | other */
  outcomes: Record<string, number>;
  halfOrders: string[];
  duplicateOrders: number;
  firstRetry?: { outcomes: Record<string, number>; latency: LatencyStats };
  finalRetry?: { outcomes: Record<string, number> };
  violationsAfterRetry?: string[];
}

interface Attempt {
  productId: string;
  owner: string;
  requestId: string;
  qty: number;
  timeoutMs: number;
  outcome?: string;
}

async function audit(client: Client, attempts: Attempt[], initial: number): Promise<{ problems: string[]; orders: any[]; duplicates: number }> {
  const problems: string[] = [];
  const orders = (await client.all('orders')).filter((o) => String(o.requestId ?? '').startsWith('to-'));
  const idem = new Map((await client.all('idempotency')).filter((d) => String(d.requestId ?? '').startsWith('to-')).map((d) => [d._id as string, d]));
  const byProduct = new Map<string, number>();
  for (const o of orders) {
    if (!idem.has(o._id) && typeof o.requestFingerprint !== 'string') problems.push(`order ${o._id} (${o.requestId}) has neither its request's fingerprint nor an idempotency record`);
    for (const l of o.lines as { productId: string; qty: number }[]) byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + l.qty);
  }
  const orderIds = new Set(orders.map((o) => o._id as string));
  for (const [id, rec] of idem) if (!orderIds.has(id)) problems.push(`idempotency record ${id} (${rec.requestId}) has no order`);
  for (const a of attempts) {
    const p = await client.getDoc('products', a.productId);
    const ordered = byProduct.get(a.productId) ?? 0;
    // A checkout killed between its hold and its order leaves the hold (the orders timer gives it back
    // once its lease is over; a retry writes the order on it): its units are held, not lost.
    const held = ((p.holds ?? []) as { o: string; skus: { qty: number }[] }[]).filter((h) => !orderIds.has(h.o)).reduce((n, h) => n + h.skus.reduce((m, x) => m + x.qty, 0), 0);
    const stock = stockOf(p, 's');
    if (stock + ordered + held !== initial) problems.push(`${a.productId}: stock ${stock} + ordered ${ordered} + held without an order ${held} ≠ initial ${initial}`);
    if (p.sales !== ordered + held) problems.push(`${a.productId}: sales ${p.sales} ≠ ordered ${ordered} + held ${held}`);
  }
  const per = new Map<string, number>();
  for (const o of orders) per.set(`${o._openid}|${o.requestId}`, (per.get(`${o._openid}|${o.requestId}`) ?? 0) + 1);
  return { problems, orders, duplicates: [...per.values()].filter((n) => n > 1).length };
}

export async function runTimeout(opts: TimeoutOptions): Promise<TimeoutResult> {
  const log = opts.log ?? (() => undefined);
  const workers = opts.workers ?? 4;
  const functionsDir = prepareFunctionsDir('timeout');
  const emu = await startChild({ functionsDir, maxWorkersPerFunction: workers });
  const client = Client.of(emu);
  const INITIAL = 10;
  try {
    const attempts: Attempt[] = Array.from({ length: opts.attempts }, (_, i) => ({ productId: `to-p${i}`, owner: `oTO_${i}`, requestId: `to-${i}`, qty: 1 + (i % 3), timeoutMs: 0 }));
    // Every other product as the merchant's tools create it (ledger opened: the checkout holds its units
    // without a transaction), the rest as written before the ledger (the checkout's transaction opens it).
    const opened = (i: number) => (i % 2 === 0 ? { revision: 1, contentRevision: 1 } : {});
    await seedDocs(client, 'products', [...attempts.map((a, i) => productDoc(a.productId, [{ skuId: 's', price: 1000, stock: INITIAL }], opened(i))), productDoc('to-cal', [{ skuId: 's', price: 1000, stock: 1000 }])]);

    // Calibrate: how long a warm checkout takes inside the function (the emulator's own log).
    const warm = () => Promise.all(Array.from({ length: workers }, (_, i) => client.invoke('orders', { action: 'list' }, `oTOWARM_${i}`)));
    await warm();
    for (let i = 0; i < 5; i += 1) await client.invoke('orders', { action: 'create', requestId: `cal-${i}`, lines: [{ productId: 'to-cal', skuId: 's', qty: 1 }], address: ADDRESS }, 'oTOCAL');
    const logs = (await client.local('GET', '/logs?function=orders&limit=5')).json.logs as { durationMs: number }[];
    const durations = logs.map((l) => l.durationMs).sort((a, b) => a - b);
    const checkoutMs = Math.max(5, durations[Math.floor(durations.length / 2)]);
    log(`timeout: a warm checkout takes ~${checkoutMs} ms in the function; sweeping ${opts.attempts} timeouts`);

    for (let i = 0; i < attempts.length; i += 1) {
      const a = attempts[i];
      if (i % workers === 0) {
        setFunctionTimeout(functionsDir, 'orders', 30);
        await warm(); // replaces the workers the previous timeouts killed
      }
      const fraction = 0.05 + (1.95 * i) / Math.max(1, attempts.length - 1);
      a.timeoutMs = Math.max(1, Math.round(fraction * checkoutMs));
      setFunctionTimeout(functionsDir, 'orders', a.timeoutMs / 1000);
      const r = await client.invoke('orders', { action: 'create', requestId: a.requestId, lines: [{ productId: a.productId, skuId: 's', qty: a.qty }], address: ADDRESS }, a.owner);
      if (r.result?.ok) a.outcome = 'finished';
      else if (r.error && /timed out/.test(r.error.message)) a.outcome = 'timed out';
      else a.outcome = `other:${r.error?.code ?? r.result?.error?.code}`;
    }
    setFunctionTimeout(functionsDir, 'orders', 30);
    await sleep(1000); // a killed worker's last request (e.g. its commit) may still be in the emulator

    const first = await audit(client, attempts, INITIAL);
    const committed = new Set(first.orders.map((o) => o.requestId as string));
    const outcomes: Record<string, number> = {};
    for (const a of attempts) {
      const k = a.outcome === 'timed out' ? (committed.has(a.requestId) ? 'timed out, order committed' : 'timed out, nothing written') : a.outcome!;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    const result: TimeoutResult = {
      attempts: attempts.length,
      checkoutMs,
      timeoutsMs: attempts.map((a) => a.timeoutMs),
      outcomes,
      halfOrders: first.problems,
      duplicateOrders: first.duplicates,
    };

    if (opts.retry) {
      const timedOut = attempts.filter((a) => a.outcome !== 'finished');
      const sweepEnd = Date.now();
      const retryAll = async (list: Attempt[]) => {
        const out: Record<string, number> = {};
        const lat: number[] = [];
        const failed: Attempt[] = [];
        await Promise.all(
          list.map(async (a) => {
            const t = Date.now();
            const r = await client.invoke('orders', { action: 'create', requestId: a.requestId, lines: [{ productId: a.productId, skuId: 's', qty: a.qty }], address: ADDRESS }, a.owner);
            lat.push(Date.now() - t);
            const code = r.error ? `invoke:${r.error.code}` : r.result?.ok ? 'OK' : String(r.result?.error?.code);
            out[code] = (out[code] ?? 0) + 1;
            if (code !== 'OK') failed.push(a);
          }),
        );
        return { out, lat, failed };
      };
      const r1 = await retryAll(timedOut);
      result.firstRetry = { outcomes: r1.out, latency: latencyStats(r1.lat) };
      // Locks of killed transactions are gone once the transaction lifetime (30 s) has passed.
      if (r1.failed.length) await sleep(Math.max(0, sweepEnd + 31_000 - Date.now()));
      const r2 = r1.failed.length ? await retryAll(r1.failed) : { out: {} as Record<string, number> };
      result.finalRetry = { outcomes: r2.out };
      const final = await audit(client, attempts, INITIAL);
      const per = new Set(final.orders.map((o) => o.requestId as string));
      const missing = timedOut.filter((a) => !per.has(a.requestId)).map((a) => `retried ${a.requestId} has no order`);
      result.violationsAfterRetry = [...final.problems, ...missing, ...(final.duplicates ? [`${final.duplicates} requestIds with several orders`] : [])];
    }
    return result;
  } finally {
    await emu.stop();
    removeDir(functionsDir);
  }
}
