/**
 * Shared harness of the shopper journeys (test/journeys/*.test.ts).
 *
 * Two back ends, one API, so the SAME journey files run on Linux CI and against a real WeChat DevTools:
 *
 * - Default ("simulator"): an in-process local CloudBase emulator (free port, fresh temp data dir)
 *   running the REAL cloud functions from cloudfunctions/ (build them first: `npm run build`), and the
 *   headless DevTools simulator (simulator/cli.js) on the repo's project (project.config.json →
 *   miniprogram/), driven by the UNMODIFIED miniprogram-automator (spawn + automator.connect).
 * - `WECHAT_DEVTOOLS_CLI` set ("devtools"): `automator.launch({cliPath, projectPath})` on the real
 *   DevTools, the real cloud env `WX_CLOUD_ENV` (functions deployed there), and @cloudbase/node-sdk
 *   with TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY for seeding and DB assertions.
 *   Stand-in-only controls (`__headless__`: relaunch with a scene, hot start, switchUser, scanQr,
 *   native state, payment policy) go through the small adapter below, whose DevTools branch uses what
 *   DevTools offers (`reLaunch`, `mockWxMethod`, `App.onShow`). See test/journeys/README.md.
 *
 * The simulator settles every call (events, setData, navigation, wx.cloud, payment), so on the
 * simulator nothing here sleeps or polls. Only the DevTools branch's settle() polls, because DevTools
 * replies before the app is idle.
 */
import { artifactsDir } from '../support/artifacts';
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import path from 'path';
import automator from 'miniprogram-automator';
import type MiniProgram from 'miniprogram-automator/out/MiniProgram';
import type Page from 'miniprogram-automator/out/Page';
import type Element from 'miniprogram-automator/out/Element';
import { PNG } from 'pngjs';
import { startCloud, type CloudHandle } from '../helpers/cloud';
import { merchantEvent, merchantKeyFor } from '../../admin/merchant-key';
import { freePort } from '../../simulator/free-port';

export type { MiniProgram, Page, Element };

/* Globals inside the mini program's AppService (where miniProgram.evaluate runs functions). */
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const __headless__: any;
declare const wx: any;
declare function getApp(): any;
declare function getCurrentPages(): any[];

export const REPO = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = artifactsDir('journeys');
export const DEVTOOLS_CLI = process.env.WECHAT_DEVTOOLS_CLI || '';
export const MODE: 'simulator' | 'devtools' = DEVTOOLS_CLI ? 'devtools' : 'simulator';
export const REAL = MODE === 'devtools';
/** Generous: the CI box is small and shared. */
export const JOURNEY_TIMEOUT = 180_000;
const TAB_PAGES = ['pages/catalog/index', 'pages/cart/index', 'pages/me/index'];

/** Product ids are fixed locally; on a real env they get a per-run prefix so runs never collide. */
export const RUN = REAL ? `j${Date.now().toString(36)}` : 'j';
export const pid = (name: string) => `${RUN}-${name}`;

export interface Envelope {
  ok: boolean;
  data?: any;
  error?: { code: string; message: string; details?: any };
}

export interface LaunchOptions {
  scene?: number;
  path: string;
  query?: Record<string, string>;
  shareTicket?: string;
}

export interface NativeView {
  toast?: { title: string; icon?: string; visible: boolean };
  modal?: { options: { title?: string; content?: string } };
  history: { api: string; options: any }[];
  tabBar?: { badges: Record<string, string> };
}


/* ------------------------------------------------------------------ fixture */

/** A product picture: a coloured square with a lighter disc (PNG), so screenshots show something. */
export function swatchPng(color: string, size = 375): Buffer {
  const png = new PNG({ width: size, height: size });
  const rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const c = size / 2;
  const radius = size * 0.3;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // 1 inside the disc, 0 outside, a one-pixel soft edge in between.
      const t = Math.max(0, Math.min(1, radius - Math.hypot(x - c + 0.5, y - c + 0.5)));
      const k = (y * size + x) * 4;
      for (let i = 0; i < 3; i++) png.data[k + i] = Math.round(rgb[i] + (255 - rgb[i]) * 0.35 * t);
      png.data[k + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

interface SkuSeed {
  skuId: string;
  specValues: string[];
  price: number;
  stock: number;
  originalPrice?: number;
}

function product(name: string, title: string, categoryId: string, color: string, specs: { name: string; values: string[] }[], skus: SkuSeed[], createdAt: number) {
  return {
    _id: pid(name),
    title,
    description: `${title}，旅程测试商品。`,
    categoryId,
    // Replaced by the uploaded picture's cloud fileID when seeded (seedCatalog).
    images: [`#${color.slice(1)}`],
    specs,
    skus: skus.map((s) => ({ ...s, skuId: `${pid(name)}-${s.skuId}` })),
    status: 'on_shelf',
    sales: 0,
    price: Math.min(...skus.map((s) => s.price)),
    createdAt,
    updatedAt: createdAt,
  };
}

/** The deterministic catalog every journey starts from (one product per journey, so journeys stay independent). */
export function fixtureCatalog(now = Date.UTC(2026, 0, 1)) {
  const color = [{ name: '颜色', values: ['白', '黑'] }];
  const size = [{ name: '尺码', values: ['M', 'L'] }];
  const categories = [
    { _id: pid('wear'), name: '服饰', sort: 1, status: 'on' },
    { _id: pid('home'), name: '家居', sort: 2, status: 'on' },
  ];
  const products = [
    // 1. QR scan to paid order / 8. cold start target
    product('tee', '纯棉T恤', pid('wear'), '#4a90d9', color, [
      { skuId: 'white', specValues: ['白'], price: 3990, originalPrice: 5990, stock: 10 },
      { skuId: 'black', specValues: ['黑'], price: 4290, stock: 6 },
    ], now + 8),
    // 2. share card
    product('mug', '陶瓷马克杯', pid('home'), '#e4a23c', [], [{ skuId: 'std', specValues: [], price: 2500, stock: 20 }], now + 7),
    // 3. last unit: white has exactly one left
    product('lamp', '北欧台灯', pid('home'), '#7bb661', color, [
      { skuId: 'white', specValues: ['白'], price: 12900, stock: 1 },
      { skuId: 'black', specValues: ['黑'], price: 12900, stock: 3 },
    ], now + 6),
    // 4. price edited while in a cart
    product('tea', '明前龙井', pid('home'), '#3c9d6d', [], [{ skuId: 'std', specValues: [], price: 5800, stock: 30 }], now + 5),
    // 5. taken off the shelf / broken by hand / a healthy neighbour
    product('scarf', '羊毛围巾', pid('wear'), '#b04a6f', [], [{ skuId: 'std', specValues: [], price: 8800, stock: 5 }], now + 4),
    product('socks', '运动袜', pid('wear'), '#6d5cae', size, [
      { skuId: 'm', specValues: ['M'], price: 1500, stock: 40 },
      { skuId: 'l', specValues: ['L'], price: 1500, stock: 40 },
    ], now + 3),
    product('towel', '纯棉毛巾', pid('home'), '#2fa7b8', [], [{ skuId: 'std', specValues: [], price: 1990, stock: 50 }], now + 2),
    // 6. unpaid order expires
    product('candle', '香薰蜡烛', pid('home'), '#d9694a', [], [{ skuId: 'std', specValues: [], price: 6600, stock: 4 }], now + 1),
    // 7. campaign poster QR / 8. hot start target
    product('bag', '帆布托特包', pid('wear'), '#8a7d5c', [], [{ skuId: 'std', specValues: [], price: 4900, stock: 12 }], now),
  ];
  return { categories, products };
}

/* ------------------------------------------------------------------ harness */

export interface Shop {
  mode: typeof MODE;
  mp: MiniProgram;
  /** @cloudbase/node-sdk database pointed at the emulator (or the real env) */
  db: any;
  /** db.command */
  _: any;
  /** exceptions the mini program reported (App.exceptionThrown) since start */
  exceptions: { message: string }[];
  /** the current shopper's openid (simulator only; null on real DevTools, where it is the logged-in account) */
  openid: string | null;
  /** the local cloud (simulator only), e.g. to mount the merchant console on it */
  cloud?: CloudHandle;

  /* the shopper's side */
  /** A fresh shopper (own openid, empty storage), cold-started on the home page. */
  switchUser(name: string): Promise<string | null>;
  /** Cold start (fresh App.onLaunch) with a scene, a path and a query. */
  relaunch(opts: LaunchOptions): Promise<Page>;
  /** Hot start: the app goes to the background and comes back (App.onShow) with new enter options. */
  hotStart(opts: LaunchOptions): Promise<Page>;
  /** Scans a decoded mini-program code: scene 1047, `scene` URL-encoded in the query. */
  scanQr(payload: { page: string; scene: string }, mode?: 'cold' | 'hot'): Promise<Page>;
  page(): Promise<Page>;
  /**
   * Simulator: nothing to do (every automator call replies only once the app has settled).
   * Real DevTools: waits until no wx.cloud call is in flight and the page stack is stable.
   */
  settle(): Promise<void>;
  navigateTo(url: string): Promise<Page>;
  switchTab(url: string): Promise<Page>;
  navigateBack(): Promise<Page>;
  /** toast / modal / tab bar as the shopper sees them */
  native(): Promise<NativeView>;
  confirmModal(): Promise<void>;
  /** the shopper shares the current page from the ⋯ menu: the card WeChat would send */
  shareFromMenu(): Promise<{ title: string; path: string }>;
  /** what wx.requestPayment does: pay in the sandbox (default) or cancel the payment sheet */
  setPayment(policy: 'confirm' | 'cancel'): Promise<void>;
  enterOptions(): Promise<{ scene: number; path: string; query: Record<string, string> }>;
  shot(journey: string, step: string): Promise<string>;

  /* the cloud's side */
  /** Calls a cloud function as a user (simulator) / as the DevTools account (real) and returns its envelope. */
  invoke(fn: string, event: Record<string, unknown>, openid?: string): Promise<Envelope>;
  /** Runs the inventory expiry sweep now (the timer trigger). */
  fireExpiryTimer(): Promise<Envelope>;
  downloadFile(fileID: string): Promise<Buffer>;
  doc(collection: string, id: string): Promise<any>;
  where(collection: string, filter: Record<string, unknown>): Promise<any[]>;

  /**
   * Another shopper with a phone of their own, at the same time: a second simulator on the same cloud
   * (close it when done). Null on real DevTools (one DevTools per project).
   */
  secondShopper(): Promise<Shop | null>;

  close(): Promise<void>;
}

/**
 * Seeds the fixture through the real SDK: categories, and products whose picture is uploaded to cloud
 * storage first (the product then holds its `cloud://` fileID, as the merchant console would store it).
 */
export async function seedCatalog(app: any): Promise<ReturnType<typeof fixtureCatalog>> {
  const db = app.database();
  const catalog = fixtureCatalog();
  for (const c of catalog.categories) {
    const { _id, ...rest } = c;
    await db.collection('categories').doc(_id).set(rest);
  }
  // The merchant who makes QR codes from the mini program side (scenes.create is merchants only).
  await db.collection('config').doc('merchants').set({ openids: ['o_merchant'] });
  for (const p of catalog.products) {
    const color = p.images[0];
    const upload = await app.uploadFile({ cloudPath: `journeys/${p._id}.png`, fileContent: swatchPng(color) });
    p.images = [upload.fileID as string];
    const { _id, ...rest } = p;
    await db.collection('products').doc(_id).set(rest);
  }
  return catalog;
}

function nodeSdkForRealEnv(): any {
  const env = process.env.WX_CLOUD_ENV;
  if (!env) throw new Error('WECHAT_DEVTOOLS_CLI is set: also set WX_CLOUD_ENV (and TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY)');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tcb = require('@cloudbase/node-sdk');
  return tcb.init({ env, secretId: process.env.TENCENTCLOUD_SECRETID, secretKey: process.env.TENCENTCLOUD_SECRETKEY });
}

let active: Shop | undefined;

/** Starts everything for one test file. Call in beforeAll; `close()` in afterAll. */
export async function startShop(): Promise<Shop> {
  active = REAL ? await startDevtoolsShop() : await startSimulatorShop();
  return active;
}

/**
 * The test file's shop, started before its journeys (timed by the journey clock) and closed after
 * them. A getter: the shop exists once `beforeAll` has run.
 */
export function useShop(): () => Shop {
  journeyClock();
  let shop: Shop | undefined;
  beforeAll(async () => {
    shop = await startShop();
  }, JOURNEY_TIMEOUT);
  afterAll(async () => {
    await shop?.close();
  }, JOURNEY_TIMEOUT);
  return () => {
    if (!shop) throw new Error('the shop is not started (useShop() runs it in beforeAll)');
    return shop;
  };
}

/** Sellable units of one SKU as the database holds them now. */
export async function stockOf(shop: Shop, productId: string, skuId: string): Promise<number> {
  const doc = await shop.doc('products', productId);
  return doc.skus.find((s: { skuId: string }) => s.skuId === skuId).stock;
}

/** Taps an element, then lets the app settle (a no-op on the simulator, which settles every call). */
export async function tapElement(el: Element): Promise<void> {
  await el.tap();
  if (active) await active.settle();
}

/* ------------------------------------------------------- simulator back end */

async function connect(port: number, child: ChildProcess, stderr: () => string): Promise<MiniProgram> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await automator.connect({ wsEndpoint: `ws://127.0.0.1:${port}` });
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`simulator did not start: ${stderr() || String(err)}`);
      // Waiting for the child's socket to open (process start-up), not for the app.
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Spawns a simulator on the repo project pointed at `cloudUrl` and connects the unmodified automator. */
export async function startSimulator(cloudUrl: string, openid: string): Promise<{ mp: MiniProgram; child: ChildProcess; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'simulator', 'cli.js'), '--cloud-url', cloudUrl, '--openid', openid, 'auto', '--project', REPO, '--auto-port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } },
  );
  let err = '';
  child.stderr?.on('data', (d) => (err += String(d)));
  const mp = await connect(port, child, () => err);
  return {
    mp,
    child,
    async close() {
      const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
      try {
        await mp.close();
      } catch {
        child.kill();
      }
      await exited;
    },
  };
}

/** `shared`: a second shopper's simulator on the first one's cloud (not seeded again, not stopped on close). */
async function startSimulatorShop(shared?: CloudHandle): Promise<Shop> {
  const cloud: CloudHandle = shared ?? (await startCloud({ functionsDir: 'cloudfunctions' }));
  const app = cloud.node();
  const db = app.database();
  if (!shared) await seedCatalog(app);
  const sim = await startSimulator(cloud.url, 'o_journey_boot');
  const mp = sim.mp;
  const exceptions: { message: string }[] = [];
  mp.on('exception', (e: { message: string }) => exceptions.push(e));
  const current = async () => {
    const p = await mp.currentPage();
    if (!p) throw new Error('no current page');
    return p;
  };
  const shop: Shop = {
    mode: 'simulator',
    cloud,
    mp,
    db,
    _: db.command,
    exceptions,
    openid: 'o_journey_boot',
    async switchUser(name) {
      const openid = `o_${name}_${process.pid}`;
      await mp.evaluate((id: string) => __headless__.switchUser(id, { relaunch: true }), openid);
      shop.openid = openid;
      return openid;
    },
    async relaunch(opts) {
      await mp.evaluate((o: LaunchOptions) => __headless__.relaunch(o), { scene: 1001, query: {}, ...opts });
      return current();
    },
    async hotStart(opts) {
      await mp.evaluate((o: LaunchOptions) => __headless__.hotStart(o), { scene: 1001, query: {}, ...opts });
      return current();
    },
    async scanQr(payload, mode = 'cold') {
      await mp.evaluate((p: unknown, m: string) => __headless__.scanQr(p, m), payload, mode);
      return current();
    },
    page: current,
    async settle() {
      // Every call already settled; this keeps the API the same for the DevTools back end.
    },
    async navigateTo(url) {
      await mp.callWxMethod('navigateTo', { url });
      return current();
    },
    async switchTab(url) {
      await mp.callWxMethod('switchTab', { url });
      return current();
    },
    async navigateBack() {
      await mp.callWxMethod('navigateBack', { delta: 1 });
      return current();
    },
    native: () => mp.evaluate(() => __headless__.native()),
    shareFromMenu: () => mp.evaluate(() => __headless__.shareFromMenu()),
    async confirmModal() {
      await mp.native().confirmModal();
    },
    async setPayment(policy) {
      await mp.evaluate((p: string) => __headless__.setPaymentPolicy(p), policy);
    },
    enterOptions: () => mp.callWxMethod('getEnterOptionsSync'),
    shot: (journey, step) => screenshot(mp, journey, step),
    async invoke(fn, event, openid) {
      const reply = await cloud.invoke(fn, event, { openid: openid ?? shop.openid ?? undefined });
      if (reply.error) throw new Error(`${fn} failed: ${reply.error.code} ${reply.error.message}`);
      return reply.result as Envelope;
    },
    async fireExpiryTimer() {
      const reply = await cloud.fireTimer('orders', 'expireOrders');
      if (reply.error) throw new Error(`timer failed: ${reply.error.code} ${reply.error.message}`);
      return reply.result as Envelope;
    },
    async downloadFile(fileID) {
      const res = await app.downloadFile({ fileID });
      return Buffer.from(res.fileContent);
    },
    doc: (collection, id) => readDoc(db, collection, id),
    where: (collection, filter) => readWhere(db, collection, filter),
    secondShopper: () => startSimulatorShop(cloud),
    async close() {
      await sim.close();
      if (!shared) await cloud.stop();
    },
  };
  return shop;
}

/* -------------------------------------------------------- DevTools back end */

async function startDevtoolsShop(): Promise<Shop> {
  const app = nodeSdkForRealEnv();
  const db = app.database();
  await seedCatalog(app);
  const mp = await automator.launch({ cliPath: DEVTOOLS_CLI, projectPath: REPO, port: await freePort() });
  const exceptions: { message: string }[] = [];
  mp.on('exception', (e: { message: string }) => exceptions.push(e));
  const current = async () => {
    const p = await mp.currentPage();
    if (!p) throw new Error('no current page');
    return p;
  };
  let paymentPolicy: 'confirm' | 'cancel' = 'confirm';
  /**
   * What DevTools offers instead of __headless__: function mocks that record toasts and modals on the
   * App instance (then show the real ones), a payment mock (no real money moves: the order stays
   * pending_payment unless the env's pay notification arrives), the simulator's test address for
   * chooseAddress, and mocked enter options.
   */
  const installMocks = async (enter?: { scene: number; path: string; query: Record<string, string> }) => {
    await mp.mockWxMethod('showToast', function (this: any, o: any) {
      const a = getApp();
      a.__journeyNative = a.__journeyNative || { history: [], tabBar: { badges: {} } };
      a.__journeyNative.toast = { title: o.title, icon: o.icon, visible: true };
      a.__journeyNative.history.push({ api: 'showToast', options: o });
      return this.origin(o);
    });
    await mp.mockWxMethod('showModal', function (this: any, o: any) {
      const a = getApp();
      a.__journeyNative = a.__journeyNative || { history: [], tabBar: { badges: {} } };
      a.__journeyNative.modal = { options: { title: o.title, content: o.content } };
      a.__journeyNative.history.push({ api: 'showModal', options: o });
      return this.origin(o);
    });
    // The same fixed address the simulator's chooseAddress returns (no address sheet to tap through).
    await mp.mockWxMethod('chooseAddress', {
      userName: '张三',
      postalCode: '510000',
      provinceName: '广东省',
      cityName: '广州市',
      countyName: '海珠区',
      detailInfo: '新港中路397号',
      nationalCode: '510000',
      telNumber: '020-81167888',
      errMsg: 'chooseAddress:ok',
    });
    if (paymentPolicy === 'confirm') await mp.mockWxMethod('requestPayment', { errMsg: 'requestPayment:ok' });
    else await mp.mockWxMethod('requestPayment', { errMsg: 'requestPayment:fail cancel' });
    if (enter) {
      await mp.mockWxMethod('getEnterOptionsSync', { ...enter, referrerInfo: {} });
      await mp.mockWxMethod('getLaunchOptionsSync', { ...enter, referrerInfo: {} });
    }
  };
  const urlOf = (opts: LaunchOptions) => {
    const qs = Object.entries(opts.query ?? {}).map(([k, v]) => `${k}=${v}`).join('&');
    return `/${opts.path.replace(/^\//, '')}${qs ? `?${qs}` : ''}`;
  };
  /** Counts wx.cloud calls in flight so settle() knows when the app is idle (DevTools does not settle calls). */
  const trackCloudCalls = () =>
    mp.evaluate(() => {
      const a = getApp();
      if (a.__journeyTracked) return;
      a.__journeyTracked = true;
      a.__journeyInflight = 0;
      const original = wx.cloud.callFunction.bind(wx.cloud);
      wx.cloud.callFunction = (o: any) => {
        a.__journeyInflight += 1;
        const p = original(o);
        const done = () => (a.__journeyInflight -= 1);
        if (p && typeof p.then === 'function') p.then(done, done);
        else done();
        return p;
      };
    });
  const settle = async () => {
    await trackCloudCalls();
    let last = '';
    let stable = 0;
    // Poll (DevTools only): idle = no cloud call in flight and the same page stack for about a second (the pay result page re-checks every 800 ms).
    const deadline = Date.now() + 30_000;
    while (stable < 5 && Date.now() < deadline) {
      const state = await mp.evaluate(() => ({ n: getApp().__journeyInflight || 0, stack: getCurrentPages().map((p: any) => p.route).join('>') }));
      const key = `${state.n}|${state.stack}`;
      stable = state.n === 0 && key === last ? stable + 1 : 0;
      last = key;
      if (stable < 5) await new Promise((r) => setTimeout(r, 200));
    }
  };
  const afterNavigation = async () => {
    await trackCloudCalls();
    await settle();
  };
  await installMocks();
  const shop: Shop = {
    mode: 'devtools',
    mp,
    db,
    _: db.command,
    exceptions,
    openid: null,
    async switchUser() {
      // DevTools cannot change the logged-in account from a test: a "new shopper" is the same account
      // with empty storage (cart, referral code cache, attribution, saved address).
      await mp.callWxMethod('clearStorageSync');
      await mp.restoreWxMethod('getEnterOptionsSync');
      await mp.restoreWxMethod('getLaunchOptionsSync');
      await mp.reLaunch('/pages/catalog/index');
      await mp.evaluate(() => (getApp().__journeyNative = { history: [], tabBar: { badges: {} } }));
      await afterNavigation();
      return null;
    },
    async relaunch(opts) {
      // No cold start with a scene from a test: mock the enter options the pages read, then reLaunch.
      await installMocks({ scene: opts.scene ?? 1001, path: opts.path, query: opts.query ?? {} });
      await mp.reLaunch(urlOf(opts));
      await afterNavigation();
      return current();
    },
    async hotStart(opts) {
      const enter = { scene: opts.scene ?? 1001, path: opts.path, query: opts.query ?? {} };
      await installMocks(enter);
      // App.onShow with the new options is what WeChat calls on a hot start.
      await mp.evaluate((o: any) => getApp().onShow(o), enter);
      // Like the WeChat client (and the simulator): an entry with another page re-launches the stack there.
      const cur = await current();
      if (cur.path !== enter.path.replace(/^\//, '')) {
        if (TAB_PAGES.includes(enter.path)) await mp.switchTab(`/${enter.path}`);
        else await mp.reLaunch(urlOf(opts));
      }
      await afterNavigation();
      return current();
    },
    async scanQr(payload, mode = 'cold') {
      const opts = { scene: 1047, path: payload.page, query: { scene: encodeURIComponent(payload.scene) } };
      return mode === 'hot' ? shop.hotStart(opts) : shop.relaunch(opts);
    },
    page: current,
    settle,
    async navigateTo(url) {
      await mp.navigateTo(url);
      await afterNavigation();
      return current();
    },
    async switchTab(url) {
      await mp.switchTab(url);
      await afterNavigation();
      return current();
    },
    async navigateBack() {
      await mp.navigateBack();
      await afterNavigation();
      return current();
    },
    native: async () => (await mp.evaluate(() => getApp().__journeyNative)) ?? { history: [] },
    // DevTools has no automation control for the ⋯ menu: call the handler as WeChat does.
    shareFromMenu: async () => (await current()).callMethod('onShareAppMessage', { from: 'menu' }),
    async confirmModal() {
      await mp.native().confirmModal();
      await mp.evaluate(() => {
        const n = getApp().__journeyNative;
        if (n) n.modal = undefined;
      });
      await settle();
    },
    async setPayment(policy) {
      paymentPolicy = policy;
      await installMocks();
    },
    enterOptions: () => mp.callWxMethod('getEnterOptionsSync'),
    shot: (journey, step) => screenshot(mp, journey, step),
    async invoke(fn, event) {
      // Real env: a call as the DevTools account, through the mini program's own wx.cloud.
      const res = await mp.evaluate((name: string, data: any) => wx.cloud.callFunction({ name, data }).then((r: any) => r.result), fn, event);
      return res as Envelope;
    },
    async fireExpiryTimer() {
      // An operator running the timer by hand: the environment's credentials plus the merchant key.
      const data = merchantEvent({ Type: 'Timer', TriggerName: 'expireOrders' }, merchantKeyFor({ kind: 'remote', envId: String(process.env.WX_CLOUD_ENV) }));
      const res = await app.callFunction({ name: 'orders', data });
      return res.result as Envelope;
    },
    async downloadFile(fileID) {
      const res = await app.downloadFile({ fileID });
      return Buffer.from(res.fileContent);
    },
    doc: (collection, id) => readDoc(db, collection, id),
    where: (collection, filter) => readWhere(db, collection, filter),
    // One DevTools per project: a second shopper's checkout is a concurrent function call instead.
    secondShopper: async () => null,
    async close() {
      await mp.close();
    },
  };
  return shop;
}

/* ------------------------------------------------------------------ helpers */

async function readDoc(db: any, collection: string, id: string): Promise<any> {
  const res = await db.collection(collection).where({ _id: id }).get();
  return res.data[0] ?? null;
}

async function readWhere(db: any, collection: string, filter: Record<string, unknown>): Promise<any[]> {
  const res = await db.collection(collection).where(filter).limit(100).get();
  return res.data;
}

async function screenshot(mp: MiniProgram, journey: string, step: string): Promise<string> {
  const dir = path.join(ARTIFACTS, journey);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await mp.screenshot({ path: file });
  return file;
}

/** Text of the first element matching `selector` on the page (whitespace collapsed); '' when absent. */
export async function textOf(page: Page, selector: string): Promise<string> {
  const el = await page.$(selector);
  if (!el) return '';
  return (await el.text()).replace(/\s+/g, ' ').trim();
}

/** Texts of every element matching `selector`. */
export async function textsOf(page: Page, selector: string): Promise<string[]> {
  const els = await page.$$(selector);
  const out: string[] = [];
  for (const el of els) out.push((await el.text()).replace(/\s+/g, ' ').trim());
  return out;
}

export async function mustFind(page: Page, selector: string): Promise<Element> {
  const el = await page.$(selector);
  if (!el) throw new Error(`${page.path}: no element ${selector}`);
  return el;
}

export async function tap(page: Page, selector: string): Promise<void> {
  await tapElement(await mustFind(page, selector));
}

/** Taps `inner` inside the custom component `host` (its shadow tree). */
export async function tapIn(page: Page, host: string, inner: string): Promise<void> {
  const el = await (await mustFind(page, host)).$(inner);
  if (!el) throw new Error(`${page.path}: no element ${inner} in ${host}`);
  await tapElement(el);
}

/** Whether the page's privacy popup (components/privacy-popup, `#privacy`) is showing. */
export async function privacyPopupShown(page: Page): Promise<boolean> {
  const host = await page.$('#privacy');
  return !!host && !!(await host.$('#privacy-popup'));
}

/**
 * A shopper who never agreed to the privacy guide is asked when a privacy API (the address picker) is
 * first called: this answers the popup, if it showed, with 同意 or 拒绝.
 */
export async function answerPrivacy(page: Page, answer: 'agree' | 'disagree' = 'agree'): Promise<boolean> {
  if (!(await privacyPopupShown(page))) return false;
  await tapIn(page, '#privacy', answer === 'agree' ? '#privacy-agree' : '#privacy-disagree');
  return true;
}

/** Taps 立即购买 on the product page and expects the checkout page; returns it. */
export async function buyNow(shop: Shop, page: Page): Promise<Page> {
  await tap(page, '#buy-now');
  const checkout = await shop.page();
  expect(checkout.path).toBe('pages-shop/checkout/index');
  return checkout;
}

/**
 * On the checkout page: taps 选择微信地址 and agrees to the privacy guide if its popup asks (a new shopper
 * is asked first: the address picker is a privacy API). The simulator's picker answers 张三's address.
 */
export async function chooseAddress(page: Page): Promise<void> {
  await tap(page, '#choose-address');
  await answerPrivacy(page, 'agree');
}

/** On the checkout page: chooses the WeChat address (chooseAddress) unless the page already shows one. */
export async function chooseAddressIfNone(page: Page): Promise<void> {
  if (!(await page.$('#address-view'))) await chooseAddress(page);
}

/** Taps 提交订单 on the checkout page and expects the pay result page; returns it. */
export async function submitOrder(shop: Shop, page: Page): Promise<Page> {
  await tap(page, '#checkout-submit');
  const result = await shop.page();
  expect(result.path).toBe('pages-shop/pay-result/index');
  return result;
}

/** Taps the SKU value with this text in the product page's picker. */
export async function pickSku(page: Page, value: string): Promise<void> {
  const picker = await mustFind(page, '#sku-picker');
  for (const el of await picker.$$('.sku-value')) {
    const text = (await el.text()).replace(/\s+/g, '');
    if (text === value || text.startsWith(value)) {
      await tapElement(el);
      return;
    }
  }
  throw new Error(`no SKU value ${value}`);
}

/** Class and label of a SKU value, as the shopper sees its state. */
export async function skuState(page: Page, value: string): Promise<{ cls: string; label: string; text: string }> {
  const picker = await mustFind(page, '#sku-picker');
  for (const el of await picker.$$('.sku-value')) {
    const text = (await el.text()).replace(/\s+/g, '');
    if (text.startsWith(value)) return { cls: (await el.attribute('class')) ?? '', label: (await el.attribute('aria-label')) ?? '', text };
  }
  throw new Error(`no SKU value ${value}`);
}

/** Whether a button is disabled, as rendered (attribute/property of the built-in button). */
export async function isDisabled(el: Element): Promise<boolean> {
  const prop = await el.property('disabled').catch(() => undefined);
  if (typeof prop === 'boolean') return prop;
  const attr = await el.attribute('disabled');
  return attr !== null && attr !== undefined && attr !== 'false';
}

/** Journey timing, printed once at the end ("journeys: N in X s"); not an assertion. */
const timing = { start: 0, count: 0 };
export function journeyClock() {
  beforeAll(() => {
    if (!timing.start) timing.start = Date.now();
  });
  afterEach(() => {
    timing.count += 1;
  });
  afterAll(() => {
    const secs = ((Date.now() - timing.start) / 1000).toFixed(1);
    // eslint-disable-next-line no-console
    console.log(`journeys: ${timing.count} in ${secs} s (${MODE}); screenshots in ${ARTIFACTS}`);
  });
}
