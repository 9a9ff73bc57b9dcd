/**
 * Shipping fee templates (miniprogram/domain/shipping.ts) and their use in pricing: fees by province,
 * the free-shipping threshold, the default template, and the checks on a hand-edited template.
 */
import { priceOrder, quoteOrder } from '../../miniprogram/domain/pricing';
import { checkShippingTemplate, DEFAULT_SHIPPING_TEMPLATE, freeShippingGap, provinceKey, regionFee, shippingFeeFor, type ShippingTemplate } from '../../miniprogram/domain/shipping';
import { normalizeProduct } from '../../miniprogram/domain/normalize';

const TEMPLATE: ShippingTemplate = {
  defaultFee: 600,
  freeFrom: 19900,
  regions: [
    { provinces: ['新疆维吾尔自治区', '西藏'], fee: 2500 },
    { provinces: ['广东省', '上海'], fee: 0 },
    { provinces: ['内蒙古自治区', '广西'], fee: 1200 },
  ],
};

test('province names match in long and short spellings', () => {
  expect(['广东省', '广东', '上海市', '广西壮族自治区', '新疆维吾尔自治区', '宁夏回族自治区', '内蒙古自治区', '香港特别行政区'].map(provinceKey)).toEqual([
    '广东', '广东', '上海', '广西', '新疆', '宁夏', '内蒙古', '香港',
  ]);
});

test('fees by region: a listed province pays its region fee, others the default', () => {
  expect(regionFee(TEMPLATE, '新疆维吾尔自治区')).toBe(2500);
  expect(regionFee(TEMPLATE, '西藏自治区')).toBe(2500);
  expect(regionFee(TEMPLATE, '广东省')).toBe(0);
  expect(regionFee(TEMPLATE, '上海市')).toBe(0);
  expect(regionFee(TEMPLATE, '广西壮族自治区')).toBe(1200);
  expect(regionFee(TEMPLATE, '内蒙古')).toBe(1200);
  expect(regionFee(TEMPLATE, '浙江省')).toBe(600);
  expect(regionFee(TEMPLATE, undefined)).toBe(600);
  expect(regionFee(TEMPLATE, '')).toBe(600);
});

test('the threshold makes any region free; an empty order pays nothing', () => {
  expect(shippingFeeFor(TEMPLATE, 19899, '新疆')).toBe(2500);
  expect(shippingFeeFor(TEMPLATE, 19900, '新疆')).toBe(0);
  expect(shippingFeeFor(TEMPLATE, 50000, '浙江')).toBe(0);
  expect(shippingFeeFor(TEMPLATE, 0, '新疆')).toBe(0);
  const never = { ...TEMPLATE, freeFrom: null };
  expect(shippingFeeFor(never, 1_000_000, '新疆')).toBe(2500);
  expect(freeShippingGap(TEMPLATE, 15000)).toBe(4900);
  expect(freeShippingGap(TEMPLATE, 19900)).toBeNull();
  expect(freeShippingGap(never, 100)).toBeNull();
});

test('the default template is the store as it was: ¥8, free from ¥99', () => {
  expect(shippingFeeFor(DEFAULT_SHIPPING_TEMPLATE, 9899, '新疆')).toBe(800);
  expect(shippingFeeFor(DEFAULT_SHIPPING_TEMPLATE, 9900, '新疆')).toBe(0);
});

test('priceOrder and quoteOrder charge the template fee for the province', () => {
  const product = normalizeProduct({ _id: 'p1', title: '茶', categoryId: 'c', images: ['x'], specs: [], skus: [{ skuId: 's', specValues: [], price: 5000, stock: 9 }], status: 'on_shelf', price: 5000 });
  const lookup = () => product;
  const lines = [{ productId: 'p1', skuId: 's', qty: 2 }];
  const far = priceOrder(lines, lookup, { template: TEMPLATE, province: '西藏自治区' });
  expect(far).toMatchObject({ ok: true, itemsTotal: 10000, shippingFee: 2500, total: 12500 });
  const near = priceOrder(lines, lookup, { template: TEMPLATE, province: '广东省' });
  expect(near).toMatchObject({ ok: true, shippingFee: 0, total: 10000 });
  const elsewhere = quoteOrder(lines, lookup, { template: TEMPLATE, province: '浙江省' });
  expect(elsewhere).toMatchObject({ ok: true, shippingFee: 600, total: 10600 });
  const free = priceOrder([{ productId: 'p1', skuId: 's', qty: 4 }], lookup, { template: TEMPLATE, province: '西藏' });
  expect(free).toMatchObject({ ok: true, itemsTotal: 20000, shippingFee: 0, total: 20000 });
});

test('a hand-edited template is checked field by field, in Chinese', () => {
  expect(checkShippingTemplate(TEMPLATE)).toEqual({ ok: true, template: TEMPLATE });
  expect(checkShippingTemplate({ defaultFee: 500 })).toEqual({ ok: true, template: { defaultFee: 500, freeFrom: null, regions: [] } });
  const bad = checkShippingTemplate({
    defaultFee: '8.00',
    freeFrom: -1,
    regions: [{ provinces: ['广东'], fee: 1.5 }, { provinces: [], fee: 100 }, { provinces: ['广东省'], fee: 200 }, { provinces: ['江苏', 3], fee: 100 }],
  });
  expect(bad.ok).toBe(false);
  expect(!bad.ok && bad.problems).toEqual([
    'defaultFee 应为 0 到 100000 之间的整数（分）',
    'freeFrom 应为正整数（分），或 null 表示不包邮',
    'regions[0].fee 应为 0 到 100000 之间的整数（分）',
    'regions[1].provinces 应为非空的省份名称列表',
    '省份「广东省」出现在多个地区',
    'regions[3].provinces 应为非空的省份名称列表',
  ]);
  expect(checkShippingTemplate(null).ok).toBe(false);
  expect(checkShippingTemplate({ defaultFee: 100, regions: 'all' })).toEqual({ ok: false, problems: ['regions 应为数组'] });
  expect(checkShippingTemplate({ defaultFee: 100_001 }).ok).toBe(false);
});
