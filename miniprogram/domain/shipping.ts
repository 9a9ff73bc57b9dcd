/**
 * Shipping fees: the merchant's template (a default fee, fees per province, a free-shipping threshold),
 * kept in the `config` collection's `shipping` document and priced on the server (domain/pricing). Pure:
 * the checkout page only shows what the server quoted.
 *
 * Stored shape (config/shipping):
 *   { defaultFee: 800, freeFrom: 9900 | null, regions: [{ provinces: ['新疆', '西藏'], fee: 2000 }, ...] }
 * fees in integer fen; `freeFrom` null = never free; a province may appear in one region only.
 */
import type { Fen } from '../../typings/domain';

export interface ShippingRegion {
  /** province names as WeChat's address picker gives them ("广东省") or short ("广东") */
  provinces: string[];
  fee: Fen;
}

export interface ShippingTemplate {
  /** the fee where no region names the province */
  defaultFee: Fen;
  /** orders whose items total reaches this ship free; null = never */
  freeFrom: Fen | null;
  regions: ShippingRegion[];
}

/** Until the merchant sets one: ¥8, free from ¥99, everywhere. */
export const DEFAULT_SHIPPING_TEMPLATE: ShippingTemplate = { defaultFee: 8_00, freeFrom: 99_00, regions: [] };

/** Upper bound of one fee (¥1000), against a typo of a few zeros. */
export const MAX_SHIPPING_FEE: Fen = 1000_00;

/** "广东省" / "广东" / "广西壮族自治区" / "上海市" → the short name both spellings share. */
export function provinceKey(name: string): string {
  return name.trim().replace(/(省|市|特别行政区|(壮族|回族|维吾尔)?自治区)$/, '');
}

/** The fee of a region for this province, or the default fee. */
export function regionFee(template: ShippingTemplate, province: string | undefined): Fen {
  const key = province ? provinceKey(province) : '';
  const region = key ? template.regions.find((r) => r.provinces.some((p) => provinceKey(p) === key)) : undefined;
  return region ? region.fee : template.defaultFee;
}

/** What an order of `itemsTotal` pays to ship to `province`: nothing for an empty order or past the threshold. */
export function shippingFeeFor(template: ShippingTemplate, itemsTotal: Fen, province?: string): Fen {
  if (itemsTotal === 0) return 0;
  if (template.freeFrom !== null && itemsTotal >= template.freeFrom) return 0;
  return regionFee(template, province);
}

/** How much more would ship free (for the checkout hint), or null when there is no threshold or it is reached. */
export function freeShippingGap(template: ShippingTemplate, itemsTotal: Fen): Fen | null {
  if (template.freeFrom === null || itemsTotal >= template.freeFrom) return null;
  return template.freeFrom - itemsTotal;
}

export type TemplateCheck = { ok: true; template: ShippingTemplate } | { ok: false; problems: string[] };

const isFee = (v: unknown): v is Fen => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SHIPPING_FEE;

/** Checks a template document (typed by hand in the console or sent by the CLI); problems in Chinese. */
export function checkShippingTemplate(raw: unknown): TemplateCheck {
  const problems: string[] = [];
  const doc = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (!isFee(doc.defaultFee)) problems.push('defaultFee 应为 0 到 100000 之间的整数（分）');
  const freeFrom = doc.freeFrom === undefined ? null : doc.freeFrom;
  if (freeFrom !== null && !(typeof freeFrom === 'number' && Number.isInteger(freeFrom) && freeFrom > 0)) problems.push('freeFrom 应为正整数（分），或 null 表示不包邮');
  const regions: ShippingRegion[] = [];
  const seen = new Set<string>();
  const rawRegions = doc.regions === undefined ? [] : doc.regions;
  if (!Array.isArray(rawRegions)) problems.push('regions 应为数组');
  else {
    rawRegions.forEach((r: unknown, i: number) => {
      const region = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
      const provinces = Array.isArray(region.provinces) ? region.provinces.filter((p): p is string => typeof p === 'string' && provinceKey(p) !== '') : [];
      if (provinces.length === 0 || provinces.length !== (region.provinces as unknown[]).length) problems.push(`regions[${i}].provinces 应为非空的省份名称列表`);
      if (!isFee(region.fee)) problems.push(`regions[${i}].fee 应为 0 到 100000 之间的整数（分）`);
      for (const p of provinces) {
        if (seen.has(provinceKey(p))) problems.push(`省份「${p}」出现在多个地区`);
        seen.add(provinceKey(p));
      }
      regions.push({ provinces, fee: region.fee as Fen });
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, template: { defaultFee: doc.defaultFee as Fen, freeFrom: freeFrom as Fen | null, regions } };
}
