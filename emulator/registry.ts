/**
 * The service interface and the registry. Each emulated CloudBase service (database, functions,
 * storage, open API, pay, …) is one `EmulatedService`: it owns its wire-protocol actions, its data
 * plane and `/_emulator/v1` routes, its SQLite tables (created by the service itself) and its
 * shutdown. The hub knows none of them by name; it dispatches through the registry.
 * (The shape follows the Firebase Local Emulator Suite's EmulatorInstance/EmulatorRegistry idea.)
 *
 * Adding an emulated API = a folder with a `ServiceFactory`, its test, and one line in
 * `SERVICES` (emulator/services.ts).
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Sqlite } from './database/sqlite';
import type { Doc } from './util/ejson';
import type { MultipartPart } from './util/http';
import type { EmulatorOptions } from './index';
import type { Clock } from './util/clock';

/** What a JSON action returns: top-level envelope fields, merged beside `requestId`. */
export type ActionReply = Record<string, unknown>;

/** A wire-protocol JSON action (`POST /admin {action: 'database.getDocument', …}`). */
export type JsonAction = (body: Doc, req: ActionRequest) => Promise<ActionReply> | ActionReply;

export interface ActionRequest {
  /** http://<host the client used> — for URLs handed back to the client (temp file URLs) */
  baseUrl: string;
  headers: http.IncomingHttpHeaders;
}

/** A multipart action (`wx.openApi`, `wx.wxPayApi`); answers raw bytes. Throw a CloudBaseError for a TCB-level error. */
export type MultipartAction = (parts: Map<string, MultipartPart>, req: ActionRequest) => Promise<BytesReply> | BytesReply;

export interface BytesReply {
  status?: number;
  bytes: Buffer;
  contentType: string;
}
export interface JsonReply {
  status?: number;
  json: unknown;
}
export type Reply = BytesReply | JsonReply;

export interface RouteRequest {
  req: http.IncomingMessage;
  url: URL;
  /** the route pattern's capture groups, URI-decoded */
  params: string[];
  baseUrl: string;
  /** the body as JSON ({} when empty); malformed JSON answers INVALID_PARAM */
  json(): Promise<Doc>;
  /** the raw body, refused over `max` bytes (default: the hub's control-plane cap) */
  raw(max?: number): Promise<Buffer>;
}

export interface Route {
  method: string | string[];
  /**
   * Matched against the path. For `control` routes the path is relative to `/_emulator/v1`
   * (errors answer 4xx `{error: {code, message}}`); otherwise the full path (data plane).
   */
  path: RegExp;
  control?: boolean;
  handle(r: RouteRequest): Promise<Reply> | Reply;
}

/** A websocket endpoint on the data plane (exact path); the handler completes or refuses the upgrade. */
export interface UpgradeRoute {
  path: string;
  handle(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface EmulatedService<Api = unknown> {
  readonly name: string;
  /** what other services and startEmulator() use (e.g. the FunctionsService instance) */
  readonly api: Api;
  /** exact action names on the JSON control plane */
  readonly actions?: Record<string, JsonAction>;
  readonly multipartActions?: Record<string, MultipartAction>;
  readonly routes?: Route[];
  readonly upgrades?: UpgradeRoute[];
  /** merged into GET /_emulator/v1/health */
  status?(): Record<string, unknown>;
  /** stop timers and workers, abort open work; called in reverse registration order */
  close?(): void | Promise<void>;
}

/** Everything a service may need to build itself. */
export interface EmulatorContext {
  db: Sqlite;
  envId: string;
  appid: string;
  quiet: boolean;
  repoRoot: string;
  options: EmulatorOptions;
  /** the local cloud's time: every service dates things with it (see util/clock.ts) */
  clock: Clock;
  /** http://host:port/admin — known only once the hub listens, hence a function */
  adminUrl(): string;
  registry: EmulatorRegistry;
}

export type ServiceFactory = (ctx: EmulatorContext) => EmulatedService;

export class EmulatorRegistry {
  private readonly services: EmulatedService[] = [];
  private readonly jsonActions = new Map<string, JsonAction>();
  private readonly multipart = new Map<string, MultipartAction>();

  register(s: EmulatedService): void {
    if (this.services.some((x) => x.name === s.name)) throw new Error(`emulated service ${s.name} registered twice`);
    for (const [name, fn] of Object.entries(s.actions ?? {})) this.claim(this.jsonActions, name, fn, s.name);
    for (const [name, fn] of Object.entries(s.multipartActions ?? {})) this.claim(this.multipart, name, fn, s.name);
    this.services.push(s);
  }

  private claim<T>(map: Map<string, T>, action: string, fn: T, owner: string) {
    if (map.has(action)) throw new Error(`action ${action} claimed twice (by ${owner})`);
    map.set(action, fn);
  }

  /** The api object of a registered service: `registry.get<FunctionsService>('functions')`. */
  get<Api>(name: string): Api {
    const s = this.services.find((x) => x.name === name);
    if (!s) throw new Error(`emulated service ${name} is not registered`);
    return s.api as Api;
  }

  has(name: string): boolean {
    return this.services.some((x) => x.name === name);
  }

  names(): string[] {
    return this.services.map((s) => s.name);
  }

  action(name: string): JsonAction | undefined {
    return this.jsonActions.get(name);
  }

  multipartAction(name: string): MultipartAction | undefined {
    return this.multipart.get(name);
  }

  /** The first route whose method and pattern match, with its decoded captures. */
  route(method: string, path: string, control: boolean): { route: Route; params: string[] } | undefined {
    for (const s of this.services) {
      for (const route of s.routes ?? []) {
        if (!!route.control !== control) continue;
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        if (!methods.includes(method)) continue;
        const m = route.path.exec(path);
        if (m) return { route, params: m.slice(1).map((x) => safeDecode(x ?? '')) };
      }
    }
    return undefined;
  }

  upgrade(path: string): UpgradeRoute | undefined {
    for (const s of this.services) {
      const found = s.upgrades?.find((u) => u.path === path);
      if (found) return found;
    }
    return undefined;
  }

  status(): Record<string, unknown> {
    return Object.assign({}, ...this.services.map((s) => s.status?.() ?? {}));
  }

  async close(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.close?.();
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
