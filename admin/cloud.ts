/**
 * One way to reach a cloud environment from the merchant tools (CLI and console): the real
 * `@cloudbase/node-sdk`, pointed either at the local cloud (emulator/, `serviceUrl = <url>/admin`) or at a
 * real CloudBase environment (credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY /
 * TENCENTCLOUD_SESSIONTOKEN, as the SDK itself reads them).
 */
import tcb from '@cloudbase/node-sdk';
import type { RawInvoke } from '../typings/api';
import { merchantEvent, merchantKeyFor } from './merchant-key';

export type CloudApp = ReturnType<typeof tcb.init>;
export type Database = ReturnType<CloudApp['database']>;

/** The local cloud's port: `CLOUD_PORT`, as `npm start` reads it, else 9777. */
export function localCloudPort(): number {
  return Number(process.env.CLOUD_PORT || 9777);
}

/** Where the merchant tools find the local cloud: `CLOUD_URL`, else 127.0.0.1 on `CLOUD_PORT`. */
export function defaultCloudUrl(): string {
  return process.env.CLOUD_URL || `http://127.0.0.1:${localCloudPort()}`;
}

export interface CloudTarget {
  /** `local`: the emulator at `cloudUrl`; `remote`: the real environment `envId`. */
  kind: 'local' | 'remote';
  envId: string;
  /** Base URL of the local cloud (no trailing slash), only for `local`. */
  cloudUrl?: string;
}

export interface Cloud {
  target: CloudTarget;
  app: CloudApp;
  db: Database;
}

/** Opens the SDK on a target. For the local cloud the credentials are dummies (the emulator ignores them). */
export function connect(target: CloudTarget): Cloud {
  if (target.kind === 'local') {
    if (!target.cloudUrl) throw new Error('local target needs cloudUrl');
    // Without this the SDK probes Tencent's metadata server before every request (docs/reference/cloudbase-wire-protocol.md §12.1).
    if (!process.env.TENCENTCLOUD && !process.env.TENCENTCLOUD_RUNENV) process.env.TENCENTCLOUD = 'true';
    const app = tcb.init({
      env: target.envId,
      serviceUrl: `${stripSlash(target.cloudUrl)}/admin`,
      secretId: 'local',
      secretKey: 'local',
      timeout: 60_000,
    });
    return { target, app, db: app.database() };
  }
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) {
    throw new UsageError(
      `--env ${target.envId} needs credentials: set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for temporary keys)`,
    );
  }
  const sessionToken = process.env.TENCENTCLOUD_SESSIONTOKEN;
  const app = tcb.init({ env: target.envId, secretId, secretKey, ...(sessionToken ? { sessionToken } : {}), timeout: 60_000 });
  return { target, app, db: app.database() };
}

/**
 * Resolves the env id of a local cloud: the emulator tells it on its health endpoint; any id works
 * with the emulator otherwise.
 */
export async function localTarget(cloudUrl: string, envId?: string): Promise<CloudTarget> {
  const url = stripSlash(cloudUrl);
  if (envId) return { kind: 'local', envId, cloudUrl: url };
  let found: string | undefined;
  try {
    const res = await fetch(`${url}/_emulator/v1/health`);
    if (res.ok) {
      const body = (await res.json()) as { envId?: unknown; env?: unknown };
      const id = body.envId ?? body.env;
      if (typeof id === 'string' && id) found = id;
    }
  } catch (error) {
    throw new UsageError(`cannot reach the local cloud at ${url} (${(error as Error).message}); start it with \`npm start\` or pass --cloud <url>`);
  }
  return { kind: 'local', envId: found ?? 'local', cloudUrl: url };
}

export function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** An error the user caused (bad arguments, missing file): printed without a stack, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Runs `work` over `items` with at most `limit` in flight. Rejects with the first error after in-flight work settles. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: unknown = null;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i], i);
      } catch (error) {
        if (failed === null) failed = error ?? new Error('failed');
      }
    }
  });
  await Promise.all(runners);
  if (failed !== null) throw failed;
  return results;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads every document of a query, 1000 at a time (the SDK's cap). */
export async function readAll(db: Database, collection: string, where?: object, orderBy?: [string, 'asc' | 'desc']): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const PAGE = 1000;
  for (let skip = 0; ; skip += PAGE) {
    let q = db.collection(collection).where(where ?? {});
    if (orderBy) q = q.orderBy(orderBy[0], orderBy[1]);
    q = q.orderBy('_id', 'asc');
    const res = (await q.skip(skip).limit(PAGE).get()) as { data?: Record<string, unknown>[]; code?: string; message?: string };
    throwIfCode(res);
    const data = res.data ?? [];
    out.push(...data);
    if (data.length < PAGE) return out;
  }
}

/** node-sdk resolves some failures as `{code, message}` instead of throwing; make them throw. */
export function throwIfCode(res: unknown): void {
  if (res && typeof res === 'object' && 'code' in res && (res as { code?: unknown }).code) {
    const { code, message } = res as { code: unknown; message?: unknown };
    throw new Error(`${String(code)}: ${String(message ?? '')}`);
  }
}

/**
 * Calls a cloud function as the merchant: the environment's credentials (no OPENID) plus the merchant
 * key (admin/merchant-key.ts), for callAction. The one way the merchant tools call functions.
 */
export function invokeFunction(cloud: Cloud): RawInvoke {
  return async (name, event) => {
    const data = merchantEvent(event as Record<string, unknown>, merchantKeyFor(cloud.target));
    const res = (await cloud.app.callFunction({ name, data })) as { result?: unknown; code?: string; message?: string };
    throwIfCode(res);
    return res.result;
  };
}
