/**
 * The storefront's domain model: the one definition shared by pages, cloud functions, tools and tests.
 * Type-only: import it with `import type` so nothing here is needed at runtime.
 */

/** Money is always an integer number of fen (1 yuan = 100 fen). Formatting to yuan happens only at display. */
export type Fen = number;

export type ShelfStatus = 'on_shelf' | 'off_shelf';

/** One spec dimension of a product, e.g. { name: '颜色', values: ['红', '蓝'] }. */
export interface SpecDimension {
  name: string;
  values: string[];
}

/** A sellable variant: one value per spec dimension, in the product's dimension order. */
export interface Sku {
  skuId: string;
  /** specValues[i] is a value of product.specs[i]. Empty for products without specs. */
  specValues: string[];
  price: Fen;
  /** Price shown struck through, if any. */
  originalPrice?: Fen;
  stock: number;
}

/** A product as stored in the `products` collection, after normalization (see domain/normalize). */
export interface Product {
  _id: string;
  title: string;
  description: string;
  categoryId: string;
  /** Image URLs or cloud fileIDs; the first is the cover. At least one. */
  images: string[];
  specs: SpecDimension[];
  skus: Sku[];
  status: ShelfStatus;
  /** Units sold (used for the "sales" sort). */
  sales: number;
  /** Lowest SKU price, kept in the document so listings can sort and filter by price. */
  price: Fen;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}

export interface Category {
  _id: string;
  name: string;
  sort: number;
}

/** A problem found in a hand-edited product document. `field` is a path such as `skus[1].price`. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** What the shopper keeps in the cart (client side, persisted in storage). */
export interface CartItem {
  productId: string;
  skuId: string;
  qty: number;
  /** Unit price the shopper saw when adding; used only to detect price changes, never to charge. */
  seenPrice: Fen;
  selected: boolean;
  addedAt: number;
}

export type LineProblemCode =
  | 'NOT_FOUND' // product or SKU deleted
  | 'INVALID_PRODUCT' // the product document is broken (see FieldProblem)
  | 'OFF_SHELF'
  | 'SOLD_OUT'
  | 'INSUFFICIENT_STOCK'
  | 'PRICE_CHANGED'
  | 'QTY_LIMIT';

export interface LineProblem {
  code: LineProblemCode;
  message: string;
}

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'expired';

export interface Address {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  postalCode?: string;
}

/** Where an order came from: the entry QR scene and/or the share card that brought the shopper. */
export interface Attribution {
  /** WeChat launch scene value, e.g. 1047 (QR), 1007 (share card). */
  launchScene?: number;
  /** The `scene` code of the QR code scanned (from `scenes.create`). */
  sceneCode?: string;
  campaign?: string;
  channel?: string;
  store?: string;
  /** Opaque referral code of the sharer (never an OPENID). */
  referralCode?: string;
}

export interface OrderLine {
  productId: string;
  skuId: string;
  title: string;
  /** e.g. "红 / M" */
  specText: string;
  image: string;
  unitPrice: Fen;
  qty: number;
  lineTotal: Fen;
}

export interface Order {
  _id: string;
  /** Owner. Stored, never returned to clients. */
  _openid: string;
  requestId: string;
  lines: OrderLine[];
  itemsTotal: Fen;
  shippingFee: Fen;
  total: Fen;
  status: OrderStatus;
  address: Address;
  remark: string;
  attribution: Attribution;
  createdAt: number;
  /** Unpaid orders expire at this time (ms). */
  expireAt: number;
  paidAt?: number;
  transactionId?: string;
  shippedAt?: number;
  trackingNo?: string;
  /** The carrier's code in WeChat's delivery company list (miniprogram/domain/carriers.ts). */
  carrier?: string;
  completedAt?: number;
  cancelledAt?: number;
  expiredAt?: number;
  updatedAt: number;
}

/** An order as clients see it: no owner id. */
export type OrderView = Omit<Order, '_openid'>;

/** A target inside the mini program that a QR code or share card opens. */
export interface SceneTarget {
  /** Page path without leading slash, e.g. `pages/product/index`. */
  page: string;
  query: Record<string, string>;
}
