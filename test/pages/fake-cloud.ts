// The page tests' fake cloud, typed by the contract in typings/api.ts, with the fixtures the page tests share.
import path from 'path';
import type { ActionEvent, ActionName, ActionResponse, AfterSalePreview, AfterSaleUnits, ApiError, Envelope, ErrorCode, FunctionName, PaymentParams, ProductDetail, ProductSummary, ShopperOrder } from '../../typings/api';
import type { Attribution, CartItem, OrderView } from '../../typings/domain';
import { DEFAULT_AFTER_SALE_WINDOW_DAYS } from '../../miniprogram/domain/after-sales';
import { afterSalePreview, presentOrderAt } from '../../server/order-presenter';
import { freshBuild } from '../support/mp-harness';
import type { CloudHandler, FakeWx, RenderedComponent } from '../support/mp-harness';

/** `'orders.create'`, `'catalog.list'`, …: every action of the typed contract (typings/api.ts). */
export type RouteKey = { [F in FunctionName]: `${F}.${ActionName<F>}` }[FunctionName];

type Reply<T> = Envelope<T> | Promise<Envelope<T>>;
type RouteOf<K> = K extends `${infer F}.${infer A}`
  ? F extends FunctionName
    ? A extends ActionName<F>
      ? (req: ActionEvent<F, A>) => Reply<ActionResponse<F, A>>
      : never
    : never
  : never;

/** A fake cloud's answers, typed by the contract: each route gets its action's request, returns its envelope. */
export type Routes = { [K in RouteKey]?: RouteOf<K> };

/**
 * A fake cloud: `{ 'orders.create': (req) => ok({ order }) }`. A route may throw to act as a transport
 * failure (the page sees UNAVAILABLE); an action without a route answers NOT_FOUND.
 */
export function cloudOf(routes: Routes): CloudHandler {
  return (name, data) => {
    const key = `${name}.${String(data.action)}` as RouteKey;
    const route = routes[key] as ((req: unknown) => unknown) | undefined;
    if (!route) return fail('NOT_FOUND', `no route ${key}`);
    return route(data);
  };
}

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data });

export function fail(code: ErrorCode, message: string = code, details?: unknown): { ok: false; error: ApiError } {
  const error: ApiError = { code, message };
  if (details !== undefined) error.details = details;
  return { ok: false, error };
}

export const text = (c: RenderedComponent | undefined) => ((c && c.dom.textContent) || '').replace(/\s+/g, ' ').trim();

/** A fresh build plus `require` of its runtime modules (services, utils), sharing the pages' instances. */
export function buildWithModules() {
  const root = freshBuild();
  const mod = (rel: string) => require(path.join(root, rel)) as Record<string, any>;
  return { root, mod };
}

export const CART_KEY = 'storefront.cart.v1';
export const ENTRY_KEY = 'storefront.entry.v1';

/** The cart lines the page left in device storage. */
export const storedCart = (fake: FakeWx) => fake.storage.get(CART_KEY) as CartItem[];
/** The attribution the entry service left in device storage. */
export const storedAttribution = (fake: FakeWx) => (fake.storage.get(ENTRY_KEY) as { attribution: Attribution }).attribution;

export function summaries(n: number, from = 0): ProductSummary[] {
  return Array.from({ length: n }, (_, i) => ({ _id: `p${from + i}`, title: `商品${from + i}`, cover: 'https://img/c.jpg', price: 100 + i, sales: i, soldOut: false }));
}

export function productDetail(overrides: Partial<ProductDetail> = {}): ProductDetail {
  return {
    _id: 'p1',
    title: '纯棉卫衣',
    description: '舒适',
    categoryId: 'c1',
    images: ['https://img/1.jpg', 'https://img/2.jpg'],
    cover: 'https://img/1.jpg',
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

const WINDOW_MS = DEFAULT_AFTER_SALE_WINDOW_DAYS * 86_400_000;

/** An order as the server answers it: its status text, after-sales text and buttons by the server's presenter. */
export const presented = (view: OrderView): ShopperOrder => presentOrderAt(view, Date.now(), WINDOW_MS);

/** orders.previewAfterSale's answer for an order, by the server's own rule. */
export const previewOf = (view: OrderView, lines?: AfterSaleUnits[]): AfterSalePreview => afterSalePreview(view, lines, Date.now(), WINDOW_MS);

/** An order as the server answers it (`presented`), from `orderView(overrides)`. */
export function order(overrides: Partial<OrderView> = {}): ShopperOrder {
  return presented(orderView(overrides));
}

export function orderView(overrides: Partial<OrderView> = {}): OrderView {
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

export const payment: PaymentParams = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 's' };

/** The buttons inside an order-actions bar (a custom component: its own shadow tree). */
export function actionButtons(bar: RenderedComponent | undefined): string[] {
  if (!bar) return [];
  return ['order-group', 'order-after-sale', 'order-cancel', 'order-pay', 'order-confirm'].filter((id) => bar.querySelector(`#${id}`));
}
