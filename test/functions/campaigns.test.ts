/**
 * Campaigns through the real functions: merchant-only definitions, the campaign page's data, scene
 * routing of a campaign code to its page, visits and article entries recorded and attributed by the
 * server, and the per-campaign report.
 */
import type { CampaignInput } from '../../typings/api';
import { CAMPAIGN_PAGE } from '../../miniprogram/domain/campaigns';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, productDoc, seed } from '../support';

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const HOUR = 3600_000;

function campaign(id: string, overrides: Partial<CampaignInput> = {}): CampaignInput {
  const now = Date.now();
  return { _id: id, title: '春季上新', banner: 'https://example.com/banner.png', intro: '全场新品', productIds: ['cp-a', 'cp-gone', 'cp-b'], couponTemplateIds: ['tpl-10'], startAt: now - HOUR, endAt: now + 24 * HOUR, ...overrides };
}
const save = (input: CampaignInput, openid?: string, create?: boolean) => call(cloud, 'merchant', { action: 'saveCampaign', campaign: input, ...(create ? { create } : {}) }, openid);

beforeAll(async () => {
  await ensureCollections(cloud);
  await cloud.wx().database().collection('config').doc('merchants').set({ data: { openids: ['oMERCHANT'] } });
  await seed(cloud, 'products', [productDoc('cp-a'), productDoc('cp-b', undefined, { title: '第二件' }), productDoc('cp-off', undefined, { status: 'off_shelf' })]);
});

test('campaign definitions are the merchant\'s: a shopper is refused and nothing is written; bad fields get their own words', async () => {
  expect(errorOf(await save(campaign('perm'), 'oSHOPPER')).code).toBe('PERMISSION_DENIED');
  expect(errorOf(await call(cloud, 'merchant', { action: 'listCampaigns' }, 'oSHOPPER')).code).toBe('PERMISSION_DENIED');
  expect(errorOf(await call(cloud, 'merchant', { action: 'campaignReport' }, 'oSHOPPER')).code).toBe('PERMISSION_DENIED');
  expect(await all(cloud, 'campaigns', { _id: 'perm' })).toHaveLength(0);

  const ended = await save(campaign('bad-dates', { endAt: Date.now() - 2 * HOUR }), 'oMERCHANT');
  expect(errorOf(ended)).toMatchObject({ code: 'INVALID_ARGUMENT', message: '结束时间须晚于开始时间' });
  const longId = await save(campaign('x'.repeat(33)), 'oMERCHANT');
  expect(errorOf(longId).code).toBe('INVALID_ARGUMENT');
  const badBanner = await save(campaign('bad-banner', { banner: 'javascript:alert(1)' }), 'oMERCHANT');
  expect(errorOf(badBanner).message).toMatch(/横幅/);
  const twice = await save(campaign('twice', { productIds: ['cp-a', 'cp-a'] }), 'oMERCHANT');
  expect(errorOf(twice).message).toMatch(/重复/);
  expect(await all(cloud, 'campaigns', {})).toHaveLength(0);

  const created = await save(campaign('spring'), undefined, true);
  expect(dataOf(created).campaign).toMatchObject({ _id: 'spring', couponTemplateIds: ['tpl-10'], createdAt: expect.any(Number) });
  expect(errorOf(await save(campaign('spring'), 'oMERCHANT', true)).code).toBe('CONFLICT');
  const edited = await save(campaign('spring', { title: '春季上新 · 第二波' }), 'oMERCHANT');
  expect(dataOf(edited).campaign.title).toBe('春季上新 · 第二波');
  expect(dataOf(edited).campaign.createdAt).toBe(dataOf(created).campaign.createdAt);
});

test('the campaign page: its on-shelf products in the merchant\'s order, its phase on the server clock; unknown ids are not found', async () => {
  await save(campaign('page', { productIds: ['cp-b', 'cp-off', 'cp-missing', 'cp-a'] }), 'oMERCHANT');
  const page = dataOf(await call(cloud, 'catalog', { action: 'campaign', campaignId: 'page' }, 'stranger'));
  expect(page.campaign).toMatchObject({ _id: 'page', phase: 'live', couponTemplateIds: ['tpl-10'] });
  expect(page.products.map((p) => p._id)).toEqual(['cp-b', 'cp-a']);
  expect(errorOf(await call(cloud, 'catalog', { action: 'campaign', campaignId: 'nope' }, 'oSHOPPER')).code).toBe('NOT_FOUND');
  expect(errorOf(await call(cloud, 'catalog', { action: 'campaign', campaignId: '../x' } as never, 'oSHOPPER')).code).toBe('INVALID_ARGUMENT');

  await cloud.setClock({ offsetMs: 48 * HOUR });
  try {
    expect(dataOf(await call(cloud, 'catalog', { action: 'campaign', campaignId: 'page' }, 'oSHOPPER')).campaign.phase).toBe('ended');
    // An ended campaign's page records nothing.
    expect(dataOf(await call(cloud, 'scenes', { action: 'campaignVisit', campaignId: 'page', scene: 1058 }, 'oSHOPPER'))).toEqual({ recorded: false, attributed: false });
  } finally {
    await cloud.setClock({ reset: true });
  }
});

test('a code printed for the home page with a defined campaign opens the campaign page; a product code and an undefined campaign open their own target', async () => {
  await save(campaign('routed'), 'oMERCHANT');
  const make = async (target: { page: string; query: Record<string, string> }, campaignId: string) =>
    String(dataOf(await call(cloud, 'scenes', { action: 'create', target, campaign: campaignId, channel: 'poster' }, 'oMERCHANT')).scene);
  const home = await make({ page: 'pages/catalog/index', query: {} }, 'routed');
  const product = await make({ page: 'pages/product/index', query: { id: 'cp-a' } }, 'routed');
  const undefinedCampaign = await make({ page: 'pages/catalog/index', query: {} }, 'not-defined');

  const resolve = async (scene: string) => dataOf(await call(cloud, 'scenes', { action: 'resolve', scene }, 'oSCANNER'));
  expect((await resolve(home)).target).toEqual({ page: CAMPAIGN_PAGE, query: { id: 'routed' } });
  expect((await resolve(product)).target).toEqual({ page: 'pages/product/index', query: { id: 'cp-a' } });
  expect((await resolve(undefinedCampaign)).target).toEqual({ page: 'pages/catalog/index', query: {} });
});

test('an article entry is a visit attributed like a scan (the order is credited to the campaign); other entries are visits only; the report counts them', async () => {
  await save(campaign('article'), 'oMERCHANT');
  const visit = (openid: string, scene?: number) => call(cloud, 'scenes', { action: 'campaignVisit', campaignId: 'article', ...(scene ? { scene } : {}) }, openid);
  expect(dataOf(await visit('oREADER', 1058))).toEqual({ recorded: true, attributed: true });
  expect(dataOf(await visit('oREADER', 1001))).toEqual({ recorded: true, attributed: false });
  expect(dataOf(await visit('oMENU', 1035))).toEqual({ recorded: true, attributed: true });
  // No identity, no visit: a stranger cannot pad the figures.
  expect(errorOf(await call(cloud, 'scenes', { action: 'campaignVisit', campaignId: 'article', scene: 1058 }, 'stranger')).code).toBe('UNAUTHENTICATED');
  expect(dataOf(await visit('oREADER', 1058)).recorded).toBe(true);
  expect(dataOf(await call(cloud, 'scenes', { action: 'campaignVisit', campaignId: 'no-such', scene: 1058 }, 'oREADER'))).toEqual({ recorded: false, attributed: false });

  const visits = await all(cloud, 'campaign_visits', { campaignId: 'article' });
  expect(visits).toHaveLength(4);
  expect(visits.every((v) => typeof v.at === 'number' && v._openid)).toBe(true);
  const article = await all(cloud, 'scans', { kind: 'article', campaign: 'article' });
  expect(article.map((s) => s._openid).sort()).toEqual(['oMENU', 'oREADER', 'oREADER']);

  // The reader orders: the server credits the order to the campaign, whatever the client says.
  const order = await call(cloud, 'orders', {
    action: 'create',
    requestId: 'campaign-article-1',
    lines: [{ productId: 'cp-a', skuId: 'default', qty: 1 }],
    address: ADDRESS,
    attribution: { campaign: 'someone-else' },
  }, 'oREADER');
  expect(dataOf(order).order.attribution).toMatchObject({ campaign: 'article' });

  const report = dataOf(await call(cloud, 'merchant', { action: 'campaignReport', campaignIds: ['article'] }, 'oMERCHANT'));
  expect(report.campaigns).toEqual([{ campaignId: 'article', scans: 0, visits: 4, articleVisits: 3, visitors: 2, claims: 0, orders: 1, paidOrders: 0, revenue: 0 }]);
  expect(Object.keys(report)).toEqual(['campaigns']);
});

test('a claim made on a campaign page is credited to the campaign only when it is live and offers that coupon; the report counts those', async () => {
  const template = (id: string) => ({ _id: id, title: '满50减5', kind: 'amount' as const, amountOff: 500, threshold: 5000, scope: { kind: 'all' as const }, validity: { kind: 'days' as const, days: 7 }, totalLimit: 100, perShopperLimit: 5 });
  for (const id of ['tpl-cl', 'tpl-other']) dataOf(await call(cloud, 'merchant', { action: 'saveCouponTemplate', template: template(id), create: true }, 'oMERCHANT'));
  await save(campaign('claims', { couponTemplateIds: ['tpl-cl'] }), 'oMERCHANT');
  await save(campaign('claims-later', { couponTemplateIds: ['tpl-cl'], startAt: Date.now() + 2 * HOUR, endAt: Date.now() + 4 * HOUR }), 'oMERCHANT');
  const claim = (openid: string, templateId: string, campaignId?: string) =>
    call(cloud, 'orders', { action: 'claimCoupon', templateId, ...(campaignId ? { campaignId } : {}) }, openid);

  const credited = dataOf(await claim('oCLAIM1', 'tpl-cl', 'claims'));
  expect(credited.campaignId).toBe('claims');
  dataOf(await claim('oCLAIM2', 'tpl-cl', 'claims'));
  // Claimed, but not credited: a template the campaign does not offer, a campaign not started, one that does not exist, no campaign.
  for (const [templateId, campaignId] of [['tpl-other', 'claims'], ['tpl-cl', 'claims-later'], ['tpl-cl', 'no-such'], ['tpl-cl', undefined]] as const) {
    const plain = dataOf(await claim('oCLAIM3', templateId, campaignId));
    expect(plain.coupon.status).toBe('available');
    expect(plain.campaignId).toBeUndefined();
  }
  expect(errorOf(await claim('oCLAIM3', 'tpl-cl', '../x')).code).toBe('INVALID_ARGUMENT');
  const stored = await all(cloud, 'coupons', { templateId: 'tpl-cl' });
  expect(stored.filter((c) => c.campaignId === 'claims').map((c) => c._openid).sort()).toEqual(['oCLAIM1', 'oCLAIM2']);
  expect(stored.filter((c) => c.campaignId !== undefined && c.campaignId !== 'claims')).toEqual([]);
  // The shopper's view of a coupon does not carry the campaign.
  expect(credited.coupon).not.toHaveProperty('campaignId');

  // The campaign ended: a claim naming it is no longer credited.
  await cloud.setClock({ offsetMs: 48 * HOUR });
  try {
    expect(dataOf(await claim('oCLAIM4', 'tpl-cl', 'claims')).campaignId).toBeUndefined();
  } finally {
    await cloud.setClock({ reset: true });
  }
  const report = dataOf(await call(cloud, 'merchant', { action: 'campaignReport', campaignIds: ['claims', 'claims-later'] }, 'oMERCHANT'));
  expect(report.campaigns.map((f) => [f.campaignId, f.claims])).toEqual([['claims', 2], ['claims-later', 0]]);
});
