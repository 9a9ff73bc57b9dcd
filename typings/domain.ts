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
  /** Words the merchant wants the product found by besides its own text (杯子 for a 马克杯). */
  searchTerms?: string[];
  /** Card-sized copies of the images, made by the merchant tools; an image without one is shown itself. */
  thumbs?: ProductThumb[];
}

/** The thumbnail file of one product image (keyed by the image, so reordering images by hand keeps them paired). */
export interface ProductThumb {
  image: string;
  thumb: string;
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

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'expired' | 'refunded'
  // Paid into a group that has not formed yet (cannot ship): group buying.
  | 'grouping';

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
  /** On orders: when the scan or share-card landing that the server credited happened (ms). */
  scannedAt?: number;
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
  /** This line's share of the order's coupon discount (absent without one); paid = lineTotal − discount. */
  discount?: Fen;
  /** The flash sale whose allotment and per-shopper limit the line's units came from. */
  flashSaleId?: string;
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
  /** Every unit refunded before shipping (status `refunded`). */
  refundedAt?: number;
  updatedAt: number;
  /** What after-sales requests hold of this order (absent until the first one). */
  afterSales?: OrderAfterSales;
  /** How the goods reach the shopper; absent = express delivery. */
  fulfilment?: Fulfilment;
  /** The shipment's report to WeChat's order-shipping service (from the ship action on). */
  shippingUpload?: ShippingUpload;
  /** The coupon this order used (one at most): total = itemsTotal + shippingFee − coupon.discount. */
  coupon?: OrderCoupon;
  /** Collected at a store (fulfilment `pickup`): the store as it was when ordered, and the pickup code. */
  pickup?: OrderPickup;
  /** When the merchant verified the pickup code and handed the goods over. */
  pickedUpAt?: number;
  /** Group buying: the group this order holds a place in, and when its payment, formation or failure came. */
  group?: OrderGroup;
  groupPaidAt?: number;
  groupFormedAt?: number;
  groupFailedAt?: number;
}

/** Express delivery by a carrier, or collected by the shopper at a store. */
export type Fulfilment = 'express' | 'pickup';

/**
 * pending (not sent yet) → sending (an attempt in flight, held until `leaseUntil`) → uploaded (WeChat
 * accepted it) | failed (refused or unknown; tried again at `nextAttemptAt`) | abandoned (the payment
 * was refunded in full or the order closed: WeChat will never take it, so it is not tried again).
 */
export type ShippingUploadState = 'pending' | 'sending' | 'uploaded' | 'failed' | 'abandoned';

/** The state of an order's shipping-info upload (docs/reference/wx-shipping-info.md). */
export interface ShippingUpload {
  state: ShippingUploadState;
  /** WeChat's logistics_type: 1 express, 4 self-pickup. */
  logisticsType: 1 | 4;
  /** Attempts started so far. */
  attempts: number;
  /** When the next attempt is due (ms). */
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  /** The last attempt's error (WeChat's errcode and message), null once accepted. */
  lastError: string | null;
  uploadedAt: number | null;
  /** An attempt in flight holds the upload until then (ms); null when none is. */
  leaseUntil: number | null;
  /** How the acceptance was learned: the upload's own answer, or WeChat's order query after an attempt whose answer was lost. */
  confirmedBy: 'upload' | 'query' | null;
  /** When it was given up (state `abandoned`), and why, in the merchant's words. */
  abandonedAt?: number | null;
  abandonedReason?: string | null;
}

/** An order as clients see it: no owner id. */
export type OrderView = Omit<Order, '_openid'>;

/** A target inside the mini program that a QR code or share card opens. */
export interface SceneTarget {
  /** Page path without leading slash, e.g. `pages/product/index`. */
  page: string;
  query: Record<string, string>;
}

/* -------------------------------------------------------------- after-sales */

/**
 * requested → refunding → refunded (before shipping); requested → approved → (return_pending →
 * received →) refunding → refunded (after shipping); requested → refused.
 */
export type AfterSaleStatus = 'requested' | 'approved' | 'return_pending' | 'received' | 'refunding' | 'refunded' | 'refused';

/** How the merchant approved: refund only, or the goods come back first. */
export type AfterSaleMode = 'refund' | 'return';

/** Units of one order line in an after-sales request, with their refund. */
export interface AfterSaleLine {
  /** Index into the order's lines. */
  index: number;
  productId: string;
  skuId: string;
  title: string;
  specText: string;
  image: string;
  qty: number;
  /** Paid price of these units (discounts spread over lines). */
  refundFee: Fen;
}

/** One after-sales request as clients see it. */
export interface AfterSaleView {
  _id: string;
  orderId: string;
  requestId: string;
  lines: AfterSaleLine[];
  reason: string;
  /** Units' refund plus the shipping fee when it is refunded too. */
  refundFee: Fen;
  shippingRefund: Fen;
  status: AfterSaleStatus;
  mode?: AfterSaleMode;
  /** Given when refused. */
  refuseReason?: string;
  /** Whether the order had shipped when asked (decides: refunded at once, or the merchant decides). */
  shippedWhenRequested: boolean;
  createdAt: number;
  updatedAt: number;
  approvedAt?: number;
  receivedAt?: number;
  refundingAt?: number;
  refundedAt?: number;
  refusedAt?: number;
}

/**
 * An order's tally of after-sales requests, kept on the order so concurrent requests meet on one
 * document: units and fen claimed per line by requests that are not refused, and each request's status.
 */
export interface OrderAfterSales {
  /** Per order line (same index): units and refund claimed. */
  lines: { qty: number; fee: Fen }[];
  /** Shipping fee claimed (only by a full refund before shipping). */
  shippingFee: Fen;
  /** Requests ever made that are not refused (WeChat Pay allows 50 refunds per payment). */
  count: number;
  /** Every request's current status, by its id. */
  states: Record<string, AfterSaleStatus>;
}

/* ------------------------------------------------------------------ coupons */

/** Amount off (`amountOff` fen) or percent off (`percentOff` %, rounded down to whole fen). */
export type CouponKind = 'amount' | 'percent';

/** Which lines a coupon applies to (and whose total its threshold is measured on). */
export type CouponScope = { kind: 'all' } | { kind: 'categories'; ids: string[] } | { kind: 'products'; ids: string[] };

/** Fixed dates (ms, `until` exclusive), or `days` days from the moment it is claimed. */
export type CouponValidity = { kind: 'fixed'; from: number; until: number } | { kind: 'days'; days: number };

/** What a coupon takes off and where: shared by the template and every coupon claimed from it. */
export interface CouponRule {
  kind: CouponKind;
  amountOff?: Fen;
  percentOff?: number;
  /** Spend at least this much on the lines in scope (goods at the prices charged, before shipping); 0 = none. */
  threshold: Fen;
  scope: CouponScope;
}

/** A merchant's coupon template (collection `coupon_templates`). */
export interface CouponTemplate extends CouponRule {
  _id: string;
  title: string;
  validity: CouponValidity;
  /** Coupons that may ever be claimed from it. */
  totalLimit: number;
  /** Coupons one shopper may claim from it. */
  perShopperLimit: number;
  /** Coupons claimed so far (never above totalLimit). */
  claimed: number;
  /** `stopped`: no more claims; coupons already claimed stay usable. */
  status: 'active' | 'stopped';
  createdAt: number;
  updatedAt: number;
}

/**
 * A campaign the merchant defines (collection `campaigns`; `_id` is also the `campaign` printed on its
 * QR codes, so it follows the campaign token rule: 1-32 letters, digits, _ or -). Times are ms.
 */
export interface Campaign {
  _id: string;
  title: string;
  /** The banner picture: a `cloud://` file id or an https URL ('' = none). */
  banner: string;
  intro: string;
  /** The products shown on its page, in this order. */
  productIds: string[];
  /** The coupon templates a shopper can claim on its page. */
  couponTemplateIds: string[];
  startAt: number;
  endAt: number;
  createdAt: number;
  updatedAt: number;
}

/** available → used (by one order) → available again when that order is cancelled, expires or is refunded in full. */
export type CouponStatus = 'available' | 'used' | 'expired';

/** A shopper's coupon (collection `coupons`), as clients see it. */
export interface CouponView extends CouponRule {
  _id: string;
  templateId: string;
  title: string;
  validFrom: number;
  /** Exclusive. */
  validUntil: number;
  /** `expired`: past its validity and not used. */
  status: CouponStatus;
  /** The order using it (status `used`). */
  orderId?: string;
  claimedAt: number;
  usedAt?: number;
  returnedAt?: number;
}

/** The coupon on an order: what it took off, for the order page and the console. */
export interface OrderCoupon {
  couponId: string;
  templateId: string;
  title: string;
  discount: Fen;
}

/** Where a campaign is in its time: not started, running, or over. */
export type CampaignPhase = 'upcoming' | 'live' | 'ended';

/** A user image's place in WeChat's image check (server/image-check.ts): shown to others only once it is `pass`. */
export type ImageCheckState = 'pending' | 'pass' | 'refused';

/** A user image as pages and the console show it: the image when it passed, otherwise `note` in its place. */
export interface CheckedImage {
  fileID: string;
  state: ImageCheckState;
  /** '' when passed; 图片审核中 while pending; the refusal in Chinese when refused */
  note: string;
}

/* ------------------------------------------------------------ address book */

/** One address of a shopper's address book (kept on the server, collection `address_books`). */
export interface SavedAddress extends Address {
  /** Stable within the shopper's book (not a database id). */
  id: string;
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
}

/* -------------------------------------------------------------- notices (subscribe messages) */

/** The subscribe-message notices the store sends (docs/reference/wx-subscribe-message.md). */
export type NoticeKind = 'shipped' | 'refund' | 'group';

/**
 * pending (not sent yet) → sending (an attempt in flight until `leaseUntil`) → sent | refused (WeChat's
 * 43101: the shopper holds no subscription) | failed (tried again at `nextAttemptAt` while `retry`).
 */
export type NoticeState = 'pending' | 'sending' | 'sent' | 'refused' | 'failed';

/** One notice about one order (collection `notices`, one per order, kind and subject), as merchants see it. */
export interface NoticeView {
  _id: string;
  kind: NoticeKind;
  orderId: string;
  /** What else the notice is about (an after-sales request, a payment refund, a group); '' for none. */
  subject: string;
  templateId: string;
  page: string;
  /** The template data sent (keyword → value). */
  data: Record<string, { value: string }>;
  state: NoticeState;
  attempts: number;
  /** WeChat's errcode of the last attempt (0 when sent). */
  errcode: number | null;
  lastError: string | null;
  /** Whether a failed notice is tried again (false after a configuration error). */
  retry: boolean;
  nextAttemptAt: number;
  leaseUntil: number | null;
  msgid: string | null;
  createdAt: number;
  sentAt: number | null;
  updatedAt: number;
}
/* ------------------------------------------------------------ stores, pickup */

/** A retail store (collection `stores`; `_id` is also the `store` printed on its QR codes). */
export interface Store {
  _id: string;
  name: string;
  /** One line, as a shopper reads it. */
  address: string;
  /** Opening hours as the merchant writes them ("每天 9:00-21:00"). */
  hours: string;
  /** Whether shoppers may collect orders here. */
  pickup: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A store as a shopper sees it at checkout. */
export type StoreView = Pick<Store, '_id' | 'name' | 'address' | 'hours'>;

/** Who collects a pickup order. */
export interface PickupContact {
  name: string;
  phone: string;
}

/** A pickup order's store (copied when ordered) and its code (shown to the shopper once paid). */
export interface OrderPickup {
  storeId: string;
  storeName: string;
  storeAddress: string;
  storeHours: string;
  contact: PickupContact;
  /** 8 random digits; absent from the shopper's view until the order is paid. */
  code?: string;
}

/* ------------------------------------------------------------- group buying */

/**
 * A product's group deal (拼团), set by the merchant: SKUs at a group price for groups of `size`
 * shoppers who all pay within `windowHours` of the group's opening.
 */
export interface GroupDeal {
  productId: string;
  size: number;
  windowHours: number;
  /** skuId → group price (fen), below the SKU's own price; SKUs not listed are not sold in groups. */
  prices: Record<string, Fen>;
  enabled: boolean;
  updatedAt: number;
}

/** A group's stored state: forming until `size` members paid (formed) or its window ended short (failed). */
export type GroupStatus = 'forming' | 'formed' | 'failed';

/**
 * What a shopper sees of a group: forming (places open, counting down), full (every place reserved,
 * waiting for payments), formed, failed (refunded), expired (window over, the result being settled).
 */
export type GroupPhase = 'forming' | 'full' | 'formed' | 'failed' | 'expired';

/** A member as other shoppers see them: nickname and avatar only (never an OPENID). */
export interface GroupMember {
  nickname: string;
  avatar: string;
  leader: boolean;
  paid: boolean;
}

/** The group order of an order (absent on ordinary orders). */
export interface OrderGroup {
  groupId: string;
  size: number;
  leader: boolean;
}
