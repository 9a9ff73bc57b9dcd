import fc from 'fast-check';
import type { AfterSaleStatus, Order, OrderLine } from '../../typings/domain';
import {
  AFTER_SALE_STATUSES,
  MAX_REFUNDS_PER_PAYMENT,
  afterSalesLabel,
  afterSaleWindow,
  claimedTotal,
  linePaidAmounts,
  planAfterSale,
  remainingUnits,
  spreadByLargestRemainder,
} from '../../miniprogram/domain/after-sales';
import { AFTER_SALE_TRANSITIONS, afterSaleNext, afterSalePatch, releaseClaim, type AfterSaleEvent } from '../../miniprogram/domain/after-sale-transitions';

const DAY = 86_400_000;
const WINDOW = 7 * DAY;

function line(productId: string, unitPrice: number, qty: number): OrderLine {
  return { productId, skuId: `${productId}-s`, title: productId, specText: '', image: '', unitPrice, qty, lineTotal: unitPrice * qty };
}

type TestOrder = Pick<Order, 'status' | 'lines' | 'itemsTotal' | 'shippingFee' | 'total' | 'completedAt' | 'afterSales'>;

function order(lines: OrderLine[], extra: Partial<TestOrder> = {}): TestOrder {
  const itemsTotal = lines.reduce((n, l) => n + l.lineTotal, 0);
  return { status: 'paid', lines, itemsTotal, shippingFee: 800, total: itemsTotal + 800, ...extra };
}

describe('spreadByLargestRemainder', () => {
  test('splits by weight, leftover fen to the largest remainders, ties to the earlier part', () => {
    expect(spreadByLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(spreadByLargestRemainder(10, [3990, 4290])).toEqual([5, 5]);
    expect(spreadByLargestRemainder(7, [1, 2, 4])).toEqual([1, 2, 4]);
    expect(spreadByLargestRemainder(0, [5, 5])).toEqual([0, 0]);
    expect(spreadByLargestRemainder(3, [0, 0])).toEqual([2, 1]);
    expect(spreadByLargestRemainder(0, [])).toEqual([]);
    expect(() => spreadByLargestRemainder(-1, [1])).toThrow(RangeError);
    expect(() => spreadByLargestRemainder(1, [])).toThrow(RangeError);
    expect(() => spreadByLargestRemainder(1, [0.5])).toThrow(RangeError);
  });

  test('property: parts sum to the total, each within one fen of its exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = spreadByLargestRemainder(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        const ws = weights.some((w) => w > 0) ? weights : weights.map(() => 1);
        const sum = ws.reduce((a, b) => a + b, 0);
        parts.forEach((p, i) => {
          expect(Number.isSafeInteger(p) && p >= 0).toBe(true);
          expect(Math.abs(p - (total * ws[i]) / sum)).toBeLessThan(1 + 1e-6);
        });
      }),
    );
  });
});

describe('paid amounts per line', () => {
  test('no discount: the line totals; a discount is spread over the lines and sums to what was paid', () => {
    const lines = [line('a', 3990, 2), line('b', 1000, 1)];
    expect(linePaidAmounts(order(lines))).toEqual([7980, 1000]);
    const discounted = order(lines, { total: 7980 + 1000 + 800 - 101 });
    const paid = linePaidAmounts(discounted);
    expect(paid.reduce((a, b) => a + b, 0) + 800).toBe(discounted.total);
  });
});

describe('after-sales request states', () => {
  test('the table: before shipping straight to refunding; after shipping approve (return) or refuse', () => {
    expect(afterSaleNext('requested', 'refundNow')).toBe('refunding');
    expect(afterSaleNext('requested', 'approve')).toBe('approved');
    expect(afterSaleNext('approved', 'requireReturn')).toBe('return_pending');
    expect(afterSaleNext('return_pending', 'receive')).toBe('received');
    expect(afterSaleNext('received', 'refund')).toBe('refunding');
    expect(afterSaleNext('approved', 'refund')).toBe('refunding');
    expect(afterSaleNext('refunding', 'confirmRefund')).toBe('refunded');
    expect(afterSaleNext('requested', 'refuse')).toBe('refused');
  });

  test('refunded and refused are final; nothing skips the merchant after shipping', () => {
    const events = Object.keys(AFTER_SALE_TRANSITIONS) as AfterSaleEvent[];
    for (const event of events) {
      expect(afterSaleNext('refunded', event)).toBeNull();
      expect(afterSaleNext('refused', event)).toBeNull();
    }
    expect(afterSaleNext('return_pending', 'refund')).toBeNull();
    expect(afterSaleNext('approved', 'refuse')).toBeNull();
    expect(afterSalePatch('requested', 'approve', 5)).toEqual({ status: 'approved', updatedAt: 5, approvedAt: 5 });
    expect(afterSalePatch('approved', 'requireReturn', 5)).toEqual({ status: 'return_pending', updatedAt: 5 });
    expect(afterSalePatch('refunded', 'refund', 5)).toBeNull();
  });

  test('property: any walk through the table reaches refunded only through refunding', () => {
    const events = Object.keys(AFTER_SALE_TRANSITIONS) as AfterSaleEvent[];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 12 }), (walk) => {
        let status: AfterSaleStatus = 'requested';
        let previous: AfterSaleStatus = status;
        for (const event of walk) {
          const next = afterSaleNext(status, event);
          if (next === null) continue;
          previous = status;
          status = next;
          if (status === 'refunded') expect(previous).toBe('refunding');
        }
        expect(AFTER_SALE_STATUSES).toContain(status);
      }),
    );
  });
});

describe('planAfterSale', () => {
  const now = Date.UTC(2026, 5, 1);
  const lines = [line('a', 3990, 2), line('b', 1000, 3)];

  test('before shipping: refunded at once; shipping only when this request takes every unit', () => {
    const partial = planAfterSale(order(lines), [{ productId: 'a', skuId: 'a-s', qty: 1 }], 'A1', now, WINDOW);
    expect(partial).toMatchObject({ ok: true, immediate: true, refundFee: 3990, shippingRefund: 0 });
    const all = planAfterSale(order(lines), [{ productId: 'a', skuId: 'a-s', qty: 2 }, { productId: 'b', skuId: 'b-s', qty: 3 }], 'A2', now, WINDOW);
    expect(all).toMatchObject({ ok: true, immediate: true, refundFee: 7980 + 3000 + 800, shippingRefund: 800 });
    if (all.ok) expect(all.tally.states).toEqual({ A2: 'refunding' });
  });

  test('after shipping: the merchant decides, shipping is never refunded', () => {
    const shipped = order(lines, { status: 'shipped' });
    const plan = planAfterSale(shipped, [{ productId: 'a', skuId: 'a-s', qty: 2 }, { productId: 'b', skuId: 'b-s', qty: 3 }], 'A1', now, WINDOW);
    expect(plan).toMatchObject({ ok: true, immediate: false, refundFee: 10980, shippingRefund: 0 });
  });

  test('window: 7 days after receipt; never for unpaid or closed orders', () => {
    const received = order(lines, { status: 'completed', completedAt: now - 7 * DAY });
    expect(afterSaleWindow(received, now, WINDOW)).toBe('open');
    expect(afterSaleWindow(received, now + 1, WINDOW)).toBe('WINDOW_CLOSED');
    for (const status of ['pending_payment', 'cancelled', 'expired'] as const) expect(afterSaleWindow({ status }, now, WINDOW)).toBe('NOT_ELIGIBLE');
    expect(planAfterSale(received, [{ productId: 'a', skuId: 'a-s', qty: 1 }], 'A', now + DAY, WINDOW)).toMatchObject({ ok: false, reason: 'WINDOW_CLOSED', message: '已超过售后期限' });
  });

  test('refusals: unknown line, duplicate line, more units than left, 50 refunds', () => {
    const o = order(lines);
    expect(planAfterSale(o, [], 'A', now, WINDOW)).toMatchObject({ ok: false, reason: 'EMPTY' });
    expect(planAfterSale(o, [{ productId: 'x', skuId: 'x', qty: 1 }], 'A', now, WINDOW)).toMatchObject({ ok: false, reason: 'UNKNOWN_LINE' });
    expect(planAfterSale(o, [{ productId: 'a', skuId: 'a-s', qty: 1 }, { productId: 'a', skuId: 'a-s', qty: 1 }], 'A', now, WINDOW)).toMatchObject({ ok: false, reason: 'DUPLICATE_LINE' });
    expect(planAfterSale(o, [{ productId: 'a', skuId: 'a-s', qty: 3 }], 'A', now, WINDOW)).toMatchObject({ ok: false, reason: 'TOO_MANY_UNITS' });
    const first = planAfterSale(o, [{ productId: 'a', skuId: 'a-s', qty: 2 }], 'A1', now, WINDOW);
    if (!first.ok) throw new Error('expected ok');
    expect(planAfterSale({ ...o, afterSales: first.tally }, [{ productId: 'a', skuId: 'a-s', qty: 1 }], 'A2', now, WINDOW)).toMatchObject({ ok: false, reason: 'TOO_MANY_UNITS' });
    const many = { ...o, lines: [line('c', 100, 100)], itemsTotal: 10_000, total: 10_800 };
    let current: TestOrder = many;
    for (let i = 0; i < MAX_REFUNDS_PER_PAYMENT; i += 1) {
      const plan = planAfterSale(current, [{ productId: 'c', skuId: 'c-s', qty: 1 }], `A${i}`, now, WINDOW);
      if (!plan.ok) throw new Error(`refusal at ${i}: ${plan.reason}`);
      current = { ...current, afterSales: plan.tally };
    }
    expect(planAfterSale(current, [{ productId: 'c', skuId: 'c-s', qty: 1 }], 'A50', now, WINDOW)).toMatchObject({ ok: false, reason: 'TOO_MANY_REFUNDS', message: '该订单退款次数已达上限' });
  });

  test('a refused request frees its units and its refund count', () => {
    const o = order(lines, { status: 'shipped' });
    const plan = planAfterSale(o, [{ productId: 'b', skuId: 'b-s', qty: 3 }], 'A1', now, WINDOW);
    if (!plan.ok) throw new Error('expected ok');
    const held = { ...o, afterSales: plan.tally };
    expect(remainingUnits(held)).toEqual([2, 0]);
    const freed = releaseClaim(held, { _id: 'A1', lines: plan.lines, shippingRefund: plan.shippingRefund });
    expect(remainingUnits({ ...o, afterSales: freed })).toEqual([2, 3]);
    expect(freed.count).toBe(0);
    expect(claimedTotal(freed)).toBe(0);
  });

  test('labels for the order list', () => {
    const o = order(lines);
    expect(afterSalesLabel(o)).toBe('');
    const plan = planAfterSale(o, [{ productId: 'a', skuId: 'a-s', qty: 1 }], 'A1', now, WINDOW);
    if (!plan.ok) throw new Error('expected ok');
    expect(afterSalesLabel({ ...o, afterSales: plan.tally })).toBe('退款中');
    expect(afterSalesLabel({ ...o, afterSales: { ...plan.tally, states: { A1: 'refunded' } } })).toBe('部分退款');
    expect(afterSalesLabel({ ...o, afterSales: { ...plan.tally, states: { A1: 'requested' } } })).toBe('售后处理中');
    expect(afterSalesLabel({ ...o, afterSales: { ...plan.tally, states: { A1: 'refused' } } })).toBe('售后已拒绝');
  });

  /**
   * Property: any sequence of requests (some refused afterwards) on any order, discounted or not,
   * shipped or not: the claims never exceed what was paid, never more units than bought, and when
   * every unit was refunded before shipping the refunds add up to exactly the amount paid.
   */
  test('property: total refunded ≤ paid; a full refund before shipping returns exactly what was paid', () => {
    const lineArb = fc.record({ unitPrice: fc.integer({ min: 1, max: 100_000 }), qty: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.boolean(),
        fc.array(fc.record({ line: fc.nat(), qty: fc.integer({ min: 1, max: 6 }), refuse: fc.boolean() }), { maxLength: 20 }),
        (specs, shippingFee, discountWish, shipped, asks) => {
          const ls = specs.map((s, i) => line(`p${i}`, s.unitPrice, s.qty));
          const itemsTotal = ls.reduce((n, l) => n + l.lineTotal, 0);
          const discount = Math.min(discountWish, itemsTotal);
          let o: TestOrder = { status: shipped ? 'shipped' : 'paid', lines: ls, itemsTotal, shippingFee, total: itemsTotal + shippingFee - discount };
          let refunded = 0;
          asks.forEach((ask, k) => {
            const target = ls[ask.line % ls.length];
            const plan = planAfterSale(o, [{ productId: target.productId, skuId: target.skuId, qty: ask.qty }], `A${k}`, 0, WINDOW);
            if (!plan.ok) return;
            expect(plan.refundFee).toBeGreaterThanOrEqual(0);
            if (ask.refuse && shipped) {
              o = { ...o, afterSales: releaseClaim({ ...o, afterSales: plan.tally }, { _id: `A${k}`, lines: plan.lines, shippingRefund: plan.shippingRefund }) };
              return;
            }
            refunded += plan.refundFee;
            o = { ...o, afterSales: plan.tally };
          });
          expect(refunded).toBeLessThanOrEqual(o.total);
          const rest = remainingUnits(o);
          rest.forEach((r) => expect(r).toBeGreaterThanOrEqual(0));
          if (!shipped && rest.every((r) => r === 0)) expect(refunded).toBe(o.total);
          if (shipped && rest.every((r) => r === 0)) expect(refunded).toBe(o.total - shippingFee);
        },
      ),
    );
  });
});
