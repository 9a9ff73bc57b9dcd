// Element.* domain: queries inside an element, text/attributes/properties/styles/WXML, taps and
// touches with real exparser dispatch plus built-in default actions, component data and methods.
import { settle } from '../runtime/settle';
import { methodCaller, renderedDom, type ExNode } from '../render/framework';
import { builtinName } from '../render/builtins';
import { querySelectorAll, attributeOf } from '../render/selector';
import { dispatch, type TouchPoint } from '../render/events';
import { innerText } from '../render/text';
import { serialize, innerWxml } from '../render/wxml';
import * as actions from '../render/actions';
import type { PageInstance } from '../runtime/page';
import { describe, isCustom, lookup } from './elements';
import { safeGet } from './path';
import { findPage, ProtocolError, type Handler, type Params, type ProtocolContext } from './context';

function target(p: Params, ctx: ProtocolContext): { page: PageInstance; node: ExNode } {
  const page = findPage(ctx, p.pageId);
  const node = lookup(p.nodeId ?? p.elementId) ?? lookup(p.elementId);
  if (!node) throw new ProtocolError('element destroyed');
  return { page, node };
}

function componentTarget(p: Params, ctx: ProtocolContext): ExNode {
  const { node } = target(p, ctx);
  if (!isCustom(node)) throw new ProtocolError('component not found');
  return node;
}

export function actionHost(ctx: ProtocolContext): actions.ActionHost {
  return {
    navigate: (openType, url, delta) => {
      const wx = ctx.sim.app.wx as Record<string, (o: unknown) => void>;
      const api = { navigate: 'navigateTo', redirect: 'redirectTo', switchTab: 'switchTab', reLaunch: 'reLaunch', navigateBack: 'navigateBack', exit: '' }[openType] ?? 'navigateTo';
      if (!api) return;
      wx[api]({ url, delta, fail: (e: { errMsg: string }) => ctx.sim.app.console.error(e.errMsg) });
    },
    share: (_from, node) => void ctx.sim.share('button', { id: node.id, dataset: { ...(node.dataset ?? {}) } }),
    agreePrivacy: (buttonId) => {
      const state = ctx.sim.state;
      state.privacyAgreed.add(state.openid);
      if (buttonId) state.privacyButtons.add(buttonId);
    },
    openPicker: (node) => {
      ctx.sim.openPicker = node;
      ctx.sim.state.native.history.push({ api: 'picker.open', options: { mode: methodCaller(node).data.mode } });
    },
  };
}

const center = (): TouchPoint[] => [{ identifier: 0, pageX: 0, pageY: 0, clientX: 0, clientY: 0, force: 1 }];
const touchStarts = new WeakMap<ExNode, number>();

async function tap(node: ExNode, ctx: ProtocolContext): Promise<void> {
  if (!actions.tapBlocked(node)) {
    const t = center();
    dispatch(node, 'touchstart', {}, { touches: t, changedTouches: t });
    dispatch(node, 'touchend', {}, { touches: [], changedTouches: t });
    dispatch(node, 'tap', { x: 0, y: 0 }, { touches: [], changedTouches: t });
    actions.tapDefaultAction(node, actionHost(ctx));
  }
  await settle();
}

function touches(v: unknown): TouchPoint[] {
  return Array.isArray(v) ? (v as Partial<TouchPoint>[]).map((t, i) => Object.assign({ identifier: i, pageX: 0, pageY: 0, clientX: 0, clientY: 0 }, t)) : [];
}

export const elementHandlers: Record<string, Handler> = {
  'Element.getElement': (p, ctx) => {
    const { node } = target(p, ctx);
    const scope = isCustom(node) ? node.shadowRoot : node;
    const hit = querySelectorAll(scope, String(p.selector))[0];
    if (!hit) throw new ProtocolError(`element not found: ${String(p.selector)}`);
    return describe(hit);
  },
  'Element.getElements': (p, ctx) => {
    const { node } = target(p, ctx);
    const scope = isCustom(node) ? node.shadowRoot : node;
    return { elements: querySelectorAll(scope, String(p.selector)).map(describe) };
  },
  'Element.getDOMProperties': async (p, ctx) => {
    const { page, node } = target(p, ctx);
    const names = (p.names as string[]) ?? [];
    const local: Record<string, () => unknown> = {
      innerText: () => innerText(renderedDom(node)),
      textContent: () => renderedDom(node).map((n) => n.textContent ?? '').join(''),
      value: () => methodCaller(node).data.value,
      tagName: () => node.$$?.tagName ?? String(node._vt?.tagName ?? '').toUpperCase(),
    };
    if (names.every((n) => n in local)) return { properties: names.map((n) => local[n]()) };
    const layout = await ctx.layout();
    return { properties: await layout.domProperties(page, node, names) };
  },
  'Element.getOffset': async (p, ctx) => {
    const { page, node } = target(p, ctx);
    return (await ctx.layout()).offset(page, node);
  },
  'Element.getAttributes': (p, ctx) => {
    const { node } = target(p, ctx);
    return { attributes: ((p.names as string[]) ?? []).map((n) => attributeOf(node, n) ?? null) };
  },
  'Element.getProperties': (p, ctx) => {
    const { node } = target(p, ctx);
    const props: Record<string, unknown> = node.__behavior?.properties ?? {};
    const data = methodCaller(node).data;
    return {
      properties: ((p.names as string[]) ?? []).map((n) => {
        if (n === '__propPublic') return Object.fromEntries(Object.keys(props).map((k) => [k, true]));
        if (builtinName(node) === 'scroll-view' && (n === 'scrollTop' || n === 'scrollLeft')) return Number(node[`__${n}`] ?? 0);
        return n in props ? JSON.parse(JSON.stringify(data[n] ?? null)) : undefined;
      }),
    };
  },
  'Element.getStyles': async (p, ctx) => {
    const { page, node } = target(p, ctx);
    return { styles: await (await ctx.layout()).styles(page, node, (p.names as string[]) ?? []) };
  },
  'Element.getWXML': (p, ctx) => {
    const { node } = target(p, ctx);
    return { wxml: p.type === 'outer' ? serialize(node) : innerWxml(node) };
  },
  'Element.tap': async (p, ctx) => {
    const { node } = target(p, ctx);
    await tap(node, ctx);
    return {};
  },
  'Element.touchstart': async (p, ctx) => {
    const { node } = target(p, ctx);
    touchStarts.set(node, Date.now());
    dispatch(node, 'touchstart', {}, { touches: touches(p.touches), changedTouches: touches(p.changedTouches ?? p.changeTouches ?? p.touches) });
    await settle();
    return {};
  },
  'Element.touchmove': async (p, ctx) => {
    const { node } = target(p, ctx);
    touchStarts.delete(node); // moving cancels tap/longpress like the WebView's gesture logic
    dispatch(node, 'touchmove', {}, { touches: touches(p.touches), changedTouches: touches(p.changedTouches ?? p.changeTouches ?? p.touches) });
    await settle();
    return {};
  },
  'Element.touchend': async (p, ctx) => {
    const { node } = target(p, ctx);
    const changed = touches(p.changedTouches ?? p.changeTouches ?? p.touches);
    dispatch(node, 'touchend', {}, { touches: touches(p.touches), changedTouches: changed });
    const started = touchStarts.get(node);
    touchStarts.delete(node);
    if (started !== undefined) {
      if (Date.now() - started >= 350) {
        dispatch(node, 'longpress', { x: 0, y: 0 }, { touches: [], changedTouches: changed });
        dispatch(node, 'longtap', { x: 0, y: 0 }, { touches: [], changedTouches: changed });
      } else if (!actions.tapBlocked(node)) {
        dispatch(node, 'tap', { x: 0, y: 0 }, { touches: [], changedTouches: changed });
        actions.tapDefaultAction(node, actionHost(ctx));
      }
    }
    await settle();
    return {};
  },
  'Element.triggerEvent': async (p, ctx) => {
    const { node } = target(p, ctx);
    // Handlers only (no default action, no component state change), as documented.
    dispatch(node, String(p.type), p.detail ?? {}, { bubbles: false });
    await settle();
    return {};
  },
  'Element.dispatchEvent': async (p, ctx) => {
    const { node } = target(p, ctx);
    dispatch(node, String(p.eventName), p.detail ?? {}, { touches: touches(p.touches), changedTouches: touches(p.changeTouches) });
    await settle();
    return {};
  },
  'Element.callFunction': async (p, ctx) => {
    const { node } = target(p, ctx);
    const args = (p.args as unknown[]) ?? [];
    const host = actionHost(ctx);
    const fns: Record<string, () => unknown> = {
      'input.input': () => actions.inputText(node, args[0]),
      'textarea.input': () => actions.inputText(node, args[0]),
      'scroll-view.scrollTo': () => actions.scrollTo(node, args[0], args[1], host),
      'scroll-view.scrollTop': () => Number(node.__scrollTop ?? 0),
      'scroll-view.scrollLeft': () => Number(node.__scrollLeft ?? 0),
      'scroll-view.scrollHeight': () => actions.scrollMetrics(node, host).content,
      'scroll-view.scrollWidth': () => actions.scrollMetrics(node, host).contentW,
      'swiper.swipeTo': () => actions.swipeTo(node, args[0]),
      'switch.tap': () => actions.tapDefaultAction(node, host),
      'slider.slideTo': () => actions.slideTo(node, args[0]),
      'movable-view.moveTo': () => actions.moveTo(node, args[0], args[1]),
    };
    const fn = fns[String(p.functionName)];
    if (!fn) throw new ProtocolError(`${String(p.functionName)} not exists`);
    const result = fn();
    await settle();
    return { result };
  },
  'Element.getData': (p, ctx) => {
    const node = componentTarget(p, ctx);
    return { data: safeGet(JSON.parse(JSON.stringify(methodCaller(node).data)), p.path) };
  },
  'Element.setData': async (p, ctx) => {
    const node = componentTarget(p, ctx);
    methodCaller(node).setData((p.data as Record<string, unknown>) ?? {});
    await settle();
    return {};
  },
  'Element.callMethod': async (p, ctx) => {
    const node = componentTarget(p, ctx);
    const caller = methodCaller(node);
    const method = String(p.method);
    if (typeof caller[method] !== 'function') throw new ProtocolError(`component.${method} not exists`);
    const result = await (caller[method] as (...a: unknown[]) => unknown).apply(caller, (p.args as unknown[]) ?? []);
    await settle();
    return { result };
  },
  'Element.callContextMethod': (p) => {
    if (!p.videoId) throw new ProtocolError('id is not provided');
    throw new ProtocolError(`video context method ${String(p.method)} is not supported by the headless simulator`);
  },
};
