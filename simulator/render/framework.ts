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
  }
  return loaded;
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

export function isVirtual(node: ExNode): boolean {
  return !!node.__virtual;
}
