// Dispatching framework events the way the view layer does: exparser events with bubbling and
// composition, carrying touches, so bind/catch/capture semantics are exparser's own.
import { framework, methodCaller, type ExNode } from './framework';

export interface TouchPoint { identifier: number; pageX: number; pageY: number; clientX: number; clientY: number; force?: number }

export function dispatch(node: ExNode, type: string, detail: unknown, opts: { bubbles?: boolean; composed?: boolean; touches?: TouchPoint[]; changedTouches?: TouchPoint[] } = {}): void {
  const { exparser } = framework();
  const bubbles = opts.bubbles ?? true;
  const ev = exparser.Event.create(type, detail ?? {}, {
    bubbles,
    composed: opts.composed ?? bubbles,
    capturePhase: true,
    extraFields: { touches: opts.touches ?? [], changedTouches: opts.changedTouches ?? opts.touches ?? [] },
  });
  exparser.Event.dispatchEvent(node, ev);
}

/** A component-level event as `this.triggerEvent` fires it (not bubbling by default). */
export function trigger(node: ExNode, type: string, detail: unknown): void {
  methodCaller(node).triggerEvent(type, detail);
}

/** Parent in the composed tree: shadow-root children go to their host. */
export function composedParent(node: ExNode): ExNode | undefined {
  const p = node.parentNode;
  if (p) {
    if (p.__wxHost && p === p.__wxHost.shadowRoot) return p.__wxHost;
    return p;
  }
  return node.__wxHost && node.__wxHost !== node ? node.__wxHost : undefined;
}
