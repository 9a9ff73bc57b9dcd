/**
 * Seeding and inspecting the local cloud's database with the real wx-server-sdk, and whole-database
 * snapshots for "nothing was written" assertions.
 */
import type { CloudHandle } from '../helpers/cloud';

/** Every collection the functions use. */
export const COLLECTIONS = ['products', 'categories', 'orders', 'idempotency', 'payments', 'scenes', 'referrals', 'config', 'scans', 'after_sales', 'stock_moves', 'coupon_templates', 'coupons', 'coupon_claims', 'flash_sales', 'flash_buyers', 'campaigns', 'campaign_visits', 'media_checks', 'address_books'] as const;

/** Creates the functions' collections (an existing one is left as it is). */
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
