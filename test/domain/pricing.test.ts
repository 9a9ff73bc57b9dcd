import fc from 'fast-check';
import { MAX_LINES } from '../../miniprogram/domain/cart';
import { normalizeProduct, type NormalizeResult } from '../../miniprogram/domain/normalize';
import { cartTotal, priceOrder, quoteOrder, SHIPPING, shippingFee } from '../../miniprogram/domain/pricing';
import { productDoc } from './fixtures';

const catalog = new Map<string, NormalizeResult>([['p1', normalizeProduct(productDoc())]]);
const lookup = (id: string) => catalog.get(id);

describe('pricing from the current product documents', () => {
  test('line totals, items total, shipping and total', () => {
    const result = priceOrder(
      [
        { productId: 'p1', skuId: 'p1-red-M', qty: 2 },
        { productId: 'p1', skuId: 'p1-blue-M', qty: 1 },
      ],
      lookup,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.lines.map((l) => l.lineTotal)).toEqual([25800, 13900]);
    expect(result.itemsTotal).toBe(39700);
    expect(result.shippingFee).toBe(0);
    expect(result.total).toBe(39700);
    expect(result.lines[0]).toMatchObject({ title: 'Linen shirt', specText: 'red / M', unitPrice: 12900 });
  });

  test('the client never sets the price: expectedPrice only turns a change into an error', () => {
    const changed = priceOrder([{ productId: 'p1', skuId: 'p1-red-M', qty: 1, expectedPrice: 1 }], lookup);
    expect(changed).toEqual({
      ok: false,
      reason: 'PRICE_CHANGED',
      changes: [{ productId: 'p1', skuId: 'p1-red-M', expectedPrice: 1, currentPrice: 12900 }],
    });
    const same = priceOrder([{ productId: 'p1', skuId: 'p1-red-M', qty: 1, expectedPrice: 12900 }], lookup);
    expect(same.ok && same.total).toBe(12900); // above the free-shipping threshold
  });

  test('line problems fail the whole order; stock-only problems are out of stock', () => {
    const short = priceOrder(
      [
        { productId: 'p1', skuId: 'p1-red-M', qty: 1 },
        { productId: 'p1', skuId: 'p1-blue-M', qty: 3 },
      ],
      lookup,
    );
    expect(short).toMatchObject({ ok: false, reason: 'LINE_PROBLEMS', outOfStock: true, failures: [{ index: 1, skuId: 'p1-blue-M' }] });
    const missing = priceOrder([{ productId: 'nope', skuId: 'x', qty: 1 }], lookup);
    expect(missing).toMatchObject({ ok: false, reason: 'LINE_PROBLEMS', outOfStock: false });
  });

  test('empty, duplicate and too many lines', () => {
    expect(priceOrder([], lookup)).toEqual({ ok: false, reason: 'EMPTY' });
    const line = { productId: 'p1', skuId: 'p1-red-M', qty: 1 };
    expect(priceOrder([line, line], lookup)).toEqual({ ok: false, reason: 'DUPLICATE_LINE' });
    const many = Array.from({ length: MAX_LINES + 1 }, (_, i) => ({ ...line, skuId: `s${i}` }));
    expect(priceOrder(many, lookup)).toEqual({ ok: false, reason: 'TOO_MANY_LINES' });
  });

  test('quote: totals over the lines that can be bought (a changed price at the current one), the others carry their problems', () => {
    const quoted = quoteOrder(
      [
        { productId: 'p1', skuId: 'p1-red-M', qty: 1, expectedPrice: 100 }, // price changed: billed at 129.00
        { productId: 'p1', skuId: 'p1-red-L', qty: 1 }, // sold out: left out
        { productId: 'p1', skuId: 'p1-blue-M', qty: 3 }, // only 2 left: left out
        { productId: 'gone', skuId: 's', qty: 1 }, // deleted: left out
      ],
      lookup,
    );
    expect(quoted.ok).toBe(true);
    if (!quoted.ok) return;
    expect(quoted.lines.map((l) => l.problems.map((p) => p.code))).toEqual([['PRICE_CHANGED'], ['SOLD_OUT'], ['INSUFFICIENT_STOCK'], ['NOT_FOUND']]);
    expect({ itemsTotal: quoted.itemsTotal, shippingFee: quoted.shippingFee, total: quoted.total }).toEqual({ itemsTotal: 12900, shippingFee: 0, total: 12900 });
    // The same lines, all buyable, total exactly as the order would.
    const buyable = [{ productId: 'p1', skuId: 'p1-red-M', qty: 2 }];
    const order = priceOrder(buyable, lookup);
    const quote = quoteOrder(buyable, lookup);
    expect(order.ok && quote.ok && [quote.itemsTotal, quote.shippingFee, quote.total]).toEqual(order.ok && [order.itemsTotal, order.shippingFee, order.total]);
    expect(quoteOrder([buyable[0], buyable[0]], lookup)).toEqual({ ok: false, reason: 'DUPLICATE_LINE' });
  });

  test('shipping rule', () => {
    expect(shippingFee(0)).toBe(0);
    expect(shippingFee(SHIPPING.freeFrom - 1)).toBe(SHIPPING.fee);
    expect(shippingFee(SHIPPING.freeFrom)).toBe(0);
  });

  test('property: totals equal the sum of lines plus shipping, never negative or fractional', () => {
    const skuArb = fc.record({ price: fc.integer({ min: 1, max: 10_000_000 }), stock: fc.integer({ min: 0, max: 500 }) });
    fc.assert(
      fc.property(fc.array(skuArb, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 12, maxLength: 12 }), (skus, qtys) => {
        const doc = productDoc({
          specs: [],
          skus: skus.map((sku, i) => ({ skuId: `s${i}`, specValues: [], ...sku })),
        });
        // Each SKU needs a distinct spec combination; with no dimensions use one product per SKU.
        const products = new Map<string, NormalizeResult>();
        skus.forEach((sku, i) => products.set(`p${i}`, normalizeProduct({ ...doc, _id: `p${i}`, skus: [{ skuId: `s${i}`, specValues: [], ...sku }] })));
        const requests = skus.map((_, i) => ({ productId: `p${i}`, skuId: `s${i}`, qty: qtys[i] }));
        const result = priceOrder(requests, (id) => products.get(id));
        const anyShort = skus.some((sku, i) => sku.stock < qtys[i]);
        if (anyShort) return !result.ok;
        if (!result.ok) return false;
        const sum = result.lines.reduce((acc, line) => acc + line.lineTotal, 0);
        return (
          result.itemsTotal === sum &&
          result.total === sum + result.shippingFee &&
          result.total >= 0 &&
          Number.isInteger(result.total) &&
          result.lines.every((line, i) => line.unitPrice === skus[i].price && line.lineTotal === skus[i].price * qtys[i])
        );
      }),
      { numRuns: 300 },
    );
  });

  test('cart display total', () => {
    expect(cartTotal([{ unitPrice: 1999, qty: 3 }, { unitPrice: 1, qty: 1 }])).toBe(5998);
  });
});
