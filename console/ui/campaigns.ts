/**
 * Campaign pages: define a campaign (title, banner, intro, products, coupons, period), see its figures
 * (scans, visits, claims, orders, revenue — merchant.campaignReport), make its QR code (the QR code
 * flow: a code for the home page printed with the campaign, which opens the campaign's page) and copy
 * the page path to paste into an Official Account article.
 */
import type { CampaignFigures, CampaignInput } from '../../typings/api';
import type { Campaign } from '../../typings/domain';
import { campaignPagePath, campaignPhase } from '../../miniprogram/domain/campaigns';
import type { CampaignsResponse, ProductRow } from '../routes';
import { client, request } from './client';
import { fileUrl, h, table, toast, viewRoot } from './dom';
import { errorText, formatDateTime, fromLocalInput, money, t, toLocalInput } from './i18n';
import { timeInput } from './time-input';
import type { ConsoleView } from './view';

const DAY_MS = 86_400_000;


/** "a, b,,c" → ['a', 'b', 'c']. */
export function idList(text: string): string[] {
  return text.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);
}

async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Copies text; falls back to selecting it in its field when the clipboard is not available. */
async function copyText(text: string, field: HTMLInputElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  toast(t('campaigns.copied', { path: text }));
}

function campaignForm(products: ProductRow[], onSaved: (id: string) => void): { root: HTMLElement; edit(c: Campaign | null): void } {
  let editing: Campaign | null = null;
  const heading = h('h3', { id: 'campaign-form-title' }, t('campaigns.new'));
  const id = h('input', { id: 'campaign-id', placeholder: 'spring-2026', maxlength: 32 }) as HTMLInputElement;
  const title = h('input', { id: 'campaign-title', maxlength: 40 }) as HTMLInputElement;
  const banner = h('input', { id: 'campaign-banner', placeholder: 'cloud://… / https://…' }) as HTMLInputElement;
  const preview = h('img', { id: 'campaign-banner-preview', class: 'campaign-banner-preview', alt: '' }) as HTMLImageElement;
  const upload = h('input', { type: 'file', id: 'campaign-banner-file', accept: 'image/*' }) as HTMLInputElement;
  const intro = h('textarea', { id: 'campaign-intro', rows: 3, maxlength: 1000 }) as HTMLTextAreaElement;
  const productSelect = h('select', { id: 'campaign-products', multiple: true, size: 6 }, products.map((p) => h('option', { value: p._id }, `${p.title || p._id} (${p._id})`))) as HTMLSelectElement;
  const coupons = h('input', { id: 'campaign-coupons', placeholder: 'tpl-10, tpl-20' }) as HTMLInputElement;
  const start = timeInput('campaign-start', 'datetime');
  const end = timeInput('campaign-end', 'datetime');
  const error = h('p', { class: 'error', id: 'campaign-error', role: 'alert' });
  const showBanner = () => {
    preview.hidden = !banner.value.trim();
    if (banner.value.trim()) preview.src = fileUrl(banner.value.trim());
  };
  banner.addEventListener('input', showBanner);
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      banner.value = (await client.upload({ name: file.name, base64: await fileBase64(file) })).fileID;
      showBanner();
    } catch (e) {
      error.textContent = errorText(e);
    }
    upload.value = '';
  });

  const edit = (c: Campaign | null) => {
    editing = c;
    const now = Date.now();
    heading.textContent = c ? t('campaigns.edit', { id: c._id }) : t('campaigns.new');
    id.value = c ? c._id : '';
    id.disabled = !!c;
    title.value = c?.title ?? '';
    banner.value = c?.banner ?? '';
    intro.value = c?.intro ?? '';
    // The merchant's order first, then the rest; a listed product that no longer exists stays listed.
    const chosen = new Set(c?.productIds ?? []);
    for (const option of [...productSelect.options]) option.selected = chosen.has(option.value);
    for (const missing of c?.productIds.filter((p) => !products.some((row) => row._id === p)) ?? []) {
      productSelect.append(h('option', { value: missing, selected: true }, `${missing} ${t('campaigns.productMissing')}`));
    }
    coupons.value = (c?.couponTemplateIds ?? []).join(', ');
    start.input.value = toLocalInput(c?.startAt ?? now);
    end.input.value = toLocalInput(c?.endAt ?? now + 7 * DAY_MS);
    error.textContent = '';
    showBanner();
  };

  /** Creates (POST) or, when editing, replaces (PUT) the campaign; the merchant function judges every field. */
  const save = async () => {
    error.textContent = '';
    const picked = [...productSelect.selectedOptions].map((o) => o.value);
    // An edited campaign keeps its products' order; newly picked ones go at the end.
    const previous = editing ? editing.productIds.filter((p) => picked.includes(p)) : [];
    const campaign: CampaignInput = {
      _id: editing ? editing._id : id.value.trim(),
      title: title.value,
      banner: banner.value.trim(),
      intro: intro.value,
      productIds: [...previous, ...picked.filter((p) => !previous.includes(p))],
      couponTemplateIds: idList(coupons.value),
      startAt: fromLocalInput(start.input.value),
      endAt: fromLocalInput(end.input.value),
    };
    try {
      if (editing) await request('PUT', `campaigns/${encodeURIComponent(campaign._id)}`, { campaign });
      else await request('POST', 'campaigns', { campaign });
      toast(t('campaigns.saved', { id: campaign._id }));
      onSaved(campaign._id);
    } catch (e) {
      error.textContent = errorText(e);
    }
  };

  const field = (label: string, input: HTMLElement, cls = '') => h('label', { class: cls }, label, input);
  const root = h(
    'section',
    { class: 'panel campaign-form', id: 'campaign-form' },
    heading,
    h(
      'div',
      { class: 'grid2' },
      field(t('campaigns.id'), id),
      field(t('campaigns.name'), title),
      h('label', { class: 'span2' }, t('campaigns.banner'), h('div', { class: 'banner-row' }, banner, h('span', { class: 'button file-button' }, t('campaigns.uploadBanner'), upload)), preview),
      field(t('campaigns.intro'), intro, 'span2'),
      field(t('campaigns.products'), productSelect),
      field(t('campaigns.coupons'), coupons),
      field(t('campaigns.start'), start.control),
      field(t('campaigns.end'), end.control),
    ),
    h('p', { class: 'muted small' }, t('campaigns.idHint')),
    error,
    h('div', { class: 'toolbar' }, h('button', { id: 'campaign-save', class: 'primary', onclick: save }, t('campaigns.save')), h('button', { id: 'campaign-new', onclick: () => edit(null) }, t('campaigns.new'))),
  );
  edit(null);
  return { root, edit };
}

function figuresRow(c: Campaign, f: CampaignFigures | undefined, actions: { edit(): void; qr(channel: string): void }): HTMLTableRowElement {
  const phase = campaignPhase(c, Date.now());
  const path = campaignPagePath(c._id);
  const pathField = h('input', { class: 'campaign-path', readonly: true, value: path, 'aria-label': t('campaigns.path') }) as HTMLInputElement;
  const channel = h('input', { class: 'campaign-qr-channel', value: 'poster', 'aria-label': t('campaigns.qrChannel'), title: t('campaigns.qrChannel') }) as HTMLInputElement;
  const n = (v: number | undefined) => String(v ?? 0);
  return h(
    'tr',
    { class: 'campaign-row', dataset: { id: c._id, phase } },
    h('td', {}, h('strong', { class: 'campaign-name' }, c.title), h('div', { class: 'muted small' }, c._id)),
    h('td', { class: 'nowrap small' }, formatDateTime(c.startAt), h('br'), formatDateTime(c.endAt)),
    h('td', { class: `campaign-phase phase-${phase}` }, t(`campaigns.phase.${phase}`)),
    h('td', { class: 'num campaign-scans' }, n(f?.scans)),
    h('td', { class: 'num campaign-visits' }, `${n(f?.visits)} (${n(f?.articleVisits)})`),
    h('td', { class: 'num campaign-visitors' }, n(f?.visitors)),
    h('td', { class: 'num campaign-claims' }, n(f?.claims)),
    h('td', { class: 'num campaign-orders' }, `${n(f?.orders)} (${n(f?.paidOrders)})`),
    h('td', { class: 'num campaign-revenue' }, money(f?.revenue ?? 0)),
    h(
      'td',
      { class: 'campaign-actions' },
      h('div', { class: 'row-actions' }, h('button', { class: 'campaign-edit', onclick: actions.edit }, t('common.edit')), channel, h('button', { class: 'campaign-make-qr', onclick: () => actions.qr(channel.value) }, t('campaigns.qr'))),
      h('div', { class: 'row-actions campaign-path-row' }, pathField, h('button', { class: 'campaign-copy-path', onclick: () => copyText(path, pathField) }, t('campaigns.copyPath'))),
    ),
  );
}

async function renderCampaigns(): Promise<void> {
  const [{ products }, first] = await Promise.all([client.products(), request<CampaignsResponse>('GET', 'campaigns')]);
  let data = first;
  const list = h('tbody', {});
  const count = h('span', { id: 'campaigns-count', class: 'muted' });
  const qrResult = h('div', { id: 'campaign-qr', class: 'campaign-qr' });
  const reload = async () => {
    data = await request<CampaignsResponse>('GET', 'campaigns');
    render();
  };
  const form = campaignForm(products, () => {
    reload().catch((e) => toast(errorText(e)));
  });
  const makeQr = async (c: Campaign, channel: string) => {
    try {
      const res = await client.createQr({ campaign: c._id, channel: channel.trim() || 'poster' });
      qrResult.replaceChildren(
        h(
          'figure',
          { class: 'qr-item panel', dataset: { scene: res.scene } },
          h('img', { class: 'qr-preview', src: client.qrPngUrl(res.fileID), alt: res.title }),
          h('figcaption', {}, h('strong', {}, c.title), h('div', { class: 'muted' }, h('code', {}, res.scene)), h('a', { class: 'qr-download', href: client.qrPngUrl(res.fileID, res.fileName), download: res.fileName }, t('qr.download'))),
        ),
      );
      toast(t('campaigns.qrReady', { scene: res.scene }));
      await reload();
    } catch (e) {
      toast(errorText(e));
    }
  };
  const render = () => {
    const figures = new Map(data.report.campaigns.map((f) => [f.campaignId, f]));
    count.textContent = t('campaigns.count', { n: data.campaigns.length });
    list.replaceChildren(
      ...(data.campaigns.length
        ? data.campaigns.map((c) => figuresRow(c, figures.get(c._id), { edit: () => {
            form.edit(c);
            form.root.scrollIntoView({ block: 'start' });
          }, qr: (channel) => makeQr(c, channel) }))
        : [h('tr', {}, h('td', { colspan: 10, class: 'muted empty', id: 'campaigns-empty' }, t('campaigns.empty')))]),
    );
  };
  render();
  viewRoot().replaceChildren(
    h('h2', {}, t('campaigns.title')),
    form.root,
    h('div', { class: 'toolbar campaigns-toolbar' }, count, h('button', { id: 'campaigns-refresh', onclick: () => reload().catch((e) => toast(errorText(e))) }, t('common.refresh'))),
    table('campaigns-table', [t('campaigns.name'), t('campaigns.period'), t('campaigns.phase'), t('campaigns.scans'), t('campaigns.visits'), t('campaigns.visitors'), t('campaigns.claims'), t('campaigns.orders'), t('campaigns.revenue'), t('campaigns.actions')], list),
    qrResult,
    h('p', { class: 'muted small' }, t('campaigns.pathNote')),
  );
}

export const campaignsView: ConsoleView = { tab: 'campaigns', label: 'nav.campaigns', render: renderCampaigns };
