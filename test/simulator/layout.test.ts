// Chromium mode (started lazily on the first layout question): screenshot, real sizes and offsets,
// computed styles from the official wcsc CSS with rpx at a 375 px wide phone.
import { PNG } from 'pngjs';
import { current, custom, useFixture } from './helpers';

const s = useFixture();

test('screenshot() returns a PNG of the 375 pt wide page at DPR 2', async () => {
  await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
  const b64 = await s.mp.screenshot();
  const png = PNG.sync.read(Buffer.from(b64 as string, 'base64'));
  expect(png.width).toBe(750);
  // the green touchpad (rgb(0,128,0), 375rpx wide) is painted somewhere in the shot
  let green = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0 && png.data[i + 1] === 128 && png.data[i + 2] === 0) green++;
  expect(green).toBeGreaterThan(1000);
});

test('size/offset/style use real layout: rpx at 375 px, wcsc class prefixes for components', async () => {
  await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
  const page = await current(s.mp);
  const pad = await page.$('.touchpad');
  // 375rpx = 187.5px, floored like the base library's rpx conversion
  expect(await pad!.size()).toEqual({ width: 187, height: 50 });
  expect(await pad!.style('background-color')).toBe('rgb(0, 128, 0)');
  const swiper = await page.$('swiper');
  expect((await swiper!.size()).height).toBe(150);
  const offset = await pad!.offset();
  expect(offset.left).toBe(0);
  expect(offset.top).toBeGreaterThan(150);

  await s.mp.callWxMethod('reLaunch', { url: '/pages/index/index' });
  const home = await current(s.mp);
  expect(await (await home.$('.title'))!.style('color')).toBe('rgb(136, 136, 136)');
  expect(await (await home.$('.title'))!.style('font-size')).toBe('18px');
  const value = await custom(await home.$('counter')).$('.counter-value');
  expect(await value!.style('color')).toBe('rgb(255, 0, 0)');
  const size = await home.size();
  expect(size.width).toBe(375);
});

test('layout follows state changes (the mirror is refreshed after setData)', async () => {
  await s.mp.callWxMethod('reLaunch', { url: '/pages/widgets/widgets' });
  const page = await current(s.mp);
  const pad = await page.$('.touchpad');
  const before = await pad!.offset();
  await page.setData({ html: '<p>1</p><p>2</p><p>3</p><p>4</p>' });
  const after = await pad!.offset();
  expect(after.top).toBeGreaterThan(before.top + 40);
});
