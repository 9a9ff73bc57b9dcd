/**
 * The cloudPay sandbox as the hub sees it: the `wx.wxPayApi` multipart action and its local routes
 *   GET  /pay/order?package=    what WeChat's payment sheet shows (amount, description), read-only
 *   POST /pay/confirm          {package | prepayId | outTradeNo, deliveries?, resultCode?}  the shopper pays
 *                              (deliveries 0: the notification is still on its way)
 *   POST /pay/refunds:fail     {outTradeNo?, times?}   refuse the next `times` refunds (of that order, or any)
 *   POST /pay/refunds:notify   {outRefundNo, deliveries?, refundStatus?}  deliver the refund result callback
 */
import { PAY_SANDBOX_MCH_ID, PayService, type RouteReply } from './service';
import { Errors } from '../util/errors';
import type { Doc } from '../util/ejson';
import type { FunctionsService } from '../functions/service';
import type { EmulatedService, ServiceFactory } from '../registry';

export const payEmulator: ServiceFactory = (ctx): EmulatedService<PayService> => {
  const functions = ctx.registry.get<FunctionsService>('functions');
  const pay = new PayService(ctx.db, functions, ctx.appid, ctx.clock, PAY_SANDBOX_MCH_ID);
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
      {
        // What WeChat's payment sheet shows (amount, description): read-only, for the store preview.
        control: true,
        method: 'GET',
        path: /^\/pay\/order$/,
        handle: ({ url }) => {
          const sheet = pay.sheet(url.searchParams.get('package') ?? '');
          return sheet
            ? { status: 200, json: sheet }
            : { status: 404, json: { error: { code: 'ORDERNOTEXIST', message: 'no unifiedOrder with that package' } } };
        },
      },
      post(/^\/pay\/confirm$/, (body) => pay.confirm(body)),
      post(/^\/pay\/refunds:fail$/, (body) => pay.refuseNextRefunds(body)),
      post(/^\/pay\/refunds:notify$/, (body) => pay.notifyRefund(body)),
    ],
  };
};
