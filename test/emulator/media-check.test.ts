/**
 * security.mediaCheckAsync (version 2) on the local cloud through the real wx-server-sdk: WeChat's
 * documented request checks, a trace id at once, and the wxa_media_check push delivered to the function
 * the message-push routes name once the local cloud's clock passes the delay; the control API.
 */
import { createHash } from 'node:crypto';
import { useCloud, until } from '../helpers/cloud';

const cloud = useCloud({});
const check = (params: Record<string, unknown>) => cloud.wx().openapi.security.mediaCheckAsync(params);
const toEcho = { messagePush: { callbacks: [{ msgType: 'event', event: 'wxa_media_check', functionName: 'echo' }] } };
let seq = 0;

async function link(name: string, bytes = Buffer.from(`picture ${++seq}`), maxAge = 3600): Promise<string> {
  const wx = cloud.wx();
  const { fileID } = await wx.uploadFile({ cloudPath: `media/${seq}-${name}`, fileContent: bytes });
  const { fileList } = await wx.getTempFileURL({ fileList: [{ fileID, maxAge }] });
  return fileList[0].tempFileURL;
}

const base = (mediaUrl: string) => ({ mediaUrl, mediaType: 2, version: 2, openid: 'oMEDIA_1', scene: 2 });
const record = async (traceId: string) => ((await cloud.local('GET', '/openapi/media-check')).json.checks as any[]).find((c) => c.traceId === traceId);

beforeEach(async () => {
  await cloud.setClock({ freeze: true });
  expect((await cloud.local('PUT', '/openapi/media-check', toEcho)).status).toBe(200);
});

afterEach(async () => {
  await cloud.local('DELETE', '/openapi/media-check');
  await cloud.setClock({ reset: true });
});

test('the call answers a trace id; the push reaches the function after the delay on the local clock', async () => {
  const r = await check(base(await link('cat.png')));
  expect(r).toMatchObject({ errCode: 0, traceId: expect.any(String) });
  expect(r.errMsg).toContain('mediaCheckAsync:ok');
  expect(await record(r.traceId)).toMatchObject({ state: 'pending', fileName: expect.stringMatching(/cat\.png$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  await cloud.setClock({ advanceMs: 4_999 });
  await new Promise((done) => setTimeout(done, 400));
  expect((await record(r.traceId)).state).toBe('pending');
  await cloud.setClock({ advanceMs: 1 });
  const delivered = await until(() => record(r.traceId), (c) => c.state === 'delivered', 'the push');
  // echo answers with the event it got and the context the platform gave it.
  expect(delivered.answer.event).toMatchObject({ MsgType: 'event', Event: 'wxa_media_check', appid: cloud.emu.appid, trace_id: r.traceId, version: 2, result: { suggest: 'pass', label: 100 } });
  expect(delivered.answer.event.CreateTime).toBe(Math.floor((await cloud.setClock({})).now / 1000));
  expect(delivered.answer.ctx.OPENID).toBeFalsy();
  expect(delivered.answer.ctx.SOURCE).toBe('wx_unknown');
});

test('block list by name and by content hash; review is delivered as review; the list can be reset', async () => {
  const bytes = Buffer.from('a known bad picture');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const put = await cloud.local('PUT', '/openapi/media-check', { block: [{ sha256, label: 20002 }, { name: 'ads', label: 10001, suggest: 'review' }], delayMs: 0 });
  expect(put.json).toMatchObject({ delayMs: 0, block: [{ sha256, label: 20002 }, { name: 'ads', label: 10001, suggest: 'review' }] });
  const byHash = await check(base(await link('innocent.png', bytes)));
  const byName = await check(base(await link('ADS-banner.png')));
  const clean = await check(base(await link('risky-sample.png'))); // the default list is replaced
  const results = await Promise.all([byHash, byName, clean].map((r) => until(() => record(r.traceId), (c) => c.state === 'delivered', 'push')));
  expect(results.map((c) => c.answer.event.result)).toEqual([
    { suggest: 'risky', label: 20002 },
    { suggest: 'review', label: 10001 },
    { suggest: 'pass', label: 100 },
  ]);
  await cloud.local('DELETE', '/openapi/media-check');
  const { json } = await cloud.local('GET', '/openapi/media-check');
  expect(json.delayMs).toBe(5000);
  expect(json.block.map((e: any) => e.name)).toContain('risky-sample');
});

test('an image at another URL is judged by its name only', async () => {
  await cloud.local('PUT', '/openapi/media-check', { delayMs: 0 });
  const r = await check(base('https://img.example.com/u/risky-sample-1.jpg'));
  const c = await until(() => record(r.traceId), (x) => x.state === 'delivered', 'push');
  expect(c).toMatchObject({ sha256: null, answer: { event: { result: { suggest: 'risky', label: 20002 } } } });
});

test('without a message-push route the push is dropped; a push is delivered again on request', async () => {
  await cloud.local('PUT', '/openapi/media-check', { messagePush: { callbacks: [] }, delayMs: 0 });
  const r = await check(base(await link('lost.png')));
  expect(await until(() => record(r.traceId), (c) => c.state !== 'pending', 'the drop')).toMatchObject({ state: 'undeliverable', deliveries: 0 });
  await cloud.local('PUT', '/openapi/media-check', toEcho);
  const again = await cloud.local('POST', '/openapi/media-check:deliver', { traceId: r.traceId });
  expect(again.json.check).toMatchObject({ state: 'delivered', deliveries: 1, functionName: 'echo' });
  expect((await cloud.local('POST', '/openapi/media-check:deliver', { traceId: 'nope' })).status).toBe(404);
});

test.each([
  ['version 1 (retired)', { version: 1 }, 47001],
  ['no openid', { openid: undefined }, 40003],
  ['scene 5', { scene: 5 }, 40129],
  ['media_type 3', { mediaType: 3 }, 47001],
  ['no media_url', { mediaUrl: undefined }, 44002],
  ['a cloud:// fileID instead of a link', { mediaUrl: 'cloud://local-env.bucket/media/a.png' }, 47001],
])('refuses %s with WeChat errcode', async (_name, change, errcode) => {
  const params: Record<string, unknown> = { ...base('https://img.example.com/a.png'), ...change };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  await expect(check(params)).rejects.toMatchObject({ errCode: errcode, errMsg: expect.stringContaining('mediaCheckAsync:fail') });
});

test('a local link to a missing file or an expired link cannot be downloaded', async () => {
  const url = await link('gone.png', undefined, 60);
  const missing = url.replace(/gone\.png/, 'never-there.png');
  await expect(check(base(missing))).rejects.toMatchObject({ errCode: 47001 });
  await cloud.setClock({ advanceMs: 61_000 });
  await expect(check(base(url))).rejects.toMatchObject({ errCode: 47001 });
});

test.each([
  ['a block entry with neither name nor hash', { block: [{ label: 20002 }] }],
  ['a label WeChat does not use', { block: [{ name: 'x', label: 100 }] }],
  ['an unknown suggest', { block: [{ name: 'x', label: 20002, suggest: 'block' }] }],
  ['a negative delay', { delayMs: -1 }],
  ['a route without a function', { messagePush: { callbacks: [{ msgType: 'event', event: 'wxa_media_check' }] } }],
  ['one event routed twice', { messagePush: { callbacks: [{ msgType: 'event', event: 'e', functionName: 'a' }, { msgType: 'event', event: 'e', functionName: 'b' }] } }],
])('the control API refuses %s and keeps what it had', async (_name, body) => {
  const r = await cloud.local('PUT', '/openapi/media-check', body);
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('INVALID_PARAM');
  const { json } = await cloud.local('GET', '/openapi/media-check');
  expect(json).toMatchObject({ delayMs: 5000, messagePush: toEcho.messagePush });
});
