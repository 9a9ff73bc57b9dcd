/**
 * The search query set: what shoppers type into the demo catalog (admin/demo-catalog, the fixture
 * catalog: 41 products, `demo-p17` is 北欧哑光陶瓷马克杯 with the merchant's terms 杯子/水杯/咖啡杯/陶瓷杯,
 * `demo-p35` is 液态硅胶手机壳 with spec values iPhone 15 / iPhone 15 Pro / iPhone 16) and the products
 * each must find, written out by hand. `demo-p40` (声波电动牙刷) is off the shelf: the index knows it,
 * the storefront does not list it. The same set runs against the tokenizer, the catalog function and
 * the catalog page in the simulator.
 */
export interface SearchCase {
  query: string;
  /** Why this case is here: the segmentation or matching rule it pins. */
  why: string;
  /** On-shelf products the storefront lists for the query, in any order. */
  expected: string[];
}

const ids = (...n: number[]) => n.map((i) => `demo-p${String(i).padStart(2, '0')}`);

export const SEARCH_CASES: SearchCase[] = [
  { query: '杯子', why: 'a word the title does not contain: found through the merchant\'s search terms', expected: ids(17) },
  { query: '马克杯', why: 'part of the title: its bigrams 马克, 克杯', expected: ids(17) },
  { query: '陶瓷杯', why: '瓷杯 is not in the title (陶瓷马克杯): found through the merchant\'s terms', expected: ids(17) },
  { query: '杯', why: 'one character: matched as a unigram', expected: ids(17) },
  { query: '哑光', why: 'a bigram shared by two titles (马克杯, 口红)', expected: ids(17, 38) },
  { query: 'iPhone', why: 'a spec value, latin case folded', expected: ids(35) },
  { query: 'IPHONE 16', why: 'upper case, two words: both must match', expected: ids(35) },
  { query: 'ｉＰｈｏｎｅ', why: 'full-width letters normalized (NFKC)', expected: ids(35) },
  { query: 'iPhone手机壳', why: 'mixed latin and Chinese without a space', expected: ids(35) },
  { query: '苹果 手机壳', why: 'a merchant term and the title together', expected: ids(35) },
  { query: '手机', why: 'a bigram in two titles', expected: ids(32, 35) },
  { query: 'type-c', why: 'a hyphenated latin word splits into words', expected: ids(30) },
  { query: 'Type C 数据线', why: 'mixed words and Chinese', expected: ids(30) },
  { query: '65W', why: 'digits and letters in one word', expected: ids(29) },
  { query: '500ml', why: 'a quantity in the title', expected: ids(39) },
  { query: '红轴', why: 'a spec value (轴体)', expected: ids(34) },
  { query: '数码', why: 'a category name (数码配件), not in any title', expected: ids(29, 30, 31, 32, 33, 34, 35) },
  { query: '鞋', why: 'one character: titles and the category name 鞋包', expected: ids(9, 10, 11, 12, 13, 14) },
  { query: '礼盒', why: 'a bigram ending two titles', expected: ids(21, 26) },
  { query: '灰枣', why: 'a sold-out product is still found', expected: ids(28) },
  { query: '牙刷', why: 'off the shelf: not listed', expected: [] },
  { query: '榴莲', why: 'nothing has it: no result', expected: [] },
  { query: '咖啡 键盘', why: 'every token must match: no product is both', expected: [] },
  { query: '!!!', why: 'nothing searchable in it: no result, not everything', expected: [] },
];
