/**
 * The hub: one HTTP server, one port. Routes
 *   POST <any path>                       control plane (the SDKs' JSON/multipart actions)
 *   PUT  /__storage_upload/<path>         storage data plane (upload)
 *   GET  /__storage/<raw path>            storage data plane (temp URLs)
 *   *    /_emulator/v1/...                local endpoints (not part of CloudBase)
 * Every control-plane reply is HTTP 200 + JSON (or protobuf bytes for wx.openApi); every
 * failure is caught here, so bad input can never crash the process.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudBaseError, Errors, toCloudBaseError } from './util/errors';
import { BodyTooLarge, errorEnvelope, parseMultipart, readBody, sendBytes, sendJson } from './util/http';
import { newRequestId } from './util/ids';
import type { DatabaseService } from './database/service';
import type { FunctionsService } from './functions/service';
import { StorageService, DOWNLOAD_PREFIX, UPLOAD_PREFIX } from './storage/service';
import type { OpenApiService } from './openapi/service';
import type { PayService } from './pay/service';
import { encodeResp } from './openapi/proto';
import { exportCollection, importCollection } from './database/importexport';
import type { Doc } from './util/ejson';

export interface Services {
  envId: string;
  database: DatabaseService;
  functions: FunctionsService;
  storage: StorageService;
  openapi: OpenApiService;
  pay: PayService;
  quiet: boolean;
}

/** Control-plane request cap. Documents are separately capped at 16 MB (platform-limits §9.3). */
const MAX_BODY = 48 * 1024 * 1024;
const MAX_UPLOAD = 100 * 1024 * 1024;

/** A handler for an extra UI or API mounted beside the emulator (e.g. the merchant console). */
export type MountedHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Hub {
  readonly server: http.Server;
  private readonly mounts: { prefix: string; handler: MountedHandler }[] = [];
  constructor(private readonly s: Services) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((e) => {
        if (!s.quiet) console.error('[emulator] unhandled', e);
        sendJson(res, 200, errorEnvelope(newRequestId(), toCloudBaseError(e)));
      });
    });
    // The SDK's keep-alive agent reuses sockets for 4.8 s; stay open well beyond that (§2.3).
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.requestTimeout = 0;
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

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const mounted = this.mounts.find((m) => p === m.prefix || p.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.handler(req, res);
    if (p.startsWith('/_emulator/v1/')) return this.local(req, res, url);
    if (p.startsWith(UPLOAD_PREFIX) && (req.method === 'PUT' || req.method === 'POST')) {
      const body = await readBody(req, MAX_UPLOAD);
      this.s.storage.write(StorageService.decodePath(p, UPLOAD_PREFIX), body, req.headers['content-type']);
      res.writeHead(200, { 'content-length': 0 });
      return void res.end(); // empty body = success for the SDK's COS client (§9.1)
    }
    if (p.startsWith(DOWNLOAD_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const f = this.s.storage.read(StorageService.decodePath(p, DOWNLOAD_PREFIX));
      if (!f) {
        const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
        return sendBytes(res, 404, Buffer.from(xml), 'application/xml');
      }
      return sendBytes(res, 200, f.content, f.contentType || 'application/octet-stream');
    }
    if (req.method !== 'POST') return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${p}` } });
    return this.controlPlane(req, res);
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
    if (ctype.startsWith('multipart/form-data')) return this.multipart(raw, ctype, res, requestId);
    let body: Doc;
    try {
      body = JSON.parse(raw.toString('utf8'));
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
    } catch (e) {
      return fail(Errors.invalidParam(`malformed request body: ${(e as Error).message}`));
    }
    const action = String(body.action ?? '');
    try {
      if (action.startsWith('database.')) {
        const r = await this.s.database.handle(action, body);
        return sendJson(res, 200, { requestId, ...(r.top ?? {}), ...(r.data !== undefined ? { data: r.data } : {}) });
      }
      if (action.startsWith('storage.')) {
        const r = await this.s.storage.handle(action, body, this.baseUrl(req));
        return sendJson(res, 200, { requestId, ...r });
      }
      if (action === 'functions.invokeFunction') return await this.invokeFromSdk(body, req, res, requestId);
      throw Errors.invalidParam(`unsupported action ${action || '(none)'}`);
    } catch (e) {
      return fail(e);
    }
  }

  /** functions.invokeFunction: from an admin script, or nested from inside a running function. */
  private async invokeFromSdk(body: Doc, req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
    const name = String(body.function_name ?? '');
    let event: unknown = {};
    if (typeof body.request_data === 'string' && body.request_data) {
      try {
        event = JSON.parse(body.request_data);
      } catch {
        throw Errors.invalidParam('request_data is not valid JSON');
      }
    }
    const parent = this.s.functions.byToken(body.wxCloudApiToken);
    const caller = this.s.functions.nestedCaller(parent, String(req.headers['x-tcb-source'] ?? ''));
    const r = await this.s.functions.invoke(name, event, caller, { parent });
    if (!r.ok) return sendJson(res, 200, errorEnvelope(requestId, r.error));
    return sendJson(res, 200, { requestId, data: { response_data: JSON.stringify(r.result) } });
  }

  private async multipart(raw: Buffer, ctype: string, res: http.ServerResponse, requestId: string) {
    let parts;
    try {
      parts = parseMultipart(raw, ctype);
    } catch (e) {
      return sendJson(res, 200, errorEnvelope(requestId, Errors.invalidParam(`malformed multipart body: ${(e as Error).message}`)));
    }
    const action = parts.get('action')?.data.toString('utf8');
    const token = parts.get('wxCloudApiToken')?.data.toString('utf8');
    try {
      if (action === 'wx.openApi') {
        const bytes = await this.s.openapi.handle(parts, token);
        return sendBytes(res, 200, bytes, 'application/octet-stream');
      }
      if (action === 'wx.wxPayApi') {
        let data: Doc;
        try {
          data = JSON.parse(parts.get('requestData')?.data.toString('utf8') || '{}');
        } catch {
          throw Errors.invalidParam('requestData is not JSON');
        }
        const apiName = parts.get('apiName')?.data.toString('utf8') ?? '';
        const out = this.s.pay.handle(apiName, data, this.s.functions.byToken(token));
        return sendBytes(res, 200, Buffer.from(JSON.stringify(out)), 'application/octet-stream');
      }
      throw Errors.invalidParam(`unsupported action ${action ?? '(none)'}`);
    } catch (e) {
      // TCB-level errors for multipart actions: the exact JSON content type makes the SDK parse them (§10.4).
      const err = e instanceof CloudBaseError ? e : toCloudBaseError(e);
      if (action === 'wx.openApi' && !(e instanceof CloudBaseError)) {
        return sendBytes(res, 200, encodeResp({ errorCode: -1 }), 'application/octet-stream');
      }
      return sendJson(res, 200, errorEnvelope(requestId, err));
    }
  }

  // ---- /_emulator/v1 -----------------------------------------------------------------------

  private async local(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.slice('/_emulator/v1'.length);
    const readJson = async (): Promise<Doc> => {
      const raw = await readBody(req, MAX_BODY);
      if (raw.length === 0) return {};
      const v = JSON.parse(raw.toString('utf8'));
      if (!v || typeof v !== 'object') throw new Error('body must be a JSON object');
      return v;
    };
    try {
      if (req.method === 'GET' && (p === '/health' || p === '/status')) {
        return sendJson(res, 200, {
          ok: true,
          envId: this.s.envId,
          functions: this.s.functions.listFunctions(),
          collections: this.s.database.store.listCollections(),
        });
      }
      if (req.method === 'GET' && p === '/storage/file') {
        // Lets local viewers (the simulator's <image src="cloud://...">, the console) show a stored file by fileID.
        const stored = this.s.storage.read(this.s.storage.pathOf(url.searchParams.get('fileID')) ?? '');
        if (!stored) return sendJson(res, 404, { error: { code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' } });
        return sendBytes(res, 200, stored.content, stored.contentType || 'application/octet-stream');
      }
      let m = /^\/functions\/([^/:]+):invoke$/.exec(p);
      if (m && req.method === 'POST') {
        const b = await readJson();
        const r = await this.s.functions.invoke(
          decodeURIComponent(m[1]),
          b.event ?? {},
          { openid: b.openid, appid: b.appid, unionid: b.unionid, source: b.source ?? 'wx_client', clientIp: '127.0.0.1' },
          { injectUserInfo: true },
        );
        return sendJson(res, 200, r.ok ? { result: r.result, requestId: r.requestId } : { error: { code: r.error.code, message: r.error.message }, requestId: r.requestId });
      }
      m = /^\/functions\/([^/]+)\/triggers\/([^/:]+):fire$/.exec(p);
      if (m && req.method === 'POST') {
        const r = await this.s.functions.fireTimer(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
        return sendJson(res, 200, r.ok ? { result: r.result, requestId: r.requestId } : { error: { code: r.error.code, message: r.error.message }, requestId: r.requestId });
      }
      if (p === '/logs' && req.method === 'GET') {
        const logs = this.s.functions.log.list({
          functionName: url.searchParams.get('function') ?? undefined,
          openid: url.searchParams.get('openid') ?? undefined,
          limit: Number(url.searchParams.get('limit')) || undefined,
        });
        return sendJson(res, 200, { logs });
      }
      if (p.startsWith('/pay/')) {
        // The pay sandbox owns its local routes (confirm a payment, refund controls, its clock).
        const r = await this.s.pay.route(req.method ?? '', p, req.method === 'POST' ? await readJson() : {});
        if (r) return sendJson(res, r.status, r.body);
      }
      if (p === '/openapi/outbox' && req.method === 'GET') return sendJson(res, 200, { outbox: this.s.openapi.outbox });
      m = /^\/database\/([^/:]+)$/.exec(p);
      if (m && req.method === 'DELETE') {
        // Test helper (like Firebase's "clear data"): empties one collection, keeps it existing.
        const coll = decodeURIComponent(m[1]);
        if (!this.s.database.store.hasCollection(coll)) return sendJson(res, 404, { error: { code: 'DATABASE_COLLECTION_NOT_EXIST', message: coll } });
        return sendJson(res, 200, { deleted: this.s.database.store.clearCollection(coll) });
      }
      m = /^\/database\/([^/:]+):(export|import|explain)$/.exec(p);
      if (m) {
        const coll = decodeURIComponent(m[1]);
        if (m[2] === 'export' && req.method === 'GET') {
          if (!this.s.database.store.hasCollection(coll)) return sendJson(res, 404, { error: { code: 'DATABASE_COLLECTION_NOT_EXIST', message: coll } });
          return sendBytes(res, 200, Buffer.from(exportCollection(this.s.database.store, coll)), 'application/x-ndjson; charset=utf-8');
        }
        if (m[2] === 'import' && req.method === 'POST') {
          const text = (await readBody(req, MAX_BODY)).toString('utf8');
          const mode = url.searchParams.get('mode') === 'insert' ? 'insert' : 'upsert';
          return sendJson(res, 200, importCollection(this.s.database.store, coll, text, mode));
        }
        if (m[2] === 'explain' && req.method === 'POST') {
          const b = await readJson();
          return sendJson(res, 200, this.s.database.store.explain(coll, b.query ?? {}, b.sort));
        }
      }
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} /_emulator/v1${p}` } });
    } catch (e) {
      const err = e instanceof BodyTooLarge ? Errors.exceedLimit(e.message) : e instanceof SyntaxError ? Errors.invalidParam(`malformed JSON: ${e.message}`) : toCloudBaseError(e);
      return sendJson(res, 400, { error: { code: err.code, message: err.message } });
    }
  }
}
