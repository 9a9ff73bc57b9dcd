/** Pure parts of the campaign code (no emulator): stored documents read defensively, the request schemas. */
import { asCampaign, landingTarget } from '../../server/campaigns';
import { parseEvent } from '../../server/events';

describe('asCampaign', () => {
  test('a hand-edited document is read field by field: wrong types become empty, non-strings leave the lists', () => {
    expect(asCampaign({ _id: 'c1', title: '春', banner: 7, productIds: ['p1', 3, null, 'p2'], couponTemplateIds: 'x', startAt: '2026', endAt: 5 })).toEqual({
      _id: 'c1', title: '春', banner: '', intro: '', productIds: ['p1', 'p2'], couponTemplateIds: [], startAt: 0, endAt: 5, createdAt: 0, updatedAt: 0,
    });
  });
  test('not a campaign at all: null', () => {
    expect(asCampaign(null)).toBeNull();
    expect(asCampaign({ _id: 'c1' })).toBeNull();
    expect(asCampaign({ title: 'x' })).toBeNull();
  });
});

test('a code for a page other than the home page opens its own target without reading anything', async () => {
  const target = { page: 'pages/product/index', query: { id: 'p1' } };
  await expect(landingTarget(target, 'spring')).resolves.toBe(target);
  const home = { page: 'pages/catalog/index', query: {} };
  await expect(landingTarget(home, undefined)).resolves.toBe(home);
});

describe('the saveCampaign schema', () => {
  const good = { _id: 'spring', title: '春', banner: '', intro: '', productIds: ['p1'], couponTemplateIds: [], startAt: 1, endAt: 2 };
  test('copies only the named fields', () => {
    const parsed = parseEvent('merchant', { action: 'saveCampaign', campaign: { ...good, $set: 1, revision: 3 } });
    expect(parsed).toEqual({ ok: true, action: 'saveCampaign', request: { campaign: good } });
  });
  test('a refused field is named in the merchant\'s words', () => {
    const parsed = parseEvent('merchant', { action: 'saveCampaign', campaign: { ...good, endAt: 'tomorrow' } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: '请填写活动的开始和结束时间', issues: [{ path: 'campaign.endAt' }] } });
    const id = parseEvent('merchant', { action: 'saveCampaign', campaign: { ...good, _id: 'a b' } });
    if (!id.ok) expect(id.envelope).toMatchObject({ error: { message: expect.stringContaining('活动编号') } });
    else throw new Error('an id with a space was accepted');
  });
  test('a visit names a campaign token and a launch scene', () => {
    expect(parseEvent('scenes', { action: 'campaignVisit', campaignId: 'spring', scene: 1058 }).ok).toBe(true);
    expect(parseEvent('scenes', { action: 'campaignVisit', campaignId: 'spring', scene: 58 }).ok).toBe(false);
    expect(parseEvent('scenes', { action: 'campaignVisit', campaignId: { $ne: '' } }).ok).toBe(false);
  });
});

test('a claim may name the campaign page it was made on, as a campaign token', () => {
  expect(parseEvent('orders', { action: 'claimCoupon', templateId: 'tpl-10', campaignId: 'spring' })).toEqual({ ok: true, action: 'claimCoupon', request: { templateId: 'tpl-10', campaignId: 'spring' } });
  expect(parseEvent('orders', { action: 'claimCoupon', templateId: 'tpl-10' })).toEqual({ ok: true, action: 'claimCoupon', request: { templateId: 'tpl-10' } });
  expect(parseEvent('orders', { action: 'claimCoupon', templateId: 'tpl-10', campaignId: { $ne: '' } }).ok).toBe(false);
  expect(parseEvent('orders', { action: 'claimCoupon', templateId: 'tpl-10', campaignId: 'a b' }).ok).toBe(false);
});
