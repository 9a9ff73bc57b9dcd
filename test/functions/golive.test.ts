/**
 * Going live through the real orders function on the local cloud: remarks pass WeChat's content check
 * (by cloud call, declared in config.json) before an order is written, and shipping fees come from the
 * merchant's template in config/shipping, priced on the server whatever the client sends.
 */
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf as dataOfReply, ensureCollections, errorOf, getDoc, productDoc, requestId, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
/** The data of a successful reply, loosely typed for assertions. */
const dataOf = (reply: any): any => dataOfReply(reply);
const config = () => cloud.wx().database().collection('config');

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('gl-tea', [{ skuId: 'std', price: 5000, stock: 100 }])]);
}, 60_000);

afterEach(async () => {
  await config().doc('shipping').remove().catch(() => undefined);
  await cloud.local('DELETE', '/openapi/seccheck');
});

const lines = (qty: number) => [{ productId: 'gl-tea', skuId: 'std', qty }];
const create = (openid: string, extra: Record<string, unknown> = {}): Promise<any> =>
  call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: lines(1), address: ADDRESS, ...extra } as never, openid);

describe('content security', () => {
  test('a remark with blocked text is refused in Chinese and nothing is written', async () => {
    const before = (await getDoc(cloud, 'products', 'gl-tea')).skus[0].stock;
    const r = await create('oGL_BLOCK', { remark: '需要代开发票，谢谢' });
    expect(r.ok).toBe(false);
    expect(errorOf(r)).toMatchObject({ code: 'INVALID_ARGUMENT', message: '备注含有不适宜公开的内容，请修改后再提交', issues: [{ path: 'remark' }] });
    expect(await all(cloud, 'orders', { _openid: 'oGL_BLOCK' })).toEqual([]);
    expect(await all(cloud, 'idempotency', { _openid: 'oGL_BLOCK' })).toEqual([]);
    expect((await getDoc(cloud, 'products', 'gl-tea')).skus[0].stock).toBe(before);
    // The check was a real cloud call from the orders function, as the writer.
    const { json } = await cloud.local('GET', '/openapi/outbox');
    expect(json.outbox).toContainEqual(expect.objectContaining({ apiName: 'security.msgSecCheck', functionName: 'orders', openid: 'oGL_BLOCK', params: expect.objectContaining({ openid: 'oGL_BLOCK', scene: 2, version: 2, content: '需要代开发票，谢谢' }) }));
  });

  test('"review" is refused too; an ordinary remark is stored; no remark makes no call', async () => {
    expect(errorOf(await create('oGL_REVIEW', { remark: '待人工复核的内容' })).code).toBe('INVALID_ARGUMENT');
    const ok = await create('oGL_OK', { remark: '请周末送货' });
    expect(dataOf(ok).order.remark).toBe('请周末送货');
    const calls = async () => (await cloud.local('GET', '/openapi/outbox')).json.outbox.filter((e: any) => e.openid === 'oGL_NONE').length;
    await create('oGL_NONE');
    expect(await calls()).toBe(0);
  });

  test('a retry of a checkout that went through answers with its order, even when its remark would be refused now', async () => {
    const req = { action: 'create', requestId: requestId('oGL_RETRYREMARK'), lines: lines(1), address: ADDRESS, remark: '请周末送货' } as never;
    const first = await call(cloud, 'orders', req, 'oGL_RETRYREMARK');
    expect(first.ok).toBe(true);
    await cloud.local('PUT', '/openapi/seccheck', { words: [{ text: '周末', label: 21000 }] });
    expect(await call(cloud, 'orders', req, 'oGL_RETRYREMARK')).toEqual(first);
    expect(await all(cloud, 'orders', { _openid: 'oGL_RETRYREMARK' })).toHaveLength(1);
  });

  test('the block list is the local cloud\'s to configure', async () => {
    await cloud.local('PUT', '/openapi/seccheck', { words: [{ text: '周末', label: 21000 }] });
    expect(errorOf(await create('oGL_CUSTOM', { remark: '请周末送货' })).message).toBe('备注含有不适宜公开的内容，请修改后再提交');
  });
});

describe('shipping fee templates', () => {
  const template = { defaultFee: 1000, freeFrom: 20000, regions: [{ provinces: ['新疆维吾尔自治区', '西藏自治区'], fee: 3000 }, { provinces: ['广东'], fee: 500 }] };
  const xinjiang = { ...ADDRESS, province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区' };

  test('without a template: the default ¥8, free from ¥99', async () => {
    const r = await call(cloud, 'orders', { action: 'quote', lines: lines(1), province: '新疆维吾尔自治区' }, 'oGL_Q');
    expect(dataOf(r)).toMatchObject({ itemsTotal: 5000, shippingFee: 800, total: 5800, freeShippingFrom: 9900 });
  });

  test('quote and create charge the region fee of the address, and nothing past the threshold', async () => {
    await config().doc('shipping').set({ data: template });
    const quote = async (province: string | undefined, qty: number) => dataOf(await call(cloud, 'orders', { action: 'quote', lines: lines(qty), ...(province ? { province } : {}) }, 'oGL_Q'));
    expect(await quote('新疆维吾尔自治区', 1)).toMatchObject({ shippingFee: 3000, total: 8000, freeShippingFrom: 20000 });
    expect(await quote('广东省', 1)).toMatchObject({ shippingFee: 500, total: 5500 });
    expect(await quote('浙江省', 1)).toMatchObject({ shippingFee: 1000, total: 6000 });
    expect(await quote(undefined, 1)).toMatchObject({ shippingFee: 1000 });
    expect(await quote('新疆维吾尔自治区', 4)).toMatchObject({ itemsTotal: 20000, shippingFee: 0, total: 20000 });

    const far = dataOf(await create('oGL_FAR', { address: xinjiang })).order;
    expect(far).toMatchObject({ itemsTotal: 5000, shippingFee: 3000, total: 8000 });
    const near = dataOf(await create('oGL_NEAR')).order;
    expect(near).toMatchObject({ shippingFee: 500, total: 5500 });
    expect(await getDoc(cloud, 'orders', far._id)).toMatchObject({ shippingFee: 3000, total: 8000 });
  });

  test('config/orders and config/shipping both apply to one checkout (read together)', async () => {
    await config().doc('shipping').set({ data: template });
    await config().doc('orders').set({ data: { paymentWindowMinutes: 30 } });
    try {
      const order = dataOf(await create('oGL_BOTH', { address: xinjiang })).order;
      expect(order).toMatchObject({ shippingFee: 3000, total: 8000 });
      expect(order.expireAt - order.createdAt).toBe(30 * 60_000);
    } finally {
      await config().doc('orders').remove().catch(() => undefined);
    }
  });

  test('a fee or total sent by the client is ignored: the server prices the order', async () => {
    await config().doc('shipping').set({ data: template });
    const r = await create('oGL_CHEAT', { address: xinjiang, shippingFee: 0, total: 1, itemsTotal: 1 });
    expect(dataOf(r).order).toMatchObject({ itemsTotal: 5000, shippingFee: 3000, total: 8000 });
    const q: any = await call(cloud, 'orders', { action: 'quote', lines: lines(1), province: '新疆维吾尔自治区', shippingFee: 0 } as never, 'oGL_Q');
    expect(dataOf(q).shippingFee).toBe(3000);
  });

  test('a broken template (edited by hand) falls back to the default, and is logged', async () => {
    await config().doc('shipping').set({ data: { defaultFee: '10元', regions: [] } });
    const r = await call(cloud, 'orders', { action: 'quote', lines: lines(1), province: '西藏自治区' }, 'oGL_Q');
    expect(dataOf(r)).toMatchObject({ shippingFee: 800, freeShippingFrom: 9900 });
    const logs = await cloud.logs({ function: 'orders' });
    expect(JSON.stringify(logs)).toContain('config/shipping is invalid');
  });

  test('a province that is not text is refused before pricing', async () => {
    const r = await call(cloud, 'orders', { action: 'quote', lines: lines(1), province: 42 } as never, 'oGL_Q');
    expect(errorOf(r).code).toBe('INVALID_ARGUMENT');
  });
});
