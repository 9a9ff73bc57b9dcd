/**
 * Test helpers for the local CloudBase emulator.
 *
 * USAGE (one emulator per test file, on a free port, with a fresh temp data dir):
 *
 *   import { useCloud } from '../helpers/cloud';
 *   const cloud = useCloud({ functionsDir: 'cloudfunctions' });   // registers beforeAll/afterAll
 *   test('…', async () => {
 *     const db = cloud.wx().database();                 // real wx-server-sdk instance
 *     await db.createCollection('products');            // (collections in database.config.json exist already)
 *     const app = cloud.node();                          // real @cloudbase/node-sdk app
 *     const r = await cloud.invoke('orders', { action: 'create' }, { openid: 'oUSER_A' });
 *     // r = { result } | { error: { code, message } }  — a call "as user X" (getWXContext().OPENID === 'oUSER_A')
 *   });
 *
 * Or by hand: `const h = await startCloud(); … await h.stop()`.
 * - `cloud.wx()` / `cloud.node()` return SDK instances pointed at the emulator (serviceUrl + dummy secrets).
 * - `cloud.invoke(name, event, {openid})` = POST /_emulator/v1/functions/<name>:invoke.
 * - `cloud.fireTimer(fn, trigger)` fires a timer trigger deterministically (timers are OFF by default here).
 * - `cloud.confirmPay(pkg, deliveries)` = POST /_emulator/v1/pay/confirm (pkg is payment.package, 'prepay_id=…').
 * - `cloud.logs()` = GET /_emulator/v1/logs.
 * The helper sets TENCENTCLOUD=true (no metadata-server probe) and SILENCE=true in the test process.
 */
import * as path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';
import { localFunctionEnv } from '../../admin/merchant-key';

// Must be set before the SDKs make their first request (docs/reference/cloudbase-wire-protocol.md §12.1, §3).
process.env.TENCENTCLOUD = 'true';
process.env.SILENCE = 'true';

const REPO = path.resolve(__dirname, '..', '..');

/** `{result}` on success, `{error: {code, message}}` on failure (typed loosely for test ergonomics). */
export interface InvokeReply {
  result?: any;
  error?: any;
  requestId?: string;
}

export interface CloudHandle {
  emu: Emulator;
  url: string;
  adminUrl: string;
  envId: string;
  /** a fresh wx-server-sdk instance (createNewInstance) already configured against the emulator */
  wx(): any;
  /** a fresh @cloudbase/node-sdk app against the emulator */
  node(): any;
  invoke(name: string, event?: unknown, as?: { openid?: string; appid?: string; unionid?: string; source?: string }): Promise<InvokeReply>;
  fireTimer(fn: string, trigger: string): Promise<InvokeReply>;
  confirmPay(pkg: string, deliveries?: number): Promise<any>;
  logs(query?: { function?: string; openid?: string; limit?: number }): Promise<any[]>;
  /** open transactions and the writes waiting for them (GET /_emulator/v1/database/transactions) */
  transactions(): Promise<any>;
  /** moves the local cloud's clock (POST /_emulator/v1/clock) and returns its state */
  setClock(change: { reset?: boolean; offsetMs?: number; frozenAt?: number | string; freeze?: boolean; advanceMs?: number }): Promise<any>;
  /** fetch a local endpoint: cloud.local('GET', '/health') */
  local(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export interface CloudOptions extends EmulatorOptions {
  /** relative to the repo root, or absolute; default test/fixtures/cloudfunctions */
  functionsDir?: string;
}

export async function startCloud(opts: CloudOptions = {}): Promise<CloudHandle> {
  const functionsDir = path.resolve(REPO, opts.functionsDir ?? 'test/fixtures/cloudfunctions');
  // The functions get the local merchant key, as `npm start` gives them (admin/merchant-key.ts).
  const emu = await startEmulator({ port: 0, quiet: true, timers: false, ...opts, functionsDir, functionEnv: { ...localFunctionEnv(), ...opts.functionEnv } });
  const local = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/_emulator/v1${p}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
  const handle: CloudHandle = {
    emu,
    url: emu.url,
    adminUrl: emu.adminUrl,
    envId: emu.envId,
    wx() {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const sdk = require('wx-server-sdk');
      return sdk.createNewInstance({ env: emu.envId, serviceUrl: emu.adminUrl, secretId: 'local-dummy-id', secretKey: 'local-dummy-key' });
    },
    node() {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const tcb = require('@cloudbase/node-sdk');
      return tcb.init({ env: emu.envId, serviceUrl: emu.adminUrl, secretId: 'local-dummy-id', secretKey: 'local-dummy-key' });
    },
    async invoke(name, event = {}, as = {}) {
      return (await local('POST', `/functions/${encodeURIComponent(name)}:invoke`, { event, ...as })).json;
    },
    async fireTimer(fn, trigger) {
      return (await local('POST', `/functions/${encodeURIComponent(fn)}/triggers/${encodeURIComponent(trigger)}:fire`, {})).json;
    },
    async confirmPay(pkg, deliveries = 1) {
      return (await local('POST', '/pay/confirm', { package: pkg, deliveries })).json;
    },
    async logs(q = {}) {
      const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return (await local('GET', `/logs?${qs}`)).json.logs;
    },
    async transactions() {
      return (await local('GET', '/database/transactions')).json;
    },
    async setClock(change) {
      const r = await local('POST', '/clock', change);
      if (r.status !== 200) throw new Error(`clock: ${JSON.stringify(r.json)}`);
      return r.json;
    },
    local,
    stop: () => emu.stop(),
  };
  return handle;
}

/**
 * Polls `probe` until `done` holds for its value (an observable condition, e.g. "one write is waiting
 * for the transaction"), so tests order events by state instead of by sleeping.
 */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what = 'condition', limitMs = 15_000): Promise<T> {
  const giveUp = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Jest convenience: starts one emulator for the file; the returned proxy is usable inside tests. */
export function useCloud(opts: CloudOptions = {}): CloudHandle {
  let h: CloudHandle | undefined;
  beforeAll(async () => {
    h = await startCloud(opts);
  });
  afterAll(async () => {
    await h?.stop();
  });
  return new Proxy({} as CloudHandle, {
    get(_t, key) {
      if (!h) throw new Error('useCloud(): emulator not started yet (use it inside tests/hooks)');
      return (h as any)[key];
    },
  });
}
