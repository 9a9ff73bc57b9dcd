/**
 * Order lifecycle through the real functions: payment (cloudPay + the emulator's notification
 * delivery), the expiry timer, cancel, confirmReceipt, the expiry-vs-late-payment rule, other users,
 * price changes and broken product documents.
 */
import { until, useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, ensureCollections, getDoc, productDoc, requestId, seed, snapshot, stockOf, dataOf, errorOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 8 });

beforeAll(async () => {
  await ensureCollections(cloud);
  // Start the worker processes up front, so races below race the code, not process start-up.
  await Promise.all([
    ...Array.from({ length: 8 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')),
    ...Array.from({ length: 8 }, () => cloud.fireTimer('orders', 'expireOrders')),
  ]);
}, 60_000);

async function createOrder(openid: string, productId: string, skuId: string, qty: number) {
  const r = await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId, skuId, qty }], address: ADDRESS }, openid);
  expect(r.ok).toBe(true);
  return dataOf(r).order;
}

async function payParams(openid: string, orderId: string) {
  const r = await call(cloud, 'orders', { action: 'pay', orderId }, openid);
  expect(r.ok).toBe(true);
  return dataOf(r).payment;
}

/** Test setup only: moves an order's deadline into the past, as if its payment window had run out. */
async function makeOverdue(orderId: string) {
  await cloud.wx().database().collection('orders').doc(orderId).update({ data: { expireAt: Date.now() - 1000 } });
}

/** What WeChat Pay sends to the callback function (camelCased by the platform). */
function notification(order: { _id: string; total: number }, overrides: Record<string, unknown> = {}) {
  return {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: order._id,
    totalFee: order.total,
    cashFee: order.total,
    transactionId: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    timeEnd: '20260101120000',
    tradeType: 'JSAPI',
    feeType: 'CNY',
    ...overrides,
  };
}

const deliver = (event: unknown) => cloud.invoke('orders', event, { source: 'wx_paycallback' });

/** Test setup only: moves the pay sandbox's clock past WeChat Pay's 5-minute close rule. */
const afterFiveMinutes = () => cloud.setClock({ advanceMs: 5 * 60_000 + 1000 });

/** One run of the owed-refunds timer. */
const refundTimer = async () => (await cloud.fireTimer('orders', 'refunds')).result;

/** Test setup only: makes an owed refund due now, as if its backoff had passed. */
async function makeRefundDue(paymentId: string) {
  await cloud.wx().database().collection('payments').doc(paymentId).update({ data: { nextRefundAt: Date.now() - 1000 } });
}

/** WeChat Pay's own record of a refund (the sandbox, through the real SDK). */
async function wechatRefunds(outTradeNo: string) {
  const q = await cloud.wx().cloudPay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'test', out_trade_no: outTradeNo });
  return q.resultCode === 'SUCCESS' ? { count: q.totalRefundCount as number, numbers: q.outRefundNoList as string[], statuses: q.refundStatusList as string[] } : { count: 0, numbers: [], statuses: [] };
}

/** An order paid at WeChat after it expired here: its payment is owed back (refund_required). */
async function latePaidOrder(openid: string, productId: string) {
  await seed(cloud, 'products', [productDoc(productId, [{ skuId: 's', price: 3000, stock: 5 }])]);
  const order = await createOrder(openid, productId, 's', 1);
  const payment = await payParams(openid, order._id);
  await makeOverdue(order._id);
  await cloud.fireTimer('orders', 'expireOrders');
  expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
  // WeChat took the money before our close reached it (the close came within 5 minutes), and notifies.
  const confirm = await cloud.confirmPay(payment.package, 1);
  expect(confirm.deliveries).toEqual([{ result: { errcode: 0, errmsg: 'OK' } }]);
  const [owed] = await all(cloud, 'payments', { outTradeNo: order._id });
  expect(owed).toMatchObject({ status: 'refund_required', reason: 'ORDER_EXPIRED', outRefundNo: expect.stringMatching(/^R/), refundFee: order.total });
  return { order, owed, confirm };
}

describe('payment', () => {
  test('notification delivered 10 times (and 3×5 concurrently) → paid once, one payment record, every delivery answered errcode 0', async () => {
    await seed(cloud, 'products', [productDoc('pay-1', [{ skuId: 's', price: 2000, stock: 10 }])]);
    const order = await createOrder('oPAY', 'pay-1', 's', 2);
    expect(order.total).toBe(4000 + 800);
    const payment = await payParams('oPAY', order._id);
    expect(payment.package).toMatch(/^prepay_id=/);

    const confirm = await cloud.confirmPay(payment.package, 10);
    expect(confirm.deliveries).toHaveLength(10);
    for (const d of confirm.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });
    const parallel = await Promise.all([1, 2, 3].map(() => cloud.confirmPay(payment.package, 5)));
    for (const c of parallel) for (const d of c.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });

    const stored = await getDoc(cloud, 'orders', order._id);
    expect(stored.status).toBe('paid');
    expect(stored.transactionId).toBe(confirm.transactionId);
    const payments = await all(cloud, 'payments', { outTradeNo: order._id });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'paid', totalFee: 4800, transactionId: confirm.transactionId });
    // Paying keeps the reservation: stock is not touched again.
    expect(stockOf(await getDoc(cloud, 'products', 'pay-1'), 's')).toBe(8);

    const again = await call(cloud, 'orders', { action: 'pay', orderId: order._id }, 'oPAY');
    expect(again).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  test('notification with the wrong amount is rejected (order stays unpaid) and logged as amount_mismatch', async () => {
    await seed(cloud, 'products', [productDoc('pay-2', [{ skuId: 's', price: 2000, stock: 10 }])]);
    const order = await createOrder('oPAY2', 'pay-2', 's', 1);
    const wrong = notification(order, { totalFee: 1 });
    const answer = await deliver(wrong);
    expect(answer.result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect((await deliver(wrong)).result).toEqual(answer.result);

    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('pending_payment');
    const payments = await all(cloud, 'payments', { outTradeNo: order._id });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'amount_mismatch', totalFee: 1, expectedFee: order.total });
    const logs: { logs?: string }[] = await cloud.logs({ function: 'orders', limit: 50 });
    expect(logs.some((l) => (l.logs ?? '').includes(`AMOUNT MISMATCH order ${order._id}`))).toBe(true);

    // The right amount afterwards still pays it.
    expect((await deliver(notification(order))).result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('paid');
  });

  test('a notification forged by a client (not delivered by the pay platform) is refused and changes nothing', async () => {
    await seed(cloud, 'products', [productDoc('pay-forged', [{ skuId: 's', price: 2000, stock: 10 }])]);
    const order = await createOrder('oFORGER', 'pay-forged', 's', 1);
    const before = await snapshot(cloud);
    for (const source of ['wx_client', 'wx_devtools', 'wx_client,wx_paycallback', 'wx_paycallback,scf']) {
      const r = await cloud.invoke('orders', notification(order), { openid: 'oFORGER', source });
      expect(r.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED', message: '无权执行此操作' } });
    }
    // Nor can a shopper run the expiry timer by sending its event.
    const timer = await cloud.invoke('orders', { Type: 'Timer', TriggerName: 'expireOrders' }, { openid: 'oFORGER', source: 'wx_client' });
    expect(timer.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(await snapshot(cloud)).toEqual(before);
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('pending_payment');
  });

  test('a failed-payment notification does not mark the order paid', async () => {
    await seed(cloud, 'products', [productDoc('pay-3', [{ skuId: 's', price: 2000, stock: 10 }])]);
    const order = await createOrder('oPAY3', 'pay-3', 's', 1);
    expect((await deliver(notification(order, { resultCode: 'FAIL' }))).result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('pending_payment');
    expect((await all(cloud, 'payments', { outTradeNo: order._id }))[0].status).toBe('failed');
  });
});

describe('expiry, cancel and the late-payment rule', () => {
  test('timer expiry releases stock exactly once (3 overlapping timer runs); orders not yet due are untouched', async () => {
    await seed(cloud, 'products', [productDoc('exp-1', [{ skuId: 's', price: 1000, stock: 20 }])]);
    const due = [await createOrder('oEXP', 'exp-1', 's', 2), await createOrder('oEXP', 'exp-1', 's', 3)];
    const notDue = await createOrder('oEXP', 'exp-1', 's', 4);
    expect(stockOf(await getDoc(cloud, 'products', 'exp-1'), 's')).toBe(11);
    for (const o of due) await makeOverdue(o._id);

    const runs = await Promise.all([1, 2, 3].map(() => cloud.fireTimer('orders', 'expireOrders')));
    const expiredTotal = runs.reduce((n, r) => n + r.result.data.expired, 0);
    expect(expiredTotal).toBe(2);
    await cloud.fireTimer('orders', 'expireOrders');

    expect(stockOf(await getDoc(cloud, 'products', 'exp-1'), 's')).toBe(16);
    expect((await getDoc(cloud, 'products', 'exp-1')).sales).toBe(4);
    for (const o of due) expect(await getDoc(cloud, 'orders', o._id)).toMatchObject({ status: 'expired', expiredAt: expect.any(Number) });
    expect((await getDoc(cloud, 'orders', notDue._id)).status).toBe('pending_payment');
  });

  test('payment window: 15 minutes by default, configurable in config/orders', async () => {
    await seed(cloud, 'products', [productDoc('win-1', [{ skuId: 's', price: 1000, stock: 20 }])]);
    const standard = await createOrder('oWIN', 'win-1', 's', 1);
    expect(standard.expireAt - standard.createdAt).toBe(15 * 60_000);
    await seed(cloud, 'config', [{ _id: 'orders', paymentWindowMinutes: 5 }]);
    try {
      const shorter = await createOrder('oWIN', 'win-1', 's', 1);
      expect(shorter.expireAt - shorter.createdAt).toBe(5 * 60_000);
    } finally {
      await cloud.wx().database().collection('config').doc('orders').remove();
    }
  });

  test('pay on an order past its window (timer not run yet) → INVALID_STATE, and the order expires and restocks right away', async () => {
    await seed(cloud, 'products', [productDoc('exp-2', [{ skuId: 's', price: 1000, stock: 5 }])]);
    const order = await createOrder('oEXP2', 'exp-2', 's', 2);
    await makeOverdue(order._id);
    const r = await call(cloud, 'orders', { action: 'pay', orderId: order._id }, 'oEXP2');
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
    expect(stockOf(await getDoc(cloud, 'products', 'exp-2'), 's')).toBe(5);
  });

  test('pay finding an order overdue also closes the payment already started, so WeChat Pay refuses it', async () => {
    await seed(cloud, 'products', [productDoc('exp-3', [{ skuId: 's', price: 1000, stock: 5 }])]);
    const order = await createOrder('oEXP3', 'exp-3', 's', 1);
    const payment = await payParams('oEXP3', order._id);
    // The shopper started paying more than 5 minutes ago, so WeChat Pay lets the order be closed.
    await afterFiveMinutes();
    await makeOverdue(order._id);
    expect(await call(cloud, 'orders', { action: 'pay', orderId: order._id }, 'oEXP3')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const confirm = await cloud.confirmPay(payment.package, 1);
    expect(confirm.error).toMatchObject({ code: 'ORDERCLOSED' });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
    expect(await all(cloud, 'payments', { outTradeNo: order._id })).toHaveLength(0);
  });

  test('late payment after expiry: order stays expired (never paid without stock), recorded refund_required at once, stock released once', async () => {
    await seed(cloud, 'products', [productDoc('late-1', [{ skuId: 's', price: 3000, stock: 5 }])]);
    const order = await createOrder('oLATE', 'late-1', 's', 1);
    await payParams('oLATE', order._id);
    await makeOverdue(order._id);
    await cloud.fireTimer('orders', 'expireOrders');
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
    expect(stockOf(await getDoc(cloud, 'products', 'late-1'), 's')).toBe(5);

    // WeChat took the money before our close reached it and now notifies (three times).
    const late = notification(order);
    for (let i = 0; i < 3; i += 1) expect((await deliver(late)).result).toEqual({ errcode: 0, errmsg: 'OK' });

    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
    expect(stockOf(await getDoc(cloud, 'products', 'late-1'), 's')).toBe(5);
    const payments = await all(cloud, 'payments', { outTradeNo: order._id });
    expect(payments).toHaveLength(1);
    // The callback only records what is owed; the refund is the timer's job.
    expect(payments[0]).toMatchObject({ status: 'refund_required', reason: 'ORDER_EXPIRED', transactionId: late.transactionId, outRefundNo: expect.stringMatching(/^R/), refundAttempts: 0 });
  });

  test('owed refund: the refund timer refunds it, confirmed through queryRefund; later runs change nothing', async () => {
    const { order, owed } = await latePaidOrder('oOWED', 'owed-1');
    expect(await wechatRefunds(order._id)).toMatchObject({ count: 0 });

    // (Other tests' owed refunds may be due too: assertions are about this payment.)
    const run = await refundTimer();
    expect(run).toMatchObject({ ok: true, data: { refunded: expect.any(Number), failed: 0 } });
    const refunded = await getDoc(cloud, 'payments', owed._id);
    expect(refunded).toMatchObject({ status: 'refunded', refundState: 'SUCCESS', refundAttempts: 1, refundId: expect.any(String), refundedAt: expect.any(Number), outRefundNo: owed.outRefundNo });
    expect(await wechatRefunds(order._id)).toEqual({ count: 1, numbers: [owed.outRefundNo], statuses: ['SUCCESS'] });

    await refundTimer();
    expect(await getDoc(cloud, 'payments', owed._id)).toEqual(refunded);
    expect(await wechatRefunds(order._id)).toMatchObject({ count: 1 });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
  });

  test('a failing refund is retried with backoff under the same refund number, and ends refunded', async () => {
    const { order, owed } = await latePaidOrder('oRETRY', 'retry-1');
    expect((await cloud.local('POST', '/pay/refunds:fail', { outTradeNo: order._id, times: 2 })).status).toBe(200);

    await refundTimer();
    const first = await getDoc(cloud, 'payments', owed._id);
    expect(first).toMatchObject({ status: 'refund_required', refundAttempts: 1, refundState: 'REFUSED', refundError: expect.any(String) });
    expect(first.nextRefundAt).toBeGreaterThan(Date.now());
    // Not due yet: the next run leaves it alone.
    await refundTimer();
    expect(await getDoc(cloud, 'payments', owed._id)).toEqual(first);

    await makeRefundDue(owed._id);
    await refundTimer();
    const second = await getDoc(cloud, 'payments', owed._id);
    expect(second).toMatchObject({ status: 'refund_required', refundAttempts: 2 });
    // Backoff grows: 1 minute after the first refusal, 2 after the second.
    expect(second.nextRefundAt - second.lastRefundAttemptAt).toBe(2 * (first.nextRefundAt - first.lastRefundAttemptAt));

    await makeRefundDue(owed._id);
    await refundTimer();
    expect(await getDoc(cloud, 'payments', owed._id)).toMatchObject({ status: 'refunded', refundAttempts: 3, outRefundNo: owed.outRefundNo });
    expect(await wechatRefunds(order._id)).toEqual({ count: 1, numbers: [owed.outRefundNo], statuses: ['SUCCESS'] });
  });

  test('a refund result callback replayed 10 times refunds once; each delivery answered errcode 0', async () => {
    const { order, owed } = await latePaidOrder('oREPLAY', 'replay-1');
    await refundTimer();
    const refunded = await getDoc(cloud, 'payments', owed._id);
    expect(refunded.status).toBe('refunded');

    const notify = (await cloud.local('POST', '/pay/refunds:notify', { outRefundNo: owed.outRefundNo, deliveries: 10 })).json;
    expect(notify.deliveries).toHaveLength(10);
    for (const d of notify.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect(await getDoc(cloud, 'payments', owed._id)).toEqual(refunded);
    expect(await wechatRefunds(order._id)).toMatchObject({ count: 1 });
    expect(await all(cloud, 'payments', { outTradeNo: order._id })).toHaveLength(1);
  });

  test('the refund callback alone does not mark a refund done: WeChat Pay is asked (queryRefund)', async () => {
    const { order, owed } = await latePaidOrder('oHINT', 'hint-1');
    // A result for a refund WeChat has no record of (none was requested yet): recorded, not believed.
    const forgedButPlatform = { returnCode: 'SUCCESS', outTradeNo: order._id, outRefundNo: owed.outRefundNo, refundStatus: 'SUCCESS', refundFee: order.total, totalFee: order.total };
    for (let i = 0; i < 3; i += 1) expect((await deliver(forgedButPlatform)).result).toEqual({ errcode: 0, errmsg: 'OK' });
    expect(await getDoc(cloud, 'payments', owed._id)).toMatchObject({ status: 'refund_required', refundState: 'UNCONFIRMED', refundNotifiedStatus: 'SUCCESS' });
    expect(await wechatRefunds(order._id)).toMatchObject({ count: 0 });
    // The timer then does the refund for real.
    await refundTimer();
    expect(await getDoc(cloud, 'payments', owed._id)).toMatchObject({ status: 'refunded' });
    expect(await wechatRefunds(order._id)).toMatchObject({ count: 1 });
  });

  test('a refund result sent by a client (not the pay platform) is refused and changes nothing', async () => {
    const { order, owed } = await latePaidOrder('oRFORGE', 'rforge-1');
    const before = await snapshot(cloud);
    const forged = { returnCode: 'SUCCESS', outTradeNo: order._id, outRefundNo: owed.outRefundNo, refundStatus: 'SUCCESS' };
    for (const source of ['wx_client', 'wx_devtools', 'wx_client,wx_paycallback']) {
      const r = await cloud.invoke('orders', forged, { openid: 'oRFORGE', source });
      expect(r.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    // Nor can a client run the refund timer.
    expect((await cloud.invoke('orders', { Type: 'Timer', TriggerName: 'refunds' }, { openid: 'oRFORGE' })).result).toMatchObject({ ok: false });
    expect(await snapshot(cloud)).toEqual(before);
  });

  test('paid just before the deadline but the notification failed: the timer asks WeChat Pay (queryOrder) and marks it paid instead of expiring', async () => {
    await seed(cloud, 'products', [productDoc('lost-1', [{ skuId: 's', price: 2500, stock: 5 }])]);
    const order = await createOrder('oLOST', 'lost-1', 's', 1);
    const payment = await payParams('oLOST', order._id);
    // Test setup: an open transaction writes the order document first, so the delivered notification cannot
    // be recorded (its transaction conflicts until the callback's retry budget is spent, then it answers
    // errcode 1, as after a database outage). The budget runs on the local cloud's clock: once the callback
    // has conflicted, the clock moves past it instead of the test waiting.
    const blocker = await cloud.node().database().startTransaction();
    await blocker.collection('orders').doc(order._id).update({ heldForTest: true });
    const conflictsBefore = (await cloud.transactions()).stats.conflicts;
    let confirm;
    try {
      const confirming = cloud.confirmPay(payment.package, 1);
      await until(() => cloud.transactions(), (v) => v.stats.conflicts > conflictsBefore, 'the notification to conflict');
      await cloud.setClock({ advanceMs: 10_000 });
      confirm = await confirming;
    } finally {
      await blocker.rollback();
      await cloud.setClock({ reset: true });
    }
    expect(confirm.state).toBe('SUCCESS');
    expect(confirm.deliveries[0].result).toEqual({ errcode: 1, errmsg: 'retry later' });
    expect((await getDoc(cloud, 'orders', order._id)).status).toBe('pending_payment');

    await makeOverdue(order._id);
    const sweep = await cloud.fireTimer('orders', 'expireOrders');
    expect(sweep.result.data).toMatchObject({ paid: 1, expired: 0 });
    expect(await getDoc(cloud, 'orders', order._id)).toMatchObject({ status: 'paid', transactionId: confirm.transactionId });
    expect(stockOf(await getDoc(cloud, 'products', 'lost-1'), 's')).toBe(4);

    // WeChat's retry of the notification is now just a redelivery.
    const retry = await cloud.confirmPay(payment.package, 2);
    for (const d of retry.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });
    const payments = await all(cloud, 'payments', { outTradeNo: order._id });
    expect(payments.map((p) => p.status)).toEqual(['paid']);
  }, 60_000);

  test('expiry racing a payment on 12 orders: each ends paid (stock kept) or expired (stock back once, payment refund_required if it arrived)', async () => {
    await seed(cloud, 'products', [productDoc('race-pay', [{ skuId: 's', price: 1500, stock: 30 }])]);
    const orders = [];
    for (let i = 0; i < 12; i += 1) {
      const order = await createOrder(`oRACE_${i}`, 'race-pay', 's', 2);
      orders.push({ order, payment: await payParams(`oRACE_${i}`, order._id) });
    }
    expect(stockOf(await getDoc(cloud, 'products', 'race-pay'), 's')).toBe(6);
    for (const { order } of orders) await makeOverdue(order._id);

    // Even orders: paid through the emulated WeChat Pay while two timer sweeps run (the sweep may also
    // learn of the payment through queryOrder). Odd orders: the notification (delivered twice) races the
    // order's own expiry, triggered by the shopper retrying `pay` after the deadline: expiry
    // transaction against notification transaction on the same order, nothing else in between.
    const confirmations = await Promise.all([
      ...orders.map(({ order, payment }, i) =>
        i % 2 === 0
          ? cloud.confirmPay(payment.package, 2)
          : Promise.all([
              call(cloud, 'orders', { action: 'pay', orderId: order._id }, `oRACE_${i}`),
              deliver(notification(order, { transactionId: `race${i}` })),
              deliver(notification(order, { transactionId: `race${i}` })),
            ]).then(() => ({ deliveries: [1, 2] })),
      ),
      cloud.fireTimer('orders', 'expireOrders'),
      cloud.fireTimer('orders', 'expireOrders'),
    ]);
    await cloud.fireTimer('orders', 'expireOrders');

    let paidUnits = 0;
    const outcome: Record<string, number> = {};
    for (const [i, { order }] of orders.entries()) {
      const stored = await getDoc(cloud, 'orders', order._id);
      outcome[stored.status] = (outcome[stored.status] ?? 0) + 1;
      expect(['paid', 'expired']).toContain(stored.status);
      const payments = await all(cloud, 'payments', { outTradeNo: order._id });
      if (stored.status === 'paid') {
        paidUnits += 2;
        expect(payments.map((p) => p.status)).toEqual(['paid']);
      } else {
        // The refunds timer has not run: what arrived is owed, not yet refunded.
        expect(payments.map((p) => p.status)).toEqual(payments.length ? ['refund_required'] : []);
        const delivered = (confirmations[i] as { deliveries?: unknown[] }).deliveries?.length ?? 0;
        if (delivered > 0) expect(payments).toHaveLength(1);
      }
    }
    console.log(`expiry vs payment race outcome: ${JSON.stringify(outcome)}`);
    // Stock released at most once per order: what is left is exactly what the paid orders hold.
    expect(stockOf(await getDoc(cloud, 'products', 'race-pay'), 's')).toBe(30 - paidUnits);
  }, 60_000);

  test('cancel restocks exactly once, also when 5 cancels race', async () => {
    await seed(cloud, 'products', [productDoc('cancel-1', [{ skuId: 's', price: 1000, stock: 10 }])]);
    const order = await createOrder('oCANCEL', 'cancel-1', 's', 3);
    expect(stockOf(await getDoc(cloud, 'products', 'cancel-1'), 's')).toBe(7);
    const results = await Promise.all(Array.from({ length: 5 }, () => call(cloud, 'orders', { action: 'cancel', orderId: order._id }, 'oCANCEL')));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(errorOf(r).code).toBe('INVALID_STATE');
    expect(dataOf(results.find((r) => r.ok)!).order).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Number) });
    expect(stockOf(await getDoc(cloud, 'products', 'cancel-1'), 's')).toBe(10);
    const again = await call(cloud, 'orders', { action: 'cancel', orderId: order._id }, 'oCANCEL');
    expect(again).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await cloud.fireTimer('orders', 'expireOrders');
    expect(stockOf(await getDoc(cloud, 'products', 'cancel-1'), 's')).toBe(10);
    expect((await getDoc(cloud, 'products', 'cancel-1')).sales).toBe(0);
  });

  test('a checkout retried after the order was cancelled answers the order as it is now, and creates nothing', async () => {
    await seed(cloud, 'products', [productDoc('replay-now', [{ skuId: 's', price: 1000, stock: 10 }])]);
    const request = { action: 'create' as const, requestId: requestId('oNOW'), lines: [{ productId: 'replay-now', skuId: 's', qty: 2 }], address: ADDRESS };
    const first = dataOf(await call(cloud, 'orders', request, 'oNOW')).order;
    expect(first.status).toBe('pending_payment');
    expect((await call(cloud, 'orders', { action: 'cancel', orderId: first._id }, 'oNOW')).ok).toBe(true);
    const retry = await call(cloud, 'orders', request, 'oNOW');
    expect(retry).toMatchObject({ ok: true, data: { order: { _id: first._id, status: 'cancelled', cancelledAt: expect.any(Number) } } });
    expect(await all(cloud, 'orders', { _openid: 'oNOW' })).toHaveLength(1);
    expect(stockOf(await getDoc(cloud, 'products', 'replay-now'), 's')).toBe(10);
  });

  test('a paid order cannot be cancelled; confirmReceipt only once shipped', async () => {
    await seed(cloud, 'products', [productDoc('ship-1', [{ skuId: 's', price: 1000, stock: 10 }])]);
    const order = await createOrder('oSHIP', 'ship-1', 's', 1);
    await deliver(notification(order));
    expect(await call(cloud, 'orders', { action: 'cancel', orderId: order._id }, 'oSHIP')).toMatchObject({ ok: false, error: { code: 'ALREADY_PAID', details: { order: { status: 'paid' } } } });
    expect(await call(cloud, 'orders', { action: 'confirmReceipt', orderId: order._id }, 'oSHIP')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    // Shipping is the merchant's: a shopper cannot, the merchant (a server-side call, as the console makes) can.
    expect(await call(cloud, 'merchant', { action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF1001' }, 'oSHIP')).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(await call(cloud, 'merchant', { action: 'ship', orderId: order._id, carrier: 'SF', trackingNo: 'SF1001' })).toMatchObject({ ok: true, data: { order: { status: 'shipped', trackingNo: 'SF1001', shippedAt: expect.any(Number) } } });
    expect(await call(cloud, 'orders', { action: 'cancel', orderId: order._id }, 'oSHIP')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const done = await call(cloud, 'orders', { action: 'confirmReceipt', orderId: order._id }, 'oSHIP');
    expect(done).toMatchObject({ ok: true, data: { order: { status: 'completed', trackingNo: 'SF1001', completedAt: expect.any(Number) } } });
    expect(await call(cloud, 'orders', { action: 'confirmReceipt', orderId: order._id }, 'oSHIP')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(stockOf(await getDoc(cloud, 'products', 'ship-1'), 's')).toBe(9);
  });
});

describe('identity', () => {
  test("every order action by user B on A's order → NOT_FOUND and changes nothing, whatever B sends", async () => {
    await seed(cloud, 'products', [productDoc('xuser', [{ skuId: 's', price: 1000, stock: 10 }])]);
    const order = await createOrder('oALICE', 'xuser', 's', 1);
    const before = await snapshot(cloud);
    const spoof = { _openid: 'oALICE', openid: 'oALICE', OPENID: 'oALICE', userInfo: { openId: 'oALICE', appId: 'wx' } };
    for (const action of ['get', 'cancel', 'pay', 'confirmReceipt'] as const) {
      for (const extra of [{}, spoof]) {
        const r = await call(cloud, 'orders', { action, orderId: order._id, ...extra }, 'oBOB');
        expect({ action, r }).toEqual({ action, r: { ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) } });
      }
    }
    const bobs = await call(cloud, 'orders', { action: 'list', ...spoof }, 'oBOB');
    expect(bobs).toEqual({ ok: true, data: { orders: [], nextCursor: null } });
    // B replaying A's requestId gets B's own, separate order attempt, never A's order.
    const replay = await call(cloud, 'orders', { action: 'create', requestId: order.requestId, lines: [{ productId: 'xuser', skuId: 's', qty: 1 }], address: ADDRESS }, 'oBOB');
    expect(replay.ok && replay.data.order._id).not.toBe(order._id);
    await cloud.wx().database().collection('orders').doc(dataOf(replay).order._id).remove();
    await cloud.wx().database().collection('idempotency').doc(dataOf(replay).order._id).remove();
    await cloud.wx().database().collection('stock_moves').where({ orderId: dataOf(replay).order._id }).remove();
    // B's checkout held its unit on the product (server/stock-holds.ts): that goes too.
    await cloud.wx().database().collection('products').doc('xuser').update({ data: { 'skus.0.stock': 9, 'skus.0.reserved': 1, sales: 1, revision: 1, holds: cloud.wx().database().command.remove() } });
    expect(await snapshot(cloud)).toEqual(before);
    // A still sees it, without the owner id.
    const mine = await call(cloud, 'orders', { action: 'get', orderId: order._id }, 'oALICE');
    expect(mine.ok).toBe(true);
    expect((dataOf(mine).order as object as Record<string, unknown>)._openid).toBeUndefined();
  });

  test('order actions without an OPENID → UNAUTHENTICATED', async () => {
    const r = await call(cloud, 'orders', { action: 'list' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  test('list: only the caller’s orders, by status, paginated with an opaque cursor', async () => {
    await seed(cloud, 'products', [productDoc('list-1', [{ skuId: 's', price: 1000, stock: 50 }])]);
    const mine = [];
    for (let i = 0; i < 5; i += 1) mine.push(await createOrder('oLISTER', 'list-1', 's', 1));
    await createOrder('oOTHER', 'list-1', 's', 1);
    await call(cloud, 'orders', { action: 'cancel', orderId: mine[0]._id }, 'oLISTER');

    const first = await call(cloud, 'orders', { action: 'list', pageSize: 2 }, 'oLISTER');
    expect(dataOf(first).orders).toHaveLength(2);
    expect(dataOf(first).nextCursor).toEqual(expect.any(String));
    const seen = [...dataOf(first).orders];
    let cursor = dataOf(first).nextCursor;
    while (cursor) {
      const page = await call(cloud, 'orders', { action: 'list', pageSize: 2, cursor }, 'oLISTER');
      seen.push(...dataOf(page).orders);
      cursor = dataOf(page).nextCursor;
    }
    expect(seen.map((o) => o._id).sort()).toEqual(mine.map((o) => o._id).sort());
    const pending = await call(cloud, 'orders', { action: 'list', status: 'pending_payment' }, 'oLISTER');
    expect(dataOf(pending).orders).toHaveLength(4);
    const cancelled = await call(cloud, 'orders', { action: 'list', status: 'cancelled' }, 'oLISTER');
    expect(dataOf(cancelled).orders.map((o: { _id: string }) => o._id)).toEqual([mine[0]._id]);
    expect(await call(cloud, 'orders', { action: 'list', cursor: 'bm90LWEtY3Vyc29y' }, 'oLISTER')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('prices and broken products', () => {
  test('price edited after the cart was filled: create with expectedPrice → PRICE_CHANGED (old/new), nothing written; without it → charged the current price', async () => {
    await seed(cloud, 'products', [productDoc('price-1', [{ skuId: 's', price: 1000, stock: 10 }])]);
    // The merchant raises the price while the shopper's cart still says 10.00.
    await cloud.wx().database().collection('products').doc('price-1').update({ data: { 'skus.0.price': 1200, price: 1200 } });
    const before = await snapshot(cloud);
    const refused = await call(
      cloud,
      'orders',
      { action: 'create', requestId: requestId(), lines: [{ productId: 'price-1', skuId: 's', qty: 2, expectedPrice: 1000 }], address: ADDRESS },
      'oPRICE',
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'PRICE_CHANGED', details: [{ productId: 'price-1', skuId: 's', expectedPrice: 1000, currentPrice: 1200 }] } });
    expect(await snapshot(cloud)).toEqual(before);

    const quote = await call(cloud, 'orders', { action: 'quote', lines: [{ productId: 'price-1', skuId: 's', qty: 2, expectedPrice: 1000 }] }, 'oPRICE');
    expect(quote).toMatchObject({ ok: true, data: { itemsTotal: 2400, shippingFee: 800, total: 3200, lines: [{ currentPrice: 1200, problems: [{ code: 'PRICE_CHANGED' }] }] } });

    const charged = await call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId: 'price-1', skuId: 's', qty: 2 }], address: ADDRESS }, 'oPRICE');
    expect(charged).toMatchObject({ ok: true, data: { order: { itemsTotal: 2400, shippingFee: 800, total: 3200, lines: [{ unitPrice: 1200, qty: 2, lineTotal: 2400 }] } } });
  });

  test('broken product documents (price "12.50", stock missing) are refused by create with the problems reported, nothing written', async () => {
    await seed(cloud, 'products', [
      productDoc('broken-price', [{ skuId: 's', price: '12.50', stock: 5 }]),
      productDoc('broken-stock', [{ skuId: 's', price: 1250 }]),
    ]);
    const before = await snapshot(cloud);
    for (const [productId, field] of [['broken-price', 'skus[0].price'], ['broken-stock', 'skus[0].stock']]) {
      const r = await call(cloud, 'orders', { action: 'create', requestId: requestId(), lines: [{ productId, skuId: 's', qty: 1 }], address: ADDRESS }, 'oBROKEN');
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: [{ index: 0, productId, problems: [{ code: 'INVALID_PRODUCT' }] }] } });
      expect(errorOf(r).details[0].productProblems).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await snapshot(cloud)).toEqual(before);
    const check = await call(cloud, 'inventory', { action: 'check', lines: [{ productId: 'broken-price', skuId: 's', qty: 1 }] });
    expect(check).toMatchObject({ ok: true, data: { lines: [{ available: 0, currentPrice: null, problems: [{ code: 'INVALID_PRODUCT' }] }] } });
    expect(dataOf(check).lines[0].productProblems?.[0]).toMatchObject({ field: 'skus[0].price' });
  });
});
