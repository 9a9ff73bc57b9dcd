/**
 * The checkout page and the orders function apply one address rule (miniprogram/domain/address.ts):
 * random addresses, including cities without districts, get the same verdict, the same cleaned address
 * and the same Chinese message from the page's check and from the server's event schema.
 */
import fc from 'fast-check';
import { ADDRESS_LIMITS } from '../../miniprogram/domain/address';
import { addressProblem, cleanAddress } from '../../miniprogram/pages-shop/utils/address';
import { parseEvent } from '../../server/events';
import type { Address } from '../../typings/domain';

/** What the server makes of an address in an otherwise valid create. */
function serverVerdict(address: unknown): { ok: true; address: Address } | { ok: false; message: string } {
  const parsed = parseEvent('orders', { action: 'create', requestId: 'addr-1', lines: [{ productId: 'p', skuId: 's', qty: 1 }], address });
  if (parsed.ok) return { ok: true, address: (parsed.request as { address: Address }).address };
  return { ok: false, message: parsed.envelope.ok ? '' : parsed.envelope.error.message };
}

/** Text around a limit: empty, blank, short, just under, at and just over it, with stray white space. */
const textAround = (limit: number) =>
  fc
    .oneof(
      fc.constantFrom('', '   '),
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.integer({ min: limit - 2, max: limit + 2 }).map((n) => '路'.repeat(Math.max(1, n))),
    )
    .chain((text) => fc.constantFrom(text, ` ${text} `, `\t${text}`));

const phone = fc.oneof(
  fc.constantFrom('13800000000', '138 0000 0000', '+86 138 0000 0000', '0769-22223333', '010 8888 6666', '12345', '1', '', 'abc', '+', '1380000000000000000000', '-13800000000'),
  fc.stringMatching(/^\+?[0-9 -]{0,24}$/),
);

const CITIES_WITHOUT_DISTRICTS = [
  ['广东省', '东莞市'],
  ['广东省', '中山市'],
  ['海南省', '儋州市'],
  ['甘肃省', '嘉峪关市'],
];

const address = fc.record(
  {
    name: fc.oneof(textAround(ADDRESS_LIMITS.name), fc.constant('张三')),
    phone,
    province: fc.oneof(fc.constantFrom('广东省', '', ' '), textAround(ADDRESS_LIMITS.province)),
    city: fc.oneof(fc.constantFrom('深圳市', ''), textAround(ADDRESS_LIMITS.city)),
    district: fc.oneof(fc.constantFrom('', '南山区', '  '), textAround(ADDRESS_LIMITS.district)),
    detail: fc.oneof(fc.constant('科技园 1 号'), textAround(ADDRESS_LIMITS.detail)),
    postalCode: fc.constantFrom('518000', '', '51800', 'abcdef', ' 523000 '),
  },
  { requiredKeys: ['name', 'phone', 'province', 'city', 'detail'] },
);

const withoutDistrict = fc.tuple(fc.constantFrom(...CITIES_WITHOUT_DISTRICTS), fc.constantFrom(undefined, '', ' ')).map(([[province, city], district]) => {
  const a: Record<string, unknown> = { name: '李四', phone: '13900000000', province, city, detail: '南城街道 8 号' };
  if (district !== undefined) a.district = district;
  return a;
});

test('page and server agree on every address: same verdict, same cleaned address, same message', () => {
  const verdicts = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(fc.oneof(address, withoutDistrict), (a) => {
      const page = addressProblem(a as Partial<Address>);
      const server = serverVerdict(a);
      verdicts[page === null ? 'accepted' : 'refused'] += 1;
      if (page === null) {
        expect(server).toEqual({ ok: true, address: cleanAddress(a as Partial<Address>) });
      } else {
        expect(server).toEqual({ ok: false, message: page });
      }
    }),
    { numRuns: 3000 },
  );
  // Both sides of the rule were exercised, not only refusals.
  expect(verdicts.accepted).toBeGreaterThan(100);
  expect(verdicts.refused).toBeGreaterThan(100);
});

test('a city without districts (东莞市) can be shipped to, on the page and on the server', () => {
  const dongguan = { name: '王五', phone: '13700000000', province: '广东省', city: '东莞市', district: '', detail: '南城街道 8 号' };
  expect(addressProblem(dongguan)).toBeNull();
  expect(serverVerdict(dongguan)).toEqual({ ok: true, address: dongguan });
  const { district: _none, ...noDistrictField } = dongguan;
  expect(serverVerdict(noDistrictField)).toEqual({ ok: true, address: dongguan });
});

test('the more permissive limits hold on both sides: a 50-character name and a 200-character detail pass, one more does not', () => {
  const base = { name: '赵'.repeat(50), phone: '13800000000', province: '广东省', city: '深圳市', district: '南山区', detail: '路'.repeat(200) };
  expect(addressProblem(base)).toBeNull();
  expect(serverVerdict(base).ok).toBe(true);
  expect(serverVerdict({ ...base, name: '赵'.repeat(51) })).toEqual({ ok: false, message: addressProblem({ ...base, name: '赵'.repeat(51) }) });
  expect(serverVerdict({ ...base, detail: '路'.repeat(201) })).toEqual({ ok: false, message: '详细地址不能超过200个字' });
});
