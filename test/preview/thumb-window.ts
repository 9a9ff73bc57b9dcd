/**
 * A fresh browser window on the page the phone shows now, with every storage file it fetches counted
 * from its first request: how the image bytes of a first screen are measured (test/preview/thumbs.test.ts,
 * bench/images.ts). A fresh context has an empty cache, so each picture is a real fetch.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { withToken } from '../../security/guard';
import { watchStorage } from '../support/large-images';
import { phone, type Store, type Viewport } from './harness';

export interface WatchedWindow {
  context: BrowserContext;
  page: Page;
  /** fileID → bytes of each storage file fetched so far */
  fetched: Map<string, number>;
}

export async function openWatched(store: Store, viewport: Viewport): Promise<WatchedWindow> {
  const zoom = viewport.zoom ?? 1;
  const context = await store.browser.newContext({ viewport: { width: Math.round(viewport.width / zoom), height: Math.round(viewport.height / zoom) }, deviceScaleFactor: zoom });
  const page = await context.newPage();
  const fetched = watchStorage(page);
  await page.goto(withToken(store.preview.url, store.preview.secret));
  await phone(page).locator('.product-card').first().waitFor();
  return { context, page, fetched };
}

/** Waits until every lazy picture the phone shows was fetched and nothing new came for `quietMs`. */
export async function settleImages(win: WatchedWindow, quietMs = 800, timeout = 60_000): Promise<void> {
  const frame = phone(win.page);
  const deadline = Date.now() + timeout;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const shown = await frame.locator('[data-lazy-shown]').count().catch(() => 0);
    const n = win.fetched.size;
    if (n !== last) {
      last = n;
      since = Date.now();
    }
    if ((n >= shown && Date.now() - since >= quietMs) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
