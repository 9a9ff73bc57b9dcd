/** Pure parts of the flash-sale server code (no emulator): document ids, the unit-price step over a catalog, refusals as API errors, the schedule's event schema. */
import type { FlashSale } from '../../miniprogram/domain/flash-sale';
import { allotmentKey, flashSaleDocId, NO_ALLOTMENTS } from '../../server/allotment';
import { AppError } from '../../server/errors';
import { parseEvent } from '../../server/events';
import { atFlashPrices, refuseFlashLine, salesByLine } from '../../server/flash-sales';
import { buyerDocId } from '../../server/flash-limit';

const T = Date.UTC(2026, 5, 18, 2);
const sale: FlashSale = { _id: flashSaleDocId('p', 'a'), saleId: 'S1', productId: 'p', skuId: 'a', price: 990, allotment: 5, remaining: 5, startAt: T, endAt: T + 3600_000, limit: 1, ended: false, createdAt: T };

test('one sale document per SKU and one counter per shopper and sale, with ids the database accepts', () => {
  expect(flashSaleDocId('p', 'a')).toBe(flashSaleDocId('p', 'a'));
  expect(flashSaleDocId('p', 'a')).not.toBe(flashSaleDocId('p', 'b'));
  // Ids that would collide when simply joined stay apart.
  expect(flashSaleDocId('a_b', 'c')).not.toBe(flashSaleDocId('a', 'b_c'));
  expect(flashSaleDocId('p', 'a')).toMatch(/^F[0-9A-Za-z]{23}$/);
  expect(buyerDocId('S1', 'o1')).toMatch(/^B[0-9A-Za-z]{23}$/);
  expect(buyerDocId('S1', 'o1')).not.toBe(buyerDocId('S2', 'o1'));
  expect(buyerDocId('S1', 'o1')).not.toBe(buyerDocId('S1', 'o2'));
  expect(NO_ALLOTMENTS.size).toBe(0);
  expect(salesByLine([sale]).get(allotmentKey('p', 'a'))).toBe(sale);
});

test('the unit-price step over a set of products: only products with an active sale change', () => {
  const product = { _id: 'p', title: 't', description: '', categoryId: 'c', images: ['x'], specs: [], status: 'on_shelf' as const, sales: 0, price: 2990, createdAt: 0, updatedAt: 0, skus: [{ skuId: 'a', specValues: [], price: 2990, stock: 9 }] };
  const products = new Map([['p', { ok: true as const, product, warnings: [] }]]);
  expect(atFlashPrices(products, [], T)).toBe(products);
  const priced = atFlashPrices(products, [sale], T).get('p');
  expect(priced).toMatchObject({ ok: true, product: { price: 990, skus: [{ price: 990, originalPrice: 2990, stock: 5 }] } });
  expect(atFlashPrices(products, [sale], T - 1).get('p')).toMatchObject({ product: { price: 2990 } });
});

test('a refused line is an API error with its code, the Chinese reason and what the page needs', () => {
  expect(() => refuseFlashLine(sale, { productId: 'p', skuId: 'a', qty: 1 }, 0, T)).not.toThrow();
  try {
    refuseFlashLine(sale, { productId: 'p', skuId: 'a', qty: 1 }, 1, T);
    throw new Error('not refused');
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toApiError()).toEqual({ code: 'FLASH_LIMIT', message: '秒杀商品每人限购 1 件，您已达到限购数量', details: { productId: 'p', skuId: 'a', limit: 1, held: 1, remaining: 5 } });
  }
});

test('the schedule event takes whole numbers only and copies nothing else', () => {
  const good = { action: 'scheduleFlashSale', productId: 'p', skuId: 'a', price: 990, allotment: 5, startAt: T, endAt: T + 1, limit: 1 };
  expect(parseEvent('merchant', { ...good, $set: { stock: 0 } })).toMatchObject({ ok: true, request: { productId: 'p', price: 990 } });
  for (const bad of [{ price: 9.9 }, { allotment: 0 }, { limit: 100 }, { startAt: '2026-06-18' }, { skuId: { $gt: '' } }]) {
    expect(parseEvent('merchant', { ...good, ...bad })).toMatchObject({ ok: false });
  }
});
