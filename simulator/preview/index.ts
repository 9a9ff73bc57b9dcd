// Browser preview: the mini program in a phone frame at its true size (375 x 667 CSS px), updated
// in place from the simulator, with the controls a developer needs beside it (scan a code, open a
// share card as another user, switch user, background/foreground, network off, payment sheet).
// The simulator runs in its own process (the CLI), so the host process (e.g. `npm start`) never
// gets jsdom globals; this server only relays between the page and that process.
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import path from 'path';
import { freePort } from '../free-port';
import { parseQrText } from '../qr';
import { readProject } from '../build/project';
import { guardRequest, newSecret } from '../../security/guard';
import { Rpc } from './rpc';
import { bundlePreviewUi } from './bundle';

/** The store's own QR codes, for the "scan" control (the host decides how they are made). */
export interface CodeSource {
  list(): Promise<{ id: string; title: string }[]>;
  /** the code's PNG, as printed */
  png(id: string): Promise<Buffer>;
}

export interface PreviewOptions {
  projectPath: string;
  cloudUrl?: string;
  port?: number;
  openid?: string;
  host?: string;
  codes?: CodeSource;
  /** The secret every request must carry (see security/guard.ts); default: a new one. */
  secret?: string;
}
/** `url` is the bare base URL; a browser opens `withToken(url, secret)`, a script sends `tokenHeader(secret)`. */
export interface Preview { url: string; port: number; secret: string; close(): Promise<void> }

/** A request the page got wrong: answered 400 with the message, nothing changes. */
class BadRequest extends Error {}

const UI_DIR = path.join(__dirname, 'ui');
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };
const MAX_BODY = 64 * 1024;

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) {
    raw += String(chunk);
    if (raw.length > MAX_BODY) throw new BadRequest('request body too large');
  }
  if (!raw) return {};
  try {
    const body = JSON.parse(raw) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error();
    return body as Record<string, unknown>;
  } catch {
    throw new BadRequest('request body must be a JSON object');
  }
}

const text = (v: unknown, name: string, max = 2048): string => {
  if (typeof v !== 'string' || !v.trim() || v.length > max) throw new BadRequest(`${name} must be a non-empty string`);
  return v.trim();
};

export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const project = readProject(path.resolve(opts.projectPath));
  const simPort = await freePort();
  const args = [path.join(__dirname, '..', 'cli.js'), 'auto', '--project', path.resolve(opts.projectPath), '--auto-port', String(simPort), '--idle-exit', '5'];
  if (opts.cloudUrl) args.push('--cloud-url', opts.cloudUrl);
  if (opts.openid) args.push('--openid', opts.openid);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: 'ignore' });
  const rpc = await Rpc.connect(`ws://127.0.0.1:${simPort}`, Date.now() + 30000);
  await rpc.call('Tool.previewSetup');
  void bundlePreviewUi(); // warm

  /** Calls the simulator, then answers with the phone's new snapshot. */
  const thenSnapshot = async (b: Record<string, unknown>, method: string, params: Record<string, unknown>) => {
    await rpc.call(method, params);
    return rpc.call('Tool.previewSnapshot', { stylesKey: b.stylesKey });
  };
  const enter = (b: Record<string, unknown>, launch: Record<string, unknown>, openid?: string) => rpc.call('Tool.previewEnter', { launch, openid, stylesKey: b.stylesKey });
  const gesture = (method: string, pick: (b: Record<string, unknown>) => Record<string, unknown> = () => ({})) => (b: Record<string, unknown>) =>
    rpc.call(method, { ...pick(b), stylesKey: b.stylesKey });
  const sid = (b: Record<string, unknown>) => ({ sid: text(b.sid, 'sid', 32) });
  const withValue = (b: Record<string, unknown>) => ({ ...sid(b), value: typeof b.value === 'string' ? b.value : '' });

  // State-changing calls are POSTs with a JSON body: a form or image on another site cannot send them.
  const post: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/api/snapshot': (b) => rpc.call('Tool.previewSnapshot', { since: b.since, stylesKey: b.stylesKey }),
    '/api/tap': gesture('Tool.previewTap', (b) => ({ ...sid(b), x: Number(b.x) || 0, y: Number(b.y) || 0 })),
    '/api/input': gesture('Tool.previewInput', withValue),
    '/api/focus': gesture('Tool.previewFocus', withValue),
    '/api/blur': gesture('Tool.previewBlur', withValue),
    '/api/confirm': gesture('Tool.previewConfirm', withValue),
    '/api/reachBottom': gesture('Tool.previewReachBottom'),
    '/api/pageScroll': gesture('Tool.previewPageScroll', (b) => ({ scrollTop: Math.max(0, Number(b.scrollTop) || 0) })),
    '/api/pullDown': gesture('Tool.previewPullDown'),
    '/api/modal': gesture('Tool.previewModal', (b) => ({ confirm: b.confirm === true, content: typeof b.content === 'string' ? b.content : '' })),
    '/api/actionSheet': gesture('Tool.previewActionSheet', (b) => ({ index: Number.isInteger(b.index) ? b.index : undefined })),
    '/api/payment': gesture('Tool.previewPayment', (b) => {
      if (!['pay', 'cancel', 'fail'].includes(String(b.action))) throw new BadRequest('action must be pay, cancel or fail');
      return { action: b.action };
    }),
    '/api/background': gesture('Tool.previewBackground'),
    '/api/foreground': gesture('Tool.previewForeground'),
    '/api/network': gesture('Tool.previewNetwork', (b) => ({ offline: b.offline === true })),
    '/api/back': (b) => thenSnapshot(b, 'Tool.native', { method: 'navigateLeft' }),
    '/api/home': (b) => thenSnapshot(b, 'Tool.native', { method: 'goHome' }),
    '/api/switchTab': (b) => thenSnapshot(b, 'Tool.native', { method: 'switchTab', data: { url: text(b.url, 'url', 256) } }),
    '/api/user': gesture('Tool.previewUser', (b) => ({ openid: text(b.openid, 'openid', 64) })),
    /** A mini program code, as decoded in the page (jsQR): scene 1047 with `scene` in the query. */
    '/api/scan': (b) => {
      let payload;
      try {
        payload = parseQrText(text(b.text, 'text'));
      } catch (err) {
        throw new BadRequest(`这不是小程序码：${(err as Error).message}`);
      }
      return enter(b, { scene: 1047, path: payload.page, query: { scene: encodeURIComponent(payload.scene) } });
    },
    /** A plain QR code's link (scene 1011): the whole URL, encoded, as `q`, on the entry page. */
    '/api/link': (b) => {
      const url = text(b.url, 'url');
      if (!/^https?:\/\//i.test(url)) throw new BadRequest('链接须以 http:// 或 https:// 开头');
      const entry = project.appJson.entryPagePath ?? project.pages[0];
      return enter(b, { scene: 1011, path: entry, query: { q: encodeURIComponent(url), scancode_time: String(Math.floor(Date.now() / 1000)) } });
    },
    '/api/share': () => rpc.call('Tool.previewShare'),
    /** Another user taps the card in a chat: 1007 (one-to-one) or 1008 (group, with a shareTicket). */
    '/api/openShare': (b) => {
      const cardPath = text(b.path, 'path', 1024).replace(/^\//, '');
      const group = b.group === true;
      const launch = { scene: group ? 1008 : 1007, path: cardPath, query: {}, ...(group ? { shareTicket: `sim-ticket-${Date.now()}` } : {}) };
      return enter(b, launch, text(b.openid, 'openid', 64));
    },
    '/api/relaunch': (b) => thenSnapshot(b, 'Tool.relaunch', {}),
  };

  const get: Record<string, (q: URLSearchParams, res: http.ServerResponse) => Promise<void> | void> = {
    '/': (_q, res) => sendFile(res, path.join(UI_DIR, 'index.html'), 'text/html; charset=utf-8'),
    '/app.js': async (_q, res) => send(res, 200, 'text/javascript; charset=utf-8', await bundlePreviewUi()),
    '/app.css': (_q, res) => sendFile(res, path.join(UI_DIR, 'app.css'), 'text/css; charset=utf-8'),
    '/favicon.ico': (_q, res) => sendFile(res, path.join(UI_DIR, 'favicon.svg'), 'image/svg+xml'),
    '/favicon.svg': (_q, res) => sendFile(res, path.join(UI_DIR, 'favicon.svg'), 'image/svg+xml'),
    /** Images of the mini program itself (tab bar icons), by their path in app.json. */
    '/asset': (q, res) => {
      const rel = q.get('path') ?? '';
      const file = path.resolve(project.root, rel.replace(/^\//, ''));
      const type = IMAGE_TYPES[path.extname(file).toLowerCase()];
      if (!type || !file.startsWith(project.root + path.sep) || !fs.existsSync(file)) return send(res, 404, 'text/plain', 'not found');
      return sendFile(res, file, type);
    },
    '/api/snapshot': async (_q, res) => send(res, 200, 'application/json', JSON.stringify(await rpc.call('Tool.previewSnapshot'))),
    '/api/codes': async (_q, res) => send(res, 200, 'application/json', JSON.stringify({ codes: opts.codes ? await opts.codes.list() : [] })),
    '/api/codes/png': async (q, res) => {
      if (!opts.codes) return send(res, 404, 'text/plain', 'no codes');
      send(res, 200, 'image/png', await opts.codes.png(text(q.get('id'), 'id', 128)));
    },
    /** What the payment sheet shows (amount, description) for the pending payment's package. */
    '/api/payment': async (q, res) => {
      if (!opts.cloudUrl) return send(res, 404, 'application/json', '{}');
      const r = await fetch(`${opts.cloudUrl.replace(/\/$/, '')}/_emulator/v1/pay/order?package=${encodeURIComponent(q.get('package') ?? '')}`);
      send(res, r.status, 'application/json', await r.text());
    },
  };

  const secret = opts.secret ?? newSecret();
  // Every route, and above all the state-changing POSTs, only for the page opened with the secret.
  const server = http.createServer(async (req, res) => {
    if (!guardRequest(req, res, { secret })) return;
    try {
      const url = new URL(req.url ?? '/', 'http://preview.local');
      if (req.method === 'GET' && get[url.pathname]) return await get[url.pathname](url.searchParams, res);
      const handler = post[url.pathname];
      if (!handler) return send(res, 404, 'text/plain', 'not found');
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new BadRequest('content-type must be application/json');
      const result = await handler(await readBody(req));
      send(res, 200, 'application/json', JSON.stringify(result ?? {}));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      send(res, err instanceof BadRequest ? 400 : 500, 'application/json', JSON.stringify({ error: message }));
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject); // EADDRINUSE: the caller says which port and how to pick another
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    rpc.close();
    child.kill();
    throw err;
  }
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/`,
    port,
    secret,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await rpc.call('Tool.close').catch(() => undefined);
      rpc.close();
      setTimeout(() => child.kill(), 500).unref();
    },
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendFile(res: http.ServerResponse, file: string, type: string): void {
  send(res, 200, type, fs.readFileSync(file));
}
