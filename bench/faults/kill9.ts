/**
 * Fault: kill -9 the local cloud in the middle of a checkout load, restart it on the same data dir.
 *
 * The cloud runs as a child process through the official CLI (`emulator/cli.ts --port P --data D
 * --no-timers --quiet`, functions from the repo's built cloudfunctions/). `lanes` concurrent buyers
 * loop: create an order (1-2 lines over `products` hot products, qty 1-3, every buyer its own OPENID and
 * requestIds), and for some of them pay it (orders.pay + the pay sandbox's confirm). When `killAfter`
 * orders have been acknowledged to a client, the process gets SIGKILL while everything else is in flight.
 *
 * After the restart on the same --data (same port):
 *   - every order acknowledged to a client ({ok: true}) is there, with its lines and what answers its retry
 *     (the request's fingerprint on it, or its idempotency record);
 *   - every payment acknowledged (confirm answered errcode 0) left its order `paid`;
 *   - for every SKU: stock + held (qty of pending/paid orders, and of holds whose checkout died before
 *     writing its order) = initial, stock ≥ 0, `sales` matches;
 *   - retrying every checkout that was in flight at the kill (same requestId) gives at most one order per
 *     requestId, keeps the stock invariant and leaves no hold without its order; new checkouts work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADDRESS, Client, REPO, productDoc, removeDir, rng, scratchDir, seedDocs, sleep, startCli, type ChildCloud } from '../lib/cloud';

export interface Kill9Options {
  lanes: number;
  killAfter: number;
  products?: number;
  stockPerSku?: number;
  seed?: number;
  /** fraction of acknowledged orders the buyer then pays */
  payRate?: number;
  /** acknowledged payments to wait for before the kill (default 3) */
  minPayments?: number;
  log?: (s: string) => void;
}

export interface Kill9Result {
  lanes: number;
  acknowledgedOrders: number;
  acknowledgedPayments: number;
  inFlightAtKill: number;
  /** orders found after restart that no client saw acknowledged (committed, reply lost) */
  committedUnacknowledged: number;
  /** failed calls of the lanes before the kill, by kind (each one fails the run) */
  errorsBeforeKill: Record<string, number>;
  /**
   * Checkouts before the kill that gave up on contention with UNAVAILABLE (the busy answer a shopper is
   * told to retry): counted and printed, not failures.
   */
  busyBeforeKill: number;
  lostAcknowledgedOrders: number;
  lostAcknowledgedPayments: number;
  /** acknowledged orders a retry could not be answered from: neither the request's fingerprint on the order nor an idempotency record */
  missingIdempotencyRecords: number;
  stockViolations: string[];
  /** holds of checkouts that died before writing their order, at the restart (their units counted as held) */
  orphanHolds: number;
  /** the same after every checkout in flight was retried: each retry writes its order on its hold */
  orphanHoldsAfterRetry: number;
  retried: number;
  retryOutcomes: Record<string, number>;
  duplicateOrdersAfterRetry: number;
  stockViolationsAfterRetry: string[];
  newCheckoutsAfterRestart: number;
  restartMs: number;
  loadMs: number;
}

interface Line {
  productId: string;
  skuId: string;
  qty: number;
}

/** the functions are BUILT into cloudfunctions/<name>/index.js (npm run build) */
function assertBuilt(): void {
  if (!fs.existsSync(path.join(REPO, 'cloudfunctions', 'orders', 'index.js'))) throw new Error('cloudfunctions/orders/index.js is missing: run `npm run build` first');
}

/** For every SKU: stock + units of pending/paid orders = initial, stock ≥ 0, `sales` consistent. */
/**
 * Stock + units held = initial, per SKU, where units are held by pending and paid orders and by the holds
 * of checkouts that died before writing their order (server/stock-holds.ts; the sweep gives those back
 * once their lease is over). `orphanHolds`: how many such holds there are.
 */
async function stockCheck(client: Client, productIds: string[], initial: Map<string, number>): Promise<{ problems: string[]; orphanHolds: number }> {
  const problems: string[] = [];
  const all = await client.all('orders');
  const orders = all.filter((o) => o.status === 'pending_payment' || o.status === 'paid');
  const written = new Set(all.map((o) => o._id as string));
  const held = new Map<string, number>();
  const hold = (k: string, qty: number) => held.set(k, (held.get(k) ?? 0) + qty);
  for (const o of orders) for (const l of o.lines as Line[]) hold(`${l.productId}/${l.skuId}`, l.qty);
  let orphanHolds = 0;
  for (const id of productIds) {
    const p = await client.getDoc('products', id);
    for (const h of (p.holds ?? []) as { o: string; skus: { skuId: string; qty: number }[] }[]) {
      if (written.has(h.o)) continue;
      orphanHolds += 1;
      for (const s of h.skus) hold(`${id}/${s.skuId}`, s.qty);
    }
    let units = 0;
    for (const s of p.skus as { skuId: string; stock: number }[]) {
      const k = `${id}/${s.skuId}`;
      const h = held.get(k) ?? 0;
      units += h;
      if (s.stock < 0) problems.push(`${k}: stock ${s.stock} < 0`);
      if (s.stock + h !== initial.get(k)) problems.push(`${k}: stock ${s.stock} + held ${h} ≠ initial ${initial.get(k)}`);
    }
    if (p.sales !== units) problems.push(`${id}: sales ${p.sales} ≠ held ${units}`);
  }
  return { problems, orphanHolds };
}

export async function runKill9(opts: Kill9Options): Promise<Kill9Result> {
  assertBuilt();
  const log = opts.log ?? (() => undefined);
  const rand = rng(opts.seed ?? 9);
  const productCount = opts.products ?? 3;
  const stock = opts.stockPerSku ?? 1000;
  const payRate = opts.payRate ?? 0.3;
  const dataDir = scratchDir('kill9-data');
  let emu: ChildCloud | undefined;
  try {
    emu = await startCli({ dataDir });
    let client = Client.of(emu);
    const productIds = Array.from({ length: productCount }, (_, i) => `k9-${i}`);
    const initial = new Map<string, number>();
    await seedDocs(
      client,
      'products',
      productIds.map((id) => {
        initial.set(`${id}/s1`, stock);
        initial.set(`${id}/s2`, stock);
        return productDoc(
          id,
          [
            { skuId: 's1', price: 1000, stock, specValues: ['s1'] },
            { skuId: 's2', price: 1200, stock, specValues: ['s2'] },
          ],
          { specs: [{ name: '规格', values: ['s1', 's2'] }] },
        );
      }),
    );
    // Warm the workers, so the kill lands on checkouts rather than on process start-up.
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.invoke('orders', { action: 'list' }, `oK9WARM_${i}`)));

    const acknowledged = new Map<string, { owner: string; requestId: string; lines: Line[] }>();
    const paidAck = new Set<string>();
    const inFlight = new Map<string, { owner: string; requestId: string; lines: Line[] }>();
    let killed = false;
    // Failures before the kill are counted, not swallowed (after it, failing calls are the point).
    const errors: Record<string, number> = {};
    const countError = (what: string) => (errors[what.slice(0, 80)] = (errors[what.slice(0, 80)] ?? 0) + 1);
    let busy = 0;
    let seq = 0;
    const plan = () => {
      const n = rand() < 0.6 ? 1 : 2;
      const p = productIds[Math.floor(rand() * productIds.length)];
      const lines: Line[] = [{ productId: p, skuId: 's1', qty: 1 + Math.floor(rand() * 3) }];
      if (n === 2) lines.push({ productId: productIds[(productIds.indexOf(p) + 1) % productIds.length], skuId: 's2', qty: 1 + Math.floor(rand() * 3) });
      return { lines, pay: rand() < payRate };
    };
    const lane = async (laneNo: number) => {
      while (!killed) {
        const owner = `oK9_${laneNo}`;
        const requestId = `k9-${laneNo}-${++seq}`;
        const { lines, pay } = plan();
        const job = { owner, requestId, lines };
        inFlight.set(requestId, job);
        let orderId: string | undefined;
        try {
          const r = await client.invoke('orders', { action: 'create', requestId, lines, address: ADDRESS }, owner);
          if (r.result?.ok) {
            orderId = r.result.data.order._id as string;
            acknowledged.set(orderId, job);
          } else if (!killed && r.result?.error?.code === 'UNAVAILABLE') busy += 1;
          else if (!killed) countError(`create ${r.error ? `invoke:${r.error.code}` : String(r.result?.error?.code)}`);
          inFlight.delete(requestId);
        } catch (e) {
          if (!killed) countError(`create transport: ${(e as Error).message}`);
          return; // the cloud is gone: this request stays "in flight"
        }
        if (orderId && pay && !killed) {
          try {
            const p = await client.invoke('orders', { action: 'pay', orderId }, owner);
            if (p.result?.ok) {
              const c = await client.confirmPay(p.result.data.payment.package, 1);
              const delivery = (c.json.deliveries as { result?: { errcode: number } }[] | undefined)?.[0]?.result;
              if (c.status === 200 && delivery?.errcode === 0) paidAck.add(orderId);
              // WeChat retries an unacknowledged notification: a delivery the function refused is still a failed call here.
              else if (!killed) countError(c.status === 200 ? `payment notification answered ${JSON.stringify(delivery ?? null).slice(0, 80)}` : `confirm HTTP ${c.status}`);
            } else if (!killed) countError(`pay ${p.error ? `invoke:${p.error.code}` : String(p.result?.error?.code)}`);
          } catch (e) {
            if (!killed) countError(`pay transport: ${(e as Error).message}`);
            return;
          }
        }
      }
    };
    const t0 = Date.now();
    const lanes = Array.from({ length: opts.lanes }, (_, i) => lane(i));
    // The kill must land on both kinds of work: wait for acknowledged payments too, not only orders.
    const minPaid = opts.minPayments ?? 3;
    while ((acknowledged.size < opts.killAfter || paidAck.size < minPaid) && Date.now() - t0 < 120_000) await sleep(5);
    killed = true;
    await emu.kill9();
    const loadMs = Date.now() - t0;
    await Promise.all(lanes);
    const inFlightAtKill = inFlight.size;
    log(`kill9: killed after ${acknowledged.size} acknowledged orders (${paidAck.size} paid), ${inFlightAtKill} creates in flight`);

    const r0 = Date.now();
    emu = await startCli({ dataDir, port: emu.port });
    const restartMs = Date.now() - r0;
    client = Client.of(emu);

    const stored = await client.all('orders');
    const byId = new Map(stored.map((o) => [o._id as string, o]));
    const idem = new Set((await client.all('idempotency')).map((d) => d._id as string));
    let lostOrders = 0;
    let lostPayments = 0;
    let missingIdem = 0;
    for (const [id, job] of acknowledged) {
      const o = byId.get(id);
      const sameLines = o && JSON.stringify((o.lines as Line[]).map((l) => [l.productId, l.skuId, l.qty])) === JSON.stringify(job.lines.map((l) => [l.productId, l.skuId, l.qty]));
      if (!o || !sameLines || o._openid !== job.owner) lostOrders += 1;
      // What answers a retry: the request's fingerprint on the order, or (a checkout in a transaction) its record as well.
      if (!idem.has(id) && typeof o?.requestFingerprint !== 'string') missingIdem += 1;
    }
    for (const id of paidAck) if (byId.get(id)?.status !== 'paid') lostPayments += 1;
    const committedUnacknowledged = stored.filter((o) => !acknowledged.has(o._id)).length;
    const { problems: stockViolations, orphanHolds } = await stockCheck(client, productIds, initial);

    // Retry what was in flight, with the same requestIds (what a client does after a network error).
    const retryOutcomes: Record<string, number> = {};
    await Promise.all(
      [...inFlight.values()].map(async (job) => {
        const r = await client.invoke('orders', { action: 'create', requestId: job.requestId, lines: job.lines, address: ADDRESS }, job.owner);
        const code = r.error ? `invoke:${r.error.code}` : r.result?.ok ? 'OK' : String(r.result?.error?.code);
        retryOutcomes[code] = (retryOutcomes[code] ?? 0) + 1;
      }),
    );
    const after = await client.all('orders');
    const perRequest = new Map<string, number>();
    for (const o of after) perRequest.set(`${o._openid}|${o.requestId}`, (perRequest.get(`${o._openid}|${o.requestId}`) ?? 0) + 1);
    const duplicates = [...perRequest.values()].filter((n) => n > 1).length;
    // New checkouts on the restarted cloud.
    let fresh = 0;
    for (let i = 0; i < 3; i += 1) {
      const r = await client.invoke('orders', { action: 'create', requestId: `k9-after-${i}`, lines: [{ productId: productIds[i % productCount], skuId: 's1', qty: 1 }], address: ADDRESS }, `oK9AFTER_${i}`);
      if (r.result?.ok) fresh += 1;
    }
    const { problems: stockViolationsAfterRetry, orphanHolds: orphanHoldsAfterRetry } = await stockCheck(client, productIds, initial);
    return {
      lanes: opts.lanes,
      acknowledgedOrders: acknowledged.size,
      acknowledgedPayments: paidAck.size,
      inFlightAtKill,
      committedUnacknowledged,
      errorsBeforeKill: errors,
      busyBeforeKill: busy,
      lostAcknowledgedOrders: lostOrders,
      lostAcknowledgedPayments: lostPayments,
      missingIdempotencyRecords: missingIdem,
      stockViolations,
      orphanHolds,
      orphanHoldsAfterRetry,
      retried: inFlight.size,
      retryOutcomes,
      duplicateOrdersAfterRetry: duplicates,
      stockViolationsAfterRetry,
      newCheckoutsAfterRestart: fresh,
      restartMs,
      loadMs,
    };
  } finally {
    await emu?.stop();
    removeDir(dataDir);
  }
}

/** What makes a kill -9 run fail, including a run that proves nothing (no work in flight, no payment acknowledged). */
export function kill9Failures(k: Kill9Result): string[] {
  const f: string[] = [];
  if (k.inFlightAtKill === 0) f.push('kill -9: no checkout was in flight at the kill');
  if (k.acknowledgedPayments === 0) f.push('kill -9: no payment was acknowledged before the kill');
  if (Object.keys(k.errorsBeforeKill).length) f.push(`kill -9: calls failed before the kill ${JSON.stringify(k.errorsBeforeKill)}`);
  if (k.lostAcknowledgedOrders || k.lostAcknowledgedPayments || k.missingIdempotencyRecords) f.push(`kill -9: lost ${k.lostAcknowledgedOrders} orders / ${k.lostAcknowledgedPayments} payments, ${k.missingIdempotencyRecords} orders no retry can be answered from`);
  if (k.orphanHoldsAfterRetry) f.push(`kill -9: ${k.orphanHoldsAfterRetry} holds without their order after retrying every checkout in flight`);
  if (k.stockViolations.length || k.stockViolationsAfterRetry.length) f.push(`kill -9: stock ${[...k.stockViolations, ...k.stockViolationsAfterRetry].slice(0, 3).join('; ')}`);
  if (k.duplicateOrdersAfterRetry) f.push(`kill -9: ${k.duplicateOrdersAfterRetry} requestIds with several orders after the retry`);
  if (Object.keys(k.retryOutcomes).some((c) => c !== 'OK' && c !== 'OUT_OF_STOCK' && c !== 'UNAVAILABLE')) f.push(`kill -9: retries failed ${JSON.stringify(k.retryOutcomes)}`);
  if (k.newCheckoutsAfterRestart !== 3) f.push(`kill -9: ${k.newCheckoutsAfterRestart}/3 new checkouts after the restart`);
  return f;
}
