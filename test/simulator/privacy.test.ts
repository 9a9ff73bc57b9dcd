/**
 * The privacy authorization and WeChat's confirm-receipt component as the simulator emulates them, on a
 * mini program that is not the store (the fixture app), through the unmodified automator.
 */
import { useFixture } from './helpers';

const s = useFixture();

const pick = () => s.mp.evaluate(() => wx.chooseAddress().then((r: any) => r.errMsg, (e: any) => e));

test('without a listener WeChat\'s own popup answers: agree by default, disagree when told', async () => {
  await s.mp.evaluate(() => __headless__.setPrivacyAgreed(false));
  expect(await s.mp.evaluate(() => wx.getPrivacySetting().then((r: any) => r.needAuthorization))).toBe(true);
  expect(await pick()).toBe('chooseAddress:ok');
  expect(await s.mp.evaluate(() => wx.getPrivacySetting().then((r: any) => r.needAuthorization))).toBe(false);

  await s.mp.evaluate(() => {
    __headless__.setPrivacyAgreed(false);
    __headless__.setPrivacyPopupAnswer('disagree');
  });
  expect(await pick()).toEqual({ errMsg: 'chooseAddress:fail privacy permission is not authorized', errno: 104 });
  await s.mp.evaluate(() => __headless__.setPrivacyPopupAnswer('agree'));
});

test('with a listener: the call waits; agree needs the tapped button, disagree fails with errno 104', async () => {
  await s.mp.evaluate(() => {
    __headless__.setPrivacyAgreed(false);
    wx.onNeedPrivacyAuthorization((resolve: unknown, info: unknown) => {
      (globalThis as any).__asks = [...((globalThis as any).__asks ?? []), { resolve, info }];
    });
  });
  // Started, not awaited: it stays pending until the listener's resolve is called.
  await s.mp.evaluate(() => void ((globalThis as any).__first = wx.chooseAddress().then((r: any) => r.errMsg, (e: any) => e)));
  expect(await s.mp.evaluate(() => (globalThis as any).__asks.map((a: any) => a.info))).toEqual([{ referrer: 'chooseAddress' }]);
  await s.mp.evaluate(() => (globalThis as any).__asks[0].resolve({ event: 'agree', buttonId: 'never-tapped' }));
  expect(await s.mp.evaluate(() => (globalThis as any).__first)).toEqual({ errMsg: 'chooseAddress:fail privacy permission is not authorized or buttonId is wrong', errno: 104 });

  await s.mp.evaluate(() => void ((globalThis as any).__second = wx.requirePrivacyAuthorize().then((r: any) => r.errMsg, (e: any) => e)));
  await s.mp.evaluate(() => {
    const asks = (globalThis as any).__asks;
    asks[asks.length - 1].resolve({ event: 'exposureAuthorization' });
    asks[asks.length - 1].resolve({ event: 'disagree' });
  });
  expect(await s.mp.evaluate(() => (globalThis as any).__second)).toEqual({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized', errno: 104 });

  // Consent given elsewhere (the agree button): no more asking.
  await s.mp.evaluate(() => __headless__.setPrivacyAgreed(true));
  const asked = await s.mp.evaluate(() => (globalThis as any).__asks.length);
  expect(await pick()).toBe('chooseAddress:ok');
  expect(await s.mp.evaluate(() => (globalThis as any).__asks.length)).toBe(asked);
});

test('openBusinessView weappOrderConfirm answers through App.onShow (scene 1038) with the chosen status', async () => {
  await s.mp.evaluate(() => {
    (globalThis as any).__shows = [];
    wx.onAppShow((o: any) => (globalThis as any).__shows.push({ scene: o.scene, referrerInfo: o.referrerInfo }));
  });
  const open = (extraData: unknown) => s.mp.callWxMethod('openBusinessView', { businessType: 'weappOrderConfirm', extraData });
  const lastShow = () => s.mp.evaluate(() => (globalThis as any).__shows[(globalThis as any).__shows.length - 1]);

  expect((await open({ transaction_id: '4200001' })).errMsg).toBe('openBusinessView:ok');
  expect(await lastShow()).toEqual({ scene: 1038, referrerInfo: { appId: 'wx1183b055aeec94d1', extraData: { status: 'success', req_extradata: { transaction_id: '4200001' } } } });

  await s.mp.evaluate(() => __headless__.setOrderConfirmAnswer('cancel'));
  await open({ merchant_id: '1900000109', merchant_trade_no: 'O1' });
  expect((await lastShow()).referrerInfo.extraData).toEqual({ status: 'cancel', req_extradata: { merchant_id: '1900000109', merchant_trade_no: 'O1' } });
  await s.mp.evaluate(() => __headless__.setOrderConfirmAnswer('success'));

  await open({ merchant_trade_no: 'O1' });
  expect((await lastShow()).referrerInfo.extraData).toMatchObject({ status: 'fail', errormsg: '获取用户订单失败' });

  await expect(s.mp.callWxMethod('openBusinessView', { extraData: {} })).rejects.toThrow('parameter.businessType should be String');
  await expect(s.mp.callWxMethod('openBusinessView', { businessType: 'weappOrderConfirm' })).rejects.toThrow('parameter.extraData should be Object');
});
