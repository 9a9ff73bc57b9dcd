import type { ApiError, Envelope, ErrorCode, RequestIssue } from '../typings/api';

/** The developer's part of an error envelope, kept apart from the Chinese `message` people see. */
export interface ErrorExtras {
  /** English, for logs and developers. */
  detail?: string;
  /** The request fields that were refused. */
  issues?: RequestIssue[];
}

/**
 * A failure we mean to report to the caller, with a stable code and a Chinese message fit to show a
 * shopper or merchant. Anything else thrown becomes INTERNAL.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly extras: ErrorExtras = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  toApiError(): ApiError {
    return apiError(this.code, this.message, this.details, this.extras);
  }
}

function apiError(code: ErrorCode, message: string, details: unknown, extras: ErrorExtras): ApiError {
  const error: ApiError = { code, message };
  if (extras.detail !== undefined) error.detail = extras.detail;
  if (extras.issues !== undefined) error.issues = extras.issues;
  if (details !== undefined) error.details = details;
  return error;
}

export const invalid = (message: string, details?: unknown, extras?: ErrorExtras) => new AppError('INVALID_ARGUMENT', message, details, extras);
export const notFound = (message: string, details?: unknown, extras?: ErrorExtras) => new AppError('NOT_FOUND', message, details, extras);
export const invalidState = (message: string, details?: unknown, extras?: ErrorExtras) => new AppError('INVALID_STATE', message, details, extras);

/** A cursor that no listing handed out (tampered with, or from an older version). */
export const badCursor = () =>
  invalid('翻页位置无效，请刷新后重试', undefined, { detail: 'cursor is not one this listing returned', issues: [{ path: 'cursor', problem: 'is not valid' }] });

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, extras: ErrorExtras = {}, details?: unknown): Envelope<never> {
  return { ok: false, error: apiError(code, message, details, extras) };
}

/** Turns whatever a handler threw into an error envelope; unexpected errors are logged, not leaked. */
export function toErrorEnvelope(error: unknown, context: string): Envelope<never> {
  if (error instanceof AppError) return { ok: false, error: error.toApiError() };
  console.error(`[${context}] unexpected error`, error);
  return fail('INTERNAL', '服务繁忙，请稍后再试');
}
