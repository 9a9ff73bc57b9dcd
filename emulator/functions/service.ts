/**
 * FunctionsService: runs `<functionsDir>/<name>/index.js` handlers in the worker pool with the
 * per-invocation environment of docs/reference/cloudbase-wire-protocol.md §11.2, so unmodified functions
 * (`cloud.init({env: cloud.DYNAMIC_CURRENT_ENV})`) reach this emulator and see their caller's
 * OPENID through getWXContext(). Also: timer triggers, nested calls, invocation log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkerPool, type WorkerOutcome } from './pool';
import { InvocationLog } from './logs';
import { parseCron, cronMatches, type Cron } from './cron';
import { CloudBaseError } from '../util/errors';
import type { Sqlite } from '../database/sqlite';
import type { Clock } from '../util/clock';

export interface Caller {
  openid?: string;
  appid?: string;
  unionid?: string;
  /** SOURCE chain: wx_client, wx_devtools, wx_trigger, wx_paycallback, "<chain>,scf"… */
  source?: string;
  clientIp?: string;
}

export interface FunctionConfig {
  timeout?: number;
  triggers?: Array<{ name: string; type: string; config: string }>;
  permissions?: { openapi?: string[] };
  handler?: string;
}

/** What an invocation token (wxCloudApiToken) tells us about the SDK call that carries it. */
export interface ActiveInvocation extends Caller {
  functionName: string;
  requestId: string;
  depth: number;
}

export interface FunctionsOptions {
  functionsDir: string;
  envId: string;
  appid: string;
  adminUrl: () => string;
  maxWorkersPerFunction: number;
  defaultTimeoutMs: number;
  timers: boolean;
  /** propagate OPENID/APPID/UNIONID through function → function calls (unverified on the real platform) */
  propagateIdentity: boolean;
  maxDepth: number;
  quiet: boolean;
  /** the local cloud's time: what handlers see as Date.now() / new Date(), and what drives timer triggers */
  clock: Clock;
  /** the environment's function variables, set on every function (like the console's configuration) */
  functionEnv?: Record<string, string>;
  /** called with the invocation's token when its worker was killed (timeout, crash) */
  onWorkerKilled?: (token: string) => void;
}

export type InvokeResult = { ok: true; result: unknown; requestId: string } | { ok: false; error: CloudBaseError; requestId: string };

const SYNC_LIMIT = 6 * 1024 * 1024;
/** How far back a forward jump of the clock is searched for due timer triggers (one day). */
const MAX_CATCH_UP_S = 24 * 3600;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

export class FunctionsService {
  private pool: WorkerPool;
  readonly log: InvocationLog;
  private tokens = new Map<string, ActiveInvocation>();
  private timer?: NodeJS.Timeout;
  private lastTick = 0;

  constructor(db: Sqlite, private readonly opts: FunctionsOptions) {
    this.log = new InvocationLog(db);
    this.pool = new WorkerPool(opts.maxWorkersPerFunction, () => this.baseEnv(), () => this.workerClock());
    opts.clock.onChange(() => this.pool.broadcastClock());
    if (opts.timers) this.startTimers();
  }

  /** Looks up the invocation behind a wxCloudApiToken (nested calls, open-API caller, pay). */
  byToken(token: unknown): ActiveInvocation | undefined {
    return typeof token === 'string' && token ? this.tokens.get(token) : undefined;
  }

  /**
   * Who a `functions.invokeFunction` call runs as. From inside a function (its token identifies
   * it): the caller's identity (configurable, §11.5) and SOURCE "<caller SOURCE>,scf" — the SDK
   * builds x-tcb-source from TCB_SOURCE exactly that way. From an admin script: nobody, wx_http.
   */
  nestedCaller(parent: ActiveInvocation | undefined, xTcbSource: string): Caller {
    if (!parent) return { source: 'wx_http' };
    const incoming = xTcbSource.replace(/^,/, '');
    const source = incoming && !incoming.startsWith('tencentcloud') ? incoming : `${parent.source ?? 'wx_unknown'},scf`;
    if (!this.opts.propagateIdentity) return { source };
    return { openid: parent.openid, appid: parent.appid, unionid: parent.unionid, source };
  }

  private baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (/^(WX_|TCB_|TENCENTCLOUD|SCF_|JEST_|TRIGGER_SRC)/.test(k)) continue;
      env[k] = v;
    }
    Object.assign(env, {
      TENCENTCLOUD_RUNENV: 'SCF', // no metadata probe (§12.1)
      TENCENTCLOUD_REGION: 'ap-shanghai',
      TENCENTCLOUD_SECRETID: 'local-dummy-id', // the SDK crashes the process without them (§3)
      TENCENTCLOUD_SECRETKEY: 'local-dummy-key',
      TCB_ENV: this.opts.envId,
      SCF_NAMESPACE: this.opts.envId,
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: this.opts.adminUrl() }),
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_FROM_OPENID,WX_FROM_APPID,WX_FROM_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6,WX_API_TOKEN,WX_TRIGGER_API_TOKEN_V0',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
      SILENCE: 'true',
      NODE_ENV: process.env.NODE_ENV === 'test' ? 'test' : process.env.NODE_ENV ?? 'development',
    });
    Object.assign(env, this.opts.functionEnv ?? {});
    return env;
  }

  functionDir(name: string): string | undefined {
    if (!NAME_RE.test(name)) return undefined;
    const dir = path.join(this.opts.functionsDir, name);
    return fs.existsSync(path.join(dir, 'index.js')) ? dir : undefined;
  }

  readConfig(name: string): FunctionConfig {
    const file = path.join(this.opts.functionsDir, name, 'config.json');
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return {};
    }
  }

  listFunctions(): string[] {
    if (!fs.existsSync(this.opts.functionsDir)) return [];
    return fs.readdirSync(this.opts.functionsDir).filter((n) => this.functionDir(n));
  }

  /**
   * Invokes a function. `event` is the user payload; `userInfo` is injected for client calls
   * (what the platform does for wx.cloud.callFunction).
   */
  async invoke(
    name: string,
    event: unknown,
    caller: Caller,
    opts: { parent?: ActiveInvocation; trigger?: string; injectUserInfo?: boolean } = {},
  ): Promise<InvokeResult> {
    const requestId = randomBytes(16).toString('hex');
    const started = Date.now();
    const dir = this.functionDir(name);
    if (!dir) {
      // CloudBase's code for a function the environment does not have (its own SDK tests expect it).
      return { ok: false, requestId, error: new CloudBaseError('FUNCTION_NOT_FOUND', `[ResourceNotFound.Function] function not found: ${name}`) };
    }
    const depth = (opts.parent?.depth ?? 0) + 1;
    if (depth > this.opts.maxDepth) {
      return { ok: false, requestId, error: new CloudBaseError('FUNCTIONS_EXECUTE_FAIL', `[LimitExceeded] function call depth exceeds ${this.opts.maxDepth}`) };
    }
    // SCF caps synchronous requests and responses at 6 MB (docs/reference/platform-limits.md §9.4).
    const eventSize = Buffer.byteLength(JSON.stringify(event ?? {}) ?? '');
    if (eventSize > SYNC_LIMIT) {
      return { ok: false, requestId, error: new CloudBaseError('EXCEED_REQUEST_LIMIT', `[LimitExceeded] request data of ${eventSize} bytes exceeds 6 MB`) };
    }
    const config = this.readConfig(name);
    const timeoutMs = Math.max(1, Number(config.timeout) > 0 ? Number(config.timeout) * 1000 : this.opts.defaultTimeoutMs);
    const [fileBase, handlerName] = (config.handler ?? 'index.main').split('.');
    const file = path.join(dir, `${fileBase}.js`);
    const token = `inv-${randomBytes(12).toString('hex')}`;
    const appid = caller.appid ?? this.opts.appid;
    const active: ActiveInvocation = { ...caller, appid, functionName: name, requestId, depth };
    this.tokens.set(token, active);

    const env: Record<string, string> = {
      TCB_SOURCE: caller.source ?? 'wx_unknown',
      TCB_SEQID: requestId,
      SCF_FUNCTIONNAME: name,
    };
    if (caller.openid) env.WX_OPENID = caller.openid;
    if (appid) env.WX_APPID = appid;
    if (caller.unionid) env.WX_UNIONID = caller.unionid;
    if (caller.clientIp) env.WX_CLIENTIP = caller.clientIp;
    if (opts.parent?.openid) env.WX_FROM_OPENID = opts.parent.openid;
    if (opts.trigger) {
      env.TRIGGER_SRC = 'timer';
      env.WX_TRIGGER_API_TOKEN_V0 = token;
    } else env.WX_API_TOKEN = token;

    let payload: unknown = event ?? {};
    if (opts.injectUserInfo && payload && typeof payload === 'object' && !Array.isArray(payload)) {
      payload = { ...(payload as object), userInfo: { appId: appid, openId: caller.openid } };
    }
    const context = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      memory_limit_in_mb: 256,
      time_limit_in_ms: timeoutMs,
      namespace: this.opts.envId,
      tencentcloud_region: 'ap-shanghai',
      environ: Object.entries(env)
        .filter(([k]) => !k.includes('TOKEN'))
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
      callbackWaitsForEmptyEventLoop: false,
    };

    let outcome: WorkerOutcome;
    try {
      outcome = await this.pool.invoke(name, dir, { file, handlerName: handlerName || 'main', event: payload, context, env }, timeoutMs, depth > 1);
    } catch (e) {
      outcome = { ok: false, error: (e as Error).message, logs: '' };
    } finally {
      this.tokens.delete(token);
    }
    if (!outcome.ok && (outcome.timedOut || outcome.crashed)) this.opts.onWorkerKilled?.(token);
    if (outcome.ok && outcome.result.length > SYNC_LIMIT) {
      outcome = { ok: false, error: `response size ${outcome.result.length} bytes exceeds the 6 MB limit`, logs: outcome.logs };
    }
    const durationMs = Date.now() - started;
    this.log.add({
      requestId,
      functionName: name,
      openid: caller.openid,
      source: caller.source,
      trigger: opts.trigger,
      startedAt: started,
      durationMs,
      ok: outcome.ok,
      result: outcome.ok ? outcome.result : undefined,
      error: outcome.ok ? undefined : outcome.error,
      logs: outcome.logs,
    });
    if (!this.opts.quiet && outcome.logs) process.stdout.write(outcome.logs.replace(/^/gm, `[fn ${name}] `));
    if (outcome.ok) {
      let result: unknown = null;
      try {
        result = JSON.parse(outcome.result);
      } catch {
        result = outcome.result;
      }
      return { ok: true, result, requestId };
    }
    // The real platform's text: "errCode: -1 | errMsg: <error>"; callers see it after "callFunction:fail ".
    return { ok: false, requestId, error: new CloudBaseError('FUNCTIONS_EXECUTE_FAIL', `errCode: -1 | errMsg: ${outcome.error}`) };
  }

  /** The clock as a worker installs it: a frozen instant, or an offset from real time. */
  private workerClock(): { offsetMs: number; frozenAt: number | null } {
    const st = this.opts.clock.state();
    return { offsetMs: st.offsetMs, frozenAt: st.frozen ? st.now : null };
  }

  // ---- timer triggers ----------------------------------------------------------------------

  /** Timer triggers declared in config.json (`triggers: [{name, type: 'timer', config}]`). */
  timerTriggers(): Array<{ fn: string; name: string; cron: Cron }> {
    const out: Array<{ fn: string; name: string; cron: Cron }> = [];
    for (const fn of this.listFunctions()) {
      for (const t of this.readConfig(fn).triggers ?? []) {
        if (t?.type !== 'timer' || typeof t.config !== 'string') continue;
        try {
          out.push({ fn, name: t.name, cron: parseCron(t.config) });
        } catch (e) {
          if (!this.opts.quiet) console.warn(`[emulator] ignoring trigger ${fn}/${t.name}: ${(e as Error).message}`);
        }
      }
    }
    return out;
  }

  /** Fires one timer trigger now (tests call this for determinism) and returns the outcome. */
  async fireTimer(fn: string, triggerName: string): Promise<InvokeResult> {
    const trig = (this.readConfig(fn).triggers ?? []).find((t) => t.name === triggerName && t.type === 'timer');
    if (!trig) {
      return { ok: false, requestId: '', error: new CloudBaseError('FUNCTIONS_REQUEST_FAIL', `[ResourceNotFound.Trigger] no timer trigger ${triggerName} on ${fn}`) };
    }
    const event = { Type: 'Timer', TriggerName: triggerName, Time: this.opts.clock.date().toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: '' };
    return this.invoke(fn, event, { source: 'wx_trigger' }, { trigger: triggerName });
  }

  /**
   * Evaluates each second of the local cloud's clock once. When the clock jumps forward, every trigger
   * due at least once in the skipped span fires once (runs are coalesced, not replayed); a jump
   * backwards fires nothing until the clock passes the last evaluated second again.
   */
  private startTimers() {
    this.lastTick = Math.floor(this.opts.clock.now() / 1000);
    this.timer = setInterval(() => this.tick(), 250);
    this.timer.unref?.();
  }

  private tick() {
    const nowS = Math.floor(this.opts.clock.now() / 1000);
    if (nowS <= this.lastTick) return;
    const from = Math.max(this.lastTick + 1, nowS - MAX_CATCH_UP_S);
    this.lastTick = nowS;
    let triggers: ReturnType<FunctionsService['timerTriggers']>;
    try {
      triggers = this.timerTriggers();
    } catch {
      return;
    }
    for (const t of triggers) {
      for (let s = from; s <= nowS; s++) {
        if (cronMatches(t.cron, new Date(s * 1000))) {
          void this.fireTimer(t.fn, t.name).catch(() => undefined);
          break;
        }
      }
    }
  }

  close() {
    if (this.timer) clearInterval(this.timer);
    this.pool.close();
    this.log.flush();
  }
}
