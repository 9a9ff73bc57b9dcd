/**
 * Coupons through the real functions on the local cloud: merchant-only templates, claims within the
 * total and per-shopper limits (200 shoppers racing for the last 10), checkout pricing (the best coupon
 * proposed, the server's discount, lines carrying their shares), one use per coupon (two checkouts
 * racing with one coupon), and the coupon back on cancel, expiry and a full refund (before or after
 * shipping) while it is valid.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { transitionPatch } from '../../miniprogram/domain/order-state';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 16 });
const DAY = 86_400_000;

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 24 }, () => call(cloud, 'orders', { action: 'myCoupons' }, 'oWARMUP')));
}, 60_000);

afterEach(async () => {
  await cloud.setClock({ reset: true });
});

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>, openid?: string) => call<'merchant', A>(cloud, 'merchant', event, openid);
const claim = (openid: string, templateId: string) => call(cloud, 'orders', { action: 'claimCoupon', templateId }, openid);

function template(id: string, extra: Record<string, unknown> = {}) {
  return { _id: id, title: '满100减20', kind: 'amount', amountOff: 2000, threshold: 10000, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1, ...extra };
}

async function createTemplate(id: string, extra: Record<string, unknown> = {}) {
  return dataOf(await merchant({ action: 'saveCouponTemplate', template: template(id, extra), create: true })).template;
}

const order = (openid: string, lines: { productId: string; skuId: string; qty: number }[], couponId?: string, rid = requestId(openid)) =>
  call(cloud, 'orders', { action: 'create', requestId: rid, lines, address: ADDRESS, ...(couponId ? { couponId } : {}) }, openid);

describe('templates', () => {
  test('merchant only; bad templates are refused field by field and write nothing; the total never drops below what was claimed', async () => {
    expect(errorOf(await merchant({ action: 'saveCouponTemplate', template: template('t-shop'), create: true }, 'oSHOPPER'))).toMatchObject({ code: 'PERMISSION_DENIED' });
    const bad = errorOf(await merchant({ action: 'saveCouponTemplate', template: { _id: 't bad', kind: 'percent', percentOff: 100, scope: { kind: 'products', ids: [] }, validity: { kind: 'days', days: 0 }, totalLimit: 0, perShopperLimit: 1 }, create: true }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['_id', 'percentOff', 'scope.ids', 'title', 'totalLimit', 'validity.days']);
    expect(await all(cloud, 'coupon_templates', { _id: 't bad' })).toEqual([]);

    await createTemplate('t-limit', { totalLimit: 2 });
    expect(errorOf(await merchant({ action: 'saveCouponTemplate', template: template('t-limit'), create: true })).code).toBe('CONFLICT');
    dataOf(await claim('oLIM1', 't-limit'));
    expect(errorOf(await merchant({ action: 'saveCouponTemplate', template: template('t-limit', { totalLimit: 0 }) })).code).toBe('INVALID_ARGUMENT');
    const saved = dataOf(await merchant({ action: 'saveCouponTemplate', template: template('t-limit', { totalLimit: 1, title: '改名' }) })).template;
    expect(saved).toMatchObject({ claimed: 1, totalLimit: 1, title: '改名', status: 'active' });
    const listed = dataOf(await merchant({ action: 'listCouponTemplates' })).templates.find((t) => t._id === 't-limit');
    expect(listed).toMatchObject({ claimed: 1, used: 0 });
  });
});

describe('claims', () => {
  test('200 shoppers claiming the last 10 coupons at once: exactly 10 claimed, the template says 10, the rest are told they are gone', async () => {
    await createTemplate('t-race', { totalLimit: 30 });
    await cloud.wx().database().collection('coupon_templates').doc('t-race').update({ data: { claimed: 20 } });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => claim(`oRACE_${i}`, 't-race')));
    const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(10);
    const refused = results.filter((r) => !r.ok).map((r) => errorOf(r));
    // A refusal is "claimed out", or (a claimant whose retries ran out while the last ones went) try again.
    for (const e of refused) expect(e.code === 'INVALID_STATE' ? e.details.reason : e.details?.reason).toMatch(/^(CLAIMED_OUT|TRANSACTION_CONTENTION)$/);
    expect((await getDoc(cloud, 'coupon_templates', 't-race')).claimed).toBe(30);
    const coupons = await all(cloud, 'coupons', { templateId: 't-race' });
    expect(coupons).toHaveLength(10);
    expect(new Set(coupons.map((c) => c._openid)).size).toBe(10);
    const winners = results.flatMap((r, i) => (r.ok ? [`oRACE_${i}`] : [])).sort();
    expect(coupons.map((c) => c._openid).sort()).toEqual(winners);
  }, 120_000);

  test('per-shopper limit, stopped templates and templates past their dates are refused; claimable lists what applies to a product', async () => {
    await seed(cloud, 'products', [productDoc('cl-p', [{ skuId: 's', price: 5000, stock: 5 }], { categoryId: 'cups' })]);
    await createTemplate('t-two', { perShopperLimit: 2 });
    await createTemplate('t-cups', { scope: { kind: 'categories', ids: ['cups'] } });
    await createTemplate('t-other', { scope: { kind: 'products', ids: ['elsewhere'] } });
    await createTemplate('t-stop', { status: 'stopped' });
    const now = Date.now();
    await createTemplate('t-old', { validity: { kind: 'fixed', from: now - 2 * DAY, until: now - DAY } });
    dataOf(await claim('oPER', 't-two'));
    dataOf(await claim('oPER', 't-two'));
    expect(errorOf(await claim('oPER', 't-two'))).toMatchObject({ code: 'INVALID_STATE', message: '已达到每人限领数量', details: { reason: 'SHOPPER_LIMIT' } });
    expect(errorOf(await claim('oPER', 't-stop'))).toMatchObject({ code: 'INVALID_STATE', details: { reason: 'STOPPED' } });
    expect(errorOf(await claim('oPER', 't-old'))).toMatchObject({ code: 'INVALID_STATE', details: { reason: 'ENDED' } });
    expect(errorOf(await claim('oPER', 'nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await all(cloud, 'coupons', { _openid: 'oPER' })).toHaveLength(2);

    const forProduct = dataOf(await call(cloud, 'orders', { action: 'claimableCoupons', productId: 'cl-p' }, 'oPER')).templates.map((t) => t.templateId);
    expect(forProduct).toEqual(expect.arrayContaining(['t-two', 't-cups']));
    expect(forProduct).not.toContain('t-other');
    expect(forProduct).not.toContain('t-stop');
    const named = dataOf(await call(cloud, 'orders', { action: 'claimableCoupons', templateIds: ['t-two', 't-old', 't-cups'] }, 'oPER')).templates;
    expect(named.map((t) => [t.templateId, t.held, t.refusal ?? null])).toEqual([
      ['t-two', 2, '已达到每人限领数量'],
      ['t-cups', 0, null],
    ]);
    // A stranger (no OPENID) claims nothing.
    expect(errorOf(await claim('stranger', 't-two')).code).toBe('UNAUTHENTICATED');
  });
});

describe('checkout', () => {
  test('quote proposes the largest discount (ties: expiring first), the order charges the server\'s price, lines carry their shares, the coupon is used once', async () => {
    await seed(cloud, 'products', [
      productDoc('ck-a', [{ skuId: 's', price: 3333, stock: 10 }], { categoryId: 'cups' }),
      productDoc('ck-b', [{ skuId: 's', price: 6667, stock: 10 }], { categoryId: 'plates' }),
    ]);
    await createTemplate('t-20', { amountOff: 2000, threshold: 10000 });
    await createTemplate('t-pct', { kind: 'percent', percentOff: 15, amountOff: undefined, threshold: 0, title: '八五折', validity: { kind: 'days', days: 3 } });
    await createTemplate('t-cup', { kind: 'percent', percentOff: 50, amountOff: undefined, threshold: 0, title: '杯子半价', scope: { kind: 'categories', ids: ['cups'] }, validity: { kind: 'days', days: 1 } });
    for (const t of ['t-20', 't-pct', 't-cup']) dataOf(await claim('oCK', t));
    const lines = [
      { productId: 'ck-a', skuId: 's', qty: 1 },
      { productId: 'ck-b', skuId: 's', qty: 1 },
    ];
    // Goods 10000: 满100减20 → 2000; 15% off 10000 → 1500; half of the cup (3333) → 1666 (rounded down).
    const q = dataOf(await call(cloud, 'orders', { action: 'quote', lines, province: ADDRESS.province }, 'oCK'));
    expect(q.coupons!.map((o) => [o.coupon.templateId, o.discount])).toEqual([['t-20', 2000], ['t-cup', 1666], ['t-pct', 1500]]);
    expect(q.coupon!.coupon.templateId).toBe('t-20');
    expect(q.total).toBe(q.itemsTotal + q.shippingFee - 2000);
    const none = dataOf(await call(cloud, 'orders', { action: 'quote', lines, province: ADDRESS.province, noCoupon: true }, 'oCK'));
    expect(none).toMatchObject({ coupon: null, discount: 0, total: q.itemsTotal + q.shippingFee });
    const cup = q.coupons!.find((o) => o.coupon.templateId === 't-cup')!.coupon._id;
    const chosen = dataOf(await call(cloud, 'orders', { action: 'quote', lines, couponId: cup }, 'oCK'));
    expect(chosen).toMatchObject({ discount: 1666 });

    // Two checkouts racing with one coupon: one order gets it, the other is refused and writes nothing.
    const best = q.coupon!.coupon._id;
    const [r1, r2] = await Promise.all([order('oCK', lines, best), order('oCK', lines, best)]);
    const won = [r1, r2].filter((r) => r.ok);
    expect(won).toHaveLength(1);
    const lost = [r1, r2].find((r) => !r.ok)!;
    expect(errorOf(lost)).toMatchObject({ code: 'INVALID_STATE', message: '优惠券已被使用', details: { coupon: 'USED' } });
    const placed = dataOf(won[0]).order;
    expect(placed).toMatchObject({ itemsTotal: 10000, total: 10000 + placed.shippingFee - 2000, coupon: { couponId: best, templateId: 't-20', discount: 2000 } });
    // 2000 over 3333 : 6667 by largest remainder.
    expect(placed.lines.map((l) => l.discount)).toEqual([667, 1333]);
    expect(await getDoc(cloud, 'coupons', best)).toMatchObject({ status: 'used', orderId: placed._id });
    expect((await all(cloud, 'orders', { _openid: 'oCK' })).length).toBe(1);

    // The scoped coupon lands on the cup only; a coupon below its threshold is refused.
    const cupOrder = dataOf(await order('oCK', lines, cup)).order;
    expect(cupOrder.lines.map((l) => l.discount)).toEqual([1666, 0]);
    const pct = q.coupons!.find((o) => o.coupon.templateId === 't-pct')!.coupon._id;
    dataOf(await claim('oCK2', 't-20'));
    const other = dataOf(await call(cloud, 'orders', { action: 'myCoupons', status: 'available' }, 'oCK2')).coupons[0]._id;
    expect(errorOf(await order('oCK2', [{ productId: 'ck-a', skuId: 's', qty: 1 }], other))).toMatchObject({ code: 'INVALID_STATE', details: { coupon: 'BELOW_THRESHOLD' } });
    // Someone else's coupon is not found for this shopper.
    expect(errorOf(await order('oCK2', lines, pct))).toMatchObject({ code: 'INVALID_STATE', details: { coupon: 'NOT_FOUND' } });
  });

  test('the coupon is part of the idempotency fingerprint: the same requestId with another coupon is a conflict', async () => {
    await seed(cloud, 'products', [productDoc('fp-a', [{ skuId: 's', price: 20000, stock: 10 }])]);
    await createTemplate('t-fp', { perShopperLimit: 2 });
    const c1 = dataOf(await claim('oFP', 't-fp')).coupon._id;
    const c2 = dataOf(await claim('oFP', 't-fp')).coupon._id;
    const rid = requestId('oFP');
    const lines = [{ productId: 'fp-a', skuId: 's', qty: 1 }];
    const first = dataOf(await order('oFP', lines, c1, rid)).order;
    expect(dataOf(await order('oFP', lines, c1, rid)).order._id).toBe(first._id);
    expect(errorOf(await order('oFP', lines, c2, rid)).code).toBe('CONFLICT');
    expect(errorOf(await order('oFP', lines, undefined, rid)).code).toBe('CONFLICT');
    expect((await getDoc(cloud, 'coupons', c2)).status).toBe('available');
  });
});

describe('coming back', () => {
  async function used(openid: string, productId: string, days = 7) {
    await seed(cloud, 'products', [productDoc(productId, [{ skuId: 's', price: 12000, stock: 10 }])]);
    await createTemplate(`t-${productId}`, { validity: { kind: 'days', days } });
    const coupon = dataOf(await claim(openid, `t-${productId}`)).coupon._id;
    const placed = dataOf(await order(openid, [{ productId, skuId: 's', qty: 1 }], coupon)).order;
    return { coupon, order: placed };
  }

  test('cancel gives it back once; it can be used again', async () => {
    const { coupon, order: placed } = await used('oBACK1', 'bk-1');
    dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: placed._id }, 'oBACK1'));
    expect(await getDoc(cloud, 'coupons', coupon)).toMatchObject({ status: 'available', orderId: null, returnedAt: expect.any(Number) });
    const again = dataOf(await order('oBACK1', [{ productId: 'bk-1', skuId: 's', qty: 1 }], coupon)).order;
    expect(again.coupon!.discount).toBe(2000);
  });

  test('expiry gives it back; a full refund before shipping gives it back; after its validity it stays used', async () => {
    const expired = await used('oBACK2', 'bk-2');
    await cloud.wx().database().collection('orders').doc(expired.order._id).update({ data: { expireAt: Date.now() - 1000 } });
    const sweep = await cloud.fireTimer('orders', 'expireOrders');
    expect(sweep.result.data.expired).toBeGreaterThanOrEqual(1);
    expect((await getDoc(cloud, 'coupons', expired.coupon)).status).toBe('available');

    const refunded = await used('oBACK3', 'bk-3');
    const pay = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: refunded.order._id }, 'oBACK3'));
    await cloud.confirmPay(pay.payment.package, 1);
    const asked = dataOf(await call(cloud, 'orders', { action: 'requestAfterSale', orderId: refunded.order._id, requestId: requestId('oBACK3'), lines: [{ productId: 'bk-3', skuId: 's', qty: 1 }], reason: '不想要了' }, 'oBACK3'));
    // The refund is what was paid for the goods (12000 less the coupon's 2000) plus shipping.
    expect(asked.afterSale.refundFee).toBe(refunded.order.total);
    expect(asked.order.status).toBe('refunded');
    expect((await getDoc(cloud, 'coupons', refunded.coupon)).status).toBe('available');

    const late = await used('oBACK4', 'bk-4', 1);
    await cloud.setClock({ advanceMs: DAY + 1000 });
    dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: late.order._id }, 'oBACK4'));
    expect(await getDoc(cloud, 'coupons', late.coupon)).toMatchObject({ status: 'used', orderId: late.order._id });
    const listed = dataOf(await call(cloud, 'orders', { action: 'myCoupons' }, 'oBACK4')).coupons;
    expect(listed.map((c) => c.status)).toEqual(['used']);
  });
  /** A paid order of two units with the shopper's coupon, shipped by the merchant (what the console's ship writes). */
  async function shippedWithCoupon(openid: string, productId: string, days = 7) {
    await seed(cloud, 'products', [productDoc(productId, [{ skuId: 's', price: 12000, stock: 10 }])]);
    await createTemplate(`t-${productId}`, { validity: { kind: 'days', days } });
    const coupon = dataOf(await claim(openid, `t-${productId}`)).coupon._id;
    const placed = dataOf(await order(openid, [{ productId, skuId: 's', qty: 2 }], coupon)).order;
    const pay = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: placed._id }, openid));
    await cloud.confirmPay(pay.payment.package, 1);
    await cloud.wx().database().collection('orders').doc(placed._id).update({ data: { ...transitionPatch('paid', 'ship', Date.now()), trackingNo: 'SF1234' } });
    return { coupon, order: placed };
  }
  const askBack = (openid: string, orderId: string, productId: string, qty: number) =>
    call(cloud, 'orders', { action: 'requestAfterSale', orderId, requestId: requestId(openid), lines: [{ productId, skuId: 's', qty }], reason: '不想要了' }, openid);
  /** The merchant approves a refund without a return (server side, no OPENID, as the console calls it). */
  const approve = (afterSaleId: string) => call(cloud, 'orders', { action: 'approveAfterSale', afterSaleId, mode: 'refund' }, undefined);

  test('after shipping: a partial refund keeps it used; the refund that gives back the last unit returns it, once', async () => {
    const { coupon, order: placed } = await shippedWithCoupon('oBACK5', 'bk-5');
    const first = dataOf(await askBack('oBACK5', placed._id, 'bk-5', 1)).afterSale;
    expect(dataOf(await approve(first._id)).afterSale.status).toBe('refunded');
    expect(await getDoc(cloud, 'coupons', coupon)).toMatchObject({ status: 'used', orderId: placed._id });

    // The second unit is asked while the first request is open: nothing comes back until it is refunded.
    const second = dataOf(await askBack('oBACK5', placed._id, 'bk-5', 1)).afterSale;
    expect((await getDoc(cloud, 'coupons', coupon)).status).toBe('used');
    expect(dataOf(await approve(second._id)).afterSale.status).toBe('refunded');
    const back = await getDoc(cloud, 'coupons', coupon);
    expect(back).toMatchObject({ status: 'available', orderId: null, returnedAt: expect.any(Number) });
    // The order keeps its shipped status (the refunds are after-sales), and the coupon is usable again.
    expect((await getDoc(cloud, 'orders', placed._id)).status).toBe('shipped');
    const again = dataOf(await order('oBACK5', [{ productId: 'bk-5', skuId: 's', qty: 1 }], coupon)).order;
    expect(again.coupon).toMatchObject({ couponId: coupon, discount: 2000 });
    // A late retry of the refund on the first order does not take it from the new order.
    expect(errorOf(await approve(second._id)).code).toBe('INVALID_STATE');
    expect(await getDoc(cloud, 'coupons', coupon)).toMatchObject({ status: 'used', orderId: again._id });
  });

  test('across shipping: a unit refunded before, the order completed, the last unit refunded after receipt gives it back with that refund', async () => {
    await seed(cloud, 'products', [productDoc('bk-8', [{ skuId: 's', price: 12000, stock: 10 }])]);
    await createTemplate('t-bk-8');
    const coupon = dataOf(await claim('oBACK8', 't-bk-8')).coupon._id;
    const placed = dataOf(await order('oBACK8', [{ productId: 'bk-8', skuId: 's', qty: 2 }], coupon)).order;
    const pay = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: placed._id }, 'oBACK8'));
    await cloud.confirmPay(pay.payment.package, 1);

    // Before shipping one unit comes back at once; the order keeps the other, and the coupon.
    const before = dataOf(await askBack('oBACK8', placed._id, 'bk-8', 1));
    expect(before).toMatchObject({ afterSale: { status: 'refunded', shippedWhenRequested: false }, order: { status: 'paid' } });
    expect(await getDoc(cloud, 'coupons', coupon)).toMatchObject({ status: 'used', orderId: placed._id });

    dataOf(await merchant({ action: 'ship', orderId: placed._id, carrier: 'SF', trackingNo: 'SF5678' }));
    dataOf(await merchant({ action: 'complete', orderId: placed._id }));
    const after = dataOf(await askBack('oBACK8', placed._id, 'bk-8', 1)).afterSale;
    expect(after).toMatchObject({ status: 'requested', shippedWhenRequested: true });
    expect((await getDoc(cloud, 'coupons', coupon)).status).toBe('used');
    expect(dataOf(await approve(after._id)).afterSale.status).toBe('refunded');
    expect(await getDoc(cloud, 'coupons', coupon)).toMatchObject({ status: 'available', orderId: null, returnedAt: expect.any(Number) });
    expect((await getDoc(cloud, 'orders', placed._id)).status).toBe('completed');
  });

  test('after shipping: a refused request does not count; past its validity the coupon stays used', async () => {
    const { coupon, order: placed } = await shippedWithCoupon('oBACK6', 'bk-6');
    const refused = dataOf(await askBack('oBACK6', placed._id, 'bk-6', 2)).afterSale;
    dataOf(await call(cloud, 'orders', { action: 'refuseAfterSale', afterSaleId: refused._id, reason: '商品已使用' }, undefined));
    expect((await getDoc(cloud, 'coupons', coupon)).status).toBe('used');

    const late = await shippedWithCoupon('oBACK7', 'bk-7', 1);
    const asked = dataOf(await askBack('oBACK7', late.order._id, 'bk-7', 2)).afterSale;
    await cloud.setClock({ advanceMs: DAY + 1000 });
    expect(dataOf(await approve(asked._id)).afterSale.status).toBe('refunded');
    expect(await getDoc(cloud, 'coupons', late.coupon)).toMatchObject({ status: 'used', orderId: late.order._id });
  });
});
