/**
 * Calling the functions from tests with the contract's types: `call(cloud, 'orders', {action: 'create',
 * ...}, openid)` checks the event against typings/api.ts and answers the action's typed envelope.
 * Malformed events on purpose go through `cloud.invoke` instead.
 */
import type { ActionEvent, ActionName, ActionReply, ApiError, FunctionName, RawInvoke } from '../../typings/api';
import { callAction } from '../../server/call-action';
import type { CloudHandle } from '../helpers/cloud';
import { localMerchantKey, merchantEvent } from '../../admin/merchant-key';

export { dataOf } from '../../server/call-action';

/**
 * The local cloud's invoke endpoint as a caller with this OPENID; without one, a merchant's server-side
 * call (no OPENID, the merchant key added as the merchant tools add it); `'stranger'`: no OPENID, no key.
 */
export function invokeAs(cloud: CloudHandle, openid?: string | 'stranger'): RawInvoke {
  return async (fn, event) => {
    const r =
      openid === undefined
        ? await cloud.invoke(fn, merchantEvent(event as object, localMerchantKey()), {})
        : await cloud.invoke(fn, event, openid === 'stranger' ? {} : { openid });
    if (r.error) throw new Error(`invoke ${fn} failed: ${r.error.code} ${r.error.message}`);
    return r.result;
  };
}

/** Calls an action as a user (as the merchant's server side without `openid`; see invokeAs) and returns its envelope. */
export function call<F extends FunctionName, A extends ActionName<F>>(cloud: CloudHandle, fn: F, event: ActionEvent<F, A>, openid?: string | 'stranger'): Promise<ActionReply<F, A>> {
  const { action, ...request } = event as { action: A } & Record<string, unknown>;
  return callAction(invokeAs(cloud, openid), fn, action, request as never);
}

/** The error of a refused reply; a success is thrown (the test expected a refusal). */
export function errorOf(reply: { ok: true; data: unknown } | { ok: false; error: ApiError }): ApiError & { details?: any } {
  if (!reply.ok) return reply.error;
  throw new Error(`expected a refusal, got ${JSON.stringify(reply.data)?.slice(0, 300)}`);
}
