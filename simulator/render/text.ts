// Layout-free innerText: the composed DOM with block elements on their own lines, hidden
// subtrees (hidden attribute / display:none) excluded, whitespace collapsed like CSS `normal`.
const BLOCK = new Set([
  'wx-view', 'wx-form', 'wx-button', 'wx-scroll-view', 'wx-swiper', 'wx-swiper-item', 'wx-navigator', 'wx-rich-text', 'wx-picker-view',
  'wx-checkbox-group', 'wx-radio-group', 'wx-movable-area', 'wx-cover-view', 'wx-page-wrapper', 'page', 'wx-textarea', 'wx-input', 'wx-progress', 'wx-slider',
  'div', 'p', 'section', 'article', 'header', 'footer', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'blockquote', 'pre', 'dl', 'dt', 'dd',
]);

const BREAK = Symbol('break');

export function innerText(el: Element | Node[]): string {
  const parts: (string | typeof BREAK)[] = [];
  const walk = (node: Node, inText: boolean): void => {
    if (node.nodeType === 3) {
      // <text> keeps line breaks of its content (the base library renders them); elsewhere
      // whitespace collapses as in CSS `white-space: normal`.
      const raw = node.nodeValue ?? '';
      if (inText) {
        raw.split('\n').forEach((seg, i) => {
          if (i > 0) parts.push('\n');
          parts.push(seg.replace(/[ \t\r\f]+/g, ' '));
        });
      } else parts.push(raw.replace(/[ \t\r\n\f]+/g, ' '));
      return;
    }
    if (node.nodeType !== 1) return;
    const e = node as HTMLElement;
    if (e.hasAttribute('hidden') || e.style?.display === 'none') return;
    const tag = e.tagName.toLowerCase();
    if (tag === 'br') {
      parts.push('\n');
      return;
    }
    const block = BLOCK.has(tag);
    if (block) parts.push(BREAK);
    for (const c of Array.from(e.childNodes)) walk(c, inText || tag === 'wx-text');
    if (block) parts.push(BREAK);
  };
  if (Array.isArray(el)) {
    for (const n of el) walk(n, false);
  } else walk(el, el.tagName.toLowerCase() === 'wx-text');
  // Join: consecutive breaks collapse; spaces around breaks and at the ends are dropped.
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (p === BREAK) {
      if (cur.trim() !== '' || lines.length) lines.push(cur);
      cur = '';
    } else cur += p;
  }
  lines.push(cur);
  return lines
    .map((l) => l.replace(/ {2,}/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n')
    .replace(/ *\n */g, '\n');
}
