/**
 * The merchant's notices view (#/notices, #/notices/<orderId>): every subscribe-message notice the store
 * sent or tried to send (shipped, refund done, group result), per order, with what WeChat answered, the
 * attempts and when a failed one is tried again.
 */
import type { NoticeState, NoticeView } from '../../typings/domain';
import { request } from './client';
import { h, table, viewRoot } from './dom';
import { errorText, formatDateTime, t, type MessageKey } from './i18n';
import type { ConsoleView } from './view';

const STATES: readonly NoticeState[] = ['pending', 'sending', 'sent', 'refused', 'failed'];

function contentText(n: NoticeView): string {
  return Object.values(n.data)
    .map((v) => v.value)
    .join(' · ');
}

function errorCell(n: NoticeView): string {
  if (!n.lastError) return '';
  if (n.state !== 'failed') return n.lastError;
  return `${n.lastError}（${n.retry ? t('notices.retryAt', { time: formatDateTime(n.nextAttemptAt) }) : t('notices.noRetry')}）`;
}

function row(n: NoticeView): HTMLElement {
  return h(
    'tr',
    { class: `notice notice-${n.state}`, dataset: { id: n._id } },
    h('td', { class: 'mono' }, n.orderId),
    h('td', { class: 'nowrap' }, t(`notices.kind.${n.kind}` as MessageKey)),
    h('td', { class: 'nowrap' }, h('span', { class: `badge notice-state-${n.state}` }, t(`notices.state.${n.state}` as MessageKey))),
    h('td', { class: 'notice-content' }, contentText(n)),
    h('td', {}, String(n.attempts)),
    h('td', { class: 'notice-error' }, errorCell(n)),
    h('td', { class: 'nowrap' }, formatDateTime(n.sentAt ?? n.updatedAt)),
  );
}

async function render(rest: string[]): Promise<void> {
  const orderInput = h('input', { id: 'notice-order', placeholder: t('notices.orderFilter'), 'aria-label': t('notices.orderFilter'), value: rest[0] ? decodeURIComponent(rest[0]) : '' });
  const state = h('select', { id: 'notice-state', 'aria-label': t('notices.stateFilter') }, h('option', { value: '' }, t('notices.allStates')), STATES.map((s) => h('option', { value: s }, t(`notices.state.${s}` as MessageKey))));
  const error = h('p', { class: 'error', id: 'notices-error', role: 'alert' });
  const counts = h('span', { id: 'notices-count', class: 'muted' });
  const body = h('tbody');
  const load = async () => {
    error.textContent = '';
    const params = new URLSearchParams();
    if (orderInput.value.trim()) params.set('orderId', orderInput.value.trim());
    if (state.value) params.set('state', state.value);
    try {
      const res = await request<{ notices: NoticeView[] }>('GET', `notices${params.size ? `?${params}` : ''}`);
      counts.textContent = t('notices.count', { count: res.notices.length });
      body.replaceChildren(...(res.notices.length ? res.notices.map(row) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 7, class: 'muted' }, t('notices.empty')))]));
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  state.addEventListener('change', () => void load());
  orderInput.addEventListener('change', () => void load());
  const col = (keys: string[]) => keys.map((k) => t(`notices.col.${k}` as MessageKey));
  viewRoot().replaceChildren(
    h('h2', {}, t('notices.title')),
    h('p', { class: 'muted' }, t('notices.intro')),
    h('div', { class: 'toolbar' }, h('label', {}, t('notices.orderFilter'), orderInput), h('label', {}, t('notices.stateFilter'), state), h('button', { id: 'refresh-notices', class: 'primary', onclick: () => void load() }, t('common.refresh')), counts),
    error,
    table('notices-table', col(['order', 'kind', 'state', 'content', 'attempts', 'error', 'time']), body),
  );
  await load();
}

export const noticesView: ConsoleView = { tab: 'notices', label: 'nav.notices', render };
