/**
 * Retail stores and store pickup (到店自提), pure: the store document's rule (what the merchant may
 * save), the pickup contact's rule, the pickup code's shape and the "no shipping" pricing of a pickup
 * order. Used by the server, the checkout's pickup choice, the order page and the console.
 */
import type { Fen, PickupContact, Store } from '../../typings/domain';
import type { ShippingTemplate } from './shipping';
import { ADDRESS_LIMITS, PHONE_PATTERN } from './address';

/** A store id is printed into QR scenes as `store`: the same token rule as campaigns and channels. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export const STORE_LIMITS = { name: 40, address: 120, hours: 60 } as const;

/** A pickup code: 8 random digits, typed by the clerk or read from the shopper's QR code. */
export const PICKUP_CODE_LENGTH = 8;
export const PICKUP_CODE_PATTERN = /^[0-9]{8}$/;

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

/** The contact who collects the order: a name and a phone, as the address rule has them. Null when fine. */
export function pickupContactProblem(contact: Partial<PickupContact> | null | undefined): string | null {
  const name = typeof contact?.name === 'string' ? contact.name.trim() : '';
  const phone = typeof contact?.phone === 'string' ? contact.phone.trim() : '';
  if (!name) return '请填写提货人';
  if (name.length > ADDRESS_LIMITS.name) return `提货人姓名不能超过${ADDRESS_LIMITS.name}个字`;
  if (phone.length > ADDRESS_LIMITS.phone || !PHONE_PATTERN.test(phone)) return '请填写正确的手机号';
  return null;
}

export function cleanContact(contact: PickupContact): PickupContact {
  return { name: contact.name.trim(), phone: contact.phone.trim().replace(/\s/g, '') };
}

/** A code as the clerk typed or scanned it: digits only (spaces and dashes dropped), or null when it cannot be one. */
export function readPickupCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return PICKUP_CODE_PATTERN.test(digits) ? digits : null;
}

/** The text of the shopper's pickup QR code: the order and its code, so a scan names both. */
export function pickupQrText(orderId: string, code: string): string {
  return `PICKUP:${orderId}:${code}`;
}

/** "1234 5678": easier to read out at a counter. */
export function formatPickupCode(code: string): string {
  return code.length === PICKUP_CODE_LENGTH ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}
