/**
 * The campaign page in the store preview, in a real browser at phone (390 x 844) and desktop (1280 x 800)
 * sizes: the preview's home (campaign poster) code, scanned with the panel's control, opens the page of
 * the campaign printed on it, with its coupon to claim (the claim is credited to the campaign); an
 * ended campaign says so and offers the way home.
 */
import { connect, invokeFunction } from '../../admin/cloud';
import { callAction, dataOf } from '../../server/call-action';
import type { CampaignInput } from '../../typings/api';
import { swatchPng } from '../journeys/harness';
import { onRoute, phone, screenshot, startStore, toNewPage, until, type Store } from './harness';

jest.setTimeout(180_000);

let store: Store;
let save: (campaign: CampaignInput) => Promise<unknown>;
let base: CampaignInput;
beforeAll(async () => {
  store = await startStore();
  const tools = invokeFunction(connect({ kind: 'local', envId: store.cloud.envId, cloudUrl: store.cloud.url }));
  save = async (campaign) => dataOf(await callAction(tools, 'merchant', 'saveCampaign', { campaign }));
  const listed = dataOf(await callAction(tools, 'catalog', 'list', { pageSize: 4 }));
  const upload = await store.cloud.node().uploadFile({ cloudPath: 'campaigns/preview-banner.png', fileContent: swatchPng('#e4393c', 300) });
  dataOf(await callAction(tools, 'merchant', 'saveCouponTemplate', {
    create: true,
    template: { _id: 'preview-10off', title: '活动满99减10', kind: 'amount', amountOff: 1000, threshold: 9900, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: 100, perShopperLimit: 1 },
  }));
  const now = Date.now();
  // The preview's home code is printed with the campaign `preview` (admin/store-codes.ts).
  base = {
    _id: 'preview',
    title: '双十二 · 居家好物节',
    banner: upload.fileID,
    intro: '精选居家好物，限时特惠。\n活动期间满 99 元包邮。',
    productIds: listed.items.map((p) => p._id),
    couponTemplateIds: ['preview-10off'],
    startAt: now - 3600_000,
    endAt: now + 7 * 86_400_000,
  };
  await save(base);
});
afterAll(async () => {
  await store?.close();
});

/** At phone width the panel stacks under the phone: the picture starts at the top of the window. */
async function shot(page: import('playwright-core').Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function scanHomeCode(viewport: { width: number; height: number }) {
  const { context, page } = await store.open({ ...viewport, zoom: 1 });
  await page.selectOption('#code-select', 'home');
  await toNewPage(page, () => page.click('#scan-code'));
  await onRoute(page, 'pages-campaign/index');
  return { context, page };
}

test.each([
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
])('at $width x $height the campaign code opens the campaign page: banner, intro and its products', async (viewport) => {
  const { context, page } = await scanHomeCode(viewport);
  try {
    const frame = phone(page);
    expect(await until(() => frame.locator('#campaign-title').innerText(), (v) => v === base.title)).toBe(base.title);
    await frame.locator('#campaign-banner').waitFor();
    // aspectFill: the 1:1 picture covers the 2:1 banner, cropped, never tiled or stretched.
    expect(await frame.locator('#campaign-banner').evaluate((el) => [getComputedStyle(el).backgroundSize, getComputedStyle(el).backgroundRepeat])).toEqual(['cover', 'no-repeat']);
    expect(await frame.locator('.product-card').count()).toBe(base.productIds.length);
    await frame.locator('#claim-preview-10off').waitFor();
    expect(await frame.locator('#campaign-coupons').innerText()).toContain('活动满99减10');
    // Nothing sticks out of the 375 px phone.
    const widest = await frame.locator('body').evaluate((b) => Math.max(...Array.from(b.querySelectorAll('*')).map((el) => el.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(375);
    expect(await page.locator('#title').textContent()).toBe(base.title.slice(0, 16));
    await shot(page, `campaign-${viewport.width}`);
  } finally {
    await context.close();
  }
});

test('a coupon claimed on the page says so, and counts for the campaign', async () => {
  const { context, page } = await scanHomeCode({ width: 390, height: 844 });
  try {
    const frame = phone(page);
    const button = frame.locator('#claim-preview-10off');
    await until(() => button.innerText(), (v) => v === '立即领取');
    await button.click();
    expect(await until(() => button.innerText(), (v) => v === '已领取')).toBe('已领取');
    const claimed = (await store.cloud.node().database().collection('coupons').where({ templateId: 'preview-10off' }).get()).data;
    expect(claimed).toEqual([expect.objectContaining({ campaignId: 'preview', status: 'available' })]);
    await shot(page, 'campaign-coupon-claimed-390');
  } finally {
    await context.close();
  }
});

test('an ended campaign says so and offers the way home', async () => {
  await save({ ...base, startAt: base.startAt - 30 * 86_400_000, endAt: Date.now() - 60_000 });
  const { context, page } = await scanHomeCode({ width: 390, height: 844 });
  try {
    const frame = phone(page);
    await frame.locator('#campaign-ended').waitFor();
    expect(await frame.locator('#campaign-ended').innerText()).toContain('活动已结束');
    expect(await frame.locator('.product-card').count()).toBe(0);
    await shot(page, 'campaign-ended-390');
    await toNewPage(page, () => frame.locator('#campaign-home').click());
    await onRoute(page, 'pages/catalog/index');
  } finally {
    await context.close();
  }
});
