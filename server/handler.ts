import type { ActionName, ActionRequest, ActionResponse, CallerKind, Envelope, FunctionName } from '../typings/api';
import { wxContext } from './cloud';
import { isMerchantOpenid } from './config';
import { fail, ok, toErrorEnvelope } from './errors';
import { parseEvent } from './events';
import { isPlainObject } from './validate';

/** Who is calling (see CallerKind in typings/api.ts). Decided once per call, from the platform's context only. */
export type Caller =
  | { kind: Extract<CallerKind, 'shopper'>; openid: string }
  | { kind: Extract<CallerKind, 'merchant'>; openid: string }
  | { kind: Extract<CallerKind, 'platform'>; source: PlatformSource }
  | { kind: Extract<CallerKind, 'server'>; openid: '' };

/** The SOURCE values of the platform's own invocations (getWXContext().SOURCE). */
export type PlatformSource = 'wx_trigger' | 'wx_paycallback';

/** A caller an action can be run for: someone with an OPENID, or a server-side call (no OPENID). */
export type ActionCaller = Exclude<Caller, { kind: 'platform' }>;

export type ActionHandlers<F extends FunctionName> = {
  [A in ActionName<F>]: (request: ActionRequest<F, A>, caller: ActionCaller) => Promise<ActionResponse<F, A>>;
};

/** WeChat Pay's answer to a notification: errcode 0 = recorded, anything else = deliver again. */
export type NotificationAnswer = { errcode: number; errmsg: string };

export interface HandlerOptions<F extends FunctionName> {
  /** Actions anyone may call without an OPENID (e.g. browsing the catalog). */
  anonymous?: readonly ActionName<F>[];
  /**
   * Actions for merchants only: calls without an OPENID (server side, made with the environment's own
   * credentials: the admin CLI, the console, other functions) or from an OPENID the merchant rule
   * accepts (config/merchants). A shopper's mini program always calls with its OPENID, so it cannot pass
   * as a server.
   */
  merchantOnly?: readonly ActionName<F>[];
  /**
   * Timer triggers of this function (config.json `triggers[].name`), run when SOURCE is wx_trigger or
   * for a server-side call (an operator running it by hand); never for a shopper.
   */
  timers?: Record<string, () => Promise<unknown>>;
  /** CloudPay's payment result notification (unifiedOrder's `functionName` is this function). */
  payNotifications?: (event: Record<string, unknown>) => Promise<NotificationAnswer>;
  /** CloudPay's refund result notification (refund's `functionName` is this function). */
  refundNotifications?: (event: Record<string, unknown>) => Promise<NotificationAnswer>;
}

/** The first element of the SOURCE chain: who started this invocation ("wx_client,scf" → wx_client). */
export function originOf(source: unknown): string {
  return typeof source === 'string' ? source.split(',')[0].trim() : '';
}

/**
 * The caller kind from the platform's context. The platform kinds need both the SOURCE and no further
 * hop (`wx_trigger,scf` is another function calling, not the timer). Whether an OPENID is a merchant's
 * is asked only when the action admits merchants (one read of config/merchants), so a shopper's call
 * costs nothing extra.
 */
export async function resolveCaller(context: { OPENID?: unknown; SOURCE?: unknown }, askMerchant: boolean): Promise<Caller> {
  const source = typeof context.SOURCE === 'string' ? context.SOURCE.trim() : '';
  if (source === 'wx_trigger' || source === 'wx_paycallback') return { kind: 'platform', source };
  const openid = typeof context.OPENID === 'string' ? context.OPENID : '';
  if (!openid) return { kind: 'server', openid: '' };
  if (askMerchant && (await isMerchantOpenid(openid))) return { kind: 'merchant', openid };
  return { kind: 'shopper', openid };
}

type PlatformEvent = { kind: 'timer'; name: string } | { kind: 'pay' } | { kind: 'refund' };

/**
 * Recognises the platform's own events, which carry no `action`: a timer (SCF format `{Type: 'Timer',
 * TriggerName, Time}`), a refund result (`reqInfo` / `outRefundNo`) or a payment result (`outTradeNo` +
 * `returnCode`/`resultCode`). Whether the platform really sent it is the caller kind's question.
 */
export function platformEvent(event: unknown): PlatformEvent | null {
  if (!isPlainObject(event) || event.action !== undefined) return null;
  if (event.Type === 'Timer' && typeof event.TriggerName === 'string') return { kind: 'timer', name: event.TriggerName };
  if ('reqInfo' in event || 'outRefundNo' in event || 'refundStatus' in event) return { kind: 'refund' };
  if ('outTradeNo' in event && ('returnCode' in event || 'resultCode' in event)) return { kind: 'pay' };
  return null;
}

async function runPlatform<F extends FunctionName>(fn: F, what: PlatformEvent, event: Record<string, unknown>, caller: Caller, options: HandlerOptions<F>): Promise<unknown> {
  const expected: PlatformSource = what.kind === 'timer' ? 'wx_trigger' : 'wx_paycallback';
  const label = what.kind === 'timer' ? `timer ${what.name}` : `${what.kind} notification`;
  const declared = what.kind === 'timer' ? options.timers?.[what.name] : what.kind === 'pay' ? options.payNotifications : options.refundNotifications;
  if (!declared) {
    console.warn(`[${fn}] ${label} refused: not declared by this function`);
    return fail('INVALID_ARGUMENT', '请求内容有误', { detail: `${fn} declares no ${label}` });
  }
  const fromPlatform = caller.kind === 'platform' && caller.source === expected;
  // An operator may also run a timer by hand with the environment's credentials (a server call).
  const allowed = fromPlatform || (what.kind === 'timer' && caller.kind === 'server');
  if (!allowed) {
    // Anyone can call a function with an event shaped like the platform's; only the platform may run it
    // (otherwise a shopper could mark their own order paid).
    console.warn(`[${fn}] ${label} from ${caller.kind} refused (only ${expected} may deliver one)`);
    return fail('PERMISSION_DENIED', '无权执行此操作', { detail: `${label} accepted only from SOURCE ${expected}` });
  }
  if (what.kind === 'timer') {
    try {
      return ok(await (declared as () => Promise<unknown>)());
    } catch (error) {
      return toErrorEnvelope(error, `${fn}.${what.name}`);
    }
  }
  return (declared as (event: Record<string, unknown>) => Promise<NotificationAnswer>)(event);
}

/**
 * The thin part of every function: validate the event, decide who is calling, run the action (or the
 * declared timer / notification), wrap the result in an envelope. Never throws: unexpected errors
 * become INTERNAL (and are logged).
 */
export function actionHandler<F extends FunctionName>(fn: F, handlers: ActionHandlers<F>, options: HandlerOptions<F> = {}) {
  return async (event: unknown): Promise<unknown> => {
    const platform = platformEvent(event);
    if (platform) {
      try {
        return await runPlatform(fn, platform, event as Record<string, unknown>, await resolveCaller(wxContext(), false), options);
      } catch (error) {
        return toErrorEnvelope(error, `${fn}.${platform.kind}`);
      }
    }
    return runAction(fn, handlers, options, event);
  };
}

async function runAction<F extends FunctionName>(fn: F, handlers: ActionHandlers<F>, options: HandlerOptions<F>, event: unknown): Promise<Envelope<unknown>> {
  const parsed = parseEvent(fn, event);
  if (!parsed.ok) return parsed.envelope;
  try {
    const merchantOnly = (options.merchantOnly ?? []).includes(parsed.action);
    const caller = await resolveCaller(wxContext(), merchantOnly);
    if (caller.kind === 'platform') return fail('PERMISSION_DENIED', '无权执行此操作', { detail: `${caller.source} does not call actions` });
    if (merchantOnly) {
      if (caller.kind === 'shopper') return fail('PERMISSION_DENIED', '仅商家可以使用', { detail: 'this OPENID is not a merchant' });
    } else if (caller.kind === 'server' && !(options.anonymous ?? []).includes(parsed.action)) {
      return fail('UNAUTHENTICATED', '请在微信中打开', { detail: `${fn}.${parsed.action} needs the caller's OPENID` });
    }
    const run = handlers[parsed.action] as (request: unknown, caller: ActionCaller) => Promise<unknown>;
    return ok(await run(parsed.request, caller));
  } catch (error) {
    return toErrorEnvelope(error, `${fn}.${String(parsed.action)}`);
  }
}
