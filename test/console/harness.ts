/**
 * One local cloud (with the real cloud functions and the demo catalog), the console mounted at
 * /console on a small HTTP server, and a real headless Chromium (Debian's, through playwright-core).
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createConsole } from '../../console';
import { seedDemoCatalog } from '../../admin/demo-catalog';
import { startCloud, type CloudHandle } from '../helpers/cloud';
import { withToken } from '../../security/guard';
import { launchChromium } from '../../simulator/chromium/browser';
import { artifactsDir } from '../support/artifacts';

/** A phone (iPhone 12–15 class) and the most common laptop screen: the sizes every view is checked at. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1366, height: 768 } as const;

export interface ConsoleHarness {
  cloud: CloudHandle;
  /** http://127.0.0.1:P/console/ */
  url: string;
  page: Page;
  context: BrowserContext;
  /** A fresh node-sdk database handle on the same cloud. */
  db(): any;
  /** Loads a console route (e.g. '#/products') and waits for it to render. */
  open(hash: string): Promise<void>;
  /**
   * Screenshots `<name>-desktop.png` and `<name>-phone.png` into the artifacts folder (the whole page
   * unless `fullPage` is false, e.g. for an open dialog), then back to the harness's viewport.
   */
  shots(name: string, options?: { fullPage?: boolean }): Promise<void>;
}

export interface ConsoleHarnessOptions {
  /** The console opens in Chinese; 'en' clicks the language switch once, as a merchant would. */
  lang?: 'zh' | 'en';
  viewport?: { width: number; height: number };
  /** The browser's own time zone (the console shows UTC+8 whatever it is). */
  timezoneId?: string;
  /** The console's read and write timeouts (createConsole's `timeouts`). */
  timeouts?: { readMs?: number; writeMs?: number };
  /** Console URLs the server takes and never answers (a cloud that hangs), e.g. /\/api\/orders\b/. */
  neverAnswer?: RegExp;
}

export function useConsole(options: ConsoleHarnessOptions = {}): ConsoleHarness {
  let cloud: CloudHandle | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let url = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Chromium starts while the cloud is seeded (neither waits for the other).
    const launching = launchChromium();
    launching.catch(() => undefined);
    try {
      cloud = await startCloud({ functionsDir: 'cloudfunctions' });
      await seedDemoCatalog(cloud.node());
    } finally {
      browser = await launching;
    }
    const handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId, timeouts: options.timeouts });
    server = createServer((req, res) => {
      if (options.neverAnswer?.test(req.url ?? '')) return; // the connection stays open, no answer ever
      if (req.url?.startsWith('/console')) handler(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console/`;
    context = await browser.newContext({ acceptDownloads: true, viewport: options.viewport ?? DESKTOP, ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    // As a merchant does: the link with the secret once; the cookie it sets carries every later request.
    await page.goto(withToken(url, handler.secret));
    if (options.lang === 'en') {
      await page.waitForSelector('#view[data-loaded]');
      await page.click('#lang-switch');
      await page.waitForSelector('html[lang="en"] #view[data-loaded]');
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections(); // the requests left unanswered (neverAnswer)
    await closed;
    await cloud?.stop();
    if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  });

  return {
    get cloud() {
      return cloud!;
    },
    get url() {
      return url;
    },
    get page() {
      return page!;
    },
    get context() {
      return context!;
    },
    db() {
      return cloud!.node().database();
    },
    async open(hash: string) {
      const p = page!;
      if (p.url().split('#')[0] === url) {
        // (A string: this file is type-checked without DOM types.)
        await p.evaluate(`(() => {
          const h = ${JSON.stringify(hash)};
          delete document.getElementById('view').dataset.loaded;
          if (location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
          else location.hash = h;
        })()`);
      } else {
        await p.goto(`${url}${hash}`);
      }
      await p.waitForSelector(`#view[data-loaded="${hash}"]`);
    },
    async shots(name: string, { fullPage = true } = {}) {
      const p = page!;
      const dir = artifactsDir('console');
      mkdirSync(dir, { recursive: true });
      // The last action's toast would cover the page in a still picture; a page scrolled down would
      // draw the sticky navigation halfway down a full-page one.
      await p.evaluate(`document.getElementById('toast').textContent = ''; window.scrollTo(0, 0)`);
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        await p.setViewportSize(viewport);
        await p.screenshot({ path: path.join(dir, `${name}-${size}.png`), fullPage });
      }
      await p.setViewportSize(options.viewport ?? DESKTOP);
    },
  };
}
