/**
 * WeChat's order-shipping service on the local cloud through the real wx-server-sdk
 * (`openapi.wxa.sec.order.uploadShippingInfo` / `getOrder`): the documented request checks and their
 * errcodes, the payment checked at the pay sandbox, the one re-shipment a payment allows, the record
 * of accepted uploads and the fault switch.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
const MCH = '1900000109';
const PAYER = 'oSHIPPER_1';
let n = 0;

async function paidPayment(pay = true) {
  const outTradeNo = `S${Date.now()}${++n}`;
  const r = await cloud.wx().cloudPay.unifiedOrder({ functionName: 'paycb', envId: cloud.envId, subMchId: MCH, nonceStr: `n${n}`, body: '毛巾', outTradeNo, totalFee: 100, spbillCreateIp: '127.0.0.1', openid: PAYER });
  if (!pay) return { outTradeNo, transactionId: '' };
  const c = await cloud.confirmPay(r.payment.package, 0);
  return { outTradeNo, transactionId: c.transactionId as string };
}

const upload = (params: Record<string, unknown>) => cloud.wx().openapi.wxa.sec.order.uploadShippingInfo(params);
const getOrder = (params: Record<string, unknown>) => cloud.wx().openapi.wxa.sec.order.getOrder(params);

function valid(transactionId: string, overrides: Record<string, unknown> = {}) {
  return {
    order_key: { order_number_type: 2, transaction_id: transactionId },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ tracking_no: 'ZT123456789', express_company: 'ZTO', item_desc: '纯棉毛巾*1' }],
    upload_time: '2026-01-01T12:00:00.000+08:00',
    payer: { openid: PAYER },
    ...overrides,
  };
}

const errcodeOf = (p: Promise<unknown>) => p.then(() => 0, (e: { errCode: number }) => e.errCode);

test('a valid upload is accepted; get_order reports it shipped with its parcel', async () => {
  const { outTradeNo, transactionId } = await paidPayment();
  expect(await getOrder({ transaction_id: transactionId })).toMatchObject({ errCode: 0, order: { orderState: 1, merchantTradeNo: outTradeNo, openid: PAYER, paidAmount: 100 } });
  expect(await upload(valid(transactionId))).toMatchObject({ errCode: 0, errMsg: 'openapi.wxa.sec.order.uploadShippingInfo:ok' });
  const answer = await getOrder({ merchant_id: MCH, merchant_trade_no: outTradeNo });
  expect(answer.order).toMatchObject({ orderState: 2, transactionId, shipping: { deliveryMode: 1, logisticsType: 1, finishShippingCount: 1, shippingList: [{ trackingNo: 'ZT123456789', expressCompany: 'ZTO' }] } });
  const { json } = await cloud.local('GET', '/openapi/shipping');
  expect(json.payments.find((p: { transactionId: string }) => p.transactionId === transactionId)).toMatchObject({ outTradeNo, orderState: 2, reshipUsed: false, uploads: [{ request: valid(transactionId) }] });
});

test('the documented checks answer WeChat\'s errcodes and keep nothing', async () => {
  const { outTradeNo, transactionId } = await paidPayment();
  const cases: [Record<string, unknown>, number][] = [
    [{ order_key: undefined }, 47001],
    [{ order_key: { order_number_type: 1, out_trade_no: outTradeNo } }, 47001],
    [{ logistics_type: 5 }, 47001],
    [{ delivery_mode: 'UNIFIED_DELIVERY' }, 47001],
    [{ payer: {} }, 47001],
    [{ shipping_list: { item_desc: 'x' } }, 47001],
    [{ shipping_list: [{ item_desc: 'a', tracking_no: 'T1', express_company: 'ZTO' }, { item_desc: 'b', tracking_no: 'T2', express_company: 'ZTO' }] }, 268485228],
    [{ shipping_list: [{ item_desc: 'x'.repeat(121), tracking_no: 'T1', express_company: 'ZTO' }] }, 47001],
    [{ shipping_list: [{ item_desc: '毛巾*1' }] }, 47001],
    [{ shipping_list: [{ item_desc: '毛巾*1', tracking_no: 'SF1', express_company: 'SF' }] }, 47001],
    [{ shipping_list: [{ item_desc: '毛巾*1', tracking_no: 'SF1', express_company: 'SF', contact: { receiver_contact: '138********' } }] }, 47001],
    [{ delivery_mode: 2, is_all_delivered: true, logistics_type: 4 }, 47001],
    [{ upload_time: '2026-01-01 12:00:00' }, 268485216],
    [{ upload_time: '2026-01-01T12:00:00.000 08:00' }, 268485216],
    [{ payer: { openid: 'oSOMEONE_ELSE' } }, 47001],
    [{ order_key: { order_number_type: 2, transaction_id: '4200000000000000' } }, 10060001],
    [{ order_key: { order_number_type: 1, mchid: '1234567890', out_trade_no: outTradeNo } }, 10060001],
  ];
  for (const [overrides, code] of cases) expect([overrides, await errcodeOf(upload(valid(transactionId, overrides)))]).toEqual([overrides, code]);
  const unpaid = await paidPayment(false);
  expect(await errcodeOf(upload(valid(transactionId, { order_key: { order_number_type: 1, mchid: MCH, out_trade_no: unpaid.outTradeNo } })))).toBe(10060001);
  const { json } = await cloud.local('GET', '/openapi/shipping');
  expect(json.payments.find((p: { transactionId: string }) => p.transactionId === transactionId)).toBeUndefined();
  // Self-pickup needs no carrier; by merchant number and out_trade_no.
  expect(await upload(valid(transactionId, { logistics_type: 4, shipping_list: [{ item_desc: '毛巾*1' }], order_key: { order_number_type: 1, mchid: MCH, out_trade_no: outTradeNo } }))).toMatchObject({ errCode: 0 });
});

test('one re-shipment per payment: a second upload is it, a third is refused with 10060003', async () => {
  const { transactionId } = await paidPayment();
  await upload(valid(transactionId));
  expect(await errcodeOf(upload(valid(transactionId)))).toBe(47001); // not later than the previous upload
  expect(await upload(valid(transactionId, { upload_time: '2026-01-02T12:00:00+08:00', shipping_list: [{ tracking_no: 'YT987654321', express_company: 'YTO', item_desc: '纯棉毛巾*1' }] }))).toMatchObject({ errCode: 0 });
  expect((await getOrder({ transaction_id: transactionId })).order.shipping).toMatchObject({ finishShippingCount: 2, shippingList: [{ trackingNo: 'YT987654321' }] });
  expect(await errcodeOf(upload(valid(transactionId, { upload_time: '2026-01-03T12:00:00Z' })))).toBe(10060003);
  const { json } = await cloud.local('GET', '/openapi/shipping');
  expect(json.payments.find((p: { transactionId: string }) => p.transactionId === transactionId)).toMatchObject({ reshipUsed: true, uploads: [{}, {}] });
});

test('the fault switch: `error` refuses before keeping anything, `lost` keeps the upload and loses the answer', async () => {
  const { transactionId } = await paidPayment();
  expect((await cloud.local('POST', '/openapi/shipping:fail', { mode: 'sometimes' })).status).toBe(400);
  await cloud.local('POST', '/openapi/shipping:fail', { mode: 'error' });
  expect(await errcodeOf(upload(valid(transactionId)))).toBe(-1);
  expect((await getOrder({ transaction_id: transactionId })).order.orderState).toBe(1);
  await cloud.local('POST', '/openapi/shipping:fail', { mode: 'lost' });
  expect(await errcodeOf(upload(valid(transactionId)))).toBe(-1);
  expect((await getOrder({ transaction_id: transactionId })).order.orderState).toBe(2);
  expect(await errcodeOf(getOrder({}))).toBe(47001);
});
