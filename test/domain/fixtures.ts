import type { Product } from '../../typings/domain';
import { productDoc as storedProduct } from '../support/data';

/** A valid two-dimension product document, as a merchant would store it. */
export function productDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return storedProduct(
    'p1',
    [
      { skuId: 'p1-red-M', specValues: ['red', 'M'], price: 12900, stock: 5 },
      { skuId: 'p1-red-L', specValues: ['red', 'L'], price: 12900, stock: 0 },
      { skuId: 'p1-blue-M', specValues: ['blue', 'M'], price: 13900, originalPrice: 15900, stock: 2 },
    ],
    {
      title: 'Linen shirt',
      description: 'Breathable',
      categoryId: 'shirts',
      images: ['cloud://env/p1/cover.png'],
      specs: [
        { name: 'colour', values: ['red', 'blue'] },
        { name: 'size', values: ['M', 'L'] },
      ],
      sales: 10,
      ...overrides,
    },
  );
}

export function product(overrides: Record<string, unknown> = {}): Product {
  return productDoc(overrides) as unknown as Product;
}
