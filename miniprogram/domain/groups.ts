/**
 * Group buying (拼团), the pure rules: what a merchant's deal may say, the price a group SKU is sold at,
 * where a group stands at a given time and what shoppers are told about it. Used by the functions
 * (server/groups.ts), the console and the group page.
 */
import type { Fen, GroupDeal, GroupPhase, GroupStatus, Product } from '../../typings/domain';
import { formatFen } from './money';

export const GROUP_RULES = {
  minSize: 2,
  maxSize: 20,
  defaultWindowHours: 24,
  minWindowHours: 1,
  maxWindowHours: 72,
} as const;

export { GROUP_PAGE, groupPagePath } from './group-page';
export { cleanNickname, NICKNAME_MAX } from './nickname';

/** What the merchant sends for a deal; `windowHours` defaults to 24. */
export interface GroupDealInput {
  productId: string;
  size: number;
  windowHours?: number;
  prices: Record<string, Fen>;
  enabled: boolean;
}

/** Why a deal cannot be saved for this product (Chinese, for the merchant), empty when it can. */
export function dealProblems(input: GroupDealInput, product: Product): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(input.size) || input.size < GROUP_RULES.minSize || input.size > GROUP_RULES.maxSize) {
    problems.push(`成团人数须为 ${GROUP_RULES.minSize}-${GROUP_RULES.maxSize} 人`);
  }
  const hours = input.windowHours != null ? input.windowHours : GROUP_RULES.defaultWindowHours;
  if (!Number.isInteger(hours) || hours < GROUP_RULES.minWindowHours || hours > GROUP_RULES.maxWindowHours) {
    problems.push(`成团时限须为 ${GROUP_RULES.minWindowHours}-${GROUP_RULES.maxWindowHours} 小时`);
  }
  const entries = Object.entries(input.prices);
  if (entries.length === 0) problems.push('请至少为一个规格设置拼团价');
  for (const [skuId, price] of entries) {
    const sku = product.skus.find((s) => s.skuId === skuId);
    if (!sku) problems.push(`规格 ${skuId} 不存在`);
    else if (!Number.isInteger(price) || price < 1 || price >= sku.price) problems.push(`规格 ${skuId} 的拼团价须大于 0 且低于原价 ${formatFen(sku.price)}`);
  }
  return problems;
}

/** The product as a group checkout sees it: the deal's SKUs at their group price (own price struck through). */
export function withGroupPrices(product: Product, deal: Pick<GroupDeal, 'prices'>): Product {
  const skus = product.skus.map((sku) => {
    const price = deal.prices[sku.skuId];
    return price !== undefined ? { ...sku, price, originalPrice: sku.originalPrice != null ? sku.originalPrice : sku.price } : sku;
  });
  return { ...product, skus };
}

/** The lowest group price of a deal (what a card shows as "拼团价 ¥x 起"). */
export function lowestGroupPrice(deal: Pick<GroupDeal, 'prices'>): Fen | null {
  const prices = Object.values(deal.prices);
  return prices.length > 0 ? Math.min(...prices) : null;
}

/** What decides a group's phase. */
export interface GroupFigures {
  status: GroupStatus;
  size: number;
  /** Places reserved (unpaid and paid members). */
  taken: number;
  paid: number;
  expireAt: number;
}

/** Where a group stands at `now` (the cloud's clock). */
export function groupPhase(group: GroupFigures, now: number): GroupPhase {
  if (group.status === 'formed') return 'formed';
  if (group.status === 'failed') return 'failed';
  if (now >= group.expireAt) return 'expired';
  return group.taken >= group.size ? 'full' : 'forming';
}

/** Whether a new member may reserve a place now. */
export function canJoin(group: GroupFigures, now: number): boolean {
  return groupPhase(group, now) === 'forming';
}

/** What shoppers are told about a group in each phase. */
export function groupMessage(group: GroupFigures, now: number): string {
  switch (groupPhase(group, now)) {
    case 'forming':
      return `还差 ${group.size - group.taken} 人成团`;
    case 'full':
      return '名额已满，等待团员付款';
    case 'formed':
      return '拼团成功，商家将尽快发货';
    case 'failed':
      return '拼团未成功，已付款项将原路退回';
    case 'expired':
      return '拼团已结束，正在确认结果';
  }
}

/** Why joining is refused, for the error a join gets (by phase). */
export const JOIN_REFUSALS: Readonly<Record<Exclude<GroupPhase, 'forming'>, string>> = {
  full: '该团名额已满，您可以发起新的拼团',
  formed: '该团已成团，您可以发起新的拼团',
  failed: '该团未成功，您可以发起新的拼团',
  expired: '该团已结束，您可以发起新的拼团',
};
