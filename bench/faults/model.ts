/**
 * Model-based random test of stock and order state, through the real functions on the local cloud.
 *
 * A seeded random walk (deterministic for a given seed: every step is awaited before the next, time is
 * advanced per order by moving its `expireAt` into the past, the expiry timer is fired by hand) over:
 * creates (incl. idempotent replays of a requestId and concurrent bursts on one SKU), cancels (also by
 * the wrong user), `orders.pay`, payment confirmations through the pay sandbox (1-3 deliveries each),
 * repeated and late payment notifications delivered straight to the callback, time advances, expiry
 * sweeps, an expiry racing a payment, a cancel racing a payment (its notification sometimes delayed),
 * runs of the owed-refunds timer; after-sales (a shopper asks units of a paid order back: refunded at once
 * before shipping, else the merchant approves a refund, asks for the goods back and receives them, or
 * refuses; replays, and two requests for the same units at once); and the merchant's actions through the
 * `merchant` function racing shoppers: shipping, stock adjustments (up and down), cancels of unpaid
 * orders, and a checkout burst with an adjustment and a merchant cancel on the same SKU at once.
 * Products are created through `merchant.saveProduct`, so the stock ledger writes every figure.
 *
 * After EVERY step, against the database, for every SKU: stock ≥ 0; reserved = the units of pending
 * orders; sold = the units of paid orders less those that came back to stock (after-sales);
 * stock + reserved + sold + allotted (a flash sale's allotment) = initial + the merchant's adjustments; `sales` per product = reserved + sold +
 * units returned; and every order the step touched has the status the model expects. Every `fullEvery`
 * steps and at the end: every order in the database is in the model with the same status and lines,
 * and every order that was paid has a `paid` payment record. At the end: `merchant.ledgerCheck` finds no
 * SKU whose figures differ from its moves, the `restock` moves of each order are exactly the units the
 * model says came back (once), and every after-sales request has the status the model expects.
 *
 * Money, at the end (after the refunds timer drained what is owed), against WeChat Pay's own records
 * (the pay sandbox, queryOrder / queryRefund): per order, refunded ≤ paid; every refund executed once at
 * WeChat (one refund per refunded payment record, under that record's number); never an order cancelled
 * or expired while WeChat kept its payment; a paid order keeps its money (less what after-sales refunded);
 * what after-sales refunded is never more than the order's total. The refunds WeChat holds are exactly
 * those of our refunded payment records and refunded after-sales requests, one each.
 *
 * Coupons: shoppers claim from one template with small total and per-shopper limits (claims beyond
 * either are refused); some creates use a coupon (refused below its threshold), sometimes two checkouts
 * of one shopper race with the same coupon (one gets it). After every step every coupon is as the model
 * says: used by exactly the one live order that took it, available again once that order was
 * cancelled, expired or refunded in full (returned once; after shipping, with the refund of the last
 * unit asked back); after-sales refunds follow the lines' shares.
 */
import type { ActionName, ActionRequest, FunctionName, RawInvoke } from '../../typings/api';
import { callAction } from '../../server/call-action';
import { localMerchantKey, merchantEvent } from '../../admin/merchant-key';
import { ADDRESS, Client, rng, productDoc } from '../lib/cloud';
import { spreadByLargestRemainder } from '../../miniprogram/domain/after-sales';

type Status = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'refunded' | 'cancelled' | 'expired';
/** After-sales request statuses (miniprogram/domain/after-sales.ts). */
type AsStatus = 'requested' | 'approved' | 'return_pending' | 'received' | 'refunding' | 'refunded' | 'refused';
interface MAfterSale {
  id: string;
  orderId: string;
  requestId: string;
  /** units asked back, per order line */
  units: { index: number; qty: number }[];
  fee: number;
  /** fen of `fee` per order line (index → fen) */
  lineFees: Record<number, number>;
  status: AsStatus;
}
interface Line {
  productId: string;
  skuId: string;
  qty: number;
}
interface MOrder {
  id: string;
  owner: string;
  requestId: string;
  lines: Line[];
  total: number;
  status: Status;
  overdue: boolean;
  pkg?: string;
  /**
   * Paid through WeChat Pay (the sandbox), not only by a notification sent straight to the callback:
   * only then can WeChat refund it, so only such orders ask for after-sales.
   */
  paidAtWechat?: boolean;
  shippingFee: number;
  /** units per line claimed by after-sales requests (refused ones give theirs back) */
  claimed: number[];
  /** fen per line claimed by after-sales requests */
  claimedFee: number[];
  /** what the shopper paid per line (line total less its share of the coupon) */
  paid: number[];
  couponId?: string;
  /** units per line that after-sales put back on the shelf */
  returned: number[];
  /** what `create` answered, for replay checks */
  response: unknown;
  /**
   * Fen refunded on purpose while the order stays paid (after-sales refunds per line) and not recorded
   * as an owed payment: an after-sales step adds what it refunded here, and the money check then
   * expects exactly that much more back at WeChat.
   */
  refundedOnPurpose: number;
}

export interface ModelOptions {
  steps: number;
  seed: number;
  /** full reconciliation period */
  fullEvery?: number;
  log?: (s: string) => void;
}

export interface ModelResult {
  seed: number;
  steps: number;
  ops: Record<string, number>;
  orders: number;
  byStatus: Record<string, number>;
  invariantChecks: number;
  violations: string[];
  /** confirmations the pay sandbox accepted for an order that was already cancelled/expired (its prepay was not closed) */
  lateAccepted: string[];
  /** the money check at the end (WeChat Pay's records against ours) */
  money: MoneySummary;
  /** after-sales requests by their final status */
  afterSales: Record<string, number>;
  /** merchant actions: adjustments applied / refused for lack of stock, cancels, shipments */
  merchant: { adjusted: number; adjustRefused: number; adjustedUnits: number; cancelled: number; shipped: number };
  /** after-sales moves: requests accepted before / after shipping, and what the merchant did with them */
  afterSaleMoves: Record<string, number>;
  /** `merchant.ledgerCheck` at the end */
  ledger: { checkedSkus: number; problems: number; unopened: number };
  /** coupons: claimed / refused claims, orders placed with one, refused for it, returned, and coupon checks */
  coupons: { claimed: number; claimRefused: number; used: number; useRefused: number; returned: number; checks: number };
  ms: number;
}

export interface MoneySummary {
  /** orders paid at WeChat (state SUCCESS or REFUND) */
  paidAtWechat: number;
  /** of those, orders cancelled or expired here, whose payment went back */
  refundedClosed: number;
  /** refunds WeChat executed, and refunded payment records they match one to one */
  refundsAtWechat: number;
  refundedRecords: number;
  /** owed refunds still open at the end (payments WeChat has no record of cannot be refunded) */
  owedOpen: number;
  /** cancels answered ALREADY_PAID (WeChat reported the payment first) */
  cancelFoundPaid: number;
}

const CATALOG: { productId: string; skus: { skuId: string; price: number; stock: number }[] }[] = [
  { productId: 'mA', skus: [{ skuId: 'a1', price: 1000, stock: 8 }, { skuId: 'a2', price: 1500, stock: 8 }] },
  { productId: 'mB', skus: [{ skuId: 'b1', price: 2500, stock: 6 }] },
  { productId: 'mC', skus: [{ skuId: 'c1', price: 399, stock: 4 }] },
];
const SKUS = CATALOG.flatMap((p) => p.skus.map((s) => ({ productId: p.productId, skuId: s.skuId })));
const key = (productId: string, skuId: string) => `${productId}/${skuId}`;
const USERS = ['oM_1', 'oM_2', 'oM_3', 'oM_4', 'oM_5'];
/** The walk's coupon template: 5 yuan off from 20 yuan of goods, 8 in all, 3 per shopper. */
const COUPON = { amountOff: 500, threshold: 2000, totalLimit: 8, perShopperLimit: 3 };
/** Order statuses that keep the goods (and so the coupon). */
const KEEPS_COUPON: Status[] = ['pending_payment', 'paid', 'shipped', 'completed'];
/** statuses whose units were sold (less those after-sales put back) */
const SOLD: Status[] = ['paid', 'shipped', 'completed', 'refunded'];
/** statuses that take after-sales requests (completed: within the window after receipt) */
const AFTER_SALE_OPEN: Status[] = ['paid', 'shipped', 'completed'];
const OPEN_AFTER_SALE: AsStatus[] = ['requested', 'return_pending', 'received'];

class Violation extends Error {}

export async function runModel(client: Client, opts: ModelOptions): Promise<ModelResult> {
  const started = Date.now();
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const log = opts.log ?? (() => undefined);
  const fullEvery = opts.fullEvery ?? 100;
  const db = client.db();
  const _ = db.command;
  const tag = `m${opts.seed.toString(36)}${Date.now().toString(36)}`;
  const pid = (p: string) => `${p}-${tag}`;
  const ops: Record<string, number> = {};
  const violations: string[] = [];
  /** payments the sandbox accepted for orders already cancelled/expired (prepay not closed) */
  const lateAccepted: string[] = [];
  const money: MoneySummary = { paidAtWechat: 0, refundedClosed: 0, refundsAtWechat: 0, refundedRecords: 0, owedOpen: 0, cancelFoundPaid: 0 };
  const merchantStats: ModelResult['merchant'] = { adjusted: 0, adjustRefused: 0, adjustedUnits: 0, cancelled: 0, shipped: 0 };
  const ledger: ModelResult['ledger'] = { checkedSkus: 0, problems: 0, unopened: 0 };
  const couponStats: ModelResult['coupons'] = { claimed: 0, claimRefused: 0, used: 0, useRefused: 0, returned: 0, checks: 0 };
  let checks = 0;
  let step = 0;
  let reqSeq = 0;
  let txnSeq = 0;

  /** per SKU: the initial stock plus every adjustment the merchant made */
  const initial = new Map<string, number>();
  const price = new Map<string, number>();
  for (const p of CATALOG) {
    for (const s of p.skus) {
      initial.set(key(pid(p.productId), s.skuId), s.stock);
      price.set(key(pid(p.productId), s.skuId), s.price);
    }
  }

  // Merchant calls go through the functions with the merchant key, as the console and the CLI make them.
  const merchantInvoke: RawInvoke = async (fn, event) => {
    const r = await client.invoke(fn, merchantEvent(event as object, localMerchantKey()));
    if (r.error) fail(`${fn}.${String((event as { action?: unknown }).action)} invoke error ${r.error.code}: ${r.error.message}`);
    return r.result;
  };
  const asMerchant = <F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, req: ActionRequest<F, A>) => callAction(merchantInvoke, fn, action, req);

  // The products are created through the merchant function, so the ledger opens every SKU.
  for (const p of CATALOG) {
    const doc =
      p.skus.length > 1
        ? productDoc(pid(p.productId), p.skus.map((s) => ({ ...s, specValues: [s.skuId] })), { specs: [{ name: '规格', values: p.skus.map((s) => s.skuId) }] })
        : productDoc(pid(p.productId), p.skus);
    const r = await asMerchant('merchant', 'saveProduct', { product: doc, create: true });
    if (!r.ok) throw new Error(`model: creating ${pid(p.productId)} answered ${JSON.stringify(r.error)}`);
  }

  const templateId = `tpl-${tag}`;
  {
    const r = await asMerchant('merchant', 'saveCouponTemplate', {
      template: { _id: templateId, title: '满20减5', kind: 'amount', amountOff: COUPON.amountOff, threshold: COUPON.threshold, scope: { kind: 'all' }, validity: { kind: 'days', days: 7 }, totalLimit: COUPON.totalLimit, perShopperLimit: COUPON.perShopperLimit },
      create: true,
    });
    if (!r.ok) throw new Error(`model: creating the coupon template answered ${JSON.stringify(r.error)}`);
  }
  /** every coupon claimed: its owner and the orders that took it, in turn */
  const coupons = new Map<string, { owner: string; orders: string[] }>();

  const orders = new Map<string, MOrder>();
  const afterSales = new Map<string, MAfterSale>();
  const recent: string[] = [];
  const touched = new Set<string>();

  const fail = (msg: string): never => {
    throw new Violation(`step ${step} (seed ${opts.seed}): ${msg}`);
  };
  const expect = (cond: boolean, msg: () => string) => {
    if (!cond) fail(msg());
  };
  /** What the model says the ledger holds for a SKU (and the units after-sales put back). */
  const figures = (sku: string) => {
    let reserved = 0;
    let sold = 0;
    let returned = 0;
    for (const o of orders.values()) {
      o.lines.forEach((l, i) => {
        if (key(l.productId, l.skuId) !== sku) return;
        if (o.status === 'pending_payment') reserved += l.qty;
        else if (SOLD.includes(o.status)) {
          sold += l.qty - o.returned[i];
          returned += o.returned[i];
        }
      });
    }
    return { reserved, sold, returned, stock: initial.get(sku)! - reserved - sold };
  };
  const modelStock = (sku: string) => figures(sku).stock;
  const addOrder = (o: MOrder) => {
    orders.set(o.id, o);
    recent.push(o.id);
    if (recent.length > 40) recent.shift();
    touched.add(o.id);
  };
  const someOrder = (filter?: (o: MOrder) => boolean): MOrder | undefined => {
    const pool = (rand() < 0.8 ? recent.map((id) => orders.get(id)!) : [...orders.values()]).filter((o) => !filter || filter(o));
    return pool.length ? pick(pool) : undefined;
  };
  const call = async (event: Record<string, unknown>, openid: string) => {
    const r = await client.invoke('orders', event, openid);
    if (r.error) fail(`orders.${String(event.action)} invoke error ${r.error.code}: ${r.error.message}`);
    return r.result as { ok: boolean; data?: any; error?: { code: string; details?: any } };
  };
  const randomLines = (): Line[] => {
    const n = rand() < 0.7 ? 1 : 2;
    const chosen = new Set<string>();
    const lines: Line[] = [];
    while (lines.length < n) {
      const s = pick(SKUS);
      const k = key(s.productId, s.skuId);
      if (chosen.has(k)) continue;
      chosen.add(k);
      lines.push({ productId: pid(s.productId), skuId: s.skuId, qty: int(1, 3) });
    }
    return lines;
  };
  const feasible = (lines: Line[]) => lines.every((l) => modelStock(key(l.productId, l.skuId)) >= l.qty);
  const notification = (o: MOrder, transactionId: string) => ({
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: o.id,
    totalFee: o.total,
    cashFee: o.total,
    transactionId,
    timeEnd: '20260101120000',
    tradeType: 'JSAPI',
    feeType: 'CNY',
    openid: o.owner,
  });

  const newOrder = (view: { _id: string; total: number; shippingFee?: number }, owner: string, requestId: string, lines: Line[], response: unknown, couponId?: string): MOrder => ({
    id: view._id,
    couponId,
    claimedFee: lines.map(() => 0),
    paid: paidPerLine(lines, couponId !== undefined),
    owner,
    requestId,
    lines,
    total: view.total,
    shippingFee: view.shippingFee ?? 0,
    status: 'pending_payment',
    overdue: false,
    response,
    refundedOnPurpose: 0,
    claimed: lines.map(() => 0),
    returned: lines.map(() => 0),
  });

  // ---- coupons ------------------------------------------------------------------------------------
  const goods = (lines: Line[]) => lines.reduce((n, l) => n + price.get(key(l.productId, l.skuId))! * l.qty, 0);
  /** What each line costs the shopper: its total less its share of the coupon (largest remainder). */
  function paidPerLine(lines: Line[], withCoupon: boolean): number[] {
    const totals = lines.map((l) => price.get(key(l.productId, l.skuId))! * l.qty);
    const shares = withCoupon ? spreadByLargestRemainder(Math.min(COUPON.amountOff, goods(lines)), totals) : totals.map(() => 0);
    return totals.map((t, i) => t - shares[i]);
  }
  /**
   * Given back in full through after-sales: every unit asked back by requests that were not refused, and
   * each of those refunded. The shopper keeps nothing of the order, so its coupon came back with the last
   * refund (while valid) although a shipped or completed order keeps its status: the rule of
   * `fullyRefunded` (miniprogram/domain/after-sale-transitions.ts), applied by server/after-sales.ts.
   */
  const givenBackInFull = (o: MOrder) =>
    o.lines.every((l, i) => o.claimed[i] === l.qty) && [...afterSales.values()].every((a) => a.orderId !== o.id || a.status === 'refunded' || a.status === 'refused');
  const keepsCoupon = (o: MOrder) => KEEPS_COUPON.includes(o.status) && !givenBackInFull(o);
  /** The order holding a coupon now: the last that took it, while it keeps its goods. */
  const holder = (couponId: string) => {
    const taken = coupons.get(couponId)!.orders;
    const last = taken.length ? orders.get(taken[taken.length - 1]) : undefined;
    return last && keepsCoupon(last) ? last : undefined;
  };
  const availableCoupon = (owner: string) => [...coupons.entries()].find(([id, c]) => c.owner === owner && !holder(id))?.[0];
  const claimCoupon = async () => {
    const owner = pick(USERS);
    const held = [...coupons.values()].filter((c) => c.owner === owner).length;
    const r = await call({ action: 'claimCoupon', templateId }, owner);
    const reason = coupons.size >= COUPON.totalLimit ? 'CLAIMED_OUT' : held >= COUPON.perShopperLimit ? 'SHOPPER_LIMIT' : null;
    if (reason === null) {
      expect(r.ok && r.data.coupon.status === 'available', () => `claim by ${owner} (${held} held, ${coupons.size} claimed) answered ${JSON.stringify(r).slice(0, 300)}`);
      coupons.set(r.data.coupon._id, { owner, orders: [] });
      couponStats.claimed += 1;
    } else {
      expect(!r.ok && r.error?.code === 'INVALID_STATE' && r.error.details?.reason === reason, () => `claim by ${owner} expected ${reason}, answered ${JSON.stringify(r).slice(0, 300)}`);
      couponStats.claimRefused += 1;
    }
  };
  /** Books a create's answer when it asked for a coupon: placed with it, or refused for it (nothing written). */
  const bookCouponUse = (couponId: string, lines: Line[], r: { ok: boolean; data?: any; error?: { code: string; details?: any } }) => {
    if (goods(lines) < COUPON.threshold) {
      expect(!r.ok && r.error?.code === 'INVALID_STATE' && r.error.details?.coupon === 'BELOW_THRESHOLD', () => `create below the threshold with ${couponId} answered ${JSON.stringify(r).slice(0, 300)}`);
      couponStats.useRefused += 1;
      return false;
    }
    expect(r.ok, () => `create with available coupon ${couponId} refused: ${JSON.stringify(r.error)}`);
    const order = r.data.order;
    const discount = Math.min(COUPON.amountOff, goods(lines));
    expect(order.coupon?.couponId === couponId && order.coupon.discount === discount && order.total === order.itemsTotal + order.shippingFee - discount, () => `order ${order._id} with ${couponId}: ${JSON.stringify(order).slice(0, 300)}`);
    expect(JSON.stringify(order.lines.map((l: { lineTotal: number; discount?: number }) => l.lineTotal - (l.discount ?? 0))) === JSON.stringify(paidPerLine(lines, true)), () => `order ${order._id}: lines' shares ${JSON.stringify(order.lines)}`);
    coupons.get(couponId)!.orders.push(order._id);
    couponStats.used += 1;
    return true;
  };
  const couponRace = async () => {
    // Two checkouts of one shopper with the same coupon at once: one order takes it, the other is refused.
    const owner = USERS.find((u) => availableCoupon(u) !== undefined);
    if (!owner) return claimCoupon();
    const couponId = availableCoupon(owner)!;
    const s = pick(SKUS);
    const line = { productId: pid(s.productId), skuId: s.skuId, qty: Math.ceil(COUPON.threshold / price.get(key(pid(s.productId), s.skuId))!) };
    if (modelStock(key(line.productId, line.skuId)) < 2 * line.qty) return claimCoupon();
    const reqs = [`${tag}-${++reqSeq}`, `${tag}-${++reqSeq}`];
    const rs = await Promise.all(reqs.map((requestId) => call({ action: 'create', requestId, lines: [line], address: ADDRESS, couponId }, owner)));
    const won = rs.findIndex((r) => r.ok);
    expect(won >= 0 && rs.filter((r) => r.ok).length === 1, () => `two checkouts with ${couponId} answered ${JSON.stringify(rs).slice(0, 400)}`);
    const other = rs[1 - won];
    expect(other.error?.code === 'UNAVAILABLE' || (other.error?.code === 'INVALID_STATE' && other.error.details?.coupon === 'USED'), () => `the other checkout with ${couponId} answered ${JSON.stringify(other).slice(0, 300)}`);
    bookCouponUse(couponId, [line], rs[won]);
    addOrder(newOrder(rs[won].data.order, owner, reqs[won], [line], rs[won], couponId));
    couponStats.useRefused += 1;
  };
  /** Every coupon of the walk's template as the model says: the template's count, each coupon's status and order. */
  const checkCoupons = async () => {
    // A refund whose first attempt did not finish is done by the refunds timer when it is due, a moment
    // the walk does not decide: the request's status (still refunding, or refunded) is read back, and
    // with it whether its order was given back in full.
    const underWay = [...afterSales.values()].filter((a) => a.status === 'refunding');
    if (underWay.length) {
      for (const d of await client.all('after_sales', { _id: _.in(underWay.map((a) => a.id)) })) {
        expect(d.status === 'refunding' || d.status === 'refunded', () => `after-sale ${d._id} went refunding → ${d.status}`);
        afterSales.get(d._id)!.status = d.status;
      }
    }
    const template = await client.getDoc('coupon_templates', templateId);
    expect(template.claimed === coupons.size, () => `template claimed ${template.claimed}, model ${coupons.size}`);
    const stored = await client.all('coupons', { templateId });
    expect(stored.length === coupons.size, () => `database has ${stored.length} coupons, model ${coupons.size}`);
    for (const d of stored) {
      const c = coupons.get(d._id);
      expect(c !== undefined && d._openid === c.owner, () => `coupon ${d._id} not in the model (or another owner)`);
      const h = holder(d._id);
      const want = h ? `used by ${h.id}` : 'available';
      const got = d.status === 'used' ? `used by ${d.orderId}` : String(d.status);
      expect(got === want, () => `coupon ${d._id}: ${got}, model ${want} (orders ${JSON.stringify(c!.orders)})`);
    }
    couponStats.checks += 1;
  };

  // ---- the operations ---------------------------------------------------------------------------
  const create = async () => {
    const owner = pick(USERS);
    const lines = randomLines();
    const requestId = `${tag}-${++reqSeq}`;
    const ok = feasible(lines);
    const couponId = rand() < 0.5 ? availableCoupon(owner) : undefined;
    const r = await call({ action: 'create', requestId, lines, address: ADDRESS, ...(couponId ? { couponId } : {}) }, owner);
    if (ok) {
      if (couponId && !bookCouponUse(couponId, lines, r)) return;
      expect(r.ok, () => `create of feasible ${JSON.stringify(lines)} refused: ${JSON.stringify(r.error)}`);
      const view = r.data.order;
      addOrder(newOrder(view, owner, requestId, lines, r, couponId));
    } else {
      expect(!r.ok && r.error?.code === 'OUT_OF_STOCK', () => `create of infeasible ${JSON.stringify(lines)} answered ${JSON.stringify(r).slice(0, 300)}`);
    }
  };
  const replay = async () => {
    const o = someOrder();
    if (!o) return create();
    const r = await call({ action: 'create', requestId: o.requestId, lines: o.lines, address: ADDRESS, ...(o.couponId ? { couponId: o.couponId } : {}) }, o.owner);
    // The same order comes back, as it is now (paid, cancelled, expired since), never a second one.
    const first = (o.response as { data: { order: { _id: string; total: number } } }).data.order;
    const now = r.ok ? r.data.order : null;
    expect(now !== null && now._id === first._id && now.total === first.total && now.status === o.status, () => `replay of ${o.requestId} (${o.status}) answered ${JSON.stringify(r).slice(0, 300)}`);
  };
  /** Concurrent checkouts of one SKU, with `alongside` (merchant actions) started at the same moment. */
  const checkoutBurst = async <T>(s: (typeof SKUS)[number], alongside: () => Promise<T>) => {
    const n = int(3, 6);
    const reqs = Array.from({ length: n }, () => ({ owner: pick(USERS), requestId: `${tag}-${++reqSeq}`, lines: [{ productId: pid(s.productId), skuId: s.skuId, qty: int(1, 2) }] }));
    const [rs, side] = await Promise.all([Promise.all(reqs.map((q) => call({ action: 'create', requestId: q.requestId, lines: q.lines, address: ADDRESS }, q.owner))), alongside()]);
    let taken = 0;
    rs.forEach((r, i) => {
      if (r.ok) {
        taken += reqs[i].lines[0].qty;
        addOrder(newOrder(r.data.order, reqs[i].owner, reqs[i].requestId, reqs[i].lines, r));
      } else expect(r.error?.code === 'OUT_OF_STOCK' || r.error?.code === 'UNAVAILABLE', () => `burst create answered ${JSON.stringify(r).slice(0, 300)}`);
    });
    for (const [i, r] of rs.entries()) {
      if (!r.ok) {
        const found = await client.all('orders', { requestId: reqs[i].requestId, _openid: reqs[i].owner });
        expect(found.length === 0, () => `refused create ${reqs[i].requestId} left an order behind`);
      }
    }
    return { reqs, rs, taken, side };
  };
  const burst = async () => {
    const s = pick(SKUS);
    const k = key(pid(s.productId), s.skuId);
    const before = modelStock(k);
    const { reqs, rs, taken } = await checkoutBurst(s, async () => undefined);
    expect(taken <= before, () => `burst took ${taken} units of ${k} with only ${before} in stock`);
    // Stock only goes down during a burst: a sold-out answer must still be true at the end.
    rs.forEach((r, i) => {
      if (!r.ok && r.error?.code === 'OUT_OF_STOCK') expect(before - taken < reqs[i].lines[0].qty, () => `burst: OUT_OF_STOCK for ${reqs[i].lines[0].qty} while ${before - taken} remain`);
    });
  };
  const cancel = async () => {
    const o = someOrder();
    if (!o) return create();
    const wrongUser = rand() < 0.1;
    const who = wrongUser ? USERS.find((u) => u !== o.owner)! : o.owner;
    const r = await call({ action: 'cancel', orderId: o.id }, who);
    touched.add(o.id);
    if (wrongUser) expect(!r.ok && r.error?.code === 'NOT_FOUND', () => `cancel by another user answered ${JSON.stringify(r).slice(0, 200)}`);
    else if (o.status === 'pending_payment') {
      expect(r.ok && r.data.order.status === 'cancelled', () => `cancel of pending ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      o.status = 'cancelled';
    } else {
      // A paid order is not cancelled, and the shopper is told it is paid.
      const code = o.status === 'paid' ? 'ALREADY_PAID' : 'INVALID_STATE';
      expect(!r.ok && r.error?.code === code, () => `cancel of ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
    }
  };
  const cancelRace = async (by: 'shopper' | 'merchant' = 'shopper') => {
    // The shopper taps cancel while paying (or the merchant cancels it): the payment (its notification
    // now, or delayed) races the cancel.
    const o = someOrder((x) => x.status === 'pending_payment' && x.pkg !== undefined && !x.overdue);
    if (!o) return pay();
    const deliveries = int(0, 2);
    const cancelling = by === 'shopper' ? call({ action: 'cancel', orderId: o.id }, o.owner) : asMerchant('merchant', 'cancel', { orderId: o.id });
    const [c, r] = await Promise.all([client.confirmPay(o.pkg!, deliveries), cancelling]);
    // A delayed notification arrives afterwards (WeChat delivers until answered).
    if (deliveries === 0 && c.status === 200) await client.confirmPay(o.pkg!, 1);
    const stored = await client.getDoc('orders', o.id);
    touched.add(o.id);
    expect(stored.status === 'paid' || stored.status === 'cancelled', () => `cancel race left ${o.id} ${stored.status}`);
    if (stored.status === 'paid') {
      // The shopper is told it is paid (with the order); the merchant's cancel is refused as not allowed.
      const refused = by === 'shopper' ? !r.ok && r.error?.code === 'ALREADY_PAID' && (r.error.details as any)?.order?.status === 'paid' : !r.ok && r.error?.code === 'INVALID_STATE' && (r.error.details as any)?.status === 'paid';
      expect(refused, () => `cancel race: order paid, ${by}'s cancel answered ${JSON.stringify(r).slice(0, 200)}`);
      expect(c.status === 200, () => `cancel race: order paid but confirm answered ${c.status}`);
      money.cancelFoundPaid += 1;
    } else {
      expect(r.ok && r.data?.order?.status === 'cancelled', () => `cancel race: order cancelled, ${by}'s cancel answered ${JSON.stringify(r).slice(0, 200)}`);
      if (by === 'merchant') merchantStats.cancelled += 1;
      // Paid at WeChat after the cancel (it could not be closed yet): a refund is owed from now on.
      if (c.status === 200) {
        const owed = await client.all('payments', { outTradeNo: o.id });
        expect(owed.length === 1 && (owed[0].status === 'refund_required' || owed[0].status === 'refunded'), () => `cancel race: payment of cancelled ${o.id} recorded ${JSON.stringify(owed).slice(0, 300)}`);
      } else expect(c.status === 409, () => `cancel race: confirm answered ${c.status} ${JSON.stringify(c.json).slice(0, 200)}`);
    }
    o.status = stored.status;
    if (o.status === 'paid') o.paidAtWechat = true;
  };
  const refunds = async () => {
    const r = await client.fireTimer('orders', 'refunds');
    expect(r.result?.ok === true && r.result.data.failed === 0, () => `refunds timer answered ${JSON.stringify(r).slice(0, 200)}`);
  };
  const pay = async () => {
    const o = someOrder((x) => x.status === 'pending_payment') ?? someOrder();
    if (!o) return create();
    const r = await call({ action: 'pay', orderId: o.id }, o.owner);
    touched.add(o.id);
    if (o.status === 'pending_payment' && !o.overdue) {
      expect(r.ok && typeof r.data.payment.package === 'string', () => `pay of ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      o.pkg = r.data.payment.package;
    } else {
      expect(!r.ok && r.error?.code === 'INVALID_STATE', () => `pay of ${o.status}${o.overdue ? ' (overdue)' : ''} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      if (o.status === 'pending_payment') o.status = 'expired'; // pay on an overdue order expires it at once
    }
  };
  const confirm = async () => {
    const o = someOrder((x) => x.pkg !== undefined);
    if (!o) return pay();
    const deliveries = int(1, 3);
    const r = await client.confirmPay(o.pkg!, deliveries);
    touched.add(o.id);
    if (o.status === 'cancelled' || o.status === 'expired') {
      // Cancel and the sweep close the prepay, so WeChat refuses the money (409). If it was not closed, the
      // payment goes through and the callback must leave the order alone (refund); checkTouched verifies that.
      if (r.status === 409) return;
      expect(r.status === 200, () => `confirm of ${o.status} ${o.id} answered ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      lateAccepted.push(`${o.id} (${o.status})`);
      const late = (r.json.deliveries as { result?: { errcode: number } }[]) ?? [];
      expect(late.every((d) => d.result?.errcode === 0), () => `late deliveries answered ${JSON.stringify(late).slice(0, 300)}`);
      return;
    }
    expect(r.status === 200, () => `confirm of ${o.status} ${o.id} answered ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    const answers = (r.json.deliveries as { result?: { errcode: number } }[]) ?? [];
    expect(answers.length === deliveries && answers.every((d) => d.result?.errcode === 0), () => `deliveries answered ${JSON.stringify(answers).slice(0, 300)}`);
    if (o.status === 'pending_payment') {
      o.status = 'paid';
      o.paidAtWechat = true;
    } // a redelivery leaves a shipped or refunded order as it is
  };
  const lateNotification = async () => {
    // Straight to the callback: a late payment after cancel/expiry, or a second payment, or a redelivery.
    const o = someOrder((x) => x.status !== 'pending_payment') ?? someOrder();
    if (!o) return create();
    const event = notification(o, `4200${tag}${++txnSeq}`);
    for (let i = 0, n = int(1, 3); i < n; i += 1) {
      const r = await client.invoke('orders', event, o.owner, 'wx_paycallback');
      expect(r.result?.errcode === 0, () => `notification for ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
    }
    touched.add(o.id);
    if (o.status === 'pending_payment') o.status = 'paid';
  };
  const advance = async () => {
    const pending = [...orders.values()].filter((o) => o.status === 'pending_payment' && !o.overdue);
    for (let i = 0, n = Math.min(pending.length, int(1, 4)); i < n; i += 1) {
      const o = pending.splice(Math.floor(rand() * pending.length), 1)[0];
      await db.collection('orders').doc(o.id).update({ data: { expireAt: Date.now() - 1000 } });
      o.overdue = true;
    }
  };
  const sweep = async () => {
    const due = [...orders.values()].filter((o) => o.status === 'pending_payment' && o.overdue);
    const r = await client.fireTimer('orders', 'expireOrders');
    expect(r.result?.ok === true, () => `expiry sweep answered ${JSON.stringify(r).slice(0, 200)}`);
    expect(r.result.data.expired === due.length, () => `expiry sweep expired ${r.result.data.expired}, model expected ${due.length}`);
    for (const o of due) {
      o.status = 'expired';
      touched.add(o.id);
    }
  };
  const race = async () => {
    // An overdue pending order with a prepay: its payment races the expiry sweep.
    const o = someOrder((x) => x.status === 'pending_payment' && x.pkg !== undefined);
    if (!o) return pay();
    if (!o.overdue) {
      await db.collection('orders').doc(o.id).update({ data: { expireAt: Date.now() - 1000 } });
      o.overdue = true;
    }
    const others = [...orders.values()].filter((x) => x !== o && x.status === 'pending_payment' && x.overdue);
    const [c, t] = await Promise.all([client.confirmPay(o.pkg!, int(1, 2)), client.fireTimer('orders', 'expireOrders')]);
    const stored = await client.getDoc('orders', o.id);
    expect(stored.status === 'paid' || stored.status === 'expired', () => `race left ${o!.id} ${stored.status}`);
    if (stored.status === 'paid') expect(c.status === 200, () => `race: order paid but confirm answered ${c.status}`);
    o.status = stored.status;
    if (o.status === 'paid') o.paidAtWechat = true;
    touched.add(o.id);
    const expectedExpired = others.length + (o.status === 'expired' ? 1 : 0);
    expect(t.result?.data?.expired === expectedExpired, () => `race sweep answered ${JSON.stringify(t.result?.data)}, expected ${expectedExpired} expired (order ${o!.status})`);
    expect(c.status === 200 || (o.status === 'expired' && c.status === 409), () => `race: confirm answered ${c.status} with the order ${o!.status}`);
    for (const x of others) {
      x.status = 'expired';
      touched.add(x.id);
    }
  };
  // ---- the merchant -----------------------------------------------------------------------------
  const randomDelta = () => (rand() < 0.5 ? -int(1, 4) : int(1, 6));
  /** Books an adjustment's answer: applied (the SKU's total moves by delta) or refused for lack of stock. */
  const adjusted = (k: string, delta: number, r: { ok: boolean; error?: { code: string } }) => {
    if (r.ok) {
      initial.set(k, initial.get(k)! + delta);
      merchantStats.adjusted += 1;
      merchantStats.adjustedUnits += delta;
    } else {
      expect(delta < 0 && r.error?.code === 'OUT_OF_STOCK', () => `adjustStock ${k} by ${delta} answered ${JSON.stringify(r).slice(0, 200)}`);
      merchantStats.adjustRefused += 1;
    }
  };
  const adjust = async () => {
    const s = pick(SKUS);
    const k = key(pid(s.productId), s.skuId);
    const delta = randomDelta();
    const have = modelStock(k);
    const r = await asMerchant('merchant', 'adjustStock', { productId: pid(s.productId), skuId: s.skuId, delta, reason: delta > 0 ? '到货入库' : '盘点损耗' });
    // Alone, the answer is decided: below 0 is refused, anything else applied.
    expect(r.ok === have + delta >= 0, () => `adjustStock ${k} by ${delta} with ${have} in stock answered ${JSON.stringify(r).slice(0, 200)}`);
    if (r.ok) expect(r.data.figures.stock === have + delta, () => `adjustStock ${k}: figures ${JSON.stringify(r.data.figures)}, model stock ${have + delta}`);
    adjusted(k, delta, r);
  };
  const merchantCancel = async () => {
    if (rand() < 0.4) return cancelRace('merchant');
    const o = someOrder((x) => x.status === 'pending_payment') ?? someOrder();
    if (!o) return create();
    const r = await asMerchant('merchant', 'cancel', { orderId: o.id });
    touched.add(o.id);
    if (o.status === 'pending_payment') {
      expect(r.ok && r.data.order.status === 'cancelled', () => `merchant cancel of pending ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      o.status = 'cancelled';
      merchantStats.cancelled += 1;
    } else expect(!r.ok && r.error.code === 'INVALID_STATE', () => `merchant cancel of ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
  };
  const merchantRace = async () => {
    // Shoppers check out one SKU while the merchant adjusts its stock and cancels an unpaid order holding it.
    const s = pick(SKUS);
    const k = key(pid(s.productId), s.skuId);
    const delta = randomDelta();
    const victim = someOrder((x) => x.status === 'pending_payment' && x.lines.some((l) => key(l.productId, l.skuId) === k));
    const freed = victim ? victim.lines.filter((l) => key(l.productId, l.skuId) === k).reduce((n, l) => n + l.qty, 0) : 0;
    const before = modelStock(k);
    const { taken, side } = await checkoutBurst(s, () =>
      Promise.all([
        asMerchant('merchant', 'adjustStock', { productId: pid(s.productId), skuId: s.skuId, delta, reason: delta > 0 ? '到货入库' : '盘点损耗' }),
        victim ? asMerchant('merchant', 'cancel', { orderId: victim.id }) : Promise.resolve(null),
      ]),
    );
    const [adj, cancelled] = side;
    adjusted(k, delta, adj);
    if (victim) {
      expect(cancelled !== null && cancelled.ok && cancelled.data.order.status === 'cancelled', () => `merchant cancel of pending ${victim.id} in a race answered ${JSON.stringify(cancelled).slice(0, 200)}`);
      victim.status = 'cancelled';
      touched.add(victim.id);
      merchantStats.cancelled += 1;
    }
    expect(taken <= before + Math.max(delta, 0) + freed, () => `race took ${taken} units of ${k}: ${before} in stock, +${Math.max(delta, 0)} adjusted, +${freed} freed`);
  };
  const ship = async () => {
    if (rand() < 0.25) return complete();
    const o = someOrder((x) => x.status === 'paid') ?? someOrder();
    if (!o) return create();
    const r = await asMerchant('merchant', 'ship', { orderId: o.id, carrier: 'SF', trackingNo: `SF${tag}${++txnSeq}`.slice(0, 40) });
    touched.add(o.id);
    if (o.status === 'paid') {
      expect(r.ok && r.data.order.status === 'shipped', () => `ship of paid ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      o.status = 'shipped';
      merchantStats.shipped += 1;
    } else expect(!r.ok && r.error.code === 'INVALID_STATE', () => `ship of ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
  };

  const complete = async () => {
    // The merchant marks a shipped order received (the shopper did not confirm it).
    const o = someOrder((x) => x.status === 'shipped') ?? someOrder();
    if (!o) return create();
    const r = await asMerchant('merchant', 'complete', { orderId: o.id });
    touched.add(o.id);
    if (o.status === 'shipped') {
      expect(r.ok && r.data.order.status === 'completed', () => `complete of shipped ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      o.status = 'completed';
    } else expect(!r.ok && r.error.code === 'INVALID_STATE', () => `complete of ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 200)}`);
  };

  // ---- after-sales --------------------------------------------------------------------------------
  const afterSaleMoves: Record<string, number> = {};
  const moved = (what: string) => (afterSaleMoves[what] = (afterSaleMoves[what] ?? 0) + 1);
  const remaining = (o: MOrder) => o.lines.map((l, i) => l.qty - o.claimed[i]);
  const askBack = (o: MOrder, units: { index: number; qty: number }[], requestId: string, who = o.owner) =>
    call({ action: 'requestAfterSale', orderId: o.id, requestId, lines: units.map((u) => ({ productId: o.lines[u.index].productId, skuId: o.lines[u.index].skuId, qty: u.qty })), reason: '不想要了' }, who);
  /** Books an accepted request: its fee, its claim, and (before shipping) its refund and units back. */
  const bookRequest = (o: MOrder, units: { index: number; qty: number }[], requestId: string, r: { data?: any }) => {
    const view = r.data.afterSale;
    const immediate = o.status === 'paid';
    moved(immediate ? 'requestedBeforeShipping' : 'requestedAfterShipping');
    // A unit refunds what its line was paid (less the coupon's share); a line's last units take what is
    // left of it; shipping only with the last units before shipping.
    const lineFees: Record<number, number> = {};
    for (const u of units) {
      const line = o.lines[u.index];
      const fee = o.claimed[u.index] + u.qty === line.qty ? o.paid[u.index] - o.claimedFee[u.index] : Math.floor((o.paid[u.index] * u.qty) / line.qty);
      lineFees[u.index] = fee;
      o.claimed[u.index] += u.qty;
      o.claimedFee[u.index] += fee;
    }
    const allClaimed = remaining(o).every((n) => n === 0);
    const fee = Object.values(lineFees).reduce((n, f) => n + f, 0) + (immediate && allClaimed ? o.shippingFee : 0);
    expect(view.refundFee === fee, () => `after-sale of ${o.id}: refundFee ${view.refundFee}, model ${fee}`);
    const a: MAfterSale = { id: view._id, orderId: o.id, requestId, units, fee, lineFees, status: view.status };
    afterSales.set(a.id, a);
    if (immediate) {
      expect((view.status === 'refunding' || view.status === 'refunded') && view.shippedWhenRequested === false, () => `after-sale before shipping ${JSON.stringify(view).slice(0, 200)}`);
      units.forEach((u) => (o.returned[u.index] += u.qty));
      o.refundedOnPurpose += fee;
      if (allClaimed) o.status = 'refunded';
    } else expect(view.status === 'requested' && view.shippedWhenRequested === true, () => `after-sale after shipping ${JSON.stringify(view).slice(0, 200)}`);
    expect(r.data.order.status === o.status, () => `after-sale of ${o.id}: order ${r.data.order.status}, model ${o.status}`);
    touched.add(o.id);
  };
  const afterSale = async () => {
    const askable = (x: MOrder) => AFTER_SALE_OPEN.includes(x.status) && x.paidAtWechat === true && remaining(x).some((n) => n > 0);
    // Mostly after shipping, where the merchant decides (before shipping the refund is immediate).
    const o = (rand() < 0.6 ? someOrder((x) => askable(x) && x.status !== 'paid') : undefined) ?? someOrder(askable);
    if (!o) return rand() < 0.7 ? confirm() : ship();
    const open = remaining(o)
      .map((n, index) => ({ index, n }))
      .filter((x) => x.n > 0);
    const variant = rand();
    if (variant < 0.15) {
      // Two requests for every remaining unit of a line at once: one is accepted, the other refused.
      const { index, n } = pick(open);
      const ids = [`${tag}-as${++reqSeq}`, `${tag}-as${++reqSeq}`];
      const rs = await Promise.all(ids.map((id) => askBack(o, [{ index, qty: n }], id)));
      const okAt = rs.findIndex((r) => r.ok);
      expect(okAt >= 0 && rs.filter((r) => r.ok).length === 1, () => `two requests for the same ${n} units of ${o.id} answered ${JSON.stringify(rs).slice(0, 300)}`);
      bookRequest(o, [{ index, qty: n }], ids[okAt], rs[okAt]);
      // Refused for the units, or because the first one took every unit before shipping (order refunded).
      const other = rs[1 - okAt];
      const reason = o.status === 'refunded' ? 'NOT_ELIGIBLE' : 'TOO_MANY_UNITS';
      expect(!other.ok && other.error?.code === 'INVALID_STATE' && other.error.details?.reason === reason, () => `the second request answered ${JSON.stringify(other).slice(0, 200)}`);
      return;
    }
    const closed = someOrder((x) => !AFTER_SALE_OPEN.includes(x.status));
    if (variant < 0.2 && closed) {
      // An order that takes no request (unpaid, cancelled, expired, all refunded): refused, nothing written.
      const r = await askBack(closed, [{ index: 0, qty: 1 }], `${tag}-as${++reqSeq}`);
      expect(!r.ok && r.error?.code === 'INVALID_STATE' && r.error.details?.reason === 'NOT_ELIGIBLE', () => `request on ${closed.status} ${closed.id} answered ${JSON.stringify(r).slice(0, 200)}`);
      return;
    }
    if (variant < 0.3) {
      // More units than are left, or someone else's order: refused, nothing written.
      const { index, n } = pick(open);
      const stranger = rand() < 0.5;
      const r = await askBack(o, [{ index, qty: n + 1 }], `${tag}-as${++reqSeq}`, stranger ? USERS.find((u) => u !== o.owner)! : o.owner);
      const code = stranger ? 'NOT_FOUND' : 'INVALID_STATE';
      expect(!r.ok && r.error?.code === code, () => `request of ${n + 1} of ${n} units (${stranger ? 'stranger' : 'owner'}) answered ${JSON.stringify(r).slice(0, 200)}`);
      return;
    }
    const units = open.filter(() => rand() < 0.7).map((x) => ({ index: x.index, qty: int(1, x.n) }));
    if (units.length === 0) units.push({ index: open[0].index, qty: int(1, open[0].n) });
    const requestId = `${tag}-as${++reqSeq}`;
    const r = await askBack(o, units, requestId);
    expect(r.ok, () => `request for ${JSON.stringify(units)} of ${o.status} ${o.id} answered ${JSON.stringify(r).slice(0, 300)}`);
    bookRequest(o, units, requestId, r);
    if (rand() < 0.3) {
      // The shopper's retry: the same request as it is now, nothing refunded or restocked twice.
      const again = await askBack(o, units, requestId);
      expect(again.ok && again.data.afterSale._id === r.data.afterSale._id, () => `replay of request ${requestId} answered ${JSON.stringify(again).slice(0, 200)}`);
    }
  };
  const merchantAfterSale = async () => {
    const open = [...afterSales.values()].filter((a) => OPEN_AFTER_SALE.includes(a.status));
    if (open.length === 0) return afterSale();
    const a = pick(open);
    const o = orders.get(a.orderId)!;
    const roll = rand();
    type Reply = Awaited<ReturnType<typeof asMerchant<'orders', 'approveAfterSale'>>>;
    let act: () => Promise<Reply>;
    let to: AsStatus[];
    if (a.status === 'requested') {
      if (roll < 0.4) {
        act = () => asMerchant('orders', 'approveAfterSale', { afterSaleId: a.id, mode: 'refund' });
        to = ['refunding', 'refunded'];
      } else if (roll < 0.75) {
        act = () => asMerchant('orders', 'approveAfterSale', { afterSaleId: a.id, mode: 'return' });
        to = ['return_pending'];
      } else {
        act = () => asMerchant('orders', 'refuseAfterSale', { afterSaleId: a.id, reason: '商品已使用，不支持退款' });
        to = ['refused'];
      }
    } else if (a.status === 'return_pending') {
      act = () => asMerchant('orders', 'receiveReturn', { afterSaleId: a.id });
      to = ['received'];
    } else {
      act = () => asMerchant('orders', 'refundAfterSale', { afterSaleId: a.id });
      to = ['refunding', 'refunded'];
    }
    // Sometimes two clicks at once (two console tabs): one moves the request, the other is refused.
    const twice = a.status !== 'received' && rand() < 0.25;
    const rs = await Promise.all(twice ? [act(), act()] : [act()]);
    const ok = rs.filter((r) => r.ok);
    expect(ok.length === 1 && rs.every((r) => r.ok || r.error.code === 'INVALID_STATE'), () => `after-sale ${a.id} (${a.status}) answered ${JSON.stringify(rs).slice(0, 300)}`);
    const status = (ok[0] as { data: { afterSale: { status: AsStatus } } }).data.afterSale.status;
    expect(to.includes(status), () => `after-sale ${a.id} went ${a.status} → ${status}, model expected ${to.join('/')}`);
    moved(status === 'return_pending' ? 'approvedReturn' : status === 'received' ? 'received' : status === 'refused' ? 'refused' : a.status === 'requested' ? 'approvedRefund' : 'refundedReturn');
    if (status === 'refused') {
      a.units.forEach((u) => (o.claimed[u.index] -= u.qty));
      for (const [index, fee] of Object.entries(a.lineFees)) o.claimedFee[Number(index)] -= fee;
    }
    if (status === 'received') a.units.forEach((u) => (o.returned[u.index] += u.qty));
    if (status === 'refunding' || status === 'refunded') o.refundedOnPurpose += a.fee;
    a.status = status;
    touched.add(o.id);
  };

  const table: [string, number, () => Promise<void>][] = [
    ['create', 26, create],
    ['replay', 4, replay],
    ['burst', 5, burst],
    ['cancel', 10, cancel],
    ['pay', 14, pay],
    ['confirm', 12, confirm],
    ['notify', 7, lateNotification],
    ['advance', 8, advance],
    ['sweep', 6, sweep],
    ['race', 3, race],
    ['cancelRace', 6, () => cancelRace('shopper')],
    ['refunds', 3, refunds],
    ['ship', 8, ship],
    ['afterSale', 8, afterSale],
    ['merchantAfterSale', 7, merchantAfterSale],
    ['adjust', 7, adjust],
    ['merchantCancel', 5, merchantCancel],
    ['merchantRace', 4, merchantRace],
    ['claimCoupon', 6, claimCoupon],
    ['couponRace', 2, couponRace],
  ];
  const totalWeight = table.reduce((s, x) => s + x[1], 0);

  // ---- the invariants -----------------------------------------------------------------------------
  const checkStock = async () => {
    const { data } = await db.collection('products').where({ _id: _.in(CATALOG.map((p) => pid(p.productId))) }).get();
    expect(data.length === CATALOG.length, () => `products missing: ${data.length}`);
    // A flash sale's allotment is the ledger's fourth bucket, kept on the sale's document (0 without one).
    const sales = await db.collection('flash_sales').where({ productId: _.in(CATALOG.map((p) => pid(p.productId))) }).get();
    const allotted = new Map<string, number>((sales.data as { productId: string; skuId: string; remaining: number; ended: boolean }[]).map((s) => [key(s.productId, s.skuId), s.ended ? 0 : s.remaining]));
    for (const doc of data) {
      let units = 0;
      for (const sku of doc.skus as { skuId: string; stock: number; reserved: number; sold: number }[]) {
        const k = key(doc._id, sku.skuId);
        const m = figures(k);
        units += m.reserved + m.sold + m.returned;
        expect(sku.stock >= 0, () => `${k} stock went negative: ${sku.stock}`);
        const held = allotted.get(k) ?? 0;
        expect(sku.stock + sku.reserved + sku.sold + held === initial.get(k), () => `${k}: stock ${sku.stock} + reserved ${sku.reserved} + sold ${sku.sold} + allotted ${held} ≠ initial + adjustments ${initial.get(k)}`);
        expect(sku.reserved === m.reserved && sku.sold === m.sold && sku.stock === m.stock, () => `${k}: stock/reserved/sold ${sku.stock}/${sku.reserved}/${sku.sold}, model ${m.stock}/${m.reserved}/${m.sold}`);
      }
      expect((doc.sales ?? 0) === units, () => `${doc._id}: sales ${doc.sales} ≠ reserved + sold + returned ${units}`);
    }
    checks += 1;
  };
  const checkTouched = async () => {
    for (const id of touched) {
      const o = orders.get(id)!;
      const stored = await client.getDoc('orders', id);
      expect(stored !== null && stored.status === o.status, () => `order ${id}: database says ${stored?.status}, model says ${o.status}`);
    }
    touched.clear();
  };
  const checkAll = async () => {
    const stored = await client.all('orders', { _openid: _.in(USERS) });
    const mine = stored.filter((d) => String(d.requestId ?? '').startsWith(`${tag}-`));
    expect(mine.length === orders.size, () => `database has ${mine.length} orders, model ${orders.size}`);
    for (const d of mine) {
      const o = orders.get(d._id);
      expect(o !== undefined, () => `order ${d._id} not in the model`);
      expect(d.status === o!.status, () => `order ${d._id}: ${d.status} vs model ${o!.status}`);
      const lines = (d.lines as Line[]).map((l) => `${l.productId}/${l.skuId}x${l.qty}`).join(',');
      expect(lines === o!.lines.map((l) => `${l.productId}/${l.skuId}x${l.qty}`).join(','), () => `order ${d._id} lines ${lines}`);
    }
    const paid = [...orders.values()].filter((o) => SOLD.includes(o.status));
    if (paid.length) {
      const payments = await client.all('payments', { outTradeNo: _.in(paid.map((o) => o.id)), status: 'paid' });
      const withPaid = new Set(payments.map((p) => p.outTradeNo));
      for (const o of paid) expect(withPaid.has(o.id), () => `paid order ${o.id} has no paid payment record`);
    }
  };
  /** The ledger against itself, the units after-sales restocked, and every after-sales request. */
  const checkLedgerAndAfterSales = async () => {
    const productIds = CATALOG.map((p) => pid(p.productId));
    const r = await asMerchant('merchant', 'ledgerCheck', { productIds });
    expect(r.ok, () => `ledgerCheck answered ${JSON.stringify(r).slice(0, 200)}`);
    if (!r.ok) return;
    ledger.checkedSkus = r.data.checkedSkus;
    ledger.problems = r.data.problems.length;
    ledger.unopened = r.data.unopened.length;
    expect(r.data.problems.length === 0 && r.data.unopened.length === 0 && r.data.checkedSkus === SKUS.length, () => `ledgerCheck: ${JSON.stringify(r.data).slice(0, 400)}`);
    // Units back on the shelf, once: the restock moves of each order are exactly what the model returned.
    const moves = await client.all('stock_moves', { productId: _.in(productIds), reason: 'restock' });
    const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
    const restocked = new Map<string, number>();
    for (const move of moves) for (const sku of move.skus as { skuId: string; stock: number }[]) add(restocked, `${move.orderId}|${key(move.productId, sku.skuId)}`, sku.stock);
    const expected = new Map<string, number>();
    for (const o of orders.values()) o.lines.forEach((l, i) => o.returned[i] > 0 && add(expected, `${o.id}|${key(l.productId, l.skuId)}`, o.returned[i]));
    expect(JSON.stringify([...restocked].sort()) === JSON.stringify([...expected].sort()), () => `restock moves ${JSON.stringify([...restocked])} vs units returned ${JSON.stringify([...expected])}`);
    // Every request as the model says (a refund under way is done after the refunds timer); none extra.
    const stored = afterSales.size ? await client.all('after_sales', { orderId: _.in([...orders.keys()]) }) : [];
    expect(stored.length === afterSales.size, () => `database has ${stored.length} after-sales requests, model ${afterSales.size}`);
    for (const d of stored) {
      const a = afterSales.get(d._id);
      const want = a?.status === 'refunding' ? 'refunded' : a?.status;
      expect(a !== undefined && d.status === want, () => `after-sale ${d._id}: ${d.status}, model ${a?.status}`);
      if (a?.status === 'refunding') a.status = 'refunded';
    }
  };

  const checkMoney = async () => {
    const pay = client.wx().cloudPay;
    for (const o of orders.values()) {
      if (o.pkg === undefined) continue;
      const q = await pay.queryOrder({ sub_mch_id: '1900000109', nonce_str: 'model', out_trade_no: o.id });
      const paidAtWechat = q.resultCode === 'SUCCESS' && (q.tradeState === 'SUCCESS' || q.tradeState === 'REFUND') ? (q.totalFee as number) : 0;
      const rq = await pay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'model', out_trade_no: o.id });
      const numbers: string[] = rq.resultCode === 'SUCCESS' ? rq.outRefundNoList : [];
      const fees: number[] = rq.resultCode === 'SUCCESS' ? rq.refundFeeList : [];
      const statuses: string[] = rq.resultCode === 'SUCCESS' ? rq.refundStatusList : [];
      const refunded = fees.reduce((sum, fee, i) => sum + (statuses[i] === 'SUCCESS' ? fee : 0), 0);
      const payments = await client.all('payments', { outTradeNo: o.id });
      const refundedRecords = payments.filter((p) => p.status === 'refunded');
      const open = payments.filter((p) => p.status === 'refund_required');
      money.owedOpen += open.length;
      // Only a payment WeChat has no record of (a notification sent straight to the callback) can stay owed.
      expect(!open.some((p) => q.transactionId !== undefined && p.transactionId === q.transactionId), () => `order ${o.id}: owed refund of WeChat's payment ${String(q.transactionId)} still open after the refunds timer`);
      if (paidAtWechat > 0) money.paidAtWechat += 1;
      money.refundsAtWechat += numbers.length;
      money.refundedRecords += refundedRecords.length;
      expect(refunded <= paidAtWechat, () => `order ${o.id}: WeChat refunded ${refunded} of ${paidAtWechat} paid`);
      expect(o.refundedOnPurpose <= o.total, () => `order ${o.id}: after-sales refunded ${o.refundedOnPurpose} of a ${o.total} order`);
      const recordNumbers = [...refundedRecords.map((p) => p.outRefundNo as string), ...[...afterSales.values()].filter((a) => a.orderId === o.id && a.status === 'refunded').map((a) => a.id)].sort();
      expect(new Set(numbers).size === numbers.length && JSON.stringify([...numbers].sort()) === JSON.stringify(recordNumbers), () => `order ${o.id}: refunds at WeChat ${JSON.stringify(numbers)} vs refunded records ${JSON.stringify(recordNumbers)}`);
      if (o.status === 'cancelled' || o.status === 'expired') {
        expect(refunded === paidAtWechat, () => `order ${o.id} is ${o.status} but WeChat kept ${paidAtWechat - refunded} of its payment`);
        if (paidAtWechat > 0) money.refundedClosed += 1;
      } else if (o.status === 'pending_payment') {
        expect(paidAtWechat === 0, () => `order ${o.id} is pending but WeChat took its payment`);
      }
      // What went back is exactly the payments we did not keep (late, duplicate) plus after-sales refunds:
      // a kept payment is never refunded by the owed-refunds path.
      const owedBack = refundedRecords.reduce((sum, p) => sum + Number(p.refundFee ?? p.totalFee), 0);
      expect(refunded === owedBack + o.refundedOnPurpose, () => `order ${o.id} (${o.status}): WeChat refunded ${refunded}, owed ${owedBack} + after-sales ${o.refundedOnPurpose}`);
    }
    checks += 1;
  };

  try {
    await checkStock();
    // Every shopper starts with a coupon, so creates use them from the first steps.
    for (const owner of USERS) {
      const r = await call({ action: 'claimCoupon', templateId }, owner);
      expect(r.ok, () => `first claim by ${owner} answered ${JSON.stringify(r).slice(0, 300)}`);
      coupons.set(r.data.coupon._id, { owner, orders: [] });
      couponStats.claimed += 1;
    }
    await checkCoupons();
    for (step = 1; step <= opts.steps; step += 1) {
      let roll = rand() * totalWeight;
      let chosen = table[0];
      for (const entry of table) {
        if ((roll -= entry[1]) < 0) {
          chosen = entry;
          break;
        }
      }
      ops[chosen[0]] = (ops[chosen[0]] ?? 0) + 1;
      await chosen[2]();
      await checkStock();
      await checkTouched();
      await checkCoupons();
      if (step % fullEvery === 0 || step === opts.steps) {
        await checkAll();
        log(`model: step ${step}/${opts.steps}, ${orders.size} orders`);
      }
    }
    // Leave no overdue order behind (another walk may share this cloud and count its own sweeps).
    await sweep();
    await checkTouched();
    await checkCoupons();
    // The refunds timer runs until nothing owed is due (each run takes every due refund one step), so
    // what owed payments and after-sales started is done before the requests and the money are compared.
    for (let i = 0; i < 3; i += 1) await refunds();
    await checkLedgerAndAfterSales();
    await checkMoney();
    log(`model: money ${JSON.stringify(money)}`);
  } catch (e) {
    if (e instanceof Violation) violations.push(e.message);
    else throw e;
  }
  const byStatus: Record<string, number> = {};
  for (const o of orders.values()) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const afterSalesByStatus: Record<string, number> = {};
  for (const a of afterSales.values()) afterSalesByStatus[a.status] = (afterSalesByStatus[a.status] ?? 0) + 1;
  return {
    seed: opts.seed,
    steps: Math.min(step, opts.steps),
    ops,
    orders: orders.size,
    byStatus,
    invariantChecks: checks,
    violations,
    lateAccepted,
    money,
    afterSales: afterSalesByStatus,
    merchant: merchantStats,
    afterSaleMoves,
    ledger,
    // A coupon comes back once per order that took it and then ended without its goods.
    coupons: { ...couponStats, returned: [...orders.values()].filter((o) => o.couponId && !keepsCoupon(o)).length },
    ms: Date.now() - started,
  };
}
