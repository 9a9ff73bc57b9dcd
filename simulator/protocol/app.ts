// App.* domain: page stack, wx calls and mocks, evaluate, bindings, logs, screenshot, exit.
import vm from 'vm';
import { settle } from '../runtime/settle';
import type { AppRuntime } from '../runtime/app';
import type { PageInstance } from '../runtime/page';
import { ProtocolError } from './context';
import { callWxMethod, WxMocks } from './mock';
import { functionExpression } from './functions';
import type { Handler, ProtocolContext } from './context';

const mocks = new WeakMap<AppRuntime, WxMocks>();
function mocksOf(app: AppRuntime): WxMocks {
  let m = mocks.get(app);
  if (!m) {
    m = new WxMocks(() => app.wx);
    mocks.set(app, m);
  }
  return m;
}

export function pageInfo(p: PageInstance): { pageId: number; path: string; query: Record<string, string> } {
  return { pageId: p.webviewId, path: p.route, query: { ...p.query } };
}

/** Runs a serialised function inside AppService with the framework globals in scope. */
export async function evaluateIn(ctx: ProtocolContext, decl: string, args: unknown[]): Promise<unknown> {
  const globals = ctx.sim.app.frameworkGlobals();
  const names = Object.keys(globals);
  const expr = functionExpression(decl);
  const factory = vm.runInThisContext(`(function (${names.join(', ')}) { return (${expr}); })`, { filename: 'evaluate.js' }) as (...a: unknown[]) => (...a: unknown[]) => unknown;
  const fn = factory(...names.map((n) => globals[n]));
  return await fn.apply(null, args);
}

export const appHandlers: Record<string, Handler> = {
  'App.getPageStack': (_p, ctx) => ({ pageStack: ctx.sim.app.router.stack.map(pageInfo) }),
  'App.getCurrentPage': (_p, ctx) => {
    if (ctx.sim.launchError) throw new ProtocolError(`app failed to launch: ${ctx.sim.launchError.message}`);
    const cur = ctx.sim.app.router.current();
    return cur ? pageInfo(cur) : {};
  },
  'App.callWxMethod': async (p, ctx) => {
    if (p.pluginId) throw new ProtocolError(`Plugin ${String(p.pluginId)} not exists`);
    const result = await callWxMethod(ctx.sim.app.wx, String(p.method), (p.args as unknown[]) ?? []);
    await settle();
    return { result };
  },
  'App.mockWxMethod': (p, ctx) => {
    if (p.pluginId) throw new ProtocolError(`Plugin ${String(p.pluginId)} not exists`);
    mocksOf(ctx.sim.app).mock(String(p.method), p as { result?: unknown; functionDeclaration?: string; args?: unknown[] }, Object.prototype.hasOwnProperty.call(p, 'result'));
    return {};
  },
  'App.callFunction': async (p, ctx) => {
    const result = await evaluateIn(ctx, String(p.functionDeclaration), (p.args as unknown[]) ?? []);
    await settle();
    return { result };
  },
  'App.enableLog': (_p, ctx) => {
    ctx.logEnabled = true;
    return {};
  },
  'App.addBinding': (p, ctx) => {
    const name = String(p.name);
    // R defines a real global in AppService, so page code and evaluate() can both call it.
    (globalThis as Record<string, unknown>)[name] = (...args: unknown[]) => ctx.emit('App.bindingCalled', { name, args: JSON.parse(JSON.stringify(args)) });
    return {};
  },
  'App.captureScreenshot': async (_p, ctx) => {
    const layout = await ctx.layout();
    return { data: await layout.screenshot() };
  },
  'App.exit': (_p, ctx) => {
    ctx.sim.app.background();
    ctx.sim.app.exit();
    return {};
  },
};
