/**
 * A coupon's texts as shoppers read them (value, threshold, scope, status). Apart from the coupon rules
 * (coupons.ts) so pages that only show coupons do not load the rules.
 */
import type { CouponRule, CouponScope, CouponStatus, Fen } from '../../typings/domain';
import { fenToYuanString } from './money';

/** "减10元" / "8.5折". */
export function couponValueText(rule: Pick<CouponRule, 'kind' | 'amountOff' | 'percentOff'>): string {
  if (rule.kind === 'amount') return `减${trimYuan(rule.amountOff || 0)}元`;
  const tenths = 100 - (rule.percentOff || 0);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}折`;
}

/** "满100元可用" / "无门槛". */
export function couponThresholdText(rule: Pick<CouponRule, 'threshold'>): string {
  return rule.threshold > 0 ? `满${trimYuan(rule.threshold)}元可用` : '无门槛';
}

export function couponScopeText(scope: CouponScope): string {
  return scope.kind === 'all' ? '全场通用' : scope.kind === 'categories' ? '指定分类可用' : '指定商品可用';
}

function trimYuan(fen: Fen): string {
  return fenToYuanString(fen).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

export const COUPON_STATUS_LABELS: Readonly<Record<CouponStatus, string>> = { available: '可使用', used: '已使用', expired: '已过期' };
