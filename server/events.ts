/**
 * The event schemas of every action (the validation layer). Pure: `parseEvent('orders', event)` turns a
 * raw event into a typed request or an INVALID_ARGUMENT envelope, with no I/O, so tests can push
 * thousands of malformed events through exactly the code the functions run.
 */
import type { ActionName, ActionRequest, CampaignInput, Envelope, FunctionName } from '../typings/api';
import { CAMPAIGN_FIELD_MESSAGES } from '../miniprogram/domain/campaigns';
import { MAX_LINES, MAX_QTY_PER_LINE } from '../miniprogram/domain/cart';
import { MAX_FEN } from '../miniprogram/domain/money';
import { ORDER_STATUSES } from '../miniprogram/domain/order-state';
import { AFTER_SALE_STATUSES, MAX_REASON_LENGTH } from '../miniprogram/domain/after-sales';
import { LIMITS } from '../miniprogram/domain/normalize';
import { TRACKING_NO } from '../miniprogram/domain/carriers';
import { fail } from './errors';
import type { Address } from '../typings/domain';
import { ADDRESS_MESSAGES, checkAddress } from '../miniprogram/domain/address';
import { arrayOf, empty, id, int, isPlainObject, obj, oneOf, optional, parse, str, stringMap, type Issue, type Schema } from './validate';

const qty = int(1, MAX_QTY_PER_LINE);
const fen = int(0, MAX_FEN);
const cursor = str({ max: 600, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'a cursor from a previous page' });
const pageSize = int(1, 50);
/** Campaign / channel / store / referral tokens: short and scene-safe. */
const token = str({ max: 32, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, _ or -' });

/** The shared address rule (miniprogram/domain/address.ts): the checkout page applies the very same one. */
const address: Schema<Address> = {
  check(value, path, issues) {
    const result = checkAddress(value);
    if (result.ok) return result.address;
    for (const problem of result.problems) {
      issues.push({ path: problem.field ? `${path}.${problem.field}` : path, problem: `is refused by the address rule (${problem.code})`, message: ADDRESS_MESSAGES[problem.code] });
    }
    return undefined;
  },
};

const sceneCode = str({ max: 32, pattern: /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/, patternHint: 'a QR scene' });

const attribution = obj({
  launchScene: optional(int(1000, 9999)),
  sceneCode: optional(sceneCode),
  campaign: optional(token),
  channel: optional(token),
  store: optional(token),
  referralCode: optional(token),
});

/** A store pickup at checkout: the contact's own rule (domain/stores) gives the shopper's words on the server. */
const pickupRequest = obj({
  storeId: optional(token),
  contact: obj({ name: str({ min: 0, max: 50 }), phone: str({ min: 0, max: 20 }) }),
});

/** A checkout ships to its address, or is collected at a store: one of the two is required. */
function addressUnlessPickup<T extends { address?: Address; pickup?: unknown }>(schema: Schema<T>): Schema<T> {
  return {
    check(value, path, issues) {
      const out = schema.check(value, path, issues);
      if (out && out.address === undefined && out.pickup === undefined) {
        issues.push({ path: path ? `${path}.address` : 'address', problem: 'is required unless pickup is given', message: ADDRESS_MESSAGES.ADDRESS_MISSING });
        return undefined;
      }
      return out;
    },
  };
}

const orderLine = obj({ productId: id(), skuId: id(), qty, expectedPrice: optional(fen) });
const orderLines = arrayOf(orderLine, 1, MAX_LINES);
const orderId = obj({ orderId: id() });
/** A cloud storage fileID (cloud://<env>.<bucket>/<path>), as wx.cloud.uploadFile answers it. */
const cloudFileId = str({ max: 512, pattern: /^cloud:\/\/[A-Za-z0-9._-]+\/[^\s?#]+$/, patternHint: 'a cloud fileID', trim: false });

const pagePath = str({ max: 128, pattern: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, patternHint: 'a page path without leading / or query', trim: false });

/** A whole document from a merchant tool; the normalizer (or the raw editor's rules) judges its content. */
const documentSchema: Schema<Record<string, unknown>> = {
  check(value, path, issues) {
    if (!isPlainObject(value)) {
      issues.push({ path, problem: 'must be an object' });
      return undefined;
    }
    if (JSON.stringify(value).length > 256 * 1024) {
      issues.push({ path, problem: 'is larger than 256 KB' });
      return undefined;
    }
    return value;
  },
};

const bool: Schema<boolean> = {
  check(value, path, issues) {
    if (typeof value === 'boolean') return value;
    issues.push({ path, problem: 'must be true or false' });
    return undefined;
  },
};

/** skuId → a whole number of units (an import's stock delta column). */
const deltaMap: Schema<Record<string, number>> = {
  check(value, path, issues) {
    if (!isPlainObject(value) || Object.keys(value).length > LIMITS.skus) {
      issues.push({ path, problem: `must map at most ${LIMITS.skus} SKU ids to whole numbers` });
      return undefined;
    }
    const out: Record<string, number> = {};
    const before = issues.length;
    for (const [key, delta] of Object.entries(value)) {
      const k = id().check(key, `${path}{key}`, issues);
      const v = stockDelta.check(delta, `${path}.${key}`, issues);
      if (k !== undefined && v !== undefined) out[k] = v;
    }
    return issues.length === before ? out : undefined;
  },
};

const stockDelta = int(-LIMITS.stock, LIMITS.stock);

/** A campaign's definition: shapes here, its rules (lengths, dates, duplicates) in domain/campaigns. */
const campaignShape = obj({
  _id: token,
  title: str({ min: 0, max: 200 }),
  banner: str({ min: 0, max: 1024 }),
  intro: str({ min: 0, max: 5000, trim: false }),
  productIds: arrayOf(id(), 0, 200),
  couponTemplateIds: arrayOf(id(), 0, 200),
  startAt: int(0, Number.MAX_SAFE_INTEGER),
  endAt: int(0, Number.MAX_SAFE_INTEGER),
});
const campaignInput: Schema<CampaignInput> = {
  check(value, path, issues) {
    const before = issues.length;
    const out = campaignShape.check(value, path, issues);
    // Each refused field in the merchant's words (the console shows the first).
    for (const issue of issues.slice(before)) {
      const field = issue.path.slice(path.length + 1).split(/[.[]/)[0];
      // A start or end that is not a time at all is missing, whichever it is.
      const key = field === 'endAt' ? 'startAt' : field;
      if (!issue.message && CAMPAIGN_FIELD_MESSAGES[key]) issue.message = CAMPAIGN_FIELD_MESSAGES[key];
    }
    return out;
  },
};

/** The idempotency key of a checkout (orders.create, group checkouts). */
const requestId = str({ max: 64, pattern: /^[A-Za-z0-9_.:-]+$/, patternHint: 'letters, digits or _.:-', trim: false });

/** skuId → a price in fen (a group deal's prices). */
const priceMap: Schema<Record<string, number>> = {
  check(value, path, issues) {
    if (!isPlainObject(value) || Object.keys(value).length > LIMITS.skus) {
      issues.push({ path, problem: `must map at most ${LIMITS.skus} SKU ids to prices in fen` });
      return undefined;
    }
    const out: Record<string, number> = {};
    const before = issues.length;
    for (const [key, price] of Object.entries(value)) {
      const k = id().check(key, `${path}{key}`, issues);
      const v = fen.check(price, `${path}.${key}`, issues);
      if (k !== undefined && v !== undefined) out[k] = v;
    }
    return issues.length === before ? out : undefined;
  },
};

// Typed against the contract: a schema whose output does not fit the action's request type fails the build.
type SchemaMap = { [F in FunctionName]: { [A in ActionName<F>]: Schema<ActionRequest<F, A>> } };

export const EVENT_SCHEMAS: SchemaMap = {
  catalog: {
    list: obj({
      categoryId: optional(id()),
      keyword: optional(str({ min: 0, max: 50 })),
      sort: optional(oneOf(['newest', 'sales', 'price_asc', 'price_desc'] as const)),
      cursor: optional(cursor),
      pageSize: optional(pageSize),
    }),
    get: obj({ productId: id() }),
    categories: empty,
    suggest: obj({ keyword: str({ min: 0, max: 50 }) }),
    campaign: obj({ campaignId: token }),
  },
  inventory: {
    check: obj({
      lines: arrayOf(obj({ productId: id(), skuId: id(), qty, seenPrice: optional(fen) }), 1, MAX_LINES),
    }),
  },
  orders: {
    create: addressUnlessPickup(
      obj({
        requestId: str({ max: 64, pattern: /^[A-Za-z0-9_.:-]+$/, patternHint: 'letters, digits or _.:-', trim: false }),
        lines: orderLines,
        address: optional(address),
        remark: optional(str({ min: 0, max: 200 })),
        attribution: optional(attribution),
        couponId: optional(id()),
        pickup: optional(pickupRequest),
      }),
    ),
    quote: obj({ lines: orderLines, province: optional(str({ min: 0, max: 50 })), couponId: optional(id()), noCoupon: optional(bool), fulfilment: optional(oneOf(['express', 'pickup'] as const)) }),
    list: obj({ status: optional(oneOf(ORDER_STATUSES)), cursor: optional(cursor), pageSize: optional(pageSize), afterSales: optional(bool) }),
    get: orderId,
    cancel: orderId,
    pay: orderId,
    confirmReceipt: orderId,
    requestAfterSale: obj({
      orderId: id(),
      requestId: str({ max: 64, pattern: /^[A-Za-z0-9_.:-]+$/, patternHint: 'letters, digits or _.:-', trim: false }),
      lines: arrayOf(obj({ productId: id(), skuId: id(), qty }), 1, MAX_LINES),
      reason: str({ max: MAX_REASON_LENGTH }),
    }),
    previewAfterSale: obj({ orderId: id(), lines: optional(arrayOf(obj({ productId: id(), skuId: id(), qty }), 0, MAX_LINES)) }),
    listAfterSales: obj({ orderId: optional(id()) }),
    merchantAfterSales: obj({ status: optional(oneOf(AFTER_SALE_STATUSES)) }),
    approveAfterSale: obj({ afterSaleId: id(), mode: oneOf(['refund', 'return'] as const) }),
    refuseAfterSale: obj({ afterSaleId: id(), reason: str({ max: MAX_REASON_LENGTH }) }),
    receiveReturn: obj({ afterSaleId: id() }),
    refundAfterSale: obj({ afterSaleId: id() }),
    claimCoupon: obj({ templateId: id(), campaignId: optional(token) }),
    myCoupons: obj({ status: optional(oneOf(['available', 'used', 'expired'] as const)) }),
    claimableCoupons: obj({ templateIds: optional(arrayOf(id(), 0, 20)), productId: optional(id()) }),
    checkImage: obj({ fileID: cloudFileId, scene: optional(oneOf(['profile', 'comment'] as const)) }),
    addresses: empty,
    saveAddress: obj({ id: optional(id()), address, makeDefault: optional(bool) }),
    removeAddress: obj({ id: id() }),
    setDefaultAddress: obj({ id: id() }),
    meSummary: empty,
    noticeTemplates: empty,
    reportSubscriptions: obj({
      results: stringMap({
        maxKeys: 5,
        key: str({ max: 128, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'a template id', trim: false }),
        value: str({ max: 16, trim: false }),
      }),
    }),
    pickupStores: empty,
    pickupCode: orderId,
    groupDeal: obj({ productId: id() }),
    group: obj({ groupId: id() }),
    openGroup: obj({ requestId, productId: id(), skuId: id(), address, expectedPrice: optional(fen) }),
    joinGroup: obj({ requestId, groupId: id(), skuId: id(), address, expectedPrice: optional(fen) }),
    saveGroupProfile: obj({ nickname: str({ min: 0, max: 64 }), avatar: str({ min: 0, max: 300, trim: false }) }),
    myGroupProfile: empty,
  },
  scenes: {
    create: obj({
      target: obj({
        page: pagePath,
        query: stringMap({
          maxKeys: 8,
          key: str({ max: 32, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, patternHint: 'a parameter name', trim: false }),
          value: str({ max: 128, trim: false }),
        }),
      }),
      campaign: optional(token),
      channel: optional(token),
      store: optional(token),
    }),
    resolve: obj({ scene: str({ max: 96, trim: false }) }),
    referralCode: empty,
    shareLanding: obj({ referralCode: token }),
    campaignVisit: obj({ campaignId: token, scene: optional(int(1000, 9999)) }),
  },
  merchant: {
    adjustStock: obj({ productId: id(), skuId: id(), delta: stockDelta, reason: str({ min: 1, max: 100 }) }),
    saveProduct: obj({ product: documentSchema, revision: optional(int(0, Number.MAX_SAFE_INTEGER)), create: optional(bool), raw: optional(bool) }),
    importProducts: obj({
      items: arrayOf(obj({ product: documentSchema, stockDelta: optional(deltaMap) }), 0, 200),
      upsert: optional(bool),
      importKey: optional(str({ max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, _ or -', trim: false })),
    }),
    renameProduct: obj({ from: str({ min: 1, max: 200, trim: false }), to: id() }),
    ship: obj({ orderId: id(), carrier: str({ max: 16, pattern: /^[A-Z0-9_]+$/, patternHint: 'a carrier code (e.g. SF)', trim: false }), trackingNo: str({ max: 40, pattern: TRACKING_NO, patternHint: '4-40 letters, digits or -' }) }),
    complete: orderId,
    cancel: orderId,
    ledgerCheck: obj({ productIds: optional(arrayOf(id(), 1, 1000)) }),
    editOrder: obj({ orderId: id(), doc: documentSchema }),
    scanReport: empty,
    attributionReport: obj({
      by: oneOf(['campaign', 'channel', 'store', 'referral', 'scene'] as const),
      from: optional(int(0, Number.MAX_SAFE_INTEGER)),
      to: optional(int(0, Number.MAX_SAFE_INTEGER)),
      campaign: optional(token),
      channel: optional(token),
      store: optional(token),
      referral: optional(token),
      scene: optional(sceneCode),
    }),
    saveCouponTemplate: obj({ template: documentSchema, create: optional(bool) }),
    listCouponTemplates: empty,
    scheduleFlashSale: obj({
      productId: id(),
      skuId: id(),
      price: int(1, MAX_FEN),
      allotment: int(1, LIMITS.stock),
      startAt: int(0, 8_640_000_000_000),
      endAt: int(0, 8_640_000_000_000),
      limit: int(1, 99),
    }),
    flashSales: obj({ productId: optional(id()) }),
    endFlashSale: obj({ productId: id(), skuId: id() }),
    saveCampaign: obj({ campaign: campaignInput, create: optional(bool) }),
    listCampaigns: empty,
    campaignReport: obj({ campaignIds: optional(arrayOf(token, 1, 200)) }),
    notices: obj({ orderId: optional(id()), state: optional(oneOf(['pending', 'sending', 'sent', 'refused', 'failed'] as const)) }),
    saveStore: obj({ store: documentSchema, create: optional(bool) }),
    listStores: empty,
    pickupOrders: obj({ storeId: optional(token) }),
    verifyPickup: obj({ code: str({ max: 100 }), orderId: optional(id()) }),
    saveGroupDeal: obj({ productId: id(), size: int(1, 100), windowHours: optional(int(1, 1000)), prices: priceMap, enabled: bool }),
    groupDeals: empty,
  },
};

export type ParsedEvent<F extends FunctionName> = {
  [A in ActionName<F>]: { ok: true; action: A; request: ActionRequest<F, A> };
}[ActionName<F>];

export function describeIssues(issues: Issue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path || 'request'} ${issue.problem}`)
    .join('; ');
}

/**
 * What a shopper or merchant is told when a request field is refused, by the field's top-level name.
 * Pages send well-formed requests, so most of these show only after an update or a tampered call; the
 * address and remark are typed by the shopper and have their own words.
 */
export const FIELD_MESSAGES: Record<string, string> = {
  action: '请求内容有误，请更新小程序后重试',
  lines: '商品信息有误，请返回购物车重新选择',
  requestId: '下单请求有误，请重新提交',
  address: '请填写正确的收货地址',
  remark: '备注最多200个字',
  attribution: '来源信息有误，请重新进入小程序',
  keyword: '搜索词最多50个字',
  cursor: '翻页位置无效，请刷新后重试',
  productId: '商品编号无效',
  orderId: '订单编号无效',
  scene: '二维码无效或已失效',
  reason: '请填写原因（不要超过字数限制）',
  afterSaleId: '售后单编号无效',
  mode: '请选择处理方式',
  target: '二维码的页面或参数有误',
  campaign: '活动、渠道或门店编号有误',
  channel: '活动、渠道或门店编号有误',
  store: '活动、渠道或门店编号有误',
  referralCode: '分享来源无效',
  carrier: '请选择快递公司',
  trackingNo: '快递单号为 4-40 位字母、数字或 -',
  delta: '调整数量须为整数',
  couponId: '优惠券无效，请重新选择',
  templateId: '优惠券编号无效',
  templateIds: '优惠券编号无效',
  template: '优惠券信息有误',
  campaignId: '活动编号无效',
  campaignIds: '活动编号无效',
  id: '地址不存在或已删除',
  pickup: '请填写提货人和手机号',
  fulfilment: '请选择配送方式',
  storeId: '门店编号有误',
  code: '请输入提货码',
  groupId: '拼团编号无效',
  skuId: '请选择商品规格',
  nickname: '昵称最多20个字',
  avatar: '头像无效，请重新选择',
  expectedPrice: '价格信息有误，请刷新后重试',
  size: '成团人数有误',
  windowHours: '成团时限有误',
  prices: '拼团价有误',
};
const REQUEST_MESSAGE = '请求内容有误，请刷新后重试';

/** The Chinese message of a refused request: the first issue's own words, else its field's. */
export function issueMessage(issues: readonly Issue[]): string {
  const first = issues[0];
  if (!first) return REQUEST_MESSAGE;
  if (first.message) return first.message;
  const field = /^[A-Za-z]+/.exec(first.path)?.[0] ?? '';
  return Object.prototype.hasOwnProperty.call(FIELD_MESSAGES, field) ? FIELD_MESSAGES[field] : REQUEST_MESSAGE;
}

/** Validates an event for a function: a known action and a well-formed request, or an error envelope. */
export function parseEvent<F extends FunctionName>(fn: F, event: unknown): ParsedEvent<F> | { ok: false; envelope: Envelope<never> } {
  if (!isPlainObject(event)) {
    return { ok: false, envelope: fail('INVALID_ARGUMENT', FIELD_MESSAGES.action, { detail: 'event must be an object', issues: [{ path: '', problem: 'must be an object' }] }) };
  }
  const schemas = EVENT_SCHEMAS[fn] as Record<string, Schema<unknown>>;
  const action = event.action;
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, action)) {
    return {
      ok: false,
      envelope: fail('INVALID_ARGUMENT', FIELD_MESSAGES.action, {
        detail: `unknown action; expected one of ${Object.keys(schemas).join(', ')}`,
        issues: [{ path: 'action', problem: 'is not a known action' }],
      }),
    };
  }
  const parsed = parse(schemas[action], event);
  if (!parsed.ok) {
    const issues = parsed.issues.slice(0, 20).map(({ path, problem }) => ({ path, problem }));
    return { ok: false, envelope: fail('INVALID_ARGUMENT', issueMessage(parsed.issues), { detail: `invalid request: ${describeIssues(parsed.issues)}`, issues }) };
  }
  return { ok: true, action, request: parsed.value } as unknown as ParsedEvent<F>;
}
