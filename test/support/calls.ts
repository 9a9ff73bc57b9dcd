/**
 * Calling the functions from tests with the contract's types: `call(cloud, 'orders', {action: 'create',
 * ...}, openid)` checks the event against typings/api.ts and answers the action's typed envelope.
 * Malformed events on purpose go through `cloud.invoke` instead.
 */
import type { ActionEvent, ActionName, ActionReply, ApiError, FunctionName, RawInvoke } from '../../typings/api';
import { callAction } from '../../server/call-action';
import type { CloudHandle } from '../helpers/cloud';

export { dataOf } from '../../server/call-action';

/** The local cloud's invoke endpoint as a caller with this OPENID (none: a server-side call). */
export function invokeAs(cloud: CloudHandle, openid?: string): RawInvoke {
  return async (fn, event) => {
    const r = await cloud.invoke(fn, event, openid ? { openid } : {});
    if (r.error) throw new Error(`invoke ${fn} failed: ${r.error.code} ${r.error.message}`);
    return r.result;
  };
}

/** Calls an action as a user (or as the server without `openid`) and returns its envelope. */
export function call<F extends FunctionName, A extends ActionName<F>>(cloud: CloudHandle, fn: F, event: ActionEvent<F, A>, openid?: string): Promise<ActionReply<F, A>> {
  const { action, ...request } = event as { action: A } & Record<string, unknown>;
  return callAction(invokeAs(cloud, openid), fn, action, request as never);
}

/** The error of a refused reply; a success is thrown (the test expected a refusal). */
export function errorOf(reply: { ok: true; data: unknown } | { ok: false; error: ApiError }): ApiError & { details?: any } {
  if (!reply.ok) return reply.error;
  throw new Error(`expected a refusal, got ${JSON.stringify(reply.data)?.slice(0, 300)}`);
}
