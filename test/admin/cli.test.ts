/**
 * The admin CLI against the local cloud, run as a child process: help, seed, import (good and bad
 * files, nothing half-imported), exports, QR codes, reports and db:init.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { parse as parseCsv } from 'csv-parse/sync';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import { useCloud } from '../helpers/cloud';
import { runCli } from './run-cli';

jest.setTimeout(120_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
const dir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
const at = () => ['--cloud', cloud.url];

async function allProducts(): Promise<Record<string, any>[]> {
  const db = cloud.node().database();
  const out: Record<string, any>[] = [];
  for (let skip = 0; ; skip += 1000) {
    const { data } = await db.collection('products').orderBy('_id', 'asc').skip(skip).limit(1000).get();
    out.push(...data);
    if (data.length < 1000) return out;
  }
}

async function productCount(): Promise<number> {
  const { total } = await cloud.node().database().collection('products').count();
  return total;
}

function decodePng(file: string): string | null {
  const png = PNG.sync.read(readFileSync(file));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

describe('help and usage', () => {
  test('--help lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['seed', 'import', 'export', 'qrcodes', 'db:init']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    expect(r.stdout).toContain('--env <envId>');
  });

  test('an unknown command or a missing argument is a usage error (exit 2)', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['import', ...at()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('import needs a file');
  });

  test('an unreachable cloud is a clear error', async () => {
    const r = await runCli(['export', 'products', '--cloud', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach the local cloud at http://127.0.0.1:9');
  });

  test('--env without credentials says which variables to set', async () => {
    const r = await runCli(['export', 'products', '--env', 'prod-123'], { TENCENTCLOUD_SECRETID: '', TENCENTCLOUD_SECRETKEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TENCENTCLOUD_SECRETID');
  });
});

describe('seed', () => {
  test('writes the demo catalog: valid products over 6 categories, images in storage, idempotent', async () => {
    const first = await runCli(['seed', ...at()]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/seeded 6 categories and 41 products/);
    const second = await runCli(['seed', ...at()]);
    expect(second.code).toBe(0);

    const products = await allProducts();
    expect(products).toHaveLength(41);
    for (const p of products) expect(normalizeProduct(p)).toMatchObject({ ok: true });
    expect(new Set(products.map((p) => p.categoryId)).size).toBe(6);
    const { data: categories } = await cloud.node().database().collection('categories').get();
    expect(categories).toHaveLength(6);
    const tee = products.find((p) => p._id === 'demo-p01')!;
    expect(tee.specs.map((s: { name: string }) => s.name)).toEqual(['颜色', '尺码']);
    expect(tee.skus).toHaveLength(12);
    expect(tee.skus.every((s: { price: number }) => Number.isInteger(s.price))).toBe(true);
    const file = await cloud.node().downloadFile({ fileID: tee.images[0] });
    expect(file.fileContent.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(products.find((p) => p._id === 'demo-p28')!.skus.every((s: { stock: number }) => s.stock === 0)).toBe(true);
    expect(products.find((p) => p._id === 'demo-p40')!.status).toBe('off_shelf');
  });

  test('--if-empty leaves an existing catalog alone', async () => {
    const db = cloud.node().database();
    await db.collection('products').doc('demo-p02').update({ title: '改过的标题' });
    const r = await runCli(['seed', '--if-empty', ...at()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing seeded');
    expect((await db.collection('products').doc('demo-p02').get()).data[0].title).toBe('改过的标题');
    expect((await runCli(['seed', '--no-images', ...at()])).code).toBe(0);
    const reset = (await db.collection('products').doc('demo-p02').get()).data[0];
    expect(reset.title).toBe('重磅加绒连帽卫衣');
    expect(reset.images[0]).toMatch(/^https:/);
    expect((await runCli(['seed', ...at()])).code).toBe(0);
  });
});

describe('import', () => {
  test('a good CSV: one row per SKU, prices in yuan stored exactly in fen', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(
      file,
      [
        '_id,title,description,categoryId,images,status,skuId,spec:颜色,spec:尺码,price,originalPrice,stock',
        'csv-1,亚麻衬衫,透气,c-apparel,https://example.invalid/a.png|https://example.invalid/b.png,on_shelf,,白,M,129.90,199,10',
        'csv-1,,,,,,,白,L,139.90,,5',
        'csv-1,,,,,,,蓝,M,129.9,,0',
        'csv-2,帆布托特包,,c-shoes-bags,https://example.invalid/c.png,,bag-1,,,0.10,,3',
      ].join('\n'),
    );
    const r = await runCli(['import', file, ...at()]);
    expect(r.stdout).toContain('imported 2 products');
    expect(r.code).toBe(0);
    const db = cloud.node().database();
    const { data } = await db.collection('products').doc('csv-1').get();
    expect(data[0].specs).toEqual([
      { name: '颜色', values: ['白', '蓝'] },
      { name: '尺码', values: ['M', 'L'] },
    ]);
    expect(data[0].skus.map((s: { price: number }) => s.price)).toEqual([12990, 13990, 12990]);
    expect(data[0].skus[0].originalPrice).toBe(19900);
    expect(data[0].price).toBe(12990);
    expect(data[0].images).toHaveLength(2);
    const bag = (await db.collection('products').doc('csv-2').get()).data[0];
    expect(bag).toMatchObject({ status: 'on_shelf', specs: [], price: 10, skus: [{ skuId: 'bag-1', specValues: [], price: 10, stock: 3 }] });
  });

  test('a bad CSV is reported by line, field and problem, and nothing of it is imported', async () => {
    const before = await productCount();
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        '_id,title,categoryId,images,spec:颜色,price,stock',
        'bad-1,好商品,c-home,https://example.invalid/ok.png,红,10.00,1',
        'bad-2,,c-home,https://example.invalid/x.png,红,12.505,1',
        'bad-3,库存不对,c-home,https://example.invalid/y.png,红,5,-1',
        'bad-3,,,,蓝,abc,2',
        'bad-4,没有图片,c-home,,红,8,1',
      ].join('\n'),
    );
    const r = await runCli(['import', file, ...at()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nothing was imported');
    const lines = r.stdout.split('\n');
    expect(lines).toContain('3\ttitle\tis required (non-empty text), got nothing');
    expect(lines).toContain('3\tprice\t"12.505" is not an amount in yuan (at most two decimals, e.g. 59.00)');
    expect(lines).toContain('4\tstock\tmust be a whole number from 0 to 1000000, got number -1');
    expect(lines).toContain('5\tprice\t"abc" is not an amount in yuan (at most two decimals, e.g. 59.00)');
    expect(lines).toContain('6\timages\tneeds at least one image URL or fileID, got nothing');
    expect(r.stdout).not.toMatch(/^2\t/m);
    expect(await productCount()).toBe(before);
    expect((await cloud.node().database().collection('products').doc('bad-1').get()).data).toHaveLength(0);
  });

  test('a JSON array: problems name the line where the item starts', async () => {
    const before = await productCount();
    const file = join(dir, 'bad.json');
    const good = { _id: 'json-1', title: '羊毛围巾', categoryId: 'c-apparel', images: ['https://example.invalid/s.png'], status: 'on_shelf', skus: [{ skuId: 'a', price: 9900, stock: 3 }] };
    const bad = { ...good, _id: 'json-2', skus: [{ skuId: 'a', price: '99.00', stock: 3 }] };
    writeFileSync(file, JSON.stringify([good, bad], null, 2));
    const r = await runCli(['import', file, ...at()]);
    expect(r.code).toBe(1);
    const line = JSON.stringify([good, bad], null, 2).split('\n').findIndex((l, i, all) => l.includes('"_id": "json-2"') && i > 0 && all[i - 1].trim() === '{');
    expect(r.stdout).toContain(`${line}\tskus[0].price\tmust be a number in fen, got the text "99.00" (for ¥99.00 write 9900)`);
    expect(await productCount()).toBe(before);
  });

  test('JSON Lines; an existing _id is refused unless --upsert', async () => {
    const file = join(dir, 'good.jsonl');
    const doc = (id: string, price: number) => JSON.stringify({ _id: id, title: `JSONL ${id}`, categoryId: 'c-home', images: ['https://example.invalid/j.png'], status: 'on_shelf', skus: [{ skuId: 's', price, stock: 1 }], createdAt: { $date: '2026-01-02T03:04:05.000Z' } });
    writeFileSync(file, `${doc('jl-1', 100)}\n\n${doc('jl-2', 200)}\n`);
    expect((await runCli(['import', file, ...at()])).code).toBe(0);
    const saved = (await cloud.node().database().collection('products').doc('jl-1').get()).data[0];
    expect(saved.createdAt).toBe(Date.parse('2026-01-02T03:04:05.000Z'));

    writeFileSync(file, `${doc('jl-3', 300)}\n${doc('jl-2', 250)}\n`);
    const refused = await runCli(['import', file, ...at()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('2\t_id\t"jl-2" already exists in the database (use --upsert to replace it)');
    expect((await cloud.node().database().collection('products').doc('jl-3').get()).data).toHaveLength(0);

    const upserted = await runCli(['import', file, '--upsert', ...at()]);
    expect(upserted.code).toBe(0);
    expect(upserted.stdout).toContain('(1 new, 1 replaced)');
    expect((await cloud.node().database().collection('products').doc('jl-2').get()).data[0].price).toBe(250);
  });

  test('--upsert updates in place: nothing is deleted, stock moves only by the stockDelta column, once per file; a stopped import finishes when run again', async () => {
    const jsonl = (ids: string[], title: string, extra: Record<string, unknown> = {}) =>
      ids.map((id) => JSON.stringify({ _id: id, title: `${title} ${id}`, categoryId: 'c-home', images: ['https://example.invalid/r.png'], status: 'on_shelf', skus: [{ skuId: 's', price: 111, stock: 5 }], ...extra })).join('\n');
    const first = join(dir, 'inplace-first.jsonl');
    writeFileSync(first, jsonl(['ip-1', 'ip-2'], '原版'));
    expect((await runCli(['import', first, '--upsert', ...at()])).code).toBe(0);
    const db = cloud.node().database();
    const stockOf = async (id: string) => (await db.collection('products').doc(id).get()).data[0].skus[0];

    // The file says stock 99 and a delta of -2: the stock column is ignored for an existing SKU.
    const second = join(dir, 'inplace-second.jsonl');
    writeFileSync(second, jsonl(['ip-1', 'ip-2'], '新版', { skus: [{ skuId: 's', price: 222, stock: 99 }], stockDelta: { s: -2 } }));
    const r = await runCli(['import', second, '--upsert', ...at()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(0 new, 2 replaced)');
    expect(await stockOf('ip-1')).toMatchObject({ price: 222, stock: 3, reserved: 0, sold: 0 });
    // The same file again: content the same, the delta not applied twice.
    expect((await runCli(['import', second, '--upsert', ...at()])).code).toBe(0);
    expect(await stockOf('ip-2')).toMatchObject({ stock: 3 });

    // A failure after the first batch stops the import; nothing that was there is gone; a re-run finishes.
    const big = join(dir, 'inplace-stop.jsonl');
    writeFileSync(big, jsonl(['ip-1', ...Array.from({ length: 299 }, (_, i) => `ip-n${i}`)], '批量'));
    const before = await productCount();
    const stopped = await runCli(['import', big, '--upsert', ...at()], { ADMIN_IMPORT_FAIL_AFTER: '100' });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('import stopped: simulated write failure');
    expect(stopped.stderr).toContain('run the same import again with --upsert');
    expect(await productCount()).toBeGreaterThanOrEqual(before);
    expect((await runCli(['import', big, '--upsert', ...at()])).code).toBe(0);
    expect(await productCount()).toBe(before + 299);
    expect(await stockOf('ip-1')).toMatchObject({ stock: 3 });
  });

  test('a delta that would take stock below 0 is refused for that product and reported', async () => {
    const file = join(dir, 'below-zero.csv');
    writeFileSync(file, '_id,title,categoryId,images,skuId,price,stock,stockDelta\nip-1,新版 ip-1,c-home,https://example.invalid/r.png,s,2.22,0,-50\n');
    const r = await runCli(['import', file, '--upsert', ...at()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ip-1\tOUT_OF_STOCK/);
    expect((await cloud.node().database().collection('products').doc('ip-1').get()).data[0].skus[0].stock).toBe(3);
  });
});

describe('export', () => {
  test('products as CSV (the import layout) and as JSON Lines', async () => {
    const csvFile = join(dir, 'products.csv');
    const r = await runCli(['export', 'products', '--format', 'csv', '--out', csvFile, ...at()]);
    expect(r.code).toBe(0);
    const products = await allProducts();
    const rows = parseCsv(readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(products.reduce((n, p) => n + p.skus.length, 0));
    const tee = rows.filter((row) => row._id === 'demo-p01');
    expect(tee[0]).toMatchObject({ title: '纯棉圆领短袖T恤 男女同款', 'spec:颜色': '白色', 'spec:尺码': 'S', price: '59.00', originalPrice: '79.00' });

    const jsonl = await runCli(['export', 'products', '--format', 'jsonl', ...at()]);
    expect(jsonl.code).toBe(0);
    const docs = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs).toHaveLength(products.length);
    expect(docs.find((d) => d._id === 'demo-p01').skus[0].price).toBe(5900);
  });

  test('the exported CSV imports back unchanged (--upsert): every product reads the same afterwards', async () => {
    expect((await runCli(['seed', '--if-empty', '--no-images', ...at()])).code).toBe(0);
    const csvFile = join(dir, 'round-trip.csv');
    expect((await runCli(['export', 'products', '--format', 'csv', '--out', csvFile, ...at()])).code).toBe(0);
    const dry = await runCli(['import', csvFile, '--upsert', '--dry-run', ...at()]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run: \d+ products are valid/);
    const before = await allProducts();
    expect(before.length).toBeGreaterThan(10);
    const r = await runCli(['import', csvFile, '--upsert', ...at()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(0 new, ${before.length} replaced)`);
    // What the store reads of each product (the normalizer's view) is unchanged; bookkeeping times may move.
    const view = (docs: Record<string, any>[]) =>
      docs.map((doc) => {
        const n = normalizeProduct(doc);
        return n.ok ? { ...n.product, createdAt: 0, updatedAt: 0 } : { _id: doc._id, problems: n.problems };
      });
    expect(view(await allProducts())).toEqual(view(before));
  });

  test('orders: JSON Lines without the owner, CSV with amounts in yuan', async () => {
    const db = cloud.node().database();
    await db.collection('orders').add([
      { _id: 'o-exp-1', _openid: 'oSECRET', status: 'paid', lines: [{ productId: 'demo-p01', skuId: 'demo-p01-s1', title: 'T恤', specText: '白色 / S', qty: 2, unitPrice: 5900, lineTotal: 11800 }], itemsTotal: 11800, shippingFee: 0, total: 11800, address: { name: '张三', phone: '13800000000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' }, remark: '', attribution: { campaign: 'spring', channel: 'poster' }, createdAt: Date.UTC(2026, 0, 5), expireAt: 0, updatedAt: 0, requestId: 'r1' },
      { _id: 'o-exp-2', _openid: 'oSECRET', status: 'pending_payment', lines: [], itemsTotal: 100, shippingFee: 1000, total: 1100, address: {}, remark: '尽快', attribution: {}, createdAt: Date.UTC(2026, 0, 6), expireAt: 0, updatedAt: 0, requestId: 'r2' },
    ]);
    const jsonl = await runCli(['export', 'orders', '--format', 'jsonl', ...at()]);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout).not.toContain('oSECRET');
    const docs = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => d._id)).toEqual(['o-exp-2', 'o-exp-1']);

    const csv = await runCli(['export', 'orders', ...at()]);
    expect(csv.code).toBe(0);
    const rows = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.find((row) => row._id === 'o-exp-1')).toMatchObject({ status: 'paid', total: '118.00', lines: 'T恤 (白色 / S) ×2', campaign: 'spring', createdAt: '2026-01-05T00:00:00.000Z' });
    expect(rows.find((row) => row._id === 'o-exp-2')).toMatchObject({ total: '11.00', shippingFee: '10.00' });
  });

  test('an unknown format is a usage error', async () => {
    const r = await runCli(['export', 'products', '--format', 'xml', ...at()]);
    expect(r.code).toBe(2);
  });
});

describe('qrcodes', () => {
  test('product codes: scannable PNGs that open the product page, plus a printable sheet', async () => {
    const out = join(dir, 'qr-products');
    const r = await runCli(['qrcodes', '--products', 'demo-p01,demo-p02', '--out', out, ...at()]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['index.html', 'product-demo-p01.png', 'product-demo-p02.png']);
    const payload = decodePng(join(out, 'product-demo-p01.png'));
    expect(payload).not.toBeNull();
    const url = new URL(payload!);
    expect(url.searchParams.get('page')).toBe('pages-shop/product/index');
    const scene = url.searchParams.get('scene')!;
    expect(scene.length).toBeLessThanOrEqual(32);
    const resolved = await cloud.invoke('scenes', { action: 'resolve', scene }, { openid: 'oSHOPPER' });
    expect(resolved.result).toMatchObject({ ok: true, data: { target: { page: 'pages-shop/product/index', query: { id: 'demo-p01' } } } });
    const sheet = readFileSync(join(out, 'index.html'), 'utf8');
    expect(sheet).toContain('src="product-demo-p01.png"');
    expect(sheet).toContain('纯棉圆领短袖T恤 男女同款');
    expect(sheet).toContain(`scene ${scene}`);
  });

  test('a campaign code carries campaign, channel and store', async () => {
    const out = join(dir, 'qr-campaign');
    const r = await runCli(['qrcodes', '--campaign', 'spring', '--channel', 'poster', '--store', 'sh01', '--out', out, ...at()]);
    expect(r.code).toBe(0);
    const payload = decodePng(join(out, 'campaign-spring-poster-sh01.png'))!;
    const scene = new URL(payload).searchParams.get('scene')!;
    const resolved = await cloud.invoke('scenes', { action: 'resolve', scene }, { openid: 'oSHOPPER' });
    expect(resolved.result).toMatchObject({ ok: true, data: { attribution: { campaign: 'spring', channel: 'poster', store: 'sh01' } } });
  });

  test('an unknown product or missing options are usage errors', async () => {
    expect((await runCli(['qrcodes', '--products', 'nope', '--out', join(dir, 'x'), ...at()])).code).toBe(2);
    expect((await runCli(['qrcodes', '--campaign', 'spring', '--out', join(dir, 'x'), ...at()])).code).toBe(2);
    expect((await runCli(['qrcodes', '--products', 'all', ...at()])).code).toBe(2);
  });
});

describe('report', () => {
  test('scans and attribution from the merchant function: Chinese headers, aligned or CSV with a BOM; bad options are usage errors', async () => {
    // The campaign code above was scanned once by oSHOPPER.
    const scans = await runCli(['report', 'scans', ...at()]);
    expect(scans.code).toBe(0);
    const [header, ...rows] = scans.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['场景值', '类型', '名称', '活动', '渠道', '门店', '扫码次数', '订单数', '已付款订单', '成交额（元）', '创建时间', '最近扫码']);
    expect(rows.find((r) => r.includes('spring · poster · sh01'))).toMatch(/活动码\s+spring · poster · sh01\s+spring\s+poster\s+sh01\s+1\s+0\s+0\s+0\.00 /);

    const csv = join(dir, 'by-store.csv');
    const r = await runCli(['report', 'attribution', '--by', 'store', '--from', '2020-01-01', '--csv', '--out', csv, ...at()]);
    expect(r.code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n').slice(0, 2)).toEqual(['\uFEFF门店,扫码次数,订单数,已付款订单,成交额（元）,转化率（付款/扫码）', 'sh01,1,0,0,0.00,0.0%']);

    expect((await runCli(['report', ...at()])).code).toBe(2);
    expect((await runCli(['report', 'attribution', '--by', 'city', ...at()])).code).toBe(2);
    expect((await runCli(['report', 'attribution', '--from', '1 March', ...at()])).code).toBe(2);
  });
});

describe('db:init', () => {
  test('creates missing collections from the config and reports existing ones', async () => {
    const config = join(dir, 'database.config.json');
    writeFileSync(config, JSON.stringify({ collections: [{ name: 'products', indexes: [{ name: 'status_price', fields: { status: 1, price: 1 } }] }, { name: 'merchant_notes' }] }));
    const r = await runCli(['db:init', '--config', config, ...at()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created collection merchant_notes');
    expect(r.stdout).toContain('collection products exists');
    const health = await cloud.local('GET', '/health');
    expect(health.json.collections).toContain('merchant_notes');
    const again = await runCli(['db:init', '--config', config, ...at()]);
    expect(again.stdout).toContain('collection merchant_notes exists');
  });

  test("the repo's database.config.json", async () => {
    const r = await runCli(['db:init', ...at()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('collection orders exists');
    expect(r.stdout).toMatch(/indexes: the local cloud builds them from database.config.json \(\d+ index\(es\)\)/);
  });

  test('a missing config file is a usage error', async () => {
    const r = await runCli(['db:init', '--config', join(dir, 'nope.json'), ...at()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no database config at');
  });
});
