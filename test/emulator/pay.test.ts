/**
 * Payment sandbox: cloudPay.unifiedOrder → payment params; /_emulator/v1/pay/confirm delivers the
 * WeChat Pay notification to the callback function (repeatedly); queryOrder / closeOrder.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
let n = 0;
const tradeNo = () => `T${Date.now()}${++n}`;

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
  const r = await wx.cloudPay.unifiedOrder({ body: 'Tea', outTradeNo: no, spbillCreateIp: '127.0.0.1', subMchId: '1900000109', totalFee: 5, envId: cloud.envId, functionName: 'paycb' });
  expect((await wx.cloudPay.queryOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' })).tradeState).toBe('NOTPAY');
  await cloud.confirmPay(r.payment.package);
  const q = await wx.cloudPay.queryOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' });
  expect(q).toMatchObject({ tradeState: 'SUCCESS', totalFee: 5, resultCode: 'SUCCESS' });
  const close = await wx.cloudPay.closeOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' });
  expect(close).toMatchObject({ resultCode: 'FAIL', errCode: 0, errCodeDes: expect.any(String) });
});

test('a closed order cannot be paid; confirming an unknown package is a 404', async () => {
  const wx = cloud.wx();
  const no = tradeNo();
  const r = await wx.cloudPay.unifiedOrder({ body: 'Cup', outTradeNo: no, spbillCreateIp: '127.0.0.1', subMchId: '1900000109', totalFee: 7, envId: cloud.envId, functionName: 'paycb' });
  expect((await wx.cloudPay.closeOrder({ subMchId: '1900000109', outTradeNo: no, nonceStr: 'x' })).resultCode).toBe('SUCCESS');
  const res = await cloud.local('POST', '/pay/confirm', { package: r.payment.package });
  expect(res.status).toBe(409);
  const unknown = await cloud.local('POST', '/pay/confirm', { package: 'prepay_id=nope' });
  expect(unknown.status).toBe(404);
});

test('unifiedOrder validates outTradeNo and totalFee; same outTradeNo with other params is a duplicate', async () => {
  const wx = cloud.wx();
  const bad = await wx.cloudPay.unifiedOrder({ body: 'x', outTradeNo: 'has space', spbillCreateIp: '127.0.0.1', subMchId: '1', totalFee: 1 });
  expect(bad.returnCode).toBe('FAIL');
  const zero = await wx.cloudPay.unifiedOrder({ body: 'x', outTradeNo: tradeNo(), spbillCreateIp: '127.0.0.1', subMchId: '1', totalFee: 0 });
  expect(zero.returnCode).toBe('FAIL');
  const no = tradeNo();
  const first = await wx.cloudPay.unifiedOrder({ body: 'x', outTradeNo: no, spbillCreateIp: '127.0.0.1', subMchId: '1', totalFee: 3 });
  const same = await wx.cloudPay.unifiedOrder({ body: 'x', outTradeNo: no, spbillCreateIp: '127.0.0.1', subMchId: '1', totalFee: 3 });
  expect(same.prepayId).toBe(first.prepayId);
  const dup = await wx.cloudPay.unifiedOrder({ body: 'x', outTradeNo: no, spbillCreateIp: '127.0.0.1', subMchId: '1', totalFee: 4 });
  expect(dup).toMatchObject({ resultCode: 'FAIL', errCode: 0 });
});
