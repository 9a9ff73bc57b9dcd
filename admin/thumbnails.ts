/**
 * Card thumbnails: a small JPEG written next to each product image in cloud storage when the image is
 * uploaded (console) or imported (CLI), its file id recorded on the product (`thumbs`), so catalog
 * cards load a picture sized for them instead of the original (docs/reference/cloudbase-image-processing.md).
 *
 * Pure JavaScript (jimp): it runs wherever the merchant tools run, with nothing to compile.
 */
import { createHash } from 'node:crypto';
import { defaultFormats, Jimp } from 'jimp';
import type { Product, ProductThumb } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { pool, readAll, throwIfCode, type Cloud } from './cloud';

// exif-parser (jimp's own EXIF reader) ships no types: the one call used here.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const exifParser = require('exif-parser') as { create(bytes: Buffer): { parse(): { tags?: { Orientation?: number } } } };

/**
 * 360 px on the short side: a card's picture box is about 172 × 170 CSS px on a 375 px phone and crops
 * the photo to fill it (`aspectFill`), so the short side is what has to cover 2× pixels; a landscape
 * photo sized by its width alone would be stretched up in the box. The whole photo is kept (no crop):
 * the card decides the crop. JPEG quality 80: no visible loss at card size, about 16 KB for a square
 * photo. JPEG rather than WebP because every WeChat version shows JPEG and the pure-JS encoder writes it.
 */
export const THUMB = { side: 360, quality: 80, suffix: '.thumb.jpg' } as const;

/** The image formats the thumbnailer reads, by their first bytes (WebP and SVG are left as they are). */
const SIGNATURES: { mime: string; bytes: number[] }[] = [
  { mime: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { mime: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { mime: 'image/bmp', bytes: [0x42, 0x4d] },
];

function sniff(bytes: Buffer): string | null {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b))?.mime ?? null;
}

type Image = InstanceType<typeof Jimp>;

/**
 * Decodes with jimp's own decoders, picked by the file's first bytes (jimp's automatic detection loads
 * an ES module at run time, which some Node hosts refuse), then turns a phone photo upright from its
 * EXIF orientation as jimp would.
 */
async function decode(bytes: Buffer): Promise<Image | null> {
  const mime = sniff(bytes);
  const format = defaultFormats.map((f) => f()).find((f) => f.mime === mime);
  if (!format) return null;
  try {
    const image = Jimp.fromBitmap(await format.decode(bytes));
    if (mime === 'image/jpeg') upright(image, exifOrientation(bytes));
    return image;
  } catch {
    return null;
  }
}

function exifOrientation(bytes: Buffer): number {
  try {
    return exifParser.create(bytes).parse().tags?.Orientation ?? 1;
  } catch {
    return 1;
  }
}

/** EXIF orientations 2-8 (jimp's rotate turns counter-clockwise). */
function upright(image: Image, orientation: number): void {
  if (orientation === 2) image.flip({ horizontal: true, vertical: false });
  else if (orientation === 3) image.rotate(180);
  else if (orientation === 4) image.flip({ horizontal: false, vertical: true });
  else if (orientation === 5) image.rotate(-90).flip({ horizontal: true, vertical: false });
  else if (orientation === 6) image.rotate(-90);
  else if (orientation === 7) image.rotate(90).flip({ horizontal: true, vertical: false });
  else if (orientation === 8) image.rotate(90);
}

/** The thumbnail of an image's bytes, or null when the image needs none (its short side already that small) or cannot be read (SVG, WebP). */
export async function thumbnailBytes(original: Buffer): Promise<Buffer | null> {
  const image = await decode(original);
  if (!image || Math.min(image.width, image.height) <= THUMB.side) return null;
  if (image.width <= image.height) image.resize({ w: THUMB.side });
  else image.resize({ h: THUMB.side });
  // JPEG has no transparency: a transparent PNG goes on white (the card's background), not black.
  const flat = new Jimp({ width: image.width, height: image.height, color: 0xffffffff });
  flat.composite(image, 0, 0);
  return flat.getBuffer('image/jpeg', { quality: THUMB.quality });
}

/**
 * Thumbnails already computed in one run, by the original's content: merchants often give several
 * products (colours, bundles) the same photo, and decoding a 3000 px JPEG in JavaScript takes seconds.
 */
export type ThumbMemo = Map<string, Promise<Buffer | null>>;

function memoThumbnail(original: Buffer, memo?: ThumbMemo): Promise<Buffer | null> {
  if (!memo) return thumbnailBytes(original);
  const key = createHash('sha256').update(original).digest('hex');
  let made = memo.get(key);
  if (!made) memo.set(key, (made = thumbnailBytes(original)));
  return made;
}

/** `products/p1/a.png` from `cloud://env-id.bucket/products/p1/a.png`; null for anything not in cloud storage. */
export function cloudPathOf(fileID: string): string | null {
  const m = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID);
  return m ? m[1] : null;
}

export function thumbCloudPath(cloudPath: string): string {
  return `${cloudPath}${THUMB.suffix}`;
}

/** What became of one image. */
export type ThumbOutcome = 'made' | 'small' | 'unreadable' | 'external' | 'missing';

/**
 * Writes the thumbnail of one stored image next to it and returns its file id, or null when there is
 * nothing to record (an image already card-sized, an external URL, a file that is gone or cannot be
 * decoded): the card keeps showing the image.
 */
export async function thumbnailFor(cloud: Cloud, image: string, bytes?: Buffer, memo?: ThumbMemo): Promise<{ outcome: ThumbOutcome; thumb: string | null }> {
  const cloudPath = cloudPathOf(image);
  if (!cloudPath) return { outcome: 'external', thumb: null };
  let original = bytes;
  if (!original) {
    const file = (await cloud.app.downloadFile({ fileID: image })) as { fileContent?: Buffer; code?: string };
    if (file.code || !file.fileContent) return { outcome: 'missing', thumb: null };
    original = Buffer.from(file.fileContent);
  }
  if (/\.svg$/i.test(cloudPath)) return { outcome: 'unreadable', thumb: null };
  const small = await memoThumbnail(original, memo);
  if (!small) {
    // An image no wider than a card needs no copy: nothing is recorded and the card shows the image.
    return { outcome: (await isDecodable(original)) ? 'small' : 'unreadable', thumb: null };
  }
  const res = await cloud.app.uploadFile({ cloudPath: thumbCloudPath(cloudPath), fileContent: small });
  throwIfCode(res);
  return { outcome: 'made', thumb: res.fileID };
}

async function isDecodable(bytes: Buffer): Promise<boolean> {
  return (await decode(bytes)) !== null;
}

export interface ProductThumbs {
  thumbs: ProductThumb[];
  /** How many images of each outcome (images that already had a thumbnail are not looked at). */
  outcomes: Partial<Record<ThumbOutcome, number>>;
}

/**
 * The product's thumbnails after making the missing ones: recorded thumbnails of its current images
 * are kept, images without one get one. Thumbnails of images no longer on the product are dropped
 * from the record (their files stay in storage).
 */
export async function thumbsForProduct(cloud: Cloud, product: Pick<Product, 'images' | 'thumbs'>, memo?: ThumbMemo): Promise<ProductThumbs> {
  const known = new Map((product.thumbs ?? []).map((t) => [t.image, t.thumb]));
  const thumbs: ProductThumb[] = [];
  const outcomes: ProductThumbs['outcomes'] = {};
  for (const image of product.images) {
    const recorded = known.get(image);
    if (recorded) {
      thumbs.push({ image, thumb: recorded });
      continue;
    }
    const { outcome, thumb } = await thumbnailFor(cloud, image, undefined, memo);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (thumb) thumbs.push({ image, thumb });
  }
  return { thumbs, outcomes };
}

/** True when some image of the product has no recorded thumbnail (backfill work to do). */
export function needsThumbs(product: Pick<Product, 'images' | 'thumbs'>): boolean {
  const known = new Set((product.thumbs ?? []).map((t) => t.image));
  return product.images.some((image) => !known.has(image));
}

export interface ThumbsSummary {
  /** Products looked at. */
  products: number;
  /** Images by outcome, over all products. */
  outcomes: Partial<Record<ThumbOutcome, number>>;
}

function addOutcomes(into: ThumbsSummary['outcomes'], from: ThumbsSummary['outcomes']): void {
  for (const [k, n] of Object.entries(from) as [ThumbOutcome, number][]) into[k] = (into[k] ?? 0) + n;
}

/** Fills `thumbs` on products about to be imported (in place), making the missing thumbnails in storage. */
export async function addThumbnails(cloud: Cloud, products: Product[], onProgress?: (done: number, total: number) => void): Promise<ThumbsSummary> {
  const summary: ThumbsSummary = { products: products.length, outcomes: {} };
  const memo: ThumbMemo = new Map();
  let done = 0;
  await pool(products, 4, async (product) => {
    const made = await thumbsForProduct(cloud, product, memo);
    addOutcomes(summary.outcomes, made.outcomes);
    if (made.thumbs.length > 0) product.thumbs = made.thumbs;
    done += 1;
    onProgress?.(done, products.length);
  });
  return summary;
}

export interface BackfillResult extends ThumbsSummary {
  /** Products whose `thumbs` were written. */
  updated: number;
  /** Documents left alone because they are not valid products. */
  broken: string[];
}

/**
 * Makes the missing thumbnails of every stored product and records them. Only `thumbs` is written, so
 * a concurrent stock or price change to the same document is kept. Safe to run again: images with a
 * recorded thumbnail are not looked at.
 */
export async function backfillThumbnails(cloud: Cloud, onProgress?: (done: number, total: number) => void): Promise<BackfillResult> {
  const docs = await readAll(cloud.db, 'products');
  const broken: string[] = [];
  const todo: Product[] = [];
  for (const doc of docs) {
    const result = normalizeProduct(doc);
    if (!result.ok) broken.push(String(doc._id));
    else if (needsThumbs(result.product)) todo.push(result.product);
  }
  const result: BackfillResult = { products: docs.length, outcomes: {}, updated: 0, broken };
  const memo: ThumbMemo = new Map();
  let done = 0;
  await pool(todo, 4, async (product) => {
    const made = await thumbsForProduct(cloud, product, memo);
    addOutcomes(result.outcomes, made.outcomes);
    if (made.outcomes.made) {
      throwIfCode(await cloud.db.collection('products').doc(product._id).update({ thumbs: cloud.db.command.set(made.thumbs) }));
      result.updated += 1;
    }
    done += 1;
    onProgress?.(done, todo.length);
  });
  return result;
}

/** "12 made, 3 already small, 1 not in cloud storage": what a run did, for the merchant. */
export function describeOutcomes(outcomes: ThumbsSummary['outcomes']): string {
  const words: Record<ThumbOutcome, string> = { made: 'made', small: 'already card-sized', unreadable: 'not readable (SVG, WebP or damaged: shown as is)', external: 'not in cloud storage (shown as is)', missing: 'file missing' };
  const parts = (Object.keys(words) as ThumbOutcome[]).filter((k) => outcomes[k]).map((k) => `${outcomes[k]} ${words[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'no images needed one';
}
