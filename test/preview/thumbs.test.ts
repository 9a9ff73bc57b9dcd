/**
 * Catalog cards with merchants' real photos: 20 products whose covers are 3000 × 3000 px JPEGs
 * (1–3 MB, made at test time), uploaded to the local cloud's storage and imported with the admin CLI,
 * which makes their thumbnails. In Chromium at phone and desktop sizes: the cards fetch the thumbnails
 * (never the originals), each ≤ 40 KB and 360 px wide, and `<image lazy-load>` fetches a picture only
 * once it is within three screens of the visible one (WeChat's rule, simulator/preview/ui/lazy-images.ts).
 */
import { decode as decodeJpeg } from 'jpeg-js';
import type { Page } from 'playwright-core';
import { THUMB } from '../../admin/thumbnails';
import { lazyImageInRange, type Box } from '../../simulator/preview/ui/lazy-images';
import { importLargeImageProducts, storageFileIdOf, type LargeImageImport } from '../support/large-images';
import { openWatched } from './thumb-window';
import { phone, screenshot, startStore, until, VIEWPORTS, type Store, type Viewport } from './harness';

jest.setTimeout(300_000);

const THUMB_MAX_BYTES = 40 * 1024;
/** A 390 × 844 phone at its true density (2 device pixels per CSS px), so the screenshot shows whether a card's picture is sharp. */
const PHONE: Viewport = { width: 780, height: 1688, zoom: 2 };

let store: Store;
let imported: LargeImageImport;
beforeAll(async () => {
  store = await startStore();
  imported = await importLargeImageProducts(store.cloud.url, store.cloud.node(), { count: 20, distinct: 3 });
}, 300_000);
afterAll(async () => {
  await store?.close();
});

interface LazyImage { fileID: string | null; shown: boolean; box: Box }

async function lazyImages(page: Page): Promise<{ images: LazyImage[]; view: Box }> {
  const frame = phone(page);
  const view = await frame.locator('body').evaluate((b) => {
    const w = b.ownerDocument.defaultView as Window;
    return { top: 0, bottom: w.innerHeight, left: 0, right: w.innerWidth };
  });
  const raw = await frame.locator('[data-lazy-bg]').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const picture = e.getAttribute('data-lazy-bg') ?? '';
      return { picture, shown: e.getAttribute('data-lazy-shown') === picture && (e as HTMLElement).style.backgroundImage !== '', box: { top: r.top, bottom: r.bottom, left: r.left, right: r.right } };
    }),
  );
  return { images: raw.map((r) => ({ fileID: storageFileIdOf(r.picture), shown: r.shown, box: r.box })), view };
}

/** Waits until every shown picture was fetched, then checks the lazy rule on what the frame holds now. */
async function settledLazyState(page: Page, fetched: Map<string, number>): Promise<{ images: LazyImage[]; view: Box }> {
  const state = await until(
    () => lazyImages(page),
    (s) => !!s && s.images.length > 0 && s.images.filter((i) => i.shown).every((i) => i.fileID && fetched.has(i.fileID)),
  );
  expect(state.images.length).toBeGreaterThan(0);
  for (const image of state.images.filter((i) => i.shown)) expect(fetched.has(image.fileID as string)).toBe(true);
  // Nothing out of range was fetched: every storage file the phone loaded is a shown picture.
  const shown = new Set(state.images.filter((i) => i.shown).map((i) => i.fileID));
  for (const id of fetched.keys()) expect(shown.has(id)).toBe(true);
  return state;
}

test('the import made a 360 px JPEG thumbnail of at most 40 KB for every large photo', async () => {
  expect(imported.cli.stderr).toMatch(/thumbnails: 20 made/);
  for (const bytes of imported.originalBytes) expect(bytes).toBeGreaterThan(1_000_000);
  for (const p of imported.products) {
    expect(p.thumb).toMatch(/products\/big-\d+\/cover\.jpg\.thumb\.jpg$/);
    const res = await store.cloud.node().downloadFile({ fileID: p.thumb });
    const bytes = Buffer.from(res.fileContent);
    expect(bytes.length).toBeLessThanOrEqual(THUMB_MAX_BYTES);
    const jpeg = decodeJpeg(bytes);
    expect([jpeg.width, jpeg.height]).toEqual([THUMB.side, THUMB.side]);
  }
});

test.each([PHONE, VIEWPORTS[2]])('at $width x $height device px (zoom $zoom): cards fetch thumbnails, lazily within three screens', async (viewport) => {
  // A cold start on the catalog (the products were imported after the preview started), then a fresh
  // window on it whose every storage fetch is counted.
  await (await store.open(viewport)).context.close();
  const { context, page, fetched } = await openWatched(store, viewport);
  try {
    const frame = phone(page);
    const thumbs = new Set(imported.products.map((p) => p.thumb));
    const originals = new Set(imported.products.map((p) => p.image));
    const first = await settledLazyState(page, fetched);

    // The 20 newest cards are the imported products, and they name the thumbnails.
    const cardPictures = first.images.slice(0, 20).map((i) => i.fileID);
    expect(new Set(cardPictures)).toEqual(thumbs);
    for (const image of first.images) expect(image.shown).toBe(lazyImageInRange(image.box, first.view));
    for (const [id, bytes] of fetched) {
      expect(originals.has(id)).toBe(false);
      if (thumbs.has(id)) expect(bytes).toBeLessThanOrEqual(THUMB_MAX_BYTES);
    }
    await until(() => frame.locator('.product-card .product-card--pc-cover').first().evaluate((e) => getComputedStyle(e).backgroundImage), (bg) => !!bg && bg !== 'none');
    await page.waitForTimeout(300); // the pictures decode and paint
    await screenshot(page, `thumbs-catalog-${viewport.width}`);

    // Scrolling to the end loads the next page of products; its last rows lie more than three screens
    // below the new position, so they are not fetched until the page comes near them.
    const body = frame.locator('body');
    const scrollTo = (top: number) => body.evaluate((b, y) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollTo(0, y), top);
    const height = () => body.evaluate((b) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollHeight);
    await scrollTo(await height());
    await until(() => frame.locator('.product-card').count(), (n) => n > 20);
    const later = await settledLazyState(page, fetched);
    const waiting = later.images.filter((i) => !i.shown);
    expect(waiting.length).toBeGreaterThan(0);
    for (const image of waiting) {
      expect(lazyImageInRange(image.box, later.view)).toBe(false);
      expect(fetched.has(image.fileID as string)).toBe(false);
    }
    // Down to them: now they are fetched.
    for (let i = 0; i < 5; i++) await scrollTo(await height());
    await until(() => lazyImages(page), (s) => waiting.every((w) => s.images.some((i) => i.fileID === w.fileID && i.shown)));
    await until(async () => waiting.every((w) => fetched.has(w.fileID as string)), (ok) => ok);
    for (const w of waiting) expect(fetched.has(w.fileID as string)).toBe(true);
  } finally {
    await context.close();
  }
});
