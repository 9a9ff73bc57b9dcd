/**
 * Shared plumbing for the benchmarks and fault tests: a local cloud in a child process (either the
 * official CLI `emulator/cli.ts`, or `bench/lib/emu-child.ts` for options the CLI does not expose),
 * a per-run copy of the built cloud functions (so a test can override a function's `config.json`
 * timeout without touching cloudfunctions/), HTTP clients for the emulator's local endpoints, the real
 * wx-server-sdk pointed at it, and latency statistics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { EmulatorOptions } from '../../emulator';
import { freePort } from '../../simulator/free-port';

// Must be set before the SDKs make their first request (docs/reference/cloudbase-wire-protocol.md §12.1, §3).
process.env.TENCENTCLOUD = 'true';
process.env.SILENCE = 'true';
// Hundreds of concurrent SDK requests share keep-alive sockets; Node's listener-leak warning is noise here.
EventEmitter.defaultMaxListeners = Math.max(EventEmitter.defaultMaxListeners, 1000);

export const REPO = path.resolve(__dirname, '..', '..');
export const OUT_DIR = path.join(REPO, 'bench', 'out');

export { freePort };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fresh directory under bench/out (gitignored; inside the repo so built functions resolve node_modules). */
export function scratchDir(tag: string): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  return fs.mkdtempSync(path.join(OUT_DIR, `${tag}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies the BUILT functions (cloudfunctions/<name>/{index.js,config.json,package.json}) into a fresh
 * functions dir and adds `noop` (returns at once, no SDK). `timeoutSeconds` overrides config.json
 * timeouts per function (the emulator reads config.json on every invocation; see setFunctionTimeout).
 */
export function prepareFunctionsDir(tag: string, timeoutSeconds: Record<string, number> = {}, from = path.join(REPO, 'cloudfunctions')): string {
  const src = from;
  const dir = scratchDir(`functions-${tag}`);
  for (const name of fs.readdirSync(src)) {
    const from = path.join(src, name);
    if (!fs.existsSync(path.join(from, 'index.js'))) continue;
    fs.mkdirSync(path.join(dir, name));
    for (const f of ['index.js', 'config.json', 'package.json']) {
      if (fs.existsSync(path.join(from, f))) fs.copyFileSync(path.join(from, f), path.join(dir, name, f));
    }
  }
  const built = fs.readdirSync(dir);
  if (!built.includes('orders')) throw new Error('cloudfunctions/orders/index.js is missing: run `npm run build` first');
  fs.mkdirSync(path.join(dir, 'noop'));
  fs.writeFileSync(path.join(dir, 'noop', 'index.js'), "'use strict';\nexports.main = async () => ({ ok: true });\n");
  fs.writeFileSync(path.join(dir, 'noop', 'config.json'), '{ "timeout": 10 }\n');
  // The hot-SKU ceiling: one conditional update of a SKU's stock, through the same invoke path as a checkout.
  writeSdkFunction(dir, 'condupdate', [
    "  const r = await db.collection('products').where({ _id: event.productId, 'skus.0.stock': _.gte(1) }).update({ data: { 'skus.0.stock': _.inc(-1), 'skus.0.reserved': _.inc(1), sales: _.inc(1) } });",
    '  return { ok: r.stats.updated === 1 };',
  ]);
  // The least a checkout priced on the server does and still survives being killed halfway: read the
  // product, take the unit with the same conditional update while recording a hold for the order (what
  // a sweep compensates from when the order never comes), write the order (create-only), drop the hold.
  // No idempotency record or stock ledger. `event.reads`: 'product' reads the product alone; 'checkout'
  // reads it the way orders.create does, its flash sales, settings, the shopper's latest scan and the
  // request's order (a retry's answer) joined to it in one aggregate.
  writeSdkFunction(dir, 'checkoutfloor', [
    '  const { OPENID } = cloud.getWXContext();',
    '  const $ = db.command.aggregate;',
    "  const joined = () => db.collection('products').aggregate().match({ _id: _.in([event.productId]) }).limit(100)",
    "    .lookup({ from: 'flash_sales', localField: '_id', foreignField: 'productId', as: 'sales' })",
    "    .lookup({ from: 'orders', pipeline: $.pipeline().match({ _id: event.orderId }).done(), as: 'placed' })",
    "    .lookup({ from: 'config', pipeline: $.pipeline().match({ _id: _.in(['orders', 'shipping']) }).done(), as: 'config' })",
    "    .lookup({ from: 'scans', pipeline: $.pipeline().match({ _openid: OPENID }).sort({ at: -1 }).limit(1).done(), as: 'scan' })",
    '    .end();',
    "  const [product] = event.reads === 'checkout' ? (await joined()).list : (await db.collection('products').where({ _id: event.productId }).limit(1).get()).data;",
    '  const sku = product && product.skus[0];',
    '  if (!sku || !(sku.stock >= 1)) return { ok: false };',
    '  const at = Date.now();',
    "  const r = await db.collection('products').where({ _id: event.productId, 'skus.0.stock': _.gte(1) }).update({ data: { 'skus.0.stock': _.inc(-1), 'skus.0.reserved': _.inc(1), sales: _.inc(1), holds: _.push([{ o: event.orderId, at, skus: [{ skuId: sku.skuId, qty: 1 }] }]) } });",
    '  if (r.stats.updated !== 1) return { ok: false };',
    "  await db.collection('orders').add({ data: { _id: event.orderId, _openid: OPENID, status: 'pending_payment', lines: [{ productId: event.productId, skuId: sku.skuId, title: product.title, price: sku.price, qty: 1 }], itemsTotal: sku.price, shippingFee: 0, total: sku.price, address: event.address, createdAt: at, updatedAt: at, expireAt: at + 1800000 } });",
    "  await db.collection('products').doc(event.productId).update({ data: { holds: _.pull({ o: event.orderId }) } });",
    '  return { ok: true };',
  ]);
  for (const [name, seconds] of Object.entries(timeoutSeconds)) setFunctionTimeout(dir, name, seconds);
  return dir;
}

/** A bench-only function on wx-server-sdk (`cloud`, `db`, `_` in scope), its `main(event)` being `body`; 10 s timeout. */
function writeSdkFunction(functionsDir: string, name: string, body: string[]): void {
  fs.mkdirSync(path.join(functionsDir, name));
  const head = ["'use strict';", "const cloud = require('wx-server-sdk');", 'cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });', 'const db = cloud.database();', 'const _ = db.command;'];
  fs.writeFileSync(path.join(functionsDir, name, 'index.js'), [...head, 'exports.main = async (event) => {', ...body, '};', ''].join('\n'));
  fs.writeFileSync(path.join(functionsDir, name, 'config.json'), '{ "timeout": 10 }\n');
}

/** Rewrites `<functionsDir>/<name>/config.json`'s timeout (seconds; fractions allowed). */
export function setFunctionTimeout(functionsDir: string, name: string, seconds: number): void {
  const file = path.join(functionsDir, name, 'config.json');
  const config = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  config.timeout = seconds;
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

export interface ChildCloud {
  port: number;
  url: string;
  adminUrl: string;
  envId: string;
  child: ChildProcess;
  /** SIGKILL, and wait until the process is gone */
  kill9(): Promise<void>;
  /** SIGTERM, and wait */
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function spawnAndWait(args: string[], ready: (out: string) => { port: number } | null, what: string): Promise<{ child: ChildProcess; port: number }> {
  // `node --import tsx` (not npx) so the pid we signal IS the emulator process.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within 60 s: ${out.slice(-2000)}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      if (out.length < 100_000) out += d.toString();
      const r = ready(out);
      if (r) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        // keep draining so the child never blocks on a full pipe
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, port: r.port });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready: ${out.slice(-2000)}`));
    });
  });
}

function handle(child: ChildProcess, port: number, envId = 'local-env'): ChildCloud {
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    adminUrl: `${url}/admin`,
    envId,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await waitExit(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await waitExit(child);
      clearTimeout(t);
    },
  };
}

/** The official CLI: `emulator/cli.ts --port P --data D --functions F --no-timers --quiet`. */
export async function startCli(opts: { port?: number; dataDir: string; functionsDir?: string; timers?: boolean }): Promise<ChildCloud> {
  const port = opts.port ?? (await freePort());
  const args = ['emulator/cli.ts', '--port', String(port), '--data', opts.dataDir, '--quiet'];
  if (opts.functionsDir) args.push('--functions', opts.functionsDir);
  if (!opts.timers) args.push('--no-timers');
  const { child } = await spawnAndWait(args, (out) => (out.includes('CloudBase emulator ready') ? { port } : null), 'emulator/cli.ts');
  return handle(child, port);
}

/** startEmulator with any options, in a child process (bench/lib/emu-child.ts). */
export async function startChild(options: EmulatorOptions): Promise<ChildCloud> {
  const { child, port } = await spawnAndWait(
    ['bench/lib/emu-child.ts', JSON.stringify({ port: 0, ...options })],
    (out) => {
      const m = /EMU_READY (\{.*\})/.exec(out);
      return m ? { port: (JSON.parse(m[1]) as { port: number }).port } : null;
    },
    'bench/lib/emu-child.ts',
  );
  return handle(child, port, options.envId ?? 'local-env');
}

/**
 * Invokes functions over its own keep-alive HTTP agent with `sockets` sockets, so a load of N buyers in
 * flight is not capped by a shared agent (node-sdk's is capped at 100 sockets). Throws on a transport
 * failure; answers what the invoke endpoint answers.
 */
export class Invoker {
  private readonly agent: http.Agent;
  constructor(
    readonly url: string,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  invoke(name: string, event: unknown, openid?: string): Promise<InvokeReply> {
    const body = JSON.stringify(openid ? { event, openid } : { event });
    const target = new URL(`${this.url}/_emulator/v1/functions/${encodeURIComponent(name)}:invoke`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        target,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as InvokeReply);
            } catch (e) {
              reject(new Error(`invoke ${name}: HTTP ${res.statusCode}, not JSON (${(e as Error).message})`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What `/functions/<name>:invoke` answers: `{result}` or `{error: {code, message}}`. */
export interface InvokeReply {
  result?: any;
  error?: { code: string; message: string };
}

/** Clients of one running local cloud. */
export class Client {
  constructor(readonly url: string, readonly adminUrl: string, readonly envId = 'local-env') {}

  static of(c: { url: string; adminUrl: string; envId: string }): Client {
    return new Client(c.url, c.adminUrl, c.envId);
  }

  async local(method: string, p: string, body?: unknown, raw = false): Promise<{ status: number; json: any }> {
    const res = await fetch(`${this.url}/_emulator/v1${p}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': raw ? 'text/plain' : 'application/json' },
      body: body === undefined ? undefined : raw ? String(body) : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      return { status: res.status, json: text };
    }
  }

  /** Calls a function as user `openid` (the emulator injects userInfo; getWXContext().OPENID = openid). */
  async invoke(name: string, event: unknown, openid?: string, source?: string): Promise<InvokeReply> {
    const body: Record<string, unknown> = { event };
    if (openid) body.openid = openid;
    if (source) body.source = source;
    return (await this.local('POST', `/functions/${encodeURIComponent(name)}:invoke`, body)).json as InvokeReply;
  }

  async fireTimer(fn: string, trigger: string): Promise<InvokeReply> {
    return (await this.local('POST', `/functions/${encodeURIComponent(fn)}/triggers/${encodeURIComponent(trigger)}:fire`, {})).json as InvokeReply;
  }

  async confirmPay(pkg: string, deliveries = 1): Promise<{ status: number; json: any }> {
    return this.local('POST', '/pay/confirm', { package: pkg, deliveries });
  }

  /** JSON Lines import (upsert by _id). */
  async importDocs(collection: string, docs: Record<string, unknown>[]): Promise<number> {
    const r = await this.local('POST', `/database/${encodeURIComponent(collection)}:import`, docs.map((d) => JSON.stringify(d)).join('\n'), true);
    if (r.status !== 200 || (r.json.errors && r.json.errors.length)) throw new Error(`import into ${collection} failed: ${JSON.stringify(r.json).slice(0, 500)}`);
    return r.json.imported as number;
  }

  async health(): Promise<boolean> {
    try {
      return (await this.local('GET', '/health')).json?.ok === true;
    } catch {
      return false;
    }
  }

  private wxInstance: any;
  /** One real wx-server-sdk instance (createNewInstance) against this cloud. */
  wx(): any {
    if (!this.wxInstance) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('wx-server-sdk');
      this.wxInstance = sdk.createNewInstance({ env: this.envId, serviceUrl: this.adminUrl, secretId: 'local-dummy-id', secretKey: 'local-dummy-key' });
    }
    return this.wxInstance;
  }

  db(): any {
    return this.wx().database({ throwOnNotFound: false });
  }

  /** Every document of a collection (pages of 1000). */
  async all(collection: string, where: Record<string, unknown> = {}): Promise<any[]> {
    const out: any[] = [];
    for (let skip = 0; ; skip += 1000) {
      const { data } = await this.db().collection(collection).where(where).skip(skip).limit(1000).get();
      out.push(...data);
      if (data.length < 1000) return out;
    }
  }

  async getDoc(collection: string, id: string): Promise<any | null> {
    const { data } = await this.db().collection(collection).doc(id).get();
    return data ?? null;
  }
}

// ---------------------------------------------------------------------------------------------
// Data

export { ADDRESS, productDoc, type SkuSeed } from '../../test/support/data';

export async function seedDocs(client: Client, collection: string, docs: Record<string, unknown>[]): Promise<void> {
  const db = client.db();
  for (const doc of docs) {
    const { _id, ...data } = doc as { _id: string };
    await db.collection(collection).doc(_id).set({ data });
  }
}

export { rng, stockOf } from '../../test/support/data';

// ---------------------------------------------------------------------------------------------
// Statistics

export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function latencyStats(ms: number[]): LatencyStats {
  const s = [...ms].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p99: round(percentile(s, 99)),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    max: round(s[s.length - 1] ?? NaN),
  };
}

export function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs `total` tasks with at most `concurrency` in flight; returns each task's latency in ms. */
export async function closedLoop<T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<{ latencies: number[]; results: T[]; wallMs: number }> {
  const latencies: number[] = new Array(total);
  const results: T[] = new Array(total);
  let next = 0;
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = process.hrtime.bigint();
      results[i] = await task(i);
      latencies[i] = elapsedMs(t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { latencies, results, wallMs: elapsedMs(t0) };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
