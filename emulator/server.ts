/**
 * The hub: one HTTP server, one port. It knows no service by name; it dispatches through the
 * registry (emulator/registry.ts):
 *   POST <any path> (JSON)                control plane: `action` → the service that claimed it
 *   POST <any path> (multipart)           multipart actions (wx.openApi, wx.wxPayApi)
 *   *    /_emulator/v1/...                local control routes (not part of CloudBase)
 *   *    other paths                      services' data-plane routes (storage upload/download)
 *   GET  upgrade to a websocket          services' upgrade routes (realtime), each guarded by its service
 * Every control-plane reply is HTTP 200 + JSON (or bytes for multipart actions); every
 * failure is caught here, so bad input can never crash the process.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloudBaseError, Errors, toCloudBaseError } from './util/errors';
import { BodyTooLarge, errorEnvelope, parseMultipart, readBody, sendBytes, sendJson } from './util/http';
import { newRequestId } from './util/ids';
import type { EmulatorRegistry, Reply, Route, RouteRequest } from './registry';
import type { Doc } from './util/ejson';
import { guardRequest } from '../security/guard';

export interface HubOptions {
  envId: string;
  quiet: boolean;
}

/** Control-plane request cap. Documents are separately capped at 16 MB (docs/reference/platform-limits.md §9.3). */
const MAX_BODY = 48 * 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/v1';

/** A handler for an extra UI or API mounted beside the emulator (e.g. the merchant console). */
export type MountedHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Hub {
  readonly server: http.Server;
  private readonly mounts: { prefix: string; handler: MountedHandler }[] = [];
  constructor(
    private readonly registry: EmulatorRegistry,
    private readonly o: HubOptions,
  ) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((e) => {
        if (!o.quiet) console.error('[emulator] unhandled', e);
        sendJson(res, 200, errorEnvelope(newRequestId(), toCloudBaseError(e)));
      });
    });
    // The SDK's keep-alive agent reuses sockets for 4.8 s; stay open well beyond that (docs/reference/cloudbase-wire-protocol.md §2.3).
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.requestTimeout = 0;
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const target = this.registry.upgrade(path);
      if (!target) return void socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      socket.on('error', () => socket.destroy());
      target.handle(req, socket, head);
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections?.();
    });
  }

  /** Serves `prefix` and everything below it with `handler` (checked before the emulator's own routes). */
  mount(prefix: string, handler: MountedHandler): void {
    this.mounts.push({ prefix: prefix.replace(/\/+$/, ''), handler });
  }

  private baseUrl(req: http.IncomingMessage): string {
    return `http://${req.headers.host ?? '127.0.0.1'}`;
  }

  /** Entry point of every request. */
  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!guardRequest(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const method = req.method ?? 'GET';
    const mounted = this.mounts.find((m) => p === m.prefix || p.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.handler(req, res);
    if (p.startsWith(`${CONTROL_PREFIX}/`)) return this.local(req, res, url);
    const data = this.registry.route(method, p, false);
    if (data) return send(res, await data.route.handle(this.routeRequest(req, url, data.params)));
    if (method !== 'POST') return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${method} ${p}` } });
    return this.controlPlane(req, res);
  }

  private routeRequest(req: http.IncomingMessage, url: URL, params: string[]): RouteRequest {
    return {
      req,
      url,
      params,
      baseUrl: this.baseUrl(req),
      raw: (max = MAX_BODY) => readBody(req, max),
      json: async () => {
        const raw = await readBody(req, MAX_BODY);
        if (raw.length === 0) return {};
        const v = JSON.parse(raw.toString('utf8'));
        if (!v || typeof v !== 'object') throw new Error('body must be a JSON object');
        return v;
      },
    };
  }

  private async controlPlane(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const fail = (e: unknown) => sendJson(res, 200, errorEnvelope(requestId, toCloudBaseError(e)));
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY);
    } catch (e) {
      if (e instanceof BodyTooLarge) return fail(Errors.exceedLimit(e.message));
      return fail(e);
    }
    const ctype = String(req.headers['content-type'] ?? '');
    if (ctype.startsWith('multipart/form-data')) return this.multipart(raw, ctype, req, res, requestId);
    let body: Doc;
    try {
      body = JSON.parse(raw.toString('utf8'));
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
    } catch (e) {
      return fail(Errors.invalidParam(`malformed request body: ${(e as Error).message}`));
    }
    const action = String(body.action ?? '');
    try {
      this.checkEnv(body.envName);
      const handler = this.registry.action(action);
      if (!handler) throw Errors.invalidParam(`unsupported action ${action || '(none)'}`);
      const r = await handler(body, { baseUrl: this.baseUrl(req), headers: req.headers });
      return sendJson(res, 200, { requestId, ...r });
    } catch (e) {
      return fail(e);
    }
  }

  /**
   * One environment per local cloud. No env id means the account's default environment (what the
   * SDKs do when init() names none); any other id is an environment this account does not have.
   */
  private checkEnv(envName: unknown): void {
    if (typeof envName === 'string' && envName && envName !== this.o.envId) throw Errors.invalidEnv(envName);
  }

  private async multipart(raw: Buffer, ctype: string, req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
    let parts;
    try {
      parts = parseMultipart(raw, ctype);
    } catch (e) {
      return sendJson(res, 200, errorEnvelope(requestId, Errors.invalidParam(`malformed multipart body: ${(e as Error).message}`)));
    }
    const action = parts.get('action')?.data.toString('utf8');
    try {
      this.checkEnv(parts.get('envName')?.data.toString('utf8'));
      const handler = action ? this.registry.multipartAction(action) : undefined;
      if (!handler) throw Errors.invalidParam(`unsupported action ${action ?? '(none)'}`);
      return send(res, await handler(parts, { baseUrl: this.baseUrl(req), headers: req.headers }));
    } catch (e) {
      // TCB-level errors for multipart actions: the exact JSON content type makes the SDK parse them (docs/reference/cloudbase-wire-protocol.md §10.4).
      const err = e instanceof CloudBaseError ? e : toCloudBaseError(e);
      return sendJson(res, 200, errorEnvelope(requestId, err));
    }
  }

  // ---- /_emulator/v1 -----------------------------------------------------------------------

  private async local(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.slice(CONTROL_PREFIX.length);
    const method = req.method ?? 'GET';
    try {
      if (method === 'GET' && (p === '/health' || p === '/status')) {
        return sendJson(res, 200, { ok: true, envId: this.o.envId, ...this.registry.status() });
      }
      const found: { route: Route; params: string[] } | undefined = this.registry.route(method, p, true);
      if (found) return send(res, await found.route.handle(this.routeRequest(req, url, found.params)));
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${method} ${CONTROL_PREFIX}${p}` } });
    } catch (e) {
      const err = e instanceof BodyTooLarge ? Errors.exceedLimit(e.message) : e instanceof SyntaxError ? Errors.invalidParam(`malformed JSON: ${e.message}`) : toCloudBaseError(e);
      return sendJson(res, 400, { error: { code: err.code, message: err.message } });
    }
  }
}

function send(res: http.ServerResponse, r: Reply): void {
  if ('json' in r) return sendJson(res, r.status ?? 200, r.json);
  if (r.bytes.length === 0 && !r.contentType) {
    res.writeHead(r.status ?? 200, { 'content-length': 0 });
    return void res.end();
  }
  return sendBytes(res, r.status ?? 200, r.bytes, r.contentType);
}
