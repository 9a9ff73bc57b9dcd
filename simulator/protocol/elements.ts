// Element identity for the automator (docs/reference/automator-protocol.md §4): one stable id per exparser node, never reused; custom
// components also get a nodeId (the client picks CustomElement from its presence).
import { builtinName } from '../render/builtins';
import type { ExNode } from '../render/framework';
import { tagOf } from '../render/selector';

let seq = 0;
const idOf = new WeakMap<ExNode, string>();
const nodeOf = new Map<string, WeakRef<ExNode>>();

export function elementId(node: ExNode): string {
  let id = idOf.get(node);
  if (!id) {
    id = `el-${++seq}`;
    idOf.set(node, id);
    nodeOf.set(id, new WeakRef(node));
  }
  return id;
}

export function lookup(id: unknown): ExNode | undefined {
  return typeof id === 'string' ? nodeOf.get(id)?.deref() : undefined;
}

export function isCustom(node: ExNode): boolean {
  return !builtinName(node) && !!node.shadowRoot;
}

export function describe(node: ExNode): { elementId: string; tagName: string; nodeId?: string } {
  const id = elementId(node);
  const out: { elementId: string; tagName: string; nodeId?: string } = { elementId: id, tagName: tagOf(node) };
  if (isCustom(node)) out.nodeId = id;
  return out;
}
