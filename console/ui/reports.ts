/**
 * Reports: scans, orders and revenue by campaign, channel, store and sharer (the merchant function's
 * attribution report, grouped by the attribution the server decided), for a period and filters.
 */
import type { AttributionDimension, AttributionReport, AttributionReportRequest, AttributionRow, ReportTotals } from '../../typings/api';
import { client } from './client';
import { h, table, viewRoot } from './dom';
import { chinaDayStart, errorText, money, t } from './i18n';
import { conversion, DIMENSION_TITLES } from './report-tables';
import { showOrdersFor } from './orders';
import { timeInput } from './time-input';
import type { ConsoleView } from './view';

const SECTIONS: readonly AttributionDimension[] = ['campaign', 'channel', 'store', 'referral'];

type Filter = { from: string; to: string; campaign: string; channel: string; store: string; referral: string };
/** The filter lasts while the console is open. */
const filter: Filter = { from: '', to: '', campaign: '', channel: '', store: '', referral: '' };

/** The report request for the filter: days are days in China (UTC+8); `to` includes its whole day. */
export function reportRequest(by: AttributionDimension, f: Filter): AttributionReportRequest {
  const req: AttributionReportRequest = { by };
  if (f.from) req.from = Date.parse(chinaDayStart(f.from));
  if (f.to) req.to = Date.parse(chinaDayStart(f.to)) + 86_400_000;
  for (const key of ['campaign', 'channel', 'store', 'referral'] as const) if (f[key]) req[key] = f[key];
  return req;
}

/** A row's figures; the conversion only where the orders came through the scans counted beside them. */
function cells(r: ReportTotals, withConversion = true): HTMLElement[] {
  return [
    h('td', { class: 'num report-scans' }, String(r.scans)),
    h('td', { class: 'num report-orders' }, String(r.orders)),
    h('td', { class: 'num report-paid' }, String(r.paidOrders)),
    h('td', { class: 'num report-revenue' }, money(r.revenue)),
    h('td', { class: 'num report-conversion' }, withConversion ? conversion(r) : '—'),
  ];
}

function section(report: AttributionReport): HTMLElement {
  const field = report.by;
  const title = DIMENSION_TITLES[field];
  const orderFilter = field === 'referral' ? 'referral' : field;
  const row = (r: AttributionRow) =>
    h(
      'tr',
      { class: 'report-row', dataset: { field, key: r.key } },
      h('td', {}, h('a', { href: '#/orders', onclick: (ev: Event) => {
        ev.preventDefault();
        showOrdersFor({ [orderFilter]: r.key });
      } }, r.key)),
      ...cells(r),
    );
  const none = report.none;
  const body = h(
    'tbody',
    {},
    ...(report.rows.length ? report.rows.map(row) : [h('tr', {}, h('td', { colspan: 6, class: 'muted empty' }, t('reports.empty')))]),
    none.scans || none.orders ? h('tr', { class: 'report-none muted', dataset: { field } }, h('td', {}, t('reports.none')), ...cells(none, false)) : null,
  );
  return h('section', { class: 'panel report', id: `report-${field}` }, h('h3', {}, t(title)), table(`report-${field}-table`, [t(title), t('qr.scans'), t('qr.orders'), t('qr.paidOrders'), t('qr.revenue'), t('reports.conversion')], body));
}

async function renderReports(): Promise<void> {
  const input = (key: keyof Filter, attrs: Record<string, unknown> = {}) => h('input', { id: `report-${key}-filter`, value: filter[key], ...attrs }) as HTMLInputElement;
  const from = timeInput('report-from-filter', 'date', { value: filter.from });
  const to = timeInput('report-to-filter', 'date', { value: filter.to });
  const fields = {
    from: from.input,
    to: to.input,
    campaign: input('campaign'),
    channel: input('channel'),
    store: input('store'),
    referral: input('referral', { placeholder: t('reports.referralPlaceholder') }),
  };
  const error = h('p', { class: 'error', id: 'report-error', role: 'alert' });
  const totals = h('div', { class: 'stats totals', id: 'report-totals' });
  const sections = h('div', { id: 'report-sections' });
  const load = async () => {
    const reports = await Promise.all(SECTIONS.map((by) => client.attributionReport(reportRequest(by, filter))));
    // Every report of one filter has the same totals (all scans and orders of the period); the referral
    // one counts share-card visits instead of QR scans, so the totals come from the first.
    const total = reports[0].totals;
    totals.replaceChildren(
      ...[
        ['report-total-scans', t('qr.scans'), String(total.scans)],
        ['report-total-orders', t('qr.orders'), String(total.orders)],
        ['report-total-paid', t('qr.paidOrders'), String(total.paidOrders)],
        ['report-total-revenue', t('qr.revenue'), money(total.revenue)],
      ].map(([id, label, value]) => h('div', { class: 'stat', id }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label))),
    );
    sections.replaceChildren(...reports.map(section));
  };
  const apply = async () => {
    Object.assign(filter, Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el.value.trim()])));
    error.textContent = '';
    try {
      await load();
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  await load();
  viewRoot().replaceChildren(
    h('h2', {}, t('reports.title')),
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, t('reports.from'), from.control),
      h('label', {}, t('reports.to'), to.control),
      h('label', {}, t('qr.campaign'), fields.campaign),
      h('label', {}, t('qr.channel'), fields.channel),
      h('label', {}, t('qr.store'), fields.store),
      h('label', {}, t('reports.referral'), fields.referral),
      h('button', { id: 'apply-report-filter', class: 'primary', onclick: () => void apply() }, t('common.apply')),
      h('button', { id: 'clear-report-filter', onclick: () => {
        for (const el of Object.values(fields)) el.value = '';
        void apply();
      } }, t('common.clear')),
    ),
    error,
    totals,
    h('p', { class: 'muted' }, t('reports.noteAttribution')),
    sections,
  );
}

export const reportsView: ConsoleView = { tab: 'reports', label: 'nav.reports', render: renderReports };
