/**
 * Retail stores (到店自提), pure: the store document's rule (what the merchant may save) and the
 * "no shipping" pricing of a pickup order. Used by the server and the console; the pickup contact and
 * code rules the pages need are in pickup.ts.
 */
import type { Fen, Store } from '../../typings/domain';
import type { ShippingTemplate } from './shipping';

/** A store id is printed into QR scenes as `store`: the same token rule as campaigns and channels. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export const STORE_LIMITS = { name: 40, address: 120, hours: 60 } as const;

/** What a pickup order pays to ship: nothing, whatever the merchant's template says. */
export const PICKUP_SHIPPING_TEMPLATE: ShippingTemplate = { defaultFee: 0 as Fen, freeFrom: null, regions: [] };

export type StoreCheck = { ok: true; store: Omit<Store, 'createdAt' | 'updatedAt'> } | { ok: false; problems: string[] };

const text = (value: unknown): string | null => (typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : null);

/** Checks a store as the merchant sent it; problems in the merchant's words. */
export function checkStore(raw: unknown): StoreCheck {
  const doc = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const id = text(doc._id);
  const name = text(doc.name);
  const address = text(doc.address);
  const hours = text(doc.hours);
  if (!id || !STORE_ID_PATTERN.test(id)) problems.push('门店编号为 1-32 位字母、数字、_ 或 -');
  if (!name) problems.push('请填写门店名称');
  else if (name.length > STORE_LIMITS.name) problems.push(`门店名称不能超过${STORE_LIMITS.name}个字`);
  if (!address) problems.push('请填写门店地址');
  else if (address.length > STORE_LIMITS.address) problems.push(`门店地址不能超过${STORE_LIMITS.address}个字`);
  if (hours === null || hours.length > STORE_LIMITS.hours) problems.push(`营业时间不能超过${STORE_LIMITS.hours}个字`);
  if (doc.pickup !== undefined && typeof doc.pickup !== 'boolean') problems.push('是否支持自提应为 true 或 false');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, store: { _id: id as string, name: name as string, address: address as string, hours: hours as string, pickup: doc.pickup === true } };
}
