/**
 * The local console: a small web UI over the local cloud, like the CloudBase console's database panel
 * plus the merchant's daily work (products with their problems, a validating product editor, stock,
 * orders, QR codes, function logs).
 *
 *   import { createConsole } from '../console';
 *   const handler = createConsole({ cloudUrl: emu.url, envId: emu.envId });
 *   // inside the emulator's HTTP server: if (req.url.startsWith('/console')) return handler(req, res);
 *
 * The handler is mountable under a prefix (default `/console`, see `basePath`): it accepts both the
 * full URL (`/console/api/...`) and a URL with the prefix already stripped (`/api/...`), and every URL
 * the page uses is relative. With `next`, requests outside the console are passed on.
 *
 * The server side talks to the cloud only through `@cloudbase/node-sdk` (serviceUrl = cloudUrl + /admin)
 * and the emulator's documented local endpoints (`/_emulator/v1/health`, `/_emulator/v1/logs`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, stripSlash, type Cloud } from '../admin/cloud';
import { ConsoleApi, HttpError } from './api';
import { bundleUi } from './bundle';
import { guardRequest, newSecret } from '../security/guard';

export interface ConsoleOptions {
  /** Base URL of the local cloud, e.g. http://127.0.0.1:9777 */
  cloudUrl: string;
  envId: string;
  /** Where the console is mounted; default `/console`. */
  basePath?: string;
  /** The secret every request must carry (see security/guard.ts); default: a new one. */
  secret?: string;
  /**
   * How long the page waits for an answer before it says the server did not answer, in ms: reads
   * (pages) and writes (saves, uploads); defaults in console/ui/client.ts.
   */
  timeouts?: { readMs?: number; writeMs?: number };
}

export type ConsoleHandler = ((req: IncomingMessage, res: ServerResponse, next?: () => void) => void) & {
  /** Print the console's URL with it: `withToken(url, handler.secret)`. */
  readonly secret: string;
};

export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const basePath = stripSlash(options.basePath ?? '/console');
  const cloudUrl = stripSlash(options.cloudUrl);
  let cloud: Cloud | null = null;
  const getCloud = () => (cloud ??= connect({ kind: 'local', envId: options.envId, cloudUrl }));
  const api = new ConsoleApi(getCloud, cloudUrl, options.envId);
  const html = withTimeouts(readFileSync(join(__dirname, 'ui', 'index.html'), 'utf8'), options.timeouts ?? {});
  const secret = options.secret ?? newSecret();

  const handler = (req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://console.local');
    let path = url.pathname;
    if (path === basePath || path.startsWith(`${basePath}/`)) path = path.slice(basePath.length);
    else if (next && !path.startsWith('/api/') && path !== '/' && path !== '/app.js') {
      next();
      return;
    }
    if (!guardRequest(req, res, { secret })) return;
    const handle = async () => {
      if (path === '' ) {
        const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? basePath;
        res.writeHead(302, { location: `${original.split('?')[0]}/` });
        res.end();
        return;
      }
      if (path === '/' || path === '/index.html') {
        send(res, 200, html, 'text/html; charset=utf-8');
        return;
      }
      if (path === '/app.js') {
        send(res, 200, await bundleUi(), 'text/javascript; charset=utf-8');
        return;
      }
      if (path.startsWith('/api/')) {
        const out = await api.handle(req, path.slice('/api'.length), url.searchParams);
        if (out.kind === 'json') send(res, out.status ?? 200, JSON.stringify(out.body), 'application/json; charset=utf-8');
        else send(res, 200, out.body, out.contentType, out.headers);
        return;
      }
      if (next) next();
      else send(res, 404, JSON.stringify({ error: { code: 'NOT_FOUND', message: `no console page ${path}` } }), 'application/json; charset=utf-8');
    };
    handle().catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof HttpError) {
        send(res, error.status, JSON.stringify({ error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } }), 'application/json; charset=utf-8');
        return;
      }
      const e = error as { code?: unknown; message?: unknown };
      send(res, 500, JSON.stringify({ error: { code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: String(e.message ?? error) } }), 'application/json; charset=utf-8');
    });
  };
  return Object.assign(handler, { secret });
}

/** The page reads its timeouts from <html data-read-timeout-ms data-write-timeout-ms>. */
function withTimeouts(html: string, timeouts: { readMs?: number; writeMs?: number }): string {
  const attr = (name: string, ms: number | undefined) => (ms !== undefined && Number.isFinite(ms) && ms > 0 ? ` data-${name}-timeout-ms="${Math.round(ms)}"` : '');
  const tag = '<html lang="zh-CN">';
  if (!html.includes(tag)) throw new Error(`console/ui/index.html: expected ${tag}`);
  return html.replace(tag, `<html lang="zh-CN"${attr('read', timeouts.readMs)}${attr('write', timeouts.writeMs)}>`);
}

function send(res: ServerResponse, status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(body);
}
