/**
 * The QR-to-order journey, timed: the local cloud (in this process, repo functions) + the headless
 * simulator (child process, driven by the unmodified miniprogram-automator) on the real mini program.
 *
 *   scenes.create → QR PNG from storage → decode (simulator/qr) → scanQr → product page →
 *   tap "立即购买" → checkout → choose address → tap "提交订单" (orders.create, orders.pay,
 *   wx.requestPayment → pay sandbox → notification) → pay-result page; the order is `paid` in the DB.
 *
 *   npx tsx bench/journey.ts [--json]   (prints `JOURNEY {"ok":true,"value":{...}}` with --json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import automator from 'miniprogram-automator';
import { localFunctionEnv, localMerchantKey, merchantEvent } from '../admin/merchant-key';
import { startEmulator } from '../emulator';
import { decodeQrPng } from '../simulator/qr';
import { Client, REPO, freePort, productDoc, seedDocs, sleep } from './lib/cloud';

/** the simulator's control global inside AppService (simulator/README.md) */
declare const __headless__: { scanQr(p: unknown): unknown; relaunch(o: unknown): unknown; launchTiming(): LaunchTiming | undefined };

interface LaunchTiming { route: string; firstRenderMs: number; settledMs: number; modules: number }

type MP = Awaited<ReturnType<typeof automator.connect>>;
type Page = NonNullable<Awaited<ReturnType<MP['currentPage']>>>;

export interface JourneyFigures {
  totalMs: number;
  taps: number;
  steps: { step: string; ms: number }[];
  orderStatus: string;
  /** cold starts on the catalog tab (medians): launch to first render, and to the first products shown */
  launch?: { runs: number; firstRenderMedianMs: number; settledMedianMs: number; modules: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Cold starts on the home tab, as a shopper opening the app: the simulator's own launch timing. */
async function coldStarts(m: MP, runs = 5): Promise<NonNullable<JourneyFigures['launch']>> {
  const all: LaunchTiming[] = [];
  for (let i = 0; i < runs; i += 1) {
    await m.evaluate(() => __headless__.relaunch({ scene: 1001, path: 'pages/catalog/index', query: {} }));
    const t = await m.evaluate(() => __headless__.launchTiming());
    if (!t || t.route !== 'pages/catalog/index') throw new Error(`cold start did not reach the catalog: ${JSON.stringify(t)}`);
    all.push(t);
  }
  const r = (x: number) => Math.round(x * 10) / 10;
  return { runs, firstRenderMedianMs: r(median(all.map((t) => t.firstRenderMs))), settledMedianMs: r(median(all.map((t) => t.settledMs))), modules: all[0].modules };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${lastSeen ? ` (at ${lastSeen})` : ''}`);
    await sleep(20);
  }
}

let lastSeen = '';

async function pageWhere(mp: MP, route: string, ready: (p: Page) => Promise<boolean>, timeoutMs = 30_000): Promise<Page> {
  return waitFor(`${route}`, async () => {
    const p = await mp.currentPage();
    lastSeen = p ? `${p.path} ${JSON.stringify(await p.data()).slice(0, 300)}` : 'no page';
    if (p && p.path.replace(/^\//, '') === route && (await ready(p))) return p;
    return undefined;
  }, timeoutMs);
}

export async function runJourney(): Promise<JourneyFigures> {
  const emu = await startEmulator({ port: 0, quiet: true, timers: false, functionEnv: localFunctionEnv() });
  const client = Client.of(emu);
  let child: ChildProcess | undefined;
  let mp: MP | undefined;
  try {
    await seedDocs(client, 'products', [
      productDoc('journey-1', [{ skuId: 'j1', price: 2990, stock: 20, specValues: ['红'] }], { title: '测试商品 扫码下单', specs: [{ name: '颜色', values: ['红'] }] }),
    ]);
    const steps: { step: string; ms: number }[] = [];
    const timed = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
      const t = process.hrtime.bigint();
      const v = await f();
      steps.push({ step, ms: Math.round(Number(process.hrtime.bigint() - t) / 1e5) / 10 });
      return v;
    };

    // The merchant prints a QR code for the product.
    const qr = await timed('scenes.create + PNG', async () => {
      const create = { action: 'create', target: { page: 'pages-shop/product/index', query: { id: 'journey-1' } }, campaign: 'bench' };
      const r = await client.invoke('scenes', merchantEvent(create, localMerchantKey())); // server-side, as the merchant's tools call it
      if (!r.result?.ok) throw new Error(`scenes.create: ${JSON.stringify(r).slice(0, 200)}`);
      const file = await client.wx().downloadFile({ fileID: r.result.data.fileID });
      return decodeQrPng(file.fileContent as Buffer);
    });

    const port = await freePort();
    await timed('simulator start', async () => {
      child = spawn(process.execPath, [path.join(REPO, 'simulator', 'cli.js'), 'auto', '--project', REPO, '--auto-port', String(port), '--cloud-url', emu.url, '--openid', 'oJOURNEY', '--auto-modal', 'confirm'], {
        stdio: 'ignore',
      });
      mp = await waitFor('simulator', () => automator.connect({ wsEndpoint: `ws://127.0.0.1:${port}` }).catch(() => undefined), 60_000);
    });
    const m = mp!;
    const launch = await coldStarts(m);
    const t0 = process.hrtime.bigint();
    let taps = 0;
    const tap = async (page: Page, selector: string) => {
      const el = await page.$(selector);
      if (!el) throw new Error(`${selector} not found on ${page.path}`);
      taps += 1;
      await el.tap();
    };
    // Product page ready, or the landing page refusing the code (then: undefined).
    const landed = () =>
      waitFor('the product page (or a refusal)', async () => {
        const p = await m.currentPage();
        if (!p) return undefined;
        const route = p.path.replace(/^\//, '');
        const status = await p.data('status');
        if (route === 'pages-shop/product/index' && status === 'ok') return { page: p };
        if (route === 'pages/landing/index' && (status === 'invalid' || status === 'error')) {
          lastSeen = `${route}: ${String(await p.data('message'))}`;
          return { page: undefined };
        }
        return undefined;
      });

    const product = (await timed('scan QR → product page', async () => {
      await m.evaluate((p: unknown) => __headless__.scanQr(p), qr);
      return landed();
    })).page;
    // No workaround: a QR code that does not lead to the product is a failed journey (n/a with the reason).
    if (!product) throw new Error(`scanning the QR (page ${qr.page}, scene ${qr.scene}) did not reach the product page: ${lastSeen}`);
    const productPage = product;
    await timed('pick SKU', async () => {
      if (!(await productPage.data('skuId'))) await tap(productPage, '.sku-value');
      await waitFor('SKU picked', async () => ((await productPage.data('skuId')) ? true : undefined));
    });
    const checkout = await timed('tap 立即购买 → checkout', async () => {
      await tap(productPage, '#buy-now');
      return pageWhere(m, 'pages-shop/checkout/index', async (p) => (await p.data('status')) === 'ok');
    });
    await timed('choose address', async () => {
      if (!(await checkout.data('address'))) {
        await tap(checkout, '#choose-address');
        // A new user agrees to the privacy guide first (components/privacy-popup).
        const agree = await (await checkout.$('#privacy'))?.$('#privacy-agree');
        if (agree) await agree.tap();
      }
      await waitFor('address', async () => ((await checkout.data('address')) ? true : undefined));
    });
    const result = await timed('tap 提交订单 → paid', async () => {
      await tap(checkout, '#checkout-submit');
      return pageWhere(m, 'pages-shop/pay-result/index', async () => true);
    });
    const totalMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;
    const orderId = String((await result.query)?.orderId ?? (await result.data('orderId')) ?? '');
    const order = orderId ? await client.getDoc('orders', orderId) : null;
    return { totalMs, taps, steps, orderStatus: order ? String(order.status) : `no order (${orderId})`, launch };
  } finally {
    try {
      await mp?.close();
    } catch {
      /* already closed */
    }
    child?.kill('SIGKILL');
    await emu.stop();
  }
}

if (require.main === module) {
  runJourney()
    .then((value) => {
      process.stdout.write(process.argv.includes('--json') ? `JOURNEY ${JSON.stringify({ ok: true, value })}\n` : `${JSON.stringify(value, null, 2)}\n`);
      process.exit(0);
    })
    .catch((e) => {
      const reason = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
      process.stdout.write(process.argv.includes('--json') ? `JOURNEY ${JSON.stringify({ ok: false, reason })}\n` : `journey failed: ${(e as Error)?.stack ?? reason}\n`);
      process.exit(1);
    });
}
