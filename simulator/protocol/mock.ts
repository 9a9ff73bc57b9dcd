// App.callWxMethod / App.mockWxMethod semantics of the injected DevTools runtime (docs/reference/automator-protocol.md §12.3, §12.4):
// existence check, sync list, success/fail wrapping, value and function mocks with `this.origin`,
// restore of the saved original. Dotted names ("cloud.callFunction") are a stand-in extension.
import vm from 'vm';
import { hasCallbacks, type Opts, type Res } from '../wx/convention';
import { ProtocolError } from './context';
import { functionExpression } from './functions';

export const SYNC_METHODS = new Set([
  'stopRecord', 'getRecorderManager', 'pauseVoice', 'stopVoice', 'pauseBackgroundAudio', 'stopBackgroundAudio', 'getBackgroundAudioManager',
  'createAudioContext', 'createInnerAudioContext', 'createVideoContext', 'createCameraContext', 'createMapContext', 'canIUse',
  'startAccelerometer', 'stopAccelerometer', 'startCompass', 'stopCompass', 'hideToast', 'hideLoading', 'showNavigationBarLoading',
  'hideNavigationBarLoading', 'navigateBack', 'createAnimation', 'pageScrollTo', 'createSelectorQuery', 'createCanvasContext',
  'createContext', 'drawCanvas', 'hideKeyboard', 'stopPullDownRefresh', 'arrayBufferToBase64', 'base64ToArrayBuffer',
]);

export function isSync(method: string): boolean {
  const leaf = method.split('.').pop() as string;
  return leaf.endsWith('Sync') || SYNC_METHODS.has(leaf);
}

type Holder = { obj: Record<string, unknown>; key: string };

function locate(wx: Record<string, unknown>, method: string): Holder | undefined {
  const parts = method.split('.');
  let obj: Record<string, unknown> = wx;
  for (const p of parts.slice(0, -1)) {
    const next = obj[p];
    if (!next || typeof next !== 'object') return undefined;
    obj = next as Record<string, unknown>;
  }
  const key = parts[parts.length - 1];
  return key in obj ? { obj, key } : undefined;
}

export function rebuildFunction(decl: string): (...args: unknown[]) => unknown {
  return vm.runInThisContext(`(${functionExpression(decl)})`) as (...args: unknown[]) => unknown;
}

/** Strips "<m>:fail " from an errMsg for the protocol error (R). */
function failMessage(method: string, errMsg: unknown): string {
  const msg = String(errMsg ?? '');
  const prefix = `${method}:fail `;
  return msg.startsWith(prefix) ? msg.slice(prefix.length) : msg.startsWith(`${method}:fail`) ? msg.slice(prefix.length - 1) : msg;
}

export async function callWxMethod(wx: Record<string, unknown>, method: string, args: unknown[]): Promise<unknown> {
  const h = locate(wx, method);
  const fn = h?.obj[h.key];
  if (!h || typeof fn !== 'function') throw new ProtocolError(`wx.${method} not exists`);
  if (isSync(method)) {
    // R returns whatever the call returns; a Promise (navigateBack without callbacks) serialises
    // as {} and its rejection is not reported, so swallow it the same way.
    const ret = (fn as (...a: unknown[]) => unknown).apply(h.obj, args);
    if (ret && typeof (ret as Promise<unknown>).then === 'function') {
      (ret as Promise<unknown>).then(undefined, () => undefined);
      return {};
    }
    return ret;
  }
  const opts = { ...((args[0] as Record<string, unknown>) ?? {}) };
  return new Promise((resolve, reject) => {
    opts.success = (res: unknown) => resolve(res);
    opts.fail = (err: Res) => reject(new ProtocolError(failMessage(method, err?.errMsg)));
    try {
      const ret = (fn as (o: unknown, ...r: unknown[]) => unknown).call(h.obj, opts, ...args.slice(1));
      // A wx method that ignores callbacks and returns a promise (some mocks do) still resolves.
      if (ret && typeof (ret as Promise<unknown>).then === 'function') (ret as Promise<unknown>).then(resolve, (e: Res) => reject(new ProtocolError(failMessage(method, e?.errMsg ?? e))));
    } catch (err) {
      reject(err);
    }
  });
}

export class WxMocks {
  private saved = new Map<string, { holder: Holder; descriptor: PropertyDescriptor }>();

  constructor(private readonly wx: () => Record<string, unknown>) {}

  mock(method: string, params: { result?: unknown; functionDeclaration?: string; args?: unknown[] }, hasResult: boolean): void {
    const h = locate(this.wx(), method);
    if (!h) throw new ProtocolError(`wx.${method} not exists`);
    const leaf = method.split('.').pop() as string;
    if (/^(on|off)[A-Z]/.test(leaf)) throw new ProtocolError(`You can't mock wx.${method}`);
    if (!hasResult && params.functionDeclaration === undefined) return this.restore(method);
    if (!this.saved.has(method)) this.saved.set(method, { holder: h, descriptor: Object.getOwnPropertyDescriptor(h.obj, h.key) as PropertyDescriptor });
    const original = this.saved.get(method)!.descriptor;
    const originFn = (original.get ? original.get.call(h.obj) : original.value) as (...a: unknown[]) => unknown;
    const origin = typeof originFn === 'function' ? originFn.bind(h.obj) : originFn;
    const sync = isSync(method);
    let produce: (callArgs: unknown[]) => unknown;
    if (params.functionDeclaration !== undefined) {
      const fn = rebuildFunction(params.functionDeclaration);
      const extra = params.args ?? [];
      produce = (callArgs) => fn.apply({ origin }, [...callArgs, ...extra]);
    } else {
      const result = params.result;
      produce = () => (result && typeof result === 'object' ? JSON.parse(JSON.stringify(result)) : result);
    }
    const replacement = function (...callArgs: unknown[]): unknown {
      if (sync) return produce(callArgs);
      const opts = (callArgs[0] ?? {}) as Opts;
      const outcome = Promise.resolve().then(() => produce(callArgs));
      const isOk = (res: unknown) => String((res as Res)?.errMsg ?? `${method}:ok`).includes(`${method}:ok`);
      if (!hasCallbacks(opts)) {
        return outcome.then((res) => {
          if (isOk(res)) return res;
          throw res;
        });
      }
      void outcome.then(
        (res) => {
          if (res === undefined && params.functionDeclaration !== undefined) return; // delegated to origin with callbacks
          if (isOk(res)) opts.success?.(res as Res);
          else opts.fail?.(res as Res);
          opts.complete?.(res as Res);
        },
        (err) => {
          opts.fail?.(err as Res);
          opts.complete?.(err as Res);
        },
      );
      return undefined;
    };
    Object.defineProperty(h.obj, h.key, { value: replacement, configurable: true, writable: true, enumerable: true });
  }

  restore(method: string): void {
    const s = this.saved.get(method);
    if (!s) return;
    Object.defineProperty(s.holder.obj, s.holder.key, s.descriptor);
    this.saved.delete(method);
  }
}
