/**
 * Card thumbnails in the browser preview at phone and desktop sizes: a product imported with a large
 * photo shows its 360 px thumbnail on the catalog card, and the full photo on the product page.
 */
import { connect } from '../../admin/cloud';
import { placeholderPng } from '../../admin/images';
import { writeProducts } from '../../admin/products-io';
import { addThumbnails, THUMB } from '../../admin/thumbnails';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import type { Locator } from 'playwright-core';
import { onRoute, phone, relaunch, screenshot, startStore, toNewPage, until, VIEWPORTS, type Store } from './harness';

/** The pixel width of the picture an `<image>` shows (the preview draws it as a background image). */
async function shownWidth(image: Locator): Promise<number> {
  await until(() => image.evaluate((el) => getComputedStyle(el).backgroundImage), (bg) => typeof bg === 'string' && bg.startsWith('url('));
  return image.evaluate(
    (el) =>
      new Promise<number>((resolve, reject) => {
        const url = /^url\("?(.*?)"?\)$/.exec(getComputedStyle(el).backgroundImage)?.[1];
        if (!url) return reject(new Error('no picture'));
        const img = new Image();
        img.onload = () => resolve(img.naturalWidth);
        img.onerror = () => reject(new Error(`picture did not load: ${url}`));
        img.src = url;
      }),
  );
}

jest.setTimeout(180_000);

let store: Store;
let cover: string;
beforeAll(async () => {
  store = await startStore();
  const cloud = connect({ kind: 'local', envId: store.cloud.envId, cloudUrl: store.cloud.url });
  cover = (await cloud.app.uploadFile({ cloudPath: 'products/thumb-preview/cover.png', fileContent: placeholderPng(330, 0, 1200) })).fileID;
  const now = Date.now();
  const result = normalizeProduct({ _id: 'thumb-preview', title: '大图商品 缩略图展示', categoryId: 'c-home', images: [cover], status: 'on_shelf', skus: [{ skuId: 'tp-1', specValues: [], price: 4900, stock: 8 }], createdAt: now, updatedAt: now });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const summary = await addThumbnails(cloud, [result.product]);
  expect(summary.outcomes).toEqual({ made: 1 });
  await writeProducts(cloud, [result.product]);
});
afterAll(async () => {
  await store?.close();
});

test.each([VIEWPORTS[0], VIEWPORTS[2]])('at $width x $height the card loads the thumbnail, the product page the full image', async (viewport) => {
  const { context, page } = await store.open(viewport);
  try {
    await relaunch(page);
    const frame = phone(page);
    const card = frame.locator('.product-card', { hasText: '大图商品' });
    await card.waitFor();
    expect(await shownWidth(card.locator('wx-image').first())).toBe(THUMB.width);
    await screenshot(page, `catalog-thumbnail-${viewport.width}`);

    await toNewPage(page, () => card.click());
    await onRoute(page, 'pages-shop/product/index');
    expect(await shownWidth(frame.locator('#gallery wx-image').first())).toBe(1200);
  } finally {
    await context.close();
  }
});
