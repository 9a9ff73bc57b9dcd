/**
 * Card thumbnails through the local cloud's storage: the import writes a small JPEG next to each
 * stored product image and records it on the product, catalog.list hands cards the thumbnail while
 * catalog.get keeps the full images, and `thumbs` backfills products stored without them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { Jimp } from 'jimp';
import { placeholderPng } from '../../admin/images';
import { connect, localTarget } from '../../admin/cloud';
import { parseProductText, validateRecords, writeProducts } from '../../admin/products-io';
import { backfillThumbnails, describeOutcomes, THUMB, thumbnailBytes } from '../../admin/thumbnails';
import { useCloud } from '../helpers/cloud';
import { runCli } from './run-cli';

jest.setTimeout(120_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

async function upload(cloudPath: string, content: Buffer): Promise<string> {
  const res = await cloud.node().uploadFile({ cloudPath, fileContent: content });
  return res.fileID as string;
}

async function download(fileID: string): Promise<Buffer> {
  const res = await cloud.node().downloadFile({ fileID });
  return Buffer.from(res.fileContent);
}

async function stored(id: string): Promise<Record<string, any>> {
  const { data } = await cloud.node().database().collection('products').doc(id).get();
  return data[0];
}

async function catalogCard(id: string): Promise<Record<string, any>> {
  const r = await cloud.invoke('catalog', { action: 'list', pageSize: 50 });
  expect(r.result.ok).toBe(true);
  return r.result.data.items.find((p: { _id: string }) => p._id === id);
}

test('import: a large stored image gets a 360 px JPEG beside it, recorded as its thumb; a small one and a URL outside storage keep the image', async () => {
  const big = placeholderPng(20, 0, 1200);
  const bigId = await upload('products/thumb-a/cover.png', big);
  const smallId = await upload('products/thumb-a/detail.png', placeholderPng(200, 1, 96));
  const external = 'https://example.invalid/thumb-a/3.png';
  const file = join(mkdtempSync(join(tmpdir(), 'admin-thumbs-')), 'products.csv');
  writeFileSync(file, ['_id,title,categoryId,images,price,stock', `thumb-a,带缩略图的商品,c-home,${bigId}|${smallId}|${external},19.90,5`].join('\n'));

  const r = await runCli(['import', file, '--cloud', cloud.url]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/thumbnails: 1 made, 1 already card-sized, 1 not in cloud storage/);

  const doc = await stored('thumb-a');
  expect(doc.images).toEqual([bigId, smallId, external]);
  expect(doc.thumbs).toEqual([{ image: bigId, thumb: expect.stringMatching(/products\/thumb-a\/cover\.png\.thumb\.jpg$/) }]);
  // A real file in storage: a JPEG 360 px wide, proportional, much smaller than the original.
  const thumbBytes = await download(doc.thumbs[0].thumb);
  expect(thumbBytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  const thumb = decodeJpeg(thumbBytes);
  expect([thumb.width, thumb.height]).toEqual([THUMB.side, THUMB.side]);
  expect(thumbBytes.length).toBeLessThan(big.length);

  // Cards get the thumbnail; the product page the full images.
  expect((await catalogCard('thumb-a')).cover).toBe(doc.thumbs[0].thumb);
  const detail = await cloud.invoke('catalog', { action: 'get', productId: 'thumb-a' });
  expect(detail.result.data.product.images).toEqual([bigId, smallId, external]);
});

test('a hand-edited thumbs field that is wrong costs only the small picture: the card falls back to the cover image', async () => {
  const coverId = await upload('products/thumb-b/cover.png', placeholderPng(90, 2, 800));
  const db = cloud.node().database();
  const now = Date.now();
  const base = { title: '手工编辑的商品', description: '', categoryId: 'c-home', specs: [], skus: [{ skuId: 's1', specValues: [], price: 990, stock: 3 }], status: 'on_shelf', sales: 0, price: 990, createdAt: now, updatedAt: now };
  await db.collection('products').doc('thumb-b').set({ ...base, images: [coverId], thumbs: 'not a list' });
  await db.collection('products').doc('thumb-c').set({ ...base, images: [coverId], thumbs: [{ image: 'cloud://elsewhere/old.png', thumb: 'cloud://elsewhere/old.png.thumb.jpg' }, { image: coverId }] });

  expect((await catalogCard('thumb-b')).cover).toBe(coverId);
  expect((await catalogCard('thumb-c')).cover).toBe(coverId);

  // The backfill repairs both, with progress (the first test's product is looked at again for its
  // small image and the one outside storage, which keep showing as they are), and has nothing left to
  // make the second time.
  const r = await runCli(['thumbs', '--cloud', cloud.url]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/thumbs \[#+\]\s+100% 3\/3/);
  expect(r.stdout).toMatch(/3 products scanned, 2 updated: 2 made, 1 already card-sized, 1 not in cloud storage/);
  for (const id of ['thumb-b', 'thumb-c']) {
    const doc = await stored(id);
    expect(doc.thumbs).toEqual([{ image: coverId, thumb: expect.stringMatching(/cover\.png\.thumb\.jpg$/) }]);
    expect(doc.skus[0].stock).toBe(3);
    expect((await catalogCard(id)).cover).toBe(doc.thumbs[0].thumb);
  }
  const again = await runCli(['thumbs', '--cloud', cloud.url]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/3 products scanned, 0 updated: 1 already card-sized, 1 not in cloud storage/);
});

/** A JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6), as phones write portrait photos. */
function jpegWithOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, body.length + 2]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

test('thumbnails: a phone photo is turned upright from its EXIF orientation, a transparent PNG goes on white, WebP and SVG get none', async () => {
  const wide = await new Jimp({ width: 800, height: 400, color: 0x3366ccff }).getBuffer('image/jpeg', { quality: 90 });
  const upright = decodeJpeg((await thumbnailBytes(jpegWithOrientation(wide, 6)))!);
  expect([upright.width, upright.height]).toEqual([THUMB.side, THUMB.side * 2]);
  const plain = decodeJpeg((await thumbnailBytes(wide))!);
  // Sized by the short side, so a landscape photo still fills a card's box at 2x.
  expect([plain.width, plain.height]).toEqual([THUMB.side * 2, THUMB.side]);

  const clear = await new Jimp({ width: 720, height: 720, color: 0x00000000 }).getBuffer('image/png');
  const flat = decodeJpeg((await thumbnailBytes(clear))!);
  expect(Math.min(...flat.data.subarray(0, 3))).toBeGreaterThan(245);

  expect(await thumbnailBytes(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBeNull();
  expect(await thumbnailBytes(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"/>'))).toBeNull();
});

test('backfill in one process: stored products missing thumbnails get them (two products showing one stored photo both record the thumbnail beside it), a broken document is named, a second run makes none', async () => {
  const admin = connect(await localTarget(cloud.url));
  const shared = await upload('products/backfill/shared.png', placeholderPng(40, 2, 1000));
  const { records } = parseProductText(['_id,title,categoryId,images,price,stock', `bf-1,回填一,c-home,${shared},9.90,3`, `bf-2,回填二,c-home,${shared}|https://example.invalid/bf.png,19.90,3`].join('\n'), 'csv');
  const valid = validateRecords(records);
  expect(valid.problems).toEqual([]);
  await writeProducts(admin, valid.products);
  await cloud.node().database().collection('products').add({ _id: 'bf-broken', title: '', images: 'not a list' });

  const progress: number[] = [];
  const first = await backfillThumbnails(admin, (done) => progress.push(done));
  expect(first.broken).toContain('bf-broken');
  // Earlier tests' products share this cloud: theirs have no stored image left without a thumbnail.
  expect(first.outcomes.made).toBe(2);
  expect(first.outcomes.external).toBeGreaterThanOrEqual(1);
  expect(first.updated).toBe(2);
  expect(progress.at(-1)).toBe(progress.length);
  expect(describeOutcomes(first.outcomes)).toMatch(/^2 made, .*\d+ not in cloud storage \(shown as is\)/);
  const [one, two] = [await stored('bf-1'), await stored('bf-2')];
  expect(one.thumbs).toEqual([{ image: shared, thumb: expect.stringMatching(/products\/backfill\/shared\.png\.thumb\.jpg$/) }]);
  expect(two.thumbs).toEqual(one.thumbs);
  expect(decodeJpeg(await download(two.thumbs[0].thumb)).width).toBe(THUMB.side);

  const again = await backfillThumbnails(admin);
  expect(again.updated).toBe(0);
  expect(again.outcomes.made ?? 0).toBe(0);
  expect(describeOutcomes({})).toBe('no images needed one');
});
