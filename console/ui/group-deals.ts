/**
 * The merchant's group deals (#/group-deals, 拼团): a product's SKU at a group price for groups of N
 * shoppers who all pay within the window (hours, 24 by default), and the list of deals. Saving a SKU
 * keeps the product's other SKUs' group prices; size and window are the product's. Every action is a `merchant` function action relayed by the
 * console API.
 */
import type { GroupDeal } from '../../typings/domain';
import type { ProductsResponse } from '../routes';
import { parseYuan } from '../../miniprogram/domain/money';
import { GROUP_RULES } from '../../miniprogram/domain/groups';
import { request } from './client';
import { h, table, toast } from './dom';
import { errorText, formatDateTime, money, t, type MessageKey } from './i18n';
import { offerPage, skuPicker } from './offer-form';
import type { ConsoleView } from './view';

async function render(): Promise<void> {
  const error = h('p', { class: 'error', id: 'group-error', role: 'alert' });
  const rows = h('tbody');
  const { products } = await request<ProductsResponse>('GET', 'products');
  const sellable = products.filter((p) => p.ok);
  const { product, sku } = skuPicker('group', sellable, { product: t('group.product'), sku: t('group.sku') }, (s) => `${s.specValues.join(' / ') || s.skuId} · ${money(s.price)}`);
  const price = h('input', { id: 'group-price', inputmode: 'decimal', placeholder: '9.90', 'aria-label': t('group.price') });
  const size = h('input', { id: 'group-size', type: 'number', min: String(GROUP_RULES.minSize), max: String(GROUP_RULES.maxSize), step: '1', value: '2', 'aria-label': t('group.size') });
  const hours = h('input', { id: 'group-hours', type: 'number', min: String(GROUP_RULES.minWindowHours), max: String(GROUP_RULES.maxWindowHours), step: '1', value: String(GROUP_RULES.defaultWindowHours), 'aria-label': t('group.hours') });

  const load = async () => {
    const { deals } = await request<{ deals: GroupDeal[] }>('GET', 'group-deals');
    const title = (id: string) => products.find((p) => p._id === id)?.title ?? id;
    rows.replaceChildren(...(deals.length ? deals.map((d) => dealRow(d, title(d.productId))) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 6, class: 'muted' }, t('group.empty')))]));
  };
  const show = (e: unknown) => void (error.textContent = errorText(e));
  const save = async () => {
    error.textContent = '';
    const fen = parseYuan(price.value.trim());
    if (fen === null) {
      error.textContent = t('group.badPrice');
      return;
    }
    try {
      // The product's other SKUs keep their group prices.
      const { deals } = await request<{ deals: GroupDeal[] }>('GET', 'group-deals');
      const kept = deals.find((d) => d.productId === product.value)?.prices ?? {};
      await request('POST', 'group-deals', { productId: product.value, size: Number(size.value), windowHours: Number(hours.value), prices: { ...kept, [sku.value]: fen }, enabled: true });
      toast(t('group.saved'));
      await load();
    } catch (e) {
      show(e);
    }
  };

  offerPage({
    title: t('group.title'),
    intro: t('group.intro'),
    formId: 'group-form',
    fields: [
      [t('group.product'), product],
      [t('group.sku'), sku],
      [t('group.price'), price],
      [t('group.size'), size],
      [t('group.hours'), hours],
    ],
    action: h('button', { id: 'group-save', class: 'primary', onclick: () => void save() }, t('group.save')),
    error,
    list: table('group-table', ['product', 'prices', 'size', 'hours', 'enabled', 'updated'].map((k) => t(`group.col.${k}` as MessageKey)), rows),
  });
  await load().catch(show);
}

function dealRow(d: GroupDeal, title: string): HTMLElement {
  return h(
    'tr',
    { 'data-deal': d.productId },
    h('td', {}, title),
    h('td', {}, Object.entries(d.prices).map(([skuId, fen]) => `${skuId} ${money(fen)}`).join('，')),
    h('td', {}, String(d.size)),
    h('td', {}, String(d.windowHours)),
    h('td', {}, d.enabled ? t('group.on') : t('group.off')),
    h('td', {}, formatDateTime(d.updatedAt)),
  );
}

export const groupDealsView: ConsoleView = { tab: 'group-deals', label: 'nav.groupDeals', render: () => render() };
