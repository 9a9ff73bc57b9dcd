import type { ActionName, ActionRequest, ActionResponse, Envelope, FunctionName } from '../typings/api';
import { wxContext } from './cloud';
import { isMerchantOpenid } from './config';
import { fail, ok, toErrorEnvelope } from './errors';
import { parseEvent } from './events';

export interface Caller {
  /** The OPENID from the platform (getWXContext), never from the event. Empty when anonymous. */
  openid: string;
}

export type ActionHandlers<F extends FunctionName> = {
  [A in ActionName<F>]: (request: ActionRequest<F, A>, caller: Caller) => Promise<ActionResponse<F, A>>;
};

export interface HandlerOptions<F extends FunctionName> {
  /** Actions anyone may call without an OPENID (e.g. browsing the catalog). */
  anonymous?: readonly ActionName<F>[];
  /**
   * Actions for merchants only: calls without an OPENID (server side, made with the environment's own
   * credentials: the admin CLI, the console, other functions) or from an OPENID listed in config/merchants.
   * A shopper's mini program always calls with its OPENID, so it cannot pass as a server.
   */
  merchantOnly?: readonly ActionName<F>[];
}

/**
 * The thin part of every function: validate the event, resolve who is calling, run the action, wrap
 * the result in an envelope. Never throws: unexpected errors become INTERNAL (and are logged).
 */
export function actionHandler<F extends FunctionName>(fn: F, handlers: ActionHandlers<F>, options: HandlerOptions<F> = {}) {
  return async (event: unknown): Promise<Envelope<unknown>> => {
    const parsed = parseEvent(fn, event);
    if (!parsed.ok) return parsed.envelope;
    try {
      const openid = wxContext().OPENID;
      const caller: Caller = { openid: typeof openid === 'string' ? openid : '' };
      if ((options.merchantOnly ?? []).includes(parsed.action)) {
        if (caller.openid && !(await isMerchantOpenid(caller.openid))) return fail('PERMISSION_DENIED', '仅商家可以使用');
      } else if (!caller.openid && !(options.anonymous ?? []).includes(parsed.action)) {
        return fail('UNAUTHENTICATED', '请在微信中打开');
      }
      const run = handlers[parsed.action] as (request: unknown, caller: Caller) => Promise<unknown>;
      return ok(await run(parsed.request, caller));
    } catch (error) {
      return toErrorEnvelope(error, `${fn}.${String(parsed.action)}`);
    }
  };
}
