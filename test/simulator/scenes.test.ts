// Launch scenes from a test: cold start with any scene (1047 QR, 1011 q, 1007 share), hot start
// with new enter options, and scanning a QR PNG (decoded with jsqr + pngjs) as scene 1047.
import QRCode from 'qrcode';
import { decodeQrPng, parseQrText } from '../../simulator/qr';
import { current, useFixture } from './helpers';

const s = useFixture();

test('cold start with scene 1047 and an encoded QR scene: a fresh App.onLaunch', async () => {
  await s.mp.evaluate(() => __headless__.relaunch({ scene: 1047, path: 'pages/detail/detail', query: { scene: encodeURIComponent('pid=2') } }));
  const page = await current(s.mp);
  expect(page.path).toBe('pages/detail/detail');
  expect(page.query).toEqual({ scene: 'pid%3D2' });
  expect(await s.mp.evaluate(() => getApp().globalData.log)).toEqual(['app:onLaunch', 'app:onShow']);
  expect(await s.mp.evaluate(() => getApp().globalData.launch)).toEqual({ scene: 1047, query: { scene: 'pid%3D2' }, path: 'pages/detail/detail' });
  expect((await s.mp.callWxMethod('getLaunchOptionsSync')).scene).toBe(1047);
});

test('cold start with scene 1011 and q, and with 1007 plus a shareTicket', async () => {
  await s.mp.evaluate(() => __headless__.relaunch({ scene: 1011, path: 'pages/index/index', query: 'q=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1' }));
  expect(await s.mp.callWxMethod('getLaunchOptionsSync')).toMatchObject({ scene: 1011, query: { q: 'https%3A%2F%2Fshop.example%2Fp%3Fid%3D1' } });
  await s.mp.evaluate(() => __headless__.relaunch({ scene: 1007, path: 'pages/detail/detail?id=4', shareTicket: 'tk1' }));
  expect(await s.mp.callWxMethod('getLaunchOptionsSync')).toMatchObject({ scene: 1007, path: 'pages/detail/detail', query: { id: '4' }, shareTicket: 'tk1' });
  expect(await (await current(s.mp)).data('id')).toBe('4');
});

test('hot start: App.onHide, then App.onShow with the new options, landing on the target page', async () => {
  await s.mp.evaluate(() => __headless__.relaunch({ scene: 1001, path: 'pages/index/index' }));
  await s.mp.evaluate(() => __headless__.hotStart({ scene: 1007, path: 'pages/detail/detail', query: { id: '8' } }));
  expect(await s.mp.evaluate(() => getApp().globalData.log)).toEqual(['app:onLaunch', 'app:onShow', 'app:onHide', 'app:onShow']);
  expect(await s.mp.evaluate(() => getApp().globalData.shows[1])).toEqual({ scene: 1007, query: { id: '8' }, path: 'pages/detail/detail' });
  expect((await s.mp.callWxMethod('getEnterOptionsSync')).scene).toBe(1007);
  expect((await s.mp.callWxMethod('getLaunchOptionsSync')).scene).toBe(1001);
  const page = await current(s.mp);
  expect(page.path).toBe('pages/detail/detail');
  expect(await page.data('id')).toBe('8');
});

test('hot start onto the current page re-shows it', async () => {
  await s.mp.evaluate(() => __headless__.relaunch({ path: 'pages/detail/detail?id=1' }));
  await s.mp.evaluate(() => __headless__.hotStart({ scene: 1038, path: 'pages/detail/detail', query: { id: '1' } }));
  expect(await (await current(s.mp)).data('events')).toEqual(['load', 'show', 'show']);
});

test('scanning a QR PNG launches with scene 1047 (JSON and URL payloads)', async () => {
  const png = await QRCode.toBuffer(JSON.stringify({ page: 'pages/detail/detail', scene: 'pid=2' }));
  const payload = decodeQrPng(png);
  expect(payload).toEqual({ page: 'pages/detail/detail', scene: 'pid=2' });
  await s.mp.evaluate((p: unknown) => __headless__.scanQr(p), payload);
  const page = await current(s.mp);
  expect(page.path).toBe('pages/detail/detail');
  expect(page.query).toEqual({ scene: 'pid%3D2' });
  expect((await s.mp.callWxMethod('getLaunchOptionsSync')).scene).toBe(1047);

  expect(parseQrText('https://local.cloud/qr?page=pages%2Fdetail%2Fdetail&scene=pid%3D3')).toEqual({ page: 'pages/detail/detail', scene: 'pid=3' });
  await s.mp.evaluate((p: unknown) => __headless__.scanQr(p, 'hot'), { page: 'pages/index/index', scene: 'x=1' });
  expect((await s.mp.callWxMethod('getEnterOptionsSync'))).toMatchObject({ scene: 1047, query: { scene: 'x%3D1' } });
  expect((await current(s.mp)).path).toBe('pages/index/index');
});
