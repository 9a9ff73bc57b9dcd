/**
 * The merchant reports as tables (header + rows) in the merchant's language: the console's CSV exports
 * and the admin CLI's `report` command print the same columns. Pure: no DOM.
 */
import type { AttributionDimension, AttributionReport, ReportTotals, ScanReportRow } from '../../typings/api';
import type { Cell } from './csv';
import { formatDateTime, translate, type Lang, type MessageKey } from './i18n';

export interface ReportTable {
  header: string[];
  rows: Cell[][];
}

/** Paid orders per scan, as a percentage ('—' before the first scan). */
export function conversion(r: Pick<ReportTotals, 'scans' | 'paidOrders'>): string {
  return r.scans > 0 ? `${((100 * r.paidOrders) / r.scans).toFixed(1)}%` : '—';
}

/** A code's name: its product's title, or "campaign · channel · store". */
export function codeTitle(c: Pick<ScanReportRow, 'productId' | 'productTitle' | 'campaign' | 'channel' | 'store' | 'scene'>): string {
  if (c.productId) return c.productTitle || c.productId;
  return [c.campaign, c.channel, c.store].filter(Boolean).join(' · ') || c.scene;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function scanReportTable(codes: ScanReportRow[], lang: Lang): ReportTable {
  const t = (key: MessageKey) => translate(lang, key);
  return {
    header: [t('qr.col.scene'), t('qr.col.kind'), t('col.title'), t('qr.campaign'), t('qr.channel'), t('qr.store'), t('qr.scans'), t('qr.orders'), t('qr.paidOrders'), t('qr.revenueYuan'), t('qr.created'), t('qr.lastScan')],
    rows: codes.map((c) => [c.scene, t(c.kind === 'product' ? 'qr.kind.product' : 'qr.kind.campaign'), codeTitle(c), c.campaign, c.channel, c.store, c.scans, c.orders, c.paidOrders, yuan(c.revenue), formatDateTime(c.createdAt), formatDateTime(c.lastScanAt)]),
  };
}

export const DIMENSION_TITLES: Readonly<Record<AttributionDimension, MessageKey>> = {
  campaign: 'reports.byCampaign',
  channel: 'reports.byChannel',
  store: 'reports.byStore',
  referral: 'reports.byReferral',
  scene: 'qr.col.scene',
};

/** One row per value, then the orders without one (direct) and the total. */
export function attributionReportTable(report: AttributionReport, lang: Lang): ReportTable {
  const t = (key: MessageKey) => translate(lang, key);
  // Conversion only where the orders came through the scans beside them (not direct visits, not the total).
  const figures = (r: ReportTotals, withConversion = true): Cell[] => [r.scans, r.orders, r.paidOrders, yuan(r.revenue), withConversion ? conversion(r) : ''];
  return {
    header: [t(DIMENSION_TITLES[report.by]), t('qr.scans'), t('qr.orders'), t('qr.paidOrders'), t('qr.revenueYuan'), t('reports.conversion')],
    rows: [...report.rows.map((r) => [r.key, ...figures(r)]), [t('reports.none'), ...figures(report.none, false)], [t('reports.total'), ...figures(report.totals, false)]],
  };
}
