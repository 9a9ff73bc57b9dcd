/** What the console's views share for the page: element building, the toast, the view root. */
import type { Problem } from '../routes';

export type Child = Node | string | number | null | undefined | false;

/** `h('button', { class: 'primary', onclick }, 'Save')`: attributes, `on*` listeners, `dataset`, children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') (el as HTMLInputElement).value = String(value);
    else if (key === 'checked') (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * A table whose rows become cards on a phone: each cell carries its column's name (data-label), which
 * the narrow layout shows in front of the value. Rows added later are labelled as they arrive.
 */
export function table(id: string, headers: string[], body: HTMLTableSectionElement): HTMLElement {
  const label = () => {
    for (const row of body.rows) {
      for (const [i, cell] of [...row.cells].entries()) if (cell.colSpan === 1 && headers[i] && !cell.dataset.label) cell.dataset.label = headers[i];
    }
  };
  label();
  new MutationObserver(label).observe(body, { childList: true });
  return h('div', { class: 'table-wrap' }, h('table', { id, class: 'cards' }, h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', {}, t)))), body));
}

export function toast(text: string): void {
  const el = document.getElementById('toast')!;
  el.textContent = text;
  window.setTimeout(() => {
    if (el.textContent === text) el.textContent = '';
  }, 3000);
}

/** A form field: its caption above its input. */
export function field(caption: string, input: HTMLElement): HTMLLabelElement {
  return h('label', {}, caption, input);
}

/** Where the current view renders. */
export function viewRoot(): HTMLElement {
  return document.getElementById('view')!;
}

/** Images stored in cloud storage are shown through the console's file route. */
export function fileUrl(src: string): string {
  return src.startsWith('cloud://') ? `api/files?fileID=${encodeURIComponent(src)}` : src;
}

/** The normalizer's problems, one per line (its wording is the record's, kept as the server gave it). */
export function problemList(problems: Problem[], cls = 'problem', documentLabel = '(document)'): HTMLElement {
  return h('ul', { class: 'problem-list' }, problems.map((p) => h('li', { class: cls, dataset: { field: p.field } }, `${p.field || documentLabel}: ${p.problem}`)));
}

/** Saves text as a file through the browser's download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
