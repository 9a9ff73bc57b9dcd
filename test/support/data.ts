/**
 * Test data shared by the tests and the benchmarks: one product document builder, one address, one
 * request id maker, one seeded random source.
 */
import type { Address } from '../../typings/domain';

export { rng } from '../../admin/seeded-random';

/** A shipping address every rule accepts. */
export const ADDRESS: Address = {
  name: '张三',
  phone: '13800000000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园 1 号',
};

export interface SkuSeed {
  skuId: string;
  specValues?: string[];
  /** Unknown on purpose: tests also seed broken documents (a price typed as text, a missing stock). */
  price: unknown;
  stock?: unknown;
  originalPrice?: number;
}

/** A product document as the console stores it: one SKU of ¥10.00 × 10 unless told otherwise. */
export function productDoc(id: string, skus: SkuSeed[] = [{ skuId: 'default', price: 1000, stock: 10 }], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const minPrice = Math.min(...skus.map((s) => (typeof s.price === 'number' ? s.price : Infinity)));
  return {
    _id: id,
    title: `商品 ${id}`,
    description: '',
    categoryId: 'c1',
    images: [`https://img.example.com/${id}.png`],
    specs: [],
    skus: skus.map((s) => ({ specValues: [], ...s })),
    status: 'on_shelf',
    sales: 0,
    price: Number.isFinite(minPrice) ? minPrice : 0,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

let counter = 0;
/** A fresh idempotency key for a checkout (unique within the process and across runs). */
export function requestId(prefix = 'r'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function stockOf(product: unknown, skuId: string): number {
  const skus = (product as { skus: { skuId: string; stock: number }[] }).skus;
  const sku = skus.find((s) => s.skuId === skuId);
  if (!sku) throw new Error(`no SKU ${skuId}`);
  return sku.stock;
}
