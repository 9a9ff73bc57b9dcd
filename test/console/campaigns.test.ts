/**
 * The console's campaign pages view in headless Chromium: define a campaign (with an uploaded banner),
 * refused input in the merchant's words, edit it, make its QR code through the QR code flow, copy its
 * article path, and its figures from merchant.campaignReport. Screenshots at phone and desktop widths.
 */
import { swatchPng } from '../journeys/harness';
import { useConsole } from './harness';

jest.setTimeout(180_000);

const ui = useConsole();
const ID = 'spring-2026';

const row = (id: string) => ui.page.locator(`.campaign-row[data-id="${id}"]`);

test('a merchant defines a campaign, edits it, makes its QR code, copies its article path and reads its figures', async () => {
  await ui.open('#/campaigns');
  await expect(ui.page.locator('#campaigns-empty').textContent()).resolves.toContain('还没有活动');

  await ui.page.fill('#campaign-id', ID);
  await ui.page.fill('#campaign-title', '春季上新');
  await ui.page.setInputFiles('#campaign-banner-file', { name: 'banner.png', mimeType: 'image/png', buffer: swatchPng('#e4393c', 200) });
  await ui.page.waitForFunction(`document.querySelector('#campaign-banner').value.startsWith('cloud://')`);
  await ui.page.fill('#campaign-intro', '新品九折，活动期间包邮。');
  const products = await ui.page.locator('#campaign-products option').evaluateAll((os) => os.slice(0, 3).map((o) => (o as HTMLOptionElement).value));
  await ui.page.selectOption('#campaign-products', products);
  await ui.page.fill('#campaign-coupons', 'tpl-10，tpl-20');
  // Refused: the end before the start, in the merchant's words; nothing saved.
  const start = await ui.page.inputValue('#campaign-start');
  await ui.page.fill('#campaign-end', start.replace(/^(\d{4})/, (y) => String(Number(y) - 1)));
  await ui.page.click('#campaign-save');
  // The refusal comes back from the function: wait for it rather than read at once.
  await ui.page.waitForFunction(`(document.querySelector('#campaign-error')?.textContent ?? '').includes('结束时间须晚于开始时间')`);
  expect((await ui.db().collection('campaigns').get()).data).toHaveLength(0);

  await ui.page.fill('#campaign-end', start.replace(/^(\d{4})/, (y) => String(Number(y) + 1)));
  await ui.page.click('#campaign-save');
  await row(ID).waitFor();
  const stored = (await ui.db().collection('campaigns').doc(ID).get()).data[0];
  expect(stored).toMatchObject({ title: '春季上新', productIds: products, couponTemplateIds: ['tpl-10', 'tpl-20'], banner: expect.stringMatching(/^cloud:\/\//) });
  await expect(row(ID).locator('.campaign-phase').textContent()).resolves.toBe('进行中');

  // Edit: the id is fixed, the title changes.
  await row(ID).locator('.campaign-edit').click();
  await expect(ui.page.locator('#campaign-form-title').textContent()).resolves.toBe(`编辑活动：${ID}`);
  expect(await ui.page.isDisabled('#campaign-id')).toBe(true);
  await ui.page.fill('#campaign-title', '春季上新 · 第二波');
  await ui.page.click('#campaign-save');
  await ui.page.waitForFunction(`document.querySelector('.campaign-row[data-id="${ID}"] .campaign-name').textContent === '春季上新 · 第二波'`);

  // Its QR code: the QR code flow, printed with the campaign (it opens the campaign page when scanned).
  await row(ID).locator('.campaign-qr-channel').fill('store-poster');
  await row(ID).locator('.campaign-make-qr').click();
  await ui.page.locator('#campaign-qr img.qr-preview').waitFor();
  const scenes = (await ui.db().collection('scenes').where({ campaign: ID }).get()).data;
  expect(scenes).toEqual([expect.objectContaining({ campaign: ID, channel: 'store-poster', target: { page: 'pages/catalog/index', query: {} } })]);

  // The article path.
  await expect(row(ID).locator('.campaign-path').inputValue()).resolves.toBe(`pages-campaign/index?id=${ID}`);
  await row(ID).locator('.campaign-copy-path').click();
  await ui.page.waitForFunction(`document.getElementById('toast').textContent.includes('pages-campaign/index?id=${ID}')`);

  // Figures, from what the server recorded.
  const now = Date.now();
  await ui.db().collection('scans').add([{ _openid: 'oA', kind: 'qr', at: now, campaign: ID, sceneCode: 's=x' }, { _openid: 'oB', kind: 'article', at: now, campaign: ID }]);
  await ui.db().collection('campaign_visits').add([
    { _openid: 'oA', campaignId: ID, at: now, scene: null, article: false },
    { _openid: 'oB', campaignId: ID, at: now, scene: 1058, article: true },
    { _openid: 'oB', campaignId: ID, at: now, scene: 1058, article: true },
  ]);
  // Two coupons claimed on its page (the server wrote the campaign on them), one claimed elsewhere.
  await ui.db().collection('coupons').add([
    { _openid: 'oA', templateId: 'tpl-10', campaignId: ID, status: 'available', validUntil: now + 86_400_000 },
    { _openid: 'oB', templateId: 'tpl-10', campaignId: ID, status: 'used', validUntil: now + 86_400_000 },
    { _openid: 'oC', templateId: 'tpl-10', status: 'available', validUntil: now + 86_400_000 },
  ]);
  await ui.db().collection('orders').add([
    { _openid: 'oB', status: 'paid', total: 5900, attribution: { campaign: ID }, createdAt: now, lines: [] },
    { _openid: 'oA', status: 'cancelled', total: 2500, attribution: { campaign: ID }, createdAt: now, lines: [] },
  ]);
  await ui.page.click('#campaigns-refresh');
  await ui.page.waitForFunction(`document.querySelector('.campaign-row[data-id="${ID}"] .campaign-revenue').textContent === '¥59.00'`);
  const figures = await row(ID).evaluate((tr) => ['scans', 'visits', 'visitors', 'claims', 'orders'].map((k) => tr.querySelector(`.campaign-${k}`)!.textContent));
  expect(figures).toEqual(['1', '3 (2)', '2', '2', '2 (1)']);
  await ui.shots('campaigns');
});
