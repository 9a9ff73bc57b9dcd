/**
 * The merchant's coupons (#/coupons): every template with how many were claimed and used, a form to
 * define one (amount or percent off, threshold, scope, validity, limits), and stopping or resuming
 * claims. The rules are checked by the merchant function (domain/coupons.checkTemplate); its problems
 * are shown field by field.
 */
import type { CouponTemplate } from '../../typings/domain';
import { couponScopeText, couponThresholdText, couponValueText } from '../../miniprogram/domain/coupons';
import { parseYuan } from '../../miniprogram/domain/money';
import { ApiError, request } from './client';
import { h, problemList, table, toast, viewRoot } from './dom';
import { chinaDayStart, errorText, formatDate, t, type MessageKey } from './i18n';
import { timeInput } from './time-input';
import type { ConsoleView } from './view';

type Listed = CouponTemplate & { used: number };

const DAY = 86_400_000;

function field(label: MessageKey, input: HTMLElement): HTMLElement {
  return h('label', {}, t(label), input);
}

function validityText(tpl: CouponTemplate): string {
  return tpl.validity.kind === 'days' ? t('coupons.validDays', { days: tpl.validity.days }) : `${formatDate(tpl.validity.from)} – ${formatDate(tpl.validity.until - 1)}`;
}

/** The form's inputs as a template document (amounts typed in yuan; bad numbers are left for the server to name). */
function readForm(f: Record<string, HTMLInputElement | HTMLSelectElement>): Record<string, unknown> {
  const yuan = (v: string) => (v.trim() === '' ? 0 : parseYuan(v) ?? v);
  const int = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : v);
  const kind = f.kind.value;
  const scopeKind = f.scopeKind.value;
  const ids = f.scopeIds.value.split(/[,，\s]+/).filter(Boolean);
  const validity = f.validityKind.value === 'days'
    ? { kind: 'days', days: int(f.days.value) }
    : { kind: 'fixed', from: Date.parse(chinaDayStart(f.from.value)), until: Date.parse(chinaDayStart(f.until.value)) + DAY };
  return {
    _id: f.id.value.trim(),
    title: f.title.value.trim(),
    kind,
    ...(kind === 'amount' ? { amountOff: yuan(f.amount.value) } : { percentOff: int(f.percent.value) }),
    threshold: yuan(f.threshold.value),
    scope: scopeKind === 'all' ? { kind: 'all' } : { kind: scopeKind, ids },
    validity,
    totalLimit: int(f.total.value),
    perShopperLimit: int(f.perShopper.value),
  };
}

async function render(): Promise<void> {
  const rows = h('tbody');
  const error = h('div', { class: 'error', id: 'coupons-error', role: 'alert' });
  const show = (e: unknown) => {
    // A refused template: what to change, field by field (the server's words), not the whole error text.
    if (e instanceof ApiError && e.details?.problems) error.replaceChildren(t('coupons.invalid'), problemList(e.details.problems));
    else error.replaceChildren(errorText(e));
  };
  const load = async () => {
    const res = await request<{ templates: Listed[] }>('GET', 'coupons');
    rows.replaceChildren(...(res.templates.length ? res.templates.map((tpl) => row(tpl, toggle)) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 8, class: 'muted' }, t('coupons.empty')))]));
  };
  const toggle = async (tpl: Listed) => {
    error.replaceChildren();
    const { claimed: _c, used: _u, createdAt: _a, updatedAt: _b, ...template } = tpl;
    void [_c, _u, _a, _b];
    try {
      await request('PUT', `coupons/${encodeURIComponent(tpl._id)}`, { template: { ...template, status: tpl.status === 'active' ? 'stopped' : 'active' } });
      toast(t('common.saved'));
      await load();
    } catch (e) {
      show(e);
    }
  };

  const input = (id: string, attrs: Record<string, unknown> = {}) => h('input', { id: `coupon-${id}`, ...attrs });
  const select = (id: string, options: [string, MessageKey][]) => h('select', { id: `coupon-${id}` }, options.map(([v, k]) => h('option', { value: v }, t(k))));
  const from = timeInput('coupon-from', 'date');
  const until = timeInput('coupon-until', 'date');
  const f = {
    id: input('id', { placeholder: 'spring-20' }),
    title: input('title', { placeholder: t('coupons.titlePlaceholder') }),
    kind: select('kind', [['amount', 'coupons.kind.amount'], ['percent', 'coupons.kind.percent']]),
    amount: input('amount', { inputmode: 'decimal', placeholder: '20' }),
    percent: input('percent', { inputmode: 'numeric', placeholder: '15' }),
    threshold: input('threshold', { inputmode: 'decimal', placeholder: '100' }),
    scopeKind: select('scope', [['all', 'coupons.scope.all'], ['categories', 'coupons.scope.categories'], ['products', 'coupons.scope.products']]),
    scopeIds: input('scope-ids', { placeholder: t('coupons.scopeIdsPlaceholder') }),
    validityKind: select('validity', [['days', 'coupons.validity.days'], ['fixed', 'coupons.validity.fixed']]),
    days: input('days', { inputmode: 'numeric', value: '7' }),
    from: from.input,
    until: until.input,
    total: input('total', { inputmode: 'numeric', value: '100' }),
    perShopper: input('per-shopper', { inputmode: 'numeric', value: '1' }),
  };
  // Only the inputs the chosen kind, scope and validity use are shown.
  const showIf = (el: HTMLElement, shown: boolean) => void (el.closest('label')!.style.display = shown ? '' : 'none');
  const sync = () => {
    showIf(f.amount, f.kind.value === 'amount');
    showIf(f.percent, f.kind.value === 'percent');
    showIf(f.scopeIds, f.scopeKind.value !== 'all');
    showIf(f.days, f.validityKind.value === 'days');
    showIf(f.from, f.validityKind.value === 'fixed');
    showIf(f.until, f.validityKind.value === 'fixed');
  };
  const create = async (e: Event) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      await request('POST', 'coupons', { template: readForm(f) });
      toast(t('coupons.created'));
      await load();
    } catch (err) {
      show(err);
    }
  };
  const form = h(
    'form',
    { id: 'coupon-form', class: 'grid2', onsubmit: create },
    field('coupons.field.id', f.id),
    field('coupons.field.title', f.title),
    field('coupons.field.kind', f.kind),
    field('coupons.field.amount', f.amount),
    field('coupons.field.percent', f.percent),
    field('coupons.field.threshold', f.threshold),
    field('coupons.field.scope', f.scopeKind),
    field('coupons.field.scopeIds', f.scopeIds),
    field('coupons.field.validity', f.validityKind),
    field('coupons.field.days', f.days),
    field('coupons.field.from', from.control),
    field('coupons.field.until', until.control),
    field('coupons.field.total', f.total),
    field('coupons.field.perShopper', f.perShopper),
    h('div', { class: 'toolbar' }, h('button', { id: 'coupon-create', class: 'primary', type: 'submit' }, t('coupons.create'))),
  );
  for (const s of [f.kind, f.scopeKind, f.validityKind]) s.addEventListener('change', sync);
  sync();

  const col = (keys: string[]) => keys.map((k) => t(`coupons.col.${k}` as MessageKey));
  viewRoot().replaceChildren(
    h('h2', {}, t('coupons.title')),
    h('div', { class: 'toolbar' }, h('button', { id: 'refresh-coupons', onclick: () => load().catch(show) }, t('common.refresh'))),
    error,
    table('coupons-table', col(['id', 'title', 'value', 'scope', 'validity', 'claimed', 'status', 'actions']), rows),
    h('h3', {}, t('coupons.newTitle')),
    form,
  );
  await load().catch(show);
}

function row(tpl: Listed, toggle: (tpl: Listed) => Promise<void>): HTMLElement {
  const active = tpl.status === 'active';
  return h(
    'tr',
    { class: 'coupon-row', dataset: { id: tpl._id, status: tpl.status } },
    h('td', {}, h('code', {}, tpl._id)),
    h('td', {}, tpl.title),
    h('td', {}, couponValueText(tpl), h('div', { class: 'muted' }, couponThresholdText(tpl))),
    h('td', {}, couponScopeText(tpl.scope), tpl.scope.kind === 'all' ? null : h('div', { class: 'muted' }, tpl.scope.ids.join(', '))),
    h('td', {}, validityText(tpl)),
    h('td', { class: 'coupon-claimed' }, t('coupons.claimedOf', { claimed: tpl.claimed, total: tpl.totalLimit, used: tpl.used })),
    h('td', { class: 'coupon-status' }, t(active ? 'coupons.status.active' : 'coupons.status.stopped')),
    h('td', {}, h('button', { class: active ? 'coupon-stop danger' : 'coupon-resume primary', 'aria-label': `${t(active ? 'coupons.stop' : 'coupons.resume')} ${tpl._id}`, onclick: () => void toggle(tpl) }, t(active ? 'coupons.stop' : 'coupons.resume'))),
  );
}

export const couponsView: ConsoleView = { tab: 'coupons', label: 'nav.coupons', render: () => render() };
