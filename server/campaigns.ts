/**
 * Campaigns: the merchant defines them (merchant.saveCampaign / listCampaigns), shoppers open their page
 * (catalog.campaign), a campaign QR code lands on it (scenes.resolve), and opening it records a visit
 * (scenes.campaignVisit). What counts is decided here, with the server's clock: the client names only
 * the campaign it opened and its launch scene.
 */
import type { ActionRequest, ActionResponse, CampaignView } from '../typings/api';
import type { Campaign, Product, SceneTarget } from '../typings/domain';
import { CAMPAIGN_FIELD_MESSAGES, CAMPAIGN_ID, CAMPAIGN_PAGE, campaignPhase, campaignProblems, isArticleScene, orderCampaigns } from '../miniprogram/domain/campaigns';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, notFound } from './errors';
import { recordArticleEntry } from './attribution';
import { loadProducts, reportBroken } from './products';
import { summariesNow } from './flash-sales';

/** The page a code printed for the home page opens when its campaign is defined. */
const HOME_PAGE = 'pages/catalog/index';

/** A stored campaign document, or null when it is missing or not one (edited by hand). */
export function asCampaign(doc: AnyDoc | null): Campaign | null {
  if (!doc || typeof doc._id !== 'string' || typeof doc.title !== 'string') return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    _id: doc._id,
    title: doc.title,
    banner: typeof doc.banner === 'string' ? doc.banner : '',
    intro: typeof doc.intro === 'string' ? doc.intro : '',
    productIds: strings(doc.productIds),
    couponTemplateIds: strings(doc.couponTemplateIds),
    startAt: time(doc.startAt),
    endAt: time(doc.endAt),
    createdAt: time(doc.createdAt),
    updatedAt: time(doc.updatedAt),
  };
}

export async function loadCampaign(id: string): Promise<Campaign | null> {
  return CAMPAIGN_ID.test(id) ? asCampaign(await getDoc(COLLECTIONS.campaigns, id)) : null;
}

export async function saveCampaign(req: ActionRequest<'merchant', 'saveCampaign'>): Promise<ActionResponse<'merchant', 'saveCampaign'>> {
  const input = req.campaign;
  const problems = campaignProblems(input);
  if (problems.length > 0) {
    // Every field campaignProblems names has its words in the table.
    throw new AppError('INVALID_ARGUMENT', CAMPAIGN_FIELD_MESSAGES[problems[0].field], { fields: problems }, { detail: problems.map((p) => `${p.field}: ${p.problem}`).join('; ') });
  }
  const at = now();
  return withTransaction(async (tx) => {
    const current = asCampaign(await txGet(tx, COLLECTIONS.campaigns, input._id));
    if (req.create && current) throw new AppError('CONFLICT', '该活动编号已存在', { campaignId: input._id });
    const campaign: Campaign = {
      _id: input._id,
      title: input.title.trim(),
      banner: input.banner.trim(),
      intro: input.intro,
      productIds: [...input.productIds],
      couponTemplateIds: [...input.couponTemplateIds],
      startAt: input.startAt,
      endAt: input.endAt,
      createdAt: current?.createdAt || at,
      updatedAt: at,
    };
    const { _id, ...data } = campaign;
    await tx.collection(COLLECTIONS.campaigns).doc(_id).set({ data: data as unknown as AnyDoc });
    return { campaign };
  });
}

export async function listCampaigns(): Promise<ActionResponse<'merchant', 'listCampaigns'>> {
  const campaigns: Campaign[] = [];
  for (let skip = 0; ; skip += 1000) {
    const { data } = await db().collection(COLLECTIONS.campaigns).where({}).orderBy('_id', 'asc').skip(skip).limit(1000).get();
    for (const doc of data) {
      const campaign = asCampaign(doc);
      if (campaign) campaigns.push(campaign);
    }
    if (data.length < 1000) break;
  }
  return { campaigns: orderCampaigns(campaigns, now()) };
}

/** The campaign page: the definition, its phase now, and its products that are on the shelf (in the merchant's order). */
export async function campaignPage(req: ActionRequest<'catalog', 'campaign'>): Promise<ActionResponse<'catalog', 'campaign'>> {
  const campaign = await loadCampaign(req.campaignId);
  if (!campaign) throw notFound('活动不存在或已下线');
  const found = await loadProducts(campaign.productIds);
  const onShelf: Product[] = [];
  for (const id of campaign.productIds) {
    const result = found.get(id);
    if (!result) continue;
    if (!result.ok) {
      reportBroken(result, 'catalog.campaign');
      continue;
    }
    if (result.product.status === 'on_shelf') onShelf.push(result.product);
  }
  const products = await summariesNow(onShelf);
  const view: CampaignView = {
    _id: campaign._id,
    title: campaign.title,
    banner: campaign.banner,
    intro: campaign.intro,
    couponTemplateIds: campaign.couponTemplateIds,
    startAt: campaign.startAt,
    endAt: campaign.endAt,
    phase: campaignPhase(campaign, now()),
  };
  return { campaign: view, products };
}

/**
 * A visit to a live campaign's page, per OPENID with the server's time and the entry's scene. An entry
 * from an Official Account article or menu is attributed like a scan (server/attribution.ts); any other
 * entry (a QR code already recorded its scan, the home page, a share card) is a visit only.
 */
export async function campaignVisit(openid: string, req: ActionRequest<'scenes', 'campaignVisit'>): Promise<ActionResponse<'scenes', 'campaignVisit'>> {
  const campaign = await loadCampaign(req.campaignId);
  const at = now();
  if (!campaign || campaignPhase(campaign, at) !== 'live') return { recorded: false, attributed: false };
  const scene = req.scene ?? null;
  const article = isArticleScene(scene);
  await db().collection(COLLECTIONS.campaignVisits).add({ data: { _openid: openid, campaignId: campaign._id, at, scene, article } });
  if (article) await recordArticleEntry(openid, campaign._id);
  return { recorded: true, attributed: article };
}

/**
 * Where a scanned code opens: a code printed for the home page with a campaign that the merchant has
 * defined opens that campaign's page; every other code (a product's, a campaign not defined) opens its
 * own target.
 */
export async function landingTarget(target: SceneTarget, campaignId: string | undefined): Promise<SceneTarget> {
  const page = target.page.replace(/^\//, '');
  if (!campaignId || page !== HOME_PAGE) return target;
  return (await loadCampaign(campaignId)) ? { page: CAMPAIGN_PAGE, query: { id: campaignId } } : target;
}
