import type { Product } from '../../typings/domain';
import { asFlashSale, flashPhase, flashRefusal, flashViewsOf, isDueToEnd, resolveUnitPrices, scheduleProblems, takenPercent, withFlashPrices, type FlashSale } from '../../miniprogram/domain/flash-sale';

const T = Date.UTC(2026, 5, 18, 2, 0, 0); // 06-18 10:00 in China
const MIN = 60_000;

const sale = (over: Partial<FlashSale> = {}): FlashSale => ({
  _id: 'F1', saleId: 'S1', productId: 'p', skuId: 'a', price: 990, allotment: 10, remaining: 10, startAt: T, endAt: T + 60 * MIN, limit: 2, ended: false, createdAt: T - MIN, ...over,
});

const product: Product = {
  _id: 'p', title: '杯子', description: '', categoryId: 'c', images: ['x'], specs: [], status: 'on_shelf', sales: 0, price: 1990, createdAt: 0, updatedAt: 0,
  skus: [
    { skuId: 'a', specValues: [], price: 2990, stock: 50 },
    { skuId: 'b', specValues: [], price: 1990, originalPrice: 2500, stock: 3 },
  ],
};

test('phase: scheduled before the start, active from the start, ended at the end or once ended', () => {
  expect(flashPhase(sale(), T - 1)).toBe('scheduled');
  expect(flashPhase(sale(), T)).toBe('active');
  expect(flashPhase(sale(), T + 60 * MIN - 1)).toBe('active');
  expect(flashPhase(sale(), T + 60 * MIN)).toBe('ended');
  expect(flashPhase(sale({ ended: true }), T)).toBe('ended');
  expect(isDueToEnd(sale(), T + 60 * MIN)).toBe(true);
  expect(isDueToEnd(sale({ ended: true }), T + 60 * MIN)).toBe(false);
  expect(isDueToEnd(sale(), T)).toBe(false);
});

test('the unit-price step: an active sale prices its SKU at the sale price with its own struck through and offers the allotment; others untouched', () => {
  expect(withFlashPrices(product, [sale()], T - 1)).toBe(product);
  const during = withFlashPrices(product, [sale({ remaining: 4 })], T);
  expect(during.skus[0]).toEqual({ skuId: 'a', specValues: [], price: 990, originalPrice: 2990, stock: 4 });
  expect(during.skus[1]).toBe(product.skus[1]);
  expect(during.price).toBe(990);
  expect(withFlashPrices(product, [sale({ skuId: 'b', price: 900 })], T).skus[1]).toMatchObject({ price: 900, originalPrice: 2500 });
  expect(withFlashPrices(product, [sale({ productId: 'other' })], T)).toBe(product);
  expect(withFlashPrices(product, [sale()], T + 60 * MIN)).toBe(product);
  const broken = { ok: false as const, productId: 'p', problems: [] };
  expect(resolveUnitPrices(broken, [sale()], T)).toBe(broken);
  expect(resolveUnitPrices({ ok: true, product, warnings: [] }, [sale()], T)).toMatchObject({ ok: true, product: { price: 990 } });
});

test('refusals: a sale-price line before the start or after the end; over the limit; over the allotment; regular-price lines outside the sale pass', () => {
  expect(flashRefusal(sale(), { qty: 1, expectedPrice: 990 }, 0, T - 1)).toEqual({ code: 'FLASH_NOT_STARTED', message: '秒杀尚未开始，开始时间 06-18 10:00' });
  expect(flashRefusal(sale(), { qty: 1, expectedPrice: 2990 }, 0, T - 1)).toBeNull();
  expect(flashRefusal(sale(), { qty: 1 }, 0, T - 1)).toBeNull();
  expect(flashRefusal(sale(), { qty: 1, expectedPrice: 990 }, 0, T + 60 * MIN)).toMatchObject({ code: 'FLASH_ENDED' });
  expect(flashRefusal(sale(), { qty: 1, expectedPrice: 2990 }, 0, T + 60 * MIN)).toBeNull();
  expect(flashRefusal(sale(), { qty: 2 }, 0, T)).toBeNull();
  expect(flashRefusal(sale(), { qty: 1 }, 1, T)).toBeNull();
  expect(flashRefusal(sale(), { qty: 2 }, 1, T)).toEqual({ code: 'FLASH_LIMIT', message: '秒杀商品每人限购 2 件，您还可购买 1 件' });
  expect(flashRefusal(sale(), { qty: 1 }, 2, T)).toEqual({ code: 'FLASH_LIMIT', message: '秒杀商品每人限购 2 件，您已达到限购数量' });
  expect(flashRefusal(sale({ remaining: 1 }), { qty: 2 }, 0, T)).toEqual({ code: 'FLASH_SOLD_OUT', message: '秒杀库存仅剩 1 件' });
  expect(flashRefusal(sale({ remaining: 0 }), { qty: 1 }, 0, T)).toEqual({ code: 'FLASH_SOLD_OUT', message: '秒杀商品已抢光' });
});

test('schedule problems name every reason in Chinese; a sound schedule has none', () => {
  const input = { productId: 'p', skuId: 'a', price: 990, allotment: 10, startAt: T + MIN, endAt: T + 61 * MIN, limit: 2 };
  expect(scheduleProblems(input, { price: 2990, stock: 50 }, T)).toEqual([]);
  expect(scheduleProblems({ ...input, startAt: T - 30_000 }, { price: 2990, stock: 50 }, T)).toEqual([]);
  expect(scheduleProblems({ ...input, price: 2990, allotment: 51, limit: 100, startAt: T - 2 * MIN, endAt: T - 3 * MIN }, { price: 2990, stock: 50 }, T)).toEqual([
    '秒杀价必须大于 0 且低于原价 ¥29.90',
    '秒杀库存不能超过可售库存 50 件',
    '每人限购须为 1-99 件',
    '开始时间不能早于现在',
    '结束时间必须晚于开始时间',
  ]);
  expect(scheduleProblems({ ...input, allotment: 0, endAt: input.startAt + 8 * 24 * 3600_000 }, { price: 2990, stock: 50 }, T)).toEqual(['秒杀库存至少 1 件', '秒杀时长不能超过 7 天']);
  expect(scheduleProblems({ ...input, startAt: T + 91 * 24 * 3600_000, endAt: T + 92 * 24 * 3600_000 }, { price: 2990, stock: 50 }, T)).toEqual(['开始时间不能晚于 90 天后']);
});

test('stored documents: a hand-broken one is not a sale; the page view and progress', () => {
  expect(asFlashSale(sale() as unknown as Record<string, unknown>)).toEqual(sale());
  expect(asFlashSale({ ...sale(), remaining: -1 } as unknown as Record<string, unknown>)).toBeNull();
  expect(asFlashSale({ ...sale(), ended: 'no' } as unknown as Record<string, unknown>)).toBeNull();
  expect(asFlashSale(null)).toBeNull();
  const views = flashViewsOf(product, [sale({ remaining: 4 }), sale({ skuId: 'gone' }), sale({ skuId: 'b', endAt: T - 25 * 3600_000, ended: true })], T);
  expect(views).toEqual([{ saleId: 'S1', skuId: 'a', price: 990, regularPrice: 2990, startAt: T, endAt: T + 60 * MIN, limit: 2, allotment: 10, remaining: 4, phase: 'active' }]);
  expect(flashViewsOf(product, [sale({ ended: true, remaining: 3 })], T)[0]).toMatchObject({ remaining: 0, phase: 'ended' });
  expect(takenPercent({ allotment: 10, remaining: 4 })).toBe(60);
  expect(takenPercent({ allotment: 0, remaining: 0 })).toBe(0);
});
