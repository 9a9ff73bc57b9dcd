/**
 * Campaign rules, written once for the campaign page, the functions and the console: when a campaign
 * is live, how campaigns are ordered, what a valid definition is, which launch scenes are Official
 * Account articles and menus, and the page path merchants paste into an article.
 */
import type { CampaignInput } from '../../typings/api';
import type { Campaign, CampaignPhase, FieldProblem } from '../../typings/domain';

export { CAMPAIGN_PAGE, campaignPagePath } from './campaign-page';

/** Campaign ids are printed on QR codes as the `campaign` token: the id rule, at most 32 characters. */
export const CAMPAIGN_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const MAX_CAMPAIGN_PRODUCTS = 50;
export const MAX_CAMPAIGN_COUPONS = 20;
export const MAX_TITLE = 40;
export const MAX_INTRO = 1000;
const BANNER = /^(cloud:\/\/\S+|https:\/\/\S+)$/;

/**
 * Launch scenes that open a page from an Official Account: 1035 custom menu, 1058 article, 1067
 * article advert, 1074 a mini program card sent in the account's chat, 1082 a text link sent in the
 * chat, 1091 an article's product card (developers.weixin.qq.com/miniprogram/dev/reference/scene-list.html).
 */
export const ARTICLE_SCENES: readonly number[] = [1035, 1058, 1067, 1074, 1082, 1091];

export function isArticleScene(scene: unknown): boolean {
  return typeof scene === 'number' && ARTICLE_SCENES.includes(scene);
}

/** Not started before `startAt`, live from `startAt` up to (not including) `endAt`, then ended. */
export function campaignPhase(campaign: Pick<Campaign, 'startAt' | 'endAt'>, now: number): CampaignPhase {
  if (now < campaign.startAt) return 'upcoming';
  if (now < campaign.endAt) return 'live';
  return 'ended';
}

const PHASE_ORDER: Record<CampaignPhase, number> = { live: 0, upcoming: 1, ended: 2 };

/**
 * The merchant's list: live campaigns first (ending soonest first), then upcoming (starting soonest),
 * then ended (most recently ended first); ties by id so the order is stable.
 */
export function orderCampaigns<T extends Pick<Campaign, '_id' | 'startAt' | 'endAt'>>(campaigns: readonly T[], now: number): T[] {
  const key = (c: T): number => {
    const phase = campaignPhase(c, now);
    return phase === 'live' ? c.endAt : phase === 'upcoming' ? c.startAt : -c.endAt;
  };
  return [...campaigns].sort((a, b) => PHASE_ORDER[campaignPhase(a, now)] - PHASE_ORDER[campaignPhase(b, now)] || key(a) - key(b) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The problems of a definition, field by field (empty when it can be saved). Duplicated ids are refused. */
export function campaignProblems(input: CampaignInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  if (!CAMPAIGN_ID.test(input._id)) add('_id', 'must be 1-32 letters, digits, _ or - (it is printed on QR codes)');
  if (input.title.trim() === '' || input.title.length > MAX_TITLE) add('title', `must be 1-${MAX_TITLE} characters`);
  if (input.banner !== '' && !BANNER.test(input.banner)) add('banner', 'must be a cloud:// file id or an https:// URL');
  if (input.intro.length > MAX_INTRO) add('intro', `must be at most ${MAX_INTRO} characters`);
  const ids = (field: 'productIds' | 'couponTemplateIds', max: number) => {
    const list = input[field];
    if (list.length > max) add(field, `must list at most ${max} ids`);
    const bad = list.find((id) => !ID.test(id));
    if (bad !== undefined) add(field, `${JSON.stringify(bad)} is not an id`);
    if (new Set(list).size !== list.length) add(field, 'lists an id twice');
  };
  ids('productIds', MAX_CAMPAIGN_PRODUCTS);
  ids('couponTemplateIds', MAX_CAMPAIGN_COUPONS);
  if (!(Number.isSafeInteger(input.startAt) && Number.isSafeInteger(input.endAt) && input.startAt >= 0)) add('startAt', 'start and end must be times (ms)');
  else if (input.endAt <= input.startAt) add('endAt', 'must be after the start');
  return problems;
}

/** Chinese words for a definition's problems, by field (the console and the API's message). */
export const CAMPAIGN_FIELD_MESSAGES: Record<string, string> = {
  _id: '活动编号只能包含字母、数字、下划线或短横线（1-32 位）',
  title: '活动标题为 1-40 个字',
  banner: '横幅图片须为云存储中的文件或以安全协议开头的网址',
  intro: '活动介绍最多 1000 个字',
  productIds: '活动商品编号有误（最多 50 个，不能重复）',
  couponTemplateIds: '优惠券编号有误（最多 20 个，不能重复）',
  startAt: '请填写活动的开始和结束时间',
  endAt: '结束时间须晚于开始时间',
};
