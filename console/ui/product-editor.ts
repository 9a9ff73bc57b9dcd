/** The product editor: a form over one product; the server's normalizer decides what is valid. */
import { fenToYuanString, parseYuan } from '../../miniprogram/domain/money';
import type { ProductResponse, WireDoc } from '../routes';
import { ApiError, client } from './client';
import { fileUrl, h, problemList, table, toast, viewRoot } from './dom';
import { errorText, money, t } from './i18n';

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

/** "红, 蓝，绿" → ['红', '蓝', '绿'] (both commas, as merchants type them). */
export function splitValues(text: string): string[] {
  return text
    .split(/[,，]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

type Draft = { [key: string]: unknown };

export async function productEditor(id: string | null): Promise<void> {
  const [{ categories }, loaded] = await Promise.all([client.categories(), id ? client.product(id) : Promise.resolve<ProductResponse | null>(null)]);
  const doc: WireDoc = loaded?.doc ?? { status: 'on_shelf', images: [], specs: [], skus: [] };
  const specs: SpecDraft[] = (Array.isArray(doc.specs) ? (doc.specs as Draft[]) : []).map((s) => ({ name: String(s?.name ?? ''), values: Array.isArray(s?.values) ? s.values.join(', ') : '' }));
  let skus: SkuDraft[] = (Array.isArray(doc.skus) ? (doc.skus as Draft[]) : []).map((s) => ({
    skuId: String(s?.skuId ?? ''),
    specValues: Array.isArray(s?.specValues) ? s.specValues.map(String) : [],
    price: yuanText(s?.price),
    originalPrice: yuanText(s?.originalPrice),
    stock: s?.stock === undefined || s?.stock === null ? '' : String(s.stock),
  }));
  const images: string[] = Array.isArray(doc.images) ? doc.images.map(String) : [];
  // Card thumbnails by image (made on upload); saved for the images still on the product.
  const thumbs: { image: string; thumb: string }[] = (Array.isArray(doc.thumbs) ? (doc.thumbs as Draft[]) : []).filter((t) => typeof t?.image === 'string' && typeof t?.thumb === 'string').map((t) => ({ image: String(t.image), thumb: String(t.thumb) }));

  const idInput = h('input', { id: 'p-id', value: id ?? '', readonly: id !== null, required: true }) as HTMLInputElement;
  const title = h('input', { id: 'p-title', value: String(doc.title ?? '') }) as HTMLInputElement;
  const description = h('textarea', { id: 'p-description', rows: 3 }) as HTMLTextAreaElement;
  description.value = String(doc.description ?? '');
  const category = h('select', { id: 'p-category' }, h('option', { value: '' }, t('editor.noCategory')), categories.map((c) => h('option', { value: String(c._id) }, `${String(c.name)} (${String(c._id)})`))) as HTMLSelectElement;
  if (typeof doc.categoryId === 'string' && ![...category.options].some((o) => o.value === doc.categoryId)) category.append(h('option', { value: doc.categoryId }, doc.categoryId));
  category.value = typeof doc.categoryId === 'string' ? doc.categoryId : '';
  const status = h('select', { id: 'p-status' }, h('option', { value: 'on_shelf' }, t('product.onShelf')), h('option', { value: 'off_shelf' }, t('product.offShelf'))) as HTMLSelectElement;
  status.value = doc.status === 'off_shelf' ? 'off_shelf' : 'on_shelf';
  const errors = h('div', { id: 'p-errors', role: 'alert' });
  const saved = h('p', { id: 'p-saved', class: 'ok-badge', role: 'status' });

  const imageList = h('ul', { id: 'p-images', class: 'images', 'aria-label': t('editor.images') });
  const renderImages = () =>
    imageList.replaceChildren(
      ...images.map((src, i) =>
        h(
          'li',
          { class: 'image-item', dataset: { src } },
          h('img', { src: fileUrl(src), alt: t('editor.imageAlt', { n: i + 1 }) }),
          h('div', { class: 'muted' }, i === 0 ? t('editor.cover') : `#${i + 1}`),
          h('button', { type: 'button', class: 'remove-image', 'aria-label': t('editor.removeImageAria', { n: i + 1 }), onclick: () => {
            images.splice(i, 1);
            renderImages();
          } }, t('common.remove')),
        ),
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
      const res = await client.upload({ name: file.name, base64, productId: idInput.value, thumbnail: true });
      images.push(res.fileID);
      if (res.thumb) thumbs.push({ image: res.fileID, thumb: res.thumb });
      renderImages();
      toast(t('editor.uploaded'));
    } catch (e) {
      toast(errorText(e));
    }
    fileInput.value = '';
  });
  const urlInput = h('input', { id: 'p-image-url', placeholder: 'https://… / cloud://…', 'aria-label': t('editor.imageUrl') }) as HTMLInputElement;

  const specBox = h('div', { id: 'p-specs' });
  const renderSpecs = () =>
    specBox.replaceChildren(
      ...specs.map((spec, i) => {
        const name = h('input', { class: 'spec-name', value: spec.name, 'aria-label': t('editor.specNameAria', { n: i + 1 }), placeholder: t('editor.specNamePlaceholder') }) as HTMLInputElement;
        const values = h('input', { class: 'spec-values', value: spec.values, 'aria-label': t('editor.specValuesAria', { n: i + 1 }), placeholder: t('editor.specValuesPlaceholder'), size: 40 }) as HTMLInputElement;
        name.addEventListener('input', () => (spec.name = name.value));
        values.addEventListener('input', () => (spec.values = values.value));
        return h('div', { class: 'spec-row' }, name, ' ', values, ' ', h('button', { type: 'button', class: 'remove-spec', 'aria-label': t('editor.removeSpecAria', { n: i + 1 }), onclick: () => {
          specs.splice(i, 1);
          renderSpecs();
        } }, t('common.remove')));
      }),
    );
  renderSpecs();

  const skuBody = h('tbody', { id: 'p-skus' });
  const renderSkus = () =>
    skuBody.replaceChildren(
      ...skus.map((sku, i) => {
        const field = (key: 'skuId' | 'price' | 'originalPrice' | 'stock', cls: string, label: string) => {
          const input = h('input', { class: cls, value: sku[key], 'aria-label': t('editor.skuFieldAria', { field: label, n: i + 1 }) }) as HTMLInputElement;
          input.addEventListener('input', () => (sku[key] = input.value));
          return input;
        };
        return h(
          'tr',
          { class: 'sku-row', dataset: { index: String(i) } },
          h('td', {}, field('skuId', 'sku-id', t('col.sku'))),
          h('td', { class: 'sku-spec' }, sku.specValues.join(' / ') || '—'),
          h('td', {}, field('price', 'sku-price', t('editor.priceYuan'))),
          h('td', {}, field('originalPrice', 'sku-original', t('editor.originalPriceYuan'))),
          h('td', {}, field('stock', 'sku-stock', t('col.stock'))),
          h('td', {}, h('button', { type: 'button', class: 'remove-sku', 'aria-label': t('editor.removeSkuAria', { n: i + 1 }), onclick: () => {
            skus.splice(i, 1);
            renderSkus();
          } }, t('common.remove'))),
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
    const product: WireDoc = {
      _id: idInput.value.trim(),
      title: title.value,
      description: description.value,
      categoryId: category.value,
      images,
      status: status.value,
      thumbs: thumbs.filter((t) => images.includes(t.image)),
      specs: specs.map((s) => ({ name: s.name.trim(), values: splitValues(s.values) })),
      skus: skus.map((s) => {
        const sku: WireDoc = { skuId: s.skuId.trim(), specValues: s.specValues };
        // Yuan as typed → exact fen; text that is not an amount goes as typed, so the server's normalizer names it.
        if (s.price.trim() !== '') sku.price = parseYuan(s.price) ?? s.price;
        if (s.originalPrice.trim() !== '') sku.originalPrice = parseYuan(s.originalPrice) ?? s.originalPrice;
        if (s.stock.trim() !== '') sku.stock = /^\d+$/.test(s.stock.trim()) ? Number(s.stock.trim()) : s.stock;
        return sku;
      }),
    };
    if (typeof doc.sales === 'number') product.sales = doc.sales;
    try {
      const res = await client.saveProduct(id, product);
      saved.textContent = t('editor.saved', { id: res.product._id, price: money(res.product.price) });
      toast(t('editor.savedToast'));
      if (id === null) history.replaceState(null, '', `#/products/edit/${encodeURIComponent(res.product._id)}`);
    } catch (e) {
      const err = e as ApiError;
      const problems = err instanceof ApiError ? err.details?.problems : undefined;
      errors.replaceChildren(
        h('p', { class: 'error', id: 'p-error-summary' }, problems ? t('editor.invalid') : t('editor.notSaved', { message: err.message })),
        ...(problems ? [problemList(problems, 'save-problem', t('common.document'))] : []),
      );
    }
  };

  viewRoot().replaceChildren(
    h('h2', {}, id ? t('editor.editTitle', { id }) : t('editor.newTitle')),
    ...(loaded && loaded.problems.length > 0 ? [h('div', { id: 'p-current-problems' }, h('p', { class: 'error' }, t('editor.storedProblems')), problemList(loaded.problems, 'problem', t('common.document')))] : []),
    h(
      'form',
      { id: 'product-form', class: 'panel', onsubmit: (ev: Event) => {
        ev.preventDefault();
        void save();
      } },
      h(
        'div',
        { class: 'grid2' },
        h('label', {}, t('editor.id'), idInput),
        h('label', {}, t('col.title'), title),
        h('label', {}, t('editor.category'), category),
        h('label', {}, t('col.status'), status),
        h('label', { class: 'span2' }, t('editor.description'), description),
      ),
      h('h3', {}, t('editor.images')),
      imageList,
      h('div', { class: 'toolbar' }, h('label', {}, t('editor.upload'), fileInput), urlInput, h('button', { type: 'button', id: 'p-add-image-url', onclick: () => {
        if (urlInput.value.trim()) images.push(urlInput.value.trim());
        urlInput.value = '';
        renderImages();
      } }, t('editor.addUrl'))),
      h('h3', {}, t('editor.specs')),
      specBox,
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'p-add-spec', onclick: () => {
        specs.push({ name: '', values: '' });
        renderSpecs();
      } }, t('editor.addSpec')), h('button', { type: 'button', id: 'p-generate-skus', onclick: generate }, t('editor.generate'))),
      h('h3', {}, 'SKU'),
      table('p-sku-table', [t('col.sku'), t('col.spec'), t('editor.priceYuan'), t('editor.originalPriceYuan'), t('col.stock'), ''], skuBody),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'p-add-sku', onclick: () => {
        skus.push({ skuId: `${idInput.value.trim() || 'sku'}-s${skus.length + 1}`, specValues: [], price: '', originalPrice: '', stock: '0' });
        renderSkus();
      } }, t('editor.addSku'))),
      errors,
      saved,
      h('div', { class: 'toolbar' }, h('button', { type: 'submit', id: 'p-save', class: 'primary' }, t('common.save')), h('a', { class: 'button', id: 'p-cancel', href: '#/products' }, t('editor.back'))),
    ),
  );
}
