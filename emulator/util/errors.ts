/**
 * CloudBase-shaped errors. Every failure the emulator reports travels as
 * HTTP 200 + `{requestId, code, message}` (wire protocol §4.1), because the SDK parses the
 * body before it looks at the status; a non-JSON or non-200 reply produces confusing errors.
 */
export class CloudBaseError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

const SUFFIX = ' Please check your request, but if the problem persists, contact us.';

/** Message texts follow the real service's `[Category.Reason] text` style. */
export const Errors = {
  collectionNotExist: (name: string) =>
    new CloudBaseError('DATABASE_COLLECTION_NOT_EXIST', `[ResourceNotFound.CollectionNotExist] Db or Table not exist: ${name}.${SUFFIX}`),
  collectionExists: (name: string) =>
    new CloudBaseError('DATABASE_COLLECTION_ALREADY_EXIST', `[ResourceInUse.CollectionAlreadyExist] Table exist: ${name}.${SUFFIX}`),
  transactionConflict: (detail = '') =>
    new CloudBaseError(
      'DATABASE_TRANSACTION_CONFLICT',
      `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others.${detail ? ' (' + detail + ')' : ''}${SUFFIX}`,
    ),
  transactionNotExist: () =>
    new CloudBaseError(
      'DATABASE_TRANSACTION_FAIL',
      `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds.${SUFFIX}`,
    ),
  invalidOperator: (detail: string) =>
    // (sic) the SDK's table spells it OPERRATOR; wx-server-sdk maps it to -502002.
    new CloudBaseError('DATABASE_INVALID_OPERRATOR', `[InvalidParameter.InvalidOperator] ${detail}.${SUFFIX}`),
  invalidParam: (detail: string) => new CloudBaseError('INVALID_PARAM', `[InvalidParameter] ${detail}.${SUFFIX}`),
  requestFailed: (detail: string) => new CloudBaseError('DATABASE_REQUEST_FAILED', `[FailedOperation] ${detail}.${SUFFIX}`),
  exceedLimit: (detail: string) => new CloudBaseError('EXCEED_REQUEST_LIMIT', `[LimitExceeded] ${detail}.${SUFFIX}`),
  // (sic) the SDKs' tables spell it INVALIID_ENV; wx-server-sdk maps it to -501005 "invalid env".
  invalidEnv: (env: string) => new CloudBaseError('INVALIID_ENV', `[InvalidParameter.EnvNotExist] env ${env} does not exist.${SUFFIX}`),
  sysErr: (detail: string) => new CloudBaseError('SYS_ERR', `[InternalError] ${detail}`),
};

/** Normalises anything thrown inside a handler into a CloudBaseError (never lets it escape). */
export function toCloudBaseError(e: unknown): CloudBaseError {
  if (e instanceof CloudBaseError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return Errors.sysErr(msg);
}
