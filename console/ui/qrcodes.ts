/** QR codes: the codes stored on the server with their scans, orders and revenue; create, download, print. */
import type { QrCodeRow, QrCreateRequest } from '../routes';
import { client } from './client';
import { toCsv } from './csv';
import { scanReportTable } from './report-tables';
import { download, h, toast, viewRoot } from './dom';
import { errorText, formatDateTime, lang, money, t } from './i18n';
import { showOrdersFor } from './orders';
import type { ConsoleView } from './view';

export function qrCsv(codes: QrCodeRow[]): string {
  const { header, rows } = scanReportTable(codes, lang());
  return toCsv(header, rows);
}

function stat(cls: string, label: string, value: string | number): HTMLElement {
  return h('div', { class: `stat ${cls}` }, h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, label));
}

function qrCard(code: QrCodeRow): HTMLElement {
  const png = client.qrPngUrl(code.fileID);
  return h(
    'figure',
    { class: 'qr-item panel', dataset: { scene: code.scene, kind: code.kind } },
    h('img', { class: 'qr-preview', src: png, alt: t('qr.alt', { title: code.title }) }),
    h(
      'figcaption',
      {},
      h('strong', { class: 'qr-title' }, code.title),
      h('div', { class: 'muted' }, t(code.kind === 'product' ? 'qr.kind.product' : 'qr.kind.campaign'), ' · ', h('code', { class: 'qr-scene' }, code.scene)),
      h('div', { class: 'stats' }, stat('qr-scans', t('qr.scans'), code.scans), stat('qr-orders', t('qr.paidOfAll'), `${code.paidOrders}/${code.orders}`), stat('qr-revenue', t('qr.revenue'), money(code.revenue))),
      h('div', { class: 'muted small' }, t('qr.createdAt', { at: formatDateTime(code.createdAt) || '—' }), h('br'), t('qr.lastScanAt', { at: formatDateTime(code.lastScanAt) || '—' })),
      h(
        'div',
        { class: 'qr-links' },
        h('a', { class: 'qr-download', href: client.qrPngUrl(code.fileID, code.fileName), download: code.fileName }, t('qr.download')),
        h('a', { class: 'qr-orders-link', href: '#/orders', onclick: (ev: Event) => {
          ev.preventDefault();
          showOrdersFor({ scene: code.scene });
        } }, t('qr.viewOrders')),
      ),
    ),
  );
}

async function qrView(): Promise<void> {
  const [{ products }, list] = await Promise.all([client.products(), client.qrCodes()]);
  let codes = list.codes;
  const product = h('select', { id: 'qr-product' }, products.map((p) => h('option', { value: p._id }, `${p.title || p._id} (${p._id})`))) as HTMLSelectElement;
  const campaign = h('input', { id: 'qr-campaign', placeholder: 'spring' }) as HTMLInputElement;
  const channel = h('input', { id: 'qr-channel', placeholder: 'poster' }) as HTMLInputElement;
  const store = h('input', { id: 'qr-store', placeholder: t('common.optional') }) as HTMLInputElement;
  const error = h('p', { class: 'error', id: 'qr-error', role: 'alert' });
  const grid = h('div', { id: 'qr-list' });
  const count = h('span', { id: 'qr-count', class: 'muted' });
  const sheet = h('a', { id: 'qr-sheet', class: 'button', target: '_blank', href: '#' }, t('qr.sheet'));
  const render = () => {
    count.textContent = t('qr.count', { n: codes.length });
    sheet.setAttribute('href', client.qrSheetUrl(codes.map((c) => ({ fileID: c.fileID, title: c.title, scene: c.scene })), lang()));
    grid.replaceChildren(...(codes.length ? codes.map(qrCard) : [h('p', { class: 'muted empty', id: 'qr-empty' }, t('qr.empty'))]));
  };
  const create = async (body: QrCreateRequest) => {
    error.textContent = '';
    try {
      const res = await client.createQr(body);
      codes = (await client.qrCodes()).codes;
      render();
      toast(t('qr.ready', { scene: res.scene }));
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  render();
  viewRoot().replaceChildren(
    h('h2', {}, t('qr.title')),
    h(
      'div',
      { class: 'forms' },
      h('div', { class: 'panel' }, h('h3', {}, t('qr.forProduct')), h('div', { class: 'toolbar' }, h('label', {}, t('qr.product'), product), h('button', { id: 'qr-create-product', class: 'primary', onclick: () => create({ productId: product.value }) }, t('qr.create')))),
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, t('qr.forCampaign')),
        h('div', { class: 'toolbar' }, h('label', {}, t('qr.campaign'), campaign), h('label', {}, t('qr.channel'), channel), h('label', {}, t('qr.store'), store), h('button', { id: 'qr-create-campaign', class: 'primary', onclick: () => create({ campaign: campaign.value, channel: channel.value, store: store.value }) }, t('qr.create'))),
      ),
    ),
    error,
    h('div', { class: 'toolbar' }, count, sheet, h('button', { id: 'export-qr', onclick: () => download(`qrcodes-${formatDateTime(Date.now()).slice(0, 10)}.csv`, qrCsv(codes), 'text/csv;charset=utf-8') }, t('common.exportCsv')), h('span', { class: 'muted' }, t('qr.attributionNote'))),
    grid,
  );
}

export const qrcodesView: ConsoleView = { tab: 'qrcodes', label: 'nav.qrcodes', render: qrView };
