/**
 * Cancel without losing a payment: `orders.cancel` closes the WeChat Pay order first; a payment WeChat
 * Pay reports makes the order paid (the shopper is told ALREADY_PAID); an order WeChat Pay cannot close
 * yet (its first 5 minutes) is cancelled, and a payment landing later is refunded once by the timer.
 * Time moves on the local cloud's clock, never by waiting.
 */
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, stockOf } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 8 });

beforeAll(async () => {
  await ensureCollections(cloud);
  await Promise.all(Array.from({ length: 8 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

async function createOrder(openid: string, productId: string, qty = 1, rid = requestId(openid)) {
  const r = await call(cloud, 'orders', { action: 'create', requestId: rid, lines: [{ productId, skuId: 's', qty }], address: ADDRESS }, openid);
  return dataOf(r).order;
}

async function startPaying(openid: string, orderId: string): Promise<string> {
  return dataOf(await call(cloud, 'orders', { action: 'pay', orderId }, openid)).payment.package;
}

const cancel = (openid: string, orderId: string) => call(cloud, 'orders', { action: 'cancel', orderId }, openid);
/** The shopper pays at WeChat; `deliveries` notifications reach the orders function (0: still on the way). */
const payAtWechat = async (pkg: string, deliveries: number) => (await cloud.local('POST', '/pay/confirm', { package: pkg, deliveries })).json;
const refundTimer = async () => (await cloud.fireTimer('orders', 'refunds')).result;
/** Past WeChat Pay's rule that an order cannot be closed in its first 5 minutes. */
const afterFiveMinutes = () => cloud.setClock({ advanceMs: 5 * 60_000 + 1000 });

/** WeChat Pay's own view of an order and its refunds (the sandbox, through the real SDK). */
async function atWechat(outTradeNo: string) {
  const pay = cloud.wx().cloudPay;
  const order = await pay.queryOrder({ sub_mch_id: '1900000109', nonce_str: 'test', out_trade_no: outTradeNo });
  const refunds = await pay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'test', out_trade_no: outTradeNo });
  return {
    tradeState: order.resultCode === 'SUCCESS' ? (order.tradeState as string) : 'NONE',
    refunds: refunds.resultCode === 'SUCCESS' ? (refunds.totalRefundCount as number) : 0,
    refundStatuses: refunds.resultCode === 'SUCCESS' ? (refunds.refundStatusList as string[]) : [],
  };
}

test('cancel after the first 5 minutes closes the WeChat Pay order: the shopper can no longer pay it', async () => {
  await seed(cloud, 'products', [productDoc('cp-close', [{ skuId: 's', price: 1000, stock: 5 }])]);
  const order = await createOrder('oCLOSE', 'cp-close', 2);
  const pkg = await startPaying('oCLOSE', order._id);
  await afterFiveMinutes();

  const r = await cancel('oCLOSE', order._id);
  expect(dataOf(r).order).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Number) });
  expect(await atWechat(order._id)).toMatchObject({ tradeState: 'CLOSED', refunds: 0 });
  const late = await payAtWechat(pkg, 1);
  expect(late.error).toMatchObject({ code: 'ORDERCLOSED' });
  expect(await all(cloud, 'payments', { outTradeNo: order._id })).toHaveLength(0);
  expect(stockOf(await getDoc(cloud, 'products', 'cp-close'), 's')).toBe(5);
});

test('cancel of an order paid at WeChat whose notification is still on its way: the order becomes paid and the shopper is told', async () => {
  await seed(cloud, 'products', [productDoc('cp-paid', [{ skuId: 's', price: 1200, stock: 5 }])]);
  const order = await createOrder('oPAIDC', 'cp-paid', 1);
  const pkg = await startPaying('oPAIDC', order._id);
  const paid = await payAtWechat(pkg, 0);
  expect(paid).toMatchObject({ state: 'SUCCESS', deliveries: [] });

  const error = errorOf(await cancel('oPAIDC', order._id));
  expect(error).toMatchObject({ code: 'ALREADY_PAID', message: '订单已支付，不能取消。如需退款，请在订单详情中申请售后' });
  expect(error.details.order).toMatchObject({ _id: order._id, status: 'paid', transactionId: paid.transactionId, paidAt: expect.any(Number) });
  // The page shows it at once as the server presents a paid order: no cancel or pay, after-sales open.
  expect(error.details.order).toMatchObject({ statusText: '待发货', buttons: [{ type: 'after-sale', name: '申请售后', primary: false }] });
  expect(await getDoc(cloud, 'orders', order._id)).toMatchObject({ status: 'paid', transactionId: paid.transactionId });
  expect(stockOf(await getDoc(cloud, 'products', 'cp-paid'), 's')).toBe(4);

  // The notification arriving afterwards is a redelivery: still one payment, kept, nothing to refund.
  const redelivered = await payAtWechat(pkg, 2);
  for (const d of redelivered.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });
  expect((await all(cloud, 'payments', { outTradeNo: order._id })).map((p) => p.status)).toEqual(['paid']);
  expect(await atWechat(order._id)).toMatchObject({ tradeState: 'SUCCESS', refunds: 0 });
  // Cancelling again says the same.
  expect(errorOf(await cancel('oPAIDC', order._id)).code).toBe('ALREADY_PAID');
});

test('cancel within the first 5 minutes: the order is cancelled, and a payment landing later is refunded exactly once', async () => {
  await seed(cloud, 'products', [productDoc('cp-early', [{ skuId: 's', price: 1500, stock: 5 }])]);
  const order = await createOrder('oEARLY', 'cp-early', 2);
  const pkg = await startPaying('oEARLY', order._id);

  expect(dataOf(await cancel('oEARLY', order._id)).order.status).toBe('cancelled');
  // WeChat Pay could not close it yet, so the shopper's payment sheet still goes through.
  expect(await atWechat(order._id)).toMatchObject({ tradeState: 'NOTPAY' });
  const late = await payAtWechat(pkg, 3);
  expect(late.state).toBe('SUCCESS');
  for (const d of late.deliveries) expect(d.result).toEqual({ errcode: 0, errmsg: 'OK' });

  expect((await getDoc(cloud, 'orders', order._id)).status).toBe('cancelled');
  const [owed] = await all(cloud, 'payments', { outTradeNo: order._id });
  expect(owed).toMatchObject({ status: 'refund_required', reason: 'ORDER_CANCELLED', refundFee: order.total });
  expect(stockOf(await getDoc(cloud, 'products', 'cp-early'), 's')).toBe(5);

  await refundTimer();
  await refundTimer();
  expect(await getDoc(cloud, 'payments', owed._id)).toMatchObject({ status: 'refunded', refundAttempts: 1 });
  expect(await atWechat(order._id)).toEqual({ tradeState: 'REFUND', refunds: 1, refundStatuses: ['SUCCESS'] });
});

test('a replayed create after a cancel answers the order as it is now (cancelled), and reserves nothing', async () => {
  await seed(cloud, 'products', [productDoc('cp-replay', [{ skuId: 's', price: 800, stock: 5 }])]);
  const rid = requestId('oREPLAYC');
  const order = await createOrder('oREPLAYC', 'cp-replay', 2, rid);
  expect(order.status).toBe('pending_payment');
  expect(dataOf(await cancel('oREPLAYC', order._id)).order.status).toBe('cancelled');

  const replayed = await createOrder('oREPLAYC', 'cp-replay', 2, rid);
  expect(replayed).toMatchObject({ _id: order._id, status: 'cancelled', cancelledAt: expect.any(Number) });
  expect(stockOf(await getDoc(cloud, 'products', 'cp-replay'), 's')).toBe(5);
  expect(await all(cloud, 'orders', { _openid: 'oREPLAYC' })).toHaveLength(1);
});

test('cancel racing the payment on 24 orders (half closable, half in their first 5 minutes): never a payment kept for a cancelled order, each refund made once', async () => {
  const N = 24;
  await seed(cloud, 'products', [productDoc('cp-race', [{ skuId: 's', price: 990, stock: 2 * N }])]);
  const orders: { openid: string; id: string; total: number; pkg: string }[] = [];
  for (let i = 0; i < N; i += 1) {
    const openid = `oCRACE_${i}`;
    const order = await createOrder(openid, 'cp-race', 2);
    orders.push({ openid, id: order._id, total: order.total, pkg: await startPaying(openid, order._id) });
    // The first half started paying more than 5 minutes before the race: WeChat Pay lets them be closed.
    if (i === N / 2 - 1) await afterFiveMinutes();
  }

  // Each order: the shopper pays (1-2 notifications) while the same shopper taps cancel, all at once;
  // the payment starts up to 1.5 s after the cancel, so either may reach WeChat Pay first.
  const later = <T>(ms: number, run: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => run().then(resolve, reject), ms));
  const results = await Promise.all(
    orders.map(async (o, i) => {
      const [paid, cancelled] = await Promise.all([later((i % 6) * 300, () => payAtWechat(o.pkg, 1 + (i % 2))), cancel(o.openid, o.id)]);
      return { paid, cancelled };
    }),
  );
  await refundTimer();
  await refundTimer();

  const outcome: Record<string, number> = {};
  let heldUnits = 0;
  for (const [i, o] of orders.entries()) {
    const { paid, cancelled } = results[i];
    const stored = await getDoc(cloud, 'orders', o.id);
    const payments = await all(cloud, 'payments', { outTradeNo: o.id });
    const wechat = await atWechat(o.id);
    const label = `${stored.status}/${paid.state ?? paid.error?.code}/${cancelled.ok ? 'cancelled' : cancelled.error.code}`;
    outcome[label] = (outcome[label] ?? 0) + 1;
    expect({ order: o.id, status: stored.status }).toEqual({ order: o.id, status: expect.stringMatching(/^(paid|cancelled)$/) });
    if (stored.status === 'paid') {
      heldUnits += 2;
      // Kept: the shopper was told it is paid, the payment is recorded once, nothing refunded.
      expect(cancelled.ok ? 'cancelled' : cancelled.error.code).toBe('ALREADY_PAID');
      expect(payments.map((p) => p.status)).toEqual(['paid']);
      expect(wechat).toMatchObject({ tradeState: 'SUCCESS', refunds: 0 });
    } else {
      expect(cancelled.ok).toBe(true);
      if (paid.state === 'SUCCESS') {
        // Paid at WeChat after the cancel: owed back, and refunded exactly once.
        expect(payments.map((p) => p.status)).toEqual(['refunded']);
        expect(wechat).toEqual({ tradeState: 'REFUND', refunds: 1, refundStatuses: ['SUCCESS'] });
      } else {
        // WeChat closed it before the shopper's payment: nothing was taken.
        expect(paid.error).toMatchObject({ code: 'ORDERCLOSED' });
        expect(payments).toHaveLength(0);
        expect(wechat).toMatchObject({ tradeState: 'CLOSED', refunds: 0 });
      }
    }
  }
  console.log(`cancel vs payment race (order/WeChat/cancel answer): ${JSON.stringify(outcome)}`);
  expect(stockOf(await getDoc(cloud, 'products', 'cp-race'), 's')).toBe(2 * N - heldUnits);
}, 120_000);
