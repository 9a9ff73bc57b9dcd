/** Function invocation logs of the local cloud. */
import { client } from './client';
import { h, table, viewRoot } from './dom';
import { errorText, formatDateTime, t } from './i18n';
import type { ConsoleView } from './view';

async function logsList(): Promise<void> {
  const fn = h('input', { id: 'log-function', placeholder: t('logs.functionPlaceholder'), 'aria-label': t('logs.function') }) as HTMLInputElement;
  const tbody = h('tbody');
  const error = h('p', { class: 'error', id: 'log-error', role: 'alert' });
  const load = async () => {
    error.textContent = '';
    try {
      const { logs } = await client.logs({ limit: 200, function: fn.value.trim() || undefined });
      tbody.replaceChildren(
        ...logs.map((log) =>
          h(
            'tr',
            { class: `log-row ${log.ok ? 'log-ok' : 'log-failed'}`, dataset: { function: String(log.functionName ?? '') } },
            h('td', { class: 'nowrap' }, formatDateTime(log.startedAt)),
            h('td', { class: 'log-function' }, String(log.functionName ?? '')),
            h('td', {}, String(log.openid ?? log.trigger ?? '')),
            h('td', { class: 'num' }, `${String(log.durationMs ?? '')} ms`),
            h('td', { class: log.ok ? 'ok-badge' : 'error' }, log.ok ? t('logs.ok') : t('logs.failed')),
            h('td', {}, h('details', {}, h('summary', {}, log.ok ? t('logs.result') : String(log.error ?? 'error').slice(0, 80)), h('pre', { class: 'log-detail' }, [log.result, log.error, log.logs].filter(Boolean).map(String).join('\n---\n')))),
          ),
        ),
      );
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  viewRoot().replaceChildren(
    h('h2', {}, t('logs.title')),
    h('div', { class: 'toolbar' }, h('label', {}, t('logs.function'), fn), h('button', { id: 'refresh-logs', class: 'primary', onclick: () => void load() }, t('common.refresh')), h('span', { class: 'muted' }, t('common.timesInChina'))),
    error,
    table('logs-table', [t('logs.time'), t('logs.function'), t('logs.caller'), t('logs.duration'), t('logs.outcome'), t('logs.details')], tbody),
  );
  await load();
}

export const logsView: ConsoleView = { tab: 'logs', label: 'nav.logs', render: logsList };
