/**
 * What the SKU offers (flash sales, group deals) share: a product and one of its SKUs picked from the
 * sellable products, and the page they sit on (a one-line form over the list of offers).
 */
import type { ProductRow } from '../routes';
import { field, h, viewRoot } from './dom';

export interface SkuPicker {
  product: HTMLSelectElement;
  sku: HTMLSelectElement;
}

/** `#<prefix>-product` and `#<prefix>-sku`; the SKU list follows the chosen product. */
export function skuPicker(prefix: string, products: ProductRow[], labels: { product: string; sku: string }, skuText: (s: ProductRow['skus'][number]) => string): SkuPicker {
  const product = h('select', { id: `${prefix}-product`, 'aria-label': labels.product }, products.map((p) => h('option', { value: p._id }, `${p.title}（${p._id}）`)));
  const sku = h('select', { id: `${prefix}-sku`, 'aria-label': labels.sku });
  const fill = () => sku.replaceChildren(...(products.find((p) => p._id === product.value)?.skus ?? []).map((s) => h('option', { value: s.skuId }, skuText(s))));
  product.addEventListener('change', fill);
  fill();
  return { product, sku };
}

/** The section: title, intro, the captioned fields with their action in one toolbar, the error line, the list. */
export function offerPage(o: { title: string; intro: string; formId: string; fields: [caption: string, control: HTMLElement][]; action: HTMLElement; error: HTMLElement; list: HTMLElement }): void {
  viewRoot().replaceChildren(
    h('h2', {}, o.title),
    h('p', { class: 'muted' }, o.intro),
    h('div', { class: 'toolbar', id: o.formId }, ...o.fields.map(([caption, control]) => field(caption, control)), o.action),
    o.error,
    o.list,
  );
}
