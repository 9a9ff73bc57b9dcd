/**
 * The cloudPay sandbox as the hub sees it: the `wx.wxPayApi` multipart action and its local routes
 *   POST /pay/confirm          {package | prepayId | outTradeNo, deliveries?, resultCode?}  the shopper pays
 *   POST /pay/refunds:fail     {outTradeNo?, times?}   refuse the next `times` refunds (of that order, or any)
 *   POST /pay/refunds:notify   {outRefundNo, deliveries?, refundStatus?}  deliver the refund result callback
 *   POST /pay/clock            {advanceMs}             move the sandbox's clock forward
 */
import { OffsetClock, PAY_SANDBOX_MCH_ID, PayService, type RouteReply } from './service';
import { Errors } from '../util/errors';
import type { Doc } from '../util/ejson';
import type { FunctionsService } from '../functions/service';
import type { EmulatedService, ServiceFactory } from '../registry';

export const payEmulator: ServiceFactory = (ctx): EmulatedService<PayService> => {
  const functions = ctx.registry.get<FunctionsService>('functions');
  // The sandbox's own clock until the local cloud has one for every service (then pass that one).
  const clock = new OffsetClock();
  const pay = new PayService(ctx.db, functions, ctx.appid, clock, PAY_SANDBOX_MCH_ID);
  const post = (path: RegExp, run: (body: Doc) => RouteReply | Promise<RouteReply>) => ({
    control: true,
    method: 'POST',
    path,
    handle: async ({ json }: { json(): Promise<Doc> }) => {
      const r = await run(await json());
      return { status: r.status, json: r.body };
    },
  });
  return {
    name: 'pay',
    api: pay,
    multipartActions: {
      'wx.wxPayApi': (parts) => {
        let data: Doc;
        try {
          data = JSON.parse(parts.get('requestData')?.data.toString('utf8') || '{}');
        } catch {
          throw Errors.invalidParam('requestData is not JSON');
        }
        const apiName = parts.get('apiName')?.data.toString('utf8') ?? '';
        const out = pay.handle(apiName, data, functions.byToken(parts.get('wxCloudApiToken')?.data.toString('utf8')));
        return { bytes: Buffer.from(JSON.stringify(out)), contentType: 'application/octet-stream' };
      },
    },
    routes: [
      post(/^\/pay\/confirm$/, (body) => pay.confirm(body)),
      post(/^\/pay\/refunds:fail$/, (body) => pay.refuseNextRefunds(body)),
      post(/^\/pay\/refunds:notify$/, (body) => pay.notifyRefund(body)),
      post(/^\/pay\/clock$/, (body) => {
        const advanceMs = Number(body.advanceMs);
        if (!Number.isSafeInteger(advanceMs) || advanceMs < 0) return { status: 400, body: { error: { code: 'INVALID_PARAM', message: 'advanceMs must be a non-negative integer' } } };
        return { status: 200, body: { offsetMs: clock.advance(advanceMs), now: clock.now() } };
      }),
    ],
  };
};
