import type { ApiError, Envelope, ErrorCode } from '../typings/api';

/** A failure we mean to report to the caller, with a stable code. Anything else thrown becomes INTERNAL. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return error;
  }
}

export const invalid = (message: string, details?: unknown) => new AppError('INVALID_ARGUMENT', message, details);
export const notFound = (message: string, details?: unknown) => new AppError('NOT_FOUND', message, details);
export const invalidState = (message: string, details?: unknown) => new AppError('INVALID_STATE', message, details);

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Envelope<never> {
  const error: ApiError = { code, message };
  if (details !== undefined) error.details = details;
  return { ok: false, error };
}

/** Turns whatever a handler threw into an error envelope; unexpected errors are logged, not leaked. */
export function toErrorEnvelope(error: unknown, context: string): Envelope<never> {
  if (error instanceof AppError) return { ok: false, error: error.toApiError() };
  console.error(`[${context}] unexpected error`, error);
  return fail('INTERNAL', '服务繁忙，请稍后再试');
}
