/**
 * The console's words and formats, without a browser: every key in both languages with the same
 * {placeholders}, every order status named, dates in UTC+8 near midnight UTC, CSV with its BOM.
 */
import { ORDER_STATUSES } from '../../miniprogram/domain/order-state';
import { chinaDayStart, errorText, fromLocalInput, normalizeDateTime, normalizeDay, toLocalInput, formatDate, formatDateTime, LANGS, MESSAGES, money, statusLabel, translate, type MessageKey } from '../../console/ui/i18n';
import { toCsv, UTF8_BOM } from '../../console/ui/csv';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every key has a non-empty text in both languages, with the same placeholders', () => {
  const zh = Object.keys(MESSAGES.zh).sort();
  const en = Object.keys(MESSAGES.en).sort();
  expect(en).toEqual(zh);
  for (const key of zh as MessageKey[]) {
    for (const lang of LANGS) expect({ key, lang, empty: MESSAGES[lang][key].trim() === '' }).toEqual({ key, lang, empty: false });
    expect({ key, en: placeholders(MESSAGES.en[key]) }).toEqual({ key, en: placeholders(MESSAGES.zh[key]) });
  }
});

test('the Chinese table is Chinese and the English one is not', () => {
  const han = /\p{Script=Han}/u;
  // Words that are the same in both (SKU, CSV, PNG, JSON) are allowed without Han characters.
  const latinOnly = (Object.keys(MESSAGES.zh) as MessageKey[]).filter((k) => !han.test(MESSAGES.zh[k]));
  expect(latinOnly).toEqual(['error.separator']); // the full-width colon
  const hanInEnglish = (Object.keys(MESSAGES.en) as MessageKey[]).filter((k) => han.test(MESSAGES.en[k]));
  expect(hanInEnglish).toEqual([]);
});

test('every order status has a label in both languages', () => {
  for (const status of ORDER_STATUSES) {
    expect(statusLabel(status, 'zh')).not.toBe(status);
    expect(statusLabel(status, 'en')).not.toBe(status);
  }
  expect(statusLabel('paid', 'zh')).toBe('待发货');
  expect(statusLabel('paid', 'en')).toBe('To ship');
  expect(statusLabel('someday_status', 'en')).toBe('someday_status');
});

test('placeholders are filled; unknown ones stay visible', () => {
  expect(translate('zh', 'orders.count', { n: 3 })).toBe('共 3 个订单');
  expect(translate('en', 'orders.count', { n: 3 })).toBe('3 order(s)');
  expect(translate('en', 'editor.saved', { id: 'p1' })).toBe('Saved p1 (price {price})');
});

describe('dates are shown in UTC+8 whatever the machine zone', () => {
  test('just before midnight UTC is the next morning in China', () => {
    const ms = Date.UTC(2026, 11, 31, 23, 59, 30);
    expect(formatDateTime(ms)).toBe('2027-01-01 07:59');
    expect(formatDate(ms)).toBe('2027-01-01');
  });

  test('16:00 UTC is midnight of the next day; 15:59 UTC is still the same day', () => {
    expect(formatDateTime(Date.UTC(2026, 1, 28, 16, 0))).toBe('2026-03-01 00:00');
    expect(formatDateTime(Date.UTC(2026, 1, 28, 15, 59))).toBe('2026-02-28 23:59');
  });

  test('EJSON dates and ISO strings too; nothing for no date', () => {
    expect(formatDateTime({ $date: '2026-03-01T16:30:00.000Z' })).toBe('2026-03-02 00:30');
    expect(formatDateTime({ $date: { $numberLong: String(Date.UTC(2026, 2, 1, 16, 30)) } })).toBe('2026-03-02 00:30');
    expect(formatDateTime('2026-03-01T16:30:00Z')).toBe('2026-03-02 00:30');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('yesterday')).toBe('');
  });

  test('a picked day starts at midnight in China', () => {
    expect(chinaDayStart('2026-03-02')).toBe('2026-03-02T00:00:00+08:00');
    expect(Date.parse(chinaDayStart('2026-03-02'))).toBe(Date.UTC(2026, 2, 1, 16, 0));
    expect(chinaDayStart('')).toBe('');
    expect(chinaDayStart('2026/3/2')).toBe('2026-03-02T00:00:00+08:00');
    // Not a day: sent as typed, for the server to refuse by name.
    expect(chinaDayStart('03/02/2026')).toBe('03/02/2026');
  });

  test('date fields are year first in China time; only real days and times are read', () => {
    expect(normalizeDay('2026-3-2')).toBe('2026-03-02');
    expect(normalizeDay(' 2026/03/02 ')).toBe('2026-03-02');
    expect(normalizeDay('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '03/02/2026', '2026-03', '']) expect(normalizeDay(bad)).toBeNull();
    expect(normalizeDateTime('2026-03-02 9:05')).toBe('2026-03-02 09:05');
    expect(normalizeDateTime('2026-03-02T14:00')).toBe('2026-03-02 14:00');
    for (const bad of ['2026-03-02 24:00', '2026-03-02 12:60', '2026-03-02', '03/02/2026 2:00 PM', '2026-02-30 10:00']) expect(normalizeDateTime(bad)).toBeNull();
    // What a field shows is the instant on a clock in China, and reads back as the same instant.
    const ms = Date.UTC(2026, 2, 1, 16, 30);
    expect(toLocalInput(ms)).toBe('2026-03-02 00:30');
    expect(fromLocalInput('2026-03-02 00:30')).toBe(ms);
    expect(fromLocalInput('2026-03-02T00:30')).toBe(ms);
    expect(fromLocalInput('2026-03-02')).toBeNaN();
    expect(fromLocalInput('')).toBeNaN();
  });
});

test('money: integer fen as yuan; anything else shown as it is', () => {
  expect(money(5900)).toBe('¥59.00');
  expect(money(5)).toBe('¥0.05');
  expect(money('59')).toBe('"59"');
  expect(money(undefined)).toBe('');
});

test('CSV starts with the UTF-8 BOM, quotes what needs quoting and defuses formulas', () => {
  const csv = toCsv(['订单号', '备注'], [['o1', '红色, 大号'], ['o2', 'say "hi"'], ['o3', '=HYPERLINK("x")'], ['o4', -12.5], ['o5', null]]);
  expect(csv.startsWith(UTF8_BOM)).toBe(true);
  expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(csv.slice(1).split('\r\n')).toEqual(['订单号,备注', 'o1,"红色, 大号"', 'o2,"say ""hi"""', `o3,"'=HYPERLINK(""x"")"`, 'o4,-12.5', 'o5,', '']);
});

test('a failed call reads as its kind of failure in the language, then the server detail', () => {
  const refused = Object.assign(new Error('order o1 is shipped; "ship" needs paid'), { code: 'INVALID_STATE' });
  expect(errorText(refused)).toBe('当前状态不允许此操作：order o1 is shipped; "ship" needs paid');
  expect(errorText(Object.assign(new Error('odd'), { code: 'SOMETHING_NEW' }))).toBe('odd');
  expect(errorText(new TypeError('Failed to fetch'))).toBe('网络错误，请检查本地云是否在运行（Failed to fetch）');
});
