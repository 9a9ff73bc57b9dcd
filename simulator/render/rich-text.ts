// <rich-text nodes>: a string is parsed by the DOM's own HTML parser (as the WebView does), an
// array of {name, attrs, children} / {type:'text', text} nodes is built element by element.
type RichNode = { type?: string; text?: string; name?: string; attrs?: Record<string, string>; children?: RichNode[] };

const ALLOWED = /^(a|abbr|address|article|aside|b|bdi|bdo|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|fieldset|font|footer|h[1-6]|header|hr|i|img|ins|label|legend|li|mark|nav|ol|p|pre|q|rt|ruby|s|section|small|span|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul)$/;

function build(doc: Document, n: RichNode): Node | undefined {
  if (n.type === 'text') return doc.createTextNode(String(n.text ?? '').replace(/&nbsp;/g, '\u00a0').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  if (!n.name || !ALLOWED.test(n.name)) return undefined;
  const el = doc.createElement(n.name);
  for (const [k, v] of Object.entries(n.attrs ?? {})) if (['class', 'style', 'src', 'alt', 'width', 'height', 'href'].includes(k)) el.setAttribute(k, String(v));
  for (const c of n.children ?? []) {
    const child = build(doc, c);
    if (child) el.appendChild(child);
  }
  return el;
}

export function renderRichText(host: HTMLElement, nodes: unknown): void {
  const doc = host.ownerDocument;
  let box = host.querySelector(':scope > .__rich-text') as HTMLElement | null;
  if (!box) {
    box = doc.createElement('div');
    box.className = '__rich-text';
    host.appendChild(box);
  }
  box.textContent = '';
  if (typeof nodes === 'string') {
    box.innerHTML = nodes;
    box.querySelectorAll('script,style,iframe').forEach((e) => e.remove());
  } else if (Array.isArray(nodes)) {
    for (const n of nodes as RichNode[]) {
      const child = build(doc, n);
      if (child) box.appendChild(child);
    }
  }
}
