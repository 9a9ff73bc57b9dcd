/**
 * Per-campaign figures for the merchant (merchant.campaignReport), read from what the server recorded:
 * QR scans of the campaign's codes and its article entries (`scans`), page visits (`campaign_visits`),
 * coupon claims on it, and the orders the server credited to it (`orders.attribution.campaign`). Reads
 * through the functions' own SDK, so it gives the same answer on the local cloud and in a real environment.
 */
import type { ActionRequest, ActionResponse, CampaignFigures } from '../typings/api';
import type { OrderStatus } from '../typings/domain';
import { db, type AnyDoc } from './cloud';
import { COLLECTIONS } from './db';
import { listCampaigns } from './campaigns';

/** Orders whose money was received and kept (a refunded or cancelled order is not revenue). */
const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'completed'];
/** Where coupon claims may be kept, tried in order; a claim names its campaign in `campaignId`. */
const CLAIM_COLLECTIONS = ['coupon_claims', 'coupons'] as const;
const PAGE = 1000;

/** Every document matching `where`, only the given fields, page by page (the SDK returns at most 1000 per read). */
async function readAll(collection: string, where: AnyDoc, fields: Record<string, boolean>): Promise<AnyDoc[]> {
  const out: AnyDoc[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const { data } = await db().collection(collection).where(where).orderBy('_id', 'asc').field(fields).skip(skip).limit(PAGE).get();
    out.push(...data);
    if (data.length < PAGE) return out;
  }
}

async function count(collection: string, where: AnyDoc): Promise<number> {
  return (await db().collection(collection).where(where).count()).total;
}

/** True when the error says the collection does not exist (a claims collection not created yet). */
export function isMissingCollection(error: unknown): boolean {
  const e = error as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
  const text = `${String(e?.code ?? '')} ${String(e?.errCode ?? '')} ${String(e?.message ?? '')} ${String(e?.errMsg ?? '')}`;
  return /COLLECTION_NOT_EXIST|not exist|-502005/i.test(text);
}

/** The first claims collection that exists, or null. */
async function claimsCollection(): Promise<string | null> {
  for (const name of CLAIM_COLLECTIONS) {
    try {
      await db().collection(name).where({}).limit(1).get();
      return name;
    } catch (error) {
      if (!isMissingCollection(error)) throw error;
    }
  }
  return null;
}

async function figuresOf(campaignId: string, claims: string | null): Promise<CampaignFigures> {
  const [scans, visits, orders, claimCount] = await Promise.all([
    count(COLLECTIONS.scans, { kind: 'qr', campaign: campaignId }),
    readAll(COLLECTIONS.campaignVisits, { campaignId }, { _openid: true, article: true }),
    readAll(COLLECTIONS.orders, { 'attribution.campaign': campaignId }, { status: true, total: true }),
    claims ? count(claims, { campaignId }) : Promise.resolve(0),
  ]);
  let paidOrders = 0;
  let revenue = 0;
  for (const order of orders) {
    if (!PAID_STATUSES.includes(order.status as OrderStatus)) continue;
    paidOrders += 1;
    if (typeof order.total === 'number' && Number.isSafeInteger(order.total)) revenue += order.total;
  }
  return {
    campaignId,
    scans,
    visits: visits.length,
    articleVisits: visits.filter((v) => v.article === true).length,
    visitors: new Set(visits.map((v) => v._openid)).size,
    claims: claimCount,
    orders: orders.length,
    paidOrders,
    revenue,
  };
}

export async function campaignReport(req: ActionRequest<'merchant', 'campaignReport'>): Promise<ActionResponse<'merchant', 'campaignReport'>> {
  const ids = req.campaignIds ?? (await listCampaigns()).campaigns.map((c) => c._id);
  const claims = await claimsCollection();
  const campaigns: CampaignFigures[] = [];
  // One campaign at a time: each is a handful of reads, and a merchant's report is not worth a burst.
  for (const id of ids) campaigns.push(await figuresOf(id, claims));
  return { campaigns, claimsSource: claims };
}
