// Element.getWXML: WXML-like markup of the composed tree with original tag names, original class
// names and attribute values as bound (not the WebView HTML with prefixed classes).
import { isTextNode, isVirtual, isComponent, type ExNode } from './framework';
import { builtinName } from './builtins';
import { rawClasses, tagOf } from './selector';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string) => esc(s).replace(/"/g, '&quot;');

function attrs(node: ExNode): string {
  const out: string[] = [];
  if (node.id) out.push(`id="${escAttr(String(node.id))}"`);
  const cls = rawClasses(node);
  if (cls.length) out.push(`class="${escAttr(cls.join(' '))}"`);
  for (const a of (node._vt?.attrs ?? []) as { name: string; value: unknown }[]) {
    if (a.name === 'id' || a.name === 'class' || a.name === 'slot' && !a.value) continue;
    const v = a.value;
    if (v === undefined || v === null) continue;
    out.push(`${a.name}="${escAttr(typeof v === 'object' ? JSON.stringify(v) : String(v))}"`);
  }
  if (node.$$?.hasAttribute?.('hidden') && !out.some((s) => s.startsWith('hidden='))) out.push('hidden');
  return out.length ? ' ' + out.join(' ') : '';
}

function children(node: ExNode): ExNode[] {
  const out: ExNode[] = [];
  const kids: ExNode[] = node.__wxSlotChildren ?? node.childNodes ?? [];
  for (const k of kids) {
    if (isTextNode(k) || !isVirtual(k)) out.push(k);
    else out.push(...children(k));
  }
  return out;
}

export function serialize(node: ExNode): string {
  if (isTextNode(node)) return esc(String(node.textContent ?? ''));
  const tag = tagOf(node);
  const inner = innerWxml(node);
  return `<${tag}${attrs(node)}>${inner}</${tag}>`;
}

export function innerWxml(node: ExNode): string {
  // Built-ins: their own (slot-only) shadow is an implementation detail, show the slotted content.
  const kids = isComponent(node) && !builtinName(node) && node.shadowRoot ? children(node.shadowRoot) : children(node);
  return kids.map(serialize).join('');
}
