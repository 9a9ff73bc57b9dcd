import { addToCart, checkLine, isValidQty, MAX_LINES, MAX_QTY_PER_LINE } from '../../miniprogram/domain/cart';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import type { CartItem } from '../../typings/domain';
import { productDoc } from './fixtures';

const current = (overrides: Record<string, unknown> = {}) => normalizeProduct(productDoc(overrides));
const codes = (result: ReturnType<typeof checkLine>) => result.problems.map((p) => p.code);

describe('cart line checks against the current catalog', () => {
  test('a purchasable line has no problems and carries display fields', () => {
    const result = checkLine({ productId: 'p1', skuId: 'p1-red-M', qty: 2, seenPrice: 12900 }, current());
    expect(result).toMatchObject({ available: 5, currentPrice: 12900, title: 'Linen shirt', specText: 'red / M', problems: [] });
  });

  test('deleted product or SKU', () => {
    expect(codes(checkLine({ productId: 'gone', skuId: 'x', qty: 1 }, undefined))).toEqual(['NOT_FOUND']);
    expect(codes(checkLine({ productId: 'p1', skuId: 'nope', qty: 1 }, current()))).toEqual(['NOT_FOUND']);
  });

  test('broken document', () => {
    expect(codes(checkLine({ productId: 'p1', skuId: 'p1-red-M', qty: 1 }, current({ title: '' })))).toEqual(['INVALID_PRODUCT']);
  });

  test('off shelf, sold out, short of stock', () => {
    const off = checkLine({ productId: 'p1', skuId: 'p1-red-M', qty: 1 }, current({ status: 'off_shelf' }));
    expect(codes(off)).toEqual(['OFF_SHELF']);
    expect(off.available).toBe(0);
    expect(codes(checkLine({ productId: 'p1', skuId: 'p1-red-L', qty: 1 }, current()))).toEqual(['SOLD_OUT']);
    const short = checkLine({ productId: 'p1', skuId: 'p1-blue-M', qty: 3 }, current());
    expect(codes(short)).toEqual(['INSUFFICIENT_STOCK']);
    expect(short.problems[0].message).toContain('2');
  });

  test('price changed shows old and new price', () => {
    const result = checkLine({ productId: 'p1', skuId: 'p1-red-M', qty: 1, seenPrice: 9900 }, current());
    expect(codes(result)).toEqual(['PRICE_CHANGED']);
    expect(result.seenPrice).toBe(9900);
    expect(result.currentPrice).toBe(12900);
  });

  test('quantity limits', () => {
    for (const qty of [0, -1, 1.5, MAX_QTY_PER_LINE + 1, Number.NaN]) {
      expect(codes(checkLine({ productId: 'p1', skuId: 'p1-red-M', qty }, current()))).toContain('QTY_LIMIT');
      expect(isValidQty(qty)).toBe(false);
    }
    expect(isValidQty('2')).toBe(false);
  });

  test('adding merges the same SKU, caps quantity and limits lines', () => {
    let cart: CartItem[] = [];
    cart = addToCart(cart, { productId: 'p1', skuId: 'a', qty: 2, seenPrice: 100 }, 1);
    cart = addToCart(cart, { productId: 'p1', skuId: 'a', qty: 98, seenPrice: 120 }, 2);
    expect(cart).toEqual([{ productId: 'p1', skuId: 'a', qty: MAX_QTY_PER_LINE, seenPrice: 120, selected: true, addedAt: 1 }]);
    const full = Array.from({ length: MAX_LINES }, (_, i) => ({ productId: `p${i}`, skuId: 's', qty: 1, seenPrice: 1, selected: true, addedAt: 0 }));
    expect(() => addToCart(full, { productId: 'new', skuId: 's', qty: 1, seenPrice: 1 }, 0)).toThrow(RangeError);
  });
});
