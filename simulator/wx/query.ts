// wx.createSelectorQuery over the selector engine. Geometry comes from the layout provider
// (headless Chromium) when one is active, otherwise zeros, which is what a layout-less DOM gives.
import { querySelectorAll } from '../render/selector';
import type { ExNode } from '../render/framework';
import type { WxContext } from './context';

export type Rect = { left: number; top: number; right: number; bottom: number; width: number; height: number };
let layoutProvider: ((node: ExNode) => Rect | undefined) | undefined;
export function setLayoutProvider(fn: typeof layoutProvider): void {
  layoutProvider = fn;
}

const ZERO: Rect = { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 };

export function queryApis(ctx: WxContext): Record<string, unknown> {
  const createSelectorQuery = () => {
    let scope: ExNode | undefined;
    const tasks: (() => unknown)[] = [];
    const scopeRoot = () => scope ?? ctx.router.current()?.node.shadowRoot;
    const describe = (node: ExNode, fields: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      if (fields.id) out.id = node.id;
      if (fields.dataset) out.dataset = { ...(node.dataset ?? {}) };
      if (fields.rect || fields.size) {
        const r = layoutProvider?.(node) ?? ZERO;
        if (fields.rect) Object.assign(out, { left: r.left, top: r.top, right: r.right, bottom: r.bottom });
        if (fields.size) Object.assign(out, { width: r.width, height: r.height });
      }
      if (fields.scrollOffset) Object.assign(out, { scrollTop: 0, scrollLeft: 0, scrollHeight: 0, scrollWidth: 0 });
      if (Array.isArray(fields.properties)) for (const p of fields.properties as string[]) out[p] = node.__methodCaller?.data?.[p];
      return out;
    };
    const nodesRef = (selector: string, all: boolean) => {
      const add = (fields: Record<string, unknown>, cb?: (r: unknown) => void) => {
        tasks.push(() => {
          const root = scopeRoot();
          const nodes = root ? querySelectorAll(root, selector) : [];
          const res = all ? nodes.map((n) => describe(n, fields)) : nodes[0] ? describe(nodes[0], fields) : null;
          cb?.(res);
          return res;
        });
        return query;
      };
      return {
        boundingClientRect: (cb?: (r: unknown) => void) => add({ id: true, dataset: true, rect: true, size: true }, cb),
        fields: (f: Record<string, unknown>, cb?: (r: unknown) => void) => add(f, cb),
        scrollOffset: (cb?: (r: unknown) => void) => add({ id: true, dataset: true, scrollOffset: true }, cb),
        node: (cb?: (r: unknown) => void) => add({ id: true }, cb),
      };
    };
    const query = {
      in(component: { _exparserNode?: ExNode; shadowRoot?: ExNode }) {
        scope = component?._exparserNode?.shadowRoot ?? component?.shadowRoot;
        return query;
      },
      select: (s: string) => nodesRef(s, false),
      selectAll: (s: string) => nodesRef(s, true),
      selectViewport: () => ({
        boundingClientRect: (cb?: (r: unknown) => void) => (tasks.push(() => { const r = { ...ZERO, width: 375, height: 603 }; cb?.(r); return r; }), query),
        scrollOffset: (cb?: (r: unknown) => void) => (tasks.push(() => { const r = { scrollTop: 0, scrollLeft: 0 }; cb?.(r); return r; }), query),
      }),
      exec(cb?: (res: unknown[]) => void) {
        setImmediate(() => cb?.(tasks.map((t) => t())));
      },
    };
    return query;
  };
  return { createSelectorQuery, createIntersectionObserver: () => ({ relativeTo: () => ({ observe: () => undefined }), relativeToViewport: () => ({ observe: () => undefined }), disconnect: () => undefined }) };
}
