import { normalizeProduct } from '../../miniprogram/domain/normalize';
import { availableUnits, cardImage, findSku, skuForPick, specText, specValueStates, toDetail, toSummary } from '../../miniprogram/domain/product';
import type { Product } from '../../typings/domain';
import { productDoc } from './fixtures';

function valid(overrides: Record<string, unknown> = {}): Product {
  const result = normalizeProduct(productDoc(overrides));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.product;
}

describe('product views and the SKU picker', () => {
  test('summary carries only what a card renders', () => {
    expect(toSummary(valid())).toEqual({ _id: 'p1', title: 'Linen shirt', cover: 'cloud://env/p1/cover.png', price: 12900, sales: 10, soldOut: false });
    expect(toSummary(valid({ status: 'off_shelf' })).soldOut).toBe(true);
    const discounted = valid({ skus: [{ skuId: 'x', specValues: ['blue', 'L'], price: 500, originalPrice: 900, stock: 1 }] });
    expect(toSummary(discounted).originalPrice).toBe(900);
  });

  test('cards show the cover\'s thumbnail, the product page the full images; no thumbnail falls back to the image', () => {
    const images = ['cloud://env/p1/cover.png', 'cloud://env/p1/back.png'];
    const withThumbs = valid({ images, thumbs: [{ image: images[1], thumb: 'cloud://env/p1/back.png.thumb.jpg' }, { image: images[0], thumb: 'cloud://env/p1/cover.png.thumb.jpg' }] });
    expect(toSummary(withThumbs).cover).toBe('cloud://env/p1/cover.png.thumb.jpg');
    expect(cardImage(withThumbs, images[1])).toBe('cloud://env/p1/back.png.thumb.jpg');
    expect(toDetail(withThumbs).images).toEqual(images);
    expect(toDetail(withThumbs).cover).toBe('cloud://env/p1/cover.png.thumb.jpg');
    expect(toSummary(valid({ images, thumbs: [{ image: images[1], thumb: 'cloud://env/p1/back.png.thumb.jpg' }] })).cover).toBe(images[0]);
    expect(cardImage({ images })).toBe(images[0]);
  });

  test('detail exposes availability, not raw stock of off-shelf items', () => {
    const detail = toDetail(valid());
    expect(detail.skus.map((s) => s.available)).toEqual([5, 0, 2]);
    expect(detail.skus[2].originalPrice).toBe(15900);
    expect(toDetail(valid({ status: 'off_shelf' })).skus.every((s) => s.available === 0)).toBe(true);
    const product = valid();
    expect(availableUnits(product, findSku(product, 'p1-red-M')!)).toBe(5);
    expect(specText({ specValues: [] })).toBe('');
  });

  test('picker greys out sold-out and impossible combinations', () => {
    const { specs, skus } = toDetail(valid());
    // Nothing picked: every colour and size exists; blue-L does not exist but blue-M does.
    expect(specValueStates(specs, skus, [null, null])).toEqual([
      ['available', 'available'],
      ['available', 'sold_out'],
    ]);
    // Blue picked: L is impossible (no blue-L SKU), M available.
    expect(specValueStates(specs, skus, ['blue', null])).toEqual([
      ['available', 'selected'],
      ['available', 'impossible'],
    ]);
    // Red picked: L is sold out.
    expect(specValueStates(specs, skus, ['red', null])[1]).toEqual(['available', 'sold_out']);
    expect(skuForPick(skus, ['blue', 'M'], 2)?.skuId).toBe('p1-blue-M');
    expect(skuForPick(skus, ['blue', null], 2)).toBeUndefined();
    expect(skuForPick(skus, ['blue', 'L'], 2)).toBeUndefined();
  });
});
