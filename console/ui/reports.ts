/** Reports: what each campaign, channel and store brought in, summed from the QR codes' figures. */
import type { QrCodeRow } from '../routes';
import { client } from './client';
import { h, table, viewRoot } from './dom';
import { money, t, type MessageKey } from './i18n';
import { showOrdersFor } from './orders';
import type { ConsoleView } from './view';

export interface Rollup {
  key: string;
  codes: number;
  scans: number;
  orders: number;
  paidOrders: number;
  revenue: number;
}

/** Sums codes by one attribution field; codes without it are left out (product codes have no campaign). */
export function rollUp(codes: QrCodeRow[], field: 'campaign' | 'channel' | 'store'): Rollup[] {
  const sums = new Map<string, Rollup>();
  for (const c of codes) {
    const key = c[field];
    if (!key) continue;
    const r = sums.get(key) ?? { key, codes: 0, scans: 0, orders: 0, paidOrders: 0, revenue: 0 };
    r.codes += 1;
    r.scans += c.scans;
    r.orders += c.orders;
    r.paidOrders += c.paidOrders;
    r.revenue += c.revenue;
    sums.set(key, r);
  }
  return [...sums.values()].sort((a, b) => b.revenue - a.revenue || b.scans - a.scans || a.key.localeCompare(b.key));
}

/** Paid orders per scan, as a percentage ('—' before the first scan). */
export function conversion(r: Pick<Rollup, 'scans' | 'paidOrders'>): string {
  return r.scans > 0 ? `${((100 * r.paidOrders) / r.scans).toFixed(1)}%` : '—';
}

async function renderReports(): Promise<void> {
  const { codes } = await client.qrCodes();
  const section = (field: 'campaign' | 'channel' | 'store', title: MessageKey) => {
    const rows = rollUp(codes, field);
    const body = h(
      'tbody',
      {},
      ...(rows.length
        ? rows.map((r) =>
            h(
              'tr',
              { class: 'report-row', dataset: { field, key: r.key } },
              h('td', {}, h('a', { href: '#/orders', onclick: (ev: Event) => {
                ev.preventDefault();
                showOrdersFor({ [field]: r.key });
              } }, r.key)),
              h('td', { class: 'num' }, String(r.codes)),
              h('td', { class: 'num report-scans' }, String(r.scans)),
              h('td', { class: 'num report-orders' }, String(r.orders)),
              h('td', { class: 'num report-paid' }, String(r.paidOrders)),
              h('td', { class: 'num report-revenue' }, money(r.revenue)),
              h('td', { class: 'num' }, conversion(r)),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 7, class: 'muted empty' }, t('reports.empty')))]),
    );
    return h('section', { class: 'panel report', id: `report-${field}` }, h('h3', {}, t(title)), table(`report-${field}-table`, [t(title), t('reports.codes'), t('qr.scans'), t('qr.orders'), t('qr.paidOrders'), t('qr.revenue'), t('reports.conversion')], body));
  };
  const total = codes.reduce((s, c) => ({ scans: s.scans + c.scans, paidOrders: s.paidOrders + c.paidOrders, revenue: s.revenue + c.revenue }), { scans: 0, paidOrders: 0, revenue: 0 });
  viewRoot().replaceChildren(
    h('h2', {}, t('reports.title')),
    h('div', { class: 'stats totals', id: 'report-totals' }, ...[
      ['report-total-scans', t('qr.scans'), String(total.scans)],
      ['report-total-paid', t('qr.paidOrders'), String(total.paidOrders)],
      ['report-total-revenue', t('qr.revenue'), money(total.revenue)],
      ['report-total-conversion', t('reports.conversion'), conversion(total)],
    ].map(([id, label, value]) => h('div', { class: 'stat', id }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label)))),
    h('p', { class: 'muted' }, t('reports.note')),
    section('campaign', 'reports.byCampaign'),
    section('channel', 'reports.byChannel'),
    section('store', 'reports.byStore'),
  );
}

export const reportsView: ConsoleView = { tab: 'reports', label: 'nav.reports', render: renderReports };
