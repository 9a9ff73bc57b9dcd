/**
 * Coupons: the merchant's templates (`coupon_templates`), the coupons shoppers claim from them
 * (`coupons`) and how many each shopper holds of each template (`coupon_claims`).
 *
 * - Claims race on the template's `claimed` count: one transaction reads the template and writes it back
 *   one higher, so when many shoppers claim the last coupons at once the first writer wins, the others
 *   conflict, retry and then find the count at its limit. Never more than `totalLimit` are claimed.
 * - A coupon is used by writing it (`available` → `used`, with the order id) inside the transaction that
 *   creates the order (`useCouponTx`): two checkouts with one coupon write the same document, so only
 *   one commits. It comes back (`returnCouponTx`) in the transaction that cancels, expires or refunds
 *   that order in full, only while it is still valid, and only if that order still holds it.
 * - A claim made on a campaign page names the campaign; the coupon keeps it (`campaignId`, counted by the
 *   campaign report) only when that campaign exists, is live now and offers that template.
 */
import type { ActionRequest, ActionResponse, ClaimableCoupon, CouponOffer } from '../typings/api';
import type { CouponRule, CouponTemplate, CouponView, OrderCoupon, OrderLine } from '../typings/domain';
import {
  checkTemplate,
  CLAIM_REFUSAL_MESSAGES,
  claimRefusal,
  COUPON_REFUSAL_MESSAGES,
  couponDiscount,
  couponStatusAt,
  couponWindow,
  inScope,
  linesWithDiscount,
  rankCoupons,
  type CouponLine,
} from '../miniprogram/domain/coupons';
import type { NormalizeResult } from '../miniprogram/domain/normalize';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction, withoutId } from './db';
import { AppError, invalid, invalidState, notFound } from './errors';
import { campaignPhase } from '../miniprogram/domain/campaigns';
import { loadCampaign } from './campaigns';
import { digestId } from './ids';
import { loadProduct } from './products';

/** Claims contend on one template document: a budget like a hot-SKU checkout's, inside the function's timeout. */
const CLAIM_BUDGET_MS = 20_000;
const MAX_TEMPLATES = 200;
const MAX_COUPONS_LISTED = 200;

/** `campaignId`: the campaign the claim is credited to (server-checked), absent otherwise. */
type StoredCoupon = CouponView & { _openid: string; campaignId?: string };

function asTemplate(doc: AnyDoc | null): CouponTemplate | null {
  return doc && typeof doc._id === 'string' && typeof doc.claimed === 'number' && typeof doc.totalLimit === 'number' ? (doc as unknown as CouponTemplate) : null;
}

function asCoupon(doc: AnyDoc | null): StoredCoupon | null {
  return doc && typeof doc._id === 'string' && typeof doc.templateId === 'string' && typeof doc.validUntil === 'number' ? (doc as unknown as StoredCoupon) : null;
}

const COUPON_VIEW_FIELDS: readonly (keyof CouponView)[] = [
  '_id', 'templateId', 'title', 'kind', 'amountOff', 'percentOff', 'threshold', 'scope', 'validFrom', 'validUntil', 'status', 'orderId', 'claimedAt', 'usedAt', 'returnedAt',
];

/** The shopper's view: no owner id, and an unused coupon past its validity shows as expired. */
export function toCouponView(doc: StoredCoupon, at: number): CouponView {
  const view: Record<string, unknown> = {};
  for (const field of COUPON_VIEW_FIELDS) if (doc[field] !== undefined && doc[field] !== null) view[field] = doc[field];
  view.status = couponStatusAt(doc, at);
  return view as unknown as CouponView;
}

/** What a template hands to each coupon claimed from it: its name and rule. */
function ruleOf(template: CouponTemplate): CouponRule & { title: string } {
  return {
    title: template.title,
    kind: template.kind,
    ...(template.kind === 'amount' ? { amountOff: template.amountOff } : { percentOff: template.percentOff }),
    threshold: template.threshold,
    scope: template.scope,
  };
}

function claimable(template: CouponTemplate, held: number, at: number): ClaimableCoupon {
  const refusal = claimRefusal(template, held, at);
  return {
    templateId: template._id,
    ...ruleOf(template),
    validity: template.validity,
    remaining: Math.max(0, template.totalLimit - template.claimed),
    held,
    perShopperLimit: template.perShopperLimit,
    ...(refusal ? { refusal: CLAIM_REFUSAL_MESSAGES[refusal] } : {}),
  };
}

/** The document counting one shopper's claims of one template. */
const claimsId = (templateId: string, openid: string) => `K${digestId(`coupon-claims\u0000${templateId}\u0000${openid}`, 23)}`;
/** The shopper's n-th coupon of a template (n from 1): a retried claim transaction lands on the same document. */
const couponId = (templateId: string, openid: string, n: number) => `C${digestId(`coupon\u0000${templateId}\u0000${openid}\u0000${n}`, 23)}`;

/* ------------------------------------------------------------ merchant */

export async function saveTemplate(req: ActionRequest<'merchant', 'saveCouponTemplate'>): Promise<ActionResponse<'merchant', 'saveCouponTemplate'>> {
  const checked = checkTemplate(req.template);
  if (!checked.ok) {
    throw new AppError('INVALID_ARGUMENT', '优惠券信息有误，请按提示修改', { problems: checked.problems }, { detail: checked.problems.map((p) => `${p.field}: ${p.problem}`).join('; ') });
  }
  const input = checked.template;
  return withTransaction(async (tx) => {
    const at = now();
    const current = asTemplate(await txGet(tx, COLLECTIONS.couponTemplates, input._id));
    if (req.create && current) throw new AppError('CONFLICT', '该券编号已存在', { templateId: input._id });
    if (!req.create && !current) throw notFound('优惠券不存在', { templateId: input._id });
    const claimed = current?.claimed ?? 0;
    if (input.totalLimit < claimed) throw invalid(`发放总量不能少于已领取的 ${claimed} 张`, { claimed });
    const template: CouponTemplate = {
      ...input,
      status: input.status ?? current?.status ?? 'active',
      claimed,
      createdAt: current?.createdAt ?? at,
      updatedAt: at,
    };
    await tx.collection(COLLECTIONS.couponTemplates).doc(template._id).set({ data: withoutId(template) as unknown as AnyDoc });
    return { template };
  });
}

export async function listTemplates(): Promise<ActionResponse<'merchant', 'listCouponTemplates'>> {
  const { data } = await db().collection(COLLECTIONS.couponTemplates).orderBy('createdAt', 'desc').limit(MAX_TEMPLATES).get();
  const templates = data.map(asTemplate).filter((t): t is CouponTemplate => t !== null);
  const used = await Promise.all(templates.map((t) => db().collection(COLLECTIONS.coupons).where({ templateId: t._id, status: 'used' }).count()));
  return { templates: templates.map((t, i) => ({ ...t, used: used[i].total })) };
}

/* ------------------------------------------------------------ shoppers */

/**
 * The campaign a claim is credited to: the one the page named, if it exists, is live on the server's
 * clock and offers this template; otherwise none (the claim itself still goes ahead).
 */
async function creditedCampaign(campaignId: string | undefined, templateId: string): Promise<string | undefined> {
  if (!campaignId) return undefined;
  const campaign = await loadCampaign(campaignId);
  if (!campaign || campaignPhase(campaign, now()) !== 'live' || !campaign.couponTemplateIds.includes(templateId)) return undefined;
  return campaign._id;
}

/**
 * Claims one coupon. The shopper's own count document is read first; the template (the document every
 * claimant writes) is read and written back to back, so a conflict costs one short retry.
 */
export async function claim(openid: string, req: ActionRequest<'orders', 'claimCoupon'>): Promise<ActionResponse<'orders', 'claimCoupon'>> {
  const countId = claimsId(req.templateId, openid);
  // Read before the transaction: the campaign is not written by claims, so it is not contended.
  const campaignId = await creditedCampaign(req.campaignId, req.templateId);
  return withTransaction(
    async (tx) => {
      const counted = await txGet(tx, COLLECTIONS.couponClaims, countId);
      const held = typeof counted?.count === 'number' ? counted.count : 0;
      const template = asTemplate(await txGet(tx, COLLECTIONS.couponTemplates, req.templateId));
      if (!template) throw notFound('优惠券不存在', { templateId: req.templateId });
      const at = now();
      const refusal = claimRefusal(template, held, at);
      if (refusal) throw invalidState(CLAIM_REFUSAL_MESSAGES[refusal], { reason: refusal, template: claimable(template, held, at) });
      await tx.collection(COLLECTIONS.couponTemplates).doc(template._id).update({ data: { claimed: template.claimed + 1, updatedAt: at } });
      await tx.collection(COLLECTIONS.couponClaims).doc(countId).set({ data: { _openid: openid, templateId: template._id, count: held + 1, updatedAt: at } });
      const coupon: StoredCoupon = {
        _id: couponId(template._id, openid, held + 1),
        _openid: openid,
        templateId: template._id,
        ...ruleOf(template),
        ...couponWindow(template.validity, at),
        status: 'available',
        claimedAt: at,
        ...(campaignId ? { campaignId } : {}),
      };
      await tx.collection(COLLECTIONS.coupons).doc(coupon._id).set({ data: withoutId(coupon) as unknown as AnyDoc });
      return {
        coupon: toCouponView(coupon, at),
        template: claimable({ ...template, claimed: template.claimed + 1 }, held + 1, at),
        ...(campaignId ? { campaignId } : {}),
      };
    },
    { budgetMs: CLAIM_BUDGET_MS },
  );
}

/** Every coupon the shopper holds (at most 200), in one status or all. */
async function ownCoupons(openid: string): Promise<StoredCoupon[]> {
  const { data } = await db().collection(COLLECTIONS.coupons).where({ _openid: openid }).orderBy('validUntil', 'asc').limit(MAX_COUPONS_LISTED).get();
  return data.map(asCoupon).filter((c): c is StoredCoupon => c !== null && c._openid === openid);
}

export async function mine(openid: string, req: ActionRequest<'orders', 'myCoupons'>): Promise<ActionResponse<'orders', 'myCoupons'>> {
  const at = now();
  const views = (await ownCoupons(openid)).map((c) => toCouponView(c, at));
  return { coupons: req.status ? views.filter((c) => c.status === req.status) : views };
}

export async function claimableFor(openid: string, req: ActionRequest<'orders', 'claimableCoupons'>): Promise<ActionResponse<'orders', 'claimableCoupons'>> {
  const _ = db().command;
  let templates: CouponTemplate[];
  if (req.templateIds && req.templateIds.length > 0) {
    const { data } = await db().collection(COLLECTIONS.couponTemplates).where({ _id: _.in(req.templateIds) }).limit(100).get();
    const byId = new Map(data.map(asTemplate).filter((t): t is CouponTemplate => t !== null).map((t) => [t._id, t]));
    templates = req.templateIds.map((id) => byId.get(id)).filter((t): t is CouponTemplate => t !== undefined);
  } else {
    const { data } = await db().collection(COLLECTIONS.couponTemplates).where({ status: 'active' }).orderBy('createdAt', 'desc').limit(MAX_TEMPLATES).get();
    templates = data.map(asTemplate).filter((t): t is CouponTemplate => t !== null);
    if (req.productId) {
      const product = await loadProduct(req.productId);
      const categoryId = product?.ok ? product.product.categoryId : '';
      templates = templates.filter((t) => inScope(t.scope, { productId: req.productId as string, categoryId }));
    }
  }
  const at = now();
  // Shown only while they may still be used: a template past its fixed dates is left out.
  templates = templates.filter((t) => !(t.validity.kind === 'fixed' && at >= t.validity.until));
  const counts = templates.length
    ? (await db().collection(COLLECTIONS.couponClaims).where({ _id: _.in(templates.map((t) => claimsId(t._id, openid))) }).limit(100).get()).data
    : [];
  const held = new Map(counts.filter((d) => d._openid === openid).map((d) => [String(d.templateId), Number(d.count) || 0]));
  return { templates: templates.map((t) => claimable(t, held.get(t._id) ?? 0, at)) };
}

/* ------------------------------------------------------------ checkout */

/** Order lines as the coupon rules see them: totals at the prices charged, and each product's category. */
export function couponLines(lines: readonly Pick<OrderLine, 'productId' | 'lineTotal'>[], lookup: (productId: string) => NormalizeResult | undefined): CouponLine[] {
  return lines.map((l) => {
    const p = lookup(l.productId);
    return { productId: l.productId, categoryId: p?.ok ? p.product.categoryId : '', lineTotal: l.lineTotal };
  });
}

/** The checkout's coupons: those that apply (best first), and the one priced in (asked, or else the best). */
export async function offersFor(
  openid: string,
  lines: readonly CouponLine[],
  asked: string | null | undefined,
): Promise<{ coupons: CouponOffer[]; coupon: CouponOffer | null; couponProblem?: string }> {
  const at = now();
  const held = (await ownCoupons(openid)).filter((c) => couponStatusAt(c, at) === 'available');
  const coupons = rankCoupons(held, lines, at).map((choice) => ({ coupon: toCouponView(choice.coupon, at), discount: choice.discount }));
  if (asked === null) return { coupons, coupon: null };
  if (asked === undefined) return { coupons, coupon: coupons[0] ?? null };
  const chosen = coupons.find((o) => o.coupon._id === asked);
  if (chosen) return { coupons, coupon: chosen };
  const stored = asCoupon(await getDoc(COLLECTIONS.coupons, asked));
  const problem = !stored || stored._openid !== openid ? '优惠券不存在' : explain(stored, lines, at);
  return { coupons, coupon: null, couponProblem: problem };
}

function explain(coupon: StoredCoupon, lines: readonly CouponLine[], at: number): string {
  const priced = couponDiscount({ ...coupon, status: couponStatusAt(coupon, at) }, lines, at);
  return priced.ok ? COUPON_REFUSAL_MESSAGES.NO_LINES : priced.message;
}

/** An order priced with a coupon: lines carrying their shares, the total less the discount, the coupon named. */
export interface CouponPriced<P extends { lines: OrderLine[]; total: number }> {
  priced: P;
  coupon: OrderCoupon;
}

/**
 * Uses the shopper's coupon for an order, inside the transaction that creates it: checks it (owner,
 * unused, valid now, applies to these lines at the prices charged), prices its discount and marks it
 * used by this order. A refusal is INVALID_STATE with the reason; nothing is written then.
 */
export async function useCouponTx<P extends { lines: OrderLine[]; total: number }>(
  tx: TxCollections,
  use: { openid: string; couponId: string; orderId: string; at: number },
  priced: P,
  lookup: (productId: string) => NormalizeResult | undefined,
): Promise<CouponPriced<P>> {
  const coupon = asCoupon(await txGet(tx, COLLECTIONS.coupons, use.couponId));
  if (!coupon || coupon._openid !== use.openid) throw invalidState('优惠券不存在', { coupon: 'NOT_FOUND', couponId: use.couponId });
  const result = couponDiscount(coupon, couponLines(priced.lines, lookup), use.at);
  if (!result.ok) throw invalidState(COUPON_REFUSAL_MESSAGES[result.reason], { coupon: result.reason, couponId: use.couponId });
  await tx.collection(COLLECTIONS.coupons).doc(coupon._id).update({ data: { status: 'used', orderId: use.orderId, usedAt: use.at } });
  return {
    priced: { ...priced, lines: linesWithDiscount(priced.lines, result.shares), total: priced.total - result.discount },
    coupon: { couponId: coupon._id, templateId: coupon.templateId, title: coupon.title, discount: result.discount },
  };
}

/**
 * Gives an order's coupon back, inside the transaction that cancels, expires or refunds that order in
 * full: only if the coupon is still held by this order, and only while it is valid (after that it stays
 * used: the shopper could not use it anyway). Returns whether it came back.
 */
export async function returnCouponTx(tx: TxCollections, order: { _id: string; coupon?: OrderCoupon }, at: number): Promise<boolean> {
  if (!order.coupon) return false;
  const coupon = asCoupon(await txGet(tx, COLLECTIONS.coupons, order.coupon.couponId));
  if (!coupon || coupon.status !== 'used' || coupon.orderId !== order._id || at >= coupon.validUntil) return false;
  await tx.collection(COLLECTIONS.coupons).doc(coupon._id).update({ data: { status: 'available', orderId: null, returnedAt: at } });
  return true;
}
