/**
 * The import and export rules of admin/products-io.ts on their own (no cloud, no CLI process): reading
 * CSV / JSON / JSON Lines into documents with the file's line numbers, validating them with the
 * domain normalizer, and writing products and orders back out in the import layout.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { Product } from '../../typings/domain';
import { formatOf, ordersToCsv, parseProductText, productsToCsv, toJsonLines, validateRecords, PRODUCT_CSV_COLUMNS } from '../../admin/products-io';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const ids = () => {
  let n = 0;
  return () => `gen-${(n += 1)}`;
};

describe('formatOf', () => {
  test('names the format from the extension, any case; anything else is refused with the allowed list', () => {
    expect(['a.csv', 'B.CSV', 'x.json', 'y.jsonl', 'z.ndjson'].map(formatOf)).toEqual(['csv', 'csv', 'json', 'jsonl', 'jsonl']);
    expect(() => formatOf('products.xlsx')).toThrow('unsupported file type ".xlsx": use .csv, .json or .jsonl');
    expect(() => formatOf('products')).toThrow('unsupported file type "products"');
  });
});

describe('CSV', () => {
  const header = '_id,title,categoryId,images,status,skuId,spec:颜色,spec:尺码,price,originalPrice,stock';

  test('rows with one _id are one product: specs from the columns it fills, prices in fen, default SKU ids', () => {
    const text = [
      header,
      'c-1,亚麻衬衫,c-apparel,https://x.invalid/a.png | https://x.invalid/b.png,,,白,M,129.90,199,10',
      'c-1,,,,,,白,L,139.9,,5',
      'c-1,,,,,,蓝,M,129.90,,0',
      'c-2,托特包,c-bags,https://x.invalid/c.png,off_shelf,bag-1,,,0.10,,3',
    ].join('\n');
    const { records, problems } = parseProductText(text, 'csv');
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.skuLines])).toEqual([
      [2, [2, 3, 4]],
      [5, [5]],
    ]);
    expect(records[0].doc).toEqual({
      _id: 'c-1',
      title: '亚麻衬衫',
      categoryId: 'c-apparel',
      images: ['https://x.invalid/a.png', 'https://x.invalid/b.png'],
      status: 'on_shelf',
      specs: [
        { name: '颜色', values: ['白', '蓝'] },
        { name: '尺码', values: ['M', 'L'] },
      ],
      skus: [
        { skuId: 'c-1-s1', specValues: ['白', 'M'], price: 12990, originalPrice: 19900, stock: 10 },
        { skuId: 'c-1-s2', specValues: ['白', 'L'], price: 13990, stock: 5 },
        { skuId: 'c-1-s3', specValues: ['蓝', 'M'], price: 12990, stock: 0 },
      ],
    });
    // The bag fills no spec column: it has no dimensions, and its SKU no values.
    expect(records[1].doc).toMatchObject({ status: 'off_shelf', specs: [], skus: [{ skuId: 'bag-1', specValues: [], price: 10, stock: 3 }] });
    expect(records[1].specColumns).toEqual([]);
  });

  test('a header without _id, price or stock names each missing column and reads no rows', () => {
    const { records, problems } = parseProductText('title,price\n衬衫,1.00\n', 'csv');
    expect(records).toEqual([]);
    expect(problems).toEqual([
      { line: 1, field: '_id', problem: 'the header has no "_id" column' },
      { line: 1, field: 'stock', problem: 'the header has no "stock" column' },
    ]);
  });

  test('cells that cannot be read are problems of their line and column; a row without _id too', () => {
    const text = ['_id,title,price,originalPrice,stock,stockDelta', 'p,T,12.505,abc,1,2x', ',T,1,,1,', 'q,T,,,1,+3'].join('\n');
    const { records, problems } = parseProductText(text, 'csv');
    expect(problems).toEqual([{ line: 3, field: '_id', problem: 'is required: rows with the same _id are the SKUs of one product' }]);
    expect(records[0].cellProblems).toEqual([
      { line: 2, field: 'price', problem: '"12.505" is not an amount in yuan (at most two decimals, e.g. 59.00)', productId: 'p' },
      { line: 2, field: 'originalPrice', problem: '"abc" is not an amount in yuan (at most two decimals, e.g. 59.00)', productId: 'p' },
      { line: 2, field: 'stockDelta', problem: '"2x" is not a whole number of units (e.g. 5 or -3)', productId: 'p' },
    ]);
    expect(records[1].cellProblems).toEqual([{ line: 4, field: 'price', problem: 'is missing; write the price in yuan, e.g. 59.00', productId: 'q' }]);
    expect(records[1].stockDelta).toEqual({ 'q-s1': 3 });
  });

  test('specOrder reorders the dimensions; one that does not name them once each is a problem', () => {
    const text = ['_id,title,spec:颜色,spec:尺码,price,stock,specOrder', 'a,T,白,M,1,1,尺码|颜色', 'b,T,白,M,1,1,尺码'].join('\n');
    const { records, problems } = parseProductText(text, 'csv');
    expect(records[0].doc.specs).toEqual([
      { name: '尺码', values: ['M'] },
      { name: '颜色', values: ['白'] },
    ]);
    expect((records[0].doc.skus as { specValues: string[] }[])[0].specValues).toEqual(['M', '白']);
    expect(records[0].specColumns).toEqual(['spec:尺码', 'spec:颜色']);
    expect(problems).toEqual([{ line: 3, field: 'specOrder', problem: "must name the product's spec columns (颜色|尺码) once each", productId: 'b' }]);
  });

  test('text that is not CSV is one problem at the line the parser stopped', () => {
    const { records, problems } = parseProductText('_id,price,stock\n"p,1,1\n', 'csv');
    expect(records).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0].problem).toMatch(/^not valid CSV: /);
  });
});

describe('JSON and JSON Lines', () => {
  test('JSON Lines: blank lines skipped, $date read, a broken or non-object line reported by its number', () => {
    const text = ['{"_id":"a","createdAt":{"$date":"2026-01-02T03:04:05.000Z"}}', '', '[1]', '{"_id":', '{"_id":"b"}'].join('\n');
    const { records, problems } = parseProductText(text, 'jsonl');
    expect(records.map((r) => [r.line, r.doc._id])).toEqual([
      [1, 'a'],
      [5, 'b'],
    ]);
    expect(records[0].doc.createdAt).toEqual(new Date('2026-01-02T03:04:05.000Z'));
    expect(problems.map((p) => [p.line, p.problem.split(':')[0]])).toEqual([
      [3, 'expected one JSON object per line'],
      [4, 'not valid JSON'],
    ]);
  });

  test('a JSON array: each item gets the line it starts on, also inside {"products": [...]}', () => {
    const list = [{ _id: 'a', title: 'x"[{' }, { _id: 'b' }, 7];
    const pretty = JSON.stringify(list, null, 2);
    const first = parseProductText(pretty, 'json');
    expect(first.records.map((r) => r.line)).toEqual([2, 6]);
    expect(first.problems).toEqual([{ line: 9, field: '', problem: 'item 3 is not an object' }]);
    const wrapped = parseProductText(JSON.stringify({ products: list.slice(0, 2) }, null, 2), 'json');
    expect(wrapped.records.map((r) => [r.line, r.doc._id])).toEqual([
      [3, 'a'],
      [7, 'b'],
    ]);
  });

  test('JSON that is not an array of products says what it expected', () => {
    expect(parseProductText('{"items": []}', 'json').problems).toEqual([{ line: 1, field: '', problem: 'expected an array of products (or {"products": [...]})' }]);
    expect(parseProductText('[{', 'json').problems[0].problem).toMatch(/^not valid JSON: /);
  });
});

describe('validateRecords', () => {
  const good = { _id: 'v-1', title: '羊毛围巾', categoryId: 'c-apparel', images: ['https://x.invalid/s.png'], status: 'on_shelf', skus: [{ skuId: 's', price: 9900, stock: 3 }] };

  test('valid records become products; missing dates are now, a missing _id is generated; deltas kept per product', () => {
    const { records } = parseProductText([JSON.stringify({ ...good, stockDelta: { s: -1, t: 0 } }), JSON.stringify({ ...good, _id: undefined })].join('\n'), 'jsonl');
    const result = validateRecords(records, NOW, ids());
    expect(result.problems).toEqual([]);
    expect(result.products.map((p) => [p._id, p.createdAt, p.updatedAt, p.price])).toEqual([
      ['v-1', NOW, NOW, 9900],
      ['gen-1', NOW, NOW, 9900],
    ]);
    expect([...result.stockDeltas]).toEqual([['v-1', { s: -1 }]]);
  });

  test('problems carry the line of the SKU row and the CSV column; an unreadable price is reported once', () => {
    const text = ['_id,title,categoryId,images,spec:颜色,price,stock', 'b-1,好,c,https://x.invalid/a.png,红,10.00,1', 'b-1,,,,蓝,1.234,-1', 'b-2,,c,https://x.invalid/a.png,红,5,1'].join('\n');
    const { records } = parseProductText(text, 'csv');
    const { products, problems } = validateRecords(records, NOW, ids());
    expect(products).toEqual([]);
    expect(problems.map((p) => [p.line, p.field, p.productId])).toEqual([
      [3, 'price', 'b-1'],
      [3, 'stock', 'b-1'],
      [4, 'title', 'b-2'],
    ]);
    expect(problems[1].problem).toBe('must be a whole number from 0 to 1000000, got number -1');
  });

  test('an _id used twice and a malformed stockDelta are problems of their lines', () => {
    const text = [JSON.stringify(good), JSON.stringify({ ...good, stockDelta: { s: 1.5 } })].join('\n');
    const { problems, products } = validateRecords(parseProductText(text, 'jsonl').records, NOW, ids());
    expect(problems).toEqual([
      { line: 2, field: 'stockDelta', problem: 'must map SKU ids to whole numbers of units, e.g. {"s1": 5}', productId: 'v-1' },
      { line: 2, field: '_id', problem: '"v-1" is used again (first on line 1)', productId: 'v-1' },
    ]);
    expect(products).toHaveLength(2);
  });
});

describe('export', () => {
  const tee = {
    _id: 't-1',
    title: 'T恤, "经典"',
    categoryId: 'c-apparel',
    images: ['https://x.invalid/1.png', 'https://x.invalid/2.png'],
    status: 'on_shelf',
    sales: 4,
    searchTerms: ['短袖'],
    specs: [
      { name: '尺码', values: ['M'] },
      { name: '颜色', values: ['白', '黑'] },
    ],
    skus: [
      { skuId: 't-1-a', specValues: ['M', '白'], price: 5900, originalPrice: 7900, stock: 3 },
      { skuId: 't-1-b', specValues: ['M', '黑'], price: 6150, stock: 0 },
    ],
  };
  const mug = { _id: 'm-1', title: '杯子', categoryId: 'c-home', images: ['https://x.invalid/m.png'], status: 'off_shelf', specs: [{ name: '颜色', values: ['蓝'] }], skus: [{ skuId: 'm', specValues: ['蓝'], price: 2500, stock: 9 }] };

  test('products as CSV: one row per SKU, yuan with two decimals, spec columns in first-seen order, specOrder only where needed', () => {
    const rows = parseCsv(productsToCsv([tee, mug]), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...PRODUCT_CSV_COLUMNS.slice(0, 8), 'spec:尺码', 'spec:颜色', ...PRODUCT_CSV_COLUMNS.slice(8)]);
    expect(rows.map((r) => [r._id, r.skuId, r['spec:尺码'], r['spec:颜色'], r.price, r.originalPrice, r.stock, r.specOrder])).toEqual([
      ['t-1', 't-1-a', 'M', '白', '59.00', '79.00', '3', ''],
      ['t-1', 't-1-b', 'M', '黑', '61.50', '', '0', ''],
      ['m-1', 'm', '', '蓝', '25.00', '', '9', ''],
    ]);
    expect(rows[0]).toMatchObject({ title: 'T恤, "经典"', images: 'https://x.invalid/1.png|https://x.invalid/2.png', sales: '4', searchTerms: '短袖', stockDelta: '' });
    // A product whose dimensions run against the columns' order says its own order.
    const swapped = { ...mug, _id: 'm-2', specs: [{ name: '颜色', values: ['蓝'] }, { name: '尺码', values: ['L'] }], skus: [{ skuId: 'm2', specValues: ['蓝', 'L'], price: 1, stock: 1 }] };
    const again = parseCsv(productsToCsv([tee, swapped]), { columns: true }) as Record<string, string>[];
    expect(again.map((r) => r.specOrder)).toEqual(['', '', '颜色|尺码']);
  });

  test('the exported CSV parses and validates back to the same products', () => {
    const { records, problems } = parseProductText(productsToCsv([tee, mug]), 'csv');
    expect(problems).toEqual([]);
    const result = validateRecords(records, NOW, ids());
    expect(result.problems).toEqual([]);
    const strip = (p: { [k: string]: unknown } | Product) => ({ _id: p._id, title: p.title, images: p.images, status: p.status, specs: p.specs, skus: p.skus, sales: p.sales, searchTerms: p.searchTerms });
    expect(result.products.map(strip)).toEqual(
      [tee, mug].map((p) => strip({ sales: 0, ...p })),
    );
  });

  test('a broken document is exported as far as it can be read', () => {
    const rows = parseCsv(productsToCsv([{ _id: 'x', title: 7, images: 'one.png', skus: 'none', specs: [null] }]), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ _id: 'x', title: '7', images: 'one.png', skuId: '', price: '', stock: '' })]);
  });

  test('orders as CSV: amounts in yuan, ISO times, lines in words, the address in one cell, no owner', () => {
    const order = {
      _id: 'o-1',
      _openid: 'oSECRET',
      status: 'shipped',
      createdAt: Date.UTC(2026, 0, 5),
      paidAt: new Date(Date.UTC(2026, 0, 5, 1)),
      trackingNo: 'SF1',
      itemsTotal: 11800,
      shippingFee: 0,
      total: 11800,
      lines: [{ title: 'T恤', specText: '白 / M', qty: 2 }, { title: '杯子', qty: 1 }, 'junk'],
      address: { name: '张三', phone: '13800000000', province: '上海市', city: '上海市', district: '', detail: '世纪大道 1 号' },
      attribution: { campaign: 'spring', channel: 'poster', store: 'sh01', sceneCode: 'abc' },
    };
    const csv = ordersToCsv([order, { _id: 'o-2', total: 'n/a' }]);
    expect(csv).not.toContain('oSECRET');
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    expect(rows[0]).toEqual({
      _id: 'o-1',
      status: 'shipped',
      createdAt: '2026-01-05T00:00:00.000Z',
      paidAt: '2026-01-05T01:00:00.000Z',
      shippedAt: '',
      trackingNo: 'SF1',
      itemsTotal: '118.00',
      shippingFee: '0.00',
      total: '118.00',
      lines: 'T恤 (白 / M) ×2; 杯子 ×1',
      name: '张三',
      phone: '13800000000',
      address: '上海市 上海市 世纪大道 1 号',
      remark: '',
      campaign: 'spring',
      channel: 'poster',
      store: 'sh01',
      sceneCode: 'abc',
    });
    expect(rows[1]).toMatchObject({ _id: 'o-2', total: 'n/a', lines: '', address: '' });
  });

  test('JSON Lines: one EJSON document per line, dates as $date, nothing for no documents', () => {
    const out = toJsonLines([{ _id: 'a', at: new Date(Date.UTC(2026, 0, 1)) }, { _id: 'b', n: 1 }]);
    expect(out.split('\n')).toEqual(['{"_id":"a","at":{"$date":"2026-01-01T00:00:00Z"}}', '{"_id":"b","n":1}', '']);
    expect(toJsonLines([])).toBe('');
    expect(parseProductText(out, 'jsonl').records[0].doc.at).toEqual(new Date(Date.UTC(2026, 0, 1)));
  });
});
