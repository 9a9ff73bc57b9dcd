/**
 * Device storage that never throws: a full or unavailable storage (private mode on some clients,
 * 10 MB quota reached) must not break a page, so reads fall back to `undefined` and writes report
 * whether they stuck. Synchronous reads are for page loads; writes on the launch path use the async
 * form so they never slow the first screen.
 */
export function readStorage(key: string): unknown {
  try {
    const value: unknown = wx.getStorageSync(key);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Synchronous write; false when storage refused it (the caller keeps its in-memory copy). */
export function writeStorage(key: string, data: unknown): boolean {
  try {
    wx.setStorageSync(key, data);
    return true;
  } catch {
    return false;
  }
}

/** Fire-and-forget write: a failure only loses the cached copy. */
export function writeStorageLater(key: string, data: unknown): void {
  wx.setStorage({ key, data, fail: () => undefined });
}

export function removeStorageLater(key: string): void {
  wx.removeStorage({ key, fail: () => undefined });
}
