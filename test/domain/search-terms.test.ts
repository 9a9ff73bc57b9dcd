/**
 * The search tokenizer: what a product is indexed by, what a query asks for, and the query set
 * (test/support/search-queries) matched against the demo catalog's keywords as the index would.
 */
import { DEMO_CATEGORIES, demoProducts } from '../../admin/demo-catalog';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import { indexTokens, MAX_KEYWORDS, productKeywords, queryTokens, sameKeywords, withKeywords } from '../../miniprogram/domain/search-terms';
import { SEARCH_CASES } from '../support/search-queries';

test('Chinese runs index their characters and bigrams; a query of two or more characters asks for bigrams', () => {
  expect(indexTokens('马克杯').sort()).toEqual(['克', '克杯', '杯', '马', '马克'].sort());
  expect(queryTokens('马克杯')).toEqual(['马克', '克杯']);
  expect(queryTokens('杯')).toEqual(['杯']);
  // Punctuation and spaces separate runs: no bigram across them.
  expect(indexTokens('陶瓷，杯')).not.toContain('瓷杯');
});

test('latin words are lowercased (full-width too) and split into letter and number parts in the index', () => {
  expect(indexTokens('iPhone15 Pro')).toEqual(expect.arrayContaining(['iphone15', 'iphone', '15', 'pro']));
  expect(indexTokens('可乐 1.5L')).toEqual(expect.arrayContaining(['1.5l', '1.5', 'l']));
  expect(queryTokens('ｉＰｈｏｎｅ１５')).toEqual(['iphone15']);
  expect(queryTokens('Type-C 数据线')).toEqual(['数据', '据线', 'type', 'c']);
  expect(queryTokens('iPhone手机壳')).toEqual(['手机', '机壳', 'iphone']);
});

test('a query with nothing searchable gives no tokens; repeats are dropped and long queries bounded', () => {
  for (const q of ['', '   ', '!!!', '.*', '（）', '😀']) expect(queryTokens(q)).toEqual([]);
  // Operator-looking text is only words: plain values compared for equality.
  expect(queryTokens('{"$gt":""}')).toEqual(['gt']);
  expect(queryTokens('杯 杯 CUP cup')).toEqual(['杯', 'cup']);
  expect(queryTokens('一二三四五六七八九十甲乙丙丁戊己庚辛').length).toBe(12);
});

test('product keywords: title, category name, spec values and merchant terms; sorted, bounded, stable', () => {
  const product = { title: '北欧马克杯', categoryId: 'c-home', specs: [{ name: '容量', values: ['350ml'] }], searchTerms: ['杯子'] };
  const keywords = withKeywords(product, new Map([['c-home', '家居']])).keywords;
  expect(keywords).toEqual(expect.arrayContaining(['北欧', '马克', '克杯', '家居', '350ml', '350', 'ml', '杯子']));
  expect(keywords).not.toContain('容量'); // spec names would make every product with a capacity match
  expect(keywords).toEqual([...keywords].sort());
  expect(sameKeywords(keywords, productKeywords({ ...product, categoryName: '家居' }))).toBe(true);
  expect(sameKeywords(undefined, keywords)).toBe(false);
  const huge = { title: '长'.repeat(10), specs: [{ name: 'n', values: Array.from({ length: 30 }, (_, i) => `值${String.fromCharCode(0x4e00 + i * 37)}${String.fromCharCode(0x4e00 + i * 53)}词${i}`) }], searchTerms: Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(0x5000 + i * 97)}${String.fromCharCode(0x6000 + i * 89)}${String.fromCharCode(0x7000 + i * 61)}`.repeat(6)) };
  expect(productKeywords(huge).length).toBeLessThanOrEqual(MAX_KEYWORDS);
});

test('the normalizer keeps valid merchant terms and turns bad ones into warnings, never a refused product', () => {
  const base = demoProducts()[0];
  const ok = normalizeProduct({ ...base, searchTerms: [' 杯子 ', '杯子', '水杯'], keywords: ['x'] });
  expect(ok.ok && ok.product.searchTerms).toEqual(['杯子', '水杯']);
  expect(ok.ok && ok.warnings).toEqual([]);
  const bad = normalizeProduct({ ...base, searchTerms: ['好', 3, '', '超'.repeat(21)] });
  expect(bad.ok).toBe(true);
  if (!bad.ok) return;
  expect(bad.product.searchTerms).toEqual(['好']);
  expect(bad.warnings.map((w) => w.field)).toEqual(['searchTerms[1]', 'searchTerms[2]', 'searchTerms[3]']);
  const notList = normalizeProduct({ ...base, searchTerms: '杯子' });
  expect(notList.ok && notList.warnings[0]).toMatchObject({ field: 'searchTerms' });
  expect(notList.ok && notList.product.searchTerms).toBeUndefined();
});

describe('the query set over the demo catalog, matched as the index matches (every query token among the keywords)', () => {
  const names = new Map(DEMO_CATEGORIES.map((c) => [c._id, c.name]));
  const indexed = demoProducts().map((p) => withKeywords(p, names));
  test.each(SEARCH_CASES.map((c) => [c.query, c.why, c.expected] as const))('%s (%s)', (query, _why, expected) => {
    const tokens = queryTokens(query);
    const found = tokens.length === 0 ? [] : indexed.filter((p) => p.status === 'on_shelf' && tokens.every((t) => p.keywords.includes(t))).map((p) => p._id);
    expect(found.sort()).toEqual([...expected].sort());
  });
});
