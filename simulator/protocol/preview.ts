// Stand-in extension methods used by the browser preview (simulator/preview/): a snapshot of the
// phone (current page as HTML, its styles, the native chrome) and the shopper's gestures mapped
// back onto exparser nodes and the app lifecycle (pull, reach bottom, background, payment sheet).
import { createHash } from 'crypto';
import { settle } from '../runtime/settle';
import { buildMirror, cloudFileUrl, nodeBySid } from '../chromium/mirror';
import { UA_CSS } from '../chromium/styles';
import { inputText, tapDefaultAction, tapBlocked } from '../render/actions';
import { dispatch, trigger } from '../render/events';
import type { LaunchRequest } from '../simulator';
import { actionHost } from './element';
import { ProtocolError, type Handler, type ProtocolContext } from './context';

let version = 0;
let observer: MutationObserver | undefined;
/** Bumps when the simulator's DOM changed since the last call (records are taken synchronously). */
function domVersion(): number {
  if (!observer) {
    observer = new window.MutationObserver(() => version++);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  if (observer.takeRecords().length) version++;
  return version;
}

let cached: { version: number; webviewId: number; html: string; styles: string[]; stylesKey: string } | undefined;
/** The app is in the background (the preview's 切后台), until a foreground or a new launch. */
let inBackground = false;

const hash = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);

function snapshot(ctx: ProtocolContext, since?: unknown, clientStylesKey?: unknown): Record<string, unknown> {
  const sim = ctx.sim;
  const app = sim.app;
  const page = app.router.current();
  const native = sim.state.native;
  const pageJson = page ? app.registry.pageConfig(page.route) : {};
  const win = { ...(sim.project.appJson.window ?? {}), ...pageJson } as Record<string, unknown>;
  const v = domVersion();
  if (page && (!cached || cached.version !== v || cached.webviewId !== page.webviewId)) {
    const mirror = buildMirror(sim, page, { liveInputs: true, lazyImages: true });
    cached = { version: domVersion(), webviewId: page.webviewId, html: mirror.html, styles: mirror.styles, stylesKey: hash(mirror.styles.join('\n')) };
  }
  const dialog = <T extends { options: Record<string, unknown> } | undefined>(d: T) => (d ? { options: JSON.parse(JSON.stringify(d.options)) as unknown } : null);
  const meta = {
    route: page?.route ?? '',
    webviewId: page?.webviewId ?? 0,
    alive: app.router.alivePages().map((p) => p.webviewId),
    stackDepth: app.router.stack.length,
    title: (page && native.pageTitles[page.webviewId]) ?? String(win.navigationBarTitleText ?? ''),
    window: {
      navigationBarBackgroundColor: win.navigationBarBackgroundColor ?? '#000000',
      navigationBarTextStyle: win.navigationBarTextStyle ?? 'white',
      backgroundColor: win.backgroundColor ?? '#ffffff',
      backgroundTextStyle: win.backgroundTextStyle ?? 'dark',
      enablePullDownRefresh: win.enablePullDownRefresh === true,
      onReachBottomDistance: Number(win.onReachBottomDistance ?? 50),
    },
    tabBar: sim.project.appJson.tabBar ?? null,
    isTab: !!page && sim.project.tabPages.includes(page.route),
    native: {
      toast: lastToast(ctx),
      loading: native.loading?.visible ? native.loading : null,
      modal: dialog(native.modal),
      actionSheet: dialog(native.actionSheet),
      payment: dialog(native.payment),
      navigationBar: native.navigationBar,
      tabBar: native.tabBar,
      pullDownRefreshing: native.pullDownRefreshing,
      lastShare: native.lastShare ? { from: native.lastShare.from, result: shareCard(ctx, native.lastShare.result) } : null,
    },
    user: sim.state.openid,
    offline: sim.state.offline,
    background: inBackground,
    launchError: sim.launchError?.message ?? null,
    stylesKey: cached?.stylesKey ?? '',
  };
  const key = `${cached?.version ?? 0}:${hash(JSON.stringify(meta))}`;
  if (since === key) return { key, unchanged: true };
  const out: Record<string, unknown> = { key, ...meta, html: page ? cached?.html ?? '' : '' };
  if (cached && clientStylesKey !== cached.stylesKey) {
    out.styles = cached.styles;
    out.uaCss = UA_CSS;
  }
  return out;
}

/**
 * The last wx.showToast unless hidden since, with its duration: the page shows it for that long from
 * when it first sees it, so a toast stays readable even when the snapshot came late.
 */
function lastToast(ctx: ProtocolContext): { seq: string; title: string; icon: string; duration: number } | null {
  const history = ctx.sim.state.native.history;
  for (let i = history.length - 1; i >= 0; i--) {
    const { api, options } = history[i];
    if (api === 'hideToast' || api === 'showLoading') return null;
    if (api !== 'showToast') continue;
    const o = (options ?? {}) as Record<string, unknown>;
    const duration = Number(o.duration ?? 1500);
    return { seq: `${ctx.sim.app.generation}:${i}`, title: String(o.title ?? ''), icon: String(o.icon ?? 'success'), duration: Number.isFinite(duration) && duration >= 0 ? duration : 1500 };
  }
  return null;
}

/** A share card as the chat shows it: the page's title/path/image, or WeChat's defaults. */
function shareCard(ctx: ProtocolContext, raw: unknown): { title: string; imageUrl: string; path: string } {
  const card = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const page = ctx.sim.app.router.current();
  const query = page ? Object.entries(page.query).map(([k, v]) => `${k}=${v}`).join('&') : '';
  // Without a `path` WeChat shares the current page with its query; without a title, the app's name.
  const path = typeof card.path === 'string' && card.path ? card.path : page ? `/${page.route}${query ? `?${query}` : ''}` : '';
  const image = typeof card.imageUrl === 'string' ? card.imageUrl : '';
  return {
    title: String(card.title ?? ''),
    imageUrl: image.startsWith('cloud://') && ctx.sim.state.cloudUrl ? cloudFileUrl(ctx.sim, image) : image,
    path,
  };
}

function node(p: Record<string, unknown>) {
  const n = nodeBySid(String(p.sid));
  if (!n) throw new ProtocolError('element destroyed');
  return n;
}

/** Runs a gesture, lets what it started finish, and answers with the new snapshot. */
const gesture = (fn: (p: Record<string, unknown>, ctx: ProtocolContext) => unknown): Handler => async (p, ctx) => {
  await fn(p, ctx);
  await settle();
  return snapshot(ctx, undefined, p.stylesKey);
};

export const previewHandlers: Record<string, Handler> = {
  'Tool.previewSnapshot': (p, ctx) => snapshot(ctx, p.since, p.stylesKey),
  'Tool.previewSetup': (_p, ctx) => {
    // The preview shows WeChat's payment sheet instead of paying at once.
    ctx.sim.state.paymentPolicy = 'pending';
    return {};
  },
  'Tool.previewTap': gesture((p, ctx) => {
    const target = node(p);
    if (tapBlocked(target)) return;
    dispatch(target, 'tap', { x: Number(p.x) || 0, y: Number(p.y) || 0 });
    tapDefaultAction(target, actionHost(ctx));
  }),
  'Tool.previewInput': gesture((p) => inputText(node(p), p.value)),
  'Tool.previewFocus': gesture((p) => trigger(node(p), 'focus', { value: String(p.value ?? ''), height: 0 })),
  'Tool.previewBlur': gesture((p) => trigger(node(p), 'blur', { value: String(p.value ?? ''), cursor: String(p.value ?? '').length })),
  // The keyboard's confirm key (Enter): the value as typed, then `confirm` like the base library.
  'Tool.previewConfirm': gesture((p) => {
    const target = node(p);
    inputText(target, p.value);
    trigger(target, 'confirm', { value: String(p.value ?? '') });
  }),
  'Tool.previewReachBottom': gesture((_p, ctx) => ctx.sim.app.router.current()?.call('onReachBottom')),
  // The page scrolled in the browser: onPageScroll as the base library sends it (what wx.pageScrollTo does here).
  'Tool.previewPageScroll': gesture((p, ctx) => {
    const page = ctx.sim.app.router.current();
    if (!page) return;
    const scrollTop = Math.max(0, Number(p.scrollTop) || 0);
    (page.caller as Record<string, unknown>).__scrollTop = scrollTop;
    page.call('onPageScroll', { scrollTop });
  }),
  'Tool.previewPullDown': gesture((_p, ctx) => {
    ctx.sim.state.native.pullDownRefreshing = true;
    ctx.sim.app.router.current()?.call('onPullDownRefresh');
  }),
  'Tool.previewModal': gesture((p, ctx) => {
    const m = ctx.sim.state.native.modal;
    if (!m) return;
    if (p.confirm) m.resolve({ confirm: true, cancel: false, ...(m.options.editable ? { content: String(p.content ?? '') } : {}) });
    else m.resolve({ confirm: false, cancel: true });
  }),
  'Tool.previewActionSheet': gesture((p, ctx) => {
    const sheet = ctx.sim.state.native.actionSheet;
    if (!sheet) return;
    if (typeof p.index === 'number') sheet.resolve({ tapIndex: p.index });
    else sheet.reject('cancel');
  }),
  'Tool.previewPayment': gesture((p, ctx) => {
    const pay = ctx.sim.state.native.payment;
    if (!pay) return;
    if (p.action === 'pay' || p.action === 'fail') pay.resolve(p.action);
    else pay.reject('cancel');
  }),
  'Tool.previewBackground': gesture((_p, ctx) => {
    if (inBackground) return;
    ctx.sim.app.background();
    inBackground = true;
  }),
  // Back from the background without a new entry: a hot start from the recent list (scene 1089).
  'Tool.previewForeground': gesture(async (_p, ctx) => {
    if (!inBackground) return;
    inBackground = false;
    await ctx.sim.app.enterForeground(ctx.sim.normalize({ scene: 1089, path: '', query: {} }));
  }),
  /**
   * A new entry (a scanned code, a link, a share card): a hot start when the app is alive in the
   * background, else a cold start. Another WeChat user means another app process: always cold.
   */
  'Tool.previewEnter': gesture(async (p, ctx) => {
    const req = p.launch as Partial<LaunchRequest>;
    const openid = typeof p.openid === 'string' && p.openid ? p.openid : undefined;
    const hot = inBackground && (!openid || openid === ctx.sim.state.openid);
    inBackground = false;
    if (openid) ctx.sim.state.openid = openid;
    if (hot) await ctx.sim.hotStart(req);
    else await ctx.sim.relaunch(req);
  }),
  'Tool.previewUser': gesture(async (p, ctx) => {
    inBackground = false;
    await ctx.sim.switchUser(String(p.openid), { relaunch: true });
  }),
  /** The ⋯ menu's 转发: the card the current page makes (onShareAppMessage), or why there is none. */
  'Tool.previewShare': async (_p, ctx) => {
    const page = ctx.sim.app.router.current();
    if (!page) throw new ProtocolError('no page');
    if (typeof page.caller.onShareAppMessage !== 'function') return { card: null, reason: '当前页面未设置分享' };
    return { card: shareCard(ctx, await ctx.sim.share('menu')) };
  },
  'Tool.previewNetwork': gesture((p, ctx) => {
    const offline = !!p.offline;
    if (ctx.sim.state.offline === offline) return;
    ctx.sim.state.offline = offline;
    ctx.sim.state.onNetworkChange?.();
  }),
};
