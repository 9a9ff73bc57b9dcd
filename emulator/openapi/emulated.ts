/** Open APIs as the hub sees them: the `wx.openApi` multipart action and the outbox route. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OpenApiService } from './service';
import { encodeResp } from './proto';
import { DEFAULT_BLOCK_LIST, parseBlockList } from './seccheck';
import { ShippingService, type PaymentsView } from './shipping';
import { SubscribeService } from './subscribe';
import { CloudBaseError } from '../util/errors';
import type { FunctionsService } from '../functions/service';
import type { EmulatedService, ServiceFactory } from '../registry';

export const openapiEmulator: ServiceFactory = (ctx): EmulatedService<OpenApiService> => {
  const defaultAppJson = path.join(ctx.repoRoot, 'miniprogram', 'app.json');
  // The pay sandbox registers after this service: it is looked up when a shipping call needs it.
  const shipping = new ShippingService(ctx.db, () => ctx.registry.get<PaymentsView>('pay'));
  // Sends check `page` against the same app.json as QR codes (read when the open-API service exists).
  const subscribe: SubscribeService = new SubscribeService(ctx.db, (): string[] | undefined => openapi.pages());
  const openapi: OpenApiService = new OpenApiService(ctx.registry.get<FunctionsService>('functions'), {
    shipping,
    subscribe,
    appJsonPath: ctx.options.appJson ?? (fs.existsSync(defaultAppJson) ? defaultAppJson : undefined),
    checkPermissions: ctx.options.openapiPermissions ?? true,
    rateLimitPerMinute: 5000,
  });
  return {
    name: 'openapi',
    api: openapi,
    multipartActions: {
      'wx.openApi': async (parts) => {
        try {
          const bytes = await openapi.handle(parts, parts.get('wxCloudApiToken')?.data.toString('utf8'));
          return { bytes, contentType: 'application/octet-stream' };
        } catch (e) {
          if (e instanceof CloudBaseError) throw e;
          // An unexpected failure is an open-API level error (errorCode -1), not a TCB error.
          return { bytes: encodeResp({ errorCode: -1 }), contentType: 'application/octet-stream' };
        }
      },
    },
    routes: [
      { control: true, method: 'GET', path: /^\/openapi\/outbox$/, handle: () => ({ json: { outbox: openapi.outbox } }) },
      // The content-security block list: read it, replace it, or DELETE to go back to the default list.
      { control: true, method: 'GET', path: /^\/openapi\/seccheck$/, handle: () => ({ json: { words: openapi.blockList } }) },
      {
        control: true,
        method: 'PUT',
        path: /^\/openapi\/seccheck$/,
        handle: async ({ json }) => {
          const words = parseBlockList(await json());
          if (typeof words === 'string') return { status: 400, json: { error: { code: 'INVALID_PARAM', message: words } } };
          openapi.blockList = words;
          return { json: { words } };
        },
      },
      {
        control: true,
        method: 'DELETE',
        path: /^\/openapi\/seccheck$/,
        handle: () => {
          openapi.blockList = DEFAULT_BLOCK_LIST.map((w) => ({ ...w }));
          return { json: { words: openapi.blockList } };
        },
      },
      // WeChat's order-shipping service: what it accepted per payment, and a fault switch for tests.
      { control: true, method: 'GET', path: /^\/openapi\/shipping$/, handle: () => ({ json: { payments: shipping.records() } }) },
      {
        control: true,
        method: 'POST',
        path: /^\/openapi\/shipping:fail$/,
        handle: async ({ json }) => {
          const body = await json();
          const mode = body.mode ?? 'error';
          const times = body.times ?? 1;
          if ((mode !== 'error' && mode !== 'lost') || !Number.isSafeInteger(times) || (times as number) < 0) {
            return { status: 400, json: { error: { code: 'INVALID_PARAM', message: 'body must be {"mode"?: "error" | "lost", "times"?: n >= 0}' } } };
          }
          shipping.failNext(mode, times as number);
          return { json: { mode, times } };
        },
      },
      // Subscribe messages: the simulator's wx.requestSubscribeMessage records what the user accepted;
      // grants left per user and template, and every send (sent or refused); DELETE forgets both.
      {
        control: true,
        method: 'POST',
        path: /^\/openapi\/subscriptions$/,
        handle: async ({ json }) => {
          const problem = subscribe.subscribe(await json());
          if (problem) return { status: 400, json: { error: { code: 'INVALID_PARAM', message: problem } } };
          return { json: { ok: true } };
        },
      },
      { control: true, method: 'GET', path: /^\/openapi\/subscriptions$/, handle: ({ url }) => ({ json: { grants: subscribe.grants(url.searchParams.get('openid') ?? undefined) } }) },
      { control: true, method: 'GET', path: /^\/openapi\/messages$/, handle: ({ url }) => ({ json: { messages: subscribe.messages(url.searchParams.get('touser') ?? undefined) } }) },
      {
        control: true,
        method: 'POST',
        path: /^\/openapi\/messages:fail$/,
        handle: async ({ json }) => {
          const times = (await json()).times ?? 1;
          if (!Number.isSafeInteger(times) || (times as number) < 0) return { status: 400, json: { error: { code: 'INVALID_PARAM', message: 'body must be {"times"?: n >= 0}' } } };
          subscribe.failNext(times as number);
          return { json: { times } };
        },
      },
      {
        control: true,
        method: 'DELETE',
        path: /^\/openapi\/subscriptions$/,
        handle: () => {
          subscribe.clear();
          return { json: { ok: true } };
        },
      },
    ],
  };
};
