/**
 * The one typed way to call an action from outside the mini program: tests, the admin CLI, the console
 * and benchmarks. The transport (the local cloud's invoke endpoint, `app.callFunction`) is passed in as
 * a RawInvoke; the request and the answer carry the contract's types (typings/api.ts).
 */
import type { ActionName, ActionReply, ActionRequest, FunctionName, RawInvoke } from '../typings/api';

function isEnvelope(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'data' in v;
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}

/** Sends `{action, ...request}` to a function and returns its envelope; anything else is thrown. */
export async function callAction<F extends FunctionName, A extends ActionName<F>>(invoke: RawInvoke, fn: F, action: A, request: ActionRequest<F, A>): Promise<ActionReply<F, A>> {
  const result = await invoke(fn, Object.assign({}, request, { action }));
  if (!isEnvelope(result)) throw new Error(`${fn}.${action} did not answer an envelope: ${JSON.stringify(result)?.slice(0, 300)}`);
  return result as ActionReply<F, A>;
}

/** The data of a successful reply; a refusal is thrown as an Error naming its code and message. */
export function dataOf<T>(reply: { ok: true; data: T } | { ok: false; error: { code: string; message: string; detail?: string } }): T {
  if (reply.ok) return reply.data;
  throw new Error(`${reply.error.code}: ${reply.error.message}${reply.error.detail ? ` (${reply.error.detail})` : ''}`);
}
