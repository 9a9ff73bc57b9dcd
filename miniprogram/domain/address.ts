/**
 * The shipping-address rule: what the checkout page accepts and what `orders.create` accepts, written
 * once. The page shows the first problem's message; the server's event schema refuses the same
 * addresses with the same codes. Pure (no wx, no I/O).
 */
import type { Address } from '../../typings/domain';

/** Maximum lengths after trimming. */
export const ADDRESS_LIMITS = { name: 50, phone: 20, province: 50, city: 50, district: 50, detail: 200 } as const;

/** Mainland mobiles, landlines with area code and dashes, or an international number with `+`. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{4,19}$/;
export const POSTAL_CODE_PATTERN = /^[0-9]{6}$/;

export type AddressProblemCode =
  | 'ADDRESS_MISSING'
  | 'NAME_MISSING'
  | 'NAME_TOO_LONG'
  | 'PHONE_INVALID'
  | 'REGION_MISSING'
  | 'REGION_TOO_LONG'
  | 'DETAIL_MISSING'
  | 'DETAIL_TOO_LONG'
  | 'POSTAL_CODE_INVALID';

/** Shown to the shopper as they are (checkout form, 下单失败 dialog). */
export const ADDRESS_MESSAGES: Record<AddressProblemCode, string> = {
  ADDRESS_MISSING: '请填写收货地址',
  NAME_MISSING: '请填写收货人',
  NAME_TOO_LONG: `收货人姓名不能超过${ADDRESS_LIMITS.name}个字`,
  PHONE_INVALID: '请填写正确的手机号',
  REGION_MISSING: '请填写省市',
  REGION_TOO_LONG: '省市区名称太长',
  DETAIL_MISSING: '请填写详细地址',
  DETAIL_TOO_LONG: `详细地址不能超过${ADDRESS_LIMITS.detail}个字`,
  POSTAL_CODE_INVALID: '邮政编码应为6位数字',
};

export interface AddressProblem {
  /** The field of Address, or '' for the address as a whole. */
  field: keyof Address | '';
  code: AddressProblemCode;
}

export type AddressCheck = { ok: true; address: Address } | { ok: false; problems: AddressProblem[] };

const text = (value: unknown): string | null => (typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : null);

/**
 * Checks an address as typed (or as received) and returns it cleaned: trimmed, the phone without
 * spaces, district '' when the city has none (东莞市, 中山市, 儋州市…), postal code only when given.
 * Anything that is not text where text belongs is a problem of that field, never an exception.
 */
export function checkAddress(input: unknown): AddressCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: [{ field: '', code: 'ADDRESS_MISSING' }] };
  const raw = input as Record<string, unknown>;
  const problems: AddressProblem[] = [];
  const name = text(raw.name);
  const phone = text(raw.phone);
  const province = text(raw.province);
  const city = text(raw.city);
  const district = text(raw.district);
  const detail = text(raw.detail);
  const postalCode = text(raw.postalCode);

  if (!name) problems.push({ field: 'name', code: 'NAME_MISSING' });
  else if (name.length > ADDRESS_LIMITS.name) problems.push({ field: 'name', code: 'NAME_TOO_LONG' });
  if (phone === null || phone.length > ADDRESS_LIMITS.phone || !PHONE_PATTERN.test(phone)) problems.push({ field: 'phone', code: 'PHONE_INVALID' });
  if (!province) problems.push({ field: 'province', code: 'REGION_MISSING' });
  else if (province.length > ADDRESS_LIMITS.province) problems.push({ field: 'province', code: 'REGION_TOO_LONG' });
  if (!city) problems.push({ field: 'city', code: 'REGION_MISSING' });
  else if (city.length > ADDRESS_LIMITS.city) problems.push({ field: 'city', code: 'REGION_TOO_LONG' });
  if (district === null || district.length > ADDRESS_LIMITS.district) problems.push({ field: 'district', code: 'REGION_TOO_LONG' });
  if (!detail) problems.push({ field: 'detail', code: 'DETAIL_MISSING' });
  else if (detail.length > ADDRESS_LIMITS.detail) problems.push({ field: 'detail', code: 'DETAIL_TOO_LONG' });
  if (postalCode === null || (postalCode !== '' && !POSTAL_CODE_PATTERN.test(postalCode))) problems.push({ field: 'postalCode', code: 'POSTAL_CODE_INVALID' });
  if (problems.length > 0) return { ok: false, problems };

  const address: Address = {
    name: name as string,
    phone: (phone as string).replace(/\s/g, ''),
    province: province as string,
    city: city as string,
    district: district as string,
    detail: detail as string,
  };
  if (postalCode) address.postalCode = postalCode;
  return { ok: true, address };
}

/** The message of an address's first problem, or null when it can be shipped to. */
export function addressMessage(input: unknown): string | null {
  const result = checkAddress(input);
  return result.ok ? null : ADDRESS_MESSAGES[result.problems[0].code];
}

/** What wx.chooseAddress hands over. */
export interface WechatAddress {
  userName: string;
  telNumber: string;
  provinceName: string;
  cityName: string;
  countyName: string;
  detailInfo: string;
  postalCode?: string;
}

/** wx.chooseAddress's result in our field names (still to be checked by the rule above). */
export function wechatAddressFields(r: WechatAddress): Partial<Address> {
  return { name: r.userName, phone: r.telNumber, province: r.provinceName, city: r.cityName, district: r.countyName, detail: r.detailInfo, postalCode: r.postalCode };
}
