/**
 * What one request costs the local cloud: CPU milliseconds per database request (the emulator process)
 * and per function invocation (the emulator plus its function workers), for sequential calls against
 * a local cloud in a child process holding the catalog benchmark's products. CPU time is read from
 * /proc (utime + stime of the emulator and of every process it forked), so it counts what the calls
 * cost whatever else the machine runs; the wall-clock figures beside it do not.
 *
 *   npx tsx bench/request-cost.ts [--calls 1000] [--products 10000] [--only get,update,...] [--cpu-prof DIR] [--json]
 *
 * `--cpu-prof DIR` writes a CPU profile of the emulator process per operation into DIR (its measured calls only).
 */
import * as fs from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { argValue, runMain } from './lib/cli';
import { catalogProducts, MIXES } from './catalog';
import { childrenOf, cpuMs } from './lib/cpu';
import { Client, latencyStats, prepareFunctionsDir, removeDir, scratchDir, sleep, startChild, type LatencyStats } from './lib/cloud';

const round2 = (x: number) => Math.round(x * 100) / 100;
export interface OpCost {
  op: string;
  calls: number;
  latency: LatencyStats;
  /** CPU ms per call: the emulator process, its function workers, and this (client) process */
  emulatorCpuMs: number;
  workerCpuMs: number;
  clientCpuMs: number;
  errors: number;
}

export interface RequestCostResult {
  products: number;
  ops: OpCost[];
  load: { start: number[]; end: number[]; cores: number };
}

type Op = { name: string; run: (i: number) => Promise<boolean> };

export async function runRequestCost(opts: { calls?: number; products?: number; only?: string[]; cpuProfDir?: string; log?: (s: string) => void } = {}): Promise<RequestCostResult> {
  const calls = opts.calls ?? 1000;
  const count = opts.products ?? 10_000;
  const log = opts.log ?? (() => undefined);
  const functionsDir = prepareFunctionsDir('cost');
  const dataDir = scratchDir('cost-data');
  if (opts.cpuProfDir) {
    fs.mkdirSync(opts.cpuProfDir, { recursive: true });
    process.env.EMU_PROFILE_DIR = opts.cpuProfDir; // bench/lib/emu-child.ts: SIGUSR2 starts and stops a profile
  }
  const emu = await startChild({ functionsDir, dataDir, maxWorkersPerFunction: 1 });
  const profile = async (phase: 'start' | 'stop') => {
    if (!opts.cpuProfDir) return;
    const before = fs.readdirSync(opts.cpuProfDir).length;
    emu.child.kill('SIGUSR2');
    for (let i = 0; phase === 'stop' && i < 200 && fs.readdirSync(opts.cpuProfDir).length === before; i += 1) await sleep(50);
  };
  try {
    const client = Client.of(emu);
    const docs = catalogProducts(count);
    for (let i = 0; i < docs.length; i += 2000) await client.importDocs('products', docs.slice(i, i + 2000));
    const db = client.db();
    const _ = db.command;
    const id = (i: number) => `p${String(i % count).padStart(5, '0')}`;
    const noKeyword = MIXES.filter((m) => typeof m.event(0).keyword !== 'string');
    const keyword = MIXES.filter((m) => typeof m.event(0).keyword === 'string');
    const catalog = (mixes: typeof MIXES) => async (i: number) => (await client.invoke('catalog', mixes[i % mixes.length].event(i))).result?.ok === true;
    const all: Op[] = [
      { name: 'db get by id', run: async (i) => (await db.collection('products').doc(id(i)).get()).data?._id === id(i) },
      { name: 'db update by id', run: async (i) => (await db.collection('products').doc(id(i)).update({ data: { sales: _.inc(1) } })).stats.updated === 1 },
      {
        name: 'db page of 20 (where + orderBy)',
        run: async (i) => (await db.collection('products').where({ categoryId: `cat${i % 10}`, status: 'on_shelf' }).orderBy('sales', 'desc').limit(20).get()).data.length === 20,
      },
      { name: 'invoke noop', run: async () => (await client.invoke('noop', {})).result?.ok === true },
      { name: 'invoke condupdate (1 db write)', run: async (i) => (await client.invoke('condupdate', { productId: id(i) })).result !== undefined },
      { name: 'catalog.list, no keyword', run: catalog(noKeyword) },
      { name: 'catalog.list, keyword', run: catalog(keyword) },
    ];
    const short = (name: string) => name.split(/[ ,(]/).filter(Boolean).slice(0, 2).join('-');
    const ops = opts.only ? all.filter((o) => opts.only!.some((s) => short(o.name).includes(s) || o.name.includes(s))) : all;
    const loadStart = loadavg().map(round2);
    const out: OpCost[] = [];
    for (const op of ops) {
      for (let i = 0; i < 20; i += 1) await op.run(i); // warm workers, statements, module caches
      const pids = childrenOf(emu.child.pid!);
      const e0 = cpuMs(emu.child.pid!);
      const w0 = pids.reduce((s, p) => s + cpuMs(p), 0);
      await profile('start');
      const c0 = process.cpuUsage();
      const lat: number[] = [];
      let errors = 0;
      for (let i = 0; i < calls; i += 1) {
        const t = process.hrtime.bigint();
        const ok = await op.run(i).catch(() => false);
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (!ok) errors += 1;
      }
      const c = process.cpuUsage(c0);
      const e = cpuMs(emu.child.pid!) - e0;
      const w = pids.reduce((s, p) => s + cpuMs(p), 0) - w0;
      await profile('stop');
      const per = (ms: number) => round2(ms / calls);
      const cost = { op: op.name, calls, latency: latencyStats(lat), emulatorCpuMs: per(e), workerCpuMs: per(w), clientCpuMs: per((c.user + c.system) / 1000), errors };
      log(`${op.name}: ${JSON.stringify(cost)}`);
      out.push(cost);
    }
    return { products: count, ops: out, load: { start: loadStart, end: loadavg().map(round2), cores: cpus().length } };
  } finally {
    await emu.stop();
    removeDir(functionsDir);
    removeDir(dataDir);
  }
}

export function formatRequestCost(r: RequestCostResult): string {
  const lines = [`Request cost: sequential calls at ${r.products} products; load average ${r.load.start.join(' ')} → ${r.load.end.join(' ')} on ${r.load.cores} cores`];
  lines.push(`  ${'operation'.padEnd(34)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   CPU ms per call: emulator + workers (client)`);
  for (const o of r.ops) {
    lines.push(
      `  ${o.op.padEnd(34)} ${String(o.latency.p50).padStart(7)} ${String(o.latency.p99).padStart(7)}   ${o.emulatorCpuMs} + ${o.workerCpuMs} = ${round2(o.emulatorCpuMs + o.workerCpuMs)} (${o.clientCpuMs})${o.errors ? `  ERRORS ${o.errors}` : ''}`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const number = (name: string) => (argValue(name) ? Number(argValue(name)) : undefined);
  runMain(
    () => runRequestCost({ calls: number('calls'), products: number('products'), only: argValue('only')?.split(','), cpuProfDir: argValue('cpu-prof'), log: (s) => process.stderr.write(`${s}\n`) }),
    formatRequestCost,
  );
}
