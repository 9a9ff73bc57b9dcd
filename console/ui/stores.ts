/**
 * Stores and store pickup (#/stores): verify a pickup code at the counter (typed, or scanned by a
 * scanner that types the QR's text and Enter), the orders waiting for pickup, the merchant's stores
 * (add, edit, pickup on/off) and each store's QR code. Every action is a `merchant` function action
 * relayed by the console API.
 */
import type { ActionResponse } from '../../typings/api';
import type { OrderView, Store } from '../../typings/domain';
import type { QrCreateResponse } from '../routes';
import { ApiError, client, request } from './client';
import { h, table, toast, viewRoot } from './dom';
import { errorText, formatDateTime, t, type MessageKey } from './i18n';
import type { ConsoleView } from './view';

type StoreRow = Store & { awaitingPickup: number };

const itemsText = (o: OrderView) => o.lines.map((l) => `${l.title}×${l.qty}`).join('；');

function verifyPanel(onVerified: () => Promise<void>): HTMLElement {
  const input = h('input', { id: 'pickup-code-input', placeholder: t('stores.codePlaceholder'), autocomplete: 'off', inputmode: 'numeric', 'aria-label': t('stores.codePlaceholder') });
  const result = h('div', { id: 'pickup-result', role: 'status' });
  const verify = async () => {
    result.className = '';
    result.replaceChildren();
    const code = input.value.trim();
    if (!code) return;
    try {
      const res = await request<ActionResponse<'merchant', 'verifyPickup'>>('POST', 'pickup-verifications', { code });
      const o = res.order;
      const contact = o.pickup ? `${o.pickup.contact.name} ${o.pickup.contact.phone}` : '';
      const message = res.alreadyPickedUp
        ? t('stores.already', { order: o._id, at: formatDateTime(o.pickedUpAt ?? 0) })
        : t('stores.verified', { order: o._id, store: o.pickup?.storeName ?? '', contact });
      result.className = res.alreadyPickedUp ? 'pickup-warn' : 'pickup-ok';
      result.append(h('strong', {}, message), h('div', { class: 'muted' }, itemsText(o)));
      if (res.shippingUpload) result.append(h('div', { class: 'muted', id: 'pickup-upload' }, t('stores.upload', { state: t(`orders.upload.${res.shippingUpload.state}` as MessageKey) })));
      input.value = '';
      await onVerified();
    } catch (e) {
      result.className = 'error';
      // The function's own words are what the clerk needs (wrong, used, unpaid, too many tries).
      result.textContent = e instanceof ApiError ? e.message : errorText(e);
    }
    input.focus();
  };
  input.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') void verify();
  });
  return h(
    'div',
    { class: 'panel', id: 'pickup-verify' },
    h('h3', {}, t('stores.verifyTitle')),
    h('div', { class: 'toolbar' }, input, h('button', { id: 'pickup-verify-button', class: 'primary', onclick: () => void verify() }, t('stores.verify'))),
    result,
  );
}

function waitingRow(o: OrderView): HTMLElement {
  return h(
    'tr',
    { 'data-order': o._id },
    h('td', {}, h('code', {}, o._id)),
    h('td', {}, o.pickup?.storeName ?? ''),
    h('td', {}, o.pickup ? `${o.pickup.contact.name} ${o.pickup.contact.phone}` : ''),
    h('td', {}, itemsText(o)),
    h('td', {}, formatDateTime(o.paidAt ?? 0)),
  );
}

async function render(): Promise<void> {
  const error = h('p', { class: 'error', id: 'stores-error', role: 'alert' });
  const waiting = h('tbody');
  const stores = h('tbody');
  const qr = h('div', { id: 'store-qr' });
  const field = (id: string, key: MessageKey, attrs: Record<string, unknown> = {}) => {
    const input = h('input', { id, 'aria-label': t(key), ...attrs });
    return { input, label: h('label', {}, t(key), input) };
  };
  const id = field('store-id', 'stores.id', { placeholder: 'sh-jingan' });
  const name = field('store-name', 'stores.name');
  const address = field('store-address', 'stores.address');
  const hours = field('store-hours', 'stores.hours', { placeholder: '每天 9:00-21:00' });
  const pickup = h('input', { id: 'store-pickup', type: 'checkbox', checked: true });
  let editing: string | null = null;

  const edit = (s: StoreRow) => {
    editing = s._id;
    id.input.value = s._id;
    id.input.setAttribute('readonly', '');
    name.input.value = s.name;
    address.input.value = s.address;
    hours.input.value = s.hours;
    pickup.checked = s.pickup;
    name.input.focus();
  };
  const showQr = async (s: StoreRow) => {
    error.textContent = '';
    try {
      const code = await request<QrCreateResponse>('POST', `stores/${encodeURIComponent(s._id)}/qrcode`, {});
      qr.replaceChildren(
        h('figure', { class: 'qr-item panel' }, h('img', { class: 'qr-preview', src: client.qrPngUrl(code.fileID), alt: `${t('stores.qr')} ${s.name}` }), h('figcaption', {}, h('strong', {}, `${s.name} · ${t('stores.qr')}`), h('div', {}, h('code', { class: 'qr-scene' }, code.scene)), h('a', { class: 'qr-download', href: client.qrPngUrl(code.fileID, code.fileName), download: code.fileName }, t('qr.download')))),
      );
      toast(t('stores.qrReady', { scene: code.scene }));
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  const storeRow = (s: StoreRow) =>
    h(
      'tr',
      { 'data-store': s._id },
      h('td', {}, h('code', {}, s._id)),
      h('td', {}, s.name),
      h('td', {}, s.address),
      h('td', {}, s.hours),
      h('td', { class: s.pickup ? 'store-pickup-on' : 'muted' }, t(s.pickup ? 'stores.pickupOn' : 'stores.pickupOff')),
      h('td', {}, String(s.awaitingPickup)),
      h('td', {}, h('button', { class: 'store-edit', onclick: () => edit(s) }, t('common.edit')), ' ', h('button', { class: 'store-qr', onclick: () => void showQr(s) }, t('stores.qr'))),
    );
  const load = async () => {
    const [list, pickups] = await Promise.all([request<ActionResponse<'merchant', 'listStores'>>('GET', 'stores'), request<ActionResponse<'merchant', 'pickupOrders'>>('GET', 'pickups')]);
    stores.replaceChildren(...(list.stores.length ? list.stores.map(storeRow) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 7, class: 'muted', id: 'stores-empty' }, t('stores.empty')))]));
    waiting.replaceChildren(...(pickups.orders.length ? pickups.orders.map(waitingRow) : [h('tr', { class: 'empty-row' }, h('td', { colspan: 5, class: 'muted' }, t('stores.noneWaiting')))]));
  };
  const save = async () => {
    error.textContent = '';
    const store = { _id: id.input.value.trim(), name: name.input.value, address: address.input.value, hours: hours.input.value, pickup: pickup.checked };
    try {
      if (editing) await request('PUT', `stores/${encodeURIComponent(editing)}`, { store });
      else await request('POST', 'stores', { store });
      toast(t('common.saved'));
      editing = null;
      id.input.removeAttribute('readonly');
      for (const f of [id, name, address, hours]) f.input.value = '';
      await load();
    } catch (e) {
      error.textContent = errorText(e);
    }
  };

  viewRoot().replaceChildren(
    h('h2', {}, t('stores.title')),
    h('p', { class: 'muted' }, t('stores.intro')),
    verifyPanel(load),
    h('h3', {}, t('stores.waiting')),
    table('pickup-table', ['order', 'store', 'contact', 'items', 'paidAt'].map((k) => t(`stores.col.${k}` as MessageKey)), waiting),
    h('h3', {}, t('stores.list')),
    h('div', { class: 'panel' }, h('h3', {}, t('stores.form')), h('div', { class: 'toolbar', id: 'store-form' }, id.label, name.label, address.label, hours.label, h('label', {}, pickup, t('stores.pickup')), h('button', { id: 'store-save', class: 'primary', onclick: () => void save() }, t('common.save')))),
    error,
    table('stores-table', [t('stores.id'), t('stores.name'), t('stores.address'), t('stores.hours'), t('stores.pickup'), t('stores.awaiting'), t('stores.col.actions')], stores),
    qr,
  );
  await load().catch((e: unknown) => void (error.textContent = errorText(e)));
}

export const storesView: ConsoleView = { tab: 'stores', label: 'nav.stores', render: () => render() };
