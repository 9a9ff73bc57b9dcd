import type { ActionName, ActionRequest, ActionResponse, ApiError, Envelope, FunctionName } from '../../typings/api';
import { CALL_TIMEOUT_MS } from '../config';
import { wxErrMsg } from '../utils/wx-error';

/** What a shopper reads when the cloud, or a package of the app, could not be reached. */
export const NETWORK_MESSAGE = '网络不太稳定，请稍后重试';

/**
 * Every page talks to the cloud functions through this one typed function. Transport failures
 * (no network, function crashed, timeout) come back as an UNAVAILABLE envelope instead of a throw,
 * so each page handles exactly one shape: `{ ok: true, data } | { ok: false, error }`.
 */
export async function call<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  req: ActionRequest<F, A>,
): Promise<Envelope<ActionResponse<F, A>>> {
  let timer: number | undefined;
  try {
    const invoke = wx.cloud.callFunction({ name: fn, data: { action, ...(req as object) } });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), CALL_TIMEOUT_MS) as unknown as number;
    });
    const res = await Promise.race([invoke, timeout]);
    const result: unknown = res.result;
    if (isEnvelope(result)) return result as Envelope<ActionResponse<F, A>>;
    return failure('INTERNAL', '服务返回了无法识别的结果');
  } catch (err) {
    const detail = wxErrMsg(err) || String(err);
    return failure('UNAVAILABLE', NETWORK_MESSAGE, detail);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function failure(code: ApiError['code'], message: string, details?: unknown): { ok: false; error: ApiError } {
  const error: ApiError = { code, message };
  if (details !== undefined) error.details = details;
  return { ok: false, error };
}

function isEnvelope(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'data' in v;
  return v.ok === false && !!v.error && typeof v.error.code === 'string';
}

/** A message fit to show the shopper for a failed call. */
export function errorText(error: ApiError): string {
  return error.message || '出了点问题，请稍后重试';
}
