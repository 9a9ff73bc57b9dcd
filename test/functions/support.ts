/**
 * Shared setup for the cloud-function integration tests: seeding and inspecting the database with the
 * real wx-server-sdk, calling functions as a given user through the emulator's invoke endpoint, and
 * whole-database snapshots for "nothing was written" assertions.
 */
import type { CloudHandle } from '../helpers/cloud';

export const COLLECTIONS = ['products', 'categories', 'orders', 'idempotency', 'payments', 'scenes', 'referrals', 'config'] as const;

/**
 * Collections the functions use that database.config.json does not list yet (reported to the lead);
 * created here, in test setup only.
 */
export async function ensureCollections(cloud: CloudHandle): Promise<void> {
  const db = cloud.wx().database();
  for (const name of COLLECTIONS) {
    try {
      await db.createCollection(name);
    } catch {
      // already exists
    }
  }
}

export interface SkuSeed {
  skuId: string;
  specValues?: string[];
  price: unknown;
  stock?: unknown;
  originalPrice?: number;
}

export function productDoc(id: string, overrides: Record<string, unknown> = {}, skus: SkuSeed[] = [{ skuId: 'default', price: 1000, stock: 10 }]) {
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

export async function seed(cloud: CloudHandle, collection: string, docs: Record<string, unknown>[]): Promise<void> {
  const db = cloud.wx().database();
  for (const doc of docs) {
    const { _id, ...data } = doc as { _id: string };
    await db.collection(collection).doc(_id).set({ data });
  }
}

export async function getDoc(cloud: CloudHandle, collection: string, id: string): Promise<any | null> {
  const db = cloud.wx().database({ throwOnNotFound: false });
  const { data } = await db.collection(collection).doc(id).get();
  return data ?? null;
}

export async function all(cloud: CloudHandle, collection: string, where: Record<string, unknown> = {}): Promise<any[]> {
  const db = cloud.wx().database();
  const out: any[] = [];
  for (let skip = 0; ; skip += 1000) {
    const { data } = await db.collection(collection).where(where).skip(skip).limit(1000).get();
    out.push(...data);
    if (data.length < 1000) return out;
  }
}

/** Every document of every collection the functions touch, sorted, as one comparable value. */
export async function snapshot(cloud: CloudHandle): Promise<Record<string, any[]>> {
  const out: Record<string, any[]> = {};
  for (const name of COLLECTIONS) {
    const docs = await all(cloud, name);
    out[name] = docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
  }
  return out;
}

/** Calls a function as a user; returns the function's own return value (fails the test on an invoke error). */
export async function call(cloud: CloudHandle, fn: string, event: unknown, openid?: string): Promise<any> {
  const r = await cloud.invoke(fn, event, openid ? { openid } : {});
  if (r.error) throw new Error(`invoke ${fn} failed: ${r.error.code} ${r.error.message}`);
  return r.result;
}

export const ADDRESS = {
  name: '张三',
  phone: '13800000000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园 1 号',
};

let counter = 0;
export function requestId(prefix = 'r'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function stockOf(product: any, skuId: string): number {
  return product.skus.find((s: any) => s.skuId === skuId).stock;
}
