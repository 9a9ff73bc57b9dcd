// Runs the storefront's pages and components outside WeChat, for the page tests (test/pages) and the
// budgets script: the .ts sources are transpiled to a temp copy of miniprogram/, rendered with
// miniprogram-simulate (official wcc templates + the real exparser), with a scriptable fake `wx`
// whose `wx.cloud.callFunction` is answered by a handler the caller supplies.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { transformSync } from 'esbuild';
import { installDom as installSimulatorDom } from '../../simulator/env/dom';

export const REPO = path.resolve(__dirname, '..', '..');
export const MP_ROOT = path.join(REPO, 'miniprogram');

/* ------------------------------------------------------------------ build */

let built: string | undefined;

/**
 * The base library's require.async for modules run by Node here: the whole tree is on disk, so the
 * other package is "loaded" at once; the promise still settles on a later tick, as on a phone.
 */
const REQUIRE_ASYNC = "if (!require.async) require.async = (p) => Promise.resolve().then(() => { try { return require(p); } catch (e) { throw { mod: p, errMsg: String(e) }; } });";

/** Transpiles every .ts of miniprogram/ (types erased, CommonJS) next to copies of the other files. */
export function buildMiniprogram(outDir?: string): string {
  if (built && !outDir) return built;
  const out = outDir ?? tempDir('mp-pages-');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const src = path.join(dir, entry.name);
      const rel = path.relative(MP_ROOT, src);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === 'miniprogram_npm') continue;
        walk(src);
        continue;
      }
      const dest = path.join(out, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const code = transformSync(fs.readFileSync(src, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2019', sourcefile: src, banner: REQUIRE_ASYNC });
        fs.writeFileSync(dest.replace(/\.ts$/, '.js'), code.code);
      } else {
        fs.copyFileSync(src, dest);
      }
    }
  };
  walk(MP_ROOT);
  if (!outDir) built = out;
  return out;
}

const tempDirs: string[] = [];

/** A temp directory removed when the process exits (tests make one per rendered page). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (tempDirs.length === 0) process.once('exit', cleanupTemp);
  tempDirs.push(dir);
  return dir;
}

/** Removes the temp directories made so far (Jest workers may not run exit handlers: call in afterAll). */
export function cleanupTemp(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A new transpiled copy in its own temp directory. */
export function freshBuild(): string {
  return buildMiniprogram(tempDir('mp-pages-'));
}

/** Loads a component of a fresh build (see renderPage) and renders it with `props`. */
/** Components that live in one subpackage (the rest are shared, in components/). */
const COMPONENT_DIRS: Record<string, string> = {
  'sku-picker': 'pages-shop/components',
  'coupon-picker': 'pages-shop/components',
  'coupon-claim': 'pages-shop/components',
  'coupon-card': 'pages-shop/components',
  'flash-bar': 'pages-shop/components',
  'order-actions': 'pages-order/components',
};

export function renderComponent(name: string, props: Record<string, unknown> = {}, root: string = freshBuild()): RenderedComponent {
  const sim = simulate();
  const id = sim.load(path.join(root, COMPONENT_DIRS[name] ?? 'components', name, 'index'), { rootPath: root });
  const comp = sim.render(id, props);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/* ------------------------------------------------------------------- DOM */

/** miniprogram-simulate renders into a DOM: the simulator's jsdom globals (one setup for both). */
export function installDom(): void {
  installSimulatorDom();
  // The official wcc binaries ship without the executable bit on Linux.
  const bin = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', 'linux');
  for (const f of ['wcc', 'wcsc']) {
    try {
      fs.accessSync(path.join(bin, f), fs.constants.X_OK);
    } catch {
      fs.chmodSync(path.join(bin, f), 0o755);
    }
  }
}

/* -------------------------------------------------------------------- wx */

export type CloudHandler = (name: string, data: Record<string, unknown>) => unknown | Promise<unknown>;

export interface FakeWx {
  storage: Map<string, unknown>;
  calls: { name: string; data: Record<string, unknown> }[];
  toasts: string[];
  navigations: { api: string; url: string }[];
  modals: { title?: string; content?: string }[];
  /** What wx.showModal answers (confirm by default). */
  modalConfirm: boolean;
  cloud: CloudHandler;
  /** wx.requestPayment outcome: resolve, or reject with this errMsg. */
  paymentError: string | null;
  chooseAddressError: string | null;
  enterOptions: { scene: number; path: string; query: Record<string, string> };
  /** Every page setData: its JSON size in bytes, the page and the keys. */
  setDataLog: { page: string; bytes: number; keys: string[] }[];
}

export function installWx(cloud: CloudHandler): FakeWx {
  const fake: FakeWx = {
    storage: new Map(),
    calls: [],
    toasts: [],
    navigations: [],
    modals: [],
    modalConfirm: true,
    cloud,
    paymentError: null,
    chooseAddressError: null,
    enterOptions: { scene: 1001, path: 'pages/catalog/index', query: {} },
    setDataLog: [],
  };
  const clone = (v: unknown) => (v === undefined ? '' : JSON.parse(JSON.stringify(v)));
  const done = (opts: Record<string, unknown> | undefined, res: Record<string, unknown> = {}) => {
    const r = { errMsg: 'ok', ...res };
    if (opts && typeof opts.success === 'function') (opts.success as (x: unknown) => void)(r);
    if (opts && typeof opts.complete === 'function') (opts.complete as (x: unknown) => void)(r);
    return Promise.resolve(r);
  };
  const nav = (api: string) => (opts: { url: string }) => {
    fake.navigations.push({ api, url: opts.url });
    return done(opts as unknown as Record<string, unknown>);
  };
  const g = globalThis as Record<string, unknown>;
  const base = (typeof g.wx === 'object' && g.wx) || {};
  g.wx = Object.assign(base, {
    cloud: {
      init: () => undefined,
      callFunction: async (opts: { name: string; data: Record<string, unknown> }) => {
        fake.calls.push({ name: opts.name, data: clone(opts.data) });
        const result = await fake.cloud(opts.name, clone(opts.data));
        return { result: clone(result), errMsg: 'cloud.callFunction:ok' };
      },
    },
    getStorageSync: (key: string) => (fake.storage.has(key) ? clone(fake.storage.get(key)) : ''),
    setStorageSync: (key: string, data: unknown) => void fake.storage.set(key, clone(data)),
    setStorage: (opts: { key: string; data: unknown }) => {
      fake.storage.set(opts.key, clone(opts.data));
      return done(opts as unknown as Record<string, unknown>);
    },
    getStorage: (opts: { key: string; success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      if (!fake.storage.has(opts.key)) {
        // Like WeChat: with callbacks there is no promise to reject.
        if (opts.fail || opts.success) {
          if (opts.fail) opts.fail({ errMsg: 'getStorage:fail data not found' });
          return undefined;
        }
        return Promise.reject({ errMsg: 'getStorage:fail data not found' });
      }
      return done(opts as unknown as Record<string, unknown>, { data: clone(fake.storage.get(opts.key)) });
    },
    removeStorage: (opts: { key: string }) => {
      fake.storage.delete(opts.key);
      return done(opts as unknown as Record<string, unknown>);
    },
    showToast: (opts: { title: string }) => {
      fake.toasts.push(opts.title);
      return done(opts as unknown as Record<string, unknown>);
    },
    showModal: (opts: { title?: string; content?: string }) => {
      fake.modals.push({ title: opts.title, content: opts.content });
      return done(opts as unknown as Record<string, unknown>, { confirm: fake.modalConfirm, cancel: !fake.modalConfirm });
    },
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    switchTab: nav('switchTab'),
    reLaunch: nav('reLaunch'),
    navigateBack: (opts?: Record<string, unknown>) => done(opts),
    stopPullDownRefresh: () => undefined,
    setNavigationBarTitle: () => undefined,
    setTabBarBadge: () => undefined,
    removeTabBarBadge: () => undefined,
    previewImage: () => undefined,
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 603, screenWidth: 375, screenHeight: 667, pixelRatio: 2 }),
    getEnterOptionsSync: () => clone(fake.enterOptions),
    getLaunchOptionsSync: () => clone(fake.enterOptions),
    requestPayment: (opts: Record<string, unknown>) =>
      fake.paymentError ? Promise.reject({ errMsg: fake.paymentError }) : done(opts, { errMsg: 'requestPayment:ok' }),
    chooseAddress: () =>
      fake.chooseAddressError
        ? Promise.reject({ errMsg: fake.chooseAddressError })
        : Promise.resolve({ userName: '张三', telNumber: '13800138000', provinceName: '广东省', cityName: '广州市', countyName: '海珠区', detailInfo: '新港中路 397 号', postalCode: '510000', errMsg: 'chooseAddress:ok' }),
  });
  g.getCurrentPages = () => [];
  g.getApp = () => ({ globalData: {} });
  return fake;
}

/* ------------------------------------------------------------ simulate */

interface Simulate {
  load(p: string, tagName?: string | Record<string, unknown>, options?: Record<string, unknown>): string;
  render(id: string, props?: Record<string, unknown>): RenderedComponent;
  sleep(ms?: number): Promise<void>;
}

export interface RenderedComponent {
  instance: Record<string, any> & { data: Record<string, any>; setData(d: Record<string, unknown>): void };
  dom: HTMLElement;
  attach(parent: unknown): void;
  detach(): void;
  querySelector(sel: string): RenderedComponent | undefined;
  querySelectorAll(sel: string): RenderedComponent[];
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
  addEventListener(name: string, fn: (e: { detail: any }) => void): void;
  triggerLifeTime(name: string, ...args: unknown[]): void;
  triggerPageLifeTime(name: string, ...args: unknown[]): void;
  setData(d: Record<string, unknown>): void;
  data: Record<string, any>;
}

export function simulate(): Simulate {
  installDom();
  return require('miniprogram-simulate') as Simulate;
}

const PAGE_LIFECYCLE = new Set(['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom', 'onShareAppMessage', 'onShareTimeline', 'onPageScroll', 'onResize', 'onTabItemTap']);

/**
 * miniprogram-simulate only knows Component(): map Page() onto it the way the base library runs a page
 * (onLoad(query) then onShow on attach), keeping custom fields on the instance like a real page, and
 * log every page setData's JSON size for the budgets.
 */
export function installPageShim(fake: FakeWx, pageName: () => string, query: () => Record<string, string> = () => ({})): void {
  const g = globalThis as Record<string, unknown>;
  g.Page = (options: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {};
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(options)) {
      if (key === 'data') continue;
      if (typeof options[key] === 'function') methods[key] = options[key];
      else fields[key] = options[key];
    }
    const name = pageName();
    (g.Component as (o: Record<string, unknown>) => void)({
      data: options.data,
      methods,
      lifetimes: {
        created(this: Record<string, any>) {
          for (const key of Object.keys(fields)) this[key] = JSON.parse(JSON.stringify(fields[key] ?? null));
          const original = this.setData.bind(this);
          this.setData = (patch: Record<string, unknown>, cb?: () => void) => {
            fake.setDataLog.push({ page: name, bytes: Buffer.byteLength(JSON.stringify(patch)), keys: Object.keys(patch) });
            return original(patch, cb);
          };
        },
        attached(this: Record<string, any>) {
          if (typeof this.onLoad === 'function') this.onLoad(query());
          if (typeof this.onShow === 'function') this.onShow();
        },
      },
    });
  };
  void PAGE_LIFECYCLE;
}

/**
 * Loads and attaches a page, running onLoad(query) and onShow. Each call gets its own fresh build by
 * default: module singletons (cart cache, entry state) start clean, and Node/Jest module caches never
 * hand back a page module whose Page() call already ran.
 */
/** Pages by the short name tests use; the ones not listed live at pages/<name>/index. */
const PAGE_ROUTES: Record<string, string> = {
  product: 'pages-shop/product/index',
  checkout: 'pages-shop/checkout/index',
  'pay-result': 'pages-shop/pay-result/index',
  'order-detail': 'pages-order/detail/index',
  orders: 'pages-order/list/index',
};

export function pageRoute(page: string): string {
  if (PAGE_ROUTES[page]) return PAGE_ROUTES[page];
  // '../<root>/<page>' names a subpackage page relative to pages/
  return page.startsWith('../') ? `${page.slice(3)}/index` : `pages/${page}/index`;
}

export function renderPage(page: string, fake: FakeWx, query: Record<string, string> = {}, root: string = freshBuild()): RenderedComponent {
  const sim = simulate();
  installPageShim(fake, () => page, () => query);
  const id = sim.load(path.join(root, pageRoute(page)), { rootPath: root });
  const comp = sim.render(id);
  const parent = document.createElement('parent-wrapper');
  comp.attach(parent);
  return comp;
}

/** Lets pending promises, timers and simulate's async setData flush. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((r) => setTimeout(r, 0));
}

/* ------------------------------------------------------------ fixtures */

/** A realistic listing page: long titles and cloud fileIDs, as the real catalog serves. */
export function fakeSummary(i: number) {
  const n = String(i).padStart(4, '0');
  return {
    _id: `prod_${n}_${'x'.repeat(12)}`,
    title: `第${i}号 纯棉加厚连帽卫衣 秋冬新款宽松百搭 男女同款 多色可选`,
    cover: `cloud://storefront-prod-7gq2x3.7374-storefront-prod-7gq2x3-1320000000/products/${n}/cover-750x750.jpg`,
    price: 5990 + i,
    originalPrice: 8990 + i,
    sales: 1000 + i * 7,
    soldOut: i % 17 === 0,
  };
}

/** catalog.list over `total` products with an opaque cursor, as the cloud function pages them. */
export function fakeCatalog(total: number, extra: Partial<Record<string, (data: Record<string, unknown>) => unknown>> = {}): CloudHandler {
  return (name, data) => {
    const key = `${name}.${String(data.action)}`;
    if (extra[key]) return extra[key]!(data);
    if (key === 'catalog.categories') {
      return { ok: true, data: { categories: [{ _id: 'c1', name: '上衣', sort: 1 }, { _id: 'c2', name: '裤装', sort: 2 }] } };
    }
    if (key === 'catalog.list') {
      const start = data.cursor ? Number(String(data.cursor).slice(1)) : 0;
      const size = Number(data.pageSize || 20);
      const items = [];
      for (let i = start; i < Math.min(total, start + size); i += 1) items.push(fakeSummary(i));
      const next = start + size < total ? `c${start + size}` : null;
      return { ok: true, data: { items, nextCursor: next } };
    }
    if (key === 'scenes.referralCode') return { ok: true, data: { referralCode: 'RefAbc123' } };
    return { ok: false, error: { code: 'NOT_FOUND', message: `no fake for ${key}` } };
  };
}
