// Browser preview: a phone frame (status bar, navigation bar, page, tab bar, modal/toast overlays)
// around a live mirror of the simulator's current page. Taps and typing in the browser go back to
// the simulator as real exparser events. The simulator runs in its own process (the CLI), so the
// host process (e.g. `npm start`) never gets jsdom globals.
import { spawn, type ChildProcess } from 'child_process';
import http from 'http';
import net from 'net';
import path from 'path';
import WebSocket from 'ws';
import { freePort } from './free-port';
import { guardRequest, newSecret } from '../security/guard';

export interface PreviewOptions {
  projectPath: string;
  cloudUrl?: string;
  port?: number;
  openid?: string;
  host?: string;
  /** The secret every request must carry (see security/guard.ts); default: a new one. */
  secret?: string;
}
/** `url` is the bare base URL; a browser opens `withToken(url, secret)`, a script sends `tokenHeader(secret)`. */
export interface Preview { url: string; port: number; secret: string; close(): Promise<void> }


/** Minimal client of the automator protocol (JSON frames with ids). */
class Rpc {
  private seq = 0;
  private pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { id?: string; result?: unknown; error?: { message: string } };
      const p = msg.id ? this.pending.get(msg.id) : undefined;
      if (!p || !msg.id) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    // The simulator process may die first (Ctrl+C reaches the whole process group): fail what is pending
    // instead of waiting forever, so shutting down the preview never hangs.
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('simulator connection closed'));
      this.pending.clear();
    });
  }
  static async connect(url: string, deadline: number): Promise<Rpc> {
    for (;;) {
      try {
        const ws = new WebSocket(url);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        return new Rpc(ws);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('simulator connection closed'));
    const id = `p${++this.seq}`;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }
  close(): void {
    this.ws.close();
  }
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const simPort = await freePort();
  const args = [path.join(__dirname, 'cli.js'), 'auto', '--project', path.resolve(opts.projectPath), '--auto-port', String(simPort), '--idle-exit', '5'];
  if (opts.cloudUrl) args.push('--cloud-url', opts.cloudUrl);
  if (opts.openid) args.push('--openid', opts.openid);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: 'ignore' });
  const rpc = await Rpc.connect(`ws://127.0.0.1:${simPort}`, Date.now() + 30000);

  const api: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/api/snapshot': () => rpc.call('Tool.previewSnapshot'),
    '/api/tap': (b) => rpc.call('Tool.previewTap', { sid: b.sid }),
    '/api/input': (b) => rpc.call('Tool.previewInput', { sid: b.sid, value: b.value }),
    '/api/back': () => rpc.call('App.callWxMethod', { method: 'navigateBack', args: [{}] }),
    '/api/switchTab': (b) => rpc.call('App.callWxMethod', { method: 'switchTab', args: [{ url: b.url }] }),
    '/api/modal': (b) => rpc.call('Tool.native', { method: b.confirm ? 'confirmModal' : 'cancelModal' }),
    '/api/relaunch': (b) => rpc.call('Tool.relaunch', b),
    '/api/user': (b) => rpc.call('Tool.switchUser', { openid: b.openid, relaunch: true }),
  };

  const secret = opts.secret ?? newSecret();
  const server = http.createServer(async (req, res) => {
    if (!guardRequest(req, res, { secret })) return;
    try {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && (url === '/' || url === '/index.html')) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(FRAME_HTML);
        return;
      }
      const handler = api[url];
      if (!handler) {
        res.statusCode = 404;
        res.end('not found');
        return;
      }
      const result = await handler(req.method === 'POST' ? await readBody(req) : {});
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result ?? {}));
    } catch (err) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
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
      await new Promise<void>((r) => server.close(() => r()));
      await rpc.call('Tool.close').catch(() => undefined);
      rpc.close();
      setTimeout(() => child.kill(), 500).unref();
    },
  };
}

const FRAME_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Mini Program preview</title>
<style>
body { margin: 0; background: #2b2b2b; font-family: -apple-system, Helvetica, sans-serif; display: flex; justify-content: center; padding: 24px; }
.phone { width: 375px; height: 667px; background: #fff; border-radius: 28px; box-shadow: 0 0 0 12px #111, 0 10px 40px rgba(0,0,0,.6); overflow: hidden; display: flex; flex-direction: column; position: relative; }
.status { height: 20px; background: #f7f7f7; font-size: 12px; text-align: center; line-height: 20px; }
.nav { height: 44px; background: #f7f7f7; display: flex; align-items: center; justify-content: center; position: relative; border-bottom: 1px solid #e5e5e5; font-weight: 600; }
.nav .back { position: absolute; left: 8px; border: 0; background: none; font-size: 22px; cursor: pointer; }
iframe { flex: 1; border: 0; width: 100%; }
.tabs { height: 50px; display: flex; border-top: 1px solid #e5e5e5; background: #f7f7f7; }
.tabs button { flex: 1; border: 0; background: none; cursor: pointer; font-size: 12px; position: relative; }
.tabs button.active { color: #07c160; font-weight: 600; }
.badge { position: absolute; top: 4px; margin-left: 4px; background: #fa5151; color: #fff; border-radius: 8px; padding: 0 5px; font-size: 10px; }
.overlay { position: absolute; inset: 0; background: rgba(0,0,0,.5); display: none; align-items: center; justify-content: center; }
.dialog { background: #fff; border-radius: 12px; width: 280px; text-align: center; overflow: hidden; }
.dialog h3 { margin: 20px 16px 8px; font-size: 17px; } .dialog p { margin: 0 16px 20px; color: #666; }
.dialog .buttons { display: flex; border-top: 1px solid #eee; } .dialog .buttons button { flex: 1; height: 48px; border: 0; background: none; font-size: 16px; cursor: pointer; }
.toast { position: absolute; top: 45%; left: 50%; transform: translateX(-50%); background: rgba(0,0,0,.75); color: #fff; padding: 10px 16px; border-radius: 6px; display: none; }
</style></head><body>
<div class="phone">
  <div class="status">WeChat 9:41</div>
  <div class="nav"><button class="back" id="back" title="back">‹</button><span id="title"></span></div>
  <iframe id="view" sandbox="allow-scripts allow-same-origin"></iframe>
  <div class="tabs" id="tabs"></div>
  <div class="overlay" id="overlay"><div class="dialog"><h3 id="mtitle"></h3><p id="mcontent"></p>
    <div class="buttons"><button id="mcancel">Cancel</button><button id="mok" style="color:#576b95;font-weight:600">OK</button></div></div></div>
  <div class="toast" id="toast"></div>
</div>
<script>
let lastHtml = '';
async function post(url, body) {
  await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
  await refresh();
}
async function refresh() {
  const snap = await (await fetch('/api/snapshot')).json();
  if (snap.html !== lastHtml) { lastHtml = snap.html; document.getElementById('view').srcdoc = snap.html; }
  document.getElementById('title').textContent = snap.title || '';
  document.getElementById('back').style.visibility = snap.stackDepth > 1 ? 'visible' : 'hidden';
  const tabs = document.getElementById('tabs');
  tabs.style.display = snap.isTab && snap.tabBar && !(snap.native.tabBar && snap.native.tabBar.hidden) ? 'flex' : 'none';
  tabs.innerHTML = '';
  (snap.tabBar ? snap.tabBar.list : []).forEach(function (t, i) {
    const b = document.createElement('button');
    b.textContent = t.text || t.pagePath;
    if (t.pagePath.replace(/^\\//, '') === snap.route) b.className = 'active';
    const badge = snap.native.tabBar && snap.native.tabBar.badges[i];
    if (badge) { const s = document.createElement('span'); s.className = 'badge'; s.textContent = badge; b.appendChild(s); }
    b.onclick = function () { post('/api/switchTab', { url: '/' + t.pagePath.replace(/^\\//, '') }); };
    tabs.appendChild(b);
  });
  const modal = snap.native.modal;
  document.getElementById('overlay').style.display = modal ? 'flex' : 'none';
  if (modal) {
    document.getElementById('mtitle').textContent = modal.options.title || '';
    document.getElementById('mcontent').textContent = modal.options.content || '';
    document.getElementById('mcancel').style.display = modal.options.showCancel === false ? 'none' : '';
  }
  const toast = snap.native.toast;
  const t = document.getElementById('toast');
  t.style.display = toast && toast.visible ? 'block' : 'none';
  t.textContent = toast ? toast.title : '';
}
document.getElementById('back').onclick = function () { post('/api/back'); };
document.getElementById('mok').onclick = function () { post('/api/modal', { confirm: true }); };
document.getElementById('mcancel').onclick = function () { post('/api/modal', { confirm: false }); };
window.addEventListener('message', function (e) {
  if (e.data && e.data.type === 'tap') post('/api/tap', { sid: e.data.sid });
  if (e.data && e.data.type === 'input') post('/api/input', { sid: e.data.sid, value: e.data.value });
});
refresh();
setInterval(refresh, 1000);
</script></body></html>`;
