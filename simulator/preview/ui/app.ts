// The preview page: one iframe per live page of the mini program (like WeChat's webviews), morphed
// in place from the simulator's snapshots so scroll positions and focus survive; the native chrome
// (navigation bar, tab bar, toast, modal, payment sheet) drawn around it; the developer's controls.
import morphdom from 'morphdom';
import jsQR from 'jsqr';
import { keepShownPicture, revealLazyImages } from './lazy-images';

interface Dialog { options: Record<string, unknown> }
interface TabItem { pagePath: string; text?: string; iconPath?: string; selectedIconPath?: string }
interface Snapshot {
  key: string;
  unchanged?: boolean;
  route: string;
  webviewId: number;
  alive: number[];
  stackDepth: number;
  title: string;
  window: { navigationBarBackgroundColor: string; navigationBarTextStyle: string; backgroundColor: string; backgroundTextStyle: string; enablePullDownRefresh: boolean; onReachBottomDistance: number };
  tabBar: { color?: string; selectedColor?: string; backgroundColor?: string; borderStyle?: string; list: TabItem[] } | null;
  isTab: boolean;
  native: {
    toast: { seq: string; title: string; icon: string; duration: number } | null;
    loading: { title: string } | null;
    modal: Dialog | null;
    actionSheet: Dialog | null;
    payment: Dialog | null;
    navigationBar: { loading: boolean; frontColor?: string; backgroundColor?: string };
    tabBar: { badges: Record<number, string>; redDots: Record<number, boolean>; hidden: boolean };
    pullDownRefreshing: boolean;
    lastShare: { from: string; result: Record<string, unknown> | null } | null;
  };
  user: string;
  offline: boolean;
  background: boolean;
  launchError: string | null;
  stylesKey: string;
  html: string;
  styles?: string[];
  uaCss?: string;
}

const USERS = [
  { openid: 'o_sim_user_1', name: '用户 A' },
  { openid: 'o_sim_user_2', name: '用户 B' },
  { openid: 'o_sim_user_3', name: '用户 C' },
];
const SCREEN_WIDTH = 375;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string, on: boolean) => $(id).classList.toggle('show', on);

let snap: Snapshot | undefined;
let key = '';
let styles: { key: string; scripts: string[]; ua: string } = { key: '', scripts: [], ua: '' };
const frames = new Map<number, { iframe: HTMLIFrameElement; stylesKey: string; ready: Promise<Document> }>();

// ---- talking to the server: gestures run one at a time, in order; each answers with a snapshot

let queue: Promise<unknown> = Promise.resolve();
let pending = 0;

async function request(path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stylesKey: styles.key }) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(String(json.error ?? `HTTP ${res.status}`));
  return json;
}

function call(path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  pending++;
  const run = queue.then(async () => {
    try {
      const out = await request(path, body);
      if (typeof out.key === 'string') await apply(out as unknown as Snapshot);
      return out;
    } catch (err) {
      flashError((err as Error).message);
      throw err;
    } finally {
      pending--;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

function flashError(message: string): void {
  $('error').textContent = message;
  show('error', true);
  setTimeout(() => show('error', false), 4000);
}

async function poll(): Promise<void> {
  try {
    if (!pending) {
      const out = (await request('/api/snapshot', { since: key })) as unknown as Snapshot;
      if (!out.unchanged && !pending) await apply(out);
    }
  } catch {
    // the server is restarting or gone: keep trying quietly
  }
  setTimeout(() => void poll(), 250);
}

// ---- the page frames

/** Runs wcsc's style programs against the frame's document, with rpx at the phone's width. */
function applyStyles(doc: Document): void {
  doc.querySelectorAll('style[data-wxss], style[wxss\\:path]').forEach((s) => s.remove());
  let ua = doc.getElementById('ua');
  if (!ua) {
    ua = doc.createElement('style');
    ua.id = 'ua';
    doc.head.appendChild(ua);
  }
  ua.textContent = styles.ua + 'html,body{background:transparent}';
  const shim = {
    screen: { width: SCREEN_WIDTH, height: 667 },
    devicePixelRatio: 2,
    __checkDeviceWidth__: () => undefined,
    __transformRpx__: (n: number) => {
      if (n === 0) return 0;
      const px = Math.floor((n / 750) * SCREEN_WIDTH + 1e-4);
      return px === 0 ? 1 : px;
    },
    __rpxRecalculatingFuncs__: [] as unknown[],
  };
  for (const script of styles.scripts) {
    // The frames run no scripts (sandboxed): the stylesheet programs run here, writing into the frame.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('window', 'document', 'navigator', script)(shim, doc, { userAgent: 'devtools' });
  }
  doc.querySelectorAll('head style:not(#ua)').forEach((s) => s.setAttribute('data-wxss', ''));
}

function frameFor(id: number): { iframe: HTMLIFrameElement; stylesKey: string; ready: Promise<Document> } {
  let f = frames.get(id);
  if (f) return f;
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-same-origin');
  iframe.title = '页面';
  iframe.dataset.webview = String(id);
  const ready = new Promise<Document>((resolve) => {
    iframe.addEventListener('load', () => {
      const doc = iframe.contentDocument as Document;
      wireFrame(iframe, doc);
      resolve(doc);
    }, { once: true });
  });
  iframe.srcdoc = '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>';
  $('frames').appendChild(iframe);
  f = { iframe, stylesKey: '', ready };
  frames.set(id, f);
  return f;
}

async function renderPage(s: Snapshot): Promise<void> {
  for (const [id, f] of frames) {
    if (!s.alive.includes(id)) {
      f.iframe.remove();
      frames.delete(id);
    }
  }
  if (!s.webviewId) return;
  const f = frameFor(s.webviewId);
  const doc = await f.ready;
  if (f.stylesKey !== styles.key) {
    applyStyles(doc);
    f.stylesKey = styles.key;
  }
  doc.body.style.background = s.window.backgroundColor;
  const next = doc.createElement('div');
  next.innerHTML = s.html;
  const root = next.firstElementChild;
  if (root) {
    const current = doc.body.firstElementChild;
    if (!current) doc.body.appendChild(doc.importNode(root, true));
    else
      morphdom(current, root, {
        onBeforeElUpdated(from, to) {
          keepShownPicture(from, to);
          // What the shopper is typing stays as typed; the page's value arrives with the next blur.
          if (from === doc.activeElement && (from.tagName === 'INPUT' || from.tagName === 'TEXTAREA')) {
            for (const a of Array.from(to.attributes)) if (a.name !== 'value') from.setAttribute(a.name, a.value);
            return false;
          }
          return !from.isEqualNode(to);
        },
      });
  }
  for (const [id, other] of frames) other.iframe.classList.toggle('current', id === s.webviewId);
  revealLazyImages(doc);
  bottomArmed.set(s.webviewId, bottomArmed.get(s.webviewId) ?? true);
  checkBottom(f.iframe, s);
}

// ---- gestures inside a frame

const bottomArmed = new Map<number, boolean>();

/** onReachBottom: once per arrival within onReachBottomDistance of the end, re-armed when leaving. */
function checkBottom(iframe: HTMLIFrameElement, s: Snapshot | undefined = snap): void {
  const win = iframe.contentWindow;
  const doc = iframe.contentDocument;
  if (!win || !doc || !s || Number(iframe.dataset.webview) !== s.webviewId) return;
  const el = doc.scrollingElement ?? doc.documentElement;
  if (el.scrollHeight <= el.clientHeight) return;
  const near = el.scrollTop + el.clientHeight >= el.scrollHeight - s.window.onReachBottomDistance;
  const armed = bottomArmed.get(s.webviewId) ?? true;
  if (near && armed) {
    bottomArmed.set(s.webviewId, false);
    void call('/api/reachBottom').catch(() => undefined);
  } else if (!near) bottomArmed.set(s.webviewId, true);
}

let pullAccum = 0;

/** onPageScroll: the page's scroll position, at most every 100 ms and once more when scrolling stops. */
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
function reportScroll(iframe: HTMLIFrameElement): void {
  if (scrollTimer) return;
  scrollTimer = setTimeout(() => {
    scrollTimer = undefined;
    const doc = iframe.contentDocument;
    if (!doc || !snap || Number(iframe.dataset.webview) !== snap.webviewId) return;
    const el = doc.scrollingElement ?? doc.documentElement;
    void call('/api/pageScroll', { scrollTop: el.scrollTop }).catch(() => undefined);
  }, 100);
}

function wireFrame(iframe: HTMLIFrameElement, doc: Document): void {
  const sidOf = (el: Element | null) => el?.closest('[data-sid]')?.getAttribute('data-sid') ?? null;
  doc.addEventListener('click', (e) => {
    const target = e.target as Element;
    if (target.closest('input, textarea')) return;
    const sid = sidOf(target);
    if (sid) void call('/api/tap', { sid, x: (e as MouseEvent).clientX, y: (e as MouseEvent).clientY }).catch(() => undefined);
  });
  const field = (e: Event) => {
    const el = e.target as HTMLInputElement;
    const sid = el.getAttribute?.('data-input-sid');
    return sid ? { sid, value: el.value } : null;
  };
  doc.addEventListener('input', (e) => {
    const f = field(e);
    if (f) void call('/api/input', f).catch(() => undefined);
  });
  doc.addEventListener('keydown', (e) => {
    const f = field(e);
    if (f && e.key === 'Enter' && (e.target as Element).tagName === 'INPUT') {
      e.preventDefault();
      void call('/api/confirm', f).catch(() => undefined);
    }
  });
  doc.addEventListener('focusin', (e) => {
    const f = field(e);
    if (f) void call('/api/focus', f).catch(() => undefined);
  });
  doc.addEventListener('focusout', (e) => {
    const f = field(e);
    if (f) void call('/api/blur', f).catch(() => undefined);
  });
  iframe.contentWindow?.addEventListener('scroll', () => {
    reportScroll(iframe);
    checkBottom(iframe);
  });
  // The page and any scroll-view bring lazy images into range (scroll events of elements do not bubble).
  doc.addEventListener('scroll', () => revealLazyImages(doc), { capture: true, passive: true });
  iframe.contentWindow?.addEventListener('resize', () => revealLazyImages(doc));
  // Pull-down refresh with the wheel or trackpad: pulling past the top by 60 px.
  doc.addEventListener('wheel', (e) => {
    const el = doc.scrollingElement ?? doc.documentElement;
    if (!snap?.window.enablePullDownRefresh || el.scrollTop > 0 || e.deltaY >= 0) {
      pullAccum = 0;
      return;
    }
    pullAccum -= e.deltaY;
    if (pullAccum > 60 && !snap.native.pullDownRefreshing) {
      pullAccum = 0;
      void call('/api/pullDown').catch(() => undefined);
    }
  }, { passive: true });
}

// ---- the native chrome

async function apply(s: Snapshot): Promise<void> {
  if (s.styles) styles = { key: s.stylesKey, scripts: s.styles, ua: s.uaCss ?? '' };
  snap = s;
  key = s.key;
  await renderPage(s);
  renderChrome(s);
  renderPanel(s);
}

function renderChrome(s: Snapshot): void {
  const nav = $('nav');
  const white = (s.native.navigationBar.frontColor ?? '') === '#ffffff' || (!s.native.navigationBar.frontColor && s.window.navigationBarTextStyle === 'white');
  nav.style.background = s.native.navigationBar.backgroundColor ?? s.window.navigationBarBackgroundColor;
  nav.style.color = white ? '#fff' : '#000';
  nav.classList.toggle('white', white);
  $('status').style.background = nav.style.background;
  $('status').style.color = nav.style.color;
  $('status').classList.toggle('offline', s.offline);
  $('status-net').textContent = s.offline ? '无网络' : '100%';
  $('title').textContent = s.title;
  document.title = `${s.title || s.route} · 小程序预览`;
  show('nav-loading', s.native.navigationBar.loading);
  $('back').style.display = s.stackDepth > 1 ? '' : 'none';
  // Landed on an inner page (a code, a card): WeChat offers the way home instead of back.
  $('home').style.display = s.stackDepth <= 1 && !s.isTab && s.tabBar ? '' : 'none';

  const body = $('body');
  body.style.background = s.window.backgroundColor;
  body.classList.toggle('refreshing', s.native.pullDownRefreshing);
  $('ptr').classList.toggle('light', s.window.backgroundTextStyle === 'light');

  renderTabBar(s);

  // A toast shows for its duration from when this page first saw it; hideToast ends it early.
  if (s.native.toast && s.native.toast.seq !== toastShown.seq) {
    toastShown = { seq: s.native.toast.seq, until: Date.now() + s.native.toast.duration };
    setTimeout(() => snap && renderChrome(snap), s.native.toast.duration + 20);
  }
  const toastLive = s.native.toast && Date.now() < toastShown.until ? s.native.toast : null;
  const toast = s.native.loading ? { title: s.native.loading.title, icon: 'loading' } : toastLive;
  show('toast', !!toast);
  show('toast-mask', !!s.native.loading);
  if (toast) {
    const icon = toast.icon;
    $('toast').classList.toggle('text', icon === 'none');
    $('toast-icon').innerHTML = icon === 'loading' ? '<i class="spinner"></i>' : icon === 'error' ? '✕' : '✓';
    $('toast-text').textContent = toast.title;
  }

  const modal = s.native.modal?.options;
  show('modal-mask', !!modal);
  if (modal) {
    $('modal-title').textContent = String(modal.title ?? '');
    $('modal-content').textContent = String(modal.content ?? '');
    const cancel = $('modal-cancel');
    cancel.style.display = modal.showCancel === false ? 'none' : '';
    cancel.textContent = String(modal.cancelText ?? '取消');
    cancel.style.color = String(modal.cancelColor ?? '#000000');
    $('modal-confirm').textContent = String(modal.confirmText ?? '确定');
    $('modal-confirm').style.color = String(modal.confirmColor ?? '#576B95');
    const box = $('modal-mask').firstElementChild as HTMLElement;
    box.classList.toggle('editable', modal.editable === true);
    $<HTMLTextAreaElement>('modal-input').placeholder = String(modal.placeholderText ?? '');
  }

  const sheet = s.native.actionSheet?.options;
  show('sheet-mask', !!sheet);
  if (sheet) {
    $('sheet-alert').textContent = String(sheet.alertText ?? '');
    const items = $('sheet-items');
    items.textContent = '';
    ((sheet.itemList as string[]) ?? []).forEach((text, index) => {
      const b = document.createElement('button');
      b.className = 'sheet-item';
      b.textContent = text;
      b.style.color = String(sheet.itemColor ?? '#000000');
      b.onclick = () => void call('/api/actionSheet', { index });
      items.appendChild(b);
    });
  }

  const pay = s.native.payment?.options;
  show('pay-mask', !!pay);
  if (pay) void fillPaymentSheet(String(pay.package ?? ''));
  show('background', s.background);
  show('error', !!s.launchError);
  if (s.launchError) $('error').textContent = `启动失败：${s.launchError}`;
}

let toastShown = { seq: '', until: 0 };
let paySheetFor = '';
async function fillPaymentSheet(pkg: string): Promise<void> {
  if (paySheetFor === pkg) return;
  paySheetFor = pkg;
  $('pay-body').textContent = '';
  $('pay-amount').textContent = '';
  const res = await fetch(`/api/payment?package=${encodeURIComponent(pkg)}`).catch(() => undefined);
  if (!res?.ok) return;
  const order = (await res.json()) as { body?: string; totalFee?: number };
  $('pay-body').textContent = order.body ?? '';
  if (typeof order.totalFee === 'number') $('pay-amount').textContent = (order.totalFee / 100).toFixed(2);
}

function renderTabBar(s: Snapshot): void {
  const bar = $('tabbar');
  const tb = s.tabBar;
  bar.style.display = s.isTab && tb && !s.native.tabBar.hidden ? 'flex' : 'none';
  if (!tb || !s.isTab) return;
  bar.style.background = tb.backgroundColor ?? '#ffffff';
  bar.classList.toggle('white', tb.borderStyle === 'white');
  bar.textContent = '';
  tb.list.forEach((item, i) => {
    const route = item.pagePath.replace(/^\//, '');
    const active = route === s.route;
    const b = document.createElement('button');
    b.className = 'tab';
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(active));
    b.style.color = active ? tb.selectedColor ?? '#1aad19' : tb.color ?? '#7a7e83';
    const icon = active ? item.selectedIconPath ?? item.iconPath : item.iconPath;
    if (icon) {
      const img = document.createElement('img');
      img.src = `/asset?path=${encodeURIComponent(icon)}`;
      img.alt = '';
      b.appendChild(img);
    }
    const label = document.createElement('span');
    label.textContent = item.text ?? '';
    b.appendChild(label);
    const badge = s.native.tabBar.badges[i];
    if (badge) {
      const el = document.createElement('span');
      el.className = 'badge';
      el.textContent = badge;
      b.appendChild(el);
    } else if (s.native.tabBar.redDots[i]) {
      const el = document.createElement('span');
      el.className = 'dot';
      b.appendChild(el);
    }
    b.onclick = () => void call('/api/switchTab', { url: `/${route}` });
    bar.appendChild(b);
  });
}

// ---- the developer's panel

function fillUsers(select: HTMLSelectElement, current: string, exclude?: string): void {
  const users = USERS.some((u) => u.openid === current) ? USERS : [...USERS, { openid: current, name: current }];
  const want = users.filter((u) => u.openid !== exclude).map((u) => `${u.openid}|${u.name}`).join(',');
  if (select.dataset.users === want) return;
  const keep = select.value;
  select.dataset.users = want;
  select.textContent = '';
  for (const u of users) {
    if (u.openid === exclude) continue;
    const o = document.createElement('option');
    o.value = u.openid;
    o.textContent = `${u.name}（${u.openid}）`;
    select.appendChild(o);
  }
  if (keep && Array.from(select.options).some((o) => o.value === keep)) select.value = keep;
}

function renderPanel(s: Snapshot): void {
  const user = USERS.find((u) => u.openid === s.user);
  $('where').textContent = `${s.route || '（无页面）'} · ${user ? user.name : s.user}${s.offline ? ' · 离线' : ''}`;
  fillUsers($<HTMLSelectElement>('user'), s.user);
  if (document.activeElement !== $('user')) $<HTMLSelectElement>('user').value = s.user;
  fillUsers($<HTMLSelectElement>('share-user'), s.user, s.user);
  $('bg-toggle').textContent = s.background ? '回到前台' : '切到后台';
  $<HTMLInputElement>('offline').checked = s.offline;
  const share = s.native.lastShare?.result;
  if (share && s.native.lastShare !== lastShareSeen) {
    lastShareSeen = s.native.lastShare;
    showCard({ title: String(share.title ?? ''), imageUrl: String(share.imageUrl ?? ''), path: String(share.path ?? '') });
  }
}
let lastShareSeen: unknown;

let card: { title: string; imageUrl: string; path: string } | undefined;
function showCard(c: { title: string; imageUrl: string; path: string }): void {
  if (!c.path) return;
  card = c;
  $('card-title').textContent = c.title || snap?.title || '';
  const image = c.imageUrl.startsWith('http') || c.imageUrl.startsWith('data:') ? `url("${c.imageUrl.replace(/"/g, '')}")` : '';
  $('card-image').style.backgroundImage = image;
  $('card-path').textContent = c.path;
  show('share-card', true);
  $<HTMLButtonElement>('open-share').disabled = false;
}

async function share(): Promise<void> {
  const out = await call('/api/share');
  const c = out.card as { title: string; imageUrl: string; path: string } | null;
  if (!c) flashError(String(out.reason ?? '当前页面不能转发'));
  else showCard(c);
}

// ---- scanning: every code is decoded here, in the page, from its pixels (jsQR)

function decodeImage(img: HTMLImageElement): string {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0);
  const data = g.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(data.data, data.width, data.height);
  if (!code) throw new Error('图片里没有找到二维码');
  return code.data;
}

async function scanImage(src: string): Promise<void> {
  const img = $<HTMLImageElement>('qr-image');
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('无法读取这张图片'));
    img.src = src;
  });
  show('qr-image', true);
  try {
    const text = decodeImage(img);
    $('scan-result').textContent = text;
    await call('/api/scan', { text });
  } catch (err) {
    $('scan-result').textContent = (err as Error).message;
    flashError((err as Error).message);
  }
}

async function loadCodes(): Promise<void> {
  const select = $<HTMLSelectElement>('code-select');
  try {
    const { codes } = (await (await fetch('/api/codes')).json()) as { codes: { id: string; title: string }[] };
    select.textContent = '';
    for (const c of codes) {
      const o = document.createElement('option');
      o.value = c.id;
      o.textContent = c.title;
      select.appendChild(o);
    }
    if (!codes.length) select.innerHTML = '<option value="">（没有店铺小程序码）</option>';
  } catch {
    select.innerHTML = '<option value="">（读取小程序码失败）</option>';
  }
}

function on(id: string, fn: () => unknown): void {
  $(id).addEventListener('click', () => {
    void Promise.resolve()
      .then(fn)
      .catch(() => undefined);
  });
}

on('back', () => call('/api/back'));
on('home', () => call('/api/home'));
on('menu', () => show('menu-mask', true));
on('menu-cancel', () => show('menu-mask', false));
on('menu-share', () => {
  show('menu-mask', false);
  return share();
});
on('menu-relaunch', () => {
  show('menu-mask', false);
  return call('/api/relaunch');
});
on('close', () => call('/api/background'));
on('foreground-overlay', () => call('/api/foreground'));
on('modal-confirm', () => call('/api/modal', { confirm: true, content: $<HTMLTextAreaElement>('modal-input').value }));
on('modal-cancel', () => call('/api/modal', { confirm: false }));
on('sheet-cancel', () => call('/api/actionSheet', {}));
on('pay-confirm', () => call('/api/payment', { action: 'pay' }));
on('pay-cancel', () => call('/api/payment', { action: 'cancel' }));
on('pay-fail', () => call('/api/payment', { action: 'fail' }));
on('scan-code', () => {
  const id = $<HTMLSelectElement>('code-select').value;
  return id ? scanImage(`/api/codes/png?id=${encodeURIComponent(id)}`) : undefined;
});
$<HTMLInputElement>('qr-file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => void scanImage(String(reader.result));
  reader.readAsDataURL(file);
  (e.target as HTMLInputElement).value = '';
});
on('open-link', () => call('/api/link', { url: $<HTMLInputElement>('qr-link').value }));
on('share', share);
on('open-share', () => {
  return card && call('/api/openShare', { path: card.path, openid: $<HTMLSelectElement>('share-user').value, group: $<HTMLInputElement>('share-group').checked });
});
on('switch-user', () => call('/api/user', { openid: $<HTMLSelectElement>('user').value }));
on('bg-toggle', () => call(snap?.background ? '/api/foreground' : '/api/background'));
on('relaunch', () => call('/api/relaunch'));
on('pull-down', () => call('/api/pullDown'));
on('reach-bottom', () => call('/api/reachBottom'));
$<HTMLInputElement>('offline').addEventListener('change', (e) => void call('/api/network', { offline: (e.target as HTMLInputElement).checked }).catch(() => undefined));

void loadCodes();
void poll();
