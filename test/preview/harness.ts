/**
 * The store preview as a developer meets it: the local cloud with the demo catalog and the real
 * functions, the preview server with the store's codes, and a real Chromium opening the printed link.
 */
import { call, dataOf } from '../support';
import { artifactsDir } from '../support/artifacts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { connect } from '../../admin/cloud';
import { seedDemoCatalog } from '../../admin/demo-catalog';
import { storeCodes } from '../../admin/store-codes';
import { withToken } from '../../security/guard';
import { launchChromium } from '../../simulator/chromium/browser';
import { startPreview, type Preview } from '../../simulator/preview';
import { startCloud, type CloudHandle } from '../helpers/cloud';

export const ROOT = path.resolve(__dirname, '..', '..');
export const HOME = 'pages/catalog/index';
export interface Viewport { width: number; height: number; /** browser zoom: CSS px shrink, device pixels per CSS px grow */ zoom?: number }
export const VIEWPORTS: Viewport[] = [
  { width: 375, height: 667, zoom: 1 },
  { width: 1366, height: 768, zoom: 1 },
  { width: 1920, height: 1080, zoom: 1 },
];

/** The phone and laptop sizes, each with one of `users` (a shopper of its own per size: limits and orders are per shopper). */
export function sizesWithUsers(users: string[]): (Viewport & { user: string })[] {
  return VIEWPORTS.slice(0, 2).map((viewport, i) => ({ ...viewport, user: users[i] }));
}

export interface Store {
  cloud: CloudHandle;
  preview: Preview;
  browser: Browser;
  /** opens the printed link (with the secret) in a fresh window of this size */
  open(viewport?: Viewport): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startStore(): Promise<Store> {
  // Chromium starts while the cloud is seeded and the preview starts (neither waits for the other).
  const launching = launchChromium();
  let cloud: CloudHandle | undefined;
  let preview: Preview;
  try {
    cloud = await startCloud({ functionsDir: 'cloudfunctions' });
    await seedDemoCatalog(cloud.node());
    preview = await startPreview({ projectPath: ROOT, cloudUrl: cloud.url, codes: storeCodes(connect({ kind: 'local', envId: cloud.envId, cloudUrl: cloud.url })) });
  } catch (error) {
    await (await launching.catch(() => undefined))?.close();
    await cloud?.stop();
    throw error;
  }
  const browser = await launching;
  return {
    cloud,
    preview,
    browser,
    async open(viewport = VIEWPORTS[1]) {
      const zoom = viewport.zoom ?? 1;
      const context = await browser.newContext({ viewport: { width: Math.round(viewport.width / zoom), height: Math.round(viewport.height / zoom) }, deviceScaleFactor: zoom });
      const page = await context.newPage();
      await page.goto(withToken(preview.url, preview.secret));
      await phone(page).locator('wx-page-wrapper').waitFor();
      // Each window starts the app afresh (the simulator is one phone shared by the windows).
      await relaunch(page);
      await phone(page).locator('.product-card').first().waitFor();
      return { context, page };
    },
    async close() {
      await browser.close();
      await preview.close();
      await cloud.stop();
    },
  };
}

/**
 * Opens the store in a fresh window of this size and switches the phone to `user` (switchUser). The
 * caller closes the window (`context`); it is closed here if the switch fails.
 */
export async function openAs(store: Store, viewport: Viewport, user: string): Promise<{ context: BrowserContext; page: Page; frame: FrameLocator }> {
  const { context, page } = await store.open(viewport);
  try {
    await switchUser(page, user);
  } catch (error) {
    await context.close();
    throw error;
  }
  return { context, page, frame: phone(page) };
}

/**
 * The first product of the catalog as this user lists it, with its first SKU that has at least
 * `minAvailable` units.
 */
export async function firstProductWithStock(cloud: CloudHandle, openid: string, minAvailable: number) {
  const first = dataOf(await call(cloud, 'catalog', { action: 'list' }, openid)).items[0];
  const product = dataOf(await call(cloud, 'catalog', { action: 'get', productId: first._id }, openid)).product;
  const sku = product.skus.find((s) => s.available >= minAvailable)!;
  return { product, sku };
}

/** The page the phone shows now (one frame per live page; the current one is visible). */
export function phone(page: Page): FrameLocator {
  return page.frameLocator('iframe.current');
}

/** Waits until the phone shows this route (the panel names it). */
export async function onRoute(page: Page, route: string): Promise<void> {
  await page.waitForFunction((r) => (document.getElementById('where')?.textContent ?? '').startsWith(r), route);
}

/** The webview id of the page the phone shows now. */
export function currentWebview(page: Page): Promise<string | null> {
  return page.getAttribute('iframe.current', 'data-webview');
}

/** Runs `action` and waits until the phone shows a page it did not show before (a new webview). */
export async function toNewPage(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await currentWebview(page);
  await action();
  await page.waitForFunction((b) => {
    const id = document.querySelector('iframe.current')?.getAttribute('data-webview');
    return !!id && id !== b;
  }, before);
}

/** Switches the phone to this user from the panel's user menu: the app starts afresh as them, on the home page. */
export async function switchUser(page: Page, user: string): Promise<void> {
  await page.selectOption('#user', user);
  await toNewPage(page, () => page.click('#switch-user'));
  await onRoute(page, HOME);
}

/** A cold start on the home page, from the panel. */
export async function relaunch(page: Page): Promise<void> {
  await toNewPage(page, () => page.click('#relaunch'));
  await onRoute(page, HOME);
}

/** Reads until `ok` holds (the preview updates asynchronously), then returns the last value read. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await read().catch(() => undefined as T);
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every run writes its screens to <artifacts>/preview/<name>.png (docs/screenshots/ has copies). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = artifactsDir('preview');
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => document.querySelector('.panel')?.scrollTo(0, 0));
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}
