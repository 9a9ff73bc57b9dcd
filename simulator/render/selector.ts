// Selector engine over the exparser tree (docs/reference/automator-protocol.md §7): exparser's own querySelector lacks tag and
// attribute selectors. Supports tag, .class (original names), #id, [attr], [attr=v], descendant,
// child (`>`, skipping virtual wx:if/wx:for/block nodes) and `,` lists. It never enters a custom
// component's shadow root: Page.$ and Element.$ on a built-in search the light tree only.
import { isComponent, isTextNode, isVirtual, methodCaller, type ExNode } from './framework';

interface Compound { tag?: string; ids: string[]; classes: string[]; attrs: { name: string; value?: string }[] }
interface Step { combinator: ' ' | '>' | ''; compound: Compound }
type Chain = Step[];

const IDENT = /^-?[_a-zA-Z][-_a-zA-Z0-9]*/;

function parseCompound(src: string, pos: { i: number }): Compound {
  const c: Compound = { ids: [], classes: [], attrs: [] };
  const ident = (): string => {
    const m = IDENT.exec(src.slice(pos.i));
    if (!m) throw new Error(`invalid selector "${src}"`);
    pos.i += m[0].length;
    return m[0];
  };
  if (src[pos.i] === '*') pos.i++;
  else if (IDENT.test(src.slice(pos.i))) c.tag = ident();
  for (;;) {
    const ch = src[pos.i];
    if (ch === '.') {
      pos.i++;
      c.classes.push(ident());
    } else if (ch === '#') {
      pos.i++;
      c.ids.push(ident());
    } else if (ch === '[') {
      const end = src.indexOf(']', pos.i);
      if (end < 0) throw new Error(`invalid selector "${src}"`);
      const body = src.slice(pos.i + 1, end).trim();
      pos.i = end + 1;
      const eq = body.indexOf('=');
      if (eq < 0) c.attrs.push({ name: body });
      else c.attrs.push({ name: body.slice(0, eq).trim(), value: body.slice(eq + 1).trim().replace(/^(['"])(.*)\1$/, '$2') });
    } else break;
  }
  return c;
}

export function parseSelector(selector: string): Chain[] {
  return selector.split(',').map((part) => {
    const src = part.trim();
    if (!src) throw new Error(`invalid selector "${selector}"`);
    const pos = { i: 0 };
    const chain: Chain = [];
    let combinator: ' ' | '>' | '' = '';
    while (pos.i < src.length) {
      chain.push({ combinator, compound: parseCompound(src, pos) });
      const rest = src.slice(pos.i);
      const m = /^\s*(>)?\s*/.exec(rest);
      pos.i += m ? m[0].length : 0;
      combinator = m && m[1] ? '>' : ' ';
      if (pos.i < src.length && m && m[0].length === 0) throw new Error(`invalid selector "${selector}"`);
    }
    return chain;
  });
}

/** Lower-case tag without the wx- prefix; custom components use their usingComponents key. */
export function tagOf(node: ExNode): string {
  // a virtualHost component has no DOM element: its tag is the one it was written with
  const tag = ((node.$$?.tagName ?? node._vt?.tagName) as string | undefined)?.toLowerCase() ?? String(node.is ?? '');
  return tag.startsWith('wx-') ? tag.slice(3) : tag;
}

export function rawClasses(node: ExNode): string[] {
  const raw = node.classList?._rawNames;
  if (Array.isArray(raw)) return raw.filter(Boolean);
  const cls = node.$$?.getAttribute?.('class') as string | null;
  return cls ? cls.split(/\s+/).filter(Boolean) : [];
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Attribute value as DevTools reports it (string or undefined when absent). */
export function attributeOf(node: ExNode, name: string): string | undefined {
  if (name === 'class') return rawClasses(node).join(' ');
  if (name === 'id') return node.id ?? '';
  if (name === 'style') return node.$$?.getAttribute?.('style') ?? '';
  if (name.startsWith('data-')) {
    const v = node.dataset?.[camel(name.slice(5))];
    return v === undefined ? undefined : String(v);
  }
  const attrs = (node._vt?.attrs ?? []) as { name: string; value: unknown }[];
  const hit = attrs.find((a) => a.name === name || camel(a.name) === camel(name));
  if (hit) return hit.value === undefined || hit.value === null ? '' : String(hit.value);
  if (isComponent(node)) {
    const data = methodCaller(node)?.data as Record<string, unknown> | undefined;
    if (data && camel(name) in data && node.__behavior?.properties?.[camel(name)]) return String(data[camel(name)]);
  }
  const dom = node.$$?.getAttribute?.(name) as string | null;
  return dom ?? undefined;
}

function matches(node: ExNode, c: Compound): boolean {
  if (isTextNode(node) || isVirtual(node)) return false;
  if (c.tag && tagOf(node) !== c.tag.toLowerCase()) return false;
  for (const id of c.ids) if (node.id !== id) return false;
  if (c.classes.length) {
    const cls = rawClasses(node);
    for (const k of c.classes) if (!cls.includes(k)) return false;
  }
  for (const a of c.attrs) {
    const v = attributeOf(node, a.name);
    if (v === undefined) return false;
    if (a.value !== undefined && v !== a.value) return false;
  }
  return true;
}

/** Structural parent within the same shadow tree, skipping virtual nodes. */
function realParent(node: ExNode): ExNode | undefined {
  let p = node.parentNode;
  while (p && isVirtual(p)) p = p.parentNode;
  return p ?? undefined;
}

function matchChain(node: ExNode, chain: Chain, idx: number, scope: ExNode): boolean {
  if (!matches(node, chain[idx].compound)) return false;
  if (idx === 0) return true;
  const comb = chain[idx].combinator;
  if (comb === '>') {
    const p = realParent(node);
    return !!p && p !== scope && matchChain(p, chain, idx - 1, scope);
  }
  for (let p = realParent(node); p && p !== scope; p = realParent(p)) {
    if (matchChain(p, chain, idx - 1, scope)) return true;
  }
  return false;
}

/** Light-tree descendants of `scope` in document order (never a shadow root's content). */
export function descendants(scope: ExNode): ExNode[] {
  const out: ExNode[] = [];
  const visit = (n: ExNode) => {
    for (const child of n.childNodes ?? []) {
      if (isTextNode(child)) continue;
      if (!isVirtual(child)) out.push(child);
      visit(child);
    }
  };
  visit(scope);
  return out;
}

export function querySelectorAll(scope: ExNode, selector: string): ExNode[] {
  const chains = parseSelector(selector);
  return descendants(scope).filter((n) => chains.some((ch) => matchChain(n, ch, ch.length - 1, scope)));
}

/** Whether `node` itself matches a one-step selector (e.g. a root that has no light-tree parent). */
export function matchesSelf(node: ExNode, selector: string): boolean {
  return parseSelector(selector).some((ch) => ch.length === 1 && matches(node, ch[0].compound));
}
