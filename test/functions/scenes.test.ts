/**
 * scenes (QR codes and referral codes) through the real function: wxacode.getUnlimited via the
 * emulator's open API, the PNG in cloud storage, deterministic codes, scan counting.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { SCENE_ALLOWED, SCENE_MAX_LENGTH } from '../../miniprogram/domain/scene-codec';
import { candidateCode, canonicalTarget } from '../../server/scenes';
import type { ActionRequest } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { all, call, ensureCollections, getDoc, seed, dataOf } from '../support';
import { connect, invokeFunction } from '../../admin/cloud';
import { localMerchantKey } from '../../admin/merchant-key';
import { callAction } from '../../server/call-action';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });

beforeAll(async () => {
  await ensureCollections(cloud);
  await cloud.wx().database().collection('config').doc('merchants').set({ data: { openids: ['oMERCHANT'] } });
});

const outbox = async (): Promise<any[]> => (await cloud.local('GET', '/openapi/outbox')).json.outbox;
const create = (req: ActionRequest<'scenes', 'create'>) => call(cloud, 'scenes', { action: 'create', ...req }, 'oMERCHANT');

test('create is for merchants: a shopper and a stranger are refused and nothing is made; the merchant key and listed merchants may', async () => {
  const target = { page: 'pages-shop/product/index', query: { id: 'perm-1' } };
  const before = (await all(cloud, 'scenes', {})).length;
  const shopper = await call(cloud, 'scenes', { action: 'create', target }, 'oSHOPPER');
  expect(shopper).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  // The node-sdk with the environment's credentials but no merchant key: no OPENID proves nothing.
  const bare = await cloud.node().callFunction({ name: 'scenes', data: { action: 'create', target } });
  expect(bare.result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/商家/) } });
  const forged = await cloud.node().callFunction({ name: 'scenes', data: { action: 'create', target, merchantKey: `${localMerchantKey()}-guess` } });
  expect(forged.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED', message: '商家密钥无效' } });
  expect(await all(cloud, 'scenes', {})).toHaveLength(before);

  const server = await call(cloud, 'scenes', { action: 'create', target });
  expect(server.ok).toBe(true);
  const merchant = await create({ target });
  expect(dataOf(merchant).scene).toBe(dataOf(server).scene);
  // The merchant tools' own path: node-sdk callFunction through admin/cloud.ts invokeFunction.
  const tools = connect({ kind: 'local', envId: cloud.envId, cloudUrl: cloud.url });
  const viaTools = await callAction(invokeFunction(tools), 'scenes', 'create', { target });
  expect(dataOf(viaTools).scene).toBe(dataOf(server).scene);
});

test('create: short scene within WeChat rules, QR PNG in storage that encodes it; the same target gives the same code without regenerating', async () => {
  const target = { page: 'pages-shop/product/index', query: { id: 'p1', sku: 'red' } };
  const first = await create({ target, campaign: 'spring', channel: 'poster', store: 'sz01' });
  expect(first.ok).toBe(true);
  const { scene, fileID, created } = dataOf(first);
  expect(created).toBe(true);
  expect(scene.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH);
  expect(scene).toMatch(SCENE_ALLOWED);
  expect(fileID).toMatch(/^cloud:\/\/.+\/qrcodes\/[0-9A-Za-z]+\.png$/);

  const calls = (await outbox()).filter((e) => e.apiName === 'wxacode.getUnlimited' && e.params.scene === scene);
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ functionName: 'scenes', params: { page: 'pages-shop/product/index', checkPath: false } });

  const { fileContent } = await cloud.wx().downloadFile({ fileID });
  const png = PNG.sync.read(fileContent);
  const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(qr?.data).toContain(encodeURIComponent(scene));

  // Same target, query keys in another order: same code, no second QR call.
  const again = await create({ target: { page: 'pages-shop/product/index', query: { sku: 'red', id: 'p1' } }, store: 'sz01', channel: 'poster', campaign: 'spring' });
  expect(dataOf(again)).toEqual({ scene, fileID, created: false });
  expect((await outbox()).filter((e) => e.apiName === 'wxacode.getUnlimited' && e.params.scene === scene)).toHaveLength(1);

  const otherCampaign = await create({ target, campaign: 'summer', channel: 'poster', store: 'sz01' });
  expect(dataOf(otherCampaign).scene).not.toBe(scene);
});

test('create: 5 concurrent requests for a new target agree on one code and one record', async () => {
  const target = { page: 'pages/catalog/index', query: { c: 'c1' } };
  const results = await Promise.all(Array.from({ length: 5 }, () => create({ target, channel: 'flyer' })));
  const scenes = new Set(results.map((r) => dataOf(r).scene));
  expect(scenes.size).toBe(1);
  const docs = await all(cloud, 'scenes', { channel: 'flyer' });
  expect(docs).toHaveLength(1);
  expect(results.some((r) => dataOf(r).created)).toBe(true);
});

test('create: a code already taken by another target moves on to the next candidate', async () => {
  const req = { target: { page: 'pages-shop/product/index', query: { id: 'collide' } }, campaign: 'c' };
  const canonical = canonicalTarget(req);
  const taken = candidateCode(canonical, 0);
  await seed(cloud, 'scenes', [{ _id: taken, code: taken, scene: `s=${taken}`, canonical: '{"someone":"else"}', target: { page: 'pages/index/index', query: {} }, fileID: 'cloud://x/y.png', scans: 0 }]);
  const r = await create(req);
  expect(dataOf(r).scene).toBe(`s=${candidateCode(canonical, 1)}`);
  expect((await getDoc(cloud, 'scenes', taken)).canonical).toBe('{"someone":"else"}');
});

test('create: bad targets are refused before any QR call', async () => {
  const before = (await outbox()).length;
  for (const target of [{ page: '/pages/x', query: {} }, { page: 'pages/x?id=1', query: {} }, { page: 'pages/x', query: { id: 1 } }, { page: 'pages/x', query: { 'bad key': 'v' } }, 'pages/x']) {
    // Outside the contract's types on purpose: what a tampered client could send.
    const r = await cloud.invoke('scenes', { action: 'create', target }, { openid: 'oMERCHANT' });
    expect(r.result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  }
  expect(await create({ target: { page: 'pages/x', query: {} }, campaign: 'has space' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect((await outbox()).length).toBe(before);
});

test('resolve: scene → page, query and attribution; counts scans; URL-encoded scenes work; unknown → NOT_FOUND', async () => {
  const made = await create({ target: { page: 'pages-shop/product/index', query: { id: 'p9' } }, campaign: 'launch', store: 'bj02' });
  const scene: string = dataOf(made).scene;
  const code = scene.slice(2);
  for (const raw of [scene, encodeURIComponent(scene), scene]) {
    const r = await call(cloud, 'scenes', { action: 'resolve', scene: raw });
    expect(r).toEqual({ ok: true, data: { target: { page: 'pages-shop/product/index', query: { id: 'p9' } }, attribution: { sceneCode: scene, campaign: 'launch', store: 'bj02' } } });
  }
  expect((await getDoc(cloud, 'scenes', code)).scans).toBe(3);
  await Promise.all(Array.from({ length: 7 }, () => call(cloud, 'scenes', { action: 'resolve', scene })));
  expect((await getDoc(cloud, 'scenes', code)).scans).toBe(10);

  expect(await call(cloud, 'scenes', { action: 'resolve', scene: 's=ZZZZZZZZ' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await call(cloud, 'scenes', { action: 'resolve', scene: 'x=1' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await call(cloud, 'scenes', { action: 'resolve', scene: '%E4%B8%AD' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});

test('referralCode: one opaque code per user (stable, also under concurrent first calls), never the OPENID', async () => {
  const openid = 'oREFERRER_0123456789';
  const codes = await Promise.all(Array.from({ length: 5 }, () => call(cloud, 'scenes', { action: 'referralCode' }, openid)));
  const code = dataOf(codes[0]).referralCode;
  for (const r of codes) expect(dataOf(r).referralCode).toBe(code);
  expect(code).toMatch(/^[0-9A-Za-z]{10}$/);
  expect(code).not.toContain('oREF');
  expect(dataOf(await call(cloud, 'scenes', { action: 'referralCode' }, openid)).referralCode).toBe(code);
  const other = await call(cloud, 'scenes', { action: 'referralCode' }, 'oSOMEONE_ELSE');
  expect(dataOf(other).referralCode).not.toBe(code);
  const docs = await all(cloud, 'referrals', { code });
  expect(docs).toHaveLength(1);
  expect(docs[0]._id).not.toContain(openid);
  expect(await call(cloud, 'scenes', { action: 'referralCode' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
});
