/**
 * The API contract between the pages and the cloud functions: every function's actions with their
 * request and response types. Both sides import this file (type-only), so a change breaks the build on
 * both sides at once.
 *
 * Every function takes `{ action, ...request }` as its event and returns an Envelope.
 */
import type {
  Address,
  AfterSaleMode,
  AfterSaleStatus,
  AfterSaleView,
  Attribution,
  Campaign,
  CampaignPhase,
  Category,
  CheckedImage,
  CouponTemplate,
  CouponView,
  Fen,
  FieldProblem,
  LineProblem,
  NoticeKind,
  NoticeView,
  OrderLine,
  OrderStatus,
  OrderView,
  SavedAddress,
  PickupContact,
  Store,
  StoreView,
  SceneTarget,
  ShelfStatus,
  ShippingUpload,
  SpecDimension,
} from './domain';
import type { GroupDeal, GroupMember, GroupPhase } from './domain';

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'OUT_OF_STOCK'
  | 'PRICE_CHANGED'
  | 'INVALID_STATE'
  | 'CONFLICT'
  | 'PAYMENT_MISMATCH'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  /** orders.cancel: WeChat Pay reports the order paid, so it was marked paid instead of cancelled */
  | 'ALREADY_PAID'
  /** orders.create: a flash sale refused the line (see FlashRefusalCode) */
  | FlashRefusalCode
  /** merchant.verifyPickup: too many wrong pickup codes; try again later */
  | 'TOO_MANY_ATTEMPTS';

/**
 * Why orders.create refuses a flash-sale line: the sale has not started or has ended (for a line that
 * expects the sale price), the shopper's limit would be passed, or the allotment is short.
 */
export type FlashRefusalCode = 'FLASH_NOT_STARTED' | 'FLASH_ENDED' | 'FLASH_LIMIT' | 'FLASH_SOLD_OUT';

/** `details` of ALREADY_PAID: the order as it is now (paid), for the page to show at once. */
export interface AlreadyPaidDetails {
  order: ShopperOrder;
}

/** One problem with a field of the request, as the event schema found it (for developers). */
export interface RequestIssue {
  /** Dotted path into the event, e.g. `address.phone`, `lines[2].qty`. */
  path: string;
  problem: string;
}

/**
 * Every refusal has the same shape. `message` is for people: Chinese, fit to show a shopper or a
 * merchant as it is (a toast, the 下单失败 dialog). Everything for developers stays apart: `detail`
 * (English, for logs and the console) and `issues` (which fields the schema refused). `details` is data
 * the page acts on (per-line failures, price changes).
 */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** For developers: what exactly was refused, in English. Never shown to shoppers. */
  detail?: string;
  /** For developers: the fields the event schema refused (INVALID_ARGUMENT from validation). */
  issues?: RequestIssue[];
  /** Machine-readable data, e.g. per-line problems for OUT_OF_STOCK / PRICE_CHANGED. */
  details?: unknown;
}

/**
 * Who is calling, decided once per call by the function's handler from the platform's context, never
 * from the event:
 * - `shopper`: a mini program user (OPENID from the platform);
 * - `merchant`: a user whose OPENID the merchant rule accepts (asked only for merchant actions);
 * - `platform`: WeChat itself, a timer trigger (SOURCE `wx_trigger`) or a pay / refund notification
 *   (SOURCE `wx_paycallback`);
 * - `server`: a call without an OPENID that carries the environment's merchant key (admin CLI, console,
 *   an operator; see docs/reference/merchant-identity.md);
 * - `stranger`: a call with neither an OPENID nor the merchant key. It may browse (anonymous actions)
 *   and nothing else.
 */
export type CallerKind = 'shopper' | 'merchant' | 'platform' | 'server' | 'stranger';

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/* ------------------------------------------------------------------ catalog */

export type CatalogSort = 'newest' | 'sales' | 'price_asc' | 'price_desc';

/** One product card in a listing: only what the card renders. */
export interface ProductSummary {
  _id: string;
  title: string;
  /** The card's picture: the cover image's thumbnail when the merchant tools made one, else the cover image. */
  cover: string;
  /** Lowest price over SKUs. */
  price: Fen;
  originalPrice?: Fen;
  sales: number;
  /** True when no SKU has stock. */
  soldOut: boolean;
  /** True while `price` is a running flash sale's price (`originalPrice` is then the SKU's own). */
  flash?: boolean;
}

export interface SkuView {
  skuId: string;
  specValues: string[];
  price: Fen;
  originalPrice?: Fen;
  /** Units that can be bought now. */
  available: number;
}

export interface ProductDetail {
  _id: string;
  title: string;
  description: string;
  categoryId: string;
  images: string[];
  /** The card's picture, as ProductSummary.cover: what a cart line added from this page shows. */
  cover: string;
  specs: SpecDimension[];
  skus: SkuView[];
  status: ShelfStatus;
  price: Fen;
  sales: number;
}

export interface CatalogApi {
  list: {
    req: { categoryId?: string; keyword?: string; sort?: CatalogSort; cursor?: string; pageSize?: number };
    /** `nextCursor` is null on the last page. */
    res: { items: ProductSummary[]; nextCursor: string | null };
  };
  get: {
    req: { productId: string };
    /**
     * `product` prices a SKU on an active flash sale at the sale price. `flashSales`: the product's
     * sales not yet over (and ones that ended), `serverTime`: the cloud's clock, for countdowns.
     */
    res: { product: ProductDetail; flashSales?: FlashSaleView[]; serverTime?: number };
  };
  categories: {
    req: Record<string, never>;
    res: { categories: Category[] };
  };
  /** As the shopper types: best-selling on-shelf products the text finds (at most 8). */
  suggest: {
    req: { keyword: string };
    res: { suggestions: SearchSuggestion[] };
  };
  /** A campaign's page: what the merchant defined, its phase now (server clock) and its on-shelf products. */
  campaign: {
    req: { campaignId: string };
    res: { campaign: CampaignView; products: ProductSummary[] };
  };
}

/** A campaign as its page shows it. */
export interface CampaignView {
  _id: string;
  title: string;
  banner: string;
  intro: string;
  couponTemplateIds: string[];
  startAt: number;
  endAt: number;
  phase: CampaignPhase;
}

/** A flash sale as a shopper's page sees it. */
export interface FlashSaleView {
  saleId: string;
  skuId: string;
  price: Fen;
  regularPrice: Fen;
  startAt: number;
  endAt: number;
  /** Units one shopper may hold in paid and unpaid orders. */
  limit: number;
  allotment: number;
  /** Units of the allotment still to be had. */
  remaining: number;
  phase: 'scheduled' | 'active' | 'ended';
}

export interface SearchSuggestion {
  productId: string;
  title: string;
}

/* ---------------------------------------------------------------- inventory */

export interface CheckLineRequest {
  productId: string;
  skuId: string;
  qty: number;
  /** The unit price the shopper last saw, to detect price changes. */
  seenPrice?: Fen;
}

export interface CheckLineResult {
  productId: string;
  skuId: string;
  qty: number;
  /** Units available now (0 when not purchasable). */
  available: number;
  /** Current unit price, or null when the product cannot be priced (deleted, broken). */
  currentPrice: Fen | null;
  seenPrice?: Fen;
  title: string;
  image: string;
  specText: string;
  /** Empty when the line can be bought as it is. */
  problems: LineProblem[];
  /** With an INVALID_PRODUCT problem: what is wrong with the product document (for the merchant). */
  productProblems?: FieldProblem[];
}

export interface InventoryApi {
  check: {
    req: { lines: CheckLineRequest[] };
    res: { lines: CheckLineResult[] };
  };
}

/* ------------------------------------------------------------------- orders */

export interface OrderLineRequest {
  productId: string;
  skuId: string;
  qty: number;
  /**
   * The unit price the shopper saw at checkout. When given and different from the current price,
   * `create` refuses with PRICE_CHANGED (details: PriceChange[]) and writes nothing, so the shopper is
   * never charged a price they have not seen.
   */
  expectedPrice?: Fen;
}

export interface PriceChange {
  productId: string;
  skuId: string;
  expectedPrice: Fen;
  currentPrice: Fen;
}

/** Per-line reasons why an order could not be created (details of OUT_OF_STOCK / INVALID_ARGUMENT). */
export interface LineFailure {
  index: number;
  productId: string;
  skuId: string;
  problems: LineProblem[];
  /** With an INVALID_PRODUCT problem: what is wrong with the product document (for the merchant). */
  productProblems?: FieldProblem[];
}

/** Parameters for `wx.requestPayment`. */
export interface PaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'MD5' | 'HMAC-SHA256' | 'RSA';
  paySign: string;
}

export interface OrdersApi {
  create: {
    req: {
      /** Idempotency key, generated once per checkout and reused on every retry (≤ 64 chars). */
      requestId: string;
      lines: OrderLineRequest[];
      /** Where to ship; not asked for a store pickup (`pickup`). */
      address?: Address;
      remark?: string;
      /**
       * Accepted from older clients and ignored: the server credits the order to the caller's latest
       * recorded scan (server/attribution.ts).
       */
      attribution?: Attribution;
      /** The shopper's coupon to use (one per order); the server checks it and prices its discount. */
      couponId?: string;
      /**
       * Collect at a store instead of shipping (no shipping fee). `storeId`: one of `pickupStores`; none =
       * the store of the caller's latest store QR scan. The server decides and copies the store.
       */
      pickup?: PickupRequest;
    };
    res: { order: OrderView };
  };
  /** Prices the lines as `create` would, without reserving anything (the checkout summary). */
  quote: {
    /** `province`: where the order ships (the shipping fee depends on it); none = the default fee. */
    /** `couponId`: price with this coupon; `noCoupon`: with none; neither: with the best one. */
    req: { lines: OrderLineRequest[]; province?: string; couponId?: string; noCoupon?: boolean; /** `pickup`: no shipping fee */ fulfilment?: 'express' | 'pickup' };
    /**
     * `freeShippingFrom`: the merchant's free-shipping threshold (null = none), for the checkout hint.
     * With a signed-in shopper: `coupons` that apply, best first; `coupon` the one priced in (`discount`
     * is off `total`); `couponProblem` why the asked one does not apply.
     */
    res: {
      lines: CheckLineResult[];
      itemsTotal: Fen;
      shippingFee: Fen;
      total: Fen;
      freeShippingFrom?: Fen | null;
      discount?: Fen;
      coupon?: CouponOffer | null;
      coupons?: CouponOffer[];
      couponProblem?: string;
    };
  };
  list: {
    /** `afterSales`: only orders with an after-sales request (any status). */
    req: { status?: OrderStatus; cursor?: string; pageSize?: number; afterSales?: boolean };
    res: { orders: ShopperOrder[]; nextCursor: string | null };
  };
  get: {
    req: { orderId: string };
    res: { order: ShopperOrder };
  };
  cancel: {
    req: { orderId: string };
    res: { order: ShopperOrder };
  };
  pay: {
    req: { orderId: string };
    /** `noticeTemplates`: the subscribe-message ids the page asks for once the payment succeeds. */
    res: { orderId: string; payment: PaymentParams; noticeTemplates?: Partial<Record<NoticeKind, string>> };
  };
  confirmReceipt: {
    req: { orderId: string };
    res: { order: ShopperOrder };
  };
  /**
   * What the shopper may ask back of an order and what asking `lines` back would refund, priced by the
   * rule `requestAfterSale` decides with (nothing is written). `lines` absent: every unit still free.
   */
  previewAfterSale: {
    req: { orderId: string; lines?: AfterSaleUnits[] };
    res: AfterSalePreview;
  };
  /** The shopper asks for units of a paid order back. Before shipping it is refunded at once. */
  requestAfterSale: {
    req: {
      orderId: string;
      /** Idempotency key, generated once per request form and reused on every retry (≤ 64 chars). */
      requestId: string;
      lines: AfterSaleUnits[];
      reason: string;
    };
    res: { afterSale: AfterSaleView; order: OrderView };
  };
  /** The caller's after-sales requests (of one order, or all), newest first. */
  listAfterSales: {
    req: { orderId?: string };
    res: { afterSales: ShopperAfterSale[] };
  };
  /** Merchants only: every request (optionally in one status) and the refunds still owed or failing. */
  merchantAfterSales: {
    req: { status?: AfterSaleStatus };
    res: { afterSales: MerchantAfterSale[]; owedRefunds: OwedRefundView[] };
  };
  /** Merchants only: refund only (refunded at once), or the goods come back first. */
  approveAfterSale: {
    req: { afterSaleId: string; mode: AfterSaleMode };
    res: { afterSale: MerchantAfterSale };
  };
  /** Merchants only, with a reason the shopper sees. */
  refuseAfterSale: {
    req: { afterSaleId: string; reason: string };
    res: { afterSale: MerchantAfterSale };
  };
  /** Merchants only: the returned goods arrived; their units go back to stock. */
  receiveReturn: {
    req: { afterSaleId: string };
    res: { afterSale: MerchantAfterSale };
  };
  /** Merchants only: refund an approved or received request, or try a refund under way again now. */
  refundAfterSale: {
    req: { afterSaleId: string };
    res: { afterSale: MerchantAfterSale };
  };  /** Claims one coupon of a template (within its total and per-shopper limits). */
  claimCoupon: {
    /** `campaignId`: the campaign page the claim was made on (credited only if it is live and offers the template). */
    req: { templateId: string; campaignId?: string };
    /** `campaignId`: the campaign the claim was credited to, when it was. */
    res: { coupon: CouponView; template: ClaimableCoupon; campaignId?: string };
  };
  /** The caller's coupons, soonest expiry first within each status. */
  myCoupons: {
    req: { status?: CouponView['status'] };
    res: { coupons: CouponView[] };
  };
  /** Templates a shopper may claim: the given ones, or those that apply to a product (active only). */
  claimableCoupons: {
    req: { templateIds?: string[]; productId?: string };
    res: { templates: ClaimableCoupon[] };
  };
  /**
   * Starts WeChat's check of an image the caller uploaded (a cloud fileID), or answers where it stands:
   * pages call it right after `wx.cloud.uploadFile`, so the verdict is usually in before the image is
   * shown. Idempotent per fileID. `scene`: profile (avatars) or comment (photos; default).
   */
  checkImage: {
    req: { fileID: string; scene?: 'profile' | 'comment' };
    res: { image: CheckedImage };
  };
  /** The caller's address book: the default first, then the most recently saved. */
  addresses: {
    req: Record<string, never>;
    res: AddressBookView;
  };
  /**
   * Adds an address (an identical one already in the book is refreshed instead of added twice) or,
   * with `id`, edits that one. The first address of a book becomes its default.
   */
  saveAddress: {
    req: { id?: string; address: Address; makeDefault?: boolean };
    res: AddressBookView & { address: SavedAddress };
  };
  /** Deleting the default makes the most recently saved of the rest the default. */
  removeAddress: {
    req: { id: string };
    res: AddressBookView;
  };
  setDefaultAddress: {
    req: { id: string };
    res: AddressBookView;
  };
  /** What the "我的" page shows: the caller's orders per status, orders with after-sales, usable coupons. */
  meSummary: {
    req: Record<string, never>;
    res: { orders: Record<OrderStatus, number>; afterSales: number; coupons: number };
  };
  /** The subscribe-message template ids the store sends, per kind (only the configured ones). */
  noticeTemplates: {
    req: Record<string, never>;
    res: { templates: Partial<Record<NoticeKind, string>> };
  };
  /** What the shopper answered in the subscribe dialog (template id → accept/reject/ban/filter); a hint, WeChat decides. */
  reportSubscriptions: {
    req: { results: Record<string, string> };
    res: { recorded: number };
  };
  /** The stores a shopper may collect at, and the one of their latest store QR scan (if it offers pickup). */
  pickupStores: {
    req: Record<string, never>;
    res: { stores: StoreView[]; suggestedStoreId: string | null };
  };
  /** The caller's pickup code of a paid pickup order, with its QR code (a PNG data URL) for the store to scan. */
  pickupCode: {
    req: { orderId: string };
    res: { code: string; qr: string; pickedUpAt: number | null };
  };
  /* group buying (拼团) */
  /** A product's group deal (null without an active one) and its groups open to join, on the cloud's clock. */
  groupDeal: {
    req: { productId: string };
    res: { deal: GroupDealView | null; groups: GroupView[]; serverTime: number };
  };
  /** One group as the caller sees it, with the SKUs a member may buy in it. */
  group: {
    req: { groupId: string };
    res: { group: GroupView; skus: GroupSkuView[]; serverTime: number };
  };
  /** Opens a group (the caller leads it) and creates the leader's unpaid order at the group price. */
  openGroup: {
    req: GroupCheckoutRequest & { productId: string };
    res: { order: OrderView; groupId: string };
  };
  /** Reserves a place in a group for the caller and creates their unpaid order at the group price. */
  joinGroup: {
    req: GroupCheckoutRequest & { groupId: string };
    res: { order: OrderView; groupId: string };
  };
  /** The nickname (content-checked) and avatar (a cloud:// file) other members see. */
  saveGroupProfile: {
    req: { nickname: string; avatar: string };
    res: { profile: GroupProfile };
  };
  myGroupProfile: {
    req: Record<string, never>;
    res: { profile: GroupProfile | null };
  };
}

/** A shopper's address book as the pages see it. */
export interface AddressBookView {
  addresses: SavedAddress[];
  /** How many addresses a book may hold. */
  limit: number;
}

/** A checkout's store pickup: the store (optional, see orders.create) and who collects. */
export interface PickupRequest {
  storeId?: string;
  contact: PickupContact;
}

/** What opening or joining a group sends: one unit of a SKU at its group price, idempotent by requestId. */
export interface GroupCheckoutRequest {
  requestId: string;
  skuId: string;
  address: Address;
  /** The group price the shopper saw; a different price is PRICE_CHANGED. */
  expectedPrice?: Fen;
}

export interface GroupSkuView {
  skuId: string;
  specText: string;
  price: Fen;
  regularPrice: Fen;
  stock: number;
}

export interface GroupDealView {
  productId: string;
  title: string;
  image: string;
  size: number;
  windowHours: number;
  lowestPrice: Fen;
  skus: GroupSkuView[];
}

/** A group as shoppers see it: members by nickname and avatar, never an OPENID. */
export interface GroupView {
  groupId: string;
  productId: string;
  title: string;
  image: string;
  size: number;
  /** Places reserved (paid or not). */
  taken: number;
  paid: number;
  phase: GroupPhase;
  /** What the phase means for shoppers (Chinese). */
  message: string;
  expireAt: number;
  members: GroupMember[];
  /** The caller holds a place (their order: myOrderId; paid or not: myPaid). */
  joined: boolean;
  myOrderId?: string;
  myPaid: boolean;
  windowHours: number;
}

export interface GroupProfile {
  nickname: string;
  avatar: string;
}

/** A coupon that applies to a checkout and what it takes off. */
export interface CouponOffer {
  coupon: CouponView;
  discount: Fen;
}

/** A template as a shopper sees it where coupons are claimed. */
export interface ClaimableCoupon {
  templateId: string;
  title: string;
  kind: CouponTemplate['kind'];
  amountOff?: Fen;
  percentOff?: number;
  threshold: Fen;
  scope: CouponTemplate['scope'];
  validity: CouponTemplate['validity'];
  /** Coupons left to claim. */
  remaining: number;
  /** Coupons of it the caller holds (any status). */
  held: number;
  perShopperLimit: number;
  /** Why the caller cannot claim one now (Chinese), absent when they can. */
  refusal?: string;
}


/** Units of one order line asked back. */
export interface AfterSaleUnits {
  productId: string;
  skuId: string;
  qty: number;
}

/* ------------------------------------------------ orders as the shopper's pages show them */

/**
 * The order-actions bar's buttons, in the order it shows them: its group (查看拼团), after-sales,
 * cancel, pay, confirm receipt.
 */
export type OrderButtonType = 'group' | 'after-sale' | 'cancel' | 'pay' | 'confirm';

export interface OrderButton {
  type: OrderButtonType;
  /** The button's words, e.g. 立即支付. */
  name: string;
  /** The step the order waits for (pay, confirm receipt): drawn as the main button. */
  primary: boolean;
}

/**
 * What the server says about an order when it answers (server/order-presenter.ts), from the order's
 * status, its after-sales tally and the cloud's clock. Never stored: an idempotency record keeps the
 * plain OrderView, and these are worked out again on every answer.
 */
export interface OrderPresentation {
  /** The status as the shopper reads it (待付款, 待提货, 已过期 once the payment window has passed, …). */
  statusText: string;
  /** The order's after-sales in a few words ('' when none, or when the status already says it). */
  afterSalesText: string;
  /** What the shopper can do with the order now; empty when nothing. */
  buttons: OrderButton[];
}

/** An order as orders.list, get, cancel and confirmReceipt answer it. */
export type ShopperOrder = OrderView & OrderPresentation;

/** An after-sales request as orders.listAfterSales answers it. */
export type ShopperAfterSale = AfterSaleView & { /** e.g. 待商家处理 */ statusText: string };

/** One order line the shopper may still ask back. */
export type RefundableLine = Pick<OrderLine, 'productId' | 'skuId' | 'title' | 'specText' | 'image' | 'unitPrice'> & {
  /** Units no request holds yet (≥ 1). */
  max: number;
};

/** orders.previewAfterSale: the request form's lines and its refund, as the server would decide it now. */
export interface AfterSalePreview {
  /** Lines with units still free, in order (empty: everything was asked back already). */
  lines: RefundableLine[];
  /** What the asked units would refund, the shipping fee included (0 when refused). */
  refundFee: Fen;
  /** The shipping fee's part of refundFee. */
  shippingRefund: Fen;
  /** Not shipped yet: refunded as soon as it is asked; otherwise the merchant reviews it. */
  immediate: boolean;
  /** Why these units cannot be asked back now (null when they can); the same words requestAfterSale would refuse with. */
  problem: { code: string; message: string } | null;
}

/** A request as the merchant sees it: with its refund's progress at WeChat Pay. */
export interface MerchantAfterSale extends AfterSaleView {
  refundAttempts?: number;
  /** Why WeChat Pay refused the last attempt. */
  refundError?: string;
  refundState?: string;
  nextRefundAt?: number;
}

/** A payment we do not keep (late or duplicate), refunded by the refunds timer. */
export interface OwedRefundView {
  _id: string;
  orderId: string;
  totalFee: Fen;
  refundFee: Fen;
  reason: string;
  status: 'refund_required' | 'refunded';
  refundAttempts: number;
  refundError?: string;
  nextRefundAt?: number;
  createdAt: number;
}

/* ------------------------------------------------------------------- scenes */

export interface ScenesApi {
  /** Merchants only: server-side calls with the environment's credentials, or OPENIDs in config/merchants. */
  create: {
    req: { target: SceneTarget; campaign?: string; channel?: string; store?: string };
    /** `scene` fits WeChat's 32-character rule; the PNG is stored in cloud storage. */
    res: { scene: string; fileID: string; created: boolean };
  };
  resolve: {
    req: { scene: string };
    res: { target: SceneTarget; attribution: Attribution };
  };
  /** The caller's own opaque referral code for share cards (created on first use). */
  referralCode: {
    req: Record<string, never>;
    res: { referralCode: string };
  };
  /**
   * A share card brought the caller (its sharer's referral code): recorded for attribution with the
   * server's time. `credited` is false for a code no sharer has, or the caller's own.
   */
  shareLanding: {
    req: { referralCode: string };
    res: { credited: boolean };
  };
  /**
   * The caller opened a campaign's page (`scene`: this entry's launch scene). The server records a
   * visit with its own time; an entry from an Official Account article or menu is also recorded as the
   * caller's latest scan, so orders are credited to the campaign (`attributed`). Only a campaign that
   * exists and is live counts.
   */
  campaignVisit: {
    req: { campaignId: string; scene?: number };
    res: { recorded: boolean; attributed: boolean };
  };
}

/* ----------------------------------------------------------------- merchant */

/** A SKU's figures kept by the stock ledger: sellable, held by unpaid orders, paid. */
export interface StockFigures {
  stock: number;
  reserved: number;
  sold: number;
  /** Units carved out for a flash sale and not held by orders (present when a sale ever had some). */
  allotted?: number;
}

/** A SKU whose figures differ from the sum of its `stock_moves` (edited outside the ledger). */
export interface LedgerProblem {
  productId: string;
  skuId: string;
  /** What the document says; null when its figures are not whole numbers. */
  figures: StockFigures | null;
  /** What the moves add up to. */
  ledger: StockFigures;
}

/** One product of an import: the document, and for existing products the stock deltas per SKU. */
export interface ImportItem {
  product: Record<string, unknown>;
  /** skuId → units to add (or take, negative). The only way an import changes an existing SKU's stock. */
  stockDelta?: Record<string, number>;
}

export interface ImportOutcome {
  productId: string;
  result: 'created' | 'updated' | 'unchanged' | 'refused';
  /** Why it was refused (e.g. it exists and upsert was not asked, a delta would go below 0). */
  problem?: string;
}

/** A merchant's flash sale: a sale price for one SKU, an allotment carved out of its stock, a window and a per-shopper limit. */
export interface FlashSaleInput {
  productId: string;
  skuId: string;
  price: Fen;
  allotment: number;
  /** Epoch ms. */
  startAt: number;
  endAt: number;
  limit: number;
}

/** A flash sale as the console lists it. */
export interface MerchantFlashSale extends FlashSaleInput {
  saleId: string;
  /** Units of the allotment not held by orders (0 once ended). */
  remaining: number;
  phase: 'scheduled' | 'active' | 'ended';
  /** The allotment's rest went back to the SKU's stock. */
  ended: boolean;
}

/** Merchants only (config/merchants OPENIDs or server calls). Stock moves only by explicit deltas. */
export interface MerchantApi {
  adjustStock: {
    req: { productId: string; skuId: string; delta: number; reason: string };
    res: { productId: string; skuId: string; figures: StockFigures; revision: number };
  };
  /**
   * Saves a product. `create`: it must not exist. Otherwise `revision` must be the one the editor
   * loaded. Stock, reserved and sold are never taken from the request: an existing SKU keeps its
   * figures, a new SKU starts with the request's `stock`. `raw`: store the document as written (no
   * normalization), for the database panel.
   */
  saveProduct: {
    req: { product: Record<string, unknown>; revision?: number; create?: boolean; raw?: boolean };
    res: { product: Record<string, unknown>; revision: number; warnings: FieldProblem[] };
  };
  /** Upserts products in place (per product, like saveProduct), stock of existing SKUs only by `stockDelta`. */
  importProducts: {
    req: { items: ImportItem[]; upsert?: boolean; /** makes deltas idempotent when the same file is sent again */ importKey?: string };
    res: { outcomes: ImportOutcome[] };
  };
  /** Renames a product whose id breaks the id rule (no unpaid order may hold its units). */
  renameProduct: {
    req: { from: string; to: string };
    res: { productId: string; revision: number };
  };
  /** Ships a paid order with a carrier from WeChat's delivery company list (docs/reference/wechat-delivery-companies.md). */
  ship: {
    req: { orderId: string; carrier: string; trackingNo: string };
    /** `shippingUpload`: where the report to WeChat's order-shipping service stands after this call. */
    res: { order: OrderView; shippingUpload?: ShippingUpload };
  };
  /** Marks a shipped order received (the shopper has not confirmed it). */
  complete: {
    req: { orderId: string };
    res: { order: OrderView };
  };
  /** Cancels an unpaid order for the shopper (its units go back to stock). */
  cancel: {
    req: { orderId: string };
    res: { order: OrderView };
  };
  /** Compares every SKU's figures with its ledger (all products, or the given ones). */
  ledgerCheck: {
    req: { productIds?: string[] };
    res: { checkedProducts: number; checkedSkus: number; unopened: string[]; problems: LedgerProblem[] };
  };
  /**
   * Creates (`create`: the id must be new) or updates a coupon template. `claimed` is the server's; a
   * total below what was claimed is refused. Coupons already claimed keep the rules they were claimed with.
   */
  saveCouponTemplate: {
    req: { template: Record<string, unknown>; create?: boolean };
    res: { template: CouponTemplate };
  };
  /** Every coupon template, newest first, with how many of its coupons were used. */
  listCouponTemplates: {
    req: Record<string, never>;
    res: { templates: (CouponTemplate & { used: number })[] };
  };
  /** Every QR code (newest first) with its scans and the orders whose attribution names it. */
  scanReport: {
    req: Record<string, never>;
    res: { codes: ScanReportRow[]; totals: ReportTotals };
  };
  /**
   * A raw edit of an order (the database panel): fields other than its status, stamps, owner, lines,
   * amounts, after-sales and attribution, applied only while its status is the one read.
   */
  editOrder: {
    req: { orderId: string; doc: Record<string, unknown> };
    res: { order: OrderView };
  };
  /** Scans and orders grouped by one attribution field, optionally filtered and limited to a period. */
  attributionReport: {
    req: AttributionReportRequest;
    res: AttributionReport;
  };
  /** Schedules a flash sale on a SKU with no sale under way; its allotment leaves the SKU's stock at once. */
  scheduleFlashSale: {
    req: FlashSaleInput;
    res: { sale: MerchantFlashSale };
  };
  /** Flash sales, newest first (of one product when given). */
  flashSales: {
    req: { productId?: string };
    res: { sales: MerchantFlashSale[] };
  };
  /** Ends a SKU's sale now (or cancels it before its start): the allotment's rest goes back to stock. */
  endFlashSale: {
    req: { productId: string; skuId: string };
    res: { sale: MerchantFlashSale };
  };
  /** Creates (`create`: it must not exist) or replaces a campaign's definition. */
  saveCampaign: {
    req: { campaign: CampaignInput; create?: boolean };
    res: { campaign: Campaign };
  };
  /** Every campaign, live first (miniprogram/domain/campaigns.ts orderCampaigns). */
  listCampaigns: {
    req: Record<string, never>;
    res: { campaigns: Campaign[] };
  };
  /** Per-campaign figures (all campaigns, or the given ones). */
  campaignReport: {
    req: { campaignIds?: string[] };
    res: CampaignReport;
  };
  /** Subscribe-message notices, newest first: of one order, or those in one state. */
  notices: {
    req: { orderId?: string; state?: NoticeView['state'] };
    res: { notices: NoticeView[] };
  };
  /** Creates (`create`: the id must be new) or updates a store (miniprogram/domain/stores.ts checks it). */
  saveStore: {
    req: { store: Record<string, unknown>; create?: boolean };
    res: { store: Store };
  };
  /** Every store, by id, with its orders waiting for pickup. */
  listStores: {
    req: Record<string, never>;
    res: { stores: (Store & { awaitingPickup: number })[] };
  };
  /** Paid pickup orders not collected yet (of one store when given), oldest first. */
  pickupOrders: {
    req: { storeId?: string };
    res: { orders: OrderView[] };
  };
  /**
   * Verifies a pickup code (typed, or read from the shopper's QR code) and marks its order picked up;
   * the shipment is reported to WeChat as a self-pickup. `orderId` narrows the code to one order.
   * A code already used answers its order with `alreadyPickedUp` (verifying twice changes nothing).
   */
  verifyPickup: {
    req: { code: string; orderId?: string };
    res: { order: OrderView; alreadyPickedUp: boolean; shippingUpload?: ShippingUpload };
  };
  /** A product's group deal (拼团): group prices per SKU, group size, window (hours, default 24). */
  saveGroupDeal: {
    req: { productId: string; size: number; windowHours?: number; prices: Record<string, Fen>; enabled: boolean };
    res: { deal: GroupDeal };
  };
  groupDeals: {
    req: Record<string, never>;
    res: { deals: GroupDeal[] };
  };
}

/* ------------------------------------------------------- merchant reports */

/** Orders whose money was received and kept: paid, shipped, completed. */
export interface OrderFigures {
  /** Orders of any status. */
  orders: number;
  paidOrders: number;
  /** Sum of the paid orders' totals. */
  revenue: Fen;
}

export interface ReportTotals extends OrderFigures {
  scans: number;
}

/** One QR code from the scenes collection with what it brought in. */
export interface ScanReportRow extends ReportTotals {
  /** The scene code, as printed in the code and recorded in orders' attribution.sceneCode. */
  scene: string;
  fileID: string;
  kind: 'product' | 'campaign';
  target: SceneTarget;
  productId: string | null;
  /** The product's title (null for a campaign code, or a product that no longer exists). */
  productTitle: string | null;
  campaign: string | null;
  channel: string | null;
  store: string | null;
  createdAt: number | null;
  /** `scans`: times the mini program resolved the code. */
  lastScanAt: number | null;
}

/** What the attribution report groups by: a field of the orders' server-decided attribution. */
export type AttributionDimension = 'campaign' | 'channel' | 'store' | 'referral' | 'scene';

export interface AttributionReportRequest {
  by: AttributionDimension;
  /** Period (ms, server time): scans and orders at or after `from` and before `to`. */
  from?: number;
  to?: number;
  campaign?: string;
  channel?: string;
  store?: string;
  /** A referral code, or `any` for everything that came through a share card. */
  referral?: string;
  scene?: string;
}

/** One value of the dimension: its scans (QR scans, or share-card landings for `referral`) and orders. */
export interface AttributionRow extends ReportTotals {
  key: string;
}

export interface AttributionReport {
  by: AttributionDimension;
  /** Most revenue first. */
  rows: AttributionRow[];
  /** Orders (and scans) of the period and filter without a value for the dimension (e.g. direct visits). */
  none: ReportTotals;
  totals: ReportTotals;
}

/** What a merchant sends to define a campaign (miniprogram/domain/campaigns.ts checks it). */
export type CampaignInput = Omit<Campaign, 'createdAt' | 'updatedAt'>;

/** One campaign's figures; orders are those the server credited to the campaign (attribution.campaign). */
export interface CampaignFigures {
  campaignId: string;
  /** QR scans of codes printed with this campaign. */
  scans: number;
  /** Openings of its page (any entry). */
  visits: number;
  /** Of the visits: entries from an Official Account article or menu. */
  articleVisits: number;
  /** Distinct shoppers who opened its page. */
  visitors: number;
  /** Coupons claimed on its page while it was live (coupons that name it). */
  claims: number;
  orders: number;
  paidOrders: number;
  /** Fen paid by its paid, shipped and completed orders. */
  revenue: Fen;
}

export interface CampaignReport {
  campaigns: CampaignFigures[];
}

/* ---------------------------------------------------------------- the map */

export interface CloudApi {
  catalog: CatalogApi;
  inventory: InventoryApi;
  orders: OrdersApi;
  scenes: ScenesApi;
  merchant: MerchantApi;
}

export type FunctionName = keyof CloudApi;
export type ActionName<F extends FunctionName> = keyof CloudApi[F] & string;

type Spec<F extends FunctionName, A extends ActionName<F>> = CloudApi[F][A] extends { req: infer Q; res: infer R }
  ? { req: Q; res: R }
  : never;

export type ActionRequest<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['req'];
export type ActionResponse<F extends FunctionName, A extends ActionName<F>> = Spec<F, A>['res'];

/** The event a page sends to a function. */
export type ActionEvent<F extends FunctionName, A extends ActionName<F>> = { action: A } & (ActionRequest<F, A> extends Record<string, never> ? unknown : ActionRequest<F, A>);

/** What a call of an action answers. */
export type ActionReply<F extends FunctionName, A extends ActionName<F>> = Envelope<ActionResponse<F, A>>;

/**
 * How a caller outside the mini program (tests, the admin CLI, the console, benchmarks) sends one event to
 * a function: by the local cloud's invoke endpoint, `app.callFunction`, or `wx.cloud.callFunction`.
 * `callAction` wraps one of these so every caller gets the contract's types.
 */
export type RawInvoke = (name: FunctionName, event: unknown) => Promise<unknown>;

/** Problems of one product document, as reported by listings and the console. */
export interface ProductProblemReport {
  productId: string;
  problems: FieldProblem[];
}
