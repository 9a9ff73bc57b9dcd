// wx.onAppShow / onAppHide / onError ... listeners; AppRuntime emits on the same emitter when
// the app is shown, hidden or reports an error, so app code sees hot starts through either path.
import type { WxContext } from './context';

const EVENTS = ['AppShow', 'AppHide', 'Error', 'UnhandledRejection', 'PageNotFound', 'NetworkStatusChange', 'MemoryWarning', 'ThemeChange', 'KeyboardHeightChange', 'WindowResize'];

export function appEventApis(ctx: WxContext): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const e of EVENTS) {
    api[`on${e}`] = (fn: (...a: unknown[]) => void) => void ctx.appEvents.on(e, fn);
    api[`off${e}`] = (fn?: (...a: unknown[]) => void) => void (fn ? ctx.appEvents.off(e, fn) : ctx.appEvents.removeAllListeners(e));
  }
  return api;
}
