/**
 * The catalog scrolled far in the browser preview, in Chromium at phone and desktop sizes: the page
 * scrolls in the phone frame (onPageScroll and onReachBottom from the real scroll position) until the
 * catalog ends, cards are on screen wherever the shopper stops, including back at the top, and the
 * frame holds only the groups near the screen (≤ 60 cards). Each check is printed with its figure; any
 * that does not hold is a failure of `npm run bench`.
 *
 *   npx tsx bench/preview-scroll.ts [--products 200]     (also part of `npm run bench`, key `preview`)
 */
import { productDoc } from '../test/support';
import { phone, screenshot, startStore, until, VIEWPORTS, type Viewport } from '../test/preview/harness';
import { artifactsDir } from '../test/support/artifacts';
import { argValue, runMain } from './lib/cli';

export interface PreviewScrollRun {
  viewport: string;
  ms: number;
  /** scrolls to the end before the catalog said it had no more */
  loads: number;
  endReached: boolean;
  scrollHeight: number;
  cardsInFrame: number;
  visible: { end: number; middle: number; top: number };
  failures: string[];
}

export interface PreviewScrollResult {
  products: number;
  maxCardsInFrame: number;
  screenshots: string;
  runs: PreviewScrollRun[];
}

const MAX_CARDS = 60;
/** A card row is about 250 css px: the page must have grown past half the products' rows. */
const ROW_PX = 250;

async function scrollFar(store: Awaited<ReturnType<typeof startStore>>, viewport: Viewport, products: number): Promise<PreviewScrollRun> {
  const t0 = Date.now();
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || failures.push(what));
  const { context, page } = await store.open(viewport);
  try {
    const frame = phone(page);
    const body = frame.locator('body');
    const scrollTo = (top: number) => body.evaluate((b, y) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollTo(0, y), top);
    const height = () => body.evaluate((b) => (b.ownerDocument.scrollingElement ?? b.ownerDocument.documentElement).scrollHeight);
    // Scroll to the end again and again, as a shopper flicking down, until the catalog ends.
    let last = 0;
    let loads = 0;
    for (let guard = 0; guard < 30; guard += 1) {
      if ((await frame.locator('#no-more').count()) > 0) break;
      const h = await height();
      await scrollTo(h);
      loads += 1;
      last = await until(height, (v) => v > h || !v, 5_000).then((v) => v ?? h);
      await until(() => frame.locator('#no-more').count(), (n) => n > 0, 500);
    }
    const endReached = (await frame.locator('#no-more').count()) === 1;
    check(endReached, 'the catalog never said it had no more');
    check(last > (products / 2) * ROW_PX, `scroll height ${last} px is not past ${(products / 2) * ROW_PX} px`);
    const cardsInFrame = await frame.locator('.product-card').count();
    check(cardsInFrame > 0 && cardsInFrame <= MAX_CARDS, `${cardsInFrame} cards in the frame (want 1…${MAX_CARDS})`);
    // At phone size the preview's panel sits under the phone: bring the phone back into the window.
    const shot = async (name: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `${name}-${viewport.width}`);
    };
    const visible = async () =>
      body.evaluate((b) => {
        const view = b.ownerDocument.defaultView!;
        return Array.from(b.ownerDocument.querySelectorAll('.product-card')).filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > 0 && r.top < view.innerHeight;
        }).length;
      });
    const end = await visible();
    check(end > 0, 'no card on screen at the end');
    await shot('catalog-far');
    // Halfway back up, then at the top: the groups there come back in place of their spacers.
    await scrollTo(Math.round(last / 2));
    const middle = (await until(visible, (n) => n > 0)) ?? 0;
    check(middle > 0, 'no card on screen halfway back up');
    await shot('catalog-far-middle');
    await scrollTo(0);
    await until(() => frame.locator('.product-card').first().evaluate((c) => c.getBoundingClientRect().top), (t) => t < 400);
    const top = await visible();
    check(top > 0, 'no card on screen back at the top');
    await shot('catalog-far-top');
    return { viewport: `${viewport.width}x${viewport.height}`, ms: Date.now() - t0, loads, endReached, scrollHeight: last, cardsInFrame, visible: { end, middle, top }, failures };
  } finally {
    await context.close();
  }
}

export async function runPreviewScroll(opts: { products?: number; log?: (s: string) => void } = {}): Promise<PreviewScrollResult> {
  const products = opts.products ?? 200;
  const store = await startStore();
  try {
    const docs = Array.from({ length: products }, (_, i) =>
      productDoc(`far-${String(i).padStart(3, '0')}`, [{ skuId: 's', price: 990 + i, stock: 5 }], { title: `长列表商品 ${i} 号`, createdAt: Date.UTC(2025, 0, 1) - i * 60_000 }),
    );
    const r = await store.cloud.local('POST', '/database/products:import', docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    if (r.status !== 200) throw new Error(`import of ${products} products: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    const runs: PreviewScrollRun[] = [];
    for (const viewport of [VIEWPORTS[0], VIEWPORTS[2]]) {
      runs.push(await scrollFar(store, viewport, products));
      opts.log?.(`preview scroll at ${viewport.width}x${viewport.height}: ${runs[runs.length - 1].failures.length ? 'FAILED' : 'ok'}`);
    }
    return { products, maxCardsInFrame: MAX_CARDS, screenshots: artifactsDir('preview'), runs };
  } finally {
    await store.close();
  }
}

export function formatPreviewScroll(r: PreviewScrollResult): [string, string][] {
  return r.runs.map((x) => [
    `preview scroll ${x.viewport}: ${r.products} products`,
    `${x.failures.length ? `FAILED (${x.failures.join('; ')})` : 'ok'}: end ${x.endReached ? 'reached' : 'NOT reached'} after ${x.loads} scrolls, height ${x.scrollHeight} px, ${x.cardsInFrame} cards in the frame (≤ ${r.maxCardsInFrame}), on screen end/middle/top ${x.visible.end}/${x.visible.middle}/${x.visible.top}; ${(x.ms / 1000).toFixed(1)} s`,
  ]);
}

export function formatPreviewScrollReport(r: PreviewScrollResult): string {
  return [...formatPreviewScroll(r).map(([k, v]) => `${k}: ${v}`), `screenshots: ${r.screenshots}`].join('\n');
}

if (require.main === module) {
  const products = argValue('products');
  runMain(() => runPreviewScroll({ products: products ? Number(products) : undefined, log: (s) => process.stderr.write(`${s}\n`) }), formatPreviewScrollReport, {
    exitCode: (r) => (r.runs.some((x) => x.failures.length) ? 1 : 0),
  });
}
