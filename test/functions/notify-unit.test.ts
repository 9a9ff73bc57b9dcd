/**
 * Notice data (server/notice-data.ts) always fits WeChat's keyword rules, as the local cloud checks them
 * (emulator/openapi/subscribe.ts dataProblem): whatever the product titles, carriers, tracking numbers,
 * notes and amounts, for every kind, with the default keywords. And the retry rules per errcode.
 */
import fc from 'fast-check';
import { dataProblem } from '../../emulator/openapi/subscribe';
import { DEFAULT_KEYWORDS, NOTICE_KINDS, chinaTime, fitValue, goodsText, noticeData, noticeOutcome, NOTICE_MAX_ATTEMPTS } from '../../server/notice-data';
import { MAX_FEN } from '../../miniprogram/domain/money';

test('every kind builds data WeChat accepts, for any text and amount', () => {
  const text = fc.string({ unit: fc.constantFrom(...'纯棉毛巾加厚款ABCxyz0123 -_/（）！😀·'.split('')), minLength: 1, maxLength: 60 });
  fc.assert(
    fc.property(
      fc.array(fc.record({ title: text, qty: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 5 }),
      text,
      fc.stringMatching(/^[A-Za-z0-9-]{4,40}$/),
      fc.integer({ min: 1, max: MAX_FEN }),
      fc.boolean(),
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
      (lines, note, trackingNo, amount, formed, time) => {
        for (const kind of NOTICE_KINDS) {
          const data = noticeData(DEFAULT_KEYWORDS[kind], { orderNo: 'O1234567890abcdefABCDEF', goods: goodsText(lines), carrier: '顺丰速运', trackingNo, amount, result: formed ? '拼团成功' : '拼团失败', note, time });
          expect(dataProblem(data)).toBeNull();
        }
      },
    ),
  );
});

test('fitting: thing ≤ 20 characters with an ellipsis, character_string ASCII ≤ 32, phrase Chinese ≤ 5; China time', () => {
  expect([...fitValue('thing2', '一'.repeat(25))]).toHaveLength(20);
  expect(fitValue('thing2', '一'.repeat(25)).endsWith('…')).toBe(true);
  expect(fitValue('character_string1', '订单 O-1'.padEnd(40, 'x'))).toMatch(/^O-1x{29}$/);
  expect(fitValue('phrase3', '拼团成功啦，耶')).toBe('拼团成功啦');
  expect(goodsText([{ title: '毛巾', qty: 1 }])).toBe('毛巾');
  expect(goodsText([{ title: '毛巾', qty: 2 }, { title: '杯子', qty: 1 }])).toBe('毛巾 等3件');
  expect(chinaTime(Date.UTC(2026, 11, 3, 16, 5))).toBe('2026年12月4日 00:05');
});

test('outcomes: 43101 refused for good, configuration errors failed for good, the rest retried up to the limit', () => {
  expect(noticeOutcome(0, 1)).toEqual({ state: 'sent', retry: false });
  expect(noticeOutcome(43101, 1)).toEqual({ state: 'refused', retry: false });
  for (const code of [40003, 40037, 41030, 47003]) expect(noticeOutcome(code, 1)).toEqual({ state: 'failed', retry: false });
  expect(noticeOutcome(-1, 1)).toEqual({ state: 'failed', retry: true });
  expect(noticeOutcome(45009, NOTICE_MAX_ATTEMPTS)).toEqual({ state: 'failed', retry: false });
});
