/**
 * The flash-sale journey, on the local cloud's clock (frozen, then moved by the test): the merchant
 * schedules a sale on the tote bag; before its start the product page counts down to it and the server
 * refuses an order at the sale price; once it runs the catalog's card and the page show the sale price
 * (the page counts down to the end), and the shopper buys at that price; a second order passes the
 * per-shopper limit and is refused with the reason. The clock is a stand-in control, so this runs on the simulator only.
 */
import { JOURNEY_TIMEOUT, REAL, buyNow, chooseAddress, mustFind, pid, stockOf, submitOrder, tap, textOf, textsOf, type Page, useShop } from './harness';
import type { Envelope } from './harness';

const journey = REAL ? test.skip : test;
const shop = useShop();
const MIN = 60_000;
const BAG = pid('bag');
const SKU = `${BAG}-std`;

async function flashText(page: Page, inner: string): Promise<string> {
  const el = await (await mustFind(page, '#flash')).$(inner);
  return el ? (await el.text()).replace(/\s+/g, ' ').trim() : '';
}

/** The bag's card in the catalog, as its text reads. */
async function bagCard(page: Page): Promise<string> {
  const cards = await textsOf(page, '.product-card');
  return cards.find((text) => text.includes('帆布托特包')) ?? '';
}

async function clockNow(): Promise<number> {
  return (await shop().cloud!.local('GET', '/clock')).json.now;
}

journey('a flash sale refused before its start and over its limit, then bought at its price', async () => {
  const J = 'flash-sale';
  const cloud = shop().cloud!;
  await cloud.setClock({ freeze: true });
  const t0 = await clockNow();
  const startAt = t0 + 10 * MIN;
  const endAt = t0 + 40 * MIN;
  const scheduled = (await shop().invoke('merchant', { action: 'scheduleFlashSale', productId: BAG, skuId: SKU, price: 1990, allotment: 5, startAt, endAt, limit: 1 }, 'o_merchant')) as Envelope;
  expect(scheduled.ok).toBe(true);
  // The allotment left the sellable stock at once (12 - 5).
  expect(await stockOf(shop(), BAG, SKU)).toBe(7);

  // Before the start: the page counts down to it and still sells at the bag's own price.
  await shop().switchUser('flash_a');
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: BAG } });
  expect(await flashText(page, '#flash-price')).toBe('¥19.90');
  expect(await flashText(page, '#flash-when')).toBe('距开始');
  expect(await flashText(page, '.flash-meta')).toMatch(/^每人限购 1 件 · \d\d-\d\d \d\d:\d\d 开抢$/);
  expect(await flashText(page, '#flash-countdown')).toMatch(/^(10:00|09:[0-5]\d)$/);
  expect(await textOf(page, '#product-price')).toContain('¥49.00');
  expect(await textOf(page, '#stock')).toBe('库存 7 件');
  await shop().shot(J, 'before-start');
  // A client that asks for the sale price early (a stale page, a clock running ahead) is refused.
  const early = (await shop().invoke('orders', { action: 'create', requestId: 'flash-early-1', lines: [{ productId: BAG, skuId: SKU, qty: 1, expectedPrice: 1990 }], address: { name: '张三', phone: '13800000000', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路 1 号' } })) as Envelope;
  expect(early.ok).toBe(false);
  expect(early.error).toMatchObject({ code: 'FLASH_NOT_STARTED' });
  expect(early.error!.message).toMatch(/^秒杀尚未开始，开始时间 \d\d-\d\d \d\d:\d\d$/);
  expect(await shop().where('orders', { _openid: shop().openid })).toHaveLength(0);

  // The catalog's card says nothing of the sale before its start.
  page = await shop().relaunch({ path: 'pages/catalog/index' });
  expect(await bagCard(page)).toMatch(/^帆布托特包 ¥49\.00 已售/);

  // The sale runs: the catalog's card shows the sale price with the bag's own price struck through.
  await cloud.setClock({ frozenAt: startAt + MIN });
  page = await shop().relaunch({ path: 'pages/catalog/index' });
  expect(await bagCard(page)).toMatch(/^秒杀 ?帆布托特包 ¥19\.90 ?¥49\.00 已售/);
  await shop().shot(J, 'catalog-card');
  // The product page shows the sale price, the limit and the countdown to the end.
  page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: BAG } });
  expect(await flashText(page, '#flash-when')).toBe('距结束');
  expect(await flashText(page, '#flash-countdown')).toMatch(/^(29:00|28:[0-5]\d)$/);
  expect(await flashText(page, '.flash-meta')).toBe('每人限购 1 件 · 已抢 0%');
  expect(await textOf(page, '#product-price')).toContain('¥19.90');
  expect(await textOf(page, '#product-price')).toContain('¥49.00');
  expect(await textOf(page, '#stock')).toBe('库存 5 件');
  await shop().shot(J, 'during-sale');

  page = await buyNow(shop(), page);
  await chooseAddress(page);
  page = await submitOrder(shop(), page);
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');
  const orderId = String(await page.data('orderId'));
  const order = await shop().doc('orders', orderId);
  expect(order.status).toBe('paid');
  expect(order.lines[0]).toMatchObject({ unitPrice: 1990, qty: 1, lineTotal: 1990 });
  expect(order.itemsTotal).toBe(1990);

  // A second one passes the limit of 1: the checkout says why, and nothing is written.
  page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: BAG } });
  expect(await flashText(page, '.flash-meta')).toBe('每人限购 1 件 · 已抢 20%');
  await tap(page, '#buy-now');
  page = await shop().page();
  await tap(page, '#checkout-submit');
  expect(page.path).toBe('pages-shop/checkout/index');
  const modal = (await shop().native()).modal;
  expect(modal?.options).toMatchObject({ title: '下单失败', content: '秒杀商品每人限购 1 件，您已达到限购数量' });
  await shop().shot(J, 'over-limit');
  await shop().confirmModal();
  expect(await shop().where('orders', { _openid: shop().openid })).toHaveLength(1);

  const sale = (await shop().where('flash_sales', { productId: BAG }))[0];
  expect(sale).toMatchObject({ remaining: 4, ended: false });
  const ledger = (await shop().invoke('merchant', { action: 'ledgerCheck', productIds: [BAG] }, 'o_merchant')) as Envelope;
  expect(ledger.data.problems).toEqual([]);
  await cloud.setClock({ reset: true });
}, JOURNEY_TIMEOUT);
