/** Open APIs as the hub sees them: the `wx.openApi` multipart action and the outbox route. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OpenApiService } from './service';
import { encodeResp } from './proto';
import { DEFAULT_BLOCK_LIST, parseBlockList } from './seccheck';
import { ShippingService, type PaymentsView } from './shipping';
import { DEFAULT_DELAY_MS, DEFAULT_MEDIA_BLOCK_LIST, MediaCheckService, parseMediaBlockList, parsePushRoutes } from './media-check';
import type { StorageService } from '../storage/service';
import { CloudBaseError } from '../util/errors';
import type { FunctionsService } from '../functions/service';
import type { EmulatedService, ServiceFactory } from '../registry';

export const openapiEmulator: ServiceFactory = (ctx): EmulatedService<OpenApiService> => {
  const defaultAppJson = path.join(ctx.repoRoot, 'miniprogram', 'app.json');
  // The pay sandbox registers after this service: it is looked up when a shipping call needs it.
  const shipping = new ShippingService(ctx.db, () => ctx.registry.get<PaymentsView>('pay'));
  const mediaCheck = new MediaCheckService(ctx.db, ctx.clock, {
    functions: () => ctx.registry.get<FunctionsService>('functions'),
    storage: () => (ctx.registry.has('storage') ? ctx.registry.get<StorageService>('storage') : undefined),
    functionsDir: path.resolve(ctx.options.functionsDir ?? path.join(ctx.repoRoot, 'cloudfunctions')),
    appid: ctx.appid,
  });
  const openapi = new OpenApiService(ctx.registry.get<FunctionsService>('functions'), {
    shipping,
    mediaCheck,
    appJsonPath: ctx.options.appJson ?? (fs.existsSync(defaultAppJson) ? defaultAppJson : undefined),
    checkPermissions: ctx.options.openapiPermissions ?? true,
    rateLimitPerMinute: 5000,
  });
  return {
    name: 'openapi',
    api: openapi,
    close: () => mediaCheck.close(),
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
      // security.mediaCheckAsync: the checks and their push deliveries, the block list, the delay, the
      // message-push routes; PUT replaces what it names, DELETE restores the defaults.
      {
        control: true,
        method: 'GET',
        path: /^\/openapi\/media-check$/,
        handle: () => ({ json: { checks: mediaCheck.records(), block: mediaCheck.blockList, delayMs: mediaCheck.delayMs, messagePush: { callbacks: mediaCheck.pushRoutes } } }),
      },
      {
        control: true,
        method: 'PUT',
        path: /^\/openapi\/media-check$/,
        handle: async ({ json }) => {
          const body = await json();
          const bad = (message: string) => ({ status: 400, json: { error: { code: 'INVALID_PARAM', message } } });
          const block = body.block === undefined ? undefined : parseMediaBlockList(body.block);
          if (typeof block === 'string') return bad(block);
          const routes = body.messagePush === undefined ? undefined : parsePushRoutes(body.messagePush);
          if (typeof routes === 'string') return bad(routes);
          if (body.delayMs !== undefined && (!Number.isSafeInteger(body.delayMs) || (body.delayMs as number) < 0)) return bad('delayMs must be an integer >= 0');
          if (block) mediaCheck.blockList = block;
          if (routes) mediaCheck.pushRoutes = routes;
          if (body.delayMs !== undefined) mediaCheck.delayMs = body.delayMs as number;
          return { json: { block: mediaCheck.blockList, delayMs: mediaCheck.delayMs, messagePush: { callbacks: mediaCheck.pushRoutes } } };
        },
      },
      {
        control: true,
        method: 'DELETE',
        path: /^\/openapi\/media-check$/,
        handle: () => {
          mediaCheck.blockList = DEFAULT_MEDIA_BLOCK_LIST.map((e) => ({ ...e }));
          mediaCheck.delayMs = DEFAULT_DELAY_MS;
          mediaCheck.pushRoutes = mediaCheck.defaultPushRoutes();
          return { json: { block: mediaCheck.blockList, delayMs: mediaCheck.delayMs, messagePush: { callbacks: mediaCheck.pushRoutes } } };
        },
      },
      {
        // Delivers one check's push now (again, if it was delivered: a repeated push).
        control: true,
        method: 'POST',
        path: /^\/openapi\/media-check:deliver$/,
        handle: async ({ json }) => {
          const { traceId } = await json();
          const delivered = typeof traceId === 'string' ? await mediaCheck.deliver(traceId) : undefined;
          if (!delivered) return { status: 404, json: { error: { code: 'NOT_FOUND', message: 'no media check with that traceId' } } };
          return { json: { check: delivered } };
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
    ],
  };
};
