/**
 * The trust rules through the real functions on the local cloud: timers only for the platform (or an
 * operator with the merchant key), no OPENID and no key is a stranger, attribution decided on the
 * server (forged or self referrals and forged campaign, store and scene fields are not credited), and
 * the attribution window.
 */
import { connect, invokeFunction } from '../../admin/cloud';
import { localMerchantKey } from '../../admin/merchant-key';
import { callAction } from '../../server/call-action';
import type { FunctionName } from '../../typings/api';
import { startCloud, useCloud } from '../helpers/cloud';
import { ADDRESS, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, snapshot } from '../support';

jest.setTimeout(120_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const FUNCTIONS: FunctionName[] = ['catalog', 'inventory', 'orders', 'scenes'];
const TIMER = { Type: 'Timer', TriggerName: 'expireOrders', Time: '2026-01-01T00:00:00Z' };

/** The merchant tools' way to call functions (node-sdk callFunction + the merchant key). */
const tools = () => invokeFunction(connect({ kind: 'local', envId: cloud.envId, cloudUrl: cloud.url }));

beforeAll(async () => {
  await ensureCollections(cloud);
  await seed(cloud, 'products', [productDoc('trust-1', [{ skuId: 's', price: 1500, stock: 100 }])]);
});

async function order(openid: string, attribution?: Record<string, unknown>, id = requestId(openid)) {
  const req = { action: 'create' as const, requestId: id, lines: [{ productId: 'trust-1', skuId: 's', qty: 1 }], address: ADDRESS, ...(attribution ? { attribution } : {}) };
  return dataOf(await call(cloud, 'orders', req, openid)).order;
}

/** The attribution the server stored on an order (the view does not return it). */
const storedAttribution = async (orderId: string) => (await getDoc(cloud, 'orders', orderId)).attribution;

async function qrCode(campaign: string, store: string): Promise<string> {
  const made = await call(cloud, 'scenes', { action: 'create', target: { page: 'pages-shop/product/index', query: { id: 'trust-1' } }, campaign, channel: 'poster', store });
  return dataOf(made).scene;
}

describe('timers run only for the platform', () => {
  test('the timer event shape from a shopper, a stranger or a wrong key runs nothing, in any function; the platform and an operator with the key do', async () => {
    const pending = await order('oTIMER');
    await cloud.wx().database().collection('orders').doc(pending._id).update({ data: { expireAt: Date.now() - 1000 } });
    const before = await snapshot(cloud);
    const node = cloud.node();
    for (const fn of FUNCTIONS) {
      for (const source of ['wx_client', 'wx_devtools', 'wx_client,scf', 'wx_trigger,scf']) {
        const asShopper = await cloud.invoke(fn, TIMER, { openid: 'oTIMER', source });
        expect([fn, source, asShopper.result]).toEqual([fn, source, expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'PERMISSION_DENIED' }) })]);
      }
      const stranger = (await node.callFunction({ name: fn, data: TIMER })).result;
      expect(errorOf(stranger)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/商家/) });
      const wrongKey = (await node.callFunction({ name: fn, data: { ...TIMER, merchantKey: 'x'.repeat(40) } })).result;
      expect(errorOf(wrongKey)).toMatchObject({ code: 'PERMISSION_DENIED', message: '商家密钥无效' });
    }
    expect(await snapshot(cloud)).toEqual(before);
    expect((await getDoc(cloud, 'orders', pending._id)).status).toBe('pending_payment');

    // An operator running the sweep by hand with the merchant key: it runs (and expires the order).
    const byHand = await tools()('orders', TIMER);
    expect(byHand).toMatchObject({ ok: true });
    expect((await getDoc(cloud, 'orders', pending._id)).status).toBe('expired');
    // A function that declares no such timer refuses the operator too, with nothing run.
    expect(await tools()('inventory', TIMER)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    // The platform's own trigger (SOURCE wx_trigger) still runs.
    expect((await cloud.fireTimer('orders', 'expireOrders')).result).toMatchObject({ ok: true });
  });
});

describe('no OPENID is a stranger unless it carries the merchant key', () => {
  test('a stranger may browse but not act; the key makes a merchant call, never a shopper', async () => {
    const node = cloud.node();
    expect((await node.callFunction({ name: 'catalog', data: { action: 'list' } })).result).toMatchObject({ ok: true });
    for (const [fn, data] of [
      ['orders', { action: 'list' }],
      ['scenes', { action: 'referralCode' }],
      ['scenes', { action: 'shareLanding', referralCode: 'Abc123' }],
    ] as const) {
      expect(errorOf((await node.callFunction({ name: fn, data })).result)).toMatchObject({ code: 'UNAUTHENTICATED' });
      // The key proves a merchant, not a shopper: actions on a shopper's behalf still need the OPENID.
      expect(await tools()(fn, data)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    // The key is taken out before validation: it never reaches the action or its records.
    const made = await callAction(tools(), 'scenes', 'create', { target: { page: 'pages/catalog/index', query: {} }, campaign: 'keytest' });
    const doc = await getDoc(cloud, 'scenes', dataOf(made).scene.replace(/^s=/, ''));
    expect(JSON.stringify(doc)).not.toContain(localMerchantKey());
  });

  test('a function without a usable MERCHANT_KEY accepts no key at all (fail closed)', async () => {
    const bare = await startCloud({ functionsDir: 'cloudfunctions', functionEnv: { MERCHANT_KEY: '' } });
    try {
      const r = await bare.node().callFunction({ name: 'scenes', data: { action: 'create', target: { page: 'pages/catalog/index', query: {} }, merchantKey: localMerchantKey() } });
      expect(errorOf(r.result)).toMatchObject({ code: 'PERMISSION_DENIED', message: '云函数未配置商家密钥，暂不能执行商家操作' });
    } finally {
      await bare.stop();
    }
  });
});

describe('attribution is decided on the server', () => {
  test('a real share card credits its sharer; a forged code and the buyer\'s own code credit nobody', async () => {
    const code = dataOf(await call(cloud, 'scenes', { action: 'referralCode' }, 'oSHARER')).referralCode;

    expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: code }, 'oFRIEND'))).toEqual({ credited: true });
    const friends = await order('oFRIEND');
    expect(await storedAttribution(friends._id)).toEqual({ referralCode: code, scannedAt: expect.any(Number) });

    // A forged code: nothing recorded, and the client's own claim is ignored.
    expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: 'Forged1234' }, 'oFORGER'))).toEqual({ credited: false });
    const forged = await order('oFORGER', { referralCode: 'Forged1234', launchScene: 1007 });
    expect(await storedAttribution(forged._id)).toEqual({});

    // The sharer's own card: not a referral, whatever the client sends.
    expect(dataOf(await call(cloud, 'scenes', { action: 'shareLanding', referralCode: code }, 'oSHARER'))).toEqual({ credited: false });
    const own = await order('oSHARER', { referralCode: code });
    expect(await storedAttribution(own._id)).toEqual({});
  });

  test('forged campaign, channel, store and scene fields are not credited; the scanned code\'s own fields are', async () => {
    const scene = await qrCode('spring', 'sz01');
    expect(dataOf(await call(cloud, 'scenes', { action: 'resolve', scene }, 'oSCANNER')).attribution).toMatchObject({ campaign: 'spring', store: 'sz01' });
    const forgedFields = { sceneCode: 's=Forged99', campaign: 'forged', channel: 'sms', store: 'evil01', referralCode: 'Forged1234' };
    const scanned = await order('oSCANNER', forgedFields);
    expect(await storedAttribution(scanned._id)).toEqual({ sceneCode: scene, campaign: 'spring', channel: 'poster', store: 'sz01', scannedAt: expect.any(Number) });

    // Someone who scanned nothing gets nothing for claiming a campaign.
    const claimed = await order('oCLAIMER', forgedFields);
    expect(await storedAttribution(claimed._id)).toEqual({});
    // A scan without an OPENID (a preview, a crawler) is counted but credits no one.
    expect((await cloud.node().callFunction({ name: 'scenes', data: { action: 'resolve', scene } })).result).toMatchObject({ ok: true });
  });

  test('the latest scan wins; a retry with other client attribution is the same order, not a conflict', async () => {
    const code = dataOf(await call(cloud, 'scenes', { action: 'referralCode' }, 'oSHARER2')).referralCode;
    const scene = await qrCode('summer', 'gz02');
    await call(cloud, 'scenes', { action: 'shareLanding', referralCode: code }, 'oLATEST');
    await call(cloud, 'scenes', { action: 'resolve', scene }, 'oLATEST');
    const id = requestId('oLATEST');
    const first = await order('oLATEST', { campaign: 'a' }, id);
    expect(await storedAttribution(first._id)).toMatchObject({ sceneCode: scene, campaign: 'summer' });
    expect((await storedAttribution(first._id)).referralCode).toBeUndefined();
    const retry = await order('oLATEST', { campaign: 'b' }, id);
    expect(retry._id).toBe(first._id);
  });

  test('a scan counts for 24 hours by default; config/orders.attributionWindowHours changes that', async () => {
    const scene = await qrCode('autumn', 'sh03');
    await call(cloud, 'scenes', { action: 'resolve', scene }, 'oWINDOW');
    await cloud.setClock({ advanceMs: 25 * 3_600_000 });
    try {
      const late = await order('oWINDOW');
      expect(await storedAttribution(late._id)).toEqual({});
      await cloud.wx().database().collection('config').doc('orders').set({ data: { attributionWindowHours: 48 } });
      const within = await order('oWINDOW');
      expect(await storedAttribution(within._id)).toMatchObject({ campaign: 'autumn', store: 'sh03' });
    } finally {
      await cloud.wx().database().collection('config').doc('orders').remove().catch(() => undefined);
      await cloud.setClock({ reset: true });
    }
  });
});
