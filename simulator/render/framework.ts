// Typed handles on the official, untyped framework pieces. Loaded lazily so the jsdom globals
// (simulator/env/dom.ts) are in place first.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { installDom } from '../env/dom';

export type ExNode = any;
export type Caller = Record<string, any> & { data: Record<string, any>; setData(d: Record<string, unknown>, cb?: () => void): void };

let loaded: { exparser: any; jComponent: any } | undefined;

export function framework(): { exparser: any; jComponent: any } {
  if (!loaded) {
    installDom();
    loaded = { exparser: require('miniprogram-exparser'), jComponent: require('j-component') };
    // j-component converts inline-style rpx 1:1 to px; the base library converts at the device
    // width (375 px phone: 750rpx = 375px), rounding like the wcsc runtime does.
    const utils = require('j-component/src/tool/utils') as { transformRpx: (s: string) => string };
    utils.transformRpx = (style: string) => String(style).replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${rpxToPx(Number(n))}px`);
    onlyChangedAttributes(require('j-component/src/render/render'));
    // selectComponent('#missing') is null in the base library; j-component's helper dereferences it.
    const { Component, Element } = loaded.exparser;
    const getMethod = Component.getMethod;
    Component.getMethod = (node: ExNode, name: string) => (node ? getMethod.call(Component, node, name) : undefined);
    const getMethodCaller = Element.getMethodCaller;
    Element.getMethodCaller = (node: ExNode) => (node ? getMethodCaller.call(Element, node) : null);
  }
  return loaded;
}

type Attr = { name: string; value: unknown };

/**
 * j-component re-renders a template and, when any attribute of a node changed, re-applies ALL of
 * them: a child's properties are set again on every parent setData, re-running its observers
 * (a spec popup's selection reset by an unrelated page update). The base library only updates the
 * bindings whose data changed; here the re-application is limited to attributes whose value differs
 * from the node's previous render.
 */
function onlyChangedAttributes(render: { updateAttrs: (node: ExNode, attrs: Attr[]) => void }): void {
  const apply = render.updateAttrs;
  render.updateAttrs = (node: ExNode, attrs: Attr[]) => {
    const prev = node._vt?.attrs as Attr[] | undefined;
    if (!prev || prev === attrs) return apply(node, attrs);
    const before = new Map(prev.map((a) => [a.name, a.value]));
    // a removed attribute comes back as the old entry itself, its value set to undefined
    const removed = new Set(prev);
    const changed = attrs.filter((a) => removed.has(a) || !before.has(a.name) || !sameValue(before.get(a.name), a.value));
    if (changed.length) apply(node, changed);
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const DEVICE_WIDTH = 375;

export function rpxToPx(rpx: number): number {
  if (rpx === 0) return 0;
  const px = Math.floor((rpx / 750) * DEVICE_WIDTH + 1e-4);
  return px === 0 ? (rpx > 0 ? 1 : -1) : px;
}

export function methodCaller(node: ExNode): Caller {
  return framework().exparser.Element.getMethodCaller(node) as Caller;
}

export function isComponent(node: ExNode): boolean {
  return node instanceof framework().exparser.Component;
}

export function isTextNode(node: ExNode): boolean {
  return node instanceof framework().exparser.TextNode;
}

/** wx:if / wx:for / block / slot nodes: structure only, never an element of their own. A
 *  component with `options.virtualHost` has no host box either, but it is still an element. */
export function isVirtual(node: ExNode): boolean {
  return !!node.__virtual && !(node instanceof framework().exparser.Component);
}

/** The DOM an element renders as: its own element, or for a virtualHost component (which has
 *  none) the top-level DOM nodes of its shadow tree. */
export function renderedDom(node: ExNode): Node[] {
  if (node.$$) return [node.$$ as Node];
  const out: Node[] = [];
  const visit = (n: ExNode) => {
    for (const c of n.childNodes ?? []) {
      if (c.$$) out.push(c.$$ as Node);
      else visit(c.shadowRoot ?? c);
    }
  };
  visit(node.shadowRoot ?? node);
  return out;
}
