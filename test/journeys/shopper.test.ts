/**
 * Shopper journeys end to end: the real mini program (miniprogram/) driven by the unmodified
 * miniprogram-automator, against the real cloud functions on the local cloud (or a real DevTools and
 * cloud env, see README.md). Each journey asserts on what the shopper sees and on the database after.
 */
import { decodeQrPng } from '../../simulator/qr';
import {
  JOURNEY_TIMEOUT,
  REAL,
  buyNow,
  chooseAddress,
  chooseAddressIfNone,
  isDisabled,
  mustFind,
  pickSku,
  pid,
  skuState,
  submitOrder,
  tap,
  tapIn,
  textOf,
  textsOf,
  type Page,
  type Shop,
  stockOf,
  useShop,
} from './harness';

/** The order detail page's pay button: inside its order-actions bar (a custom component), if shown at all. */
async function payButton(page: Page) {
  const bar = await page.$('#order-actions');
  return bar ? bar.$('#order-pay') : null;
}

declare function getApp(): any; // inside the mini program (miniProgram.evaluate)

const shop = useShop();


/** Checkout with the simulator's WeChat address; lands on the pay result. Returns the order id. */
async function checkoutWithAddress(journey: string): Promise<string> {
  let page = await shop().page();
  expect(page.path).toBe('pages-shop/checkout/index');
  await chooseAddressIfNone(page);
  expect(await textOf(page, '#address-view')).toContain('张三');
  await shop().shot(journey, 'checkout');
  page = await submitOrder(shop(), page);
  return String(await page.data('orderId'));
}

/**
 * The order is paid in the database: status, and exactly one WeChat Pay record of the charged amount.
 * (Real DevTools: wx.requestPayment is mocked and no money moves, so the order stays pending_payment;
 * see README.md.)
 */
async function expectPaid(orderId: string, total: number): Promise<any> {
  const order = await shop().doc('orders', orderId);
  expect(order.total).toBe(total);
  if (REAL) return order;
  expect(order.status).toBe('paid');
  expect(await shop().where('payments', { orderId })).toEqual([expect.objectContaining({ status: 'paid', totalFee: total })]);
  return order;
}

test('1. QR scan to paid order: scenes.create → PNG → scan (1047) → SKU → cart → checkout → paid, stock down by the quantity', async () => {
  const J = '01-qr-to-paid';
  const tee = pid('tee');
  const white = `${tee}-white`;
  await shop().switchUser('qr_shopper');
  const stockBefore = await stockOf(shop(), tee, white);
  const salesBefore = (await shop().doc('products', tee)).sales as number;

  // The merchant prints a code for the product.
  const created = await shop().invoke('scenes', { action: 'create', target: { page: 'pages-shop/product/index', query: { id: tee } } }, 'o_merchant');
  expect(created.ok).toBe(true);
  const png = await shop().downloadFile(created.data.fileID);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const payload = decodeQrPng(png);
  expect(payload.page).toBe('pages-shop/product/index');
  expect(payload.scene).toBe(created.data.scene);

  // Scan: cold start with scene 1047 → landing resolves the code → product page.
  let page = await shop().scanQr(payload);
  expect(page.path).toBe('pages-shop/product/index');
  expect(page.query).toMatchObject({ id: tee });
  expect((await shop().enterOptions()).scene).toBe(1047);
  expect(await textOf(page, '#product-title')).toBe('纯棉T恤');
  expect(await textOf(page, '#stock')).toBe('请选择 颜色');
  await shop().shot(J, 'product');

  await pickSku(page, '白');
  expect(await textOf(page, '#stock')).toBe(`库存 ${stockBefore} 件`);
  expect(await textOf(page, '#product-price')).toContain('¥39.90');
  await tapIn(page, '#qty-stepper', '.stepper-plus');
  expect(await page.data('qty')).toBe(2);
  await tap(page, '#add-to-cart');
  expect((await shop().native()).toast).toMatchObject({ title: '已加入购物车' });
  await shop().shot(J, 'added-to-cart');

  page = await shop().switchTab('/pages/cart/index');
  expect(page.path).toBe('pages/cart/index');
  expect(await textsOf(page, '#cart-lines .line-title')).toEqual(['纯棉T恤']);
  expect(await textOf(page, '#cart-total')).toBe('¥79.80');
  expect(await textOf(page, '#cart-checkout')).toBe('结算(2)');
  await shop().shot(J, 'cart');
  await tap(page, '#cart-checkout');

  page = await shop().page();
  expect(await textOf(page, '#items-total')).toBe('¥79.80');
  expect(await textOf(page, '#shipping-fee')).toBe('¥8.00');
  expect(await textOf(page, '#checkout-total')).toBe('¥87.80');
  const orderId = await checkoutWithAddress(J);
  page = await shop().page();
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');
  await shop().shot(J, 'paid');

  const order = await expectPaid(orderId, 8780);
  expect(order).toMatchObject({ itemsTotal: 7980, shippingFee: 800 });
  expect(order.lines).toEqual([expect.objectContaining({ productId: tee, skuId: white, qty: 2, unitPrice: 3990 })]);
  // Credited from the scan the server recorded when the landing page resolved the code, not from the client.
  expect(order.attribution).toEqual({ sceneCode: payload.scene, scannedAt: expect.any(Number) });
  expect(await stockOf(shop(), tee, white)).toBe(stockBefore - 2);
  expect((await shop().doc('products', tee)).sales).toBe(salesBefore + 2);
  expect(await stockOf(shop(), tee, `${tee}-black`)).toBe(6);
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test("2. Share card: A shares a product with A's opaque referral code; B opens the card (1007) and buys; the order carries A's referral", async () => {
  const J = '02-share-card';
  const mug = pid('mug');
  const openidA = await shop().switchUser('sharer_a');
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: mug } });
  expect(await textOf(page, '#product-title')).toBe('陶瓷马克杯');
  await shop().shot(J, 'sharer-product');

  // A shares from the ⋯ menu: WeChat calls onShareAppMessage({from: 'menu'}) and sends a card with the returned path.
  const card = await shop().shareFromMenu();
  expect(card.title).toBe('陶瓷马克杯');
  const url = new URL(card.path, 'https://card.invalid');
  expect(url.pathname).toBe('/pages-shop/product/index');
  expect([...url.searchParams.keys()].sort()).toEqual(['id', 'ref']);
  expect(url.searchParams.get('id')).toBe(mug);
  const ref = url.searchParams.get('ref')!;
  expect(ref).toMatch(/^[A-Za-z0-9]{10}$/);
  const owners = await shop().where('referrals', { code: ref });
  expect(owners).toHaveLength(1);
  if (openidA) {
    expect(owners[0]._openid).toBe(openidA);
    expect(card.path).not.toContain(openidA);
  }

  // B (another WeChat user) opens the card: cold start, scene 1007, the card's path and query.
  const openidB = await shop().switchUser('friend_b');
  page = await shop().relaunch({ scene: 1007, path: url.pathname.slice(1), query: Object.fromEntries(url.searchParams) });
  expect(page.path).toBe('pages-shop/product/index');
  const enter = await shop().enterOptions();
  expect(enter.scene).toBe(1007);
  expect(enter.query).toEqual({ id: mug, ref });
  if (openidA) {
    expect(JSON.stringify(enter)).not.toContain(openidA);
    expect(JSON.stringify(await shop().mp.callWxMethod('getLaunchOptionsSync'))).not.toContain(openidA);
  }
  expect(await textOf(page, '#product-title')).toBe('陶瓷马克杯');
  expect(await textOf(page, '#stock')).toBe('库存 20 件');
  await shop().shot(J, 'friend-opens-card');

  await tap(page, '#buy-now');
  const orderId = await checkoutWithAddress(J);
  expect(await textOf(await shop().page(), '#pay-result-title')).toBe('支付成功');

  const order = await expectPaid(orderId, 2500 + 800);
  // Credited from the share-card landing the server recorded (scenes.shareLanding), not from the client.
  expect(order.attribution).toEqual({ referralCode: ref, scannedAt: expect.any(Number) });
  if (openidA && openidB) {
    expect(order._openid).toBe(openidB);
    expect(JSON.stringify(order)).not.toContain(openidA);
  }
  expect(await stockOf(shop(), mug, `${mug}-std`)).toBe(19);
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test('3. Last unit: two shoppers buy the last unit at the same moment → one order; the other sees sold out and the SKU greys out', async () => {
  const J = '03-last-unit';
  const lamp = pid('lamp');
  const white = `${lamp}-white`;

  /** A shopper on their own phone: product → 白 → 立即购买 → checkout with an address, ready to submit. */
  const readyToSubmit = async (s: Shop, name: string) => {
    await s.switchUser(name);
    let page = await s.relaunch({ path: 'pages-shop/product/index', query: { id: lamp } });
    await pickSku(page, '白');
    expect(await textOf(page, '#stock')).toBe('库存 1 件');
    page = await buyNow(s, page);
    await chooseAddress(page);
    expect(await textOf(page, '#checkout-total')).toBe('¥129.00');
    return page;
  };
  /** What the shopper who lost sees: told it is sold out, cannot submit again. */
  const expectToldSoldOut = async (s: Shop, page: Page) => {
    expect(page.path).toBe('pages-shop/checkout/index');
    expect((await s.native()).toast).toMatchObject({ title: '部分商品库存不足' });
    expect(await textOf(page, '.line-problem')).toBe('已售罄');
    expect(await isDisabled(await mustFind(page, '#checkout-submit'))).toBe(true);
    await s.shot(J, 'loser-sold-out');
  };

  const pageA = await readyToSubmit(shop(), 'last_unit_a');
  const second = await shop().secondShopper();
  let loser: Shop = shop();
  if (second) {
    // Two phones (two simulators), both tap 提交订单 at the same moment.
    try {
      const pageB = await readyToSubmit(second, 'last_unit_b');
      await Promise.all([tap(pageA, '#checkout-submit'), tap(pageB, '#checkout-submit')]);
      const [afterA, afterB] = [await shop().page(), await second.page()];
      const paths = [afterA.path, afterB.path].sort();
      expect(paths).toEqual(['pages-shop/checkout/index', 'pages-shop/pay-result/index']);
      const [winner, winnerPage] = afterA.path === 'pages-shop/pay-result/index' ? [shop(), afterA] : [second, afterB];
      loser = winner === shop() ? second : shop();
      expect(await textOf(winnerPage, '#pay-result-title')).toBe('支付成功');
      await winner.shot(J, 'winner-paid');
      const orders = await shop().where('orders', { 'lines.productId': lamp });
      expect(orders.map((o) => o._id)).toEqual([await winnerPage.data('orderId')]);
      if (winner.openid) expect(orders[0]._openid).toBe(winner.openid);
      await expectPaid(orders[0]._id, 12900);
      await expectToldSoldOut(loser, await loser.page());
      await checkGreyedOut(loser);
      expect(second.exceptions).toEqual([]);
    } finally {
      await second.close();
    }
  } else {
    // Real DevTools (one per project): the rival checkout is an orders.create issued at the same moment.
    const address = { name: '李四', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' };
    const eventB = { action: 'create', requestId: `${lamp}-b-${Date.now()}`, lines: [{ productId: lamp, skuId: white, qty: 1, expectedPrice: 12900 }], address };
    const [, replyB] = await Promise.all([tap(pageA, '#checkout-submit'), shop().invoke('orders', eventB, 'o_last_unit_b')]);
    const orders = await shop().where('orders', { 'lines.productId': lamp });
    expect(orders).toHaveLength(1);
    if (replyB.ok) {
      expect(orders[0]._id).toBe(replyB.data.order._id);
      await expectToldSoldOut(shop(), await shop().page());
    } else {
      expect(replyB.error!.code).toBe('OUT_OF_STOCK');
      expect(JSON.stringify(replyB.error!.details)).toContain('已售罄');
      expect(orders[0]._id).toBe(await (await shop().page()).data('orderId'));
    }
    await checkGreyedOut(shop());
  }

  expect(await stockOf(shop(), lamp, white)).toBe(0);
  expect(await stockOf(shop(), lamp, `${lamp}-black`)).toBe(3);
  expect(shop().exceptions).toEqual([]);

  /** Back on the product page: it reloads on return, 白 is greyed out as sold out and cannot be bought; 黑 still can. */
  async function checkGreyedOut(s: Shop) {
    const page = await s.navigateBack();
    expect(page.path).toBe('pages-shop/product/index');
    expect(await textOf(page, '#stock')).toBe('已售罄');
    const whiteState = await skuState(page, '白');
    expect(whiteState.cls).toContain('sku-value-sold_out');
    expect(whiteState.label).toBe('颜色 白 已售罄');
    expect(whiteState.text).toBe('白售罄');
    expect((await skuState(page, '黑')).cls).toContain('sku-value-available');
    await tap(page, '#buy-now');
    expect((await s.native()).toast).toMatchObject({ title: '该规格已售罄' });
    expect((await s.page()).path).toBe('pages-shop/product/index');
    await s.shot(J, 'sku-greyed-out');
    expect(s.exceptions).toEqual([]);
  }
}, JOURNEY_TIMEOUT);

test('4. Merchant edits the price while the item sits in a cart → old and new price shown; the new price is charged only after the shopper accepts it', async () => {
  const J = '04-price-change';
  const tea = pid('tea');
  await shop().switchUser('price_watcher');
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: tea } });
  expect(await textOf(page, '#product-price')).toBe('¥58.00');
  await tap(page, '#add-to-cart');
  page = await shop().switchTab('/pages/cart/index');
  expect(await textOf(page, '#cart-total')).toBe('¥58.00');

  // The merchant raises the price in the console (a hand edit through the SDK).
  const edit = (price: number) => shop().db.collection('products').doc(tea).update({ 'skus.0.price': price, price, updatedAt: Date.now() });
  await edit(6800);
  await shop().switchTab('/pages/catalog/index');
  page = await shop().switchTab('/pages/cart/index');
  expect(await textOf(page, '#cart-problems .line-title')).toBe('明前龙井');
  expect(await textOf(page, '#cart-problems .problem-text')).toBe('价格有变动');
  expect(await textOf(page, '#cart-problems .old-price')).toBe('¥58.00');
  expect(await textOf(page, '#cart-problems .new-price')).toBe('¥68.00');
  expect(await textOf(page, '#cart-checkout')).toBe('结算(0)');
  expect(await isDisabled(await mustFind(page, '#cart-checkout'))).toBe(true);
  await shop().shot(J, 'cart-old-and-new-price');

  await tap(page, '#cart-problems .accept-price');
  expect(await textOf(page, '#cart-lines .line-title')).toBe('明前龙井');
  expect(await textOf(page, '#cart-total')).toBe('¥68.00');
  await tap(page, '#cart-checkout');
  page = await shop().page();
  expect(page.path).toBe('pages-shop/checkout/index');
  await chooseAddress(page);
  expect(await textOf(page, '#items-total')).toBe('¥68.00');

  // A second edit while the shopper is on the checkout page: the order is refused (PRICE_CHANGED), nothing written.
  await edit(7200);
  await tap(page, '#checkout-submit');
  expect(page.path).toBe((await shop().page()).path);
  const modal = (await shop().native()).modal;
  expect(modal?.options.title).toBe('价格有变动');
  expect(await shop().where('orders', { 'lines.productId': tea })).toHaveLength(0);
  await shop().confirmModal();
  expect(await textOf(page, '#price-changed')).toContain('部分商品价格有变动，请确认新价格');
  expect(await textOf(page, '.line-old-price')).toBe('¥68.00');
  expect(await textOf(page, '#items-total')).toBe('¥72.00');
  expect(await textOf(page, '#checkout-total')).toBe('¥80.00');
  await shop().shot(J, 'checkout-price-changed');

  await tap(page, '#accept-prices');
  expect(await page.$('#price-changed')).toBeNull();
  page = await submitOrder(shop(), page);
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');

  const orders = await shop().where('orders', { 'lines.productId': tea });
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ itemsTotal: 7200, shippingFee: 800 });
  await expectPaid(orders[0]._id, 8000);
  expect(orders[0].lines[0]).toMatchObject({ unitPrice: 7200, qty: 1 });
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test('5. A product taken off the shelf and one broken by hand (price "12.50", stock missing): left out of the catalog, flagged in the cart, nothing crashes', async () => {
  const J = '05-off-shelf-broken';
  const [scarf, socks, towel] = [pid('scarf'), pid('socks'), pid('towel')];
  await shop().switchUser('shelf_watcher');
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: scarf } });
  await tap(page, '#add-to-cart');
  page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: socks } });
  await pickSku(page, 'M');
  await tap(page, '#add-to-cart');
  page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: towel } });
  await tap(page, '#add-to-cart');

  page = await shop().relaunch({ path: 'pages/catalog/index' });
  const before = await textOf(page, '#product-list');
  for (const title of ['羊毛围巾', '运动袜', '纯棉毛巾']) expect(before).toContain(title);

  // Merchant 1 takes the scarf off the shelf; merchant 2 breaks the socks by hand in the console.
  await shop().db.collection('products').doc(scarf).update({ status: 'off_shelf', updatedAt: Date.now() });
  await shop().db.collection('products').doc(socks).update({ 'skus.0.price': '12.50', 'skus.0.stock': shop()._.remove() });
  const broken = await shop().doc('products', socks);
  expect(broken.skus[0].price).toBe('12.50');
  expect('stock' in broken.skus[0]).toBe(false);

  page = await shop().relaunch({ path: 'pages/catalog/index' });
  const after = await textOf(page, '#product-list');
  expect(after).toContain('纯棉毛巾');
  expect(after).not.toContain('羊毛围巾');
  expect(after).not.toContain('运动袜');
  await shop().shot(J, 'catalog');

  page = await shop().switchTab('/pages/cart/index');
  expect(await textsOf(page, '#cart-lines .line-title')).toEqual(['纯棉毛巾']);
  expect(await textOf(page, '#cart-total')).toBe('¥19.90');
  const problems = await textsOf(page, '#cart-problems .cart-problem-line');
  expect(problems).toHaveLength(2);
  expect(problems.find((t) => t.includes('羊毛围巾'))).toContain('商品已下架');
  expect(problems.find((t) => t.includes('运动袜'))).toContain('商品信息有误，暂不可购买');
  await shop().shot(J, 'cart-flags');

  // The server says exactly what is wrong with the broken document (for the merchant).
  const check = await shop().invoke('inventory', { action: 'check', lines: [{ productId: socks, skuId: `${socks}-m`, qty: 1 }] });
  expect(check.ok).toBe(true);
  const fields = (check.data.lines[0].productProblems as { field: string }[]).map((p) => p.field).sort();
  expect(fields).toEqual(['skus[0].price', 'skus[0].stock']);

  // Opening them directly: the off-shelf product says so and cannot be bought; the broken one fails gracefully.
  page = await shop().navigateTo(`/pages-shop/product/index?id=${scarf}`);
  expect(await textOf(page, '#off-shelf')).toBe('商品已下架');
  expect(await isDisabled(await mustFind(page, '#add-to-cart'))).toBe(true);
  expect(await isDisabled(await mustFind(page, '#buy-now'))).toBe(true);
  await shop().shot(J, 'off-shelf-product');
  page = await shop().navigateTo(`/pages-shop/product/index?id=${socks}`);
  expect(await page.data('status')).toBe('error');
  expect(await textOf(page, 'state')).toBe('商品信息有误，暂不可购买 重试');
  expect(await page.$('#add-to-cart')).toBeNull();
  await shop().shot(J, 'broken-product');

  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test('6. Unpaid order expires: stock returns, the order shows expired, paying it is refused with a clear message', async () => {
  const J = '06-unpaid-expires';
  const candle = pid('candle');
  const std = `${candle}-std`;
  await shop().switchUser('late_payer');
  const stockBefore = await stockOf(shop(), candle, std);
  await shop().setPayment('cancel');
  let page = await shop().relaunch({ path: 'pages-shop/product/index', query: { id: candle } });
  await tap(page, '#buy-now');
  const orderId = await checkoutWithAddress(J);
  page = await shop().page();
  expect(await textOf(page, '#pay-result-title')).toBe('订单已提交，尚未支付');
  expect(await stockOf(shop(), candle, std)).toBe(stockBefore - 1);
  await shop().setPayment('confirm');

  await tap(page, '#view-order');
  page = await shop().page();
  expect(page.path).toBe('pages-order/detail/index');
  expect(await textOf(page, '#order-status')).toBe('待付款');
  expect(await payButton(page)).not.toBeNull();
  await shop().shot(J, 'pending-order');

  // The payment window passes: make the order due and run the expiry timer.
  await shop().db.collection('orders').doc(orderId).update({ expireAt: Date.now() - 1000 });
  const sweep = await shop().fireExpiryTimer();
  expect(sweep.ok).toBe(true);
  const expired = await shop().doc('orders', orderId);
  expect(expired.status).toBe('expired');
  expect(typeof expired.expiredAt).toBe('number');
  expect(await stockOf(shop(), candle, std)).toBe(stockBefore);

  // The shopper, still looking at the old page, taps pay: refused with a clear message, no payment sheet.
  const paymentsBefore = (await shop().native()).history.filter((h) => h.api === 'requestPayment').length;
  await tapIn(page, '#order-actions', '#order-pay');
  expect((await shop().native()).toast?.title).toMatch(/订单当前状态不能支付|订单已超时关闭/);
  expect((await shop().native()).history.filter((h) => h.api === 'requestPayment').length).toBe(paymentsBefore);
  expect((await shop().doc('orders', orderId)).status).toBe('expired');

  // Coming back to the order shows it expired, with no pay button.
  page = await shop().relaunch({ path: 'pages-order/detail/index', query: { id: orderId } });
  expect(await textOf(page, '#order-status')).toBe('已过期');
  expect(await payButton(page)).toBeNull();
  await shop().shot(J, 'expired-order');
  // "我的" → 全部订单 (the orders list is no longer a tab): the expired order is there.
  page = await shop().switchTab('/pages/me/index');
  await tap(page, '#me-all-orders');
  page = await shop().page();
  expect(page.path).toBe('pages-order/list/index');
  expect(await textsOf(page, '#order-list .order-status')).toEqual(['已过期']);
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test('7. Campaign QR code with a channel (store poster): the order is attributed to it and the scan is counted', async () => {
  const J = '07-campaign-poster';
  const bag = pid('bag');
  await shop().switchUser('poster_fan');
  const created = await shop().invoke(
    'scenes',
    { action: 'create', target: { page: 'pages-shop/product/index', query: { id: bag } }, campaign: 'spring-2026', channel: 'store-poster', store: 'sz-nanshan' },
    'o_merchant',
  );
  expect(created.ok).toBe(true);
  const code = String(created.data.scene).replace(/^s=/, '');
  expect((await shop().doc('scenes', code)).scans).toBe(0);
  const payload = decodeQrPng(await shop().downloadFile(created.data.fileID));

  let page = await shop().scanQr(payload);
  expect(page.path).toBe('pages-shop/product/index');
  expect(await textOf(page, '#product-title')).toBe('帆布托特包');
  expect((await shop().doc('scenes', code)).scans).toBe(1);
  await shop().shot(J, 'poster-product');

  await tap(page, '#buy-now');
  const orderId = await checkoutWithAddress(J);
  page = await shop().page();
  expect(await textOf(page, '#pay-result-title')).toBe('支付成功');

  const order = await expectPaid(orderId, 4900 + 800);
  expect(order.attribution).toEqual({ sceneCode: created.data.scene, campaign: 'spring-2026', channel: 'store-poster', store: 'sz-nanshan', scannedAt: expect.any(Number) });
  const scene = await shop().doc('scenes', code);
  expect(scene).toMatchObject({ scans: 1, campaign: 'spring-2026', channel: 'store-poster', store: 'sz-nanshan' });
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);

test('8. Cold and hot start: a QR scan while the app is already open (App.onShow with the new scene) lands on the new target too', async () => {
  const J = '08-cold-hot-start';
  const [tee, bag] = [pid('tee'), pid('bag')];
  await shop().switchUser('hot_starter');
  const qr = async (id: string) => {
    const created = await shop().invoke('scenes', { action: 'create', target: { page: 'pages-shop/product/index', query: { id } } }, 'o_merchant');
    expect(created.ok).toBe(true);
    return { payload: decodeQrPng(await shop().downloadFile(created.data.fileID)), code: String(created.data.scene).replace(/^s=/, '') };
  };
  const [teeQr, bagQr] = [await qr(tee), await qr(bag)];
  const scans = async (code: string) => (await shop().doc('scenes', code)).scans as number;
  const [teeScans, bagScans] = [await scans(teeQr.code), await scans(bagQr.code)];

  // Cold start from the first code.
  let page = await shop().scanQr(teeQr.payload);
  expect(page.path).toBe('pages-shop/product/index');
  expect(await textOf(page, '#product-title')).toBe('纯棉T恤');
  const hotStarts = async () => (await shop().mp.evaluate(() => getApp().globalData.hotStarts)) as number;
  const hotBefore = await hotStarts();
  if (!REAL) expect(hotBefore).toBe(0); // a cold start is a fresh App (DevTools: see README)

  // The shopper wanders to the cart; then scans another code with the app still open.
  page = await shop().switchTab('/pages/cart/index');
  expect(page.path).toBe('pages/cart/index');
  page = await shop().scanQr(bagQr.payload, 'hot');
  expect(page.path).toBe('pages-shop/product/index');
  expect(page.query).toMatchObject({ id: bag });
  expect(await textOf(page, '#product-title')).toBe('帆布托特包');
  expect(await hotStarts()).toBe(hotBefore + 1);
  const enter = await shop().enterOptions();
  expect(enter.scene).toBe(1047);
  expect(decodeURIComponent(enter.query.scene)).toBe(bagQr.payload.scene);
  await shop().shot(J, 'hot-start-target');

  // Scanning the first code while a product page is open: same page route, so only the app's own
  // App.onShow routing (getEnterOptionsSync → landing → target) can bring the shopper to the new target.
  page = await shop().scanQr(teeQr.payload, 'hot');
  expect(page.path).toBe('pages-shop/product/index');
  expect(page.query).toMatchObject({ id: tee });
  expect(await textOf(page, '#product-title')).toBe('纯棉T恤');
  expect(await hotStarts()).toBe(hotBefore + 2);

  // And the bag code scanned again from the home tab lands on the bag again.
  page = await shop().switchTab('/pages/catalog/index');
  page = await shop().scanQr(bagQr.payload, 'hot');
  expect(page.path).toBe('pages-shop/product/index');
  expect(await textOf(page, '#product-title')).toBe('帆布托特包');

  expect(await scans(teeQr.code)).toBe(teeScans + 2);
  expect(await scans(bagQr.code)).toBe(bagScans + 2);
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
