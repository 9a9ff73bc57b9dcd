/** Orders: filters (status, dates in UTC+8, attribution, referral), ship / complete, CSV of the filtered list. */
import { ORDER_STATUSES } from '../../miniprogram/domain/order-state';
import { CARRIERS } from '../../miniprogram/domain/carriers';
import type { OrderRow, OrdersQuery } from '../routes';
import { client } from './client';
import { toCsv } from './csv';
import { download, h, table, toast, viewRoot } from './dom';
import { chinaDayStart, errorText, formatDateTime, lang, money, statusLabel, t } from './i18n';
import { timeInput } from './time-input';
import type { ConsoleView } from './view';

const PAGE = 50;
const EXPORT_PAGE = 100;

type Filter = Required<Pick<OrdersQuery, 'id' | 'from' | 'to' | 'scene' | 'campaign' | 'channel' | 'store' | 'referral'>> & { status: string };
const EMPTY: Filter = { status: '', id: '', from: '', to: '', scene: '', campaign: '', channel: '', store: '', referral: '' };
/** The filter lasts while the console is open, and other views (QR codes, reports) can set it. */
const filter: Filter = { ...EMPTY };
let skip = 0;

/** Opens the orders view filtered to what brought them in (a QR code, a campaign, …). */
export function showOrdersFor(attribution: Partial<Filter>): void {
  Object.assign(filter, EMPTY, attribution);
  skip = 0;
  location.hash = '#/orders';
}

function apiQuery(f: Filter): OrdersQuery {
  return { ...f, status: f.status as OrdersQuery['status'], from: chinaDayStart(f.from), to: chinaDayStart(f.to) };
}

function itemsText(o: OrderRow): string[] {
  return (o.lines ?? []).map((l) => `${l.title ?? ''}${l.specText ? ` (${l.specText})` : ''} × ${l.qty ?? ''}`);
}

function attributionText(o: OrderRow): string {
  const a = o.attribution ?? {};
  return [a.campaign, a.channel, a.store].filter(Boolean).join(' · ');
}

async function ordersList(): Promise<void> {
  const input = (key: keyof Filter, attrs: Record<string, unknown> = {}) => h('input', { id: `order-${key}`, value: filter[key], ...attrs }) as HTMLInputElement;
  const status = h('select', { id: 'order-status' }, h('option', { value: '' }, t('orders.allStatuses')), ORDER_STATUSES.map((s) => h('option', { value: s }, statusLabel(s)))) as HTMLSelectElement;
  status.value = filter.status;
  const from = timeInput('order-from', 'date', { value: filter.from });
  const to = timeInput('order-to', 'date', { value: filter.to });
  const fields = {
    id: input('id', { placeholder: t('orders.idPlaceholder') }),
    from: from.input,
    to: to.input,
    scene: input('scene', { placeholder: 's=…' }),
    campaign: input('campaign'),
    channel: input('channel'),
    store: input('store'),
    referral: input('referral', { placeholder: t('orders.referralPlaceholder') }),
  };
  const error = h('p', { class: 'error', id: 'order-error', role: 'alert' });
  const tbody = h('tbody');
  const count = h('span', { id: 'order-count', class: 'muted' });
  const pager = h('span', { class: 'pager' });
  const read = () => {
    Object.assign(filter, { status: status.value }, Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el.value.trim()])));
  };
  const load = async () => {
    const res = await client.orders({ ...apiQuery(filter), skip, limit: PAGE });
    count.textContent = t('orders.count', { n: res.total });
    pager.replaceChildren(
      ...(res.total > PAGE
        ? [
            h('span', { class: 'muted', id: 'order-range' }, t('common.range', { from: skip + 1, to: Math.min(res.total, skip + PAGE) })),
            h('button', { id: 'orders-prev', disabled: skip === 0, onclick: () => page(-PAGE) }, t('common.previous')),
            h('button', { id: 'orders-next', disabled: skip + PAGE >= res.total, onclick: () => page(PAGE) }, t('common.next')),
          ]
        : []),
    );
    tbody.replaceChildren(...(res.orders.length ? res.orders.map((o) => orderRow(o, error, load)) : [h('tr', {}, h('td', { colspan: 10, class: 'muted empty' }, t('orders.empty')))]));
  };
  const run = () => {
    error.textContent = '';
    load().catch((e) => (error.textContent = errorText(e)));
  };
  const page = (delta: number) => {
    skip = Math.max(0, skip + delta);
    run();
  };
  const apply = () => {
    read();
    skip = 0;
    run();
  };
  const exportCsv = async () => {
    read();
    try {
      const rows: OrderRow[] = [];
      for (let at = 0; ; at += EXPORT_PAGE) {
        const res = await client.orders({ ...apiQuery(filter), skip: at, limit: EXPORT_PAGE });
        rows.push(...res.orders);
        if (res.orders.length < EXPORT_PAGE || rows.length >= res.total) break;
      }
      const header = ['orders.col.order', 'orders.col.created', 'col.status', 'orders.col.items', 'orders.col.totalYuan', 'orders.col.shipTo', 'orders.col.scene', 'orders.col.attribution', 'orders.col.referral', 'orders.col.tracking', 'orders.col.upload'] as const;
      const body = rows.map((o) => [o._id, formatDateTime(o.createdAt), statusLabel(o.status), itemsText(o).join('; '), typeof o.total === 'number' ? (o.total / 100).toFixed(2) : '', [o.address?.name, o.address?.phone, o.address?.city].filter(Boolean).join(' '), o.attribution?.sceneCode ?? '', attributionText(o), o.attribution?.referralCode ?? '', o.trackingNo ?? '', uploadText(o) ?? '']);
      download(`orders-${formatDateTime(Date.now()).slice(0, 10)}.csv`, toCsv(header.map((k) => t(k)), body), 'text/csv;charset=utf-8');
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  const label = (key: Parameters<typeof t>[0], el: HTMLElement) => h('label', {}, t(key), el);
  viewRoot().replaceChildren(
    h('h2', {}, t('orders.title')),
    h(
      'form',
      { class: 'toolbar filters', id: 'order-filters', onsubmit: (ev: Event) => {
        ev.preventDefault();
        apply();
      } },
      label('col.status', status),
      label('orders.filter.id', fields.id),
      label('orders.filter.from', from.control),
      label('orders.filter.to', to.control),
      label('orders.col.scene', fields.scene),
      label('orders.filter.campaign', fields.campaign),
      label('orders.filter.channel', fields.channel),
      label('orders.filter.store', fields.store),
      label('orders.col.referral', fields.referral),
      h('button', { id: 'apply-order-filter', class: 'primary', type: 'submit' }, t('common.apply')),
      h('button', { id: 'clear-order-filter', type: 'button', onclick: () => {
        status.value = '';
        for (const el of Object.values(fields)) el.value = '';
        apply();
      } }, t('common.clear')),
    ),
    h('div', { class: 'toolbar' }, count, pager, h('button', { id: 'export-orders', onclick: () => void exportCsv() }, t('common.exportCsv')), h('span', { class: 'muted' }, t('common.timesInChina'))),
    error,
    table('orders-table', [t('orders.col.order'), t('orders.col.created'), t('col.status'), t('orders.col.items'), t('orders.col.total'), t('orders.col.shipTo'), t('orders.col.attribution'), t('orders.col.referral'), t('orders.col.tracking'), t('orders.col.actions')], tbody),
  );
  await load();
}

/** The shipment as the merchant needs it: carrier, tracking number, and whether WeChat has it yet. */
function shipmentCell(o: OrderRow): Node[] {
  const up = o.shippingUpload;
  const carrier = o.carrier ? CARRIERS[o.carrier] ?? o.carrier : '';
  const cells: Node[] = [h('div', { class: 'order-tracking-no' }, [carrier, o.trackingNo ?? ''].filter(Boolean).join(' '))];
  if (up) {
    cells.push(h('div', { class: `order-upload upload-${up.state}`, dataset: { upload: up.state } }, uploadText(o) ?? ''));
    if (up.state !== 'uploaded' && up.lastError) cells.push(h('div', { class: 'order-upload-error muted' }, t('orders.upload.error', { error: up.lastError })));
  }
  return cells;
}

function uploadText(o: OrderRow): string | null {
  const up = o.shippingUpload;
  return up ? t(`orders.upload.${up.state}`, { n: up.attempts, reason: up.abandonedReason ?? '' }) : null;
}

function orderRow(o: OrderRow, error: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const id = o._id;
  const address = o.address ?? {};
  const a = o.attribution ?? {};
  const act = async (event: OrderRow['events'][number], shipment?: { carrier: string; trackingNo: string }) => {
    error.textContent = '';
    try {
      await client.orderEvent(id, { event, ...shipment });
      toast(t(event === 'ship' ? 'orders.shipped' : 'orders.completed', { id }));
      await reload();
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  const actions: Node[] = [];
  if (o.events.includes('ship')) {
    const carrier = h('select', { class: 'carrier-select', 'aria-label': t('orders.carrierAria', { id }) }, ...Object.entries(CARRIERS).map(([code, name]) => h('option', { value: code }, lang() === 'zh' ? name : `${name} (${code})`)));
    const tracking = h('input', { class: 'tracking-input', placeholder: t('orders.trackingPlaceholder'), 'aria-label': t('orders.trackingAria', { id }) }) as HTMLInputElement;
    actions.push(carrier, tracking, h('button', { class: 'ship-order primary', 'aria-label': t('orders.shipAria', { id }), onclick: () => act('ship', { carrier: carrier.value, trackingNo: tracking.value }) }, t('orders.ship')));
  }
  if (o.events.includes('confirmReceipt')) actions.push(h('button', { class: 'complete-order', 'aria-label': t('orders.completeAria', { id }), onclick: () => act('confirmReceipt') }, t('orders.complete')));
  const source = attributionText(o);
  return h(
    'tr',
    { class: 'order-row', dataset: { id, status: String(o.status) } },
    h('td', {}, h('code', {}, id)),
    h('td', { class: 'order-created nowrap' }, formatDateTime(o.createdAt)),
    h('td', { class: 'order-status nowrap' }, statusLabel(o.status)),
    h('td', { class: 'items-cell' }, itemsText(o).map((line) => h('div', {}, line))),
    h('td', { class: 'order-total' }, money(o.total)),
    h('td', { class: 'order-ship-to' }, [address.name, address.phone, address.city].filter(Boolean).join(' · ')),
    h('td', { class: 'order-attribution' }, a.sceneCode ? h('code', { class: 'order-scene' }, a.sceneCode) : null, source ? h('div', {}, source) : null, !a.sceneCode && !source ? h('span', { class: 'muted' }, t('orders.direct')) : null),
    h('td', { class: 'order-referral' }, a.referralCode ? h('code', {}, a.referralCode) : ''),
    h('td', { class: 'order-tracking' }, ...shipmentCell(o)),
    h('td', { class: 'order-actions' }, ...actions),
  );
}

export const ordersView: ConsoleView = { tab: 'orders', label: 'nav.orders', render: ordersList };
