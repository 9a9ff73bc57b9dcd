/**
 * Store pickup (到店自提) as the shopper and the merchant meet it: the merchant keeps a store with pickup
 * on and prints its code; a shopper scans it, and checkout offers pickup in that store (no address, no
 * shipping fee); once paid the order page shows the pickup code and its QR; the merchant verifies the
 * code; the order is picked up and WeChat received a self-pickup shipment (logistics type 4).
 * Simulator only: the local cloud's record of shipping uploads is read.
 */
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { decodeQrPng } from '../../simulator/qr';
import { JOURNEY_TIMEOUT, REAL, buyNow, mustFind, pid, submitOrder, textOf, useShop } from './harness';

const shop = useShop();
const journey = REAL ? test.skip : test;

/** What a scanner at the counter reads from the QR picture the order page shows (a PNG data URL). */
function scanDataUrl(dataUrl: string): string {
  const img = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const code = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  if (!code) throw new Error('no QR code in the pickup picture');
  return code.data;
}

journey('a store-code order picked up with its code', async () => {
  const J = '10-store-pickup';
  const storeId = pid('jingan').slice(0, 32);
  const mug = pid('mug');
  const saved = await shop().invoke('merchant', { action: 'saveStore', create: true, store: { _id: storeId, name: '静安体验店', address: '上海市静安区南京西路 1000 号', hours: '每天 10:00-22:00', pickup: true } }, 'o_merchant');
  expect(saved.ok).toBe(true);
  const code = await shop().invoke('scenes', { action: 'create', target: { page: 'pages/catalog/index', query: {} }, store: storeId }, 'o_merchant');
  expect(code.ok).toBe(true);

  // 1. The shopper scans the store's code at the counter, then buys the mug.
  await shop().switchUser('pickup_shopper');
  let page = await shop().scanQr(decodeQrPng(await shop().downloadFile(code.data.fileID)));
  expect(page.path).toBe('pages/catalog/index');
  page = await shop().navigateTo(`/pages-shop/product/index?id=${mug}`);
  page = await buyNow(shop(), page);

  // 2. Checkout offers pickup in that store: no address card, no shipping fee.
  const choice = await mustFind(page, '#pickup-choice');
  expect(await (await choice.$('#pickup-store-name'))?.text()).toBe('静安体验店');
  expect(await page.$('#address')).toBeNull();
  expect(await textOf(page, '#shipping-fee')).toBe('¥0.00');
  // Element.input exists on input elements (InputElement); the shared Element type does not declare it.
  const typeInto = async (selector: string, value: string) => ((await choice.$(selector)) as unknown as { input(value: string): Promise<void> }).input(value);
  await typeInto('#pickup-name', '李四');
  await typeInto('#pickup-phone', '13900001111');
  await shop().shot(J, 'checkout-pickup');
  page = await submitOrder(shop(), page);
  const orderId = String(await page.data('orderId'));
  const paid = await shop().doc('orders', orderId);
  expect(paid).toMatchObject({ status: 'paid', fulfilment: 'pickup', shippingFee: 0, pickup: { storeId, storeName: '静安体验店', contact: { name: '李四', phone: '13900001111' } }, attribution: { store: storeId } });

  // 3. The order page shows where, and the code with its QR.
  page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
  expect(await textOf(page, '#order-status')).toBe('待提货');
  const card = await mustFind(page, '#order-pickup');
  expect(await (await card.$('#pickup-card-store'))?.text()).toBe('静安体验店');
  const shown = String(await (await card.$('#pickup-code'))?.text()).replace(/\s/g, '');
  expect(shown).toBe(paid.pickup.code);
  expect(await card.$('#pickup-qr')).not.toBeNull();
  await shop().shot(J, 'order-code');

  // 4. The merchant scans the shopper's QR code: picked up, reported to WeChat as a self-pickup.
  // (A custom component's Element has data(); the shared Element type does not declare it.)
  const scanned = scanDataUrl(String(await (card as unknown as { data(path: string): Promise<unknown> }).data('qr')));
  expect(scanned).toBe(`PICKUP:${orderId}:${paid.pickup.code}`);
  const verified = await shop().invoke('merchant', { action: 'verifyPickup', code: scanned }, 'o_merchant');
  expect(verified).toMatchObject({ ok: true, data: { alreadyPickedUp: false, order: { status: 'completed' }, shippingUpload: { state: 'uploaded', logisticsType: 4 } } });
  const { json } = await shop().cloud!.local('GET', '/openapi/shipping');
  const received = json.payments.find((p: { transactionId: string }) => p.transactionId === paid.transactionId);
  expect(received.uploads).toHaveLength(1);
  expect(received.uploads[0].request).toMatchObject({ logistics_type: 4, payer: { openid: shop().openid } });
  // Typed again (the shopper shows the digits at another counter): nothing moves, the clerk is told it was used.
  const again = await shop().invoke('merchant', { action: 'verifyPickup', code: shown }, 'o_merchant');
  expect(again).toMatchObject({ ok: true, data: { alreadyPickedUp: true } });

  // 5. The shopper's order page follows.
  page = await shop().navigateTo(`/pages-order/detail/index?id=${orderId}`);
  expect(await textOf(page, '#order-status')).toBe('已提货');
  const done = await mustFind(page, '#order-pickup');
  expect(await (await done.$('#pickup-done'))?.text()).toContain('提货');
  await shop().shot(J, 'picked-up');
  expect((await shop().doc('orders', orderId)).pickedUpAt).toEqual(expect.any(Number));
  expect(shop().exceptions).toEqual([]);
}, JOURNEY_TIMEOUT);
