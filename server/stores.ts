/**
 * Retail stores: the merchant's list (merchant.saveStore / listStores), the stores a shopper may collect
 * at (orders.pickupStores), and the store a pickup checkout is for — decided here, never taken from the
 * client as it is: a store the shopper names must exist and offer pickup; without one, the store of the
 * shopper's latest store QR scan (server/attribution.ts records scans) is used.
 */
import type { ActionRequest, ActionResponse, PickupRequest } from '../typings/api';
import type { Address, OrderPickup, Store, StoreView } from '../typings/domain';
import type { ShippingContext } from '../miniprogram/domain/pricing';
import { cleanContact, pickupContactProblem, PICKUP_CODE_LENGTH } from '../miniprogram/domain/pickup';
import { checkStore, PICKUP_SHIPPING_TEMPLATE } from '../miniprogram/domain/stores';
import { randomInt } from 'node:crypto';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { attributionWindowMs } from './config';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalid } from './errors';

/** Stores one listing returns (a merchant has a handful; the cap keeps a hand-filled collection harmless). */
const MAX_STORES = 200;

/** Scans looked at for the latest store scan (a shopper's scans within the attribution window). */
const SCANS_LOOKED_AT = 20;

/** A stored store document, or null when it is not one (edited by hand). */
export function asStore(doc: AnyDoc | null): Store | null {
  if (!doc || typeof doc._id !== 'string') return null;
  const checked = checkStore(doc);
  if (!checked.ok) return null;
  const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { ...checked.store, createdAt: time(doc.createdAt), updatedAt: time(doc.updatedAt) };
}

export function storeView(store: Store): StoreView {
  return { _id: store._id, name: store.name, address: store.address, hours: store.hours };
}

export async function saveStore(req: ActionRequest<'merchant', 'saveStore'>): Promise<ActionResponse<'merchant', 'saveStore'>> {
  const checked = checkStore(req.store);
  if (!checked.ok) throw invalid(`门店信息有误：${checked.problems[0]}`, { storeProblems: checked.problems });
  const input = checked.store;
  const at = now();
  return withTransaction(async (tx) => {
    const current = await txGet(tx, COLLECTIONS.stores, input._id);
    if (req.create && current) throw new AppError('CONFLICT', `门店编号「${input._id}」已存在`);
    const createdAt = typeof current?.createdAt === 'number' ? current.createdAt : at;
    const store: Store = { ...input, createdAt, updatedAt: at };
    const { _id, ...data } = store;
    await tx.collection(COLLECTIONS.stores).doc(_id).set({ data: data as unknown as AnyDoc });
    return { store };
  });
}

async function allStores(): Promise<Store[]> {
  const { data } = await db().collection(COLLECTIONS.stores).limit(MAX_STORES).get();
  return data
    .map((doc) => asStore(doc))
    .filter((s): s is Store => s !== null)
    .sort((a, b) => a._id.localeCompare(b._id));
}

export async function listStores(): Promise<ActionResponse<'merchant', 'listStores'>> {
  const stores = await allStores();
  const { data } = await db()
    .collection(COLLECTIONS.orders)
    .where({ fulfilment: 'pickup', status: 'paid' })
    .limit(1000)
    .field({ pickup: true })
    .get();
  const waiting = new Map<string, number>();
  for (const doc of data) {
    const storeId = (doc.pickup as { storeId?: unknown } | undefined)?.storeId;
    if (typeof storeId === 'string') waiting.set(storeId, (waiting.get(storeId) ?? 0) + 1);
  }
  return { stores: stores.map((s) => ({ ...s, awaitingPickup: waiting.get(s._id) ?? 0 })) };
}

/** The store of the shopper's latest QR scan that named one, within the attribution window; null when none. */
async function latestScannedStore(openid: string): Promise<string | null> {
  const _ = db().command;
  const since = now() - (await attributionWindowMs());
  const { data } = await db()
    .collection(COLLECTIONS.scans)
    .where({ _openid: openid, at: _.gte(since) })
    .orderBy('at', 'desc')
    .limit(SCANS_LOOKED_AT)
    .get();
  const scan = data.find((doc) => doc._openid === openid && typeof doc.store === 'string' && doc.store);
  return scan ? String(scan.store) : null;
}

export async function pickupStores(openid: string): Promise<ActionResponse<'orders', 'pickupStores'>> {
  const stores = (await allStores()).filter((s) => s.pickup);
  const scanned = await latestScannedStore(openid);
  const suggested = scanned && stores.some((s) => s._id === scanned) ? scanned : null;
  return { stores: stores.map(storeView), suggestedStoreId: suggested };
}

/** 8 random digits from the system's CSPRNG. */
export function newPickupCode(): string {
  let code = '';
  for (let i = 0; i < PICKUP_CODE_LENGTH; i += 1) code += String(randomInt(10));
  return code;
}

/**
 * The pickup part of a checkout: the store (the one asked for, or the latest scanned), checked against
 * the merchant's stores, copied into the order with a fresh pickup code; and the `address` the order
 * keeps (the contact, at the store). Throws INVALID_ARGUMENT with the shopper's words.
 */
export async function pickupForOrder(openid: string, req: PickupRequest): Promise<{ pickup: OrderPickup; address: Address }> {
  const problem = pickupContactProblem(req.contact);
  if (problem) throw invalid(`提货人信息有误：${problem}`, undefined, { detail: 'pickup.contact is refused by the contact rule', issues: [{ path: 'pickup.contact', problem }] });
  const storeId = req.storeId ?? (await latestScannedStore(openid));
  if (!storeId) throw invalid('请选择自提门店', undefined, { detail: 'no pickup.storeId and no store scan to take it from' });
  const store = asStore(await getDoc(COLLECTIONS.stores, storeId));
  if (!store || !store.pickup) throw invalid('该门店暂不支持自提，请选择其他门店', { storeId }, { detail: `store ${storeId} does not exist or does not offer pickup` });
  const contact = cleanContact(req.contact);
  return {
    pickup: { storeId: store._id, storeName: store.name, storeAddress: store.address, storeHours: store.hours, contact, code: newPickupCode() },
    // Nothing is shipped: the order's address is who collects it, at the store.
    address: { name: contact.name, phone: contact.phone, province: '', city: '', district: '', detail: `到店自提：${store.name}（${store.address}）` },
  };
}

/** How a pickup order is priced: no shipping fee, no threshold. */
export const PICKUP_SHIPPING: ShippingContext = { template: PICKUP_SHIPPING_TEMPLATE };
