/**
 * Model-based random test of stock and order state, through the real functions on the local cloud.
 *
 * A seeded random walk (deterministic for a given seed: every step is awaited before the next, time is
 * advanced per order by moving its `expireAt` into the past, the expiry timer is fired by hand) over:
 * creates (incl. idempotent replays of a requestId and concurrent bursts on one SKU), cancels (also by
 * the wrong user), `orders.pay`, payment confirmations through the pay sandbox (1-3 deliveries each),
 * repeated and late payment notifications delivered straight to the callback, time advances, expiry
 * sweeps, an expiry racing a payment, a cancel racing a payment (its notification sometimes delayed),
 * runs of the owed-refunds timer, and restocks by the merchant.
 *
 * After EVERY step, against the database: for every SKU, stock ≥ 0 and
 *   stock + reserved (pending orders) + sold (paid orders) = initial (+ restocks),
 * `sales` = reserved + sold per product, and every order the step touched has the status the model
 * expects. Every `fullEvery` steps and at the end: every order in the database is in the model with
 * the same status and lines, and every paid order has a `paid` payment record.
 *
 * Money, at the end (after the refunds timer drained what is owed), against WeChat Pay's own records
 * (the pay sandbox, queryOrder / queryRefund): per order, refunded ≤ paid; every refund executed once at
 * WeChat (one refund per refunded payment record, under that record's number); never an order cancelled
 * or expired while WeChat kept its payment; a paid order keeps its money (less what after-sales refunded).
 */
import { ADDRESS, Client, rng, seedDocs, productDoc } from '../lib/cloud';

type Status = 'pending_payment' | 'paid' | 'cancelled' | 'expired';
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
const SKUS = CATALOG.flatMap((p) => p.skus.map((s, index) => ({ productId: p.productId, skuId: s.skuId, index })));
const key = (productId: string, skuId: string) => `${productId}/${skuId}`;
const USERS = ['oM_1', 'oM_2', 'oM_3', 'oM_4', 'oM_5'];
const HOLDS: Status[] = ['pending_payment', 'paid'];

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
  let checks = 0;
  let step = 0;
  let reqSeq = 0;
  let txnSeq = 0;

  const initial = new Map<string, number>();
  for (const p of CATALOG) for (const s of p.skus) initial.set(key(pid(p.productId), s.skuId), s.stock);
  await seedDocs(
    client,
    'products',
    CATALOG.map((p) =>
      p.skus.length > 1
        ? productDoc(pid(p.productId), p.skus.map((s) => ({ ...s, specValues: [s.skuId] })), { specs: [{ name: '规格', values: p.skus.map((s) => s.skuId) }] })
        : productDoc(pid(p.productId), p.skus),
    ),
  );

  const orders = new Map<string, MOrder>();
  const recent: string[] = [];
  const touched = new Set<string>();

  const fail = (msg: string): never => {
    throw new Violation(`step ${step} (seed ${opts.seed}): ${msg}`);
  };
  const expect = (cond: boolean, msg: () => string) => {
    if (!cond) fail(msg());
  };
  const held = (sku: string) => {
    let n = 0;
    for (const o of orders.values()) if (HOLDS.includes(o.status)) for (const l of o.lines) if (key(l.productId, l.skuId) === sku) n += l.qty;
    return n;
  };
  const modelStock = (sku: string) => initial.get(sku)! - held(sku);
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

  // ---- the operations ---------------------------------------------------------------------------
  const create = async () => {
    const owner = pick(USERS);
    const lines = randomLines();
    const requestId = `${tag}-${++reqSeq}`;
    const ok = feasible(lines);
    const r = await call({ action: 'create', requestId, lines, address: ADDRESS }, owner);
    if (ok) {
      expect(r.ok, () => `create of feasible ${JSON.stringify(lines)} refused: ${JSON.stringify(r.error)}`);
      const view = r.data.order;
      addOrder({ id: view._id, owner, requestId, lines, total: view.total, status: 'pending_payment', overdue: false, response: r, refundedOnPurpose: 0 });
    } else {
      expect(!r.ok && r.error?.code === 'OUT_OF_STOCK', () => `create of infeasible ${JSON.stringify(lines)} answered ${JSON.stringify(r).slice(0, 300)}`);
    }
  };
  const replay = async () => {
    const o = someOrder();
    if (!o) return create();
    const r = await call({ action: 'create', requestId: o.requestId, lines: o.lines, address: ADDRESS }, o.owner);
    // The same order comes back, as it is now (paid, cancelled, expired since), never a second one.
    const first = (o.response as { data: { order: { _id: string; total: number } } }).data.order;
    const now = r.ok ? r.data.order : null;
    expect(now !== null && now._id === first._id && now.total === first.total && now.status === o.status, () => `replay of ${o.requestId} (${o.status}) answered ${JSON.stringify(r).slice(0, 300)}`);
  };
  const burst = async () => {
    const s = pick(SKUS);
    const n = int(3, 6);
    const reqs = Array.from({ length: n }, () => ({ owner: pick(USERS), requestId: `${tag}-${++reqSeq}`, lines: [{ productId: pid(s.productId), skuId: s.skuId, qty: int(1, 2) }] }));
    const rs = await Promise.all(reqs.map((q) => call({ action: 'create', requestId: q.requestId, lines: q.lines, address: ADDRESS }, q.owner)));
    const k = key(pid(s.productId), s.skuId);
    const before = modelStock(k);
    let taken = 0;
    rs.forEach((r, i) => {
      if (r.ok) {
        taken += reqs[i].lines[0].qty;
        addOrder({ id: r.data.order._id, owner: reqs[i].owner, requestId: reqs[i].requestId, lines: reqs[i].lines, total: r.data.order.total, status: 'pending_payment', overdue: false, response: r, refundedOnPurpose: 0 });
      } else expect(r.error?.code === 'OUT_OF_STOCK' || r.error?.code === 'UNAVAILABLE', () => `burst create answered ${JSON.stringify(r).slice(0, 300)}`);
    });
    expect(taken <= before, () => `burst took ${taken} units of ${k} with only ${before} in stock`);
    // Stock only goes down during a burst: a sold-out answer must still be true at the end.
    rs.forEach((r, i) => {
      if (!r.ok && r.error?.code === 'OUT_OF_STOCK') expect(before - taken < reqs[i].lines[0].qty, () => `burst: OUT_OF_STOCK for ${reqs[i].lines[0].qty} while ${before - taken} remain`);
    });
    for (const [i, r] of rs.entries()) {
      if (!r.ok) {
        const found = await client.all('orders', { requestId: reqs[i].requestId, _openid: reqs[i].owner });
        expect(found.length === 0, () => `refused create ${reqs[i].requestId} left an order behind`);
      }
    }
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
  const cancelRace = async () => {
    // The shopper taps cancel while paying: the payment (its notification now, or delayed) races the cancel.
    const o = someOrder((x) => x.status === 'pending_payment' && x.pkg !== undefined && !x.overdue);
    if (!o) return pay();
    const deliveries = int(0, 2);
    const [c, r] = await Promise.all([client.confirmPay(o.pkg!, deliveries), call({ action: 'cancel', orderId: o.id }, o.owner)]);
    // A delayed notification arrives afterwards (WeChat delivers until answered).
    if (deliveries === 0 && c.status === 200) await client.confirmPay(o.pkg!, 1);
    const stored = await client.getDoc('orders', o.id);
    touched.add(o.id);
    expect(stored.status === 'paid' || stored.status === 'cancelled', () => `cancel race left ${o.id} ${stored.status}`);
    if (stored.status === 'paid') {
      expect(!r.ok && r.error?.code === 'ALREADY_PAID' && r.error.details?.order?.status === 'paid', () => `cancel race: order paid, cancel answered ${JSON.stringify(r).slice(0, 200)}`);
      expect(c.status === 200, () => `cancel race: order paid but confirm answered ${c.status}`);
      money.cancelFoundPaid += 1;
    } else {
      expect(r.ok && r.data?.order?.status === 'cancelled', () => `cancel race: order cancelled, cancel answered ${JSON.stringify(r).slice(0, 200)}`);
      // Paid at WeChat after the cancel (it could not be closed yet): a refund is owed from now on.
      if (c.status === 200) {
        const owed = await client.all('payments', { outTradeNo: o.id });
        expect(owed.length === 1 && (owed[0].status === 'refund_required' || owed[0].status === 'refunded'), () => `cancel race: payment of cancelled ${o.id} recorded ${JSON.stringify(owed).slice(0, 300)}`);
      } else expect(c.status === 409, () => `cancel race: confirm answered ${c.status} ${JSON.stringify(c.json).slice(0, 200)}`);
    }
    o.status = stored.status;
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
    o.status = 'paid';
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
    touched.add(o.id);
    const expectedExpired = others.length + (o.status === 'expired' ? 1 : 0);
    expect(t.result?.data?.expired === expectedExpired, () => `race sweep answered ${JSON.stringify(t.result?.data)}, expected ${expectedExpired} expired (order ${o!.status})`);
    expect(c.status === 200 || (o.status === 'expired' && c.status === 409), () => `race: confirm answered ${c.status} with the order ${o!.status}`);
    for (const x of others) {
      x.status = 'expired';
      touched.add(x.id);
    }
  };
  const restock = async () => {
    const s = pick(SKUS);
    const add = int(1, 6);
    await db.collection('products').doc(pid(s.productId)).update({ data: { [`skus.${s.index}.stock`]: _.inc(add) } });
    const k = key(pid(s.productId), s.skuId);
    initial.set(k, initial.get(k)! + add);
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
    ['cancelRace', 6, cancelRace],
    ['refunds', 3, refunds],
    // After-sales (refunds per line of a paid order) joins here as its own step; it adds what it refunded
    // to the order's `refundedOnPurpose`, which the money check expects back at WeChat.
    ['restock', 8, restock],
  ];
  const totalWeight = table.reduce((s, x) => s + x[1], 0);

  // ---- the invariants -----------------------------------------------------------------------------
  const checkStock = async () => {
    const { data } = await db.collection('products').where({ _id: _.in(CATALOG.map((p) => pid(p.productId))) }).get();
    expect(data.length === CATALOG.length, () => `products missing: ${data.length}`);
    for (const doc of data) {
      let units = 0;
      for (const sku of doc.skus as { skuId: string; stock: number }[]) {
        const k = key(doc._id, sku.skuId);
        const h = held(k);
        units += h;
        expect(sku.stock >= 0, () => `${k} stock went negative: ${sku.stock}`);
        expect(sku.stock + h === initial.get(k), () => `${k}: stock ${sku.stock} + reserved/sold ${h} ≠ initial ${initial.get(k)}`);
      }
      expect(doc.sales === units, () => `${doc._id}: sales ${doc.sales} ≠ reserved + sold ${units}`);
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
    const paid = [...orders.values()].filter((o) => o.status === 'paid');
    if (paid.length) {
      const payments = await client.all('payments', { outTradeNo: _.in(paid.map((o) => o.id)), status: 'paid' });
      const withPaid = new Set(payments.map((p) => p.outTradeNo));
      for (const o of paid) expect(withPaid.has(o.id), () => `paid order ${o.id} has no paid payment record`);
    }
  };

  const checkMoney = async () => {
    // The refunds timer runs until nothing owed is due (each run takes every due refund one step).
    for (let i = 0; i < 3; i += 1) await refunds();
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
      const recordNumbers = refundedRecords.map((p) => p.outRefundNo as string).sort();
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
      if (step % fullEvery === 0 || step === opts.steps) {
        await checkAll();
        log(`model: step ${step}/${opts.steps}, ${orders.size} orders`);
      }
    }
    // Leave no overdue order behind (another walk may share this cloud and count its own sweeps).
    await sweep();
    await checkTouched();
    await checkMoney();
    log(`model: money ${JSON.stringify(money)}`);
  } catch (e) {
    if (e instanceof Violation) violations.push(e.message);
    else throw e;
  }
  const byStatus: Record<string, number> = {};
  for (const o of orders.values()) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  return { seed: opts.seed, steps: Math.min(step, opts.steps), ops, orders: orders.size, byStatus, invariantChecks: checks, violations, lateAccepted, money, ms: Date.now() - started };
}
