/**
 * The one gate in front of every local server (local cloud, console, store preview, automator socket).
 *
 * A web page open in the developer's browser can send requests to 127.0.0.1 (cross-site requests) and,
 * through DNS rebinding, even read the answers. So every server checks, before any route runs:
 * - `Host` names this machine (loopback names or the address the server is bound to): a rebinding page
 *   arrives with its own name in `Host`;
 * - `Origin`, when a browser sent one, is this server's own origin: a foreign page always sends its own.
 * Browser UIs (console, preview) also require the per-start secret (`?token=` once, then an HttpOnly,
 * SameSite=Strict cookie, or an `Authorization: token …` header), and their POSTs must be JSON, which a
 * page from another origin cannot send without a CORS preflight that these servers never grant.
 * The SDK endpoint requires nothing more: the unmodified SDKs send no Origin, no cookie and no token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GuardOptions {
  /** Set for browser UIs: the secret every request must carry. */
  secret?: string;
}

/** A fresh per-start secret, printed once in the URLs `npm start` shows. */
export function newSecret(): string {
  return randomBytes(24).toString('hex');
}

/** `url` with the secret as `?token=`, the link to print for a browser. */
export function withToken(url: string, secret: string): string {
  const u = new URL(url);
  u.searchParams.set('token', secret);
  return u.toString();
}

/** Headers a script (not a browser) sends to reach a browser UI. */
export function tokenHeader(secret: string): { authorization: string } {
  return { authorization: `token ${secret}` };
}

/**
 * Checks one HTTP request. Returns true when it may proceed; otherwise it has already been answered
 * (403, 401 or 415) and the caller must stop.
 */
export function guardRequest(req: IncomingMessage, res: ServerResponse, options: GuardOptions = {}): boolean {
  const refusal = hostOrOriginRefusal(req) ?? (options.secret === undefined ? null : browserRefusal(req, res, options.secret));
  if (refusal === null) return true;
  if (refusal !== ANSWERED) refuse(req, res, refusal);
  return false;
}

/**
 * Checks a WebSocket upgrade (the automator socket, the local cloud's realtime socket): their clients
 * are programs (miniprogram-automator, the SDKs), which send no Origin; a browser always sends one.
 */
export function allowProgramUpgrade(req: IncomingMessage): boolean {
  return req.headers.origin === undefined && hostAllowed(req);
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** The request was answered already (the token redirect). */
const ANSWERED = 'answered';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** `Sec-Fetch-Site` values a browser sends for a request that started on another site or port. */
const FOREIGN_FETCH_SITES = new Set(['cross-site', 'same-site']);

function hostOrOriginRefusal(req: IncomingMessage): Refusal | null {
  if (!hostAllowed(req)) {
    return { status: 403, code: 'FORBIDDEN_HOST', message: `Host "${req.headers.host ?? ''}" is not this machine: use http://127.0.0.1 or http://localhost` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req)) {
    return { status: 403, code: 'FORBIDDEN_ORIGIN', message: `requests from ${origin} are refused: local servers answer only their own pages and local programs` };
  }
  const site = String(req.headers['sec-fetch-site'] ?? '');
  if (STATE_CHANGING.has(req.method ?? 'GET') && FOREIGN_FETCH_SITES.has(site)) {
    return { status: 403, code: 'FORBIDDEN_ORIGIN', message: `a ${site} page may not change anything here` };
  }
  return null;
}

function browserRefusal(req: IncomingMessage, res: ServerResponse, secret: string): Refusal | typeof ANSWERED | null {
  const cookieName = `store_token_${req.socket.localPort ?? ''}`;
  // A host framework that strips its mount prefix keeps the full URL in originalUrl (express).
  const url = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://local');
  const fromQuery = url.searchParams.get('token');
  const queryOk = fromQuery !== null && sameSecret(fromQuery, secret);
  if (!queryOk && ![bearer(req), cookie(req, cookieName)].some((s) => s !== undefined && sameSecret(s, secret))) {
    return { status: 401, code: 'UNAUTHORIZED', message: 'open the link with ?token=… that `npm start` printed (a new secret on every start)' };
  }
  // Answers may not be framed by, or leak their URL to, another page.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'SAMEORIGIN');
  res.setHeader('content-security-policy', "frame-ancestors 'self'");
  if (queryOk) {
    res.setHeader('set-cookie', `${cookieName}=${secret}; Path=/; HttpOnly; SameSite=Strict`);
    if (req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate') {
      // Jupyter-style: the token leaves the address bar and history; the cookie carries it from now on.
      url.searchParams.delete('token');
      const location = `${url.pathname}${url.search}`;
      res.writeHead(302, { location, 'cache-control': 'no-store' });
      res.end();
      return ANSWERED;
    }
  }
  if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? ''))) {
    // text/plain, forms and multipart are "simple" requests a foreign page can send without asking.
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'POST bodies must be application/json' };
  }
  return null;
}

/** Loopback names and the address this socket was accepted on; any port (SSH/VS Code forwards change it). */
function hostAllowed(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  const bound = (req.socket.localAddress ?? '').replace(/^::ffff:/, '');
  const allowed = ['localhost', '127.0.0.1', '[::1]', bound.includes(':') ? `[${bound}]` : bound];
  return allowed.includes(name.toLowerCase());
}

function ownOrigin(req: IncomingMessage): string {
  return `http://${req.headers.host ?? ''}`;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^token\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(req: IncomingMessage, res: ServerResponse, r: Refusal): void {
  req.resume(); // drain the body so keep-alive clients are not left hanging
  const navigation = req.headers['sec-fetch-mode'] === 'navigate' || /text\/html/.test(String(req.headers.accept ?? ''));
  if (navigation) {
    const text = r.status === 401 ? '需要 npm start 打印的带 ?token= 的链接才能打开此页面。' : '此请求来自其他网站或主机名，已拒绝。';
    res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${r.status}</title>` +
        `<style>body{font:15px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:32em;margin:15vh auto;padding:0 20px;color:#333}small{color:#888}</style>` +
        `<h3>${text}</h3><p><small>${escapeHtml(r.message)}</small></p>`,
    );
    return;
  }
  res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code: r.code, message: r.message } }));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
