/**
 * Stock check: SKUs whose stock, reserved and sold no longer add up to their stock ledger (the merchant
 * function's ledgerCheck), what that means and what to do, and what is safe to edit by hand in the cloud
 * console's database panel (the same rules as docs/DEPLOYMENT.md).
 */
import type { LedgerProblem, StockFigures } from '../../typings/api';
import { client } from './client';
import { h, table, viewRoot } from './dom';
import { t } from './i18n';
import type { ConsoleView } from './view';

const FIELDS = ['stock', 'reserved', 'sold'] as const;

function figuresText(f: StockFigures | null): string {
  return f ? t('ledger.figures', { stock: f.stock, reserved: f.reserved, sold: f.sold }) : t('ledger.notNumbers');
}

/** Document minus ledger, per figure that differs ("stock +5"). */
function difference(p: LedgerProblem): string {
  if (!p.figures) return '—';
  const figures = p.figures;
  return FIELDS.filter((f) => figures[f] !== p.ledger[f])
    .map((f) => `${t(`ledger.field.${f}`)} ${figures[f] > p.ledger[f] ? '+' : ''}${figures[f] - p.ledger[f]}`)
    .join(', ');
}

function stat(id: string, label: string, value: number, bad = false): HTMLElement {
  return h('div', { class: 'stat', id }, h('span', { class: `stat-value${bad ? ' error' : ''}` }, String(value)), h('span', { class: 'stat-label' }, label));
}

async function renderLedger(): Promise<void> {
  const [report, { products }] = await Promise.all([client.ledger(), client.products()]);
  const titles = new Map(products.map((p) => [p._id, p.title]));
  const rows = report.problems.map((p) =>
    h(
      'tr',
      { class: 'ledger-row', dataset: { product: p.productId, sku: p.skuId } },
      h('td', {}, h('a', { href: `#/products/edit/${encodeURIComponent(p.productId)}` }, titles.get(p.productId) || p.productId), h('div', { class: 'muted small' }, h('code', {}, p.productId))),
      h('td', {}, h('code', {}, p.skuId)),
      h('td', { class: 'ledger-document' }, figuresText(p.figures)),
      h('td', { class: 'ledger-sum' }, figuresText(p.ledger)),
      h('td', { class: 'ledger-diff error' }, difference(p)),
    ),
  );
  const result = report.problems.length
    ? h(
        'section',
        { class: 'panel', id: 'ledger-problems' },
        h('p', { class: 'error', role: 'alert' }, t('ledger.found', { n: report.problems.length })),
        table('ledger-table', [t('ledger.col.product'), t('col.sku'), t('ledger.col.document'), t('ledger.col.ledger'), t('ledger.col.diff')], h('tbody', {}, ...rows)),
        h('h3', {}, t('ledger.fixTitle')),
        h('ol', { class: 'steps' }, ...(['ledger.fix1', 'ledger.fix2', 'ledger.fix3', 'ledger.fix4'] as const).map((key) => h('li', {}, t(key)))),
      )
    : h('p', { class: 'panel ok-state', id: 'ledger-ok', role: 'status' }, t('ledger.allGood', { products: report.checkedProducts, skus: report.checkedSkus }));
  viewRoot().replaceChildren(
    h('h2', {}, t('ledger.title')),
    h('p', { class: 'muted prose' }, t('ledger.what')),
    h(
      'div',
      { class: 'stats totals', id: 'ledger-stats' },
      stat('ledger-checked', t('ledger.checked'), report.checkedProducts),
      stat('ledger-skus', t('ledger.skus'), report.checkedSkus),
      stat('ledger-problem-count', t('ledger.problems'), report.problems.length, report.problems.length > 0),
      stat('ledger-unopened-count', t('ledger.unopenedCount'), report.unopened.length),
    ),
    result,
    report.unopened.length
      ? h('details', { class: 'panel', id: 'ledger-unopened' }, h('summary', {}, `${t('ledger.unopenedCount')} (${report.unopened.length})`), h('p', { class: 'muted' }, t('ledger.unopened')), h('p', { class: 'small' }, ...report.unopened.slice(0, 200).flatMap((id) => [h('code', {}, id), ' '])))
      : '',
    h(
      'section',
      { class: 'panel', id: 'ledger-hand-edits' },
      h('h3', {}, t('ledger.safeTitle')),
      h('ul', {}, h('li', { class: 'ledger-safe' }, t('ledger.safe')), h('li', { class: 'ledger-unsafe' }, t('ledger.unsafe'))),
      h('p', { class: 'muted small', id: 'ledger-doc' }, t('ledger.doc')),
    ),
    h('div', { class: 'toolbar' }, h('button', { id: 'refresh-ledger', onclick: () => void renderLedger() }, t('common.refresh'))),
  );
}

export const ledgerView: ConsoleView = { tab: 'ledger', label: 'nav.ledger', render: renderLedger };
