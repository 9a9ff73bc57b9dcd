/**
 * Cloud functions as the hub sees them: `functions.invokeFunction` (admin scripts and nested
 * calls), the local invoke / timer / logs routes, and the invocation log table (InvocationLog).
 */
import * as path from 'node:path';
import { FunctionsService, type InvokeResult } from './service';
import { PAY_SANDBOX_MCH_ID } from '../pay/service';
import type { DatabaseService } from '../database/service';
import { Errors } from '../util/errors';
import type { EmulatedService, JsonReply, ServiceFactory } from '../registry';

const reply = (r: InvokeResult): JsonReply => ({
  json: r.ok ? { result: r.result, requestId: r.requestId } : { error: { code: r.error.code, message: r.error.message }, requestId: r.requestId },
});

export const functionsEmulator: ServiceFactory = (ctx): EmulatedService<FunctionsService> => {
  const o = ctx.options;
  const functions = new FunctionsService(ctx.db, {
    functionsDir: path.resolve(o.functionsDir ?? path.join(ctx.repoRoot, 'cloudfunctions')),
    envId: ctx.envId,
    appid: ctx.appid,
    adminUrl: ctx.adminUrl,
    maxWorkersPerFunction: o.maxWorkersPerFunction ?? 8,
    defaultTimeoutMs: o.defaultTimeoutMs ?? 3000,
    timers: o.timers ?? true,
    propagateIdentity: o.propagateIdentity ?? true,
    // The local environment comes bound to the pay sandbox's merchant, as a real one is to the store's;
    // the caller's variables (like the console's function configuration) are added to that.
    functionEnv: { WX_PAY_SUB_MCH_ID: PAY_SANDBOX_MCH_ID, ...o.functionEnv },
    maxDepth: 8,
    quiet: ctx.quiet,
    clock: ctx.clock,
    // A killed function can never commit: free the documents its transactions locked right away.
    onWorkerKilled: (token) => {
      if (ctx.registry.has('database')) ctx.registry.get<DatabaseService>('database').txns.abortOwnedBy(token);
    },
  });
  return {
    name: 'functions',
    api: functions,
    actions: {
      /** From an admin script, or nested from inside a running function. */
      'functions.invokeFunction': async (body, req) => {
        const name = String(body.function_name ?? '');
        let event: unknown = {};
        if (typeof body.request_data === 'string' && body.request_data) {
          try {
            event = JSON.parse(body.request_data);
          } catch {
            throw Errors.invalidParam('request_data is not valid JSON');
          }
        }
        const parent = functions.byToken(body.wxCloudApiToken);
        const caller = functions.nestedCaller(parent, String(req.headers['x-tcb-source'] ?? ''));
        const r = await functions.invoke(name, event, caller, { parent });
        if (!r.ok) throw r.error;
        return { data: { response_data: JSON.stringify(r.result) } };
      },
    },
    routes: [
      {
        control: true,
        method: 'POST',
        path: /^\/functions\/([^/:]+):invoke$/,
        handle: async ({ params: [name], json }) => {
          const b = await json();
          const caller = { openid: b.openid, appid: b.appid, unionid: b.unionid, source: b.source ?? 'wx_client', clientIp: '127.0.0.1' };
          return reply(await functions.invoke(name, b.event ?? {}, caller, { injectUserInfo: true }));
        },
      },
      {
        control: true,
        method: 'POST',
        path: /^\/functions\/([^/]+)\/triggers\/([^/:]+):fire$/,
        handle: async ({ params: [fn, trigger] }) => reply(await functions.fireTimer(fn, trigger)),
      },
      {
        control: true,
        method: 'GET',
        path: /^\/logs$/,
        handle: ({ url }) => ({
          json: {
            logs: functions.log.list({
              functionName: url.searchParams.get('function') ?? undefined,
              openid: url.searchParams.get('openid') ?? undefined,
              limit: Number(url.searchParams.get('limit')) || undefined,
            }),
          },
        }),
      },
    ],
    status: () => ({ functions: functions.listFunctions() }),
    close: () => functions.close(),
  };
};
