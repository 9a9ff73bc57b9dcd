/**
 * Store pickup (到店自提), pure: the contact who collects the order and the pickup code's shape. Used by
 * the server, the checkout's pickup choice and the order page (apart from the store rules in stores.ts,
 * which the pages do not need).
 */
import type { PickupContact } from '../../typings/domain';
import { ADDRESS_LIMITS, PHONE_PATTERN } from './address';

/** A pickup code: 8 random digits, typed by the clerk or read from the shopper's QR code. */
export const PICKUP_CODE_LENGTH = 8;
export const PICKUP_CODE_PATTERN = /^[0-9]{8}$/;

/** The contact who collects the order: a name and a phone, as the address rule has them. Null when fine. */
export function pickupContactProblem(contact: Partial<PickupContact> | null | undefined): string | null {
  const name = contact && typeof contact.name === 'string' ? contact.name.trim() : '';
  const phone = contact && typeof contact.phone === 'string' ? contact.phone.trim() : '';
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
