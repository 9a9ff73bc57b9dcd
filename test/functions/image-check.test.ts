/**
 * User images through WeChat's image check on the local cloud: `orders.checkImage` sends an uploaded
 * image to security.mediaCheckAsync (a download link, not the fileID) and answers pending; the verdict
 * arrives as a wxa_media_check message push to the orders function once the local cloud's clock passes
 * the delivery delay, and is recorded once per trace id; refused images carry the Chinese note.
 */
import { createHash } from 'node:crypto';
import { useCloud, until } from '../helpers/cloud';
import { all, call, dataOf, ensureCollections, errorOf } from '../support';
import { RESUBMIT_AFTER_MS } from '../../miniprogram/domain/image-check';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
let seq = 0;

beforeAll(async () => {
  await ensureCollections(cloud);
});

beforeEach(async () => {
  await cloud.setClock({ freeze: true });
});

afterEach(async () => {
  await cloud.local('DELETE', '/openapi/media-check');
  await cloud.setClock({ reset: true });
});

/** Uploads `bytes` as the shopper's image; its fileID. */
async function upload(name: string, bytes = Buffer.from(`image ${name} ${++seq}`)): Promise<string> {
  const { fileID } = await cloud.wx().uploadFile({ cloudPath: `user-images/${seq}-${name}`, fileContent: bytes });
  return fileID;
}

const checkImage = (fileID: string, openid = 'oIMG_1', scene?: 'profile' | 'comment') => call(cloud, 'orders', { action: 'checkImage', fileID, ...(scene ? { scene } : {}) }, openid);

/** The store's record of an image's check (`media_checks`, one document per fileID). */
async function stored(fileID: string) {
  const docs = await all(cloud, 'media_checks', { fileID });
  expect(docs.length).toBeLessThanOrEqual(1);
  return docs[0] ?? null;
}

/** The cloud path of a fileID: what the download link WeChat gets carries. */
const linkPart = (fileID: string) => `/__storage/${fileID.replace(/^cloud:\/\/[^/]+\//, '')}?`;

/** The local cloud's checks of these images (every submission), oldest first. */
async function checks(...fileIDs: string[]) {
  const all = (await cloud.local('GET', '/openapi/media-check')).json.checks as any[];
  return all.filter((c) => fileIDs.some((f) => c.mediaUrl.includes(linkPart(f))));
}

/** The mediaCheckAsync calls the functions made for these images. */
async function mediaCalls(...fileIDs: string[]) {
  const { json } = await cloud.local('GET', '/openapi/outbox');
  return json.outbox.filter((e: any) => e.apiName === 'security.mediaCheckAsync' && fileIDs.some((f) => String(e.params.mediaUrl).includes(linkPart(f))));
}

/** Moves the clock past the delivery delay and waits for the push of `traceId` to be answered. */
async function deliver(traceId: string) {
  await cloud.setClock({ advanceMs: 5_000 });
  const all = async () => (await cloud.local('GET', '/openapi/media-check')).json.checks as any[];
  return until(async () => (await all()).find((c) => c.traceId === traceId), (c) => c?.state === 'delivered' || c?.state === 'failed', `push of ${traceId}`);
}

test('an image stays pending until its verdict is pushed, then passes; the call sends a download link', async () => {
  const fileID = await upload('photo.png');
  const first = dataOf(await checkImage(fileID));
  expect(first.image).toEqual({ fileID, state: 'pending', note: '图片审核中' });
  const [sent] = await mediaCalls(fileID);
  // The outbox shows the parameters as the SDK was given them (camelCase; snake_case on the wire).
  expect(sent).toMatchObject({ functionName: 'orders', result: 'ok', params: { mediaType: 2, version: 2, openid: 'oIMG_1', scene: 2 } });
  expect(sent.params.mediaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__storage\/user-images\/.+photo\.png\?/);
  const [pending] = await checks(fileID);
  expect(pending.state).toBe('pending');
  // The clock stands still: nothing is delivered, however long the test waits.
  await new Promise((r) => setTimeout(r, 400));
  expect((await checks(fileID))[0].state).toBe('pending');
  expect(dataOf(await checkImage(fileID)).image.state).toBe('pending');

  const delivered = await deliver(pending.traceId);
  expect(delivered).toMatchObject({ state: 'delivered', functionName: 'orders', answer: 'success' });
  expect(delivered.event).toMatchObject({ MsgType: 'event', Event: 'wxa_media_check', trace_id: pending.traceId, version: 2, result: { suggest: 'pass', label: 100 } });
  expect(dataOf(await checkImage(fileID)).image).toEqual({ fileID, state: 'pass', note: '' });
  expect(await stored(fileID)).toMatchObject({ fileID, _openid: 'oIMG_1', state: 'pass', suggest: 'pass', label: 100, submissions: 1, traceId: pending.traceId });
  // Asked again, nothing is sent again.
  expect(await mediaCalls(fileID)).toHaveLength(1);
});

test('refused by file name, by content hash, and for review: hidden with the Chinese note', async () => {
  const bytes = Buffer.from('bytes of a picture someone reported');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  expect((await cloud.local('PUT', '/openapi/media-check', { block: [{ name: 'risky-sample', label: 20002 }, { sha256, label: 20006 }, { name: 'second-look', label: 21000, suggest: 'review' }] })).status).toBe(200);
  const byName = await upload('Risky-Sample.JPG');
  const byHash = await upload('holiday.png', bytes);
  const review = await upload('second-look.png');
  const fine = await upload('fine.png');
  for (const id of [byName, byHash, review, fine]) expect(dataOf(await checkImage(id, 'oIMG_2', 'profile')).image.state).toBe('pending');
  expect((await mediaCalls(byName, byHash, review, fine)).map((c: any) => c.params.scene)).toEqual([1, 1, 1, 1]);
  await cloud.setClock({ advanceMs: 5_000 });
  await until(() => checks(byName, byHash, review, fine), (list) => list.length === 4 && list.every((c) => c.state === 'delivered'), 'all pushes');
  const note = '图片含有不适宜公开的内容，已隐藏';
  expect(dataOf(await checkImage(byName)).image).toEqual({ fileID: byName, state: 'refused', note });
  expect(dataOf(await checkImage(byHash)).image).toEqual({ fileID: byHash, state: 'refused', note });
  expect(dataOf(await checkImage(review)).image).toEqual({ fileID: review, state: 'refused', note });
  expect(dataOf(await checkImage(fine)).image.state).toBe('pass');
  expect(await stored(byHash)).toMatchObject({ state: 'refused', suggest: 'risky', label: 20006 });
  expect(await stored(review)).toMatchObject({ state: 'refused', suggest: 'review', label: 21000 });
});

test('a repeated push changes nothing; a push from a shopper is refused', async () => {
  const fileID = await upload('again.png');
  dataOf(await checkImage(fileID));
  const [{ traceId }] = await checks(fileID);
  await deliver(traceId);
  const decided = await stored(fileID);
  await cloud.setClock({ advanceMs: 60_000 });
  const again = (await cloud.local('POST', '/openapi/media-check:deliver', { traceId })).json.check;
  expect(again).toMatchObject({ state: 'delivered', deliveries: 2, answer: 'success' });
  expect(await stored(fileID)).toEqual(decided);

  // A shopper sending the push's shape from the mini program (wx_client) gets nowhere, even with the right trace id.
  const other = await upload('forged.png');
  dataOf(await checkImage(other));
  const [{ traceId: forgedTrace }] = await checks(other);
  const forged = await cloud.invoke('orders', { MsgType: 'event', Event: 'wxa_media_check', trace_id: forgedTrace, version: 2, result: { suggest: 'pass', label: 100 } }, { openid: 'oIMG_1', source: 'wx_client' });
  expect(forged.result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  expect((await stored(other)).state).toBe('pending');
});

test('a check WeChat never answered is sent again after its window, and the new verdict counts', async () => {
  // No function receives the push: WeChat drops it, and the check stays pending.
  await cloud.local('PUT', '/openapi/media-check', { messagePush: { callbacks: [] } });
  const fileID = await upload('lost.png');
  dataOf(await checkImage(fileID));
  const [{ traceId: first }] = await checks(fileID);
  await cloud.setClock({ advanceMs: 5_000 });
  await until(() => checks(fileID), (list) => list[0].state === 'undeliverable', 'the dropped push');
  expect(dataOf(await checkImage(fileID)).image.state).toBe('pending');
  expect(await mediaCalls(fileID)).toHaveLength(1);

  await cloud.local('DELETE', '/openapi/media-check');
  await cloud.setClock({ advanceMs: RESUBMIT_AFTER_MS });
  expect(dataOf(await checkImage(fileID)).image.state).toBe('pending');
  expect(await mediaCalls(fileID)).toHaveLength(2);
  const second = (await checks(fileID)).find((c) => c.traceId !== first);
  expect(await stored(fileID)).toMatchObject({ state: 'pending', submissions: 2, traceId: second.traceId });
  // The old submission's push, if it ever came, would not decide anything now.
  await deliver(second.traceId);
  expect(dataOf(await checkImage(fileID)).image.state).toBe('pass');
});

test('a file that is not there, or not a cloud fileID, is refused with a clear message and nothing is sent', async () => {
  const missing = errorOf(await checkImage(`cloud://${cloud.envId}.6c6f-local-env-1250000000/user-images/never-uploaded.png`));
  expect(missing).toMatchObject({ code: 'INVALID_ARGUMENT', message: '图片不存在或已删除，请重新上传' });
  expect(errorOf(await checkImage('https://example.com/a.png')).code).toBe('INVALID_ARGUMENT');
  const x = await upload('x.png');
  expect(errorOf(await call(cloud, 'orders', { action: 'checkImage', fileID: x, scene: 'forum' as never }, 'oIMG_1')).code).toBe('INVALID_ARGUMENT');
  const y = await upload('y.png');
  expect(errorOf(await call(cloud, 'orders', { action: 'checkImage', fileID: y }, 'stranger')).code).toBe('UNAUTHENTICATED');
  expect(await mediaCalls(x, y)).toHaveLength(0);
});
