import type { ActionRequest, ActionResponse, AlreadyPaidDetails, LineFailure, PaymentParams } from '../typings/api';
import type { OrderCoupon, OrderLine, OrderView } from '../typings/domain';
import { normalizeProduct, type NormalizeResult } from '../miniprogram/domain/normalize';
import { nextStatus } from '../miniprogram/domain/order-state';
import { priceOrder, quoteOrder, type PricingResult } from '../miniprogram/domain/pricing';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { attributionWindowFrom, checkoutConfigFrom, checkoutConfigRead, paymentWindowFrom } from './config';
import { COLLECTIONS, getDoc, isDuplicate, txGet, withTransaction } from './db';
import { cursorAfter, fetchAfter, readCursor, type KeysetSort } from './cursor';
import { AppError, invalid, invalidState } from './errors';
import { fingerprint, orderIdFor } from './ids';
import { applyTransitionCas, asOrder, loadOwnOrder, requireTransition, toView } from './order-store';
import { cancelUnpaidOrder, releaseUnpaidOrder } from './payments';
import { checkText, SEC_SCENE } from './content-security';
import { createCheckoutOrderTx, createHeldOrder, type OrderDraft, type PricedOrder } from './order-document';
import { shippingContext, templateFrom } from './shipping';
import { byProduct, rawSkus, reserveTx, revisionOf } from './stock-ledger';
import { dropHolds, holdable, holdsOf, HOLD_WRITE_BY_MS, returnHold, takeHold } from './stock-holds';
import { loadPricedProducts } from './products';
import { readSalesTx, refuseFlashLine, refuseFlashLines, salesByLine } from './flash-sales';
import { claimUnitsTx, heldUnitsTx } from './flash-limit';
import { allotmentKey } from './allotment';
import { flashPhase, resolveUnitPrices, type FlashSale } from '../miniprogram/domain/flash-sale';
import { accepted, refusal, unifiedOrder } from './wxpay';
import { creditedScan, latestScanRead } from './attribution';
import { couponLines, offersFor, useCouponTx } from './coupons';
import { PICKUP_SHIPPING, pickupForOrder } from './stores';
import { presentOrder, presentOrders } from './order-presenter';

type CreateRequest = ActionRequest<'orders', 'create'>;

/** Budget for stock-reservation retries under contention: well inside the function's 30 s timeout. */
const CREATE_RETRY_BUDGET_MS = 12_000;
/**
 * Longest wait between checkout attempts. A lost attempt lost to a checkout that commits within a call
 * or two, so waiting longer only leaves the product idle while the waiting function holds its instance.
 */
const CREATE_BACKOFF_CAP_MS = 200;

/** Adds the product document's own problems to INVALID_PRODUCT lines, so the refusal says what is wrong. */
function withProductProblems<T extends { productId: string; problems: { code: string }[]; productProblems?: unknown }>(
  item: T,
  lookup: (productId: string) => NormalizeResult | undefined,
): T {
  const product = lookup(item.productId);
  if (product && !product.ok && item.problems.some((p) => p.code === 'INVALID_PRODUCT')) {
    return { ...item, productProblems: product.problems };
  }
  return item;
}

/** Maps a refused pricing to the API error the contract names. Throws. */
function refuse(result: Exclude<PricingResult, { ok: true }>, lookup: (productId: string) => NormalizeResult | undefined): never {
  switch (result.reason) {
    case 'EMPTY':
      throw invalid('订单中没有商品');
    case 'TOO_MANY_LINES':
      throw invalid('订单中商品种类过多');
    case 'DUPLICATE_LINE':
      throw invalid('同一商品规格重复出现', undefined, { detail: 'lines has the same productId/skuId twice', issues: [{ path: 'lines', problem: 'has the same productId/skuId twice' }] });
    case 'PRICE_CHANGED':
      throw new AppError('PRICE_CHANGED', '商品价格有变动，请确认后重新提交', result.changes);
    case 'LINE_PROBLEMS': {
      const failures: LineFailure[] = result.failures.map((f) => withProductProblems(f, lookup));
      if (result.outOfStock) throw new AppError('OUT_OF_STOCK', '库存不足', failures);
      throw invalid('部分商品无法购买', failures);
    }
  }
}

function orderFingerprint(req: CreateRequest): string {
  return fingerprint({
    lines: req.lines.map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty, expectedPrice: l.expectedPrice ?? null })),
    address: req.address,
    remark: req.remark ?? '',
    // Only when one is used, so the fingerprints of orders without a coupon stay what they were.
    ...(req.couponId ? { couponId: req.couponId } : {}),
    ...(req.pickup ? { pickup: req.pickup } : {}),
    // No client attribution: the server decides it, and a retry must not conflict over it.
  });
}

/**
 * A retry of a checkout that went through: answers the order as it is now (it may have been paid or
 * cancelled since), not as it was created: `record.current` when the order was just read with it,
 * else read by `read`.
 */
async function replay(record: AnyDoc, expectedFingerprint: string, read: (id: string) => Promise<AnyDoc | null>): Promise<{ order: OrderView }> {
  if (record.fingerprint !== expectedFingerprint) {
    throw new AppError('CONFLICT', '该请求编号已用于另一笔不同的订单', { requestId: record.requestId });
  }
  const stored = record.response as { order: OrderView };
  const current = asOrder((record.current as AnyDoc | undefined) ?? (await read(String(record.orderId ?? stored.order._id))));
  return current ? { order: toView(current as unknown as AnyDoc) } : stored;
}

const readOrder = (id: string) => getDoc(COLLECTIONS.orders, id);

/**
 * What answers a retry of a checkout written under its id, as `replay` reads it: the order itself, which
 * carries the request's fingerprint; for an order written before orders carried it, its idempotency
 * record. Null when there is no order: nothing went through (a record is only ever meant with its order).
 */
async function writtenAnswer(order: AnyDoc | null, readRecord: () => Promise<AnyDoc | null>): Promise<AnyDoc | null> {
  if (!order) return null;
  if (typeof order.requestFingerprint === 'string') {
    return { fingerprint: order.requestFingerprint, requestId: order.requestId, orderId: order._id, response: { order: toView(order) }, current: order };
  }
  return readRecord();
}

/** The same, read now (a refusal that a concurrent retry of this checkout may explain). */
const writtenCheckout = async (orderId: string) => writtenAnswer(await readOrder(orderId), () => getDoc(COLLECTIONS.idempotency, orderId));

/**
 * Creates an order: prices it from the current product documents, reserves every line's stock and
 * writes the order (which answers a retry of the request). Plain lines (no flash sale, no coupon) hold their units
 * with one conditional update per product and then write the order (server/stock-holds.ts); the others
 * do it all in one transaction (all or nothing).
 */
export async function create(openid: string, req: CreateRequest): Promise<ActionResponse<'orders', 'create'>> {
  const orderId = orderIdFor(openid, req.requestId);
  const print = orderFingerprint(req);
  const productIds = [...new Set(req.lines.map((l) => l.productId))].sort();

  // One request reads what a checkout needs before it writes: the products with their flash sales, this
  // request's order (a retry of a checkout that went through answers from it), the settings and the
  // shopper's latest scan. Not trusted for the writes: the hold's condition and the transaction check again.
  const read = await loadPricedProducts(productIds, {
    placed: { from: COLLECTIONS.orders, pipeline: db().command.aggregate.pipeline().match({ _id: orderId }).done() },
    config: checkoutConfigRead(),
    scan: latestScanRead(openid),
  });
  // No product, no row to join to: the lines are refused below, and a retry's order is read alone.
  const joined = read.alongside ?? { placed: [], config: [], scan: [] };
  const written = read.alongside ? await writtenAnswer(joined.placed[0] ?? null, () => getDoc(COLLECTIONS.idempotency, orderId)) : await writtenCheckout(orderId);
  if (written) return replay(written, print, readOrder);
  const lineKeys = new Set(req.lines.map((l) => allotmentKey(l.productId, l.skuId)));
  const flashSales = salesByLine(read.sales.filter((sale) => lineKeys.has(allotmentKey(sale.productId, sale.skuId))));
  try {
    await refuseFlashLines(openid, req.lines, flashSales);
  } catch (error) {
    return replayIfRaced(error, orderId, print);
  }
  const at0 = now();
  const byHold = !req.couponId && [...flashSales.values()].every((sale) => flashPhase(sale, at0) === 'ended') && productIds.every((id) => holdable(read.raw.get(id) ?? null));
  // A retry of this very checkout may hold units already (and so see them gone): priced as if it did not.
  const snapshot = byHold ? withoutOwnHolds(read.products, read.raw, orderId) : read.products;
  const early = priceOrder(req.lines, (id) => snapshot.get(id));
  if (!early.ok) {
    // In a transaction the reservation and the order commit together, so a concurrent retry that took
    // the last units has its order now; a hold-taking retry shows in the products read (above).
    if (!byHold) {
      const raced = await writtenCheckout(orderId);
      if (raced) return replay(raced, print, readOrder);
    }
    refuse(early, (id) => snapshot.get(id));
  }

  const [remarkChecked, pickupChosen] = await Promise.allSettled([
    // The merchant reads the remark: it passes WeChat's content check before anything is written.
    checkText(openid, req.remark ?? '', SEC_SCENE.comment, { path: 'remark', label: '备注' }),
    // Store pickup: the store is the server's choice (./stores.ts), the address who collects it there.
    req.pickup ? pickupForOrder(openid, req.pickup) : Promise.resolve(null),
  ]);
  let pickup: Awaited<ReturnType<typeof pickupForOrder>> | null;
  let address: CreateRequest['address'];
  try {
    settled(remarkChecked);
    pickup = settled(pickupChosen);
    address = pickup ? pickup.address : req.address;
    if (!address) throw invalid('请填写收货地址', undefined, { detail: 'address is required unless pickup is asked', issues: [{ path: 'address', problem: 'is required' }] });
  } catch (error) {
    // A retry of a checkout that went through answers with its order, whatever its remark or store says now.
    const recorded = await writtenCheckout(orderId);
    if (recorded) return replay(recorded, print, readOrder);
    throw error;
  }
  // Where the order came from is the server's record (the shopper's latest scan), never the request's `attribution`.
  const settings = checkoutConfigFrom(joined.config);
  const window = paymentWindowFrom(settings.orders);
  const origin = creditedScan(openid, joined.scan[0] ?? null, now(), attributionWindowFrom(settings.orders));
  // A pickup order pays no shipping; otherwise the request has an address (events.ts addressUnlessPickup).
  const shipping = req.pickup ? PICKUP_SHIPPING : { template: templateFrom(settings.shipping), province: req.address?.province ?? '' };

  if (byHold) {
    const draft = (priced: PricedOrder, at: number): OrderDraft => ({ orderId, openid, requestId: req.requestId, priced, address, remark: req.remark ?? '', attribution: origin, expireAt: at + window, pickup: pickup?.pickup });
    return createByHold({ orderId, print, lines: req.lines, productIds, raw: read.raw, snapshot, shipping, draft });
  }

  type Priced = Extract<PricingResult, { ok: true }>;
  const write = (tx: TxCollections, priced: Priced, at: number, coupon?: OrderCoupon) =>
    createCheckoutOrderTx(
      tx,
      { orderId, openid, requestId: req.requestId, priced, address, remark: req.remark ?? '', attribution: origin, expireAt: at + window, coupon, pickup: pickup?.pickup },
      at,
      print,
    );

  try {
    return await withTransaction(
      async (tx) => {
        // CloudBase transactions read a snapshot taken at their first operation, and a write to a document
        // someone changed after it fails (first writer wins); a written document stays locked until commit.
        // So: the shared documents' reads at once (the snapshot), their writes right after, then this
        // checkout's own documents together with the read of its order, then commit
        // (docs/reference/cloudbase-transactions.md). An attempt that loses the product costs three calls.
        const [docs, flashRead] = await Promise.all([Promise.all(productIds.map((productId) => txGet(tx, COLLECTIONS.products, productId))), readFlashTx(tx, openid, flashSales)]);
        const raw = new Map<string, AnyDoc>();
        const normalized = new Map<string, NormalizeResult>();
        productIds.forEach((productId, i) => {
          const doc = docs[i];
          if (!doc) return;
          raw.set(productId, doc);
          normalized.set(productId, normalizeProduct(doc));
        });
        const flash = flashLines(tx, openid, req.lines, flashRead, normalized);
        const priced = priceOrder(req.lines, (id) => normalized.get(id), shipping);
        if (!priced.ok) refuse(priced, (id) => normalized.get(id));

        // The shared documents first (a conflict there ends the attempt before anything else is sent),
        // then this checkout's own documents in one round with the stock moves.
        const at = now();
        const tagged = flash.tag(priced);
        let response!: { order: OrderView };
        const own = async () => {
          const [existing, written] = await Promise.all([
            // A retry of this very checkout written before this snapshot (in a transaction or by hold): its
            // order is there, and this attempt rolls back (its writes were only buffered) and answers as that
            // one did. One that commits later makes this attempt's write of the same order conflict.
            txGet(tx, COLLECTIONS.orders, orderId).then((order) => writtenAnswer(order, () => txGet(tx, COLLECTIONS.idempotency, orderId))),
            (async () => {
              if (!req.couponId) return write(tx, tagged, at);
              // The coupon comes off the lines at the prices charged (sale prices already in them).
              const used = await useCouponTx(tx, { openid, couponId: req.couponId, orderId, at }, tagged, (id) => normalized.get(id));
              return write(tx, used.priced, at, used.coupon);
            })(),
            flash.claimTx(),
          ]);
          if (existing) throw new AlreadyCreated(existing);
          response = written;
        };
        await reserveTx(tx, { _id: orderId, lines: req.lines.map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty })) as OrderLine[] }, raw, flash.allotments, own);
        return response;
      },
      { budgetMs: CREATE_RETRY_BUDGET_MS, backoffCapMs: CREATE_BACKOFF_CAP_MS },
    );
  } catch (error) {
    if (error instanceof AlreadyCreated) return replay(error.record, print, readOrder);
    return replayIfRaced(error, orderId, print);
  }
}

interface HoldCheckout {
  orderId: string;
  print: string;
  lines: CreateRequest['lines'];
  productIds: string[];
  /** The products as read (documents) and as priced (normalized, this order's own holds given back). */
  raw: Map<string, AnyDoc>;
  snapshot: Map<string, NormalizeResult>;
  shipping: Parameters<typeof priceOrder>[2];
  draft: (priced: PricedOrder, at: number) => OrderDraft;
}

/** How many times a checkout by hold reads its products again when their content or SKUs changed under it. */
const HOLD_ATTEMPTS = 4;

/**
 * A checkout of plain lines (server/stock-holds.ts): holds every product's units with one conditional
 * update each, against the products as priced; then writes the order, which the stock ledger counts as
 * the reserve moves of its holds.
 * When a hold is refused, what this attempt took goes back, the products are read and priced again
 * (a refusal then is the shopper's answer: stock gone, price changed, product off the shelf).
 */
async function createByHold(c: HoldCheckout): Promise<{ order: OrderView }> {
  let { raw, snapshot } = c;
  const byId = byProduct(c.lines);
  for (let attempt = 1; ; attempt += 1) {
    const priced = priceOrder(c.lines, (id) => snapshot.get(id), c.shipping);
    if (!priced.ok) refuse(priced, (id) => snapshot.get(id));
    const at = now();
    const outcomes = await Promise.all(c.productIds.map((id) => takeHold(id, raw.get(id) as AnyDoc, c.orderId, byId.get(id) ?? [], at)));
    const taken = c.productIds.filter((_id, i) => outcomes[i] === 'taken');
    if (outcomes.every((o) => o !== 'refused')) return writeHeldOrder(c, priced, at, taken, raw);
    await Promise.all(taken.map((id) => returnHold(id, c.orderId)));
    if (attempt >= HOLD_ATTEMPTS) throw new AppError('UNAVAILABLE', '当前购买人数较多，请稍后重试', { reason: 'PRODUCT_CHANGING', attempts: attempt });
    const again = await loadPricedProducts(c.productIds);
    raw = again.raw;
    snapshot = withoutOwnHolds(again.products, raw, c.orderId);
  }
}

/**
 * The write after the holds: the order (create-only), naming the products it holds (`heldStock`: for the
 * ledger, it is their reserve move); then the holds are dropped (settled). Not after HOLD_WRITE_BY_MS (the sweep gives a hold without an order back once it is old enough).
 * When the order exists already (a retry of this checkout wrote it), the holds taken by this call go back
 * and the answer is that order.
 */
async function writeHeldOrder(c: HoldCheckout, priced: PricedOrder, at: number, taken: string[], raw: Map<string, AnyDoc>): Promise<{ order: OrderView }> {
  if (now() - at > HOLD_WRITE_BY_MS) {
    await Promise.all(taken.map((id) => returnHold(id, c.orderId)));
    throw new AppError('UNAVAILABLE', '当前购买人数较多，请稍后重试', { reason: 'HOLD_EXPIRED' });
  }
  const heldStock = c.productIds.map((productId) => ({ productId, revision: revisionOf(raw.get(productId) as AnyDoc) + 1 }));
  try {
    const written = await createHeldOrder({ ...c.draft(priced, at), heldStock }, at, c.print);
    await dropHolds(c.productIds, c.orderId);
    return written;
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    await Promise.all(taken.map((id) => returnHold(id, c.orderId)));
    const existing = await readOrder(c.orderId);
    const recorded = await writtenAnswer(existing, () => getDoc(COLLECTIONS.idempotency, c.orderId));
    if (recorded) return replay(recorded, c.print, readOrder);
    const order = asOrder(existing);
    if (order) return { order: toView(order as unknown as AnyDoc) };
    throw error;
  }
}

/** Normalized products as if `orderId` held nothing (a retry sees its own hold's units as available). */
function withoutOwnHolds(products: Map<string, NormalizeResult>, raw: Map<string, AnyDoc>, orderId: string): Map<string, NormalizeResult> {
  const out = new Map(products);
  for (const [productId, doc] of raw) {
    const hold = holdsOf(doc).get(orderId);
    if (!hold) continue;
    const skus = (rawSkus(doc) ?? []).map((sku) => {
      const mine = hold.skus.find((s) => s.skuId === sku.skuId);
      return mine && typeof sku.stock === 'number' ? { ...sku, stock: sku.stock + mine.qty } : sku;
    });
    const priced = products.get(productId);
    const normalized = normalizeProduct({ ...doc, skus });
    // Flash prices do not apply (a checkout by hold has no active sale); keep the read's otherwise.
    out.set(productId, normalized.ok && priced?.ok ? normalized : (priced ?? normalized));
  }
  return out;
}

/** The value of a settled read, or its error thrown. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * A refusal of the checkout (a flash sale's, or the transaction's: stock gone, price changed, contention):
 * when a retry of this very checkout went through (and so took the shopper's last units, the
 * allotment's or the stock), answer as it did. Rethrows otherwise.
 */
async function replayIfRaced(error: unknown, orderId: string, print: string): Promise<{ order: OrderView }> {
  if (error instanceof AppError) {
    const raced = await writtenCheckout(orderId);
    if (raced) return replay(raced, print, readOrder);
  }
  throw error;
}

interface FlashLines {
  /** Active sales the reservation takes from, by allotmentKey. */
  allotments: Map<string, FlashSale>;
  /** Counts the lines' units against the shopper's limits. */
  claimTx(): Promise<void>;
  /** The priced order with each flash line naming its sale. */
  tag<T extends { lines: OrderLine[] }>(priced: T): T;
}

/** A checkout's flash sales and the shopper's units in them, as its transaction read them. */
interface FlashRead {
  sales: Map<string, FlashSale>;
  /** Units the shopper holds, by saleId. */
  held: Map<string, number>;
}

/**
 * Reads the sales of a checkout's flash lines and the shopper's units in each, inside its transaction,
 * all at once (the counters are read by the sales' ids found before the transaction; a sale that changed
 * meanwhile has its counter read again).
 */
async function readFlashTx(tx: TxCollections, openid: string, candidates: ReadonlyMap<string, FlashSale>): Promise<FlashRead> {
  if (candidates.size === 0) return { sales: new Map(), held: new Map() };
  const saleIds = [...new Set([...candidates.values()].map((sale) => sale.saleId))];
  const [sales, units] = await Promise.all([readSalesTx(tx, candidates), Promise.all(saleIds.map((saleId) => heldUnitsTx(tx, saleId, openid)))]);
  const held = new Map(saleIds.map((saleId, i) => [saleId, units[i]]));
  for (const sale of sales.values()) if (!held.has(sale.saleId)) held.set(sale.saleId, await heldUnitsTx(tx, sale.saleId, openid));
  return { sales, held };
}

/**
 * The unit-price step of a checkout, inside its transaction: refuses (throws) a line a sale will not
 * sell, and prices active sales' SKUs in `normalized` at the sale price (and their allotment as their
 * stock) before the rest of pricing.
 */
function flashLines(tx: TxCollections, openid: string, lines: CreateRequest['lines'], read: FlashRead, normalized: Map<string, NormalizeResult>): FlashLines {
  const allotments = new Map<string, FlashSale>();
  const claims: { sale: FlashSale; held: number; qty: number }[] = [];
  const at = now();
  for (const line of lines) {
    const key = allotmentKey(line.productId, line.skuId);
    const sale = read.sales.get(key);
    if (!sale) continue;
    const active = flashPhase(sale, at) === 'active';
    const held = active ? (read.held.get(sale.saleId) ?? 0) : 0;
    refuseFlashLine(sale, line, held, at);
    if (!active) continue;
    allotments.set(key, sale);
    claims.push({ sale, held, qty: line.qty });
  }
  if (allotments.size > 0) for (const [productId, result] of normalized) normalized.set(productId, resolveUnitPrices(result, [...allotments.values()], at));
  return {
    allotments,
    claimTx: async () => {
      await Promise.all(claims.map((claim) => claimUnitsTx(tx, claim.sale, openid, claim.held, claim.qty)));
    },
    tag: (priced) => ({ ...priced, lines: priced.lines.map((line) => (allotments.has(allotmentKey(line.productId, line.skuId)) ? { ...line, flashSaleId: allotments.get(allotmentKey(line.productId, line.skuId))!.saleId } : line)) }),
  };
}

/** Thrown inside the checkout transaction to roll it back when the request's order already exists. */
class AlreadyCreated extends Error {
  constructor(readonly record: AnyDoc) {
    super('order already created for this requestId');
  }
}

/** Prices lines as `create` would, reserving nothing (the domain's quoteOrder). Lines with problems carry them and are not totalled. */
export async function quote(req: ActionRequest<'orders', 'quote'>, openid = ''): Promise<ActionResponse<'orders', 'quote'>> {
  const { products } = await loadPricedProducts(req.lines.map((l) => l.productId));
  const lookup = (id: string) => products.get(id);
  const shipping = req.fulfilment === 'pickup' ? PICKUP_SHIPPING : await shippingContext(req.province);
  const quoted = quoteOrder(req.lines, lookup, shipping);
  if (!quoted.ok) return refuse(quoted, lookup);
  const lines = quoted.lines.map((line) => stripUndefined(withProductProblems(line, lookup)));
  const base = { ...quoted, freeShippingFrom: shipping.template.freeFrom, lines };
  if (!openid) return base;
  // The shopper's coupons over the lines that can be bought now, at their current prices.
  const billable = quoted.lines.filter((l) => l.currentPrice !== null && l.problems.every((p) => p.code === 'PRICE_CHANGED'));
  const offers = await offersFor(openid, couponLines(billable.map((l) => ({ productId: l.productId, lineTotal: (l.currentPrice as number) * l.qty })), lookup), req.noCoupon ? null : req.couponId);
  const discount = offers.coupon?.discount ?? 0;
  return { ...base, ...offers, discount, total: quoted.total - discount };
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** An order list is newest first; `_id` breaks ties between orders placed in the same millisecond. */
const ORDER_LIST_SORT: KeysetSort = { name: 'orders', field: 'createdAt', direction: 'desc', idDirection: 'desc' };

export async function list(openid: string, req: ActionRequest<'orders', 'list'>): Promise<ActionResponse<'orders', 'list'>> {
  const pageSize = req.pageSize ?? 20;
  const position = readCursor(ORDER_LIST_SORT, req.cursor);
  const where: AnyDoc = { _openid: openid };
  if (req.status !== undefined) where.status = req.status;
  if (req.afterSales) where.afterSales = db().command.exists(true);
  const data = await fetchAfter(COLLECTIONS.orders, where, ORDER_LIST_SORT, position, pageSize + 1);
  const shown = data.slice(0, pageSize);
  const page = shown.filter((doc) => asOrder(doc) && doc._openid === openid);
  const last = shown[shown.length - 1];
  return { orders: await presentOrders(page.map(toView)), nextCursor: data.length > pageSize && last ? cursorAfter(ORDER_LIST_SORT, last) : null };
}

export async function get(openid: string, req: ActionRequest<'orders', 'get'>): Promise<ActionResponse<'orders', 'get'>> {
  return { order: await presentOrder(toView((await loadOwnOrder(openid, req.orderId)) as unknown as AnyDoc)) };
}

/**
 * The shopper cancels an unpaid order. Its WeChat Pay order is closed first; when WeChat Pay reports it
 * paid, the order is paid instead and the shopper is told so (ALREADY_PAID, with the order as it is).
 */
export async function cancel(openid: string, req: ActionRequest<'orders', 'cancel'>): Promise<ActionResponse<'orders', 'cancel'>> {
  const current = await loadOwnOrder(openid, req.orderId);
  const result = await cancelUnpaidOrder(req.orderId, openid, current);
  if (!result.changed && result.order.status === 'paid') {
    const details: AlreadyPaidDetails = { order: await presentOrder(toView(result.order as unknown as AnyDoc)) };
    throw new AppError('ALREADY_PAID', '订单已支付，不能取消。如需退款，请在订单详情中申请售后', details);
  }
  const order = requireTransition(result, '取消');
  return { order: await presentOrder(toView(order as unknown as AnyDoc)) };
}

export async function confirmReceipt(openid: string, req: ActionRequest<'orders', 'confirmReceipt'>): Promise<ActionResponse<'orders', 'confirmReceipt'>> {
  const order = await loadOwnOrder(openid, req.orderId);
  // Compare-and-set: only moves the order if it is still shipped and still this user's.
  if (!(await applyTransitionCas(order, 'confirmReceipt', now(), { owner: openid }))) {
    const latest = await loadOwnOrder(openid, req.orderId);
    throw invalidState('订单当前状态不能确认收货', { status: latest.status });
  }
  return { order: await presentOrder(toView((await loadOwnOrder(openid, req.orderId)) as unknown as AnyDoc)) };
}

function payBody(lines: OrderLine[]): string {
  const first = lines[0]?.title ?? '商品';
  const text = lines.length > 1 ? `${first} 等${lines.length}件商品` : first;
  // WeChat Pay's body is at most 128 bytes.
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > 120) break;
    out += ch;
  }
  return out;
}

/** WeChat Pay wants time_expire as yyyyMMddHHmmss in China time. */
function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

export async function pay(openid: string, req: ActionRequest<'orders', 'pay'>): Promise<ActionResponse<'orders', 'pay'>> {
  const order = await loadOwnOrder(openid, req.orderId);
  if (nextStatus(order.status, 'pay') === null) throw invalidState('订单当前状态不能支付', { status: order.status });
  const at = now();
  if (at >= order.expireAt) {
    // The timer may not have run yet; expire it now so the stock goes back at once.
    await releaseUnpaidOrder(order._id, 'expire', { owner: null, now: at, dueBy: at });
    throw invalidState('订单已超时关闭', { status: 'expired' });
  }
  // Noted before WeChat Pay hears of the order, so a cancel or the expiry sweep that reads the order
  // from now on knows to close (or query) its WeChat Pay order.
  const marked = await db()
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, status: 'pending_payment' })
    .update({ data: { payRequestedAt: at } });
  if (marked.stats.updated !== 1) throw invalidState('订单当前状态不能支付', { status: (await loadOwnOrder(openid, req.orderId)).status });
  let result: Record<string, unknown>;
  try {
    result = await unifiedOrder({
      body: payBody(order.lines),
      outTradeNo: order._id,
      totalFee: order.total,
      timeExpire: chinaTime(Math.max(order.expireAt, at + 60_000)),
    });
  } catch (error) {
    console.error(`[orders.pay] unifiedOrder failed for ${order._id}`, error);
    throw new AppError('UNAVAILABLE', '支付暂不可用，请稍后重试');
  }
  const payment = result.payment as Partial<PaymentParams> | undefined;
  if (!accepted(result) || !payment || typeof payment.package !== 'string') {
    console.error(`[orders.pay] unifiedOrder refused ${order._id}`, JSON.stringify(result));
    throw new AppError('UNAVAILABLE', '支付暂不可用，请稍后重试', { reason: refusal(result) });
  }
  // Cancelled or expired while WeChat Pay was asked: the shopper gets no payment parameters, so this
  // prepay cannot be paid (and it lapses at its time_expire).
  const after = await loadOwnOrder(openid, req.orderId);
  if (after.status !== 'pending_payment') throw invalidState('订单当前状态不能支付', { status: after.status });
  return {
    orderId: order._id,
    payment: {
      timeStamp: String(payment.timeStamp ?? ''),
      nonceStr: String(payment.nonceStr ?? ''),
      package: payment.package,
      signType: (payment.signType as PaymentParams['signType']) ?? 'MD5',
      paySign: String(payment.paySign ?? ''),
    },
  };
}

