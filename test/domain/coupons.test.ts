import fc from 'fast-check';
import type { OrderLine } from '../../typings/domain';
import {
  checkTemplate,
  claimRefusal,
  couponDiscount,
  couponStatusAt,
  couponThresholdText,
  couponValueText,
  couponWindow,
  linesWithDiscount,
  rankCoupons,
  type CouponLine,
} from '../../miniprogram/domain/coupons';
import { linePaidAmounts, planAfterSale } from '../../miniprogram/domain/after-sales';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

const valid = { _id: 't1', title: '满100减20', kind: 'amount', amountOff: 2000, threshold: 10000, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1 };

function coupon(extra: Record<string, unknown> = {}) {
  return { _id: 'c1', kind: 'amount' as const, amountOff: 2000, threshold: 10000, scope: { kind: 'all' as const }, validFrom: NOW - DAY, validUntil: NOW + DAY, status: 'available' as const, ...extra };
}

const lines = (...totals: [string, string, number][]): CouponLine[] => totals.map(([productId, categoryId, lineTotal]) => ({ productId, categoryId, lineTotal }));

describe('checkTemplate', () => {
  test('accepts a well-formed template and keeps only its fields', () => {
    const r = checkTemplate({ ...valid, claimed: 99, extra: 'x' });
    expect(r).toEqual({ ok: true, template: { ...valid } });
  });

  test('refuses each bad field with its own Chinese message', () => {
    const r = checkTemplate({ _id: '', title: '', kind: 'amount', amountOff: 3000, threshold: 2000, scope: { kind: 'products', ids: [] }, validity: { kind: 'fixed', from: 5, until: 5 }, totalLimit: 0, perShopperLimit: 101, status: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual(['_id', 'title', 'amountOff', 'scope.ids', 'validity', 'totalLimit', 'perShopperLimit', 'status']);
    expect(r.problems.find((p) => p.field === 'amountOff')!.problem).toBe('减免金额不能超过使用门槛');
    expect(checkTemplate({ ...valid, kind: 'percent', percentOff: 0 })).toMatchObject({ ok: false, problems: [{ field: 'percentOff' }] });
    expect(checkTemplate(null)).toMatchObject({ ok: false });
  });
});

describe('validity and claims', () => {
  test('fixed dates, or N days from the claim', () => {
    expect(couponWindow({ kind: 'fixed', from: 1, until: 9 }, NOW)).toEqual({ validFrom: 1, validUntil: 9 });
    expect(couponWindow({ kind: 'days', days: 3 }, NOW)).toEqual({ validFrom: NOW, validUntil: NOW + 3 * DAY });
  });

  test('claim refusals in order: stopped, ended, claimed out, the shopper\'s limit', () => {
    const t = { status: 'active' as const, validity: { kind: 'days' as const, days: 1 }, claimed: 9, totalLimit: 10, perShopperLimit: 2 };
    expect(claimRefusal(t, 1, NOW)).toBeNull();
    expect(claimRefusal(t, 2, NOW)).toBe('SHOPPER_LIMIT');
    expect(claimRefusal({ ...t, claimed: 10 }, 0, NOW)).toBe('CLAIMED_OUT');
    expect(claimRefusal({ ...t, validity: { kind: 'fixed', from: 0, until: NOW } }, 0, NOW)).toBe('ENDED');
    expect(claimRefusal({ ...t, status: 'stopped' }, 0, NOW)).toBe('STOPPED');
  });

  test('an unused coupon past its validity shows as expired', () => {
    expect(couponStatusAt({ status: 'available', validUntil: NOW }, NOW)).toBe('expired');
    expect(couponStatusAt({ status: 'available', validUntil: NOW + 1 }, NOW)).toBe('available');
    expect(couponStatusAt({ status: 'used', validUntil: NOW }, NOW)).toBe('used');
  });
});

describe('couponDiscount', () => {
  test('amount off over the threshold, spread by largest remainder', () => {
    const r = couponDiscount(coupon(), lines(['a', 'x', 3333], ['b', 'x', 6667]), NOW);
    expect(r).toEqual({ ok: true, discount: 2000, shares: [667, 1333] });
  });

  test('the threshold is measured on the lines in scope; below it, refused', () => {
    expect(couponDiscount(coupon(), lines(['a', 'x', 9999]), NOW)).toMatchObject({ ok: false, reason: 'BELOW_THRESHOLD', message: '未达到优惠券的使用门槛' });
    const scoped = coupon({ scope: { kind: 'categories', ids: ['cups'] } });
    expect(couponDiscount(scoped, lines(['a', 'cups', 5000], ['b', 'x', 50000]), NOW)).toMatchObject({ ok: false, reason: 'BELOW_THRESHOLD' });
    expect(couponDiscount(scoped, lines(['b', 'x', 50000]), NOW)).toMatchObject({ ok: false, reason: 'NO_LINES' });
    expect(couponDiscount(coupon({ scope: { kind: 'products', ids: ['a'] }, threshold: 0 }), lines(['a', 'x', 1500], ['b', 'x', 50000]), NOW)).toEqual({ ok: true, discount: 1500, shares: [1500, 0] });
  });

  test('percent off rounds down to whole fen', () => {
    expect(couponDiscount(coupon({ kind: 'percent', percentOff: 15, threshold: 0 }), lines(['a', 'x', 999]), NOW)).toMatchObject({ ok: true, discount: 149 });
    expect(couponDiscount(coupon({ kind: 'percent', percentOff: 50, threshold: 0 }), lines(['a', 'x', 3333]), NOW)).toMatchObject({ ok: true, discount: 1666 });
  });

  test('not yet valid, expired, used', () => {
    const l = lines(['a', 'x', 20000]);
    expect(couponDiscount(coupon({ validFrom: NOW + 1 }), l, NOW)).toMatchObject({ ok: false, reason: 'NOT_STARTED' });
    expect(couponDiscount(coupon({ validUntil: NOW }), l, NOW)).toMatchObject({ ok: false, reason: 'EXPIRED' });
    expect(couponDiscount(coupon({ status: 'used' }), l, NOW)).toMatchObject({ ok: false, reason: 'USED' });
  });

  test('property: the discount is whole fen, never more than the lines in scope, its shares sum to it and stay within each line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ total: fc.integer({ min: 0, max: 1_000_000 }), inScope: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        fc.oneof(fc.record({ kind: fc.constant('amount' as const), amountOff: fc.integer({ min: 1, max: 2_000_000 }) }), fc.record({ kind: fc.constant('percent' as const), percentOff: fc.integer({ min: 1, max: 99 }) })),
        (ls, rule) => {
          const cl = ls.map((l, i) => ({ productId: `p${i}`, categoryId: l.inScope ? 'in' : 'out', lineTotal: l.total }));
          const r = couponDiscount(coupon({ ...rule, threshold: 0, scope: { kind: 'categories', ids: ['in'] } }), cl, NOW);
          const base = cl.filter((l) => l.categoryId === 'in').reduce((n, l) => n + l.lineTotal, 0);
          if (!r.ok) return expect(r.reason).toBe('NO_LINES');
          expect(Number.isSafeInteger(r.discount) && r.discount >= 0 && r.discount <= base).toBe(true);
          expect(r.shares.reduce((a, b) => a + b, 0)).toBe(r.discount);
          r.shares.forEach((s, i) => expect(s >= 0 && s <= (cl[i].categoryId === 'in' ? cl[i].lineTotal : 0)).toBe(true));
        },
      ),
    );
  });
});

describe('rankCoupons', () => {
  test('largest discount first; ties go to the one expiring first; coupons that do not apply are left out', () => {
    const l = lines(['a', 'x', 20000]);
    const ranked = rankCoupons(
      [
        coupon({ _id: 'late', validUntil: NOW + 3 * DAY }),
        coupon({ _id: 'soon', validUntil: NOW + DAY }),
        coupon({ _id: 'pct', kind: 'percent', percentOff: 20, threshold: 0 }),
        coupon({ _id: 'big', amountOff: 50000, threshold: 60000 }),
        coupon({ _id: 'used', status: 'used', amountOff: 9000 }),
      ],
      l,
      NOW,
    );
    expect(ranked.map((r) => [r.coupon._id, r.discount])).toEqual([['pct', 4000], ['soon', 2000], ['late', 2000]]);
  });
});

describe('after-sales refunds with a coupon', () => {
  test('per-line refunds follow the lines\' shares and sum to what was paid', () => {
    const base: OrderLine[] = [
      { productId: 'a', skuId: 's', title: 'a', specText: '', image: '', unitPrice: 3333, qty: 3, lineTotal: 9999 },
      { productId: 'b', skuId: 's', title: 'b', specText: '', image: '', unitPrice: 1, qty: 1, lineTotal: 1 },
    ];
    const r = couponDiscount(coupon({ scope: { kind: 'products', ids: ['a'] }, threshold: 0, amountOff: 1000 }), lines(['a', 'x', 9999], ['b', 'x', 1]), NOW);
    if (!r.ok) throw new Error('expected a discount');
    const order = { status: 'paid' as const, lines: linesWithDiscount(base, r.shares), itemsTotal: 10000, shippingFee: 0, total: 9000 };
    expect(linePaidAmounts(order)).toEqual([8999, 1]);
    let o: Parameters<typeof planAfterSale>[0] = order;
    const fees: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const plan = planAfterSale(o, [{ productId: 'a', skuId: 's', qty: 1 }], `r${i}`, NOW, DAY);
      if (!plan.ok) throw new Error(plan.message);
      fees.push(plan.refundFee);
      o = { ...o, afterSales: plan.tally };
    }
    expect(fees).toEqual([2999, 2999, 3001]);
  });
});

describe('labels', () => {
  test('value and threshold texts', () => {
    expect(couponValueText({ kind: 'amount', amountOff: 2000 })).toBe('减20元');
    expect(couponValueText({ kind: 'amount', amountOff: 1050 })).toBe('减10.5元');
    expect(couponValueText({ kind: 'percent', percentOff: 15 })).toBe('8.5折');
    expect(couponValueText({ kind: 'percent', percentOff: 20 })).toBe('8折');
    expect(couponThresholdText({ threshold: 10000 })).toBe('满100元可用');
    expect(couponThresholdText({ threshold: 0 })).toBe('无门槛');
  });
});
