/** Products: every document with the normalizer's verdict, price and stock, filters, stock changes, CSV. */
import type { ProductRow } from '../routes';
import { client } from './client';
import { toCsv } from './csv';
import { openRaw } from './database';
import { download, h, problemList, table, toast, viewRoot } from './dom';
import { errorText, formatDateTime, money, t } from './i18n';
import { productEditor } from './product-editor';
import { openRenameDialog } from './rename-dialog';
import { isValidId } from '../../miniprogram/domain/ids';
import type { ConsoleView } from './view';

/** Filters survive leaving and coming back while the console is open. */
const filters = { onlyProblems: false, lowStock: false, threshold: 10 };

/**
 * The list on screen reads the store again when the merchant comes back to the tab: shoppers buy
 * meanwhile, so stock seen an hour ago is not stock now.
 */
let liveRefresh: () => Promise<void> = () => Promise.resolve();
window.addEventListener('focus', () => void liveRefresh());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void liveRefresh();
});

/** A product is low on stock when one of its SKUs is at or below the threshold. */
export function isLowStock(p: ProductRow, threshold: number): boolean {
  return p.ok && p.skus.some((s) => s.stock <= threshold);
}

async function productsList(): Promise<void> {
  let products = (await client.products()).products;
  const onlyProblems = h('input', { type: 'checkbox', id: 'only-problems', checked: filters.onlyProblems }) as HTMLInputElement;
  const lowStock = h('input', { type: 'checkbox', id: 'low-stock', checked: filters.lowStock }) as HTMLInputElement;
  const threshold = h('input', { type: 'number', id: 'low-stock-threshold', min: 0, step: 1, value: filters.threshold, 'aria-label': t('products.threshold') }) as HTMLInputElement;
  const tbody = h('tbody');
  const counts = h('span', { class: 'muted' });
  const stockPanel = h('section', { id: 'stock-panel', class: 'panel', hidden: true, 'aria-label': t('stock.title') });
  const error = h('p', { class: 'error', id: 'products-error', role: 'alert' });

  const render = () => {
    filters.onlyProblems = onlyProblems.checked;
    filters.lowStock = lowStock.checked;
    filters.threshold = Math.max(0, Math.trunc(Number(threshold.value) || 0));
    const broken = products.filter((p) => !p.ok).length;
    const low = products.filter((p) => isLowStock(p, filters.threshold)).length;
    const shown = products.filter((p) => (!filters.onlyProblems || !p.ok) && (!filters.lowStock || isLowStock(p, filters.threshold)));
    counts.replaceChildren(
      h('span', { id: 'product-count' }, t('products.count', { n: products.length })),
      ' · ',
      h('span', { id: 'problem-count', class: broken ? 'error' : '' }, t('products.problemCount', { n: broken })),
      ' · ',
      h('span', { id: 'low-stock-count', class: low ? 'warn' : '' }, t('products.lowCount', { n: low })),
    );
    tbody.replaceChildren(...shown.map((p) => productRow(p, filters.threshold, () => openStock(stockPanel, p, refresh), () => openRenameDialog(p._id, () => void refresh()))));
  };
  /** Reads the list again, so the stock column shows what is stored now (shoppers buy meanwhile). */
  const refresh = async () => {
    try {
      products = (await client.products()).products;
      error.textContent = '';
      render();
      const open = stockPanel.hidden ? undefined : products.find((p) => p._id === stockPanel.dataset.product);
      for (const sku of open?.skus ?? []) {
        const cell = stockPanel.querySelector(`.stock-row[data-sku="${CSS.escape(sku.skuId)}"] .stock-value`);
        if (cell) cell.textContent = String(sku.stock);
      }
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  liveRefresh = () => (tbody.isConnected ? refresh() : Promise.resolve());
  for (const input of [onlyProblems, lowStock]) input.addEventListener('change', render);
  threshold.addEventListener('input', render);
  render();

  const exportCsv = () => {
    const rows = products.map((p) => [p._id, p.title, String(p.status ?? ''), p.price === null ? '' : (p.price / 100).toFixed(2), p.stock ?? '', p.ok ? 'OK' : p.problems.map((x) => `${x.field}: ${x.problem}`).join('; ')]);
    download(`products-${formatDateTime(Date.now()).slice(0, 10)}.csv`, toCsv([t('col.id'), t('col.title'), t('col.status'), t('col.priceYuan'), t('col.stock'), t('col.problems')], rows), 'text/csv;charset=utf-8');
  };

  viewRoot().replaceChildren(
    h('h2', {}, t('products.title')),
    h(
      'div',
      { class: 'toolbar' },
      h('a', { class: 'button primary', id: 'new-product', href: '#/products/new' }, t('products.new')),
      h('label', { class: 'inline' }, onlyProblems, t('products.onlyProblems')),
      h('label', { class: 'inline' }, lowStock, t('products.lowStock'), threshold),
      h('button', { id: 'refresh-products', onclick: () => void refresh() }, t('common.refresh')),
      h('button', { id: 'export-products', onclick: exportCsv }, t('common.exportCsv')),
      counts,
    ),
    error,
    stockPanel,
    table('products-table', [t('col.id'), t('col.title'), t('col.status'), t('col.price'), t('col.stock'), t('col.problems'), ''], tbody),
  );
}

function productRow(p: ProductRow, threshold: number, onStock: () => void, onRename: () => void): HTMLElement {
  const low = isLowStock(p, threshold);
  return h(
    'tr',
    { class: `product-row${p.ok ? '' : ' has-problems'}${low ? ' low-stock' : ''}`, dataset: { id: p._id } },
    h('td', { class: 'product-id' }, h('code', {}, p._id)),
    h('td', { class: 'product-title' }, p.title),
    h('td', {}, p.status === 'on_shelf' ? t('product.onShelf') : p.status === 'off_shelf' ? t('product.offShelf') : String(p.status ?? '')),
    h('td', { class: 'product-price' }, p.price === null ? '' : money(p.price)),
    h('td', { class: 'product-stock' }, p.stock === null ? '' : String(p.stock), low ? h('span', { class: 'low-badge' }, t('products.lowBadge', { n: Math.min(...p.skus.map((s) => s.stock)) })) : null),
    h(
      'td',
      { class: 'problems' },
      p.ok ? h('span', { class: 'ok-badge' }, 'OK') : problemList(p.problems, 'problem', t('common.document')),
      p.warnings.length > 0 ? h('ul', { class: 'warning-list muted' }, p.warnings.map((w) => h('li', { class: 'warning', dataset: { field: w.field } }, `${w.field}: ${w.problem}`))) : null,
    ),
    h(
      'td',
      { class: 'row-actions' },
      h('a', { class: 'button edit-product', href: `#/products/edit/${encodeURIComponent(p._id)}`, 'aria-label': t('products.editAria', { id: p._id }) }, t('common.edit')),
      h('button', { class: 'raw-product', 'aria-label': t('products.rawAria', { id: p._id }), onclick: () => openRaw('products', p._id) }, t('products.raw')),
      p.ok ? h('button', { class: 'stock-product', 'aria-label': t('products.stockAria', { id: p._id }), onclick: onStock }, t('products.stock')) : null,
      // An id the mini program cannot use is fixed by renaming the product (with its stock ledger).
      isValidId(p._id) ? null : h('button', { class: 'rename-product primary', 'aria-label': t('rename.aria', { id: p._id }), onclick: onRename }, t('rename.button')),
    ),
  );
}

function openStock(panel: HTMLElement, product: ProductRow, refresh: () => Promise<void>): void {
  const error = h('p', { class: 'error', id: 'stock-error', role: 'alert' });
  panel.hidden = false;
  panel.dataset.product = product._id;
  panel.replaceChildren(
    h('h3', {}, t('stock.heading', { title: product.title })),
    table(
      'stock-table',
      [t('col.sku'), t('col.spec'), t('col.stock'), t('stock.changeBy')],
      h(
        'tbody',
        {},
        ...product.skus.map((sku) => {
          const value = h('span', { class: 'stock-value' }, String(sku.stock));
          const delta = h('input', { type: 'number', step: '1', class: 'stock-delta', 'aria-label': t('stock.deltaAria', { sku: sku.skuId }) }) as HTMLInputElement;
          const apply = async () => {
            error.textContent = '';
            const n = Number(delta.value);
            if (!Number.isInteger(n) || n === 0) {
              error.textContent = t('stock.wholeNumber');
              return;
            }
            try {
              const res = await client.adjustStock(product._id, sku.skuId, n);
              value.textContent = String(res.stock);
              sku.stock = res.stock;
              delta.value = '';
              toast(t('stock.done', { sku: sku.skuId, n: res.stock }));
            } catch (e) {
              error.textContent = errorText(e);
            }
            await refresh();
          };
          return h(
            'tr',
            { class: 'stock-row', dataset: { sku: sku.skuId } },
            h('td', {}, h('code', {}, sku.skuId)),
            h('td', {}, sku.specValues.join(' / ') || '—'),
            h('td', {}, value),
            h('td', {}, delta, ' ', h('button', { class: 'stock-apply', 'aria-label': t('stock.applyAria', { sku: sku.skuId }), onclick: apply }, t('common.apply'))),
          );
        }),
      ),
    ),
    error,
    h('button', { id: 'close-stock', onclick: () => (panel.hidden = true) }, t('common.close')),
  );
}

export const productsView: ConsoleView = {
  tab: 'products',
  label: 'nav.products',
  render: async (rest) => {
    if (rest[0] === 'new') await productEditor(null);
    else if (rest[0] === 'edit') await productEditor(rest.slice(1).join('/'));
    else await productsList();
  },
};
