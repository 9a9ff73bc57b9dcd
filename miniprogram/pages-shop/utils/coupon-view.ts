import type { ClaimableCoupon, CouponOffer } from '../../../typings/api';
import type { CouponRule, CouponValidity, CouponView } from '../../../typings/domain';
import { COUPON_STATUS_LABELS, couponScopeText, couponThresholdText, couponValueText } from '../../domain/coupon-text';
import { chinaDateTime } from '../../domain/china-time';

/** What the `coupon-card` component shows: display text only. */
export interface CouponCard {
  id: string;
  title: string;
  value: string;
  threshold: string;
  scope: string;
  validity: string;
  /** '' while usable; otherwise the stamp (已使用 / 已过期). */
  stamp: string;
}

function texts(rule: CouponRule): Pick<CouponCard, 'value' | 'threshold' | 'scope'> {
  return { value: couponValueText(rule), threshold: couponThresholdText(rule), scope: couponScopeText(rule.scope) };
}

function templateValidity(validity: CouponValidity): string {
  return validity.kind === 'days' ? `领取后${validity.days}天内有效` : `${chinaDateTime(validity.from).slice(0, 10)} 至 ${chinaDateTime(validity.until - 1).slice(0, 10)} 有效`;
}

/** A shopper's coupon as a card. */
export function cardOfCoupon(coupon: CouponView): CouponCard {
  return {
    id: coupon._id,
    title: coupon.title,
    ...texts(coupon),
    validity: `有效期至 ${chinaDateTime(coupon.validUntil - 1)}`,
    stamp: coupon.status === 'available' ? '' : COUPON_STATUS_LABELS[coupon.status],
  };
}

/** The checkout's coupon state from a quote: what applies, what is priced in. */
export function couponState(quote: { coupons?: CouponOffer[]; coupon?: CouponOffer | null; discount?: number }): { offers: CouponOffer[]; id: string; discount: number } {
  return { offers: quote.coupons || [], id: quote.coupon ? quote.coupon.coupon._id : '', discount: quote.discount || 0 };
}

/** An order refused over its coupon (orders.create: INVALID_STATE with `details.coupon`). */
export function isCouponRefusal(code: string, details: unknown): boolean {
  return code === 'INVALID_STATE' && typeof details === 'object' && details !== null && typeof (details as { coupon?: unknown }).coupon === 'string';
}

/** A template where it is claimed, as a card. */
export function cardOfTemplate(template: ClaimableCoupon): CouponCard {
  return { id: template.templateId, title: template.title, ...texts(template), validity: templateValidity(template.validity), stamp: '' };
}
