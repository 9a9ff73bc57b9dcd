/** The shipping information built from an order for WeChat's order-shipping service (pure rules). */
import { itemDesc, maskedPhone, pendingUpload, retryDelayMs, rfc3339China, shippingInfoRequest, uploadNoLongerPossible } from '../../miniprogram/domain/shipping-info';

const order = { _id: 'O1', _openid: 'oBUYER', transactionId: '4200001', lines: [{ title: ' 毛巾 ', qty: 2 }, { title: '牙刷', qty: 1 }], address: { phone: '+86 138-0013-8000' }, carrier: 'ZTO', trackingNo: 'ZT1' };

test('item_desc is title*qty joined by ;, cut to 120 characters', () => {
  expect(itemDesc(order.lines)).toBe('毛巾*2;牙刷*1');
  const long = itemDesc([{ title: '长'.repeat(200), qty: 1 }]);
  expect([...long]).toHaveLength(120);
  expect(long.endsWith('…')).toBe(true);
});

test('phones keep only their last 4 digits', () => {
  expect(maskedPhone('13800138000')).toBe('138****8000');
  expect(maskedPhone('+86 138-0013-8000')).toBe('861****8000');
  expect(maskedPhone('0755-1234')).toBe('****1234');
});

test('upload_time is RFC 3339 in China time', () => {
  expect(rfc3339China(Date.UTC(2026, 0, 1, 4, 0, 0, 5))).toBe('2026-01-01T12:00:00.005+08:00');
});

test('express by transaction id (contact only for SF); self-pickup by merchant number and out_trade_no without carrier', () => {
  const at = Date.UTC(2026, 0, 1);
  expect(shippingInfoRequest(order, 'MCH', at)).toEqual({
    order_key: { order_number_type: 2, transaction_id: '4200001' },
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ item_desc: '毛巾*2;牙刷*1', tracking_no: 'ZT1', express_company: 'ZTO' }],
    upload_time: '2026-01-01T08:00:00.000+08:00',
    payer: { openid: 'oBUYER' },
  });
  expect((shippingInfoRequest({ ...order, carrier: 'SF' }, 'MCH', at).shipping_list as object[])[0]).toMatchObject({ contact: { receiver_contact: '861****8000' } });
  const pickup = shippingInfoRequest({ ...order, transactionId: undefined, fulfilment: 'pickup' }, 'MCH', at);
  expect(pickup).toMatchObject({ order_key: { order_number_type: 1, mchid: 'MCH', out_trade_no: 'O1' }, logistics_type: 4, shipping_list: [{ item_desc: '毛巾*2;牙刷*1' }] });
  expect(pendingUpload('pickup', at)).toMatchObject({ state: 'pending', logisticsType: 4, attempts: 0, nextAttemptAt: at });
});

test('retries wait 1, 2, 4 … minutes, at most an hour', () => {
  expect([1, 2, 3, 7, 8, 20].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000]);
});

describe('uploadNoLongerPossible: when WeChat will never take the shipment', () => {
  const lines = [{ qty: 2 }, { qty: 1 }] as never;
  const order = (status: string, afterSales?: unknown) => ({ status, total: 5000, lines, afterSales }) as never;
  const tally = (fees: number[], shippingFee: number, states: Record<string, string>) => ({ lines: fees.map((fee) => ({ qty: 1, fee })), shippingFee, count: Object.keys(states).length, states });

  test('a shipped order without refunds, or refunded in part, still uploads', () => {
    expect(uploadNoLongerPossible(order('shipped'))).toBeNull();
    expect(uploadNoLongerPossible(order('shipped', tally([3000, 0], 0, { A1: 'refunded' })))).toBeNull();
    // The shipping fee stays paid after shipping: WeChat still holds that much.
    expect(uploadNoLongerPossible(order('completed', tally([3000, 1200], 0, { A1: 'refunded' })))).toBeNull();
  });

  test('refunds still under way or refused do not count', () => {
    expect(uploadNoLongerPossible(order('shipped', tally([3800, 1200], 0, { A1: 'refunded', A2: 'refunding' })))).toBeNull();
    expect(uploadNoLongerPossible(order('shipped', tally([0, 0], 0, { A1: 'refused' })))).toBeNull();
  });

  test('every fen refunded, or an order that never ships', () => {
    expect(uploadNoLongerPossible(order('shipped', tally([3800, 1200], 0, { A1: 'refunded', A2: 'refunded' })))).toBe('订单已全额退款');
    expect(uploadNoLongerPossible(order('shipped', tally([3800, 1200], 0, { A1: 'refused', A2: 'refunded' })))).toBe('订单已全额退款');
    for (const status of ['cancelled', 'expired', 'refunded']) expect(uploadNoLongerPossible(order(status))).toBe('订单已关闭或已退款');
  });
});
