/**
 * Flash sales through the real functions on the local cloud, on its clock: the merchant's schedule
 * carves the allotment out of stock through the ledger; orders are refused before the start, after the
 * end, over the shopper's limit and over the allotment; they are priced at the sale price; a cancelled
 * order gives its units back to the allotment and to the shopper's limit; the end (timer or read) gives
 * the rest back to stock; the ledger check holds throughout. And the two races: one shopper's 50
 * concurrent orders, 200 shoppers on an allotment of 20.
 */
import type { ActionEvent, ActionName, FlashSaleInput } from '../../typings/api';
import { useCloud } from '../helpers/cloud';
import { ADDRESS, all, call, dataOf, ensureCollections, errorOf, getDoc, productDoc, requestId, seed, stockOf } from '../support';

// More workers than the default 8, so that many transactions really overlap on the hot documents.
const cloud = useCloud({ functionsDir: 'cloudfunctions', maxWorkersPerFunction: 16 });
const T0 = Date.UTC(2026, 5, 18, 2, 0, 0); // 10:00 in China
const MIN = 60_000;

beforeAll(async () => {
  await ensureCollections(cloud);
  await cloud.setClock({ frozenAt: T0 });
  // Start every worker process first, so the races measure reservations, not process start-up.
  await Promise.all(Array.from({ length: 40 }, () => call(cloud, 'orders', { action: 'list' }, 'oWARMUP')));
}, 60_000);

const merchant = <A extends ActionName<'merchant'>>(event: ActionEvent<'merchant', A>) => call<'merchant', A>(cloud, 'merchant', event);
const create = (openid: string, productId: string, skuId: string, qty: number, expectedPrice?: number, id = requestId(openid)) =>
  call(cloud, 'orders', { action: 'create', requestId: id, lines: [{ productId, skuId, qty, ...(expectedPrice !== undefined ? { expectedPrice } : {}) }], address: ADDRESS }, openid);

async function now(): Promise<number> {
  return (await cloud.local('GET', '/clock')).json.now;
}

async function schedule(input: Partial<FlashSaleInput> & Pick<FlashSaleInput, 'productId' | 'skuId'>) {
  const at = await now();
  return merchant({ action: 'scheduleFlashSale', price: 990, allotment: 5, startAt: at + 10 * MIN, endAt: at + 70 * MIN, limit: 2, ...input });
}

async function ledgerOk(productIds: string[]) {
  const report = dataOf(await merchant({ action: 'ledgerCheck', productIds }));
  expect(report.problems).toEqual([]);
}

const saleDoc = async (productId: string) => (await all(cloud, 'flash_sales', { productId }))[0];

test('schedule carves the allotment out of stock through the ledger; bad schedules are refused with reasons and write nothing', async () => {
  await seed(cloud, 'products', [productDoc('fs-a', [{ skuId: 's', price: 2990, stock: 8 }])]);
  const bad = await schedule({ productId: 'fs-a', skuId: 's', price: 2990, allotment: 9, limit: 0 });
  expect(errorOf(bad).code).toBe('INVALID_ARGUMENT');
  const worse = await schedule({ productId: 'fs-a', skuId: 's', price: 3000, allotment: 9, limit: 1 });
  expect(errorOf(worse).message).toContain('秒杀价必须大于 0 且低于原价 ¥29.90');
  expect(errorOf(worse).message).toContain('秒杀库存不能超过可售库存 8 件');
  expect(stockOf(await getDoc(cloud, 'products', 'fs-a'), 's')).toBe(8);

  const sale = dataOf(await schedule({ productId: 'fs-a', skuId: 's' })).sale;
  expect(sale).toMatchObject({ phase: 'scheduled', allotment: 5, remaining: 5, ended: false });
  expect(stockOf(await getDoc(cloud, 'products', 'fs-a'), 's')).toBe(3);
  const moves = await all(cloud, 'stock_moves', { productId: 'fs-a', reason: 'allot' });
  expect(moves).toHaveLength(1);
  expect(moves[0].skus[0]).toMatchObject({ skuId: 's', stock: -5, allotted: 5 });
  await ledgerOk(['fs-a']);
  // One sale at a time per SKU.
  expect(errorOf(await schedule({ productId: 'fs-a', skuId: 's', allotment: 1 })).code).toBe('CONFLICT');
  // Shoppers cannot schedule.
  expect(errorOf(await call(cloud, 'merchant', { action: 'scheduleFlashSale', productId: 'fs-a', skuId: 's', price: 1, allotment: 1, startAt: T0, endAt: T0 + MIN, limit: 1 }, 'oSHOPPER')).code).toBe('PERMISSION_DENIED');
});

test('before the start a flash-price order is refused (FLASH_NOT_STARTED) and a regular one buys from the sellable stock; during the sale it is priced at the sale price; over the limit FLASH_LIMIT; after the end FLASH_ENDED', async () => {
  await seed(cloud, 'products', [productDoc('fs-b', [{ skuId: 's', price: 2990, stock: 10 }])]);
  const sale = dataOf(await schedule({ productId: 'fs-b', skuId: 's', allotment: 5, limit: 2 })).sale;

  const early = await create('oB1', 'fs-b', 's', 1, 990);
  expect(errorOf(early)).toMatchObject({ code: 'FLASH_NOT_STARTED' });
  expect(errorOf(early).message).toMatch(/^秒杀尚未开始，开始时间 06-18 10:10$/);
  const regular = dataOf(await create('oB1', 'fs-b', 's', 1, 2990)).order;
  expect(regular.total - regular.shippingFee).toBe(2990);
  expect(regular.lines[0].flashSaleId).toBeUndefined();

  await cloud.setClock({ frozenAt: sale.startAt });
  const detail = dataOf(await call(cloud, 'catalog', { action: 'get', productId: 'fs-b' }, 'oB1'));
  expect(detail.product.skus[0]).toMatchObject({ price: 990, originalPrice: 2990, available: 5 });
  expect(detail.flashSales).toEqual([expect.objectContaining({ skuId: 's', phase: 'active', price: 990, regularPrice: 2990, remaining: 5, limit: 2 })]);
  expect(detail.serverTime).toBe(sale.startAt);
  // A cart line seen at the old price follows the change through the price-changed flow.
  const cart = dataOf(await call(cloud, 'inventory', { action: 'check', lines: [{ productId: 'fs-b', skuId: 's', qty: 1, seenPrice: 2990 }] }, 'oB1'));
  expect(cart.lines[0]).toMatchObject({ currentPrice: 990, available: 5, problems: [expect.objectContaining({ code: 'PRICE_CHANGED' })] });
  expect(errorOf(await create('oB1', 'fs-b', 's', 1, 2990))).toMatchObject({ code: 'PRICE_CHANGED', details: [{ expectedPrice: 2990, currentPrice: 990 }] });

  const first = dataOf(await create('oB1', 'fs-b', 's', 2, 990)).order;
  expect(first.lines[0]).toMatchObject({ unitPrice: 990, qty: 2, lineTotal: 1980, flashSaleId: sale.saleId });
  const over = await create('oB1', 'fs-b', 's', 1, 990);
  expect(errorOf(over)).toMatchObject({ code: 'FLASH_LIMIT', message: '秒杀商品每人限购 2 件，您已达到限购数量' });
  expect(errorOf(await create('oB2', 'fs-b', 's', 3, 990))).toMatchObject({ code: 'FLASH_LIMIT', message: '秒杀商品每人限购 2 件，您还可购买 2 件' });
  expect((await saleDoc('fs-b')).remaining).toBe(3);

  // Cancelled during the sale: the units go back to the allotment and to the shopper's limit.
  expect(dataOf(await call(cloud, 'orders', { action: 'cancel', orderId: first._id }, 'oB1')).order.status).toBe('cancelled');
  expect((await saleDoc('fs-b')).remaining).toBe(5);
  expect(dataOf(await create('oB1', 'fs-b', 's', 2, 990)).order.lines[0].unitPrice).toBe(990);
  await ledgerOk(['fs-b']);

  // Over the allotment.
  await create('oB3', 'fs-b', 's', 2, 990);
  expect(errorOf(await create('oB4', 'fs-b', 's', 2, 990))).toMatchObject({ code: 'FLASH_SOLD_OUT', message: '秒杀库存仅剩 1 件' });

  // The end: read lazily (before the timer), the rest of the allotment goes back to stock.
  await cloud.setClock({ frozenAt: sale.endAt });
  expect(errorOf(await create('oB4', 'fs-b', 's', 1, 990))).toMatchObject({ code: 'FLASH_ENDED' });
  const after = await getDoc(cloud, 'products', 'fs-b');
  // 10 - 5 allotted - 1 regular + 1 left of the allotment.
  expect(stockOf(after, 's')).toBe(5);
  expect(await saleDoc('fs-b')).toMatchObject({ ended: true, remaining: 0 });
  expect(dataOf(await create('oB4', 'fs-b', 's', 1, 2990)).order.lines[0].unitPrice).toBe(2990);
  await ledgerOk(['fs-b']);
  await cloud.setClock({ frozenAt: T0 });
});

test('an unpaid flash order that expires after the sale ended gives its units to the stock; the timer ends due sales', async () => {
  await seed(cloud, 'products', [productDoc('fs-c', [{ skuId: 's', price: 1990, stock: 6 }])]);
  const sale = dataOf(await schedule({ productId: 'fs-c', skuId: 's', allotment: 4, limit: 3 })).sale;
  await cloud.setClock({ frozenAt: sale.startAt + MIN });
  const order = dataOf(await create('oC1', 'fs-c', 's', 3, 990)).order;
  await cloud.setClock({ frozenAt: sale.endAt + MIN });
  const timer = await cloud.fireTimer('orders', 'endFlashSales');
  expect(timer.error).toBeFalsy();
  expect(timer.result).toMatchObject({ ok: true, data: { ended: expect.any(Number) } });
  expect(await saleDoc('fs-c')).toMatchObject({ ended: true, remaining: 0 });
  expect(stockOf(await getDoc(cloud, 'products', 'fs-c'), 's')).toBe(2 + 1);
  await cloud.setClock({ frozenAt: order.expireAt + MIN });
  await cloud.fireTimer('orders', 'expireOrders');
  expect((await getDoc(cloud, 'orders', order._id)).status).toBe('expired');
  expect(stockOf(await getDoc(cloud, 'products', 'fs-c'), 's')).toBe(6);
  await ledgerOk(['fs-c']);
  await cloud.setClock({ frozenAt: T0 });
});

test('listing cards follow the sale on the cloud clock: the catalog and a campaign page show the sale price with the SKU\'s own struck through while it runs', async () => {
  const SIZES = [{ name: '尺寸', values: ['大', '小'] }];
  await seed(cloud, 'products', [
    productDoc('fs-card', [{ skuId: 'big', price: 2990, stock: 10, specValues: ['大'] }, { skuId: 'small', price: 1990, stock: 10, specValues: ['小'] }], { categoryId: 'fs-cards', createdAt: 2, specs: SIZES }),
    // The sale's SKU stays dearer than its sibling: the card shows the sibling's price, not a sale.
    productDoc('fs-card-pricier', [{ skuId: 'big', price: 5000, stock: 10, specValues: ['大'] }, { skuId: 'small', price: 1000, stock: 10, specValues: ['小'] }], { categoryId: 'fs-cards', createdAt: 1, specs: SIZES }),
  ]);
  const sale = dataOf(await schedule({ productId: 'fs-card', skuId: 'big', price: 990 })).sale;
  dataOf(await schedule({ productId: 'fs-card-pricier', skuId: 'big', price: 3000 }));
  const at = await now();
  dataOf(await merchant({ action: 'saveCampaign', create: true, campaign: { _id: 'fs-cards', title: '秒杀专场', banner: '', intro: '', productIds: ['fs-card', 'fs-card-pricier'], couponTemplateIds: [], startAt: at - MIN, endAt: at + 1000 * MIN } }));
  const cards = async () => {
    const listed = dataOf(await call(cloud, 'catalog', { action: 'list', categoryId: 'fs-cards' }, 'oCARDS')).items;
    const campaign = dataOf(await call(cloud, 'catalog', { action: 'campaign', campaignId: 'fs-cards' }, 'oCARDS')).products;
    expect(campaign).toEqual(listed);
    return listed.map(({ _id, price, originalPrice, flash }) => ({ _id, price, originalPrice, flash }));
  };
  const regular = [
    { _id: 'fs-card', price: 1990, originalPrice: undefined, flash: undefined },
    { _id: 'fs-card-pricier', price: 1000, originalPrice: undefined, flash: undefined },
  ];

  expect(await cards()).toEqual(regular);
  await cloud.setClock({ frozenAt: sale.startAt });
  expect(await cards()).toEqual([
    { _id: 'fs-card', price: 990, originalPrice: 2990, flash: true },
    { _id: 'fs-card-pricier', price: 1000, originalPrice: undefined, flash: undefined },
  ]);
  await cloud.setClock({ frozenAt: sale.endAt });
  expect(await cards()).toEqual(regular);
  await cloud.setClock({ frozenAt: T0 });
});

test('race: one shopper sends 50 concurrent flash-sale orders with distinct request ids → no more units than the limit', async () => {
  await seed(cloud, 'products', [productDoc('fs-one', [{ skuId: 's', price: 5990, stock: 100 }])]);
  const sale = dataOf(await schedule({ productId: 'fs-one', skuId: 's', allotment: 50, limit: 3 })).sale;
  await cloud.setClock({ frozenAt: sale.startAt });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create('oGREEDY', 'fs-one', 's', 1, 990, requestId(`greedy-${i}`))));
  const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
  const ok = codes.filter((c) => c === 'OK').length;
  console.log(`flash race, one shopper: ${ok} OK, ${codes.filter((c) => c === 'FLASH_LIMIT').length} FLASH_LIMIT, ${codes.filter((c) => c === 'UNAVAILABLE').length} UNAVAILABLE`);
  expect(ok).toBeGreaterThanOrEqual(1);
  expect(ok).toBeLessThanOrEqual(3);
  for (const c of codes) expect(['OK', 'FLASH_LIMIT', 'UNAVAILABLE']).toContain(c);
  const orders = await all(cloud, 'orders', { _openid: 'oGREEDY' });
  expect(orders).toHaveLength(ok);
  expect((await saleDoc('fs-one')).remaining).toBe(50 - ok);
  expect((await all(cloud, 'flash_buyers', { saleId: sale.saleId, _openid: 'oGREEDY' }))[0].units).toBe(ok);
  await ledgerOk(['fs-one']);
  await cloud.setClock({ frozenAt: T0 });
}, 120_000);

test('race: 200 shoppers on an allotment of 20 → exactly 20 sold, at the sale price, the rest FLASH_SOLD_OUT or UNAVAILABLE', async () => {
  await seed(cloud, 'products', [productDoc('fs-hot', [{ skuId: 's', price: 8990, stock: 30 }])]);
  const sale = dataOf(await schedule({ productId: 'fs-hot', skuId: 's', allotment: 20, limit: 1 })).sale;
  await cloud.setClock({ frozenAt: sale.startAt });
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => create(`oCROWD_${i}`, 'fs-hot', 's', 1, 990)));
  const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
  const count = (code: string) => codes.filter((c) => c === code).length;
  console.log(`flash race, 200 shoppers: ${count('OK')} OK, ${count('FLASH_SOLD_OUT')} FLASH_SOLD_OUT, ${count('UNAVAILABLE')} UNAVAILABLE`);
  expect(count('OK')).toBe(20);
  expect(count('FLASH_SOLD_OUT') + count('UNAVAILABLE')).toBe(180);
  const orders = await all(cloud, 'orders', { 'lines.0.productId': 'fs-hot' });
  expect(orders).toHaveLength(20);
  expect(new Set(orders.map((o) => o._openid)).size).toBe(20);
  for (const o of orders) expect(o.lines[0]).toMatchObject({ unitPrice: 990, flashSaleId: sale.saleId });
  expect((await saleDoc('fs-hot')).remaining).toBe(0);
  // The sellable stock outside the allotment was never touched.
  const product = await getDoc(cloud, 'products', 'fs-hot');
  expect(stockOf(product, 's')).toBe(10);
  expect(product.skus[0].reserved).toBe(20);
  await ledgerOk(['fs-hot']);
  await cloud.setClock({ frozenAt: T0 });
}, 120_000);
