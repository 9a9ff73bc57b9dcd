/**
 * Acceptance run of the headless simulator on a mini program nobody here wrote: Tencent's
 * TDesign retail starter (github.com/Tencent/tdesign-miniprogram-starter-retail).
 *
 *   npm run check:tdesign -- <path to a checkout> [--out DIR] [--skip-install]
 *
 * 1. installs the checkout's npm dependencies (install scripts off: its `prepare` runs husky) and
 *    builds its miniprogram_npm with miniprogram-ci's packNpm, the builder DevTools uses;
 * 2. starts the simulator on it from its default entry and drives it with the unmodified
 *    miniprogram-automator;
 * 3. opens every page of its app.json (queries from its compile conditions or from its own links),
 *    screenshots each into --out (default $TMPDIR/tdesign-check) and checks the picture is not blank;
 * 4. drives the purchase path by taps and taps every tab of its custom tab bar.
 *
 * Prints a page table and an interaction table, then a closing `N passed, N failed` line; exits
 * non-zero when anything failed. The starter's files and screenshots stay outside the repo.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import automator from 'miniprogram-automator';
import type MiniProgram from 'miniprogram-automator/out/MiniProgram';
import type Page from 'miniprogram-automator/out/Page';
import { PNG } from 'pngjs';
import { freePort } from '../simulator/free-port';
import { packMiniprogramNpm } from './pack-npm';

const CLI = path.resolve(__dirname, '../simulator/cli.js');

/** Queries for pages that need one: the compile conditions first, then the starter's own links. */
const LINK_QUERIES: Record<string, string> = {
  'pages/goods/details/index': 'spuId=0',
  'pages/goods/comments/index': 'spuId=0',
  'pages/goods/result/index': 'searchValue=%E8%A1%A3%E6%9C%8D',
  'pages/order/order-detail/index': 'orderNo=132381532610540875',
  'pages/order/receipt/index': 'orderNo=132381532610540875',
  'pages/order/fill-tracking-no/index': 'rightsNo=123123423',
  'pages/order/delivery-detail/index': `data=${encodeURIComponent(JSON.stringify({ nodes: [], company: '顺丰速运', logisticsNo: 'SF1234567890' }))}`,
  'pages/order/pay-result/index': 'totalPaid=29800&orderNo=132381532610540875&groupId=&groupon=0&promotionId=',
  'pages/order/order-list/index': 'status=-1',
  'pages/coupon/coupon-detail/index': 'id=1',
  'pages/coupon/coupon-activity-goods/index': 'id=1',
  'pages/promotion/promotion-detail/index': 'promotion_id=1',
  'pages/user/name-edit/index': 'name=TDesign',
  // the goods details page's 立即购买 link (its JSON is not URL-encoded there either)
  'pages/order/order-confirm/index': `goodsRequestList=${JSON.stringify([{ quantity: 1, storeId: '1', spuId: '0', skuId: '135676631', goodsName: '白色短袖连衣裙荷叶边裙摆宽松韩版休闲纯白清爽优雅连衣裙', available: 1, price: '29800', specInfo: [{ specTitle: '颜色', specValue: '米色荷叶边' }, { specTitle: '尺码', specValue: 'S' }], primaryImage: 'https://tdesign.gtimg.com/miniprogram/template/retail/goods/nz-09a.png', thumb: 'https://tdesign.gtimg.com/miniprogram/template/retail/goods/nz-09a.png', title: '白色短袖连衣裙荷叶边裙摆宽松韩版休闲纯白清爽优雅连衣裙' }])}`,
};

interface PageRow { page: string; loaded: boolean; screenshot: boolean; notes: string[] }
interface StepRow { name: string; ok: boolean; note: string }

function args(): { project: string; out: string; skipInstall: boolean } {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv.splice(i, 2)[1] : undefined;
  };
  const out = flag('--out') ?? path.join(os.tmpdir(), 'tdesign-check');
  const skipIdx = argv.indexOf('--skip-install');
  if (skipIdx >= 0) argv.splice(skipIdx, 1);
  const project = argv[0];
  if (!project) {
    process.stderr.write('usage: npm run check:tdesign -- <path to tdesign-miniprogram-starter-retail> [--out DIR] [--skip-install]\n');
    process.exit(2);
  }
  return { project: path.resolve(project), out: path.resolve(out), skipInstall: skipIdx >= 0 };
}

/** npm install with scripts off; a pinned version the registry no longer serves is replaced by the
 *  newest published one of the same minor line (reported), so the run still measures the app. */
function installDeps(project: string): string[] {
  const notes: string[] = [];
  const base = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev'];
  let res = spawnSync('npm', base, { cwd: project, encoding: 'utf8' });
  if (res.status === 0) return notes;
  const missing = /No matching version found for (@?[^@\s]+)@(\S+?)\.?\s/.exec(res.stderr);
  if (!missing) throw new Error(`npm install failed in ${project}:\n${res.stderr}`);
  const [, name, wanted] = missing;
  const versions = JSON.parse(spawnSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8' }).stdout) as string[];
  const minor = wanted.split('.').slice(0, 2).join('.') + '.';
  const pick = versions.filter((v) => v.startsWith(minor) && !v.includes('-')).pop();
  if (!pick) throw new Error(`${name}@${wanted} is not on the registry and no ${minor}x release is`);
  notes.push(`${name}@${wanted} is not on the registry; installed ${pick}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const specs = Object.entries(pkg.dependencies ?? {}).map(([n, v]) => (n === name ? `${n}@${pick}` : `${n}@${v}`));
  res = spawnSync('npm', [...base, '--no-save', '--no-package-lock', ...specs], { cwd: project, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm install failed in ${project}:\n${res.stderr}`);
  return notes;
}

/** Share of pixels that differ from the most common colour: ~0 for a blank picture. */
export function inkRatio(png: Buffer): number {
  const img = PNG.sync.read(png);
  const counts = new Map<number, number>();
  for (let i = 0; i < img.data.length; i += 4) {
    const key = (img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = Math.max(...counts.values());
  const total = img.width * img.height;
  return (total - top) / total;
}

async function startSimulator(project: string, logFile: string): Promise<{ mp: MiniProgram; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'auto', '--project', project, '--auto-port', String(port), '--log', logFile, '--idle-exit', '30'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      return { mp: await automator.connect({ wsEndpoint: `ws://127.0.0.1:${port}` }), child };
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`simulator did not start: ${stderr || String(err)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function queryFor(project: string, route: string): string {
  const cfg = JSON.parse(fs.readFileSync(path.join(project, 'project.config.json'), 'utf8')) as { condition?: { miniprogram?: { list?: { pathName: string; query?: string }[] } } };
  const cond = cfg.condition?.miniprogram?.list?.find((c) => c.pathName.replace(/^\//, '') === route && c.query);
  return cond?.query ?? LINK_QUERIES[route] ?? '';
}

async function main(): Promise<void> {
  const { project, out, skipInstall } = args();
  fs.mkdirSync(out, { recursive: true });
  const setupNotes: string[] = [];
  if (!skipInstall) {
    setupNotes.push(...installDeps(project));
    await packMiniprogramNpm(project);
  }
  const appJson = JSON.parse(fs.readFileSync(path.join(project, 'app.json'), 'utf8')) as { pages: string[]; subpackages?: { root: string; pages: string[] }[]; tabBar?: { list: { pagePath: string; text: string }[] } };
  const pages = [...appJson.pages, ...(appJson.subpackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  const tabs = (appJson.tabBar?.list ?? []).map((t) => t.pagePath);
  const logFile = path.join(out, 'simulator.log');
  fs.rmSync(logFile, { force: true });
  const { mp, child } = await startSimulator(project, logFile);

  // App exceptions (thrown by the starter's code) as the automator receives them.
  const exceptions: string[] = [];
  mp.on('exception', (e: { message?: string }) => exceptions.push(String(e?.message ?? e)));
  const takeExceptions = () => exceptions.splice(0, exceptions.length);

  const rows: PageRow[] = [];
  const steps: StepRow[] = [];
  const shot = async (name: string): Promise<{ ok: boolean; note: string }> => {
    const file = path.join(out, `${name.replace(/\//g, '_')}.png`);
    try {
      await mp.screenshot({ path: file });
      const ink = inkRatio(fs.readFileSync(file));
      return { ok: ink > 0.01, note: ink > 0.01 ? '' : `blank screenshot (ink ${(ink * 100).toFixed(2)}%)` };
    } catch (err) {
      return { ok: false, note: `screenshot: ${(err as Error).message.split('\n')[0]}` };
    }
  };

  // The default entry.
  const first = await mp.currentPage().catch((err: Error) => err);
  const entryOk = !(first instanceof Error) && first?.path === pages[0];
  steps.push({ name: `launch from the default entry (${pages[0]})`, ok: entryOk, note: first instanceof Error ? first.message : first?.path ?? 'no page' });

  for (const route of pages) {
    const row: PageRow = { page: route, loaded: false, screenshot: false, notes: [] };
    rows.push(row);
    const query = queryFor(project, route);
    const url = `/${route}${query ? `?${query}` : ''}`;
    try {
      takeExceptions();
      if (tabs.includes(route)) await mp.callWxMethod('switchTab', { url: `/${route}` });
      else await mp.callWxMethod('reLaunch', { url });
      await idle();
      const cur = await mp.currentPage();
      row.loaded = cur?.path === route;
      if (!row.loaded) row.notes.push(`current page is ${cur?.path}`);
      if (query) row.notes.push(`?${query.length > 40 ? query.slice(0, 40) + '…' : query}`);
      const s = await shot(route);
      row.screenshot = s.ok;
      if (s.note) row.notes.push(s.note);
    } catch (err) {
      row.notes.push((err as Error).message.split('\n')[0]);
    }
    const ex = takeExceptions();
    if (ex.length) row.notes.push(`app exceptions: ${ex.map((m) => m.split('\n')[0]).join(' | ')}`);
  }

  await purchasePath(mp, steps, shot, takeExceptions);
  await tabSwitches(mp, steps, appJson.tabBar?.list ?? []);

  await mp.close().catch(() => undefined);
  child.kill();

  const simErrors = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => / simulator-error/.test(l)) : [];
  const pageOk = rows.filter((r) => r.loaded).length;
  const shotOk = rows.filter((r) => r.screenshot).length;
  const stepOk = steps.filter((s) => s.ok).length;
  for (const n of setupNotes) console.log(`note: ${n}`);
  console.log('\n| page | loaded | screenshot ok | notes |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.page} | ${r.loaded ? 'yes' : 'NO'} | ${r.screenshot ? 'yes' : 'NO'} | ${r.notes.join('; ')} |`);
  console.log('\n| interaction | ok | notes |\n| --- | --- | --- |');
  for (const s of steps) console.log(`| ${s.name} | ${s.ok ? 'yes' : 'NO'} | ${s.note} |`);
  console.log(`\npages loaded: ${pageOk} of ${rows.length}; screenshots not blank: ${shotOk} of ${rows.length}; interactions: ${stepOk} of ${steps.length}; simulator errors: ${simErrors.length}`);
  for (const e of simErrors.slice(0, 20)) console.log(`  ${e.slice(0, 300)}`);
  console.log(`screenshots and log: ${out}`);
  const passed = pageOk + shotOk + stepOk;
  const failed = rows.length * 2 + steps.length - passed + (simErrors.length ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

/** The starter's mock services answer after a 200 ms timer, like a network would: give the page a
 *  moment, as a user looking at it would. */
const idle = (ms = 800) => new Promise((r) => setTimeout(r, ms));

/** Polls for an element (lists render once the mock services answered). */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = await probe();
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`${what} not found`);
    await idle(100);
  }
}

type Shot = (name: string) => Promise<{ ok: boolean; note: string }>;

async function step(steps: StepRow[], name: string, fn: () => Promise<string | void>): Promise<boolean> {
  try {
    const note = await fn();
    steps.push({ name, ok: true, note: note ?? '' });
    return true;
  } catch (err) {
    steps.push({ name, ok: false, note: (err as Error).message.split('\n')[0] });
    return false;
  }
}

async function expectPage(mp: MiniProgram, route: string): Promise<Page> {
  const page = await mp.currentPage();
  if (page?.path !== route) throw new Error(`expected ${route}, on ${page?.path}`);
  return page;
}

async function tapFirst(scope: { $(s: string): Promise<unknown> }, selector: string): Promise<void> {
  const el = (await scope.$(selector)) as { tap(): Promise<void> } | null;
  if (!el) throw new Error(`${selector} not found`);
  await el.tap();
}

/** home → goods details → specs popup → add to cart → cart → settle → order confirm → address → pay result */
async function purchasePath(mp: MiniProgram, steps: StepRow[], shot: Shot, takeExceptions: () => string[]): Promise<void> {
  takeExceptions();
  const ok = (name: string, fn: () => Promise<string | void>) => step(steps, name, fn);
  if (!(await ok('home: tap the first goods card → goods details', async () => {
    await mp.callWxMethod('reLaunch', { url: '/pages/home/home' });
    const home = await expectPage(mp, 'pages/home/home');
    const list = await waitFor('goods-list', () => home.$('goods-list'));
    const card = await waitFor('goods-card', () => list.$('goods-card'));
    await tapFirst(card, '.goods-card');
    await expectPage(mp, 'pages/goods/details/index');
  }))) return;
  await ok('details: tap 加入购物车 → specs popup opens', async () => {
    const page = await expectPage(mp, 'pages/goods/details/index');
    const bar = await waitFor('buy-bar', () => page.$('buy-bar'));
    await idle();
    await tapFirst(bar, '.bar-separately');
    const popup = await page.$('goods-specs-popup');
    if (!popup) throw new Error('specs popup not found');
    const show = await popup.property('show' as never).catch(() => undefined);
    const data = (await page.data()) as { isSpuSelectPopupShow?: boolean };
    if (!data.isSpuSelectPopupShow) throw new Error(`popup not shown (${String(show)})`);
  });
  await ok('popup: pick one value of every spec by tap', async () => {
    const page = await expectPage(mp, 'pages/goods/details/index');
    const popup = await page.$('goods-specs-popup');
    if (!popup) throw new Error('specs popup not found');
    const rows = await popup.$$('.popup-sku-row');
    if (!rows.length) throw new Error('no spec rows');
    for (const row of rows) {
      const items = await row.$$('.popup-sku-row__item');
      const free = [];
      for (const it of items) if (!(await it.attribute('class')).includes('disabled')) free.push(it);
      if (!free.length) throw new Error('a spec row has no value in stock');
      await free[0].tap();
    }
    // Unrelated page data must not reset the popup's selection.
    await page.setData({ unrelatedFlag: Date.now() } as never);
    const selected = await popup.$$('.popup-sku-row__item--active');
    if (selected.length !== rows.length) throw new Error(`${selected.length} of ${rows.length} specs selected after setData`);
    return `${rows.length} specs`;
  });
  await ok('popup: tap 确定 → toast 点击加入购物车', async () => {
    const page = await expectPage(mp, 'pages/goods/details/index');
    const popup = await page.$('goods-specs-popup');
    if (!popup) throw new Error('specs popup not found');
    takeExceptions();
    // opened from the bar's 加入购物车, the popup has a single 确定 button
    const confirm = (await popup.$('.single-confirm-btn')) ?? (await popup.$('.sku-operate-addCart'));
    if (!confirm) throw new Error('no confirm button in the popup');
    await confirm.tap();
    const toast = await page.$('#t-toast');
    const text = toast ? await toast.text() : '';
    const s = await shot('purchase-1-added-to-cart');
    if (!text.includes('点击加入购物车')) throw new Error(`toast says "${text}"`);
    return s.note;
  });
  await ok('details: tap 购物车 → cart tab', async () => {
    const page = await expectPage(mp, 'pages/goods/details/index');
    const bar = await page.$('buy-bar');
    if (!bar) throw new Error('buy-bar not found');
    const icons = await bar.$$('.icon-warp');
    if (icons.length < 2) throw new Error('cart icon not found');
    await icons[1].tap();
    await expectPage(mp, 'pages/cart/index');
  });
  await ok('cart: tap 去结算 → order confirm', async () => {
    const page = await expectPage(mp, 'pages/cart/index');
    await idle();
    const bar = await waitFor('cart-bar', () => page.$('cart-bar'));
    await tapFirst(bar, '.account-btn');
    await expectPage(mp, 'pages/order/order-confirm/index');
    await idle();
    await shot('purchase-2-order-confirm');
  });
  await ok('order confirm: tap the address card → address list', async () => {
    const page = await expectPage(mp, 'pages/order/order-confirm/index');
    const card = await page.$('address-card');
    if (!card) throw new Error('address-card not found');
    await tapFirst(card, 't-cell');
    await expectPage(mp, 'pages/user/address/list/index');
  });
  await ok('address list: tap an address → back on order confirm with it', async () => {
    const page = await expectPage(mp, 'pages/user/address/list/index');
    const item = await waitFor('an address item', () => page.$('t-address-item'));
    await tapFirst(item, '.address');
    const confirm = await expectPage(mp, 'pages/order/order-confirm/index');
    const address = await waitFor('the chosen address on the order', async () => ((await confirm.data()) as { settleDetailData?: { userAddress?: { name?: string } } }).settleDetailData?.userAddress);
    return address.name;
  });
  await ok('order confirm: tap 提交订单 → pay result', async () => {
    const page = await expectPage(mp, 'pages/order/order-confirm/index');
    await tapFirst(page, '.submit-btn');
    await waitFor('pay result page', async () => ((await mp.currentPage())?.path === 'pages/order/pay-result/index' ? true : null));
    const s = await shot('purchase-3-pay-result');
    return s.note;
  });
  const ex = takeExceptions();
  steps.push({ name: 'purchase path without app exceptions', ok: ex.length === 0, note: ex.map((m) => m.split('\n')[0]).join(' | ') });
}

/** Every item of the custom tab bar, tapped from the tab page it lives on. */
async function tabSwitches(mp: MiniProgram, steps: StepRow[], list: { pagePath: string; text: string }[]): Promise<void> {
  await mp.callWxMethod('reLaunch', { url: `/${list[0].pagePath}` }).catch(() => undefined);
  for (const [i, tab] of [...list.entries()].reverse()) {
    await step(steps, `custom tab bar: tap ${tab.text} → ${tab.pagePath}`, async () => {
      const page = await mp.currentPage();
      if (!page) throw new Error('no current page');
      const bar = await page.$('custom-tab-bar');
      if (!bar) throw new Error('custom-tab-bar not found');
      const items = await bar.$$('t-tab-bar-item');
      if (items.length !== list.length) throw new Error(`${items.length} tab items`);
      await tapFirst(items[i], '.t-tab-bar-item__content');
      await idle(300);
      const now = await expectPage(mp, tab.pagePath);
      const nowBar = (await now.$('custom-tab-bar')) as unknown as { data(): Promise<{ active?: number }> } | null;
      const active = await nowBar?.data();
      if (active?.active !== i) throw new Error(`tab bar shows ${active?.active} as active`);
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
