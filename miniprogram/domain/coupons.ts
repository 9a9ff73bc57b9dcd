/**
 * Coupon rules (pure): what a merchant's template may say, when a shopper may claim one, what a coupon
 * takes off an order and how that discount is spread over the lines. The product page and checkout
 * preview with it, the orders function decides with it, the console validates with it.
 */
import type { CouponRule, CouponScope, CouponStatus, CouponTemplate, CouponValidity, CouponView, Fen, FieldProblem, OrderLine } from '../../typings/domain';
import { spreadByLargestRemainder } from './after-sales';
import { isFen, MAX_FEN } from './money';

export { COUPON_STATUS_LABELS, couponScopeText, couponThresholdText, couponValueText } from './coupon-text';

const DAY_MS = 86_400_000;
export const MAX_COUPON_DAYS = 366;
export const MAX_COUPON_TITLE = 30;
export const MAX_COUPON_LIMIT = 1_000_000;
export const MAX_SCOPE_IDS = 100;

/* ------------------------------------------------------------ templates */

/** The fields a merchant sets; the server keeps `claimed` and the stamps. */
export type TemplateInput = Omit<CouponTemplate, 'claimed' | 'createdAt' | 'updatedAt' | 'status'> & { status?: CouponTemplate['status'] };

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

function scopeOf(value: unknown, problems: FieldProblem[]): CouponScope | null {
  const v = value as { kind?: unknown; ids?: unknown } | null;
  if (!v || typeof v !== 'object') return (problems.push({ field: 'scope', problem: '请选择适用范围' }), null);
  if (v.kind === 'all') return { kind: 'all' };
  if (v.kind !== 'categories' && v.kind !== 'products') return (problems.push({ field: 'scope.kind', problem: '适用范围只能是全部商品、指定分类或指定商品' }), null);
  const ids = Array.isArray(v.ids) ? [...new Set(v.ids.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()))] : [];
  if (ids.length === 0 || ids.length > MAX_SCOPE_IDS) return (problems.push({ field: 'scope.ids', problem: `请填写 1-${MAX_SCOPE_IDS} 个${v.kind === 'categories' ? '分类' : '商品'}编号` }), null);
  return { kind: v.kind, ids };
}

function validityOf(value: unknown, problems: FieldProblem[]): CouponValidity | null {
  const v = value as { kind?: unknown; from?: unknown; until?: unknown; days?: unknown } | null;
  if (v && v.kind === 'days') {
    if (isInt(v.days, 1, MAX_COUPON_DAYS)) return { kind: 'days', days: v.days };
    return (problems.push({ field: 'validity.days', problem: `领取后有效天数须为 1-${MAX_COUPON_DAYS} 的整数` }), null);
  }
  if (v && v.kind === 'fixed') {
    if (isInt(v.from, 0, Number.MAX_SAFE_INTEGER) && isInt(v.until, 0, Number.MAX_SAFE_INTEGER) && v.until > v.from) return { kind: 'fixed', from: v.from, until: v.until };
    return (problems.push({ field: 'validity', problem: '有效期的结束时间须晚于开始时间' }), null);
  }
  return (problems.push({ field: 'validity.kind', problem: '请选择有效期：固定日期或领取后若干天' }), null);
}

/**
 * Checks a template as the merchant wrote it: the cleaned template, or every problem (Chinese, by field).
 * An amount-off coupon takes at most the threshold when there is one (满100减120 makes no sense);
 * a percent-off coupon takes 1-99 %.
 */
export function checkTemplate(input: unknown): { ok: true; template: TemplateInput } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const v = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const id = typeof v._id === 'string' ? v._id.trim() : '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) problems.push({ field: '_id', problem: '券编号只能包含字母、数字、_ 或 -（1-64 位）' });
  const title = typeof v.title === 'string' ? v.title.trim() : '';
  if (title.length === 0 || title.length > MAX_COUPON_TITLE) problems.push({ field: 'title', problem: `券名称须为 1-${MAX_COUPON_TITLE} 个字` });
  const threshold = v.threshold === undefined ? 0 : v.threshold;
  if (!isFen(threshold)) problems.push({ field: 'threshold', problem: '使用门槛须为不小于 0 的金额（分）' });
  let kind: CouponRule['kind'] | null = null;
  if (v.kind === 'amount') {
    kind = 'amount';
    if (!isInt(v.amountOff, 1, MAX_FEN)) problems.push({ field: 'amountOff', problem: '减免金额须大于 0' });
    else if (isFen(threshold) && threshold > 0 && v.amountOff > threshold) problems.push({ field: 'amountOff', problem: '减免金额不能超过使用门槛' });
  } else if (v.kind === 'percent') {
    kind = 'percent';
    if (!isInt(v.percentOff, 1, 99)) problems.push({ field: 'percentOff', problem: '折扣须为减免 1%-99%' });
  } else problems.push({ field: 'kind', problem: '请选择券的类型：满减或折扣' });
  const scope = scopeOf(v.scope, problems);
  const validity = validityOf(v.validity, problems);
  if (!isInt(v.totalLimit, 1, MAX_COUPON_LIMIT)) problems.push({ field: 'totalLimit', problem: `发放总量须为 1-${MAX_COUPON_LIMIT} 的整数` });
  if (!isInt(v.perShopperLimit, 1, 100)) problems.push({ field: 'perShopperLimit', problem: '每人限领须为 1-100 的整数' });
  const status = v.status === undefined ? undefined : v.status === 'active' || v.status === 'stopped' ? v.status : null;
  if (status === null) problems.push({ field: 'status', problem: '状态只能是发放中或已停止' });
  if (problems.length > 0 || !kind || !scope || !validity) return { ok: false, problems };
  const template: TemplateInput = {
    _id: id,
    title,
    kind,
    threshold: threshold as Fen,
    scope,
    validity,
    totalLimit: v.totalLimit as number,
    perShopperLimit: v.perShopperLimit as number,
    ...(kind === 'amount' ? { amountOff: v.amountOff as Fen } : { percentOff: v.percentOff as number }),
    ...(status ? { status } : {}),
  };
  return { ok: true, template };
}

/** When a coupon claimed at `claimedAt` from this template may be used: [validFrom, validUntil). */
export function couponWindow(validity: CouponValidity, claimedAt: number): { validFrom: number; validUntil: number } {
  if (validity.kind === 'fixed') return { validFrom: validity.from, validUntil: validity.until };
  return { validFrom: claimedAt, validUntil: claimedAt + validity.days * DAY_MS };
}

export type ClaimRefusal = 'STOPPED' | 'ENDED' | 'CLAIMED_OUT' | 'SHOPPER_LIMIT';

export const CLAIM_REFUSAL_MESSAGES: Readonly<Record<ClaimRefusal, string>> = {
  STOPPED: '该优惠券已停止发放',
  ENDED: '该优惠券已过期',
  CLAIMED_OUT: '优惠券已被领完',
  SHOPPER_LIMIT: '已达到每人限领数量',
};

/** Whether a shopper who already holds `held` coupons of this template may claim one more now. */
export function claimRefusal(template: Pick<CouponTemplate, 'status' | 'validity' | 'claimed' | 'totalLimit' | 'perShopperLimit'>, held: number, now: number): ClaimRefusal | null {
  if (template.status !== 'active') return 'STOPPED';
  if (template.validity.kind === 'fixed' && now >= template.validity.until) return 'ENDED';
  if (template.claimed >= template.totalLimit) return 'CLAIMED_OUT';
  if (held >= template.perShopperLimit) return 'SHOPPER_LIMIT';
  return null;
}

/* ------------------------------------------------------------ using one */

/** A line as the coupon sees it: its total at the price charged and where it belongs. */
export interface CouponLine {
  productId: string;
  categoryId: string;
  lineTotal: Fen;
}

export function inScope(scope: CouponScope, line: Pick<CouponLine, 'productId' | 'categoryId'>): boolean {
  if (scope.kind === 'all') return true;
  return scope.kind === 'products' ? scope.ids.includes(line.productId) : scope.ids.includes(line.categoryId);
}

export type CouponRefusal = 'NOT_STARTED' | 'EXPIRED' | 'USED' | 'NO_LINES' | 'BELOW_THRESHOLD';

export const COUPON_REFUSAL_MESSAGES: Readonly<Record<CouponRefusal, string>> = {
  NOT_STARTED: '优惠券还未到使用时间',
  EXPIRED: '优惠券已过期',
  USED: '优惠券已被使用',
  NO_LINES: '订单中没有可用该券的商品',
  BELOW_THRESHOLD: '未达到优惠券的使用门槛',
};

type UsableCoupon = CouponRule & Pick<CouponView, 'validFrom' | 'validUntil'> & { status: CouponStatus | 'available' };

export type CouponDiscount =
  | {
      ok: true;
      /** Whole fen taken off the goods (never more than the lines in scope cost). */
      discount: Fen;
      /** Each line's share (0 for lines out of scope), by largest remainder over the lines in scope. */
      shares: Fen[];
    }
  | { ok: false; reason: CouponRefusal; message: string };

function refusal(reason: CouponRefusal): CouponDiscount {
  return { ok: false, reason, message: COUPON_REFUSAL_MESSAGES[reason] };
}

/**
 * What a coupon takes off lines whose unit prices are already decided (sale prices included): the
 * threshold is measured on the lines in scope before shipping; percent off is rounded down to whole fen;
 * the discount is spread over the lines in scope in proportion to their totals (largest remainder), so
 * a refund of any line is exact.
 */
export function couponDiscount(coupon: UsableCoupon, lines: readonly CouponLine[], now: number): CouponDiscount {
  if (coupon.status === 'used') return refusal('USED');
  if (coupon.status === 'expired' || now >= coupon.validUntil) return refusal('EXPIRED');
  if (now < coupon.validFrom) return refusal('NOT_STARTED');
  const weights = lines.map((l) => (inScope(coupon.scope, l) ? l.lineTotal : 0));
  const base = weights.reduce((a, b) => a + b, 0);
  if (!lines.some((l) => inScope(coupon.scope, l)) || base === 0) return refusal('NO_LINES');
  if (base < coupon.threshold) return refusal('BELOW_THRESHOLD');
  const raw = coupon.kind === 'amount' ? (coupon.amountOff || 0) : Math.floor((base * (coupon.percentOff || 0)) / 100);
  const discount = Math.min(raw, base);
  return { ok: true, discount, shares: spreadByLargestRemainder(discount, weights) };
}

/** Order lines with their shares of a discount written on them. */
export function linesWithDiscount(lines: readonly OrderLine[], shares: readonly Fen[]): OrderLine[] {
  return lines.map((line, i) => ({ ...line, discount: shares[i] || 0 }));
}

export interface CouponChoice<C> {
  coupon: C;
  discount: Fen;
}

/**
 * The coupons that apply to these lines, best first: the largest discount, then the one expiring first
 * (so a shopper does not lose it), then the id (a stable order). Checkout proposes the first.
 */
export function rankCoupons<C extends UsableCoupon & { _id: string }>(coupons: readonly C[], lines: readonly CouponLine[], now: number): CouponChoice<C>[] {
  const out: CouponChoice<C>[] = [];
  for (const coupon of coupons) {
    const priced = couponDiscount(coupon, lines, now);
    if (priced.ok && priced.discount > 0) out.push({ coupon, discount: priced.discount });
  }
  return out.sort((a, b) => b.discount - a.discount || a.coupon.validUntil - b.coupon.validUntil || (a.coupon._id < b.coupon._id ? -1 : a.coupon._id > b.coupon._id ? 1 : 0));
}

/* ------------------------------------------------------------ what pages show */

/** A stored coupon's status as a shopper sees it now: an unused one past its validity is expired. */
export function couponStatusAt(coupon: Pick<CouponView, 'status' | 'validUntil'>, now: number): CouponStatus {
  if (coupon.status === 'available' && now >= coupon.validUntil) return 'expired';
  return coupon.status;
}
