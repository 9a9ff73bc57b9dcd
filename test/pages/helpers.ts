import path from 'path';
import { freshBuild } from '../../scripts/mp-harness';
import type { CloudHandler, RenderedComponent } from '../../scripts/mp-harness';

type Reply = (data: Record<string, any>) => unknown;

/** A fake cloud: `{ 'orders.create': (req) => envelope }`; anything else answers NOT_FOUND. */
export function cloudOf(routes: Record<string, Reply>): CloudHandler {
  return (name, data) => {
    const route = routes[`${name}.${String(data.action)}`];
    if (!route) return { ok: false, error: { code: 'NOT_FOUND', message: `no route ${name}.${String(data.action)}` } };
    return route(data);
  };
}

export const ok = (data: unknown) => ({ ok: true, data });
export const fail = (code: string, message = code, details?: unknown) => ({ ok: false, error: { code, message, details } });

export const text = (c: RenderedComponent | undefined) => ((c && c.dom.textContent) || '').replace(/\s+/g, ' ').trim();

/** A fresh build plus `require` of its runtime modules (services, utils), sharing the pages' instances. */
export function buildWithModules() {
  const root = freshBuild();
  const mod = (rel: string) => require(path.join(root, rel)) as Record<string, any>;
  return { root, mod };
}

export function productDetail(overrides: Record<string, unknown> = {}) {
  return {
    _id: 'p1',
    title: '纯棉卫衣',
    description: '舒适',
    categoryId: 'c1',
    images: ['https://img/1.jpg', 'https://img/2.jpg'],
    specs: [
      { name: '颜色', values: ['红', '蓝'] },
      { name: '尺码', values: ['S', 'M'] },
    ],
    skus: [
      { skuId: 'red-s', specValues: ['红', 'S'], price: 5990, originalPrice: 8990, available: 2 },
      { skuId: 'red-m', specValues: ['红', 'M'], price: 6990, available: 0 },
      { skuId: 'blue-m', specValues: ['蓝', 'M'], price: 7990, available: 5 },
    ],
    status: 'on_shelf',
    price: 5990,
    sales: 10,
    ...overrides,
  };
}

export function order(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    _id: 'o1',
    requestId: 'r1',
    lines: [{ productId: 'p1', skuId: 'red-s', title: '纯棉卫衣', specText: '红 / S', image: 'https://img/1.jpg', unitPrice: 5990, qty: 2, lineTotal: 11980 }],
    itemsTotal: 11980,
    shippingFee: 0,
    total: 11980,
    status: 'pending_payment',
    address: { name: '张三', phone: '13800138000', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路 397 号' },
    remark: '',
    attribution: {},
    createdAt: now,
    expireAt: now + 15 * 60_000,
    updatedAt: now,
    ...overrides,
  };
}

export const payment = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 's' };
