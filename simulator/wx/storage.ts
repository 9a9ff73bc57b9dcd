// wx storage with the platform limits (1 MB per key, 10 MB total), kept per simulated user in the
// simulator process so it survives a relaunch like on a phone.
import { asyncApi, WxFail } from './convention';
import type { WxContext } from './context';

const KEY_LIMIT = 1024 * 1024;
const TOTAL_LIMIT = 10 * 1024 * 1024;

function typeOf(v: unknown): string {
  if (v === null) return 'Null';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Date) return 'Date';
  const t = typeof v;
  return t[0].toUpperCase() + t.slice(1);
}

export function storageApis(ctx: WxContext): Record<string, unknown> {
  const store = () => ctx.state.storage();
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');
  const set = (api: string, key: unknown, data: unknown) => {
    if (typeof key !== 'string' || !key) throw new WxFail('parameter error: parameter.key should be String instead of ' + typeOf(key) + ';');
    if (size(data) > KEY_LIMIT) throw new WxFail('entry size limit reached');
    let total = 0;
    for (const [k, v] of store()) if (k !== key) total += size(v.data) + k.length;
    if (total + size(data) > TOTAL_LIMIT) throw new WxFail('storage limit exceed');
    // Stored as a JSON copy: later mutation of the caller's object must not leak in.
    store().set(key, { data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)), type: typeOf(data) });
    void api;
  };
  const get = (key: unknown) => {
    const e = store().get(String(key));
    return e ? (e.data === undefined ? undefined : JSON.parse(JSON.stringify(e.data))) : undefined;
  };
  const info = () => {
    let bytes = 0;
    for (const [k, v] of store()) bytes += size(v.data) + k.length;
    return { keys: [...store().keys()], currentSize: Math.ceil(bytes / 1024), limitSize: TOTAL_LIMIT / 1024 };
  };
  const syncWrap = (api: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof WxFail) throw new Error(`${api}:fail ${err.reason}`);
      throw err;
    }
  };
  return {
    setStorageSync: (key: unknown, data: unknown) => syncWrap('setStorageSync', () => set('setStorageSync', key, data)),
    getStorageSync: (key: unknown) => {
      const v = get(key);
      return v === undefined ? '' : v;
    },
    removeStorageSync: (key: unknown) => void store().delete(String(key)),
    clearStorageSync: () => store().clear(),
    getStorageInfoSync: info,
    setStorage: asyncApi('setStorage', (o) => (set('setStorage', o.key, o.data), {})),
    getStorage: asyncApi('getStorage', (o) => {
      if (!store().has(String(o.key))) throw new WxFail('data not found');
      return { data: get(o.key) };
    }),
    removeStorage: asyncApi('removeStorage', (o) => (store().delete(String(o.key)), {})),
    clearStorage: asyncApi('clearStorage', () => (store().clear(), {})),
    getStorageInfo: asyncApi('getStorageInfo', () => info()),
  };
}
