/**
 * Per-campaign figures for the merchant (merchant.campaignReport), read from what the server recorded:
 * QR scans of the campaign's codes and its article entries (`scans`), page visits (`campaign_visits`),
 * coupons claimed on its page (`coupons.campaignId`, set by the server at the claim), and the orders the
 * server credited to it (`orders.attribution.campaign`). Reads through the functions' own SDK, so it
 * gives the same answer on the local cloud and in a real environment.
 */
import type { ActionRequest, ActionResponse, CampaignFigures } from '../typings/api';
import type { OrderStatus } from '../typings/domain';
import { db, type AnyDoc } from './cloud';
import { COLLECTIONS, PAGE } from './db';
import { listCampaigns } from './campaigns';

/** Orders whose money was received and kept (a refunded or cancelled order is not revenue). */
const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'completed'];

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

async function figuresOf(campaignId: string): Promise<CampaignFigures> {
  const [scans, visits, orders, claimCount] = await Promise.all([
    count(COLLECTIONS.scans, { kind: 'qr', campaign: campaignId }),
    readAll(COLLECTIONS.campaignVisits, { campaignId }, { _openid: true, article: true }),
    readAll(COLLECTIONS.orders, { 'attribution.campaign': campaignId }, { status: true, total: true }),
    count(COLLECTIONS.coupons, { campaignId }),
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
  const campaigns: CampaignFigures[] = [];
  // One campaign at a time: each is a handful of reads, and a merchant's report is not worth a burst.
  for (const id of ids) campaigns.push(await figuresOf(id));
  return { campaigns };
}
