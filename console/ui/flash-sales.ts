/**
 * The merchant's flash sales (#/flash-sales): schedule a sale on a SKU (sale price, allotment carved out
 * of its sellable stock, start and end in UTC+8, per-shopper limit), and the list of sales with what is
 * left of each allotment; a sale not over can be ended now (its allotment goes back to stock). Every
 * action is a `merchant` function action relayed by the console API.
 */
import type { FlashSaleInput, MerchantFlashSale } from '../../typings/api';
import type { ProductsResponse } from '../routes';
import { parseYuan } from '../../miniprogram/domain/money';
import { request } from './client';
import { h, table, toast } from './dom';
import { errorText, formatDateTime, fromLocalInput, money, t, toLocalInput, type MessageKey } from './i18n';
import { offerPage, skuPicker } from './offer-form';
import { timeInput } from './time-input';
import type { ConsoleView } from './view';


const phaseText = (s: MerchantFlashSale) => t(`flash.phase.${s.phase}` as MessageKey);

async function render(): Promise<void> {
  const error = h('p', { class: 'error', id: 'flash-error', role: 'alert' });
  const rows = h('tbody');
  const { products } = await request<ProductsResponse>('GET', 'products');
  const sellable = products.filter((p) => p.ok);
  const { product, sku } = skuPicker('flash', sellable, { product: t('flash.product'), sku: t('flash.sku') }, (s) =>
    t('flash.skuOption', { spec: s.specValues.join(' / ') || s.skuId, price: money(s.price), stock: s.stock }),
  );
  const inHour = Math.ceil(Date.now() / 3600_000) * 3600_000;
  const price = h('input', { id: 'flash-price', inputmode: 'decimal', placeholder: '9.90', 'aria-label': t('flash.price') });
  const allotment = h('input', { id: 'flash-allotment', type: 'number', min: '1', step: '1', value: '10', 'aria-label': t('flash.allotment') });
  const limit = h('input', { id: 'flash-limit', type: 'number', min: '1', max: '99', step: '1', value: '1', 'aria-label': t('flash.limit') });
  const start = timeInput('flash-start', 'datetime', { value: toLocalInput(inHour), 'aria-label': t('flash.start') });
  const end = timeInput('flash-end', 'datetime', { value: toLocalInput(inHour + 3600_000), 'aria-label': t('flash.end') });

  const load = async () => {
    const { sales } = await request<{ sales: MerchantFlashSale[] }>('GET', 'flash-sales');
    const title = (id: string) => products.find((p) => p._id === id)?.title ?? id;
    rows.replaceChildren(...(sales.length ? sales.map((s) => saleRow(s, title(s.productId), endSale)) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 9, class: 'muted' }, t('flash.empty')))]));
  };
  const show = (e: unknown) => void (error.textContent = errorText(e));
  const endSale = async (s: MerchantFlashSale) => {
    error.textContent = '';
    try {
      await request('POST', `flash-sales/${encodeURIComponent(s.productId)}/end`, { skuId: s.skuId });
      toast(t('flash.ended'));
      await load();
    } catch (e) {
      show(e);
    }
  };
  const schedule = async () => {
    error.textContent = '';
    const fen = parseYuan(price.value.trim());
    if (fen === null) {
      error.textContent = t('flash.badPrice');
      return;
    }
    const input: FlashSaleInput = { productId: product.value, skuId: sku.value, price: fen, allotment: Number(allotment.value), limit: Number(limit.value), startAt: fromLocalInput(start.input.value), endAt: fromLocalInput(end.input.value) };
    if (!Number.isFinite(input.startAt) || !Number.isFinite(input.endAt)) {
      error.textContent = t('flash.badTime');
      return;
    }
    try {
      await request('POST', 'flash-sales', input);
      toast(t('flash.scheduled'));
      await load();
    } catch (e) {
      show(e);
    }
  };

  offerPage({
    title: t('flash.title'),
    intro: t('flash.intro'),
    formId: 'flash-form',
    fields: [
      [t('flash.product'), product],
      [t('flash.sku'), sku],
      [t('flash.price'), price],
      [t('flash.allotment'), allotment],
      [t('flash.limit'), limit],
      [t('flash.start'), start.control],
      [t('flash.end'), end.control],
    ],
    action: h('button', { id: 'flash-schedule', class: 'primary', onclick: () => void schedule() }, t('flash.schedule')),
    error,
    list: table('flash-table', ['product', 'sku', 'price', 'allotment', 'remaining', 'window', 'limit', 'phase', 'actions'].map((k) => t(`flash.col.${k}` as MessageKey)), rows),
  });
  await load().catch(show);
}

function saleRow(s: MerchantFlashSale, title: string, end: (s: MerchantFlashSale) => Promise<void>): HTMLElement {
  const action = s.phase === 'ended' ? '' : h('button', { class: 'danger', 'aria-label': `${t('flash.end.now')} ${s.skuId}`, onclick: () => void end(s) }, s.phase === 'scheduled' ? t('flash.cancel') : t('flash.end.now'));
  return h(
    'tr',
    { 'data-sale': s.saleId },
    h('td', {}, title),
    h('td', {}, s.skuId),
    h('td', {}, money(s.price)),
    h('td', {}, String(s.allotment)),
    h('td', {}, String(s.remaining)),
    h('td', {}, `${formatDateTime(s.startAt)} – ${formatDateTime(s.endAt)}`),
    h('td', {}, String(s.limit)),
    h('td', { class: `flash-phase-${s.phase}` }, phaseText(s)),
    h('td', {}, action),
  );
}

export const flashSalesView: ConsoleView = { tab: 'flash-sales', label: 'nav.flashSales', render: () => render() };
