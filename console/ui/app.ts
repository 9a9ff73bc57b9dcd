/**
 * The console's front end: vanilla TypeScript, bundled by esbuild when the console starts. Hash routes:
 * #/db[/<collection>], #/products, #/products/new, #/products/edit/<id>, #/orders, #/qrcodes, #/logs.
 * Every URL it calls is relative, so the console works under any mount prefix.
 */
import { fenToYuanString, formatFen, parseYuan } from '../../miniprogram/domain/money';
import { ORDER_STATUSES, ORDER_STATUS_LABELS } from '../../miniprogram/domain/order-state';
import { CARRIERS } from '../../miniprogram/domain/carriers';

type Json = Record<string, unknown>;
interface Problem {
  field: string;
  problem: string;
}

/* ------------------------------------------------------------------ helpers */

type Child = Node | string | number | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
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

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { problems?: Problem[] },
  ) {
    super(message);
  }
}

async function api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`api/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Json;
  if (!res.ok) {
    const err = (data.error ?? {}) as { code?: string; message?: string; details?: { problems?: Problem[] } };
    throw new ApiError(res.status, err.code ?? 'ERROR', err.message ?? `HTTP ${res.status}`, err.details);
  }
  return data as T;
}

function toast(text: string): void {
  const el = document.getElementById('toast')!;
  el.textContent = text;
  window.setTimeout(() => {
    if (el.textContent === text) el.textContent = '';
  }, 3000);
}

function view(): HTMLElement {
  return document.getElementById('view')!;
}

function fileUrl(src: string): string {
  return src.startsWith('cloud://') ? `api/files?fileID=${encodeURIComponent(src)}` : src;
}

function time(value: unknown): string {
  const ms = typeof value === 'number' ? value : value && typeof value === 'object' && '$date' in value ? Date.parse(String((value as { $date: unknown }).$date)) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toLocaleString() : '';
}

function money(value: unknown): string {
  return typeof value === 'number' && Number.isSafeInteger(value) ? formatFen(value) : value === undefined || value === null ? '' : JSON.stringify(value);
}

function problemList(problems: Problem[], cls = 'problem'): HTMLElement {
  return h('ul', { class: 'problem-list' }, problems.map((p) => h('li', { class: cls, dataset: { field: p.field } }, `${p.field || '(document)'}: ${p.problem}`)));
}

/* ------------------------------------------------------------------- router */

let routeSeq = 0;

async function route(): Promise<void> {
  const seq = ++routeSeq;
  const hash = location.hash.replace(/^#\/?/, '');
  delete view().dataset.loaded;
  const [section, ...rest] = hash.split('/').map(decodeURIComponent);
  const tab = section || 'products';
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  view().replaceChildren(h('p', { class: 'muted', id: 'loading' }, 'Loading…'));
  try {
    if (tab === 'db') await dbView(rest[0]);
    else if (tab === 'products' && rest[0] === 'new') await productEditor(null);
    else if (tab === 'products' && rest[0] === 'edit') await productEditor(rest.slice(1).join('/'));
    else if (tab === 'products') await productsView();
    else if (tab === 'orders') await ordersView();
    else if (tab === 'qrcodes') await qrView();
    else if (tab === 'logs') await logsView();
    else view().replaceChildren(h('p', {}, `Unknown page ${hash}`));
  } catch (error) {
    if (seq === routeSeq) view().replaceChildren(h('p', { class: 'error', id: 'page-error', role: 'alert' }, (error as Error).message));
  }
  // Tests (and people) can tell when a page has finished loading.
  if (seq === routeSeq) view().dataset.loaded = `#/${hash}`;
}

/* ---------------------------------------------------------------- database */

let dbState: { coll: string; filter: string; skip: number; openId?: string } = { coll: '', filter: '', skip: 0 };

async function dbView(coll?: string): Promise<void> {
  const { collections } = await api<{ collections: string[] }>('GET', 'collections');
  const current = coll ?? dbState.coll ?? collections[0] ?? '';
  if (current !== dbState.coll) dbState = { coll: current, filter: pendingFilter ?? '', skip: 0 };
  if (pendingFilter !== null) {
    dbState.filter = pendingFilter;
    dbState.skip = 0;
    pendingFilter = null;
  }
  const newName = h('input', { id: 'new-collection-name', placeholder: 'new collection', 'aria-label': 'New collection name' });
  const aside = h(
    'aside',
    { class: 'panel', 'aria-label': 'Collections' },
    h('h2', {}, 'Collections'),
    h('div', { id: 'collections' }, collections.map((name) => h('button', { class: 'collection-item', 'aria-current': name === current ? 'true' : 'false', dataset: { name }, onclick: () => (location.hash = `#/db/${encodeURIComponent(name)}`) }, name))),
    h('div', { class: 'toolbar' }, newName, h('button', { id: 'add-collection', onclick: async () => {
      try {
        await api('POST', 'collections', { name: newName.value.trim() });
        location.hash = `#/db/${encodeURIComponent(newName.value.trim())}`;
      } catch (error) {
        toast((error as Error).message);
      }
    } }, 'Add collection')),
  );
  const section = h('section', { class: 'panel', id: 'collection-panel' });
  view().replaceChildren(h('div', { class: 'layout' }, aside, section));
  if (current) await renderDocs(section);
  else section.append(h('p', { class: 'muted' }, 'No collections yet.'));
}

let pendingFilter: string | null = null;

async function renderDocs(section: HTMLElement): Promise<void> {
  const { coll } = dbState;
  const filter = h('textarea', { id: 'filter', rows: 2, placeholder: '{"status": "on_shelf", "price": {"$gt": 1000}}', 'aria-label': 'Filter (JSON query)' }) as HTMLTextAreaElement;
  filter.value = dbState.filter;
  const error = h('p', { class: 'error', id: 'docs-error', role: 'alert' });
  const list = h('ul', { id: 'docs', 'aria-label': `Documents in ${coll}` });
  const count = h('span', { id: 'doc-count', class: 'muted' });
  const editor = docEditor(section);
  const load = async () => {
    error.textContent = '';
    try {
      const params = new URLSearchParams({ filter: dbState.filter, skip: String(dbState.skip), limit: '20' });
      const res = await api<{ docs: Json[]; total: number }>('GET', `collections/${encodeURIComponent(coll)}/docs?${params}`);
      count.textContent = `${res.total} document(s)${res.total > 20 ? `, showing ${dbState.skip + 1}-${Math.min(res.total, dbState.skip + 20)}` : ''}`;
      list.replaceChildren(
        ...res.docs.map((doc) => {
          const id = String(doc._id);
          return h(
            'li',
            { class: 'doc', dataset: { id } },
            h('pre', { class: 'doc-json' }, JSON.stringify(doc, null, 2)),
            h(
              'div',
              { class: 'actions' },
              h('button', { class: 'edit-doc', 'aria-label': `Edit ${id}`, onclick: () => editor.open(doc) }, 'Edit JSON'),
              h('button', { class: 'delete-doc danger', 'aria-label': `Delete ${id}`, onclick: async () => {
                if (!window.confirm(`Delete ${id} from ${coll}?`)) return;
                try {
                  await api('DELETE', `collections/${encodeURIComponent(coll)}/docs/${encodeURIComponent(id)}`);
                  toast(`Deleted ${id}`);
                  await load();
                } catch (e) {
                  error.textContent = (e as Error).message;
                }
              } }, 'Delete'),
            ),
          );
        }),
      );
      if (dbState.openId) {
        const doc = res.docs.find((d) => d._id === dbState.openId);
        dbState.openId = undefined;
        if (doc) editor.open(doc);
      }
    } catch (e) {
      error.textContent = (e as Error).message;
      list.replaceChildren();
      count.textContent = '';
    }
  };
  editor.onSaved = load;
  section.replaceChildren(
    h('h2', { id: 'collection-title' }, coll),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { style: 'flex: 1' }, 'Filter (JSON query)', filter),
      h('button', { id: 'apply-filter', class: 'primary', onclick: () => {
        dbState.filter = filter.value;
        dbState.skip = 0;
        void load();
      } }, 'Apply'),
      h('button', { id: 'add-doc', onclick: () => editor.open(null) }, 'Add document'),
    ),
    h('div', { class: 'toolbar' }, count, h('button', { id: 'prev-page', onclick: () => {
      dbState.skip = Math.max(0, dbState.skip - 20);
      void load();
    } }, 'Previous'), h('button', { id: 'next-page', onclick: () => {
      dbState.skip += 20;
      void load();
    } }, 'Next')),
    error,
    editor.el,
    list,
  );
  await load();
}

function docEditor(section: HTMLElement): { el: HTMLElement; open(doc: Json | null): void; onSaved: () => Promise<void> } {
  const text = h('textarea', { id: 'doc-json', rows: 18, 'aria-label': 'Document JSON' }) as HTMLTextAreaElement;
  const error = h('p', { class: 'error', id: 'doc-error', role: 'alert' });
  const title = h('h3', { id: 'doc-editor-title' });
  let editing: string | null = null;
  const el = h('section', { id: 'doc-editor', class: 'panel', hidden: true, 'aria-label': 'Document editor' });
  const api_ = {
    el,
    onSaved: async () => undefined,
    open(doc: Json | null) {
      editing = doc ? String(doc._id) : null;
      title.textContent = doc ? `Edit ${editing}` : 'New document';
      text.value = JSON.stringify(doc ?? {}, null, 2);
      error.textContent = '';
      el.hidden = false;
      text.focus();
    },
  };
  el.append(
    title,
    text,
    error,
    h('div', { class: 'toolbar' }, h('button', { id: 'save-doc', class: 'primary', onclick: async () => {
      let doc: unknown;
      try {
        doc = JSON.parse(text.value);
      } catch (e) {
        error.textContent = `Not valid JSON: ${(e as Error).message}`;
        return;
      }
      try {
        const coll = encodeURIComponent(dbState.coll);
        if (editing === null) await api('POST', `collections/${coll}/docs`, { doc });
        else await api('PUT', `collections/${coll}/docs/${encodeURIComponent(editing)}`, { doc });
        el.hidden = true;
        toast('Saved');
        await api_.onSaved();
      } catch (e) {
        error.textContent = (e as Error).message;
      }
    } }, 'Save'), h('button', { id: 'cancel-doc', onclick: () => (el.hidden = true) }, 'Cancel')),
  );
  void section;
  return api_;
}

/* ---------------------------------------------------------------- products */

interface ProductRow {
  _id: string;
  title: string;
  status: unknown;
  ok: boolean;
  problems: Problem[];
  warnings: Problem[];
  price: number | null;
  stock: number | null;
  skus: { skuId: string; specValues: string[]; stock: number; price: number }[];
}

async function productsView(): Promise<void> {
  const { products } = await api<{ products: ProductRow[] }>('GET', 'products');
  const onlyProblems = h('input', { type: 'checkbox', id: 'only-problems' }) as HTMLInputElement;
  const broken = products.filter((p) => !p.ok).length;
  const tbody = h('tbody');
  const stockPanel = h('section', { id: 'stock-panel', class: 'panel', hidden: true, 'aria-label': 'Stock' });
  const render = () => {
    tbody.replaceChildren(
      ...products
        .filter((p) => !onlyProblems.checked || !p.ok)
        .map((p) =>
          h(
            'tr',
            { class: `product-row${p.ok ? '' : ' has-problems'}`, dataset: { id: p._id } },
            h('td', { class: 'product-id' }, h('code', {}, p._id)),
            h('td', { class: 'product-title' }, p.title),
            h('td', {}, String(p.status ?? '')),
            h('td', { class: 'product-price' }, p.price === null ? '' : formatFen(p.price)),
            h('td', { class: 'product-stock' }, p.stock === null ? '' : String(p.stock)),
            h(
              'td',
              { class: 'problems' },
              p.ok ? h('span', { class: 'ok-badge' }, 'OK') : problemList(p.problems),
              p.warnings.length > 0 ? h('ul', { class: 'warning-list muted' }, p.warnings.map((w) => h('li', { class: 'warning', dataset: { field: w.field } }, `${w.field}: ${w.problem}`))) : null,
            ),
            h(
              'td',
              {},
              h('a', { class: 'button edit-product', href: `#/products/edit/${encodeURIComponent(p._id)}`, 'aria-label': `Edit product ${p._id}` }, 'Edit'),
              ' ',
              h('button', { class: 'raw-product', 'aria-label': `Edit raw JSON of ${p._id}`, onclick: () => openRaw('products', p._id) }, 'Raw JSON'),
              ' ',
              p.ok ? h('button', { class: 'stock-product', 'aria-label': `Stock of ${p._id}`, onclick: () => openStock(stockPanel, p) }, 'Stock') : null,
            ),
          ),
        ),
    );
  };
  onlyProblems.addEventListener('change', render);
  render();
  view().replaceChildren(
    h('h2', {}, 'Products'),
    h(
      'div',
      { class: 'toolbar' },
      h('a', { class: 'button primary', id: 'new-product', href: '#/products/new' }, 'New product'),
      h('label', { class: 'inline' }, onlyProblems, 'Only products with problems'),
      h('span', { id: 'product-count', class: 'muted' }, `${products.length} product(s)`),
      h('span', { id: 'problem-count', class: broken ? 'error' : 'muted' }, `${broken} with problems`),
    ),
    stockPanel,
    h('table', { id: 'products-table' }, h('thead', {}, h('tr', {}, ...['ID', 'Title', 'Status', 'Price', 'Stock', 'Problems', ''].map((t) => h('th', {}, t)))), tbody),
  );
}

function openRaw(coll: string, id: string): void {
  pendingFilter = JSON.stringify({ _id: id });
  dbState = { coll, filter: pendingFilter, skip: 0, openId: id };
  location.hash = `#/db/${encodeURIComponent(coll)}`;
}

function openStock(panel: HTMLElement, product: ProductRow): void {
  const error = h('p', { class: 'error', id: 'stock-error', role: 'alert' });
  panel.hidden = false;
  panel.replaceChildren(
    h('h3', {}, `Stock · ${product.title}`),
    h(
      'table',
      { id: 'stock-table' },
      h('thead', {}, h('tr', {}, ...['SKU', 'Spec', 'Stock', 'Change by'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...product.skus.map((sku) => {
          const value = h('span', { class: 'stock-value' }, String(sku.stock));
          const delta = h('input', { type: 'number', step: '1', class: 'stock-delta', 'aria-label': `Change stock of ${sku.skuId} by` }) as HTMLInputElement;
          return h(
            'tr',
            { class: 'stock-row', dataset: { sku: sku.skuId } },
            h('td', {}, h('code', {}, sku.skuId)),
            h('td', {}, sku.specValues.join(' / ') || '—'),
            h('td', {}, value),
            h('td', {}, delta, ' ', h('button', { class: 'stock-apply', 'aria-label': `Apply stock change to ${sku.skuId}`, onclick: async () => {
              error.textContent = '';
              const n = Number(delta.value);
              if (!Number.isInteger(n) || n === 0) {
                error.textContent = 'Enter a whole number other than 0 (negative to take stock away).';
                return;
              }
              try {
                const res = await api<{ stock: number }>('POST', `products/${encodeURIComponent(product._id)}/stock`, { skuId: sku.skuId, delta: n });
                value.textContent = String(res.stock);
                sku.stock = res.stock;
                delta.value = '';
                toast(`Stock of ${sku.skuId} is now ${res.stock}`);
              } catch (e) {
                error.textContent = (e as Error).message;
              }
            } }, 'Apply')),
          );
        }),
      ),
    ),
    error,
    h('button', { id: 'close-stock', onclick: () => (panel.hidden = true) }, 'Close'),
  );
}

/* ----------------------------------------------------------- product editor */

interface SpecDraft {
  name: string;
  values: string;
}
interface SkuDraft {
  skuId: string;
  specValues: string[];
  price: string;
  originalPrice: string;
  stock: string;
}

function yuanText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'number' && Number.isSafeInteger(value) ? fenToYuanString(value) : String(value);
}

async function productEditor(id: string | null): Promise<void> {
  const [{ categories }, loaded] = await Promise.all([
    api<{ categories: Json[] }>('GET', 'categories'),
    id ? api<{ doc: Json; problems: Problem[] }>('GET', `products/${encodeURIComponent(id)}`) : Promise.resolve(null),
  ]);
  const doc = loaded?.doc ?? { status: 'on_shelf', images: [], specs: [], skus: [] };
  const specs: SpecDraft[] = (Array.isArray(doc.specs) ? doc.specs : []).map((s: Json) => ({ name: String(s?.name ?? ''), values: Array.isArray(s?.values) ? s.values.join(', ') : '' }));
  let skus: SkuDraft[] = (Array.isArray(doc.skus) ? doc.skus : []).map((s: Json) => ({
    skuId: String(s?.skuId ?? ''),
    specValues: Array.isArray(s?.specValues) ? s.specValues.map(String) : [],
    price: yuanText(s?.price),
    originalPrice: yuanText(s?.originalPrice),
    stock: s?.stock === undefined || s?.stock === null ? '' : String(s.stock),
  }));
  const images: string[] = Array.isArray(doc.images) ? doc.images.map(String) : [];

  const idInput = h('input', { id: 'p-id', value: id ?? '', readonly: id !== null, required: true }) as HTMLInputElement;
  const title = h('input', { id: 'p-title', value: String(doc.title ?? '') }) as HTMLInputElement;
  const description = h('textarea', { id: 'p-description', rows: 3 }) as HTMLTextAreaElement;
  description.value = String(doc.description ?? '');
  const category = h('select', { id: 'p-category' }, h('option', { value: '' }, '(none)'), categories.map((c) => h('option', { value: String(c._id) }, `${String(c.name)} (${String(c._id)})`))) as HTMLSelectElement;
  if (typeof doc.categoryId === 'string' && ![...category.options].some((o) => o.value === doc.categoryId)) category.append(h('option', { value: doc.categoryId }, doc.categoryId));
  category.value = typeof doc.categoryId === 'string' ? doc.categoryId : '';
  const status = h('select', { id: 'p-status' }, h('option', { value: 'on_shelf' }, 'on_shelf (上架)'), h('option', { value: 'off_shelf' }, 'off_shelf (下架)')) as HTMLSelectElement;
  status.value = doc.status === 'off_shelf' ? 'off_shelf' : 'on_shelf';
  const errors = h('div', { id: 'p-errors', role: 'alert' });
  const saved = h('p', { id: 'p-saved', class: 'ok-badge', role: 'status' });

  const imageList = h('ul', { id: 'p-images', class: 'images', 'aria-label': 'Images' });
  const renderImages = () =>
    imageList.replaceChildren(
      ...images.map((src, i) =>
        h('li', { class: 'image-item', dataset: { src } }, h('img', { src: fileUrl(src), alt: `Image ${i + 1}` }), h('div', { class: 'muted' }, i === 0 ? 'cover' : `#${i + 1}`), h('button', { class: 'remove-image', 'aria-label': `Remove image ${i + 1}`, onclick: () => {
          images.splice(i, 1);
          renderImages();
        } }, 'Remove')),
      ),
    );
  renderImages();
  const fileInput = h('input', { type: 'file', id: 'p-image-file', accept: 'image/*' }) as HTMLInputElement;
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    const base64 = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    try {
      const res = await api<{ fileID: string }>('POST', 'upload', { name: file.name, base64, productId: idInput.value });
      images.push(res.fileID);
      renderImages();
      toast('Image uploaded');
    } catch (e) {
      toast((e as Error).message);
    }
    fileInput.value = '';
  });
  const urlInput = h('input', { id: 'p-image-url', placeholder: 'https://… or cloud://…', 'aria-label': 'Image URL' }) as HTMLInputElement;

  const specBox = h('div', { id: 'p-specs' });
  const renderSpecs = () =>
    specBox.replaceChildren(
      ...specs.map((spec, i) => {
        const name = h('input', { class: 'spec-name', value: spec.name, 'aria-label': `Spec ${i + 1} name`, placeholder: '颜色' }) as HTMLInputElement;
        const values = h('input', { class: 'spec-values', value: spec.values, 'aria-label': `Spec ${i + 1} values`, placeholder: '红, 蓝', size: 40 }) as HTMLInputElement;
        name.addEventListener('input', () => (spec.name = name.value));
        values.addEventListener('input', () => (spec.values = values.value));
        return h('div', { class: 'spec-row' }, name, ' ', values, ' ', h('button', { class: 'remove-spec', 'aria-label': `Remove spec ${i + 1}`, onclick: () => {
          specs.splice(i, 1);
          renderSpecs();
        } }, 'Remove'));
      }),
    );
  renderSpecs();

  const skuBody = h('tbody', { id: 'p-skus' });
  const renderSkus = () =>
    skuBody.replaceChildren(
      ...skus.map((sku, i) => {
        const field = (key: 'skuId' | 'price' | 'originalPrice' | 'stock', cls: string, label: string) => {
          const input = h('input', { class: cls, value: sku[key], 'aria-label': `${label} of SKU ${i + 1}` }) as HTMLInputElement;
          input.addEventListener('input', () => (sku[key] = input.value));
          return input;
        };
        return h(
          'tr',
          { class: 'sku-row', dataset: { index: String(i) } },
          h('td', {}, field('skuId', 'sku-id', 'SKU id')),
          h('td', { class: 'sku-spec' }, sku.specValues.join(' / ') || '—'),
          h('td', {}, field('price', 'sku-price', 'Price (yuan)')),
          h('td', {}, field('originalPrice', 'sku-original', 'Original price (yuan)')),
          h('td', {}, field('stock', 'sku-stock', 'Stock')),
          h('td', {}, h('button', { class: 'remove-sku', 'aria-label': `Remove SKU ${i + 1}`, onclick: () => {
            skus.splice(i, 1);
            renderSkus();
          } }, 'Remove')),
        );
      }),
    );
  renderSkus();

  const generate = () => {
    const dims = specs.map((s) => ({ name: s.name.trim(), values: splitValues(s.values) }));
    const combos = dims.reduce<string[][]>((acc, d) => acc.flatMap((prefix) => d.values.map((v) => [...prefix, v])), [[]]);
    const base = idInput.value.trim() || 'sku';
    skus = combos.map((specValues, k) => {
      const existing = skus.find((s) => s.specValues.join('\u0000') === specValues.join('\u0000'));
      return existing ?? { skuId: `${base}-s${k + 1}`, specValues, price: skus[0]?.price ?? '', originalPrice: '', stock: '0' };
    });
    renderSkus();
  };

  const save = async () => {
    errors.replaceChildren();
    saved.textContent = '';
    const product: Json = {
      _id: idInput.value.trim(),
      title: title.value,
      description: description.value,
      categoryId: category.value,
      images,
      status: status.value,
      specs: specs.map((s) => ({ name: s.name.trim(), values: splitValues(s.values) })),
      skus: skus.map((s) => {
        const sku: Json = { skuId: s.skuId.trim(), specValues: s.specValues };
        // Yuan as typed → exact fen; text that is not an amount goes as typed, so the server's normalizer names it.
        if (s.price.trim() !== '') sku.price = parseYuan(s.price) ?? s.price;
        if (s.originalPrice.trim() !== '') sku.originalPrice = parseYuan(s.originalPrice) ?? s.originalPrice;
        if (s.stock.trim() !== '') sku.stock = /^\d+$/.test(s.stock.trim()) ? Number(s.stock.trim()) : s.stock;
        return sku;
      }),
    };
    if (typeof doc.sales === 'number') product.sales = doc.sales;
    try {
      const res = await api<{ product: Json }>(id === null ? 'POST' : 'PUT', id === null ? 'products' : `products/${encodeURIComponent(id)}`, { product });
      saved.textContent = `Saved ${String(res.product._id)} (price ${money(res.product.price)})`;
      toast('Product saved');
      if (id === null) history.replaceState(null, '', `#/products/edit/${encodeURIComponent(String(res.product._id))}`);
    } catch (e) {
      const err = e as ApiError;
      errors.replaceChildren(
        h('p', { class: 'error', id: 'p-error-summary' }, err.details?.problems ? 'Not saved: the product is invalid.' : `Not saved: ${err.message}`),
        ...(err.details?.problems ? [problemList(err.details.problems, 'save-problem')] : []),
      );
    }
  };

  view().replaceChildren(
    h('h2', {}, id ? `Edit product ${id}` : 'New product'),
    ...(loaded && loaded.problems.length > 0 ? [h('div', { id: 'p-current-problems' }, h('p', { class: 'error' }, 'The stored document has problems:'), problemList(loaded.problems))] : []),
    h(
      'form',
      { id: 'product-form', class: 'panel', onsubmit: (ev: Event) => {
        ev.preventDefault();
        void save();
      } },
      h(
        'div',
        { class: 'grid2' },
        h('label', {}, 'Product id (_id)', idInput),
        h('label', {}, 'Title', title),
        h('label', {}, 'Category', category),
        h('label', {}, 'Status', status),
        h('label', { style: 'grid-column: span 2' }, 'Description', description),
      ),
      h('h3', {}, 'Images'),
      imageList,
      h('div', { class: 'toolbar' }, h('label', {}, 'Upload image', fileInput), urlInput, h('button', { type: 'button', id: 'p-add-image-url', onclick: () => {
        if (urlInput.value.trim()) images.push(urlInput.value.trim());
        urlInput.value = '';
        renderImages();
      } }, 'Add URL')),
      h('h3', {}, 'Specs'),
      specBox,
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'p-add-spec', onclick: () => {
        specs.push({ name: '', values: '' });
        renderSpecs();
      } }, 'Add spec'), h('button', { type: 'button', id: 'p-generate-skus', onclick: generate }, 'Generate SKUs from specs')),
      h('h3', {}, 'SKUs'),
      h('table', { id: 'p-sku-table' }, h('thead', {}, h('tr', {}, ...['SKU id', 'Spec', 'Price (¥)', 'Original price (¥)', 'Stock', ''].map((t) => h('th', {}, t)))), skuBody),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'p-add-sku', onclick: () => {
        skus.push({ skuId: `${idInput.value.trim() || 'sku'}-s${skus.length + 1}`, specValues: [], price: '', originalPrice: '', stock: '0' });
        renderSkus();
      } }, 'Add SKU (no specs)')),
      errors,
      saved,
      h('div', { class: 'toolbar' }, h('button', { type: 'submit', id: 'p-save', class: 'primary' }, 'Save'), h('a', { class: 'button', id: 'p-cancel', href: '#/products' }, 'Back to products')),
    ),
  );
}

function splitValues(text: string): string[] {
  return text
    .split(/[,，]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/* ------------------------------------------------------------------ orders */

const orderFilter = { status: '', id: '', from: '', to: '' };

async function ordersView(): Promise<void> {
  const status = h('select', { id: 'order-status' }, h('option', { value: '' }, 'All statuses'), ORDER_STATUSES.map((s) => h('option', { value: s }, `${ORDER_STATUS_LABELS[s]} (${s})`))) as HTMLSelectElement;
  status.value = orderFilter.status;
  const id = h('input', { id: 'order-id', value: orderFilter.id, placeholder: 'order id' }) as HTMLInputElement;
  const from = h('input', { id: 'order-from', type: 'date', value: orderFilter.from }) as HTMLInputElement;
  const to = h('input', { id: 'order-to', type: 'date', value: orderFilter.to }) as HTMLInputElement;
  const error = h('p', { class: 'error', id: 'order-error', role: 'alert' });
  const tbody = h('tbody');
  const count = h('span', { id: 'order-count', class: 'muted' });
  const load = async () => {
    Object.assign(orderFilter, { status: status.value, id: id.value.trim(), from: from.value, to: to.value });
    const params = new URLSearchParams(Object.entries(orderFilter).filter(([, v]) => v));
    const res = await api<{ orders: Json[]; total: number }>('GET', `orders?${params}`);
    count.textContent = `${res.total} order(s)`;
    tbody.replaceChildren(...res.orders.map((o) => orderRow(o, error, load)));
  };
  view().replaceChildren(
    h('h2', {}, 'Orders'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'Status', status),
      h('label', {}, 'Order id', id),
      h('label', {}, 'Created from', from),
      h('label', {}, 'Created to', to),
      h('button', { id: 'apply-order-filter', class: 'primary', onclick: () => load().catch((e) => (error.textContent = (e as Error).message)) }, 'Apply'),
      count,
    ),
    error,
    h('table', { id: 'orders-table' }, h('thead', {}, h('tr', {}, ...['Order', 'Created', 'Status', 'Items', 'Total', 'Ship to', 'Tracking', 'Actions'].map((t) => h('th', {}, t)))), tbody),
  );
  await load();
}

function orderRow(o: Json, error: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const id = String(o._id);
  const lines = Array.isArray(o.lines) ? (o.lines as Json[]) : [];
  const address = (o.address ?? {}) as Json;
  const events = Array.isArray(o.events) ? (o.events as string[]) : [];
  const statusText = typeof o.status === 'string' && o.status in ORDER_STATUS_LABELS ? `${ORDER_STATUS_LABELS[o.status as keyof typeof ORDER_STATUS_LABELS]} (${o.status})` : String(o.status);
  const act = async (event: string, extra: Json = {}) => {
    error.textContent = '';
    try {
      await api('POST', `orders/${encodeURIComponent(id)}/events`, { event, ...extra });
      toast(`Order ${id}: ${event} done`);
      await reload();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };
  const actions: Node[] = [];
  if (events.includes('ship')) {
    const carrier = h('select', { class: 'carrier-select', 'aria-label': `Carrier for ${id}` }, ...Object.entries(CARRIERS).map(([code, name]) => h('option', { value: code }, `${name} (${code})`))) as HTMLSelectElement;
    const tracking = h('input', { class: 'tracking-input', placeholder: 'tracking number', 'aria-label': `Tracking number for ${id}` }) as HTMLInputElement;
    actions.push(carrier, tracking, h('button', { class: 'ship-order primary', 'aria-label': `Ship ${id}`, onclick: () => act('ship', { carrier: carrier.value, trackingNo: tracking.value }) }, 'Ship'));
  }
  if (events.includes('confirmReceipt')) actions.push(h('button', { class: 'complete-order', 'aria-label': `Mark ${id} completed`, onclick: () => act('confirmReceipt') }, 'Mark completed'));
  return h(
    'tr',
    { class: 'order-row', dataset: { id, status: String(o.status) } },
    h('td', {}, h('code', {}, id)),
    h('td', {}, time(o.createdAt)),
    h('td', { class: 'order-status' }, statusText),
    h('td', {}, lines.map((l) => h('div', {}, `${String(l.title ?? '')}${l.specText ? ` (${String(l.specText)})` : ''} × ${String(l.qty ?? '')}`))),
    h('td', { class: 'order-total' }, money(o.total)),
    h('td', {}, [address.name, address.phone, address.city].filter(Boolean).join(' · ')),
    h('td', { class: 'order-tracking' }, String(o.trackingNo ?? '')),
    h('td', { class: 'order-actions' }, ...actions),
  );
}

/* ---------------------------------------------------------------- QR codes */

interface QrItem {
  scene: string;
  fileID: string;
  title: string;
  fileName: string;
}

function loadQrList(): QrItem[] {
  try {
    return JSON.parse(sessionStorage.getItem('console.qrcodes') ?? '[]') as QrItem[];
  } catch {
    return [];
  }
}

async function qrView(): Promise<void> {
  const { products } = await api<{ products: ProductRow[] }>('GET', 'products');
  const items = loadQrList();
  const product = h('select', { id: 'qr-product' }, products.map((p) => h('option', { value: p._id }, `${p.title || p._id} (${p._id})`))) as HTMLSelectElement;
  const campaign = h('input', { id: 'qr-campaign', placeholder: 'spring' }) as HTMLInputElement;
  const channel = h('input', { id: 'qr-channel', placeholder: 'poster' }) as HTMLInputElement;
  const store = h('input', { id: 'qr-store', placeholder: '(optional)' }) as HTMLInputElement;
  const error = h('p', { class: 'error', id: 'qr-error', role: 'alert' });
  const list = h('div', { id: 'qr-list' });
  const sheet = h('a', { id: 'qr-sheet', class: 'button', target: '_blank', href: '#' }, 'Printable sheet');
  const render = () => {
    sheet.setAttribute('href', `api/qrcodes/sheet?items=${encodeURIComponent(JSON.stringify(items))}`);
    list.replaceChildren(
      ...items.map((item) => {
        const png = `api/qrcodes/png?fileID=${encodeURIComponent(item.fileID)}`;
        return h(
          'figure',
          { class: 'qr-item panel', dataset: { scene: item.scene } },
          h('img', { class: 'qr-preview', src: png, alt: `QR code for ${item.title}` }),
          h('figcaption', {}, h('strong', {}, item.title), h('br'), h('code', { class: 'qr-scene' }, item.scene), h('br'), h('a', { class: 'qr-download', href: `${png}&name=${encodeURIComponent(item.fileName)}`, download: item.fileName }, 'Download PNG')),
        );
      }),
    );
  };
  const create = async (body: Json) => {
    error.textContent = '';
    try {
      const res = await api<QrItem>('POST', 'qrcodes', body);
      const at = items.findIndex((i) => i.scene === res.scene);
      if (at >= 0) items.splice(at, 1);
      items.unshift({ scene: res.scene, fileID: res.fileID, title: res.title, fileName: res.fileName });
      sessionStorage.setItem('console.qrcodes', JSON.stringify(items));
      render();
      toast(`QR code ${res.scene} ready`);
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };
  render();
  view().replaceChildren(
    h('h2', {}, 'QR codes'),
    h('div', { class: 'panel' }, h('h3', {}, 'For a product'), h('div', { class: 'toolbar' }, h('label', {}, 'Product', product), h('button', { id: 'qr-create-product', class: 'primary', onclick: () => create({ productId: product.value }) }, 'Create code'))),
    h(
      'div',
      { class: 'panel' },
      h('h3', {}, 'For a campaign'),
      h('div', { class: 'toolbar' }, h('label', {}, 'Campaign', campaign), h('label', {}, 'Channel', channel), h('label', {}, 'Store', store), h('button', { id: 'qr-create-campaign', class: 'primary', onclick: () => create({ campaign: campaign.value, channel: channel.value, store: store.value }) }, 'Create code')),
    ),
    error,
    h('div', { class: 'toolbar' }, sheet, h('button', { id: 'qr-clear', onclick: () => {
      items.splice(0, items.length);
      sessionStorage.removeItem('console.qrcodes');
      render();
    } }, 'Clear list')),
    list,
  );
}

/* -------------------------------------------------------------------- logs */

async function logsView(): Promise<void> {
  const fn = h('input', { id: 'log-function', placeholder: 'function name', 'aria-label': 'Function' }) as HTMLInputElement;
  const tbody = h('tbody');
  const error = h('p', { class: 'error', id: 'log-error', role: 'alert' });
  const load = async () => {
    error.textContent = '';
    try {
      const params = new URLSearchParams({ limit: '200' });
      if (fn.value.trim()) params.set('function', fn.value.trim());
      const { logs } = await api<{ logs: Json[] }>('GET', `logs?${params}`);
      tbody.replaceChildren(
        ...logs.map((log) =>
          h(
            'tr',
            { class: `log-row ${log.ok ? 'log-ok' : 'log-failed'}`, dataset: { function: String(log.functionName ?? '') } },
            h('td', {}, time(log.startedAt)),
            h('td', { class: 'log-function' }, String(log.functionName ?? '')),
            h('td', {}, String(log.openid ?? log.trigger ?? '')),
            h('td', {}, `${String(log.durationMs ?? '')} ms`),
            h('td', { class: log.ok ? 'ok-badge' : 'error' }, log.ok ? 'ok' : 'failed'),
            h('td', {}, h('details', {}, h('summary', {}, log.ok ? 'result' : String(log.error ?? 'error').slice(0, 80)), h('pre', { class: 'log-detail' }, [log.result, log.error, log.logs].filter(Boolean).map(String).join('\n---\n')))),
          ),
        ),
      );
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };
  view().replaceChildren(
    h('h2', {}, 'Function invocation logs'),
    h('div', { class: 'toolbar' }, h('label', {}, 'Function', fn), h('button', { id: 'refresh-logs', class: 'primary', onclick: () => void load() }, 'Refresh')),
    error,
    h('table', { id: 'logs-table' }, h('thead', {}, h('tr', {}, ...['Time', 'Function', 'Caller', 'Duration', 'Result', 'Details'].map((t) => h('th', {}, t)))), tbody),
  );
  await load();
}

/* ---------------------------------------------------------------------- boot */

window.addEventListener('hashchange', () => void route());
api<{ envId: string; cloudUrl: string }>('GET', 'info')
  .then((info) => (document.getElementById('env-info')!.textContent = `env ${info.envId} · ${info.cloudUrl}`))
  .catch(() => undefined);
void route();
