/**
 * The merchant's after-sales view (#/after-sales): every request with what can be done with it now
 * (approve with or without a return, refuse with a reason, confirm the return arrived, refund or try a
 * refund again), each refund's progress at WeChat Pay, and the payments still owed back (late or
 * duplicate payments). Every action is an orders-function merchant action relayed by the console API.
 */
import type { MerchantAfterSale, OwedRefundView } from '../../typings/api';
import type { AfterSaleStatus } from '../../typings/domain';
import { AFTER_SALE_STATUSES, AFTER_SALE_STATUS_LABELS } from '../../miniprogram/domain/after-sales';

type Child = Node | string | number | null | undefined | false;

/** What the console shell lends a view: its element builder, API client, toast and formatters. */
export interface ViewKit {
  h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, unknown>, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K];
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  toast(text: string): void;
  view(): HTMLElement;
  time(value: unknown): string;
  money(value: unknown): string;
}

let statusFilter: AfterSaleStatus | '' = '';
const SCROLL = 'overflow-x: auto; -webkit-overflow-scrolling: touch';

export async function afterSalesView(kit: ViewKit): Promise<void> {
  const { h } = kit;
  const status = h('select', { id: 'after-sale-status', 'aria-label': '售后状态' }, h('option', { value: '' }, '全部状态'), AFTER_SALE_STATUSES.map((s) => h('option', { value: s }, AFTER_SALE_STATUS_LABELS[s]))) as HTMLSelectElement;
  status.value = statusFilter;
  const error = h('p', { class: 'error', id: 'after-sales-error', role: 'alert' });
  const requests = h('tbody');
  const owed = h('tbody');
  const counts = h('span', { id: 'after-sales-count', class: 'muted' });

  const load = async () => {
    statusFilter = status.value as AfterSaleStatus | '';
    const params = statusFilter ? `?status=${encodeURIComponent(statusFilter)}` : '';
    const res = await kit.api<{ afterSales: MerchantAfterSale[]; owedRefunds: OwedRefundView[] }>('GET', `after-sales${params}`);
    counts.textContent = `${res.afterSales.length} 个售后申请 · ${res.owedRefunds.length} 笔待退款支付`;
    requests.replaceChildren(...(res.afterSales.length ? res.afterSales.map((a) => requestRow(kit, a, act)) : [emptyRow(kit, 9, '暂无售后申请')]));
    owed.replaceChildren(...(res.owedRefunds.length ? res.owedRefunds.map((p) => owedRow(kit, p)) : [emptyRow(kit, 6, '暂无待退款的支付')]));
  };
  const act = async (label: string, path: string, body: unknown = {}) => {
    error.textContent = '';
    try {
      await kit.api('POST', path, body);
      kit.toast(`${label}：已完成`);
      await load();
    } catch (e) {
      error.textContent = `${label}失败：${(e as Error).message}`;
    }
  };
  status.addEventListener('change', () => void load().catch((e) => (error.textContent = (e as Error).message)));

  kit.view().replaceChildren(
    h('h2', {}, '售后与退款'),
    h('div', { class: 'toolbar' }, h('label', {}, '状态', status), h('button', { id: 'refresh-after-sales', class: 'primary', onclick: () => load().catch((e) => (error.textContent = (e as Error).message)) }, '刷新'), counts),
    error,
    // On a narrow screen the tables scroll sideways instead of squeezing their columns.
    h('div', { style: SCROLL }, h('table', { id: 'after-sales-table', style: 'min-width: 1100px' }, h('thead', {}, h('tr', {}, ...['售后单', '订单', '申请时间', '商品', '原因', '退款金额', '状态', '退款进度', '操作'].map((t) => h('th', {}, t)))), requests)),
    h('h3', {}, '待退款的支付（订单关闭后付款、重复付款）'),
    h('div', { style: SCROLL }, h('table', { id: 'owed-refunds-table', style: 'min-width: 720px' }, h('thead', {}, h('tr', {}, ...['订单', '金额', '原因', '尝试次数', '最近错误', '下次重试'].map((t) => h('th', {}, t)))), owed)),
  );
  await load();
}

function emptyRow(kit: ViewKit, span: number, text: string): HTMLElement {
  return kit.h('tr', { class: 'empty-row' }, kit.h('td', { colspan: span, class: 'muted' }, text));
}

function refundProgress(kit: ViewKit, a: MerchantAfterSale): string {
  if (a.status === 'refunded') return `已退款 ${kit.time(a.refundedAt)}`;
  if (a.status !== 'refunding') return '';
  const tries = a.refundAttempts ?? 0;
  if (a.refundError) return `第 ${tries} 次退款失败：${a.refundError}；下次重试 ${kit.time(a.nextRefundAt)}`;
  return tries > 0 ? `已提交微信支付（${tries} 次），等待确认` : '等待提交微信支付';
}

type Act = (label: string, path: string, body?: unknown) => Promise<void>;

function requestRow(kit: ViewKit, a: MerchantAfterSale, act: Act): HTMLElement {
  const { h } = kit;
  const id = a._id;
  const path = (what: string) => `after-sales/${encodeURIComponent(id)}/${what}`;
  const actions: Node[] = [];
  if (a.status === 'requested') {
    const reason = h('input', { class: 'refuse-reason', placeholder: '拒绝原因', 'aria-label': `拒绝 ${id} 的原因` }) as HTMLInputElement;
    actions.push(
      h('button', { class: 'approve-refund primary', 'aria-label': `同意退款 ${id}`, onclick: () => act('同意退款', path('approve'), { mode: 'refund' }) }, '同意退款'),
      h('button', { class: 'approve-return', 'aria-label': `同意退货退款 ${id}`, onclick: () => act('同意退货退款', path('approve'), { mode: 'return' }) }, '同意退货退款'),
      h('div', { class: 'toolbar' }, reason, h('button', { class: 'refuse danger', 'aria-label': `拒绝 ${id}`, onclick: () => act('拒绝', path('refuse'), { reason: reason.value }) }, '拒绝')),
    );
  }
  if (a.status === 'return_pending') actions.push(h('button', { class: 'receive-return primary', 'aria-label': `确认收到 ${id} 的退货`, onclick: () => act('确认收到退货', path('receive')) }, '确认收到退货'));
  if (a.status === 'approved' || a.status === 'received') actions.push(h('button', { class: 'refund-after-sale primary', 'aria-label': `退款 ${id}`, onclick: () => act('退款', path('refund')) }, '退款'));
  if (a.status === 'refunding') actions.push(h('button', { class: 'refund-after-sale', 'aria-label': `立即重试退款 ${id}`, onclick: () => act('重试退款', path('refund')) }, '立即重试退款'));
  return h(
    'tr',
    { class: `after-sale-row${a.refundError ? ' has-problems' : ''}`, dataset: { id, status: a.status, orderId: a.orderId } },
    h('td', {}, h('code', {}, id)),
    h('td', {}, h('code', {}, a.orderId), h('div', { class: 'muted' }, a.shippedWhenRequested ? '发货后申请' : '发货前申请')),
    h('td', {}, kit.time(a.createdAt)),
    h('td', {}, a.lines.map((l) => h('div', {}, `${l.title}${l.specText ? `（${l.specText}）` : ''} × ${l.qty}`))),
    h('td', {}, a.reason, a.refuseReason ? h('div', { class: 'error' }, `拒绝原因：${a.refuseReason}`) : null),
    h('td', { class: 'after-sale-fee' }, kit.money(a.refundFee), a.shippingRefund ? h('div', { class: 'muted' }, `含运费 ${kit.money(a.shippingRefund)}`) : null),
    h('td', { class: 'after-sale-status' }, `${AFTER_SALE_STATUS_LABELS[a.status]}${a.mode ? `（${a.mode === 'return' ? '退货退款' : '仅退款'}）` : ''}`),
    h('td', { class: `refund-progress${a.refundError ? ' error' : ''}` }, refundProgress(kit, a)),
    h('td', { class: 'after-sale-actions' }, ...actions),
  );
}

function owedRow(kit: ViewKit, p: OwedRefundView): HTMLElement {
  const { h } = kit;
  return h(
    'tr',
    { class: `owed-refund-row${p.refundError ? ' has-problems' : ''}`, dataset: { id: p._id, orderId: p.orderId } },
    h('td', {}, h('code', {}, p.orderId)),
    h('td', {}, kit.money(p.refundFee)),
    h('td', {}, p.reason),
    h('td', {}, String(p.refundAttempts)),
    h('td', { class: p.refundError ? 'error' : 'muted' }, p.refundError ?? '—'),
    h('td', {}, kit.time(p.nextRefundAt)),
  );
}
