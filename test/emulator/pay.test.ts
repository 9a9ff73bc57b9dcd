/**
 * Payment sandbox: cloudPay.unifiedOrder → payment params; /_emulator/v1/pay/confirm delivers the
 * WeChat Pay notification to the callback function (repeatedly); queryOrder / closeOrder; refund,
 * queryRefund and the refund result callback; the CloudPay request contract (required fields,
 * lengths, character sets) and the 5-minute close rule.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
let n = 0;
const tradeNo = () => `T${Date.now()}${++n}`;
const MCH = '1900000109';

/** A complete, valid unifiedOrder request (camelCase, as the CloudPay reference lists it). */
const order = (outTradeNo: string, totalFee = 5, functionName = 'paycb') => ({
  functionName,
  envId: cloud.envId,
  subMchId: MCH,
  nonceStr: `n${Date.now()}`,
  body: 'Tea',
  outTradeNo,
  totalFee,
  spbillCreateIp: '127.0.0.1',
});

/** Moves the sandbox's clock past WeChat Pay's 5-minute close rule for the orders created so far. */
const afterFiveMinutes = () => cloud.setClock({ advanceMs: 5 * 60_000 + 1000 });

async function paidOrder(totalFee = 100) {
  const wx = cloud.wx();
  const no = tradeNo();
  const r = await wx.cloudPay.unifiedOrder(order(no, totalFee));
  const c = await cloud.confirmPay(r.payment.package);
  return { no, transactionId: c.transactionId as string };
}

/** A complete, valid refund request (snake_case, as the CloudPay reference lists it). */
const refundRequest = (outTradeNo: string, outRefundNo: string, totalFee: number, refundFee = totalFee) => ({
  functionName: 'paycb',
  envId: cloud.envId,
  sub_mch_id: MCH,
  nonce_str: `r${Date.now()}`,
  out_trade_no: outTradeNo,
  out_refund_no: outRefundNo,
  total_fee: totalFee,
  refund_fee: refundFee,
});

test('unifiedOrder (inside a function) returns payment params with package prepay_id=…', async () => {
  const r = await cloud.invoke('pay', { outTradeNo: tradeNo(), totalFee: 990 }, { openid: 'oPAYER' });
  expect(r.result).toMatchObject({ errCode: 0, errMsg: 'cloudPay.unifiedOrder:ok', returnCode: 'SUCCESS', resultCode: 'SUCCESS' });
  const p = r.result.payment;
  expect(p).toMatchObject({ appId: 'wxlocalappid000001', signType: 'MD5', package: expect.stringMatching(/^prepay_id=wx/) });
  expect(p.timeStamp).toMatch(/^\d{10}$/);
  expect(p.nonceStr).toEqual(expect.any(String));
  expect(p.paySign).toEqual(expect.any(String));
});

test('pay/confirm delivers the notification (callback event shape, payer identity) and returns its answer', async () => {
  const no = tradeNo();
  const r = await cloud.invoke('pay', { outTradeNo: no, totalFee: 1234 }, { openid: 'oPAYER2' });
  const c = await cloud.confirmPay(r.result.payment.package);
  expect(c.deliveries).toEqual([{ result: { errcode: 0, errmsg: 'OK' } }]);
  expect(c.event).toMatchObject({ outTradeNo: no, totalFee: 1234, cashFee: 1234, resultCode: 'SUCCESS', returnCode: 'SUCCESS', subMchId: '1900000109', openid: 'oPAYER2' });
  expect(c.event.transactionId).toMatch(/^\d{20,}$/);
  expect(c.event.timeEnd).toMatch(/^\d{14}$/);
  const rows = (await cloud.wx().database().collection('payments').where({ outTradeNo: no }).get()).data;
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ resultCode: 'SUCCESS', returnCode: 'SUCCESS', totalFee: 1234, openid: 'oPAYER2', source: 'wx_paycallback', transactionId: c.transactionId });
});

test('repeated deliveries call the callback each time with the same transactionId', async () => {
  const no = tradeNo();
  const r = await cloud.invoke('pay', { outTradeNo: no, totalFee: 1 }, { openid: 'oP3' });
  const c = await cloud.confirmPay(r.result.payment.package, 3);
  expect(c.deliveries).toHaveLength(3);
  const again = await cloud.confirmPay(r.result.payment.package, 1);
  expect(again.transactionId).toBe(c.transactionId);
  const rows = (await cloud.wx().database().collection('payments').where({ outTradeNo: no }).get()).data;
  expect(rows).toHaveLength(4);
  expect(new Set(rows.map((x: any) => x.transactionId)).size).toBe(1);
});

test('queryOrder reflects NOTPAY → SUCCESS; closeOrder refuses a paid order', async () => {
  const wx = cloud.wx();
  const no = tradeNo();
  const r = await wx.cloudPay.unifiedOrder(order(no, 5));
  expect((await wx.cloudPay.queryOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' })).tradeState).toBe('NOTPAY');
  await cloud.confirmPay(r.payment.package);
  const q = await wx.cloudPay.queryOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' });
  expect(q).toMatchObject({ tradeState: 'SUCCESS', totalFee: 5, resultCode: 'SUCCESS' });
  const close = await wx.cloudPay.closeOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' });
  expect(close).toMatchObject({ resultCode: 'FAIL', errCode: 0, errCodeDes: expect.any(String) });
});

test('closeOrder within 5 minutes of the order is refused (WeChat Pay rule); after that a closed order cannot be paid; an unknown package is a 404', async () => {
  const wx = cloud.wx();
  const no = tradeNo();
  const r = await wx.cloudPay.unifiedOrder(order(no, 7));
  const early = await wx.cloudPay.closeOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' });
  expect(early).toMatchObject({ errCode: 0, returnCode: 'SUCCESS', resultCode: 'FAIL' });
  expect(early.errCodeDes).toContain('5分钟');
  expect((await wx.cloudPay.queryOrder({ subMchId: MCH, outTradeNo: no, nonceStr: 'x' })).tradeState).toBe('NOTPAY');
  await afterFiveMinutes();
  expect((await wx.cloudPay.closeOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' })).resultCode).toBe('SUCCESS');
  const res = await cloud.local('POST', '/pay/confirm', { package: r.payment.package });
  expect(res.status).toBe(409);
  const unknown = await cloud.local('POST', '/pay/confirm', { package: 'prepay_id=nope' });
  expect(unknown.status).toBe(404);
});

test('unifiedOrder validates outTradeNo and totalFee; same outTradeNo with other params is a duplicate', async () => {
  const wx = cloud.wx();
  const bad = await wx.cloudPay.unifiedOrder(order('has space', 1));
  expect(bad).toMatchObject({ errCode: 0, returnCode: 'FAIL', returnMsg: expect.stringContaining('out_trade_no') });
  const zero = await wx.cloudPay.unifiedOrder(order(tradeNo(), 0));
  expect(zero).toMatchObject({ returnCode: 'FAIL', returnMsg: expect.stringContaining('total_fee') });
  const no = tradeNo();
  const first = await wx.cloudPay.unifiedOrder(order(no, 3));
  const same = await wx.cloudPay.unifiedOrder(order(no, 3));
  expect(same.prepayId).toBe(first.prepayId);
  const dup = await wx.cloudPay.unifiedOrder(order(no, 4));
  expect(dup).toMatchObject({ resultCode: 'FAIL', errCode: 0 });
});

describe('the CloudPay request contract', () => {
  // Required fields as WeChat's CloudPay reference lists them (wire names; `a/b` = one of them).
  const cases: Record<string, { request: () => Promise<Record<string, unknown>>; required: string[] }> = {
    unifiedOrder: {
      request: async () => order(tradeNo()),
      required: ['functionName', 'envId', 'subMchId', 'nonceStr', 'body', 'outTradeNo', 'totalFee', 'spbillCreateIp'],
    },
    queryOrder: {
      request: async () => ({ sub_mch_id: MCH, nonce_str: 'q1', out_trade_no: (await paidOrder()).no }),
      required: ['sub_mch_id', 'nonce_str', 'transaction_id/out_trade_no'],
    },
    closeOrder: {
      request: async () => ({ sub_mch_id: MCH, nonce_str: 'c1', out_trade_no: tradeNo() }),
      required: ['sub_mch_id', 'nonce_str', 'out_trade_no'],
    },
    refund: {
      request: async () => refundRequest((await paidOrder()).no, `R${tradeNo()}`, 100),
      required: ['functionName', 'envId', 'sub_mch_id', 'nonce_str', 'transaction_id/out_trade_no', 'out_refund_no', 'total_fee', 'refund_fee'],
    },
    queryRefund: {
      request: async () => ({ sub_mch_id: MCH, nonce_str: 'q2', out_trade_no: tradeNo() }),
      required: ['sub_mch_id', 'nonce_str', 'refund_id/out_refund_no/transaction_id/out_trade_no'],
    },
  };
  const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

  for (const [api, { request, required }] of Object.entries(cases)) {
    test(`${api}: each missing required field → returnCode FAIL naming it (errCode 0 all the same)`, async () => {
      const wx = cloud.wx();
      const valid = await request();
      for (const field of required) {
        const params: Record<string, unknown> = { ...valid };
        for (const f of field.split('/')) delete params[f];
        const r = await wx.cloudPay[api](params);
        expect({ field, r }).toMatchObject({ field, r: { errCode: 0, errMsg: `cloudPay.${api}:ok`, returnCode: 'FAIL', returnMsg: expect.stringContaining(field.split('/').map(snake).join('/')) } });
        // An empty string counts as missing too.
        const empty = await wx.cloudPay[api]({ ...params, [field.split('/')[0]]: '' });
        expect(empty.returnCode).toBe('FAIL');
      }
      // The complete request passes the contract (it may still fail on business grounds, never on a field).
      const ok = await wx.cloudPay[api](valid);
      expect(ok.returnCode).toBe('SUCCESS');
    });
  }

  test('inside a function (the path the storefront uses): a unifiedOrder without nonceStr is refused, with it accepted', async () => {
    const params = order(tradeNo());
    const { nonceStr: _dropped, ...withoutNonce } = params;
    const refused = await cloud.invoke('pay', { api: 'unifiedOrder', params: withoutNonce }, { openid: 'oCONTRACT' });
    expect(refused.result).toMatchObject({ errCode: 0, returnCode: 'FAIL', returnMsg: expect.stringContaining('nonce_str') });
    const accepted = await cloud.invoke('pay', { api: 'unifiedOrder', params }, { openid: 'oCONTRACT' });
    expect(accepted.result).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS' });
  });

  test('lengths, character sets and types as the reference gives them', async () => {
    const wx = cloud.wx();
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ nonceStr: 'x'.repeat(33) }, 'nonce_str'],
      [{ subMchId: '1'.repeat(33) }, 'sub_mch_id'],
      [{ body: '茶'.repeat(43) }, 'body'], // 129 bytes in UTF-8
      [{ outTradeNo: 'a'.repeat(33) }, 'out_trade_no'],
      [{ outTradeNo: 'order#1' }, 'out_trade_no'],
      [{ totalFee: '100' }, 'total_fee'],
      [{ totalFee: 1.5 }, 'total_fee'],
      [{ spbillCreateIp: 'localhost' }, 'spbill_create_ip'],
      [{ attach: 'x'.repeat(128) }, 'attach'],
      [{ timeExpire: '2026-01-01' }, 'time_expire'],
    ];
    for (const [override, field] of bad) {
      const r = await wx.cloudPay.unifiedOrder({ ...order(tradeNo()), ...override });
      expect({ field, r }).toMatchObject({ field, r: { returnCode: 'FAIL', returnMsg: expect.stringContaining(field) } });
    }
    expect((await wx.cloudPay.unifiedOrder({ ...order(tradeNo()), spbillCreateIp: '::1', body: '茶'.repeat(42) })).returnCode).toBe('SUCCESS');
    const { no } = await paidOrder();
    const longRefundNo = await wx.cloudPay.refund(refundRequest(no, 'R'.repeat(65), 100));
    expect(longRefundNo).toMatchObject({ returnCode: 'FAIL', returnMsg: expect.stringContaining('out_refund_no') });
    const longDesc = await wx.cloudPay.refund({ ...refundRequest(no, `R${tradeNo()}`, 100), refund_desc: '退'.repeat(27) });
    expect(longDesc).toMatchObject({ returnCode: 'FAIL', returnMsg: expect.stringContaining('refund_desc') });
  });
});

describe('refunds', () => {
  test('refund → queryRefund SUCCESS; the same out_refund_no again is the same refund, never a second one', async () => {
    const wx = cloud.wx();
    const { no, transactionId } = await paidOrder(300);
    const first = await wx.cloudPay.refund(refundRequest(no, `R${no}`, 300));
    expect(first).toMatchObject({ errCode: 0, returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNo: `R${no}`, refundFee: 300, transactionId });
    const again = await wx.cloudPay.refund(refundRequest(no, `R${no}`, 300));
    expect(again.refundId).toBe(first.refundId);
    const q = await wx.cloudPay.queryRefund({ sub_mch_id: MCH, nonce_str: 'q', out_refund_no: `R${no}` });
    expect(q).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, outRefundNoList: [`R${no}`], refundStatusList: ['SUCCESS'], refundFeeList: [300] });
    const byOrder = await wx.cloudPay.queryRefund({ sub_mch_id: MCH, nonce_str: 'q', out_trade_no: no });
    expect(byOrder).toMatchObject({ refundCount: 1, refundIdList: [first.refundId] });
    expect((await wx.cloudPay.queryOrder({ sub_mch_id: MCH, nonce_str: 'q', out_trade_no: no })).tradeState).toBe('REFUND');
  });

  test('partial refunds add up to at most the payment; unknown refunds and unpaid orders are refused', async () => {
    const wx = cloud.wx();
    const { no } = await paidOrder(100);
    expect((await wx.cloudPay.refund(refundRequest(no, `A${no}`, 100, 60))).resultCode).toBe('SUCCESS');
    const over = await wx.cloudPay.refund(refundRequest(no, `B${no}`, 100, 41));
    expect(over).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 0 });
    expect((await wx.cloudPay.refund(refundRequest(no, `C${no}`, 100, 40))).resultCode).toBe('SUCCESS');
    const changed = await wx.cloudPay.refund(refundRequest(no, `A${no}`, 100, 50));
    expect(changed).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.any(String) });
    expect((await wx.cloudPay.queryRefund({ sub_mch_id: MCH, nonce_str: 'q', out_refund_no: 'Rnope' })).errCodeDes).toEqual(expect.any(String));
    const unpaid = tradeNo();
    await wx.cloudPay.unifiedOrder(order(unpaid, 100));
    expect((await wx.cloudPay.refund(refundRequest(unpaid, `R${unpaid}`, 100))).resultCode).toBe('FAIL');
  });

  test('the sandbox can be told to refuse refunds; a retry with the same refund number then succeeds once', async () => {
    const wx = cloud.wx();
    const { no } = await paidOrder(200);
    expect((await cloud.local('POST', '/pay/refunds:fail', { outTradeNo: no, times: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const refused = await wx.cloudPay.refund(refundRequest(no, `R${no}`, 200));
      expect(refused).toMatchObject({ errCode: 0, returnCode: 'SUCCESS', resultCode: 'FAIL' });
      expect(refused.errCodeDes).toEqual(expect.any(String));
    }
    expect((await wx.cloudPay.queryRefund({ sub_mch_id: MCH, nonce_str: 'q', out_refund_no: `R${no}` })).resultCode).toBe('FAIL');
    expect((await wx.cloudPay.refund(refundRequest(no, `R${no}`, 200))).resultCode).toBe('SUCCESS');
    expect((await wx.cloudPay.queryRefund({ sub_mch_id: MCH, nonce_str: 'q', out_trade_no: no })).refundCount).toBe(1);
  });

  test('refunds:notify delivers the refund result to the declared function (source wx_paycallback), as often as asked', async () => {
    const wx = cloud.wx();
    const { no, transactionId } = await paidOrder(150);
    await wx.cloudPay.refund(refundRequest(no, `R${no}`, 150));
    const c = (await cloud.local('POST', '/pay/refunds:notify', { outRefundNo: `R${no}`, deliveries: 3 })).json;
    expect(c.deliveries).toEqual([1, 2, 3].map(() => ({ result: { errcode: 0, errmsg: 'OK' } })));
    expect(c.event).toMatchObject({ returnCode: 'SUCCESS', outTradeNo: no, outRefundNo: `R${no}`, transactionId, refundFee: 150, totalFee: 150, refundStatus: 'SUCCESS', successTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    const rows = (await cloud.wx().database().collection('payments').where({ outTradeNo: no }).get()).data;
    expect(rows.filter((x: any) => x.source === 'wx_paycallback')).toHaveLength(4); // the payment and three refund results
    expect((await cloud.local('POST', '/pay/refunds:notify', { outRefundNo: 'Rnope' })).status).toBe(404);
  });
});
