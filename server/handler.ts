import type { ActionName, ActionRequest, ActionResponse, CallerKind, Envelope, FunctionName } from '../typings/api';
import { wxContext } from './cloud';
import { isMerchantOpenid } from './config';
import { fail, ok, toErrorEnvelope } from './errors';
import { parseEvent } from './events';
import { takeMerchantKey, type MerchantProof } from './merchant-key';
import { isPlainObject } from './validate';

/** Who is calling (see CallerKind in typings/api.ts). Decided once per call, from the platform's context only. */
export type Caller =
  | { kind: Extract<CallerKind, 'shopper'>; openid: string }
  | { kind: Extract<CallerKind, 'merchant'>; openid: string }
  | { kind: Extract<CallerKind, 'platform'>; source: PlatformSource }
  | { kind: Extract<CallerKind, 'server'>; openid: '' }
  | { kind: Extract<CallerKind, 'stranger'>; openid: ''; proof: Exclude<MerchantProof, 'valid'> };

/** The SOURCE values of the platform's own invocations (getWXContext().SOURCE). */
export type PlatformSource = 'wx_trigger' | 'wx_paycallback';

/** A caller an action can be run for: someone with an OPENID, a server-side call, or (anonymous actions only) a stranger. */
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
   * Actions for merchants only: server-side calls that carry the merchant key (the admin CLI, the
   * console, an operator) or calls from an OPENID the merchant rule accepts (config/merchants). A call
   * with neither is a stranger: no OPENID proves nothing (docs/reference/merchant-identity.md §2).
   */
  merchantOnly?: readonly ActionName<F>[];
  /**
   * Timer triggers of this function (config.json `triggers[].name`), run when SOURCE is wx_trigger or
   * for a server-side call with the merchant key (an operator running it by hand); never for a shopper
   * or a stranger.
   */
  timers?: Record<string, () => Promise<unknown>>;
  /** CloudPay's payment result notification (unifiedOrder's `functionName` is this function). */
  payNotifications?: (event: Record<string, unknown>) => Promise<NotificationAnswer>;
  /** CloudPay's refund result notification (refund's `functionName` is this function). */
  refundNotifications?: (event: Record<string, unknown>) => Promise<NotificationAnswer>;
  /**
   * WeChat's message push to this function, by `Event` (the cloud console's 消息推送 routes
   * `<MsgType event, Event>` here; e.g. `wxa_media_check`). See `mayBeMessagePush` for who may deliver one.
   */
  messagePush?: Record<string, (event: Record<string, unknown>) => Promise<unknown>>;
}

/**
 * Whether an invocation can be WeChat's message push. The platform does not document the SOURCE or
 * OPENID a push arrives with, so a push is refused only where it certainly is not one: a mini program
 * user's own call (wx_client, wx_devtools, wx_localdebug, wx_crawler) or another function (a chain).
 * What a push carries must therefore prove itself (an image verdict counts only for a trace id the
 * store was given and never shows anyone).
 */
export function mayBeMessagePush(source: unknown): boolean {
  const s = typeof source === 'string' ? source.trim() : '';
  return !s.includes(',') && !['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_crawler'].includes(s);
}

/** The first element of the SOURCE chain: who started this invocation ("wx_client,scf" → wx_client). */
export function originOf(source: unknown): string {
  return typeof source === 'string' ? source.split(',')[0].trim() : '';
}

/**
 * The caller kind from the platform's context and the merchant key the event carried. The platform
 * kinds need both the SOURCE and no further hop (`wx_trigger,scf` is another function calling, not the
 * timer). An OPENID decides the caller whatever key comes with it. Without an OPENID only the key makes
 * a server call; anything else is a stranger. Whether an OPENID is a merchant's is asked only when the
 * action admits merchants (one read of config/merchants), so a shopper's call costs nothing extra.
 */
export async function resolveCaller(context: { OPENID?: unknown; SOURCE?: unknown }, proof: MerchantProof, askMerchant: boolean): Promise<Caller> {
  const source = typeof context.SOURCE === 'string' ? context.SOURCE.trim() : '';
  if (source === 'wx_trigger' || source === 'wx_paycallback') return { kind: 'platform', source };
  const openid = typeof context.OPENID === 'string' ? context.OPENID : '';
  if (openid) {
    if (askMerchant && (await isMerchantOpenid(openid))) return { kind: 'merchant', openid };
    return { kind: 'shopper', openid };
  }
  if (proof === 'valid') return { kind: 'server', openid: '' };
  return { kind: 'stranger', openid: '', proof };
}

/** The refusal for a stranger asking for a merchant's action (or timer): what is missing, in words a merchant can act on. */
function strangerRefusal(fn: string, what: string, proof: Exclude<MerchantProof, 'valid'>): Envelope<never> {
  console.warn(`[${fn}] ${what} refused: no OPENID and merchant key ${proof}`);
  switch (proof) {
    case 'none':
      return fail('UNAUTHENTICATED', '需要商家身份：请用商家工具（配置商家密钥）或在微信中以商家身份操作', { detail: `${what} needs a merchant: an OPENID in config/merchants or the merchant key` });
    case 'unconfigured':
      return fail('PERMISSION_DENIED', '云函数未配置商家密钥，暂不能执行商家操作', { detail: 'MERCHANT_KEY is missing or shorter than 32 characters in this function\'s environment' });
    case 'invalid':
      return fail('PERMISSION_DENIED', '商家密钥无效', { detail: 'the merchant key does not match this environment\'s MERCHANT_KEY' });
  }
}

type PlatformEvent = { kind: 'timer'; name: string } | { kind: 'pay' } | { kind: 'refund' } | { kind: 'push'; name: string };

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
  if (event.MsgType === 'event' && typeof event.Event === 'string') return { kind: 'push', name: event.Event };
  return null;
}

async function runPush<F extends FunctionName>(fn: F, name: string, event: Record<string, unknown>, options: HandlerOptions<F>): Promise<unknown> {
  const source = wxContext().SOURCE;
  if (!mayBeMessagePush(source)) {
    console.warn(`[${fn}] message push ${name} from SOURCE ${String(source)} refused`);
    return fail('PERMISSION_DENIED', '无权执行此操作', { detail: 'a message push does not come from a mini program or another function' });
  }
  const declared = options.messagePush?.[name];
  if (!declared) {
    console.warn(`[${fn}] message push ${name} refused: not declared by this function`);
    return fail('INVALID_ARGUMENT', '请求内容有误', { detail: `${fn} declares no message push ${name}` });
  }
  return declared(event);
}

async function runPlatform<F extends FunctionName>(fn: F, what: Exclude<PlatformEvent, { kind: 'push' }>, event: Record<string, unknown>, caller: Caller, options: HandlerOptions<F>): Promise<unknown> {
  const expected: PlatformSource = what.kind === 'timer' ? 'wx_trigger' : 'wx_paycallback';
  const label = what.kind === 'timer' ? `timer ${what.name}` : `${what.kind} notification`;
  const fromPlatform = caller.kind === 'platform' && caller.source === expected;
  // An operator may also run a timer by hand with the merchant key (a server call).
  const allowed = fromPlatform || (what.kind === 'timer' && caller.kind === 'server');
  if (!allowed) {
    // Anyone can call a function with an event shaped like the platform's; only the platform may run it
    // (otherwise a shopper could run the expiry sweep or mark their own order paid). Refused before
    // looking at what this function declares, so a caller cannot probe for timers either.
    if (what.kind === 'timer' && caller.kind === 'stranger') return strangerRefusal(fn, label, caller.proof);
    console.warn(`[${fn}] ${label} from ${caller.kind} refused (only ${expected} may deliver one)`);
    return fail('PERMISSION_DENIED', '无权执行此操作', { detail: `${label} accepted only from SOURCE ${expected}` });
  }
  const declared = what.kind === 'timer' ? options.timers?.[what.name] : what.kind === 'pay' ? options.payNotifications : options.refundNotifications;
  if (!declared) {
    console.warn(`[${fn}] ${label} refused: not declared by this function`);
    return fail('INVALID_ARGUMENT', '请求内容有误', { detail: `${fn} declares no ${label}` });
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
  return async (raw: unknown): Promise<unknown> => {
    // The key leaves the event first: validation, the actions and the logs never see it.
    const { event, proof } = takeMerchantKey(raw);
    const platform = platformEvent(event);
    if (platform?.kind === 'push') {
      try {
        return await runPush(fn, platform.name, event as Record<string, unknown>, options);
      } catch (error) {
        return toErrorEnvelope(error, `${fn}.${platform.name}`);
      }
    }
    if (platform) {
      try {
        return await runPlatform(fn, platform, event as Record<string, unknown>, await resolveCaller(wxContext(), proof, false), options);
      } catch (error) {
        return toErrorEnvelope(error, `${fn}.${platform.kind}`);
      }
    }
    return runAction(fn, handlers, options, event, proof);
  };
}

async function runAction<F extends FunctionName>(fn: F, handlers: ActionHandlers<F>, options: HandlerOptions<F>, event: unknown, proof: MerchantProof): Promise<Envelope<unknown>> {
  const parsed = parseEvent(fn, event);
  if (!parsed.ok) return parsed.envelope;
  try {
    const merchantOnly = (options.merchantOnly ?? []).includes(parsed.action);
    const caller = await resolveCaller(wxContext(), proof, merchantOnly);
    if (caller.kind === 'platform') return fail('PERMISSION_DENIED', '无权执行此操作', { detail: `${caller.source} does not call actions` });
    if (merchantOnly) {
      if (caller.kind === 'shopper') return fail('PERMISSION_DENIED', '仅商家可以使用', { detail: 'this OPENID is not a merchant' });
      if (caller.kind === 'stranger') return strangerRefusal(fn, `${fn}.${parsed.action}`, caller.proof);
    } else if ((caller.kind === 'server' || caller.kind === 'stranger') && !(options.anonymous ?? []).includes(parsed.action)) {
      return fail('UNAUTHENTICATED', '请在微信中打开', { detail: `${fn}.${parsed.action} needs the caller's OPENID` });
    }
    const run = handlers[parsed.action] as (request: unknown, caller: ActionCaller) => Promise<unknown>;
    return ok(await run(parsed.request, caller));
  } catch (error) {
    return toErrorEnvelope(error, `${fn}.${String(parsed.action)}`);
  }
}
