/**
 * Local CloudBase emulator: a wire-compatible server that the real, unmodified `wx-server-sdk`
 * and `@cloudbase/node-sdk` talk to over HTTP. See docs/ARCHITECTURE.md ("Emulator") for the
 * contract and docs/reference/cloudbase-wire-protocol.md for the protocol.
 *
 *   const emu = await startEmulator({ port: 0 });
 *   cloud.init({ env: emu.envId, serviceUrl: emu.adminUrl, secretId: 'x', secretKey: 'y' })
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqlite } from './database/sqlite';
import type { FunctionsService, InvokeResult } from './functions/service';
import { Hub, type MountedHandler } from './server';
import { Clock } from './util/clock';
import { EmulatorRegistry, type EmulatorContext, type ServiceFactory } from './registry';
import { SERVICES } from './services';

export { QR_PAYLOAD_BASE, qrPayload } from './openapi/wxacode';

const REPO_ROOT = path.resolve(__dirname, '..');

export interface EmulatorOptions {
  /** 0 = a free port */
  port?: number;
  host?: string;
  /** omit = a fresh temp dir, deleted on stop() */
  dataDir?: string;
  /** default <repo>/cloudfunctions */
  functionsDir?: string;
  envId?: string;
  appid?: string;
  quiet?: boolean;
  /** default <repo>/database.config.json */
  databaseConfig?: string;
  /** false = never use SQL/index planning (benchmark baseline); default true */
  useIndexes?: boolean;
  /** run timer triggers on their cron schedule; default true (tests: pass false and use fireTimer) */
  timers?: boolean;
  /** add() to a missing collection creates it; default false (the real service errors) */
  autoCreateCollections?: boolean;
  /**
   * how long a non-transactional write waits for an open transaction that wrote the same document
   * before failing with DATABASE_TRANSACTION_CONFLICT; default 5 s (an assumption: CloudBase does not
   * document it; see database/transactions.ts)
   */
  outsideWriteWaitMs?: number;
  /** SQLite synchronous mode; default 'full' */
  durability?: 'full' | 'normal';
  maxWorkersPerFunction?: number;
  /** default timeout when config.json has none (CloudBase: 3 s) */
  defaultTimeoutMs?: number;
  /** app.json used for getUnlimited's check_path; default <repo>/miniprogram/app.json if present */
  appJson?: string;
  /** enforce config.json permissions.openapi for calls from functions; default true */
  openapiPermissions?: boolean;
  /** function → function calls run as the calling user (unverified on the real platform); default true */
  propagateIdentity?: boolean;
  /** `stats.updated` counts modified (default) or matched documents */
  updatedCounts?: 'modified' | 'matched';
  /** the emulated services, in start order; default SERVICES (emulator/services.ts) */
  services?: ServiceFactory[];
  /**
   * The environment's function variables (the console's per-function settings). Default: the local
   * environment comes bound to the pay sandbox's merchant, WX_PAY_SUB_MCH_ID = its merchant number.
   */
  functionEnv?: Record<string, string>;
}

export interface Emulator {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/admin': the serviceUrl for the SDKs */
  adminUrl: string;
  envId: string;
  appid: string;
  dataDir: string;
  /** serve an extra UI/API under a path prefix on the emulator's port (the merchant console) */
  mount(prefix: string, handler: MountedHandler): void;
  /** the local cloud's time, also settable through `POST /_emulator/v1/clock` */
  clock: Clock;
  /** fire a timer trigger now and wait for the invocation */
  fireTimer(functionName: string, triggerName: string): Promise<InvokeResult>;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const envId = options.envId ?? 'local-env';
  const appid = options.appid ?? 'wxlocalappid000001';
  const quiet = options.quiet ?? false;
  const tempDir = options.dataDir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emu-'));
  const dataDir = path.resolve(options.dataDir ?? tempDir!);
  const db = openSqlite(dataDir, options.durability ?? 'full');
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const clock = new Clock();

  const registry = new EmulatorRegistry();
  const ctx: EmulatorContext = { db, envId, appid, quiet, repoRoot: REPO_ROOT, options, clock, adminUrl: () => `http://${host}:${port}/admin`, registry };
  const hub = new Hub(registry, { envId, quiet });
  try {
    for (const factory of options.services ?? SERVICES) registry.register(factory(ctx));
    port = await hub.listen(port, host);
  } catch (e) {
    await registry.close();
    db.close();
    throw e;
  }
  const url = `http://${host}:${port}`;
  let stopped = false;
  return {
    port,
    url,
    adminUrl: `${url}/admin`,
    envId,
    appid,
    dataDir,
    clock,
    mount: (prefix, handler) => hub.mount(prefix, handler),
    fireTimer: (fn, trigger) => registry.get<FunctionsService>('functions').fireTimer(fn, trigger),
    async stop() {
      if (stopped) return;
      stopped = true;
      await registry.close();
      await hub.close();
      db.close();
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
