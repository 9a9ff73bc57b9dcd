/**
 * The merchant function's reports and raw order edits, through the real functions in the local cloud:
 * per-code scans, orders and revenue; scans and orders by campaign, channel, store and sharer, with
 * filters and a period; what the server decided counts (a forged referral credits nobody); merchant
 * callers only; a raw order edit sets other fields and refuses status, money, lines and attribution.
 */
import type { ActionEvent, ActionName } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>, openid?: string | 'stranger') => call<'merchant', A>(cloud, 'merchant', event, openid);

let poster = '';
let product = '';
const orders: Record<string, string> = {};

async function buy(openid: string, qty: number, pay: boolean): Promise<string> {
  const created = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId: 'rp-1', skuId: 'a', qty }], address: ADDRESS }, openid));
  if (pay) {
    const payment = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: created.order._id }, openid));
    await cloud.confirmPay(payment.payment.package, 1);
  }
  return created.order._id;
}

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('rp-1', [{ skuId: 'a', price: 1500, stock: 50 }], { title: '报表测试商品' })]);
  poster = dataOf(await call(cloud, 'scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, campaign: 'spring', channel: 'poster', store: 'sh-01' })).scene;
  product = dataOf(await call(cloud, 'scenes', { action: 'create', target: { page: 'pages/product/index', query: { id: 'rp-1' } } })).scene;
  for (const openid of ['oR1', 'oR2', 'oR3']) dataOf(await call(cloud, 'scenes', { action: 'resolve', scene: poster }, openid));
  dataOf(await call(cloud, 'scenes', { action: 'resolve', scene: product }, 'oR4'));
  // A share card: oR5 lands through oSHARER's card; oR6 sends a code no sharer has (credits nobody).
  const code = dataOf(await call(cloud, 'scenes', { action: 'referralCode' }, 'oSHARER')).referralCode;
  expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: code }, 'oR5')).credited).toBe(true);
  expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: 'FORGED1234' }, 'oR6')).credited).toBe(false);
  orders.r1 = await buy('oR1', 2, true); // poster, paid 3000
  orders.r2 = await buy('oR2', 1, false); // poster, unpaid
  orders.r4 = await buy('oR4', 1, true); // product code, paid 1500
  orders.r5 = await buy('oR5', 1, true); // referral, paid 1500
  orders.r6 = await buy('oR6', 1, true); // nothing (forged referral), paid 1500
  orders.code = code;
}, 120_000);

test('scanReport: every code with its scans, orders, paid orders and revenue; merchants only', async () => {
  const report = dataOf(await merchant({ action: 'scanReport' }));
  const byScene = new Map(report.codes.map((c) => [c.scene, c]));
  expect(byScene.get(poster)).toMatchObject({ kind: 'campaign', campaign: 'spring', channel: 'poster', store: 'sh-01', productId: null, scans: 3, orders: 2, paidOrders: 1, revenue: 3000 + 800 });
  expect(byScene.get(product)).toMatchObject({ kind: 'product', productId: 'rp-1', productTitle: '报表测试商品', scans: 1, orders: 1, paidOrders: 1, revenue: 1500 + 800 });
  expect(report.totals).toEqual({ scans: 4, orders: 3, paidOrders: 2, revenue: 3800 + 2300 });
  expect(errorOf(await merchant({ action: 'scanReport' }, 'oR1')).code).toBe('PERMISSION_DENIED');
  expect(errorOf(await merchant({ action: 'scanReport' }, 'stranger')).code).toBe('UNAUTHENTICATED');
});

test('attributionReport: by campaign, store and sharer, with filters and a period; a forged referral counts for nobody', async () => {
  const byCampaign = dataOf(await merchant({ action: 'attributionReport', by: 'campaign' }));
  expect(byCampaign.rows).toEqual([{ key: 'spring', scans: 3, orders: 2, paidOrders: 1, revenue: 3800 }]);
  // The product code's scan and order, the referral's and the direct one have no campaign.
  expect(byCampaign.none).toEqual({ scans: 1, orders: 3, paidOrders: 3, revenue: 3 * 2300 });
  expect(byCampaign.totals).toEqual({ scans: 4, orders: 5, paidOrders: 4, revenue: 3800 + 3 * 2300 });

  const byReferral = dataOf(await merchant({ action: 'attributionReport', by: 'referral' }));
  expect(byReferral.rows).toEqual([{ key: orders.code, scans: 1, orders: 1, paidOrders: 1, revenue: 2300 }]);
  expect(byReferral.rows.map((r) => r.key)).not.toContain('FORGED1234');
  expect(dataOf(await merchant({ action: 'attributionReport', by: 'channel', referral: 'any' })).totals).toMatchObject({ orders: 1, revenue: 2300 });

  const store = dataOf(await merchant({ action: 'attributionReport', by: 'channel', store: 'sh-01' }));
  expect(store.rows).toEqual([{ key: 'poster', scans: 3, orders: 2, paidOrders: 1, revenue: 3800 }]);
  expect(store.none).toEqual({ scans: 0, orders: 0, paidOrders: 0, revenue: 0 });

  // A period that ended before everything: nothing; one that holds now: everything.
  const now = Date.now();
  expect(dataOf(await merchant({ action: 'attributionReport', by: 'store', to: now - 86_400_000 })).totals).toEqual({ scans: 0, orders: 0, paidOrders: 0, revenue: 0 });
  expect(dataOf(await merchant({ action: 'attributionReport', by: 'store', from: now - 86_400_000, to: now + 86_400_000 })).totals.orders).toBe(5);

  expect(errorOf(await merchant({ action: 'attributionReport', by: 'nope' as 'store' })).code).toBe('INVALID_ARGUMENT');
  expect(errorOf(await merchant({ action: 'attributionReport', by: 'campaign' }, 'oR1')).code).toBe('PERMISSION_DENIED');
});

test('editOrder: other fields are set; status, stamps, money, lines, owner and attribution are refused; merchants only', async () => {
  const before = await getDoc(cloud, 'orders', orders.r1);
  const { _id, ...fields } = before;
  void _id;
  const edited = dataOf(await merchant({ action: 'editOrder', orderId: orders.r1, doc: { ...fields, remark: '周末送货' } }));
  expect(edited.order).toMatchObject({ status: 'paid', remark: '周末送货' });
  for (const change of [{ status: 'shipped' }, { total: 1 }, { lines: [] }, { _openid: 'oOTHER' }, { attribution: { campaign: 'forged' } }, { paidAt: 1 }]) {
    const refused = errorOf(await merchant({ action: 'editOrder', orderId: orders.r1, doc: { ...fields, ...change } }));
    expect({ change, code: refused.code, detail: refused.detail }).toEqual({ change, code: 'INVALID_STATE', detail: expect.stringContaining(`${Object.keys(change)[0]} change only through the order actions`) });
  }
  expect(await getDoc(cloud, 'orders', orders.r1)).toMatchObject({ status: 'paid', total: before.total, _openid: 'oR1', remark: '周末送货' });
  expect(errorOf(await merchant({ action: 'editOrder', orderId: 'no-such-order', doc: { remark: 'x' } })).code).toBe('NOT_FOUND');
  expect(errorOf(await merchant({ action: 'editOrder', orderId: orders.r1, doc: { remark: 'x' } }, 'oR1')).code).toBe('PERMISSION_DENIED');
});
