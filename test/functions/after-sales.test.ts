/**
 * After-sales through the real orders function on the local cloud: requests before shipping (refunded
 * at once, stock back once), after shipping (the merchant approves, with or without a return, or
 * refuses), idempotency, merchant-only actions, a failing refund retried by the timer, and concurrent
 * requests for the same line refunded once.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { transitionPatch } from '../../miniprogram/domain/order-state';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, stockOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 8 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 8 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

/** A paid order of `qty` units of one SKU (price 2000) through checkout, pay and the sandbox's notification. */
async function paidOrder(openid: string, productId: string, qty: number, stock = 10) {
  await seed(cloud, 'products', [productDoc(productId, [{ skuId: 's', price: 2000, stock }])]);
  const created = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId, skuId: 's', qty }], address: ADDRESS }, openid));
  const pay = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: created.order._id }, openid));
  await cloud.confirmPay(pay.payment.package, 1);
  expect((await getDoc(cloud, 'orders', created.order._id)).status).toBe('paid');
  return created.order;
}

/** Test setup: the merchant shipped the order (what the console's ship does). */
async function ship(orderId: string) {
  await cloud.wx().database().collection('orders').doc(orderId).update({ data: { ...transitionPatch('paid', 'ship', Date.now()), trackingNo: 'SF1234' } });
}

/** WeChat Pay's own record of an order's refunds (the sandbox, through the real SDK). */
async function wechatRefunds(outTradeNo: string) {
  const q = await cloud.wx().cloudPay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'test', out_trade_no: outTradeNo });
  return q.resultCode === 'SUCCESS' ? { numbers: q.outRefundNoList as string[], fees: (q.refundFeeList as unknown[]).map(Number), statuses: q.refundStatusList as string[] } : { numbers: [], fees: [], statuses: [] };
}

const ask = (openid: string, orderId: string, productId: string, qty: number, rid = requestId(openid), reason = '不想要了') =>
  call(cloud, 'orders', { action: 'requestAfterSale', orderId, requestId: rid, lines: [{ productId, skuId: 's', qty }], reason }, openid);

/** A merchant action as the console calls it: server side, no OPENID. */
const merchant = <A extends ActionName<'orders'>>(event: ActionEvent<'orders', A>) => call<'orders', A>(cloud, 'orders', event, undefined);

describe('before shipping', () => {
  test('a partial request is refunded at once, its units back to stock once; a replay answers the same request', async () => {
    const order = await paidOrder('oAS1', 'as-1', 3);
    expect(stockOf(await getDoc(cloud, 'products', 'as-1'), 's')).toBe(7);
    const rid = requestId('oAS1');
    const first = dataOf(await ask('oAS1', order._id, 'as-1', 1, rid));
    expect(first.afterSale).toMatchObject({ status: 'refunded', refundFee: 2000, shippingRefund: 0, shippedWhenRequested: false });
    expect(first.order.afterSales).toMatchObject({ lines: [{ qty: 1, fee: 2000 }], count: 1, states: { [first.afterSale._id]: 'refunded' } });
    expect(stockOf(await getDoc(cloud, 'products', 'as-1'), 's')).toBe(8);
    expect(await wechatRefunds(order._id)).toEqual({ numbers: [first.afterSale._id], fees: [2000], statuses: ['SUCCESS'] });

    const replay = dataOf(await ask('oAS1', order._id, 'as-1', 1, rid));
    expect(replay.afterSale._id).toBe(first.afterSale._id);
    expect(stockOf(await getDoc(cloud, 'products', 'as-1'), 's')).toBe(8);
    expect((await wechatRefunds(order._id)).numbers).toHaveLength(1);
    expect(errorOf(await ask('oAS1', order._id, 'as-1', 2, rid))).toMatchObject({ code: 'CONFLICT' });

    // The rest of the order: every unit now, so the shipping fee comes back too and the sum is what was paid.
    const rest = dataOf(await ask('oAS1', order._id, 'as-1', 2));
    expect(rest.afterSale).toMatchObject({ status: 'refunded', refundFee: 4000 + 800, shippingRefund: 800 });
    const wx = await wechatRefunds(order._id);
    expect(wx.fees.reduce((a, b) => a + b, 0)).toBe(order.total);
    expect(stockOf(await getDoc(cloud, 'products', 'as-1'), 's')).toBe(10);
    // Nothing left to ship: the order is closed as refunded (and the merchant can no longer ship it).
    expect(rest.order).toMatchObject({ status: 'refunded', refundedAt: expect.any(Number) });
    expect(errorOf(await ask('oAS1', order._id, 'as-1', 1))).toMatchObject({ code: 'INVALID_STATE', message: '该订单当前不能申请售后' });

    const listed = dataOf(await call(cloud, 'orders', { action: 'listAfterSales', orderId: order._id }, 'oAS1'));
    expect(listed.afterSales.map((a) => a.status)).toEqual(['refunded', 'refunded']);
    expect(dataOf(await call(cloud, 'orders', { action: 'listAfterSales', orderId: order._id }, 'oOTHER')).afterSales).toEqual([]);
  });

  test('refused: another shopper\'s order, an unpaid order, bad input', async () => {
    const order = await paidOrder('oAS2', 'as-2', 1);
    expect(errorOf(await ask('oINTRUDER', order._id, 'as-2', 1))).toMatchObject({ code: 'NOT_FOUND' });
    const unpaid = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('oAS2'), lines: [{ productId: 'as-2', skuId: 's', qty: 1 }], address: ADDRESS }, 'oAS2'));
    expect(errorOf(await ask('oAS2', unpaid.order._id, 'as-2', 1))).toMatchObject({ code: 'INVALID_STATE', message: '该订单当前不能申请售后' });
    expect(errorOf(await ask('oAS2', order._id, 'as-2', 1, requestId('oAS2'), ''))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(errorOf(await ask('oAS2', order._id, 'as-2', 0))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await all(cloud, 'after_sales', { orderId: order._id })).toEqual([]);
  });

  test('a refund WeChat Pay refuses stays refunding, is retried by the timer under the same number and ends refunded', async () => {
    const order = await paidOrder('oAS3', 'as-3', 2);
    await cloud.local('POST', '/pay/refunds:fail', { outTradeNo: order._id, times: 1 });
    const first = dataOf(await ask('oAS3', order._id, 'as-3', 1));
    expect(first.afterSale.status).toBe('refunding');
    const stored = await getDoc(cloud, 'after_sales', first.afterSale._id);
    expect(stored).toMatchObject({ refundAttempts: 1, refundError: expect.any(String) });
    expect(stockOf(await getDoc(cloud, 'products', 'as-3'), 's')).toBe(9);
    const merchantView = dataOf(await merchant({ action: 'merchantAfterSales', status: 'refunding' }));
    expect(merchantView.afterSales.find((a) => a._id === first.afterSale._id)).toMatchObject({ refundAttempts: 1, refundError: expect.any(String) });

    await cloud.wx().database().collection('after_sales').doc(first.afterSale._id).update({ data: { nextRefundAt: Date.now() - 1000 } });
    const run = (await cloud.fireTimer('orders', 'refunds')).result;
    expect(run).toMatchObject({ ok: true, data: { refunded: expect.any(Number), failed: 0 } });
    expect(await getDoc(cloud, 'after_sales', first.afterSale._id)).toMatchObject({ status: 'refunded', refundAttempts: 2 });
    expect(await wechatRefunds(order._id)).toEqual({ numbers: [first.afterSale._id], fees: [2000], statuses: ['SUCCESS'] });
    // A redelivered refund result changes nothing.
    const notified = await cloud.local('POST', '/pay/refunds:notify', { outRefundNo: first.afterSale._id, deliveries: 3 });
    for (const d of notified.json.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect(stockOf(await getDoc(cloud, 'products', 'as-3'), 's')).toBe(9);
  });
});

describe('after shipping: the merchant decides', () => {
  test('refund only: approved and refunded at once; stock untouched (the goods stay with the shopper)', async () => {
    const order = await paidOrder('oAS4', 'as-4', 2);
    await ship(order._id);
    const asked = dataOf(await ask('oAS4', order._id, 'as-4', 2));
    expect(asked.afterSale).toMatchObject({ status: 'requested', refundFee: 4000, shippingRefund: 0, shippedWhenRequested: true });
    expect(await wechatRefunds(order._id)).toMatchObject({ numbers: [] });

    // Shoppers cannot approve their own request.
    expect(errorOf(await call(cloud, 'orders', { action: 'approveAfterSale', afterSaleId: asked.afterSale._id, mode: 'refund' }, 'oAS4'))).toMatchObject({ code: 'PERMISSION_DENIED' });
    const approved = dataOf(await merchant({ action: 'approveAfterSale', afterSaleId: asked.afterSale._id, mode: 'refund' }));
    expect(approved.afterSale).toMatchObject({ status: 'refunded', mode: 'refund' });
    expect(errorOf(await merchant({ action: 'approveAfterSale', afterSaleId: asked.afterSale._id, mode: 'refund' }))).toMatchObject({ code: 'INVALID_STATE' });
    expect(await wechatRefunds(order._id)).toEqual({ numbers: [asked.afterSale._id], fees: [4000], statuses: ['SUCCESS'] });
    expect(stockOf(await getDoc(cloud, 'products', 'as-4'), 's')).toBe(8);
    const seen = dataOf(await call(cloud, 'orders', { action: 'get', orderId: order._id }, 'oAS4'));
    expect(seen.order.afterSales?.states).toEqual({ [asked.afterSale._id]: 'refunded' });
  });

  test('return then refund: stock back when the return is received, once', async () => {
    const order = await paidOrder('oAS5', 'as-5', 2);
    await ship(order._id);
    const asked = dataOf(await ask('oAS5', order._id, 'as-5', 1));
    const approved = dataOf(await merchant({ action: 'approveAfterSale', afterSaleId: asked.afterSale._id, mode: 'return' }));
    expect(approved.afterSale.status).toBe('return_pending');
    expect(stockOf(await getDoc(cloud, 'products', 'as-5'), 's')).toBe(8);
    expect(errorOf(await merchant({ action: 'refundAfterSale', afterSaleId: asked.afterSale._id }))).toMatchObject({ code: 'INVALID_STATE' });
    const received = await Promise.all([1, 2, 3].map(() => merchant({ action: 'receiveReturn', afterSaleId: asked.afterSale._id })));
    expect(received.filter((r) => r.ok)).toHaveLength(1);
    expect(stockOf(await getDoc(cloud, 'products', 'as-5'), 's')).toBe(9);
    const refunded = dataOf(await merchant({ action: 'refundAfterSale', afterSaleId: asked.afterSale._id }));
    expect(refunded.afterSale.status).toBe('refunded');
    expect(await wechatRefunds(order._id)).toEqual({ numbers: [asked.afterSale._id], fees: [2000], statuses: ['SUCCESS'] });
  });

  test('refused with a reason: nothing refunded, the units can be asked again', async () => {
    const order = await paidOrder('oAS6', 'as-6', 1);
    await ship(order._id);
    const asked = dataOf(await ask('oAS6', order._id, 'as-6', 1));
    expect(errorOf(await merchant({ action: 'refuseAfterSale', afterSaleId: asked.afterSale._id, reason: '' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const refused = dataOf(await merchant({ action: 'refuseAfterSale', afterSaleId: asked.afterSale._id, reason: '商品已使用，不支持退货' }));
    expect(refused.afterSale).toMatchObject({ status: 'refused', refuseReason: '商品已使用，不支持退货' });
    const listed = dataOf(await call(cloud, 'orders', { action: 'listAfterSales', orderId: order._id }, 'oAS6'));
    expect(listed.afterSales[0]).toMatchObject({ status: 'refused', refuseReason: '商品已使用，不支持退货' });
    expect(await wechatRefunds(order._id)).toMatchObject({ numbers: [] });
    expect(dataOf(await ask('oAS6', order._id, 'as-6', 1)).afterSale.status).toBe('requested');
  });

  test('the window closes 7 days after receipt', async () => {
    const order = await paidOrder('oAS7', 'as-7', 1);
    await ship(order._id);
    await cloud.wx().database().collection('orders').doc(order._id).update({ data: { ...transitionPatch('shipped', 'confirmReceipt', Date.now() - 8 * 86_400_000) } });
    expect(errorOf(await ask('oAS7', order._id, 'as-7', 1))).toMatchObject({ code: 'INVALID_STATE', message: '已超过售后期限' });
  });
});

describe('concurrency', () => {
  test('20 concurrent requests for the same units (different keys): one is refunded, once; stock back once', async () => {
    // 3 bought, each request asks for 2: only one can have them.
    const order = await paidOrder('oRACE', 'as-race', 3);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => ask('oRACE', order._id, 'as-race', 2, `race-${i}-${Date.now()}`)));
    const winners = replies.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const r of replies.filter((x) => !x.ok)) expect(errorOf(r)).toMatchObject({ code: 'INVALID_STATE', message: '退货数量超过可退数量' });
    const wx = await wechatRefunds(order._id);
    expect(wx.numbers).toHaveLength(1);
    expect(wx.fees).toEqual([4000]);
    expect(stockOf(await getDoc(cloud, 'products', 'as-race'), 's')).toBe(9);
    expect((await getDoc(cloud, 'orders', order._id))).toMatchObject({ status: 'paid', afterSales: { lines: [{ qty: 2, fee: 4000 }], count: 1 } });
    expect(await all(cloud, 'after_sales', { orderId: order._id })).toHaveLength(1);
  }, 60_000);

  test('the same request sent 10 times at once: one request, one refund', async () => {
    const order = await paidOrder('oSAME', 'as-same', 1);
    const rid = requestId('oSAME');
    const replies = await Promise.all(Array.from({ length: 10 }, () => ask('oSAME', order._id, 'as-same', 1, rid)));
    const ids = new Set(replies.map((r) => dataOf(r).afterSale._id));
    expect(ids.size).toBe(1);
    expect((await wechatRefunds(order._id)).numbers).toHaveLength(1);
    expect(stockOf(await getDoc(cloud, 'products', 'as-same'), 's')).toBe(10);
  }, 60_000);
});

describe('what the shopper\'s order pages are sent', () => {
  const names = (order: { buttons: { type: string }[] }) => order.buttons.map((b) => b.type);
  const getOrder = async (openid: string, orderId: string) => dataOf(await call(cloud, 'orders', { action: 'get', orderId }, openid)).order;

  test('status text and buttons follow the order through its life, in get, list, confirmReceipt and cancel; never stored', async () => {
    await seed(cloud, 'products', [productDoc('pv-1', [{ skuId: 's', price: 2000, stock: 10 }])]);
    const rid = requestId('oPV1');
    const created = dataOf(await call(cloud, 'orders', { action: 'create', requestId: rid, lines: [{ productId: 'pv-1', skuId: 's', qty: 2 }], address: ADDRESS }, 'oPV1')).order;
    const pending = await getOrder('oPV1', created._id);
    expect(pending).toMatchObject({ statusText: '待付款', afterSalesText: '' });
    expect(pending.buttons).toEqual([{ type: 'cancel', name: '取消订单', primary: false }, { type: 'pay', name: '立即支付', primary: true }]);
    // What checkout's idempotency record keeps is the plain order: these depend on the status and the time.
    const record = await getDoc(cloud, 'idempotency', created._id);
    expect(record.response.order).toMatchObject({ _id: created._id, status: 'pending_payment' });
    for (const field of ['statusText', 'afterSalesText', 'buttons']) expect(record.response.order).not.toHaveProperty(field);

    const pay = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: created._id }, 'oPV1'));
    await cloud.confirmPay(pay.payment.package, 1);
    const paid = await getOrder('oPV1', created._id);
    expect(paid.statusText).toBe('待发货');
    expect(names(paid)).toEqual(['after-sale']);

    await ship(created._id);
    const listed = dataOf(await call(cloud, 'orders', { action: 'list', status: 'shipped' }, 'oPV1')).orders.find((o) => o._id === created._id)!;
    expect(listed.statusText).toBe('待收货');
    expect(names(listed)).toEqual(['after-sale', 'confirm']);

    const received = dataOf(await call(cloud, 'orders', { action: 'confirmReceipt', orderId: created._id }, 'oPV1')).order;
    expect(received.statusText).toBe('已完成');
    expect(names(received)).toEqual(['after-sale']);

    // Part of it asked back and refunded: the order says so; units are left, so it may still ask.
    await ask('oPV1', created._id, 'pv-1', 1);
    const asked = await getOrder('oPV1', created._id);
    expect(asked.afterSalesText).toBe('售后处理中');
    expect(names(asked)).toEqual(['after-sale']);

    // Past the after-sales window: nothing left to do with it.
    await cloud.wx().database().collection('orders').doc(created._id).update({ data: { completedAt: Date.now() - 8 * 86_400_000 } });
    expect(names(await getOrder('oPV1', created._id))).toEqual([]);
    // The merchant's own window (config/orders), not the phone's idea of it.
    await seed(cloud, 'config', [{ _id: 'orders', afterSaleWindowDays: 30 }]);
    try {
      expect(names(await getOrder('oPV1', created._id))).toEqual(['after-sale']);
    } finally {
      await cloud.wx().database().collection('config').doc('orders').remove();
    }
  });

  test('an unpaid order past its window reads 已过期 with nothing to do before the timer runs; a cancelled one has none; a group order opens its group', async () => {
    await seed(cloud, 'products', [productDoc('pv-2', [{ skuId: 's', price: 1500, stock: 10 }])]);
    const create = async () => dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId('oPV2'), lines: [{ productId: 'pv-2', skuId: 's', qty: 1 }], address: ADDRESS }, 'oPV2')).order;
    const late = await create();
    await cloud.wx().database().collection('orders').doc(late._id).update({ data: { expireAt: Date.now() - 1000 } });
    expect(await getOrder('oPV2', late._id)).toMatchObject({ status: 'pending_payment', statusText: '已过期', buttons: [] });

    const cancelled = dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: (await create())._id }, 'oPV2')).order;
    expect(cancelled).toMatchObject({ status: 'cancelled', statusText: '已取消', buttons: [] });

    const group = await create();
    await cloud.wx().database().collection('orders').doc(group._id).update({ data: { group: { groupId: 'g-pv', size: 2, leader: true } } });
    expect(names(await getOrder('oPV2', group._id))).toEqual(['group', 'cancel', 'pay']);
  });

  test('listAfterSales sends each request\'s status text', async () => {
    const order = await paidOrder('oPV3', 'pv-3', 2);
    await ask('oPV3', order._id, 'pv-3', 1);
    const listed = dataOf(await call(cloud, 'orders', { action: 'listAfterSales', orderId: order._id }, 'oPV3'));
    expect(listed.afterSales.map((a) => [a.status, a.statusText])).toEqual([['refunded', '已退款']]);
  });
});

describe('previewAfterSale: the request form\'s lines and refund, from the server', () => {
  const preview = (openid: string, orderId: string, lines?: { productId: string; skuId: string; qty: number }[]) =>
    call(cloud, 'orders', lines ? { action: 'previewAfterSale', orderId, lines } : { action: 'previewAfterSale', orderId }, openid);

  test('every free unit by default, fewer on request; it prices what requestAfterSale then refunds, and writes nothing', async () => {
    const order = await paidOrder('oPR1', 'pr-1', 3);
    const all3 = dataOf(await preview('oPR1', order._id));
    expect(all3).toEqual({
      lines: [{ productId: 'pr-1', skuId: 's', title: expect.any(String), specText: expect.any(String), image: expect.any(String), unitPrice: 2000, max: 3 }],
      refundFee: 6000 + 800,
      shippingRefund: 800,
      immediate: true,
      problem: null,
    });
    const one = dataOf(await preview('oPR1', order._id, [{ productId: 'pr-1', skuId: 's', qty: 1 }]));
    expect(one).toMatchObject({ refundFee: 2000, shippingRefund: 0, immediate: true, problem: null });
    // Nothing claimed by previewing.
    expect((await getDoc(cloud, 'orders', order._id)).afterSales).toBeUndefined();
    expect(await all(cloud, 'after_sales', { orderId: order._id })).toEqual([]);

    const asked = dataOf(await ask('oPR1', order._id, 'pr-1', 1));
    expect(asked.afterSale.refundFee).toBe(one.refundFee);
    const rest = dataOf(await preview('oPR1', order._id));
    expect(rest).toMatchObject({ lines: [{ max: 2 }], refundFee: 4000 + 800, shippingRefund: 800 });
    expect(dataOf(await ask('oPR1', order._id, 'pr-1', 2)).afterSale.refundFee).toBe(rest.refundFee);
    // Everything asked back: no lines left, and the order no longer takes requests.
    expect(dataOf(await preview('oPR1', order._id))).toMatchObject({ lines: [], refundFee: 0, problem: { code: 'NOT_ELIGIBLE', message: '该订单当前不能申请售后' } });
  });

  test('units it cannot take are a problem with requestAfterSale\'s words; after shipping the merchant decides; bad input and other shoppers\' orders are refused', async () => {
    const order = await paidOrder('oPR2', 'pr-2', 2);
    expect(dataOf(await preview('oPR2', order._id, [{ productId: 'pr-2', skuId: 's', qty: 3 }])).problem).toEqual({ code: 'TOO_MANY_UNITS', message: '退货数量超过可退数量' });
    expect(dataOf(await preview('oPR2', order._id, [{ productId: 'pr-2', skuId: 'other', qty: 1 }])).problem).toEqual({ code: 'UNKNOWN_LINE', message: '订单中没有这件商品' });
    expect(dataOf(await preview('oPR2', order._id, []))).toMatchObject({ refundFee: 0, problem: { code: 'EMPTY', message: '请选择要退的商品' } });
    for (const lines of [[{ productId: 'pr-2', skuId: 's', qty: 0 }], [{ productId: 'pr-2', skuId: 's', qty: '1' }], 'all']) {
      expect(errorOf(await call(cloud, 'orders', { action: 'previewAfterSale', orderId: order._id, lines } as never, 'oPR2'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(errorOf(await call(cloud, 'orders', { action: 'previewAfterSale' } as never, 'oPR2'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(errorOf(await preview('oINTRUDER', order._id))).toMatchObject({ code: 'NOT_FOUND', message: '订单不存在' });

    await ship(order._id);
    expect(dataOf(await preview('oPR2', order._id))).toMatchObject({ refundFee: 4000, shippingRefund: 0, immediate: false, problem: null });
    await cloud.wx().database().collection('orders').doc(order._id).update({ data: { ...transitionPatch('shipped', 'confirmReceipt', Date.now() - 8 * 86_400_000) } });
    expect(dataOf(await preview('oPR2', order._id)).problem).toEqual({ code: 'WINDOW_CLOSED', message: '已超过售后期限' });
  });
});
