/**
 * Images for small screens, measured: 20 products whose covers are 3000 × 3000 px JPEGs (about 2.8 MB
 * each, three different photos) go through the merchant's path (uploaded to the local cloud's storage,
 * `npm run admin -- import`, which makes the thumbnails), then the catalog's first screen opens in the
 * browser preview's Chromium (375 × 667 phone) in a fresh window, and the image bytes it fetched are
 * counted: once with the thumbnails, once with the products' thumbnails removed (what cards cost
 * without them). Both runs use `<image lazy-load>` as the app does (simulator/preview/ui/lazy-images.ts).
 *
 *   npx tsx bench/images.ts [--products 20]     (also part of `npm run bench`, key `images`)
 */
import { importLargeImageProducts, type LargeImageProduct } from '../test/support/large-images';
import { phone, relaunch, screenshot, startStore, type Store, type Viewport } from '../test/preview/harness';
import { openWatched, settleImages } from '../test/preview/thumb-window';
import { artifactsDir } from '../test/support/artifacts';
import { argValue, runMain } from './lib/cli';

export interface ImagesRun {
  /** storage files the first screen fetched */
  files: number;
  /** of them, the imported products' cover pictures */
  covers: number;
  /** their bytes as the browser received them */
  bytes: number;
  largestBytes: number;
  /** cards rendered on the first screen's page (the first group) */
  cards: number;
}

export interface ImagesResult {
  products: number;
  originalBytesMean: number;
  originalSide: number;
  thumbs: ImagesRun;
  full: ImagesRun;
  /** full bytes ÷ thumbnail bytes */
  ratio: number;
  targets: { thumbMaxBytes: number; firstScreenMaxBytes: number };
  met: boolean;
  screenshots: string;
}

const PHONE: Viewport = { width: 390, height: 844, zoom: 1 };
const THUMB_MAX_BYTES = 40 * 1024;
/** The first screen with 20 products: 20 thumbnails at ≤ 40 KB, and about 1 MB at most in all. */
const FIRST_SCREEN_MAX_BYTES = 1024 * 1024;

async function firstScreen(store: Store, products: LargeImageProduct[], shot: string): Promise<ImagesRun> {
  const win = await openWatched(store, PHONE);
  try {
    await settleImages(win);
    const covers = new Set(products.flatMap((p) => [p.image, p.thumb ?? '']));
    const sizes = [...win.fetched.values()];
    await screenshot(win.page, shot);
    return {
      files: win.fetched.size,
      covers: [...win.fetched.keys()].filter((id) => covers.has(id)).length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      largestBytes: Math.max(0, ...sizes),
      cards: await phone(win.page).locator('.product-card').count(),
    };
  } finally {
    await win.context.close();
  }
}

/** A cold start on the catalog from a window of its own, so the next fresh window opens on that page. */
async function coldStart(store: Store): Promise<void> {
  const { context, page } = await store.open(PHONE);
  try {
    await relaunch(page);
  } finally {
    await context.close();
  }
}

export async function runImages(opts: { products?: number; log?: (s: string) => void } = {}): Promise<ImagesResult> {
  const count = opts.products ?? 20;
  const store = await startStore();
  try {
    opts.log?.(`images: importing ${count} products with 3000 px photos (thumbnails made by the import)`);
    const imported = await importLargeImageProducts(store.cloud.url, store.cloud.node(), { count, distinct: 3, prefix: 'bench-big' });
    const missing = imported.products.filter((p) => !p.thumb);
    if (missing.length) throw new Error(`the import made no thumbnail for ${missing.map((p) => p._id).join(', ')}: ${imported.cli.stderr.slice(-300)}`);

    await coldStart(store);
    const thumbs = await firstScreen(store, imported.products, 'bench-images-thumbs');
    opts.log?.(`images: with thumbnails ${thumbs.bytes} bytes in ${thumbs.files} files`);

    // The same products without their thumbnails: the cards fall back to the originals.
    const db = store.cloud.node().database();
    for (const p of imported.products) await db.collection('products').doc(p._id).update({ thumbs: db.command.remove() });
    await coldStart(store);
    const full = await firstScreen(store, imported.products, 'bench-images-full');
    opts.log?.(`images: without thumbnails ${full.bytes} bytes in ${full.files} files`);

    const ratio = thumbs.bytes > 0 ? Math.round((full.bytes / thumbs.bytes) * 10) / 10 : 0;
    const met = thumbs.largestBytes <= THUMB_MAX_BYTES && thumbs.bytes <= FIRST_SCREEN_MAX_BYTES && thumbs.covers === full.covers;
    return {
      products: count,
      originalBytesMean: Math.round(imported.originalBytes.reduce((a, b) => a + b, 0) / imported.originalBytes.length),
      originalSide: 3000,
      thumbs,
      full,
      ratio,
      targets: { thumbMaxBytes: THUMB_MAX_BYTES, firstScreenMaxBytes: FIRST_SCREEN_MAX_BYTES },
      met,
      screenshots: artifactsDir('preview'),
    };
  } finally {
    await store.close();
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

export function formatImages(r: ImagesResult): [string, string][] {
  return [
    [
      `images: first catalog screen, ${r.products} products with ${r.originalSide} px photos`,
      `thumbnails ${mb(r.thumbs.bytes)} in ${r.thumbs.files} files (largest ${kb(r.thumbs.largestBytes)}, target ≤ ${kb(r.targets.thumbMaxBytes)} each, ≤ ${mb(r.targets.firstScreenMaxBytes)} in all): ${r.met ? 'met' : 'NOT MET'}`,
    ],
    [`  without thumbnails`, `${mb(r.full.bytes)} in ${r.full.files} files (photos of ${mb(r.originalBytesMean)} on average); ${r.ratio}× the bytes with thumbnails`],
  ];
}

if (require.main === module) {
  runMain(
    () => runImages({ products: Number(argValue('products') ?? 20), log: (s) => process.stderr.write(`${s}\n`) }),
    (r) => [...formatImages(r).map(([k, v]) => `${k}: ${v}`), `screenshots: ${r.screenshots}`].join('\n'),
    { exitCode: (r) => (r.met ? 0 : 1) },
  );
}
