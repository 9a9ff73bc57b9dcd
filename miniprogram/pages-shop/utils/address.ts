import type { Address } from '../../../typings/domain';
import { addressMessage, checkAddress, wechatAddressFields, type WechatAddress } from '../../domain/address';

export const ADDRESS_FIELDS: (keyof Address)[] = ['name', 'phone', 'province', 'city', 'district', 'detail'];

/** What is wrong with an address the shopper typed (the shared rule's message), or null when it can be shipped to. */
export function addressProblem(a: Partial<Address> | null | undefined): string | null {
  return addressMessage(a);
}

export function cleanAddress(a: Partial<Address>): Address {
  const checked = checkAddress(a);
  if (checked.ok) return checked.address;
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const out: Address = {
    name: text(a.name),
    phone: text(a.phone).replace(/\s/g, ''),
    province: text(a.province),
    city: text(a.city),
    district: text(a.district),
    detail: text(a.detail),
  };
  if (text(a.postalCode)) out.postalCode = text(a.postalCode);
  return out;
}

/** wx.chooseAddress result → our Address. */
export function fromWechatAddress(r: WechatAddress): Address {
  return cleanAddress(wechatAddressFields(r));
}
