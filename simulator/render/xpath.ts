// XPath over the page: an XML mirror of the composed exparser tree (WXML tag names, original
// classes, ids, data-* and bound attributes), evaluated by jsdom's XPath engine, mapped back to
// exparser nodes.
import { isTextNode, isVirtual, type ExNode } from './framework';
import { rawClasses, tagOf } from './selector';

function children(node: ExNode): ExNode[] {
  const out: ExNode[] = [];
  for (const k of (node.__wxSlotChildren ?? node.childNodes ?? []) as ExNode[]) {
    if (isTextNode(k) || !isVirtual(k)) out.push(k);
    else out.push(...children(k));
  }
  return out;
}

export function xpathAll(pageRoot: ExNode, expr: string): ExNode[] {
  const doc = document.implementation.createDocument(null, 'page', null);
  const back = new Map<Node, ExNode>();
  const build = (ex: ExNode, into: Element) => {
    for (const c of children(ex)) {
      if (isTextNode(c)) {
        into.appendChild(doc.createTextNode(String(c.textContent ?? '')));
        continue;
      }
      const el = doc.createElement(tagOf(c) || 'node');
      if (c.id) el.setAttribute('id', String(c.id));
      const cls = rawClasses(c);
      if (cls.length) el.setAttribute('class', cls.join(' '));
      for (const [k, v] of Object.entries((c.dataset ?? {}) as Record<string, unknown>)) el.setAttribute('data-' + k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase()), String(v));
      for (const a of (c._vt?.attrs ?? []) as { name: string; value: unknown }[]) {
        if (!el.hasAttribute(a.name) && /^[a-zA-Z_][\w:.-]*$/.test(a.name) && (typeof a.value !== 'object' || a.value === null)) el.setAttribute(a.name, String(a.value ?? ''));
      }
      back.set(el, c);
      into.appendChild(el);
      build(c, el);
    }
  };
  build(pageRoot, doc.documentElement);
  let result: XPathResult;
  try {
    result = doc.evaluate(expr, doc, null, 7 /* ORDERED_NODE_SNAPSHOT_TYPE */, null);
  } catch (err) {
    throw new Error(`invalid xpath "${expr}": ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: ExNode[] = [];
  for (let i = 0; i < result.snapshotLength; i++) {
    const hit = back.get(result.snapshotItem(i) as Node);
    if (hit) out.push(hit);
  }
  return out;
}
