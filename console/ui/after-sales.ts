/**
 * The merchant's after-sales view (#/after-sales): every request with what can be done with it now
 * (approve with or without a return, refuse with a reason, confirm the return arrived, refund or try a
 * refund again), each refund's progress at WeChat Pay, and the payments still owed back (late or
 * duplicate payments). Every action is an orders-function merchant action relayed by the console API.
 */
import type { MerchantAfterSale, OwedRefundView } from '../../typings/api';
import type { AfterSaleStatus } from '../../typings/domain';
import { AFTER_SALE_STATUSES } from '../../miniprogram/domain/after-sales';
import { request } from './client';
import { h, table, toast, viewRoot } from './dom';
import { errorText, formatDateTime, money, t, type MessageKey } from './i18n';
import type { ConsoleView } from './view';

let statusFilter: AfterSaleStatus | '' = '';

const statusText = (s: AfterSaleStatus) => t(`afterSaleStatus.${s}` as MessageKey);

type Act = (label: string, path: string, body?: unknown) => Promise<void>;

async function render(): Promise<void> {
  const status = h('select', { id: 'after-sale-status', 'aria-label': t('afterSales.statusFilter') }, h('option', { value: '' }, t('afterSales.allStatuses')), AFTER_SALE_STATUSES.map((s) => h('option', { value: s }, statusText(s))));
  status.value = statusFilter;
  const error = h('p', { class: 'error', id: 'after-sales-error', role: 'alert' });
  const requests = h('tbody');
  const owed = h('tbody');
  const counts = h('span', { id: 'after-sales-count', class: 'muted' });
  const show = (e: unknown) => void (error.textContent = errorText(e));

  const load = async () => {
    statusFilter = status.value as AfterSaleStatus | '';
    const params = statusFilter ? `?status=${encodeURIComponent(statusFilter)}` : '';
    const res = await request<{ afterSales: MerchantAfterSale[]; owedRefunds: OwedRefundView[] }>('GET', `after-sales${params}`);
    counts.textContent = t('afterSales.count', { requests: res.afterSales.length, owed: res.owedRefunds.length });
    requests.replaceChildren(...(res.afterSales.length ? res.afterSales.map((a) => requestRow(a, act)) : [emptyRow(9, t('afterSales.empty'))]));
    owed.replaceChildren(...(res.owedRefunds.length ? res.owedRefunds.map(owedRow) : [emptyRow(6, t('afterSales.owedEmpty'))]));
  };
  const act: Act = async (label, path, body = {}) => {
    error.textContent = '';
    try {
      await request('POST', path, body);
      toast(t('afterSales.done', { action: label }));
      await load();
    } catch (e) {
      error.textContent = t('afterSales.failed', { action: label, message: errorText(e) });
    }
  };
  status.addEventListener('change', () => void load().catch(show));

  const col = (keys: string[]) => keys.map((k) => t(`afterSales.col.${k}` as MessageKey));
  viewRoot().replaceChildren(
    h('h2', {}, t('afterSales.title')),
    h('div', { class: 'toolbar' }, h('label', {}, t('afterSales.statusFilter'), status), h('button', { id: 'refresh-after-sales', class: 'primary', onclick: () => load().catch(show) }, t('common.refresh')), counts),
    error,
    table('after-sales-table', col(['id', 'order', 'created', 'items', 'reason', 'fee', 'status', 'progress', 'actions']), requests),
    h('h3', {}, t('afterSales.owedTitle')),
    table('owed-refunds-table', col(['order', 'amount', 'reason', 'attempts', 'lastError', 'nextTry']), owed),
  );
  await load();
}

function emptyRow(span: number, text: string): HTMLElement {
  return h('tr', { class: 'empty-row' }, h('td', { colspan: span, class: 'muted' }, text));
}

function refundProgress(a: MerchantAfterSale): string {
  if (a.status === 'refunded') return t('afterSales.refundedAt', { time: formatDateTime(a.refundedAt) });
  if (a.status !== 'refunding') return '';
  const tries = a.refundAttempts ?? 0;
  if (a.refundError) return t('afterSales.refundFailed', { tries, error: a.refundError, time: formatDateTime(a.nextRefundAt) });
  return tries > 0 ? t('afterSales.refundSubmitted', { tries }) : t('afterSales.refundWaiting');
}

function requestRow(a: MerchantAfterSale, act: Act): HTMLElement {
  const id = a._id;
  const path = (what: string) => `after-sales/${encodeURIComponent(id)}/${what}`;
  const button = (cls: string, key: MessageKey, to: string, body?: unknown) => h('button', { class: cls, 'aria-label': `${t(key)} ${id}`, onclick: () => act(t(key), path(to), body) }, t(key));
  const actions: Node[] = [];
  if (a.status === 'requested') {
    const reason = h('input', { class: 'refuse-reason', placeholder: t('afterSales.refuseReason'), 'aria-label': `${t('afterSales.refuseReason')} ${id}` });
    actions.push(
      button('approve-refund primary', 'afterSales.approveRefund', 'approve', { mode: 'refund' }),
      button('approve-return', 'afterSales.approveReturn', 'approve', { mode: 'return' }),
      h('div', { class: 'toolbar' }, reason, h('button', { class: 'refuse danger', 'aria-label': `${t('afterSales.refuse')} ${id}`, onclick: () => act(t('afterSales.refuse'), path('refuse'), { reason: reason.value }) }, t('afterSales.refuse'))),
    );
  }
  if (a.status === 'return_pending') actions.push(button('receive-return primary', 'afterSales.receive', 'receive'));
  if (a.status === 'approved' || a.status === 'received') actions.push(button('refund-after-sale primary', 'afterSales.refund', 'refund'));
  if (a.status === 'refunding') actions.push(button('refund-after-sale', 'afterSales.retryRefund', 'refund'));
  const mode = a.mode ? `（${t(a.mode === 'return' ? 'afterSales.mode.return' : 'afterSales.mode.refund')}）` : '';
  return h(
    'tr',
    { class: `after-sale-row${a.refundError ? ' has-problems' : ''}`, dataset: { id, status: a.status, orderId: a.orderId } },
    h('td', {}, h('code', {}, id)),
    h('td', {}, h('code', {}, a.orderId), h('div', { class: 'muted' }, t(a.shippedWhenRequested ? 'afterSales.afterShipping' : 'afterSales.beforeShipping'))),
    h('td', { class: 'nowrap' }, formatDateTime(a.createdAt)),
    h('td', { class: 'items-cell' }, a.lines.map((l) => h('div', {}, `${l.title}${l.specText ? `（${l.specText}）` : ''} × ${l.qty}`))),
    h('td', { class: 'after-sale-reason' }, a.reason, a.refuseReason ? h('div', { class: 'error' }, t('afterSales.refusedBecause', { reason: a.refuseReason })) : null),
    h('td', { class: 'after-sale-fee' }, money(a.refundFee), a.shippingRefund ? h('div', { class: 'muted' }, t('afterSales.withShipping', { amount: money(a.shippingRefund) })) : null),
    h('td', { class: 'after-sale-status' }, `${statusText(a.status)}${mode}`),
    h('td', { class: `refund-progress${a.refundError ? ' error' : ''}` }, refundProgress(a)),
    h('td', { class: 'after-sale-actions' }, ...actions),
  );
}

function owedRow(p: OwedRefundView): HTMLElement {
  return h(
    'tr',
    { class: `owed-refund-row${p.refundError ? ' has-problems' : ''}`, dataset: { id: p._id, orderId: p.orderId } },
    h('td', {}, h('code', {}, p.orderId)),
    h('td', {}, money(p.refundFee)),
    h('td', {}, p.reason),
    h('td', {}, String(p.refundAttempts)),
    h('td', { class: p.refundError ? 'error' : 'muted' }, p.refundError ?? '—'),
    h('td', {}, formatDateTime(p.nextRefundAt)),
  );
}

export const afterSalesView: ConsoleView = { tab: 'after-sales', label: 'nav.afterSales', render: () => render() };
