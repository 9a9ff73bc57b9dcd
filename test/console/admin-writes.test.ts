/**
 * Who writes orders and stock: the console's and the admin CLI's merchant operations (ship, complete,
 * cancel, stock adjustments, product saves and raw edits, import --upsert, renames, raw order edits, the
 * after-sales actions, reports), run against the local cloud while its write log watches `orders` and
 * `products` whole. Every write to an order and every change of a SKU's stock, reserved or sold must come
 * from a cloud function (the log ties each write to the invocation whose token the SDK sent); the
 * environment's credentials, which the console and the CLI hold, write none (seeding aside).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole, type ConsoleHandler } from '../../console';
import { tokenHeader } from '../../security/guard';
import { useCloud } from '../helpers/cloud';
import { runCli } from '../admin/run-cli';
import { ADDRESS, call, dataOf, ensureCollections, getDoc, productDoc, requestId, seed } from '../support';

jest.setTimeout(240_000);

const cloud = useCloud({ functionsDir: 'cloudfunctions' });
let handler: ConsoleHandler;

async function consoleApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cloud.url}/console/api/${path}`, {
    method,
    headers: { ...tokenHeader(handler.secret), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

async function cli(...args: string[]): Promise<string> {
  const r = await runCli([...args, '--cloud', cloud.url]);
  expect({ args, code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ args, code: 0, stderr: '' });
  return r.stdout;
}

const sizes = (id: string) => [{ skuId: `${id}-s`, specValues: ['S'], price: 2000, stock: 20 }, { skuId: `${id}-m`, specValues: ['M'], price: 2000, stock: 20 }];
const sized = (id: string, overrides: Record<string, unknown> = {}) => productDoc(id, sizes(id), { specs: [{ name: '尺码', values: ['S', 'M'] }], ...overrides });

/** A shopper's order through checkout (and the sandbox's payment notification when `pay`). */
async function order(openid: string, productId: string, skuId: string, qty: number, pay: boolean): Promise<string> {
  const created = dataOf(await call(cloud, 'orders', { action: 'create', requestId: requestId(openid), lines: [{ productId, skuId, qty }], address: ADDRESS }, openid));
  if (pay) {
    const payment = dataOf(await call(cloud, 'orders', { action: 'pay', orderId: created.order._id }, openid));
    await cloud.confirmPay(payment.payment.package, 1);
  }
  return created.order._id;
}

const askBack = async (openid: string, orderId: string, productId: string, skuId: string) =>
  dataOf(await call(cloud, 'orders', { action: 'requestAfterSale', orderId, requestId: requestId(openid), lines: [{ productId, skuId, qty: 1 }], reason: '尺码不合适' }, openid)).afterSale._id;

const FIGURES = ['stock', 'reserved', 'sold'] as const;
/** Every SKU's stock, reserved and sold in a logged product document (null: no document). */
function figures(doc: any): string | null {
  if (!doc) return null;
  const skus = Array.isArray(doc['*']?.skus) ? doc['*'].skus : [];
  return JSON.stringify(skus.map((sku: any) => [sku?.skuId, ...FIGURES.map((f) => sku?.[f] ?? null)]));
}

beforeAll(async () => {
  await ensureCollections(cloud);
  // Seeding, with the environment's credentials: before the log starts.
  await seed(cloud, 'products', [sized('aw-1'), sized('aw-2'), productDoc('bad id 1', [{ skuId: 'b1', price: 900, stock: 3 }]), productDoc('bad id 2', [{ skuId: 'b2', price: 900, stock: 3 }])]);
  handler = createConsole({ cloudUrl: cloud.url, envId: cloud.envId });
  cloud.emu.mount('/console', handler);
  for (const collection of ['orders', 'products']) expect((await cloud.local('POST', '/database/writelog', { collection, fields: ['*'] })).status).toBe(200);
});

test('the console and the CLI change orders and stock only through the functions: the write log shows no admin write', async () => {
  const orderA = await order('oAW_A', 'aw-1', 'aw-1-s', 2, true); // shipped and completed from the console
  const orderB = await order('oAW_B', 'aw-1', 'aw-1-m', 1, false); // cancelled from the CLI
  const orderD = await order('oAW_D', 'aw-2', 'aw-2-s', 2, true); // shipped from the CLI, a return approved from the console
  const orderE = await order('oAW_E', 'aw-2', 'aw-2-m', 1, true); // shipped from the console, after-sales refused

  // The console (HTTP API, as its views call it).
  expect((await consoleApi('POST', 'products/aw-1/stock', { skuId: 'aw-1-s', delta: 5, reason: '到货' })).status).toBe(200);
  const loaded = (await consoleApi('GET', 'products/aw-1')).body.doc;
  expect((await consoleApi('PUT', 'products/aw-1', { product: { ...loaded, title: '编辑后的标题' } })).status).toBe(200);
  const raw = (await consoleApi('GET', `collections/products/docs?filter=${encodeURIComponent('{"_id":"aw-2"}')}`)).body.docs[0];
  expect((await consoleApi('PUT', 'collections/products/docs/aw-2', { doc: { ...raw, description: '原始编辑' } })).status).toBe(200);
  expect((await consoleApi('POST', 'products', { product: sized('aw-3') })).status).toBe(201);
  expect((await consoleApi('POST', `products/${encodeURIComponent('bad id 1')}/rename`, { to: 'bad-id-1' })).status).toBe(200);
  expect((await consoleApi('POST', `orders/${orderA}/events`, { event: 'ship', carrier: 'SF', trackingNo: 'SF1000001' })).status).toBe(200);
  expect((await consoleApi('POST', `orders/${orderA}/events`, { event: 'confirmReceipt' })).status).toBe(200);
  const rawOrder = (await consoleApi('GET', `collections/orders/docs?filter=${encodeURIComponent(JSON.stringify({ _id: orderA }))}`)).body.docs[0];
  expect((await consoleApi('PUT', `collections/orders/docs/${orderA}`, { doc: { ...rawOrder, remark: '商家备注：已电话确认' } })).status).toBe(200);
  expect((await consoleApi('PUT', `collections/orders/docs/${orderA}`, { doc: { ...rawOrder, total: 1 } })).body.error.code).toBe('INVALID_STATE');
  expect((await consoleApi('DELETE', `collections/orders/docs/${orderA}`)).status).toBe(409);
  expect((await consoleApi('POST', `orders/${orderE}/events`, { event: 'ship', carrier: 'YTO', trackingNo: 'YT2000002' })).status).toBe(200);
  expect((await consoleApi('GET', 'qrcodes')).status).toBe(200);
  expect((await consoleApi('GET', 'reports?by=referral')).status).toBe(200);
  expect((await consoleApi('GET', 'ledger')).status).toBe(200);

  // The CLI (a child process on the environment's credentials).
  await cli('stock', 'aw-2', 'aw-2-s', '3', '--reason', '盘点');
  await cli('ship', orderD, '--carrier', 'SF', '--tracking', 'SF3000003');
  await cli('cancel', orderB);
  await cli('rename', 'bad id 2', 'bad-id-2');
  const dir = mkdtempSync(join(tmpdir(), 'admin-writes-'));
  writeFileSync(join(dir, 'up.csv'), '_id,title,categoryId,images,skuId,spec:尺码,price,stock,stockDelta\naw-1,导入的标题,c1,https://img.example.com/aw-1.png,aw-1-s,S,20.00,999,4\naw-1,,,,aw-1-m,M,20.00,999,\n');
  expect(await cli('import', join(dir, 'up.csv'), '--upsert')).toMatch(/^imported 1 products \(0 new, 1 replaced\)/);
  expect(await cli('report', 'scans')).toContain('场景值');
  await cli('report', 'attribution', '--by', 'channel', '--csv', '--out', join(dir, 'attribution.csv'));
  expect(readFileSync(join(dir, 'attribution.csv'), 'utf8').startsWith('\uFEFF渠道,扫码次数,订单数,已付款订单,成交额（元）,转化率（付款/扫码）\r\n')).toBe(true);

  // After-sales from the console: a return approved, received and refunded; a request refused.
  const returned = await askBack('oAW_D', orderD, 'aw-2', 'aw-2-s');
  expect((await consoleApi('POST', `after-sales/${returned}/approve`, { mode: 'return' })).status).toBe(200);
  expect((await consoleApi('POST', `after-sales/${returned}/receive`, {})).status).toBe(200);
  const refunded = await consoleApi('POST', `after-sales/${returned}/refund`, {});
  expect(refunded.body.afterSale.status).toBe('refunded');
  const refused = await askBack('oAW_E', orderE, 'aw-2', 'aw-2-m');
  expect((await consoleApi('POST', `after-sales/${refused}/refuse`, { reason: '商品已使用' })).status).toBe(200);

  // What the operations did, in the database.
  expect(await getDoc(cloud, 'orders', orderA)).toMatchObject({ status: 'completed', trackingNo: 'SF1000001', remark: '商家备注：已电话确认' });
  expect(await getDoc(cloud, 'orders', orderB)).toMatchObject({ status: 'cancelled' });
  const aw1 = await getDoc(cloud, 'products', 'aw-1');
  expect(aw1.skus.map((s: any) => [s.skuId, s.stock, s.reserved, s.sold])).toEqual([['aw-1-s', 20 - 2 + 5 + 4, 0, 2], ['aw-1-m', 20, 0, 0]]);
  expect(await getDoc(cloud, 'products', 'bad-id-2')).toMatchObject({ renamedFrom: 'bad id 2' });

  // The write log: orders written only by functions; no stock figure changed by the admin credentials.
  const orders = (await cloud.local('GET', '/database/writelog?collection=orders')).json;
  const products = (await cloud.local('GET', '/database/writelog?collection=products')).json;
  expect(orders.dropped + products.dropped).toBe(0);
  const writers = (entries: any[]) => [...new Set(entries.map((e) => (e.writer.kind === 'function' ? `function:${e.writer.functionName}` : e.writer.kind)))].sort();
  expect(writers(orders.entries)).toEqual(['function:merchant', 'function:orders']);
  expect(orders.entries.filter((e: any) => e.id === orderA && e.writer.functionName === 'merchant')).toHaveLength(5); // ship, the shipping upload's claim and its answer, complete, raw edit
  const adminStockWrites = products.entries.filter((e: any) => e.writer.kind !== 'function' && figures(e.before) !== figures(e.after));
  expect(adminStockWrites).toEqual([]);
  expect(writers(products.entries)).toEqual(['function:merchant', 'function:orders']);
  // Every kind of stock change was made, by a function.
  const stockChanges = products.entries.filter((e: any) => figures(e.before) !== figures(e.after));
  expect(stockChanges.length).toBeGreaterThanOrEqual(12);
});
