/**
 * Product photos as merchants upload them: large JPEGs (3000 × 3000 px, 1–3 MB) made at test time, so
 * thumbnails, lazy loading and the image bytes a screen costs are checked on the real thing, not on the
 * demo catalog's 96 px placeholders. Seeded: one seed, one picture.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Jimp } from 'jimp';
import type { Page } from 'playwright-core';
import { runCli, type CliResult } from '../admin/run-cli';

export interface LargeImageOptions {
  /** Side in px (square). */
  size?: number;
  /** Picks the colours and the noise. */
  seed?: number;
  quality?: number;
}

/**
 * A photo-like JPEG: a lit object (a disc with stripes) on a graded background, with sensor-like
 * noise so it compresses like a photo (a flat picture would be a few KB at any size).
 */
export async function largeJpeg(opts: LargeImageOptions = {}): Promise<Buffer> {
  const n = opts.size ?? 3000;
  let state = (opts.seed ?? 1) * 2654435761 >>> 0;
  const rnd = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const hue = [rnd(), rnd(), rnd()].map((v) => 80 + Math.round(v * 150));
  const image = new Jimp({ width: n, height: n, color: 0xffffffff });
  const d = image.bitmap.data;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = (y * n + x) * 4;
      const dx = x - n / 2;
      const dy = y - n * 0.55;
      const inside = dx * dx + dy * dy < (n * 0.33) ** 2;
      const noise = (rnd() - 0.5) * 48;
      const stripe = inside ? 40 * Math.sin((x + y) / (n / 60)) : 0;
      d[i] = clamp((inside ? hue[0] : 40 + (110 * x) / n) + stripe + noise);
      d[i + 1] = clamp((inside ? hue[1] : 60 + (90 * y) / n) + stripe + noise);
      d[i + 2] = clamp((inside ? hue[2] : 150) - stripe / 2 + noise);
    }
  }
  return image.getBuffer('image/jpeg', { quality: opts.quality ?? 80 });
}

/** The same picture from a file cache in the temp folder: generating one takes seconds of CPU. */
export async function largeJpegCached(opts: LargeImageOptions = {}): Promise<Buffer> {
  const file = join(tmpdir(), `large-jpeg-${opts.size ?? 3000}-${opts.seed ?? 1}-${opts.quality ?? 80}.jpg`);
  if (existsSync(file)) return readFileSync(file);
  const bytes = await largeJpeg(opts);
  writeFileSync(file, bytes);
  return bytes;
}

export interface LargeImageProduct {
  _id: string;
  image: string;
  /** The thumbnail the import recorded (null when it made none). */
  thumb: string | null;
}

export interface LargeImageImport {
  products: LargeImageProduct[];
  /** Bytes of each distinct original. */
  originalBytes: number[];
  /** The CLI's own output (its thumbnail summary is in stderr). */
  cli: CliResult;
}

/**
 * `count` products whose cover is a large JPEG, through the merchant's path: each photo uploaded to
 * cloud storage (its own file per product, `distinct` different pictures among them), then
 * `npm run admin -- import` of a CSV naming them, which makes and records the thumbnails.
 */
export async function importLargeImageProducts(cloudUrl: string, app: any, opts: { count: number; distinct?: number; prefix?: string }): Promise<LargeImageImport> {
  const prefix = opts.prefix ?? 'big';
  const originals = await Promise.all(Array.from({ length: opts.distinct ?? 3 }, (_, i) => largeJpegCached({ seed: i + 1 })));
  const products: LargeImageProduct[] = [];
  const rows = ['_id,title,categoryId,images,price,stock'];
  for (let i = 0; i < opts.count; i++) {
    const _id = `${prefix}-${String(i + 1).padStart(2, '0')}`;
    const res = await app.uploadFile({ cloudPath: `products/${_id}/cover.jpg`, fileContent: originals[i % originals.length] });
    if (!res.fileID) throw new Error(`upload of ${_id} failed: ${JSON.stringify(res)}`);
    products.push({ _id, image: res.fileID, thumb: null });
    rows.push(`${_id},大图商品 ${i + 1},c-home,${res.fileID},${(19.9 + i).toFixed(2)},9`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'large-images-')), 'products.csv');
  writeFileSync(file, rows.join('\n'));
  const cli = await runCli(['import', file, '--cloud', cloudUrl]);
  if (cli.code !== 0) throw new Error(`import failed (${cli.code}): ${cli.stderr}`);
  const db = app.database();
  for (const p of products) {
    const { data } = await db.collection('products').doc(p._id).get();
    const thumbs = (data[0]?.thumbs ?? []) as { image: string; thumb: string }[];
    p.thumb = thumbs.find((t) => t.image === p.image)?.thumb ?? null;
  }
  return { products, originalBytes: originals.map((b) => b.length), cli };
}

/** The fileID a preview image URL (or a CSS `url(...)` naming one) fetches from the local cloud's storage. */
export function storageFileIdOf(urlText: string): string | null {
  const m = /\/_emulator\/v1\/storage\/file\?fileID=([^"&)]+)/.exec(urlText);
  return m ? decodeURIComponent(m[1]) : null;
}

/** Storage files a browser page fetched (its frames included), with the bytes of each answer. */
export function watchStorage(page: Page): Map<string, number> {
  const fetched = new Map<string, number>();
  page.on('requestfinished', (req) => {
    const id = storageFileIdOf(req.url());
    if (!id) return;
    // A window closed meanwhile has no body to read: the fetch still counts, its size unknown (-1).
    void req
      .response()
      .then((res) => res?.body())
      .then((body) => fetched.set(id, body?.length ?? -1))
      .catch(() => fetched.set(id, -1));
  });
  return fetched;
}
