/**
 * wx.* APIs reject with `{ errMsg: 'api:fail reason' }` (not an Error), and a shopper closing a sheet
 * (payment, address, share) is reported as a failure whose errMsg contains "cancel".
 */
export function wxErrMsg(err: unknown): string {
  if (err && typeof err === 'object' && 'errMsg' in err) return String((err as { errMsg: unknown }).errMsg);
  return '';
}

/** The shopper closed the sheet on purpose: not an error to report. */
export function isUserCancel(err: unknown): boolean {
  return wxErrMsg(err).indexOf('cancel') >= 0;
}

/**
 * The user refused the privacy guide (the privacy popup's 拒绝): the private API failed with
 * "privacy permission is not authorized" (errno 104, docs/reference/wx-privacy-declarations.md).
 */
export function isPrivacyRefused(err: unknown): boolean {
  return wxErrMsg(err).indexOf('privacy permission is not authorized') >= 0;
}
