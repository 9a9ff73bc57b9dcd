/**
 * Campaign pages as the shopper meets them: the merchant defines a campaign (merchant.saveCampaign) and
 * prints a code for it; a scan lands on the campaign's page with its products; the page's path pasted
 * into an Official Account article (launch scene 1058) opens it too, and the server records that visit
 * and credits the reader's order to the campaign; the per-campaign report counts all of it. A coupon
 * claimed on the page is credited to the campaign and makes the order cost less.
 */
import { decodeQrPng } from '../../simulator/qr';
import { CAMPAIGN_PAGE } from '../../miniprogram/domain/campaigns';
import { JOURNEY_TIMEOUT, REAL, buyNow, chooseAddressIfNone, mustFind, pid, submitOrder, tap, tapElement, tapIn, textOf, useShop } from './harness';

const shop = useShop();
const DAY = 86_400_000;

/**
 * The merchant defines a campaign (merchant.saveCampaign) and prints its poster code for the home page
 * with the campaign on it (the console's campaign code). Returns the code picture's fileID.
 */
async function saveCampaignWithPosterCode(campaign: { _id: string } & Record<string, unknown>): Promise<string> {
  const saved = await shop().invoke('merchant', { action: 'saveCampaign', create: true, campaign }, 'o_merchant');
  expect(saved.ok).toBe(true);
  const created = await shop().invoke('scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, campaign: campaign._id, channel: 'poster' }, 'o_merchant');
  expect(created.ok).toBe(true);
  return created.data.fileID;
}

test('a campaign code opens its page; its article path is a visit attributed like a scan; the report counts scans, visits and orders', async () => {
  const J = '09-campaign-page';
  const id = `${pid('spring')}`.slice(0, 32);
  const [tee, mug] = [pid('tee'), pid('mug')];
  const now = Date.now();
  const poster = await saveCampaignWithPosterCode({ _id: id, title: '春日上新', banner: '', intro: '春天的第一件T恤和一只好杯子。\n活动期间下单包邮。', productIds: [tee, mug], couponTemplateIds: [], startAt: now - DAY, endAt: now + 7 * DAY });

  // 1. A scan lands on the campaign page, not the home page.
  const scanner = await shop().switchUser('campaign_scanner');
  let page = await shop().scanQr(decodeQrPng(await shop().downloadFile(poster)));
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
  await chooseAddressIfNone(page);
  page = await submitOrder(shop(), page);
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

test('scan a campaign code, claim its coupon on the page and pay less; the report counts the claim and the order (on the cloud clock)', async () => {
  const J = '09-campaign-coupon';
  const id = `${pid('autumn')}`.slice(0, 32);
  const templateId = pid('autumn-5off');
  const mug = pid('mug');
  const cloud = REAL ? null : shop().cloud!;
  // The campaign runs around the cloud's own time: the server decides what is live by its clock.
  if (cloud) await cloud.setClock({ freeze: true });
  const t0 = cloud ? ((await cloud.local('GET', '/clock')).json.now as number) : Date.now();
  try {
    const template = await shop().invoke('merchant', {
      action: 'saveCouponTemplate',
      create: true,
      template: { _id: templateId, title: '秋日满20减5', kind: 'amount', amountOff: 500, threshold: 2000, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1 },
    }, 'o_merchant');
    expect(template.ok).toBe(true);
    const poster = await saveCampaignWithPosterCode({ _id: id, title: '秋日好物', banner: '', intro: '领券满20减5。', productIds: [mug], couponTemplateIds: [templateId], startAt: t0 - DAY, endAt: t0 + DAY });

    // The scan lands on the campaign page with its coupon to claim.
    const openid = await shop().switchUser('campaign_claimer');
    let page = await shop().scanQr(decodeQrPng(await shop().downloadFile(poster)));
    expect(page.path).toBe(CAMPAIGN_PAGE);
    expect(await textOf(page, '#campaign-coupons')).toContain('秋日满20减5');
    await shop().shot(J, 'coupon-offered');
    await tapIn(page, '#campaign-coupon-claim', `#claim-${templateId}`);
    expect((await shop().native()).toast).toMatchObject({ title: '领取成功' });
    expect(await textOf(page, '#campaign-coupons')).toContain('已领取');
    await shop().shot(J, 'coupon-claimed');
    const claimed = await shop().where('coupons', { templateId });
    expect(claimed).toHaveLength(1);
    if (!REAL) expect(claimed[0]).toMatchObject({ _openid: openid, campaignId: id });

    // The mug from the campaign page, paid with the coupon: 25.00 + 8.00 shipping − 5.00.
    const card = await (await page.$$('.product-card'))[0].$('.pc');
    if (!card) throw new Error('the product card renders no .pc');
    await tapElement(card);
    page = await shop().page();
    page = await buyNow(shop(), page);
    expect(await textOf(page, '#coupon-picker')).toContain('-¥5.00');
    expect(await textOf(page, '#checkout-total')).toBe('¥28.00');
    await chooseAddressIfNone(page);
    page = await submitOrder(shop(), page);
    expect(await textOf(page, '#pay-result-title')).toBe('支付成功');
    const order = await shop().doc('orders', String(await page.data('orderId')));
    expect(order).toMatchObject({ total: 2800, status: 'paid', attribution: { campaign: id }, coupon: { couponId: claimed[0]._id, discount: 500 } });

    // The order list ("我的" → 全部订单) says what the coupon took off.
    const me = await shop().switchTab('/pages/me/index');
    await tap(me, '#me-all-orders');
    page = await shop().page();
    expect(page.path).toBe('pages-order/list/index');
    expect((await textOf(page, '.order-coupon')).replace(/\s/g, '')).toBe('优惠券-¥5.00');
    await shop().shot(J, 'orders');

    const report = await shop().invoke('merchant', { action: 'campaignReport', campaignIds: [id] }, 'o_merchant');
    expect(report.ok).toBe(true);
    expect(report.data.campaigns[0]).toMatchObject({ campaignId: id, scans: 1, visits: 1, claims: 1, orders: 1, paidOrders: 1, revenue: 2800 });

    if (cloud) {
      // Past its end on the cloud's clock: the page says so and offers no coupons.
      await cloud.setClock({ frozenAt: t0 + 2 * DAY });
      page = await shop().relaunch({ path: CAMPAIGN_PAGE, query: { id } });
      await mustFind(page, '#campaign-ended');
      expect(await page.$('#campaign-coupons')).toBeNull();
      await shop().shot(J, 'ended');
    }
    expect(shop().exceptions).toEqual([]);
  } finally {
    if (cloud) await cloud.setClock({ reset: true });
  }
}, JOURNEY_TIMEOUT);
