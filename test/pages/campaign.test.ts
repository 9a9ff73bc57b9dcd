// The campaign page (subpackage pages-campaign) on the real exparser (miniprogram-simulate) against a fake
// cloud typed by typings/api.ts: its states, and what it tells the server about the visit.
import type { CampaignView } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { cloudOf, fail, ok, summaries, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const PAGE = '../pages-campaign';
const HOUR = 3600_000;

function campaign(overrides: Partial<CampaignView> = {}): CampaignView {
  const now = Date.now();
  return { _id: 'spring', title: '春季上新', banner: 'https://cdn.example.com/b.png', intro: '新品九折', couponTemplateIds: [], startAt: now - HOUR, endAt: now + HOUR, phase: 'live', ...overrides };
}

test('a live campaign: banner, intro, its products, a place for coupons; an article entry sends its scene once', async () => {
  const fake = installWx(cloudOf({ 'catalog.campaign': () => ok({ campaign: campaign(), products: summaries(3) }), 'scenes.campaignVisit': () => ok({ recorded: true, attributed: true }) }));
  fake.enterOptions = { scene: 1058, path: 'pages-campaign/index', query: { id: 'spring' } };
  const page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(6);
  expect(text(page.querySelector('#campaign-title'))).toBe('春季上新');
  expect(text(page.querySelector('#campaign-intro'))).toBe('新品九折');
  expect(page.querySelector('#campaign-banner')).toBeTruthy();
  expect(page.querySelectorAll('.product-card')).toHaveLength(3);
  expect(page.querySelector('#campaign-coupons')).toBeTruthy();
  expect(page.querySelector('#campaign-phase')).toBeFalsy();
  const visits = fake.calls.filter((c) => c.data.action === 'campaignVisit');
  expect(visits.map((c) => c.data)).toEqual([{ action: 'campaignVisit', campaignId: 'spring', scene: 1058 }]);
  // A refresh reloads the page but is not a second visit.
  await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh();
  await settle(4);
  expect(fake.calls.filter((c) => c.data.action === 'campaignVisit')).toHaveLength(1);
  page.detach();
});

test('its coupons: the claim component with the campaign\'s templates and its id (claims name the campaign)', async () => {
  const template = { templateId: 'tpl-10', title: '满50减10', kind: 'amount' as const, amountOff: 1000, threshold: 5000, scope: { kind: 'all' as const }, validity: { kind: 'days' as const, days: 7 }, remaining: 9, held: 0, perShopperLimit: 1 };
  const fake = installWx(
    cloudOf({
      'catalog.campaign': () => ok({ campaign: campaign({ couponTemplateIds: ['tpl-10'] }), products: summaries(1) }),
      'scenes.campaignVisit': () => ok({ recorded: true, attributed: false }),
      'orders.claimableCoupons': () => ok({ templates: [template] }),
    }),
  );
  const page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(8);
  const claim = page.querySelector('#campaign-coupon-claim');
  expect(claim?.instance.data).toMatchObject({ templateIds: ['tpl-10'], campaignId: 'spring', title: '活动优惠券' });
  expect(text(page.querySelector('#campaign-coupons'))).toContain('满50减10');
  expect(fake.calls.filter((c) => c.data.action === 'claimableCoupons').map((c) => c.data)).toEqual([{ action: 'claimableCoupons', templateIds: ['tpl-10'] }]);
  page.detach();
});

test('reached from inside the app (after a QR scan), the visit carries no scene', async () => {
  const fake = installWx(cloudOf({ 'catalog.campaign': () => ok({ campaign: campaign(), products: [] }), 'scenes.campaignVisit': () => ok({ recorded: true, attributed: false }) }));
  fake.enterOptions = { scene: 1047, path: 'pages/catalog/index', query: { scene: 's%3Dabc' } };
  const page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(6);
  expect(fake.calls.find((c) => c.data.action === 'campaignVisit')!.data).toEqual({ action: 'campaignVisit', campaignId: 'spring' });
  expect(text(page.querySelector('#campaign-no-products'))).toContain('活动商品正在准备中');
  page.detach();
});

test('not started yet says when; ended says so with the way home and no products', async () => {
  const start = Date.now() + 2 * HOUR;
  let view = campaign({ phase: 'upcoming', startAt: start, endAt: start + HOUR });
  const fake = installWx(cloudOf({ 'catalog.campaign': () => ok({ campaign: view, products: summaries(2) }), 'scenes.campaignVisit': () => ok({ recorded: false, attributed: false }) }));
  let page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(6);
  expect(text(page.querySelector('#campaign-phase'))).toMatch(/^活动将于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 开始$/);
  expect(page.querySelectorAll('.product-card')).toHaveLength(2);
  page.detach();

  view = campaign({ phase: 'ended' });
  page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(6);
  expect(text(page.querySelector('#campaign-ended'))).toContain('活动已结束');
  expect(page.querySelectorAll('.product-card')).toHaveLength(0);
  page.querySelector('#campaign-home')!.dispatchEvent('tap');
  await settle();
  expect(fake.navigations.pop()).toEqual({ api: 'switchTab', url: '/pages/catalog/index' });
  page.detach();
});

test('an unknown campaign is the empty state with the way home; a failure is an error with retry; no id at all asks nothing', async () => {
  let answer: 'missing' | 'down' | 'ok' = 'missing';
  const fake = installWx(cloudOf({
    'catalog.campaign': () => (answer === 'missing' ? fail('NOT_FOUND', '活动不存在或已下线') : answer === 'down' ? fail('UNAVAILABLE', '网络不太稳定，请稍后重试') : ok({ campaign: campaign(), products: [] })),
    'scenes.campaignVisit': () => ok({ recorded: true, attributed: false }),
  }));
  let page = renderPage(PAGE, fake, { id: 'gone' });
  await settle(6);
  expect(page.instance.data.status).toBe('empty');
  expect(text(page)).toContain('活动不存在或已下线');
  expect(fake.calls.filter((c) => c.data.action === 'campaignVisit')).toHaveLength(0);
  page.detach();

  answer = 'down';
  page = renderPage(PAGE, fake, { id: 'spring' });
  await settle(6);
  expect(page.instance.data.status).toBe('error');
  answer = 'ok';
  // The state component's retry button emits `retry`, bound to onRetry.
  (page.instance as unknown as { onRetry(): void }).onRetry();
  await settle(6);
  expect(text(page.querySelector('#campaign-title'))).toBe('春季上新');
  page.detach();

  const calls = fake.calls.length;
  page = renderPage(PAGE, fake, {});
  await settle(4);
  expect(page.instance.data.status).toBe('empty');
  expect(fake.calls.length).toBe(calls);
  page.detach();
});
