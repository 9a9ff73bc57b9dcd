/**
 * After-sales requests (`after_sales`): a shopper asks for units of a paid order back; before shipping
 * they are refunded at once and go back to stock, after shipping the merchant approves (refund only, or
 * the goods come back first) or refuses.
 *
 * - One writer: every status of a request is written by `move` (the domain table
 *   AFTER_SALE_TRANSITIONS), in a transaction that also updates the order's tally (`afterSales`:
 *   units and fen claimed per line, each request's status). All requests of one order meet on that
 *   document, so two concurrent requests for the same units conflict and the second one, retried,
 *   sees the first one's claim and is refused: a unit is refunded once.
 * - A request's refund number is its id; it is executed through the same path as owed payment refunds
 *   (refunds.advanceRefund): queryRefund first, the same number on every retry, done only when
 *   queryRefund says SUCCESS. The `refunds` timer retries what did not finish.
 * - Units go back to stock once: in the transaction that moves the request to refunding (before
 *   shipping) or to received (a return), which happens once by the table.
 * - The order's coupon comes back (while valid) when the order is given back in full: before shipping
 *   with the order's `refundAll` transition, after shipping with the last request's refund.
 */
import { checkText, SEC_SCENE } from './content-security';
import type { ActionRequest, ActionResponse, MerchantAfterSale, OwedRefundView } from '../typings/api';
import type { AfterSaleLine, AfterSaleStatus, AfterSaleView } from '../typings/domain';
import { AFTER_SALE_REFUSAL_MESSAGES, planAfterSale, remainingUnits, tallyOf } from '../miniprogram/domain/after-sales';
import { afterSalePatch, fullyRefunded, releaseClaim, type AfterSaleEvent } from '../miniprogram/domain/after-sale-transitions';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { afterSaleWindowMs } from './config';
import { COLLECTIONS, getDoc, txGet, withTransaction, withoutId } from './db';
import { AppError, invalidState, notFound } from './errors';
import { digestId, fingerprint } from './ids';
import { applyTransitionTx, asOrder, loadOwnOrder, toView, type StoredOrder } from './order-store';
import { afterSalePreview, presentAfterSale } from './order-presenter';
import { returnToStockTx } from './stock-ledger';
import { notifyOrder } from './notify';
import { returnCouponTx } from './coupons';
import { advanceRefund, confirmNotifiedRefund, processDueRefunds, sweepDue, type RefundStore, type RefundSweepSummary, type Step } from './refunds';

/** What `after_sales` keeps: the view plus the owner, the idempotency fingerprint and refund progress. */
type StoredAfterSale = MerchantAfterSale & { _openid: string; fingerprint: string; totalFee: number; lastRefundAttemptAt?: number; refundId?: string | null };

const VIEW_FIELDS: readonly (keyof AfterSaleView)[] = [
  '_id', 'orderId', 'requestId', 'lines', 'reason', 'refundFee', 'shippingRefund', 'status', 'mode', 'refuseReason', 'shippedWhenRequested',
  'createdAt', 'updatedAt', 'approvedAt', 'receivedAt', 'refundingAt', 'refundedAt', 'refusedAt',
];
const MERCHANT_FIELDS: readonly (keyof MerchantAfterSale)[] = [...VIEW_FIELDS, 'refundAttempts', 'refundError', 'refundState', 'nextRefundAt'];

function pick<T>(doc: AnyDoc, fields: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (doc[field as string] !== undefined) out[field as string] = doc[field as string];
  return out as T;
}

export const toAfterSaleView = (doc: AnyDoc): AfterSaleView => pick<AfterSaleView>(doc, VIEW_FIELDS);
const toMerchantView = (doc: AnyDoc): MerchantAfterSale => pick<MerchantAfterSale>(doc, MERCHANT_FIELDS);

function asAfterSale(doc: AnyDoc | null): StoredAfterSale | null {
  return doc && typeof doc._id === 'string' && typeof doc.orderId === 'string' && Array.isArray(doc.lines) ? (doc as unknown as StoredAfterSale) : null;
}

/** A request's id, from its owner and idempotency key: a retried request lands on the same document. */
export function afterSaleIdFor(openid: string, requestId: string): string {
  return `A${digestId(`aftersale\u0000${openid}\u0000${requestId}`, 23)}`;
}

/** Refund numbers of after-sales requests are their ids (`A` + 23); payment refunds start with `R`. */
export function isAfterSaleRefundNumber(outRefundNo: unknown): outRefundNo is string {
  return typeof outRefundNo === 'string' && /^A[0-9A-Za-z]{23}$/.test(outRefundNo);
}

/**
 * Units returning to the shelf after a refund before shipping or a received return. One function, so
 * where stock lives is decided in one place.
 */
export async function returnStockTx(tx: TxCollections, orderId: string, lines: readonly Pick<AfterSaleLine, 'productId' | 'skuId' | 'qty'>[]): Promise<void> {
  await returnToStockTx(tx, orderId, lines);
}

/* ------------------------------------------------------------ the writer */

type TxHook = (tx: TxCollections, request: StoredAfterSale, order: StoredOrder) => Promise<void>;

interface MoveResult {
  afterSale: StoredAfterSale;
  changed: boolean;
}

/**
 * The one writer of a request's status: applies `events` in turn (each must be allowed by the table
 * from the status the previous one left), writes the request and the order's tally in one
 * transaction, and runs `then` inside it (stock). Not allowed: nothing is written (`changed` false).
 */
async function move(id: string, events: readonly AfterSaleEvent[], options: { extra?: AnyDoc; then?: TxHook; owner?: string } = {}): Promise<MoveResult> {
  return withTransaction(async (tx) => {
    const request = asAfterSale(await txGet(tx, COLLECTIONS.afterSales, id));
    if (!request || (options.owner !== undefined && request._openid !== options.owner)) throw notFound('售后单不存在');
    const order = asOrder(await txGet(tx, COLLECTIONS.orders, request.orderId));
    if (!order) throw notFound('订单不存在');
    const at = now();
    let status: AfterSaleStatus = request.status;
    let data: AnyDoc = { ...(options.extra ?? {}) };
    for (const event of events) {
      const patch = afterSalePatch(status, event, at);
      if (!patch) return { afterSale: request, changed: false };
      status = patch.status;
      data = { ...data, ...patch };
    }
    const tally = status === 'refused' ? releaseClaim(order, request) : tallyOf(order);
    tally.states[id] = status;
    await tx.collection(COLLECTIONS.afterSales).doc(id).update({ data });
    await tx.collection(COLLECTIONS.orders).doc(order._id).update({ data: { afterSales: tally } });
    // The last refund of an order the shopper gave back in full (after shipping: the order keeps its
    // status) gives its coupon back, as a refund in full before shipping does, while it is valid.
    if (status === 'refunded' && fullyRefunded({ lines: order.lines, afterSales: tally })) await returnCouponTx(tx, order, at);
    const moved = { ...request, ...data } as StoredAfterSale;
    if (options.then) await options.then(tx, moved, order);
    return { afterSale: moved, changed: true };
  });
}

function requireMoved(result: MoveResult, what: string): StoredAfterSale {
  if (!result.changed) throw invalidState(`售后单当前状态不能${what}`, { status: result.afterSale.status });
  return result.afterSale;
}

/* ------------------------------------------------------------ refunds */

const afterSaleStore: RefundStore = {
  async refunded(id, seen, extra) {
    const moved = await move(id, ['confirmRefund'], { extra: { ...extra, refundState: 'SUCCESS', refundId: seen.refundId ?? null, refundSuccessTime: seen.successTime ?? null } });
    if (moved.changed) await notifyOrder('refund', moved.afterSale.orderId, id, { amount: moved.afterSale.refundFee });
  },
  async later(id, data, nextAt) {
    await db()
      .collection(COLLECTIONS.afterSales)
      .where({ _id: id, status: 'refunding' })
      .update({ data: { ...data, nextRefundAt: nextAt, updatedAt: now() } });
  },
};

function refundDesc(request: StoredAfterSale): string {
  return request.shippedWhenRequested ? '售后退款' : '发货前退款';
}

/** One step of a request's refund at WeChat Pay (the same number every time). */
async function advance(request: StoredAfterSale): Promise<Step> {
  return advanceRefund(
    {
      id: request._id,
      outTradeNo: request.orderId,
      outRefundNo: request._id,
      totalFee: request.totalFee,
      refundFee: request.refundFee,
      refundDesc: refundDesc(request),
      attempts: request.refundAttempts ?? 0,
    },
    afterSaleStore,
  );
}

/** Right after a request starts refunding: try once now; what does not finish is the timer's. */
async function refundNowBestEffort(request: StoredAfterSale): Promise<void> {
  try {
    await advance(request);
  } catch (error) {
    console.error(`[after-sales] refund ${request._id} not executed now; the refunds timer retries`, error);
  }
}

/** The `refunds` timer's part for after-sales: every refunding request that is due. */
export async function processDueAfterSaleRefunds(): Promise<RefundSweepSummary> {
  const _ = db().command;
  return sweepDue(COLLECTIONS.afterSales, () => ({ status: 'refunding', nextRefundAt: _.lte(now()) }), (doc) => advance(doc as unknown as StoredAfterSale), '[after-sales refunds]');
}

/** The `refunds` timer: owed payment refunds, then after-sales refunds; one summary of both. */
export async function processAllDueRefunds(): Promise<RefundSweepSummary> {
  const payments = await processDueRefunds();
  const afterSales = await processDueAfterSaleRefunds();
  const sum = { ...payments };
  for (const key of Object.keys(sum) as (keyof RefundSweepSummary)[]) sum[key] += afterSales[key];
  return sum;
}

/** A refund result notification for an after-sales refund: confirmed through queryRefund, never its payload. */
export async function handleAfterSaleRefundNotification(event: Record<string, unknown>): Promise<{ errcode: number; errmsg: string }> {
  const outRefundNo = String(event.outRefundNo);
  return confirmNotifiedRefund(event, outRefundNo, outRefundNo, async () => {
    const doc = asAfterSale(await getDoc(COLLECTIONS.afterSales, outRefundNo));
    return doc ? doc.status === 'refunding' : null;
  }, afterSaleStore);
}

async function latest(id: string): Promise<StoredAfterSale> {
  const doc = asAfterSale(await getDoc(COLLECTIONS.afterSales, id));
  if (!doc) throw notFound('售后单不存在');
  return doc;
}

/* ------------------------------------------------------------ shopper */

type RequestReq = ActionRequest<'orders', 'requestAfterSale'>;

function requestFingerprint(req: RequestReq): string {
  const lines = [...req.lines].sort((a, b) => `${a.productId}/${a.skuId}`.localeCompare(`${b.productId}/${b.skuId}`));
  return fingerprint({ orderId: req.orderId, lines: lines.map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty })), reason: req.reason });
}

async function answer(id: string, orderId: string): Promise<ActionResponse<'orders', 'requestAfterSale'>> {
  const [request, order] = await Promise.all([latest(id), getDoc(COLLECTIONS.orders, orderId)]);
  return { afterSale: toAfterSaleView(request as unknown as AnyDoc), order: toView(order ?? {}) };
}

/**
 * A shopper's request. Replays by `requestId` (the same answer, as the request is now); the plan and
 * the claim on the order are made inside one transaction on the order; before shipping the request
 * starts refunding in that same transaction, its units go back to stock, and the refund is executed.
 */
export async function requestAfterSale(openid: string, req: RequestReq): Promise<ActionResponse<'orders', 'requestAfterSale'>> {
  const id = afterSaleIdFor(openid, req.requestId);
  const print = requestFingerprint(req);
  const replay = (doc: AnyDoc) => {
    if (doc.fingerprint !== print) throw new AppError('CONFLICT', '该请求编号已用于另一个售后申请', { requestId: req.requestId });
    return answer(id, String(doc.orderId));
  };
  const known = await getDoc(COLLECTIONS.afterSales, id);
  if (known) return replay(known);
  // The merchant reads the reason: WeChat's content check first, before anything is written.
  await checkText(openid, req.reason, SEC_SCENE.comment, { path: 'reason', label: '售后原因' });
  const windowMs = await afterSaleWindowMs();

  const created = await withTransaction(async (tx) => {
    const order = asOrder(await txGet(tx, COLLECTIONS.orders, req.orderId));
    if (!order || order._openid !== openid) throw notFound('订单不存在');
    const raced = await txGet(tx, COLLECTIONS.afterSales, id);
    if (raced) return raced;
    const at = now();
    const plan = planAfterSale(order, req.lines, id, at, windowMs);
    if (!plan.ok) throw invalidState(AFTER_SALE_REFUSAL_MESSAGES[plan.reason], { reason: plan.reason, status: order.status });
    const doc: StoredAfterSale = {
      _id: id,
      _openid: openid,
      fingerprint: print,
      orderId: order._id,
      requestId: req.requestId,
      lines: plan.lines,
      reason: req.reason,
      refundFee: plan.refundFee,
      shippingRefund: plan.shippingRefund,
      totalFee: order.total,
      status: 'requested',
      shippedWhenRequested: !plan.immediate,
      createdAt: at,
      updatedAt: at,
    };
    if (plan.immediate) Object.assign(doc, afterSalePatch('requested', 'refundNow', at), { refundAttempts: 0, nextRefundAt: at });
    await tx.collection(COLLECTIONS.afterSales).doc(id).set({ data: withoutId(doc) as AnyDoc });
    // Every unit asked back before shipping: the order closes (nothing left to ship) with the same write.
    const nothingLeft = plan.immediate && remainingUnits({ lines: order.lines, afterSales: plan.tally }).every((n) => n === 0);
    if (!nothingLeft || !(await applyTransitionTx(tx, order, 'refundAll', at, { afterSales: plan.tally }))) {
      await tx.collection(COLLECTIONS.orders).doc(order._id).update({ data: { afterSales: plan.tally } });
    }
    if (plan.immediate) await returnStockTx(tx, order._id, plan.lines);
    return doc as unknown as AnyDoc;
  });
  if (created.fingerprint !== print) return replay(created);
  const request = created as unknown as StoredAfterSale;
  if (request.status === 'refunding') await refundNowBestEffort(request);
  return answer(id, request.orderId);
}

export async function listAfterSales(openid: string, req: ActionRequest<'orders', 'listAfterSales'>): Promise<ActionResponse<'orders', 'listAfterSales'>> {
  const where: AnyDoc = { _openid: openid };
  if (req.orderId !== undefined) where.orderId = req.orderId;
  const { data } = await db().collection(COLLECTIONS.afterSales).where(where).orderBy('createdAt', 'desc').limit(50).get();
  return { afterSales: data.filter((doc) => asAfterSale(doc) && doc._openid === openid).map((doc) => presentAfterSale(toAfterSaleView(doc))) };
}

/**
 * The request form's lines and refund for the caller's order, by the rule `requestAfterSale` decides
 * with, on the cloud's clock and window. Writes nothing; a refusal is the preview's `problem`.
 */
export async function previewAfterSale(openid: string, req: ActionRequest<'orders', 'previewAfterSale'>): Promise<ActionResponse<'orders', 'previewAfterSale'>> {
  const [order, windowMs] = await Promise.all([loadOwnOrder(openid, req.orderId), afterSaleWindowMs()]);
  return afterSalePreview(toView(order as unknown as AnyDoc), req.lines, now(), windowMs);
}

/* ------------------------------------------------------------ merchant */

const REFUND_REASONS: Record<string, string> = { DUPLICATE_PAYMENT: '重复支付', ORDER_CANCELLED: '订单已取消后付款', ORDER_EXPIRED: '订单已过期后付款' };

export async function merchantAfterSales(req: ActionRequest<'orders', 'merchantAfterSales'>): Promise<ActionResponse<'orders', 'merchantAfterSales'>> {
  const where: AnyDoc = req.status !== undefined ? { status: req.status } : {};
  const [requests, owed] = await Promise.all([
    db().collection(COLLECTIONS.afterSales).where(where).orderBy('createdAt', 'desc').limit(100).get(),
    db().collection(COLLECTIONS.payments).where({ status: 'refund_required' }).orderBy('nextRefundAt', 'asc').limit(100).get(),
  ]);
  const owedRefunds: OwedRefundView[] = owed.data.map((p) => ({
    _id: String(p._id),
    orderId: String(p.orderId ?? ''),
    totalFee: Number(p.totalFee ?? 0),
    refundFee: Number(p.refundFee ?? p.totalFee ?? 0),
    reason: REFUND_REASONS[String(p.reason)] ?? String(p.reason ?? ''),
    status: 'refund_required',
    refundAttempts: Number(p.refundAttempts ?? 0),
    ...(typeof p.refundError === 'string' ? { refundError: p.refundError } : {}),
    ...(typeof p.nextRefundAt === 'number' ? { nextRefundAt: p.nextRefundAt } : {}),
    createdAt: Number(p.createdAt ?? 0),
  }));
  return { afterSales: requests.data.filter((doc) => asAfterSale(doc)).map(toMerchantView), owedRefunds };
}

async function refunding(result: StoredAfterSale): Promise<{ afterSale: MerchantAfterSale }> {
  if (result.status === 'refunding') await refundNowBestEffort(result);
  return { afterSale: toMerchantView((await latest(result._id)) as unknown as AnyDoc) };
}

export async function approveAfterSale(req: ActionRequest<'orders', 'approveAfterSale'>): Promise<ActionResponse<'orders', 'approveAfterSale'>> {
  const events: AfterSaleEvent[] = req.mode === 'return' ? ['approve', 'requireReturn'] : ['approve', 'refund'];
  const extra: AnyDoc = { mode: req.mode, ...(req.mode === 'refund' ? { refundAttempts: 0, nextRefundAt: now() } : {}) };
  return refunding(requireMoved(await move(req.afterSaleId, events, { extra }), '同意'));
}

export async function refuseAfterSale(req: ActionRequest<'orders', 'refuseAfterSale'>): Promise<ActionResponse<'orders', 'refuseAfterSale'>> {
  const moved = requireMoved(await move(req.afterSaleId, ['refuse'], { extra: { refuseReason: req.reason } }), '拒绝');
  return { afterSale: toMerchantView(moved as unknown as AnyDoc) };
}

export async function receiveReturn(req: ActionRequest<'orders', 'receiveReturn'>): Promise<ActionResponse<'orders', 'receiveReturn'>> {
  const moved = requireMoved(await move(req.afterSaleId, ['receive'], { then: (tx, request) => returnStockTx(tx, request.orderId, request.lines) }), '确认收货');
  return { afterSale: toMerchantView(moved as unknown as AnyDoc) };
}

/** Refund an approved or received request; for one already refunding, try again now. */
export async function refundAfterSale(req: ActionRequest<'orders', 'refundAfterSale'>): Promise<ActionResponse<'orders', 'refundAfterSale'>> {
  const current = await latest(req.afterSaleId);
  if (current.status === 'refunding') return refunding(current);
  return refunding(requireMoved(await move(req.afterSaleId, ['refund'], { extra: { refundAttempts: 0, nextRefundAt: now() } }), '退款'));
}
