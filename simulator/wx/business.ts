// wx.openBusinessView: WeChat's own half-screen components. Emulated: the confirm-receipt component
// ('weappOrderConfirm', docs/reference/wx-order-confirm.md). The call succeeds once the component is
// open; the mini program goes to the background, and the component's answer comes back as a hot start
// (App.onShow / wx.onAppShow, scene 1038) whose referrerInfo is
// { appId: 'wx1183b055aeec94d1', extraData: { status, errormsg?, req_extradata } }.
// `status` is what `__headless__.setOrderConfirmAnswer` chose ('success' by default), or 'fail' when the
// order is not identified (transaction_id, or merchant_id + merchant_trade_no).
import { asyncApi, WxFail } from './convention';
import type { WxContext } from './context';

export const ORDER_CONFIRM_APPID = 'wx1183b055aeec94d1';
/** Scene of a return from another mini program. */
export const SCENE_BACK_FROM_MINIPROGRAM = 1038;

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function businessApis(ctx: WxContext): Record<string, unknown> {
  return {
    openBusinessView: asyncApi('openBusinessView', (o) => {
      if (typeof o.businessType !== 'string' || !o.businessType) throw new WxFail('parameter error: parameter.businessType should be String');
      if (!o.extraData || typeof o.extraData !== 'object') throw new WxFail('parameter error: parameter.extraData should be Object');
      if (o.businessType !== 'weappOrderConfirm') throw new WxFail(`businessType ${o.businessType} is not available in the simulator`);
      const extra = JSON.parse(JSON.stringify(o.extraData)) as Record<string, unknown>;
      ctx.state.native.history.push({ api: 'openBusinessView', options: { businessType: o.businessType, extraData: extra } });
      const identified = !!text(extra.transaction_id) || (!!text(extra.merchant_id) && !!text(extra.merchant_trade_no));
      const status = identified ? ctx.state.orderConfirmAnswer : 'fail';
      const answer: Record<string, unknown> = { status, req_extradata: extra };
      if (status === 'fail') answer.errormsg = identified ? '确认收货失败' : '获取用户订单失败';
      const page = ctx.router.current();
      // After this call's success callback: the shopper answers in the component and comes back. Only
      // the start of the return is tracked (App.onShow runs in it, and the work it starts is tracked on
      // its own): the return itself settles, which would wait for this very promise.
      const back = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        void ctx.returnFromOtherApp?.({
          path: page?.route ?? '',
          query: { ...(page?.query ?? {}) },
          scene: SCENE_BACK_FROM_MINIPROGRAM,
          referrerInfo: { appId: ORDER_CONFIRM_APPID, extraData: answer },
          apiCategory: 'default',
        });
      });
      ctx.track(back);
      return {};
    }),
  };
}
