/**
 * Open API over protobuf: wxacode.getUnlimited returns a real PNG QR code (decoded here with
 * jsqr + pngjs) whose text encodes page and scene; WeChat's scene/page rules and errcodes;
 * config.json permissions for calls from inside functions; the outbox.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { useCloud } from '../helpers/cloud';

const appJson = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appjson-')), 'app.json');
fs.writeFileSync(appJson, JSON.stringify({ pages: ['pages/index/index', 'pages/product/index'], subpackages: [{ root: 'pkg', pages: ['pages/share/index'] }] }));
const cloud = useCloud({ appJson });

function decodeQr(buf: Buffer): string {
  const png = PNG.sync.read(buf);
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error('no QR code found in PNG');
  return code.data;
}

test('getUnlimited returns a PNG QR code that decodes to page + scene', async () => {
  const r = await cloud.wx().openapi.wxacode.getUnlimited({ scene: 'p=8f3k2a&s=ab12', page: 'pages/product/index' });
  expect(r).toMatchObject({ contentType: 'image/png', errCode: 0, errMsg: 'openapi.wxacode.getUnlimited:ok' });
  expect(Buffer.from(r.buffer).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const url = new URL(decodeQr(Buffer.from(r.buffer)));
  expect(url.origin + url.pathname).toBe('https://local.wxacode/');
  expect(url.searchParams.get('page')).toBe('pages/product/index');
  expect(url.searchParams.get('scene')).toBe('p=8f3k2a&s=ab12');
});

test('every allowed scene character survives; width/lineColor/isHyaline still give a scannable code', async () => {
  const scene = "a1!#$&'()*+,/:;=?@-._~Z";
  const r = await cloud.wx().openapi.wxacode.getUnlimited({ scene, page: 'pkg/pages/share/index', width: 280, lineColor: { r: 20, g: 20, b: 120 }, isHyaline: true });
  const png = PNG.sync.read(Buffer.from(r.buffer));
  expect(png.width).toBe(280);
  const url = new URL(decodeQr(Buffer.from(r.buffer)));
  expect(url.searchParams.get('scene')).toBe(scene);
  expect(url.searchParams.get('page')).toBe('pkg/pages/share/index');
});

test('page omitted → the home page (first page of app.json)', async () => {
  const r = await cloud.wx().openapi.wxacode.getUnlimited({ scene: 'x=1' });
  expect(new URL(decodeQr(Buffer.from(r.buffer))).searchParams.get('page')).toBe('pages/index/index');
});

test.each([
  ['scene longer than 32 characters', { scene: 'a'.repeat(33) }, 40169],
  ['scene with %', { scene: 'p%3D1' }, 40129],
  ['scene with Chinese text', { scene: '商品1' }, 40129],
  ['empty scene', { scene: '' }, 40129],
  ['page with a leading slash', { scene: 'a=1', page: '/pages/product/index' }, 41030],
  ['page with a query string', { scene: 'a=1', page: 'pages/product/index?id=1' }, 41030],
  ['page not in app.json (check_path defaults to true)', { scene: 'a=1', page: 'pages/nope/index' }, 41030],
  ['width below 280', { scene: 'a=1', width: 100 }, 40097],
  ['bad env_version', { scene: 'a=1', envVersion: 'beta' }, 40097],
])('rejects %s with WeChat errcode', async (_name, params, errcode) => {
  await expect(cloud.wx().openapi.wxacode.getUnlimited(params)).rejects.toMatchObject({
    errCode: errcode,
    errMsg: expect.stringContaining('openapi.wxacode.getUnlimited:fail'),
  });
});

test('checkPath: false accepts a page that is not in app.json', async () => {
  const r = await cloud.wx().openapi.wxacode.getUnlimited({ scene: 'a=1', page: 'pages/unreleased/index', checkPath: false });
  expect(new URL(decodeQr(Buffer.from(r.buffer))).searchParams.get('page')).toBe('pages/unreleased/index');
});

test('inside a function: allowed with config.json permissions.openapi, -604101 without', async () => {
  const ok = await cloud.invoke('qr', { scene: 'p=abc', page: 'pages/product/index' }, { openid: 'oQR' });
  expect(ok.result.contentType).toBe('image/png');
  const url = new URL(decodeQr(Buffer.from(ok.result.png, 'base64')));
  expect(url.searchParams.get('scene')).toBe('p=abc');
  const denied = await cloud.invoke('qrnoperm', { scene: 'p=abc' }, { openid: 'oQR' });
  expect(denied.result.errCode).toBe(-604101);
});

test('the outbox records generated codes with caller and QR text', async () => {
  const generated = await cloud.invoke('qr', { scene: 'outbox=1', page: 'pages/index/index' }, { openid: 'oOUT' });
  // The call itself first: a function that failed or timed out never reaches the open API.
  expect(generated.result).toMatchObject({ contentType: 'image/png' });
  const { json } = await cloud.local('GET', '/openapi/outbox');
  const entry = json.outbox.find((e: any) => e.params.scene === 'outbox=1');
  expect(entry).toMatchObject({ apiName: 'wxacode.getUnlimited', functionName: 'qr', openid: 'oOUT', result: 'ok' });
  expect(entry.qrText).toBe('https://local.wxacode/?page=pages%2Findex%2Findex&scene=outbox%3D1');
});

test('subscribeMessage.send answers with a msgid when the user has a grant', async () => {
  await cloud.local('POST', '/openapi/subscriptions', { openid: 'oUSER', results: { TPL: 'accept' } });
  const r = await cloud.wx().openapi.subscribeMessage.send({ touser: 'oUSER', templateId: 'TPL', page: 'pages/index/index', data: { thing1: { value: 'x' } } });
  expect(r).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok', msgid: expect.any(Number) });
});
