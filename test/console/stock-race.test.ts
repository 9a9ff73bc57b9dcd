/**
 * Merchants editing while shoppers buy: the console's product save, its raw editor and its stock
 * adjustment, and `admin import --upsert`, all racing 200 buyers (who create, cancel and pay orders) on
 * one product. Afterwards nothing is oversold, every SKU's stock + reserved + sold equals its initial
 * stock plus the merchants' adjustments and the sum of its stock moves, and no shopper got NOT_FOUND.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole, type ConsoleHandler } from '../../console';
import { tokenHeader } from '../../security/guard';
import { useCloud } from '../helpers/cloud';
import { runCli } from '../admin/run-cli';
import { ADDRESS, all, call, dataOf, ensureCollections, getDoc, productDoc, requestId, seed } from '../support';

jest.setTimeout(180_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
let handler: ConsoleHandler;
let api = '';

beforeAll(async () => {
  await ensureCollections(cloud);
  handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  cloud.emu.mount('/console', handler);
  api = `${cloud.url}/console/api/`;
});

async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...tokenHeader(handler.secret), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** Loads, changes and saves until the save goes through (a 409 means someone saved first: reload). */
async function untilSaved(load: () => Promise<Record<string, any>>, save: (doc: Record<string, any>) => Promise<{ status: number; body: any }>): Promise<number> {
  for (let attempt = 1; attempt <= 30; attempt += 1) {
    const r = await save(await load());
    if (r.status === 200) return attempt;
    if (r.status !== 409 && r.status !== 503) throw new Error(`save answered ${r.status}: ${JSON.stringify(r.body)}`);
  }
  throw new Error('a save never went through');
}

const INITIAL = { a: 60, b: 40 };

test('console save, raw edit, stock adjustment and import --upsert racing 200 buyers: 0 oversold, the ledger adds up, no NOT_FOUND', async () => {
  await seed(cloud, 'products', [
    productDoc('race', [
      { skuId: 'a', price: 1000, stock: INITIAL.a, specValues: ['红'] },
      { skuId: 'b', price: 1200, stock: INITIAL.b, specValues: ['蓝'] },
    ], { specs: [{ name: '颜色', values: ['红', '蓝'] }] }),
  ]);
  const adjustments = { a: 0, b: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'stock-race-'));
  const file = join(dir, 'race.csv');
  // The stock column says 999: an existing SKU's stock changes only by the delta column.
  writeFileSync(file, '_id,title,categoryId,images,skuId,spec:颜色,price,stock,stockDelta\nrace,导入的标题,c-home,https://img.example.com/race.png,a,红,10.00,999,4\nrace,,,,b,蓝,12.00,999,\n');

  const buyer = async (i: number) => {
    const openid = `oRACE_${i}`;
    const skuId = i % 3 === 0 ? 'b' : 'a';
    const created = await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId: 'race', skuId, qty: 1 + (i % 2) }], address: ADDRESS }, openid);
    if (!created.ok) return created.error.code;
    const order = created.data.order;
    if (i % 4 === 0) {
      const cancelled = await call(cloud, 'orders', { action: 'cancel', orderId: order._id }, openid);
      return cancelled.ok ? 'CANCELLED' : cancelled.error.code;
    }
    if (i % 4 === 1) {
      const paid = await cloud.invoke('orders', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: order._id, totalFee: order.total, cashFee: order.total, transactionId: `4200RACE${i}`, timeEnd: '20260101120000' }, { source: 'wx_paycallback' });
      return (paid.result as { errcode: number }).errcode === 0 ? 'PAID' : 'PAY_FAILED';
    }
    return 'PENDING';
  };

  const merchants = async () => {
    const work: Promise<unknown>[] = [];
    // The product editor: title changes through PUT /products/:id.
    work.push((async () => {
      for (let n = 0; n < 4; n += 1) {
        await untilSaved(async () => (await request('GET', 'products/race')).body.doc, (doc) => request('PUT', 'products/race', { product: { ...doc, title: `编辑 ${n}` } }));
      }
    })());
    // The raw editor: the stored document with another description (its stock as loaded).
    work.push((async () => {
      for (let n = 0; n < 4; n += 1) {
        const load = async () => (await request('GET', `collections/products/docs?filter=${encodeURIComponent('{"_id":"race"}')}`)).body.docs[0];
        await untilSaved(load, (doc) => request('PUT', 'collections/products/docs/race', { doc: { ...doc, description: `原始编辑 ${n}` } }));
      }
    })());
    // Stock adjustments by delta.
    work.push((async () => {
      for (const [skuId, delta] of [['a', 5], ['b', 3], ['a', -2], ['b', 7], ['a', 10]] as const) {
        // UNAVAILABLE (the product was too busy) wrote nothing: the merchant tries again.
        let r = await request('POST', 'products/race/stock', { skuId, delta, reason: '盘点' });
        while (r.status === 503) r = await request('POST', 'products/race/stock', { skuId, delta, reason: '盘点' });
        if (r.status === 200) adjustments[skuId] += delta;
        else expect(r.body.error.code).toBe('OUT_OF_STOCK');
      }
    })());
    // export → edit → import --upsert, as a merchant does it (twice: the delta is applied once).
    work.push((async () => {
      for (let n = 0; n < 2; n += 1) {
        let r = await runCli(['import', file, '--upsert', '--cloud', cloud.url]);
        // A product too busy to save is reported UNAVAILABLE with nothing written; the merchant runs the
        // same import again (its delta is still applied once).
        while (r.code === 1 && /race\tUNAVAILABLE/.test(r.stdout)) r = await runCli(['import', file, '--upsert', '--cloud', cloud.url]);
        expect(`${r.code} ${r.stdout}${r.stderr}`).toMatch(/^0 imported 1 products \(0 new, 1 replaced\)/);
      }
      adjustments.a += 4;
    })());
    await Promise.all(work);
  };

  const [outcomes] = await Promise.all([Promise.all(Array.from({ length: 200 }, (_, i) => buyer(i))), merchants()]);

  const count = (code: string) => outcomes.filter((c) => c === code).length;
  expect(count('NOT_FOUND')).toBe(0);
  expect(outcomes.filter((c) => !['CANCELLED', 'PAID', 'PENDING', 'OUT_OF_STOCK', 'UNAVAILABLE'].includes(c))).toEqual([]);
  expect(count('PAID') + count('PENDING')).toBeGreaterThan(0);

  const product = await getDoc(cloud, 'products', 'race');
  const orders = await all(cloud, 'orders', { 'lines.0.productId': 'race' });
  for (const skuId of ['a', 'b'] as const) {
    const sku = product.skus.find((s: { skuId: string }) => s.skuId === skuId);
    const held = (status: string) => orders.filter((o) => o.status === status && o.lines[0].skuId === skuId).reduce((n, o) => n + o.lines[0].qty, 0);
    expect({ skuId, stock: sku.stock >= 0, reserved: sku.reserved, sold: sku.sold }).toEqual({ skuId, stock: true, reserved: held('pending_payment'), sold: held('paid') });
    // Oversold 0: every unit held or sold came out of the initial stock plus the merchants' adjustments.
    expect(sku.stock + sku.reserved + sku.sold).toBe(INITIAL[skuId] + adjustments[skuId]);
  }
  expect(product.title).toMatch(/^(编辑 \d|导入的标题)$/);
  // The ledger: the moves add up to the figures.
  const check = dataOf(await call(cloud, 'merchant', { action: 'ledgerCheck', productIds: ['race'] }));
  expect(check).toMatchObject({ checkedSkus: 2, problems: [] });
  const moves = await all(cloud, 'stock_moves', { productId: 'race' });
  for (const skuId of ['a', 'b'] as const) {
    const sum = moves.flatMap((m) => m.skus).filter((s) => s.skuId === skuId).reduce((n, s) => n + s.stock + s.reserved + s.sold, 0);
    expect(sum).toBe(INITIAL[skuId] + adjustments[skuId]);
  }
  console.log(`stock race: ${JSON.stringify({ paid: count('PAID'), pending: count('PENDING'), cancelled: count('CANCELLED'), outOfStock: count('OUT_OF_STOCK'), unavailable: count('UNAVAILABLE'), adjustments, moves: moves.length })}`);
});
