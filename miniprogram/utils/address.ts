import type { Address } from '../../typings/domain';

export const ADDRESS_FIELDS: (keyof Address)[] = ['name', 'phone', 'province', 'city', 'district', 'detail'];

/** What is wrong with an address the shopper typed, or null when it can be shipped to. */
export function addressProblem(a: Partial<Address> | null | undefined): string | null {
  if (!a) return '请填写收货地址';
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (!text(a.name)) return '请填写收货人';
  if (text(a.name).length > 30) return '收货人姓名太长';
  if (!/^[0-9+\-\s]{6,20}$/.test(text(a.phone))) return '请填写正确的手机号';
  if (!text(a.province) || !text(a.city)) return '请填写省市';
  if (!text(a.detail)) return '请填写详细地址';
  if (text(a.detail).length > 120) return '详细地址太长';
  return null;
}

export function cleanAddress(a: Partial<Address>): Address {
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
export function fromWechatAddress(r: {
  userName: string;
  telNumber: string;
  provinceName: string;
  cityName: string;
  countyName: string;
  detailInfo: string;
  postalCode?: string;
}): Address {
  return cleanAddress({
    name: r.userName,
    phone: r.telNumber,
    province: r.provinceName,
    city: r.cityName,
    district: r.countyName,
    detail: r.detailInfo,
    postalCode: r.postalCode,
  });
}
