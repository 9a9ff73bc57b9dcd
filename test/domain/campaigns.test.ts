import { ARTICLE_SCENES, campaignPagePath, campaignPhase, campaignProblems, isArticleScene, orderCampaigns } from '../../miniprogram/domain/campaigns';
import type { CampaignInput } from '../../typings/api';

const T = Date.UTC(2026, 11, 1);
const HOUR = 3600_000;

function input(overrides: Partial<CampaignInput> = {}): CampaignInput {
  return { _id: 'spring', title: '春季上新', banner: '', intro: '', productIds: ['p1', 'p2'], couponTemplateIds: [], startAt: T, endAt: T + 24 * HOUR, ...overrides };
}

describe('campaignPhase', () => {
  const c = { startAt: T, endAt: T + HOUR };
  test('upcoming before the start, live from the start, ended at the end', () => {
    expect(campaignPhase(c, T - 1)).toBe('upcoming');
    expect(campaignPhase(c, T)).toBe('live');
    expect(campaignPhase(c, T + HOUR - 1)).toBe('live');
    expect(campaignPhase(c, T + HOUR)).toBe('ended');
  });
});

describe('orderCampaigns', () => {
  test('live (ending soonest) first, then upcoming (starting soonest), then ended (latest first); ties by id', () => {
    const now = T;
    const list = [
      { _id: 'ended-old', startAt: T - 10 * HOUR, endAt: T - 5 * HOUR },
      { _id: 'soon', startAt: T + HOUR, endAt: T + 9 * HOUR },
      { _id: 'live-long', startAt: T - HOUR, endAt: T + 9 * HOUR },
      { _id: 'ended-new', startAt: T - 10 * HOUR, endAt: T - HOUR },
      { _id: 'live-short-b', startAt: T - HOUR, endAt: T + HOUR },
      { _id: 'live-short-a', startAt: T - 2 * HOUR, endAt: T + HOUR },
      { _id: 'later', startAt: T + 5 * HOUR, endAt: T + 9 * HOUR },
    ];
    expect(orderCampaigns(list, now).map((c) => c._id)).toEqual(['live-short-a', 'live-short-b', 'live-long', 'soon', 'later', 'ended-new', 'ended-old']);
    // Pure: the input keeps its order.
    expect(list[0]._id).toBe('ended-old');
  });
});

describe('campaignProblems', () => {
  test('a good definition has none; a cloud file id or an https URL is a banner', () => {
    expect(campaignProblems(input())).toEqual([]);
    expect(campaignProblems(input({ banner: 'cloud://env-1.abc/campaigns/b.png' }))).toEqual([]);
    expect(campaignProblems(input({ banner: 'https://cdn.example.com/b.jpg' }))).toEqual([]);
  });

  test.each([
    ['_id', input({ _id: 'x'.repeat(33) })],
    ['_id', input({ _id: 'has space' })],
    ['title', input({ title: '   ' })],
    ['title', input({ title: '长'.repeat(41) })],
    ['banner', input({ banner: 'http://insecure.example.com/b.png' })],
    ['banner', input({ banner: 'javascript:alert(1)' })],
    ['intro', input({ intro: '字'.repeat(1001) })],
    ['productIds', input({ productIds: ['p1', 'p1'] })],
    ['productIds', input({ productIds: ['bad id'] })],
    ['productIds', input({ productIds: Array.from({ length: 51 }, (_, i) => `p${i}`) })],
    ['couponTemplateIds', input({ couponTemplateIds: ['t1', 't1'] })],
    ['endAt', input({ endAt: T })],
    ['startAt', input({ startAt: Number.NaN })],
  ])('refuses %s', (field, value) => {
    expect(campaignProblems(value).map((p) => p.field)).toContain(field);
  });
});

describe('article scenes and the article path', () => {
  test('Official Account article, menu and chat entries are article scenes; QR codes and share cards are not', () => {
    for (const scene of [1035, 1058, 1067, 1074, 1082, 1091]) expect(isArticleScene(scene)).toBe(true);
    for (const scene of [1001, 1007, 1011, 1047, 1048, undefined, '1058']) expect(isArticleScene(scene)).toBe(false);
    expect(ARTICLE_SCENES).toContain(1058);
  });

  test('the path carries the campaign id', () => {
    expect(campaignPagePath('spring-2026')).toBe('pages-campaign/index?id=spring-2026');
  });
});
