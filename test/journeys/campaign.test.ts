/**
 * Campaign pages as the shopper meets them: the merchant defines a campaign (merchant.saveCampaign) and
 * prints a code for it; a scan lands on the campaign's page with its products; the page's path pasted
 * into an Official Account article (launch scene 1058) opens it too, and the server records that visit
 * and credits the reader's order to the campaign; the per-campaign report counts all of it.
 */
import { decodeQrPng } from '../../simulator/qr';
import { CAMPAIGN_PAGE } from '../../miniprogram/domain/campaigns';
import { JOURNEY_TIMEOUT, REAL, answerPrivacy, mustFind, pid, tap, tapElement, textOf, useShop } from './harness';

const shop = useShop();
const DAY = 86_400_000;

test('a campaign code opens its page; its article path is a visit attributed like a scan; the report counts scans, visits and orders', async () => {
  const J = '09-campaign-page';
  const id = `${pid('spring')}`.slice(0, 32);
  const [tee, mug] = [pid('tee'), pid('mug')];
  const now = Date.now();
  const saved = await shop().invoke('merchant', {
    action: 'saveCampaign',
    create: true,
    campaign: { _id: id, title: '春日上新', banner: '', intro: '春天的第一件T恤和一只好杯子。\n活动期间下单包邮。', productIds: [tee, mug], couponTemplateIds: [], startAt: now - DAY, endAt: now + 7 * DAY },
  }, 'o_merchant');
  expect(saved.ok).toBe(true);
  // The poster code is printed for the home page with the campaign on it (the console's campaign code).
  const created = await shop().invoke('scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, campaign: id, channel: 'poster' }, 'o_merchant');
  expect(created.ok).toBe(true);

  // 1. A scan lands on the campaign page, not the home page.
  const scanner = await shop().switchUser('campaign_scanner');
  let page = await shop().scanQr(decodeQrPng(await shop().downloadFile(created.data.fileID)));
  expect(page.path).toBe(CAMPAIGN_PAGE);
  expect(await textOf(page, '#campaign-title')).toBe('春日上新');
  expect(await textOf(page, '#campaign-intro')).toContain('活动期间下单包邮');
  expect(((await page.data('products')) as { title: string }[]).map((p) => p.title)).toEqual(['纯棉T恤', '陶瓷马克杯']);
  expect(await page.$$('.product-card')).toHaveLength(2);
  expect(await page.$('#campaign-coupons')).not.toBeNull();
  await shop().shot(J, 'scanned');

  // 2. The article link: the page path with ?id=, opened from an Official Account article (1058).
  const reader = await shop().switchUser('article_reader');
  page = await shop().relaunch({ scene: 1058, path: CAMPAIGN_PAGE, query: { id } });
  expect(page.path).toBe(CAMPAIGN_PAGE);
  expect(await textOf(page, '#campaign-title')).toBe('春日上新');
  await shop().shot(J, 'article');
  if (!REAL) {
    const visits = await shop().where('campaign_visits', { campaignId: id });
    expect(visits.map((v) => [v._openid, v.scene, v.article]).sort()).toEqual([[reader, 1058, true], [scanner, null, false]].sort());
    expect((await shop().where('scans', { kind: 'article', campaign: id })).map((s) => s._openid)).toEqual([reader]);
  }

  // The reader buys the mug from the campaign page: the order is credited to the campaign by the server.
  const cards = await page.$$('.product-card');
  const mugCard = await cards[1].$('.pc');
  if (!mugCard) throw new Error('the product card renders no .pc');
  await tapElement(mugCard);
  page = await shop().page();
  expect(page.path).toBe('pages-shop/product/index');
  await tap(page, '#buy-now');
  page = await shop().page();
  if (!(await page.$('#address-view'))) {
    await tap(page, '#choose-address');
    await answerPrivacy(page, 'agree');
  }
  await tap(page, '#checkout-submit');
  page = await shop().page();
  expect(page.path).toBe('pages-shop/pay-result/index');
  const order = await shop().doc('orders', String(await page.data('orderId')));
  expect(order.attribution).toMatchObject({ campaign: id });
  expect(order.attribution.sceneCode).toBeUndefined();

  // 3. The merchant's report for the campaign.
  const report = await shop().invoke('merchant', { action: 'campaignReport', campaignIds: [id] }, 'o_merchant');
  expect(report.ok).toBe(true);
  expect(report.data.campaigns[0]).toMatchObject({ campaignId: id, scans: 1, visits: 2, articleVisits: 1, visitors: 2, orders: 1 });
  if (!REAL) expect(report.data.campaigns[0]).toMatchObject({ paidOrders: 1, revenue: order.total });
  await mustFind(page, '#pay-result-title');
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
