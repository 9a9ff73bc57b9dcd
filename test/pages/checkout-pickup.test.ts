// Checkout with store pickup: the delivery choice (pickup-choice) in the real checkout page, against a
// fake cloud typed by typings/api.ts: the scanned store is chosen, the order is quoted and created
// without an address, and the contact is checked before anything is sent.
import type { ActionEvent } from '../../typings/api';
import { cleanupTemp, installWx, renderPage, settle } from '../support/mp-harness';
import { buildWithModules, cloudOf, ok, order, payment, text } from './fake-cloud';

jest.setTimeout(60_000);
afterAll(cleanupTemp);

const STORES = [
  { _id: 'sh-jingan', name: '静安店', address: '南京西路 1000 号', hours: '10:00-22:00' },
  { _id: 'sh-xuhui', name: '徐汇店', address: '漕溪北路 88 号', hours: '9:00-21:00' },
];

function setup(suggestedStoreId: string | null) {
  const { root, mod } = buildWithModules();
  const quotes: ActionEvent<'orders', 'quote'>[] = [];
  const created: ActionEvent<'orders', 'create'>[] = [];
  const fake = installWx(
    cloudOf({
      'orders.quote': (req) => {
        quotes.push(req);
        const fee = req.fulfilment === 'pickup' ? 0 : 800;
        return ok({ lines: req.lines.map((l) => ({ ...l, available: 9, currentPrice: 1500, title: '咖啡豆', image: '', specText: '', problems: [] })), itemsTotal: 1500, shippingFee: fee, total: 1500 + fee });
      },
      'orders.pickupStores': () => ok({ stores: STORES, suggestedStoreId }),
      'orders.create': (req) => (created.push(req), ok({ order: order() })),
      'orders.pay': () => ok({ orderId: 'o1', payment }),
    }),
  );
  mod('services/checkout.js').setCheckoutDraft({ source: 'buy_now', lines: [{ productId: 'p1', skuId: 'a', qty: 1, expectedPrice: 1500 }] });
  return { root, fake, quotes, created };
}

test('a shopper who scanned a store gets pickup there: no address, no fee, the store and contact sent', async () => {
  const { root, fake, quotes, created } = setup('sh-xuhui');
  const page = renderPage('checkout', fake, {}, root);
  await settle(8);
  const choice = page.querySelector('#pickup-choice')!;
  expect(choice.querySelector('#fulfilment')).toBeTruthy();
  expect(text(choice.querySelector('#pickup-store-name'))).toBe('徐汇店');
  expect(page.querySelector('#address')).toBeFalsy();
  expect(quotes[quotes.length - 1]).toMatchObject({ fulfilment: 'pickup' });
  expect(text(page.querySelector('#shipping-fee'))).toBe('¥0.00');

  // Without a contact nothing is sent.
  page.instance.onSubmit();
  await settle(3);
  expect(created).toHaveLength(0);
  expect(fake.toasts.pop()).toBe('请填写提货人');

  choice.querySelector('#pickup-name')!.dispatchEvent('input', { detail: { value: '李四' } });
  choice.querySelector('#pickup-phone')!.dispatchEvent('input', { detail: { value: '13900001111' } });
  await settle(3);
  page.instance.onSubmit();
  await settle(8);
  expect(created).toHaveLength(1);
  expect(created[0].pickup).toEqual({ storeId: 'sh-xuhui', contact: { name: '李四', phone: '13900001111' } });
  expect(created[0]).not.toHaveProperty('address');
});

test('without a store scan the shopper ships by default and may switch to pickup, choosing the store', async () => {
  const { root, fake, quotes } = setup(null);
  const page = renderPage('checkout', fake, {}, root);
  await settle(8);
  expect(page.querySelector('#address')).toBeTruthy();
  expect(text(page.querySelector('#shipping-fee'))).toBe('¥8.00');
  const choice = page.querySelector('#pickup-choice')!;
  choice.querySelector('#fulfilment-pickup')!.dispatchEvent('tap');
  await settle(6);
  expect(page.querySelector('#address')).toBeFalsy();
  expect(quotes[quotes.length - 1]).toMatchObject({ fulfilment: 'pickup' });
  expect(text(page.querySelector('#shipping-fee'))).toBe('¥0.00');
  choice.querySelector('#pickup-store')!.dispatchEvent('tap');
  await settle(2);
  choice.querySelector('#pickup-store-sh-xuhui')!.dispatchEvent('tap');
  await settle(2);
  expect(text(choice.querySelector('#pickup-store-name'))).toBe('徐汇店');
  // Back to express: the address and the fee return.
  choice.querySelector('#fulfilment-express')!.dispatchEvent('tap');
  await settle(6);
  expect(page.querySelector('#address')).toBeTruthy();
  expect(quotes[quotes.length - 1].fulfilment).toBeUndefined();
});
