/**
 * Checkout holds: the stock ledger's way of reserving units without a transaction, for a checkout whose
 * lines are plain (no flash sale, no coupon). One conditional update per product takes the units
 * (stock → reserved, with `sales` and `revision`) only while there are enough and the product's content
 * is the one the checkout priced, and records a hold under the order's id in the same update:
 * `holds: [{ o: orderId, at, skus: [{ skuId, qty }] }]`. So a rush contends for nothing but that one
 * update (as a bare conditional update does), and nothing is locked while the order is written.
 *
 * A hold is what makes this safe without a transaction. The checkout then writes its order (create-only;
 * it answers the request's retries) naming the products it holds (`heldStock`): for the ledger that
 * order is the reserve move of its lines of those products, so no move document is written on the way.
 * It gives up writing the order once HOLD_WRITE_BY_MS have passed since the hold, and drops its hold
 * once the order is written (a product's holds are those of checkouts in flight). The sweep
 * (`settleHolds`, on the orders function's every-minute timer) ends the holds of checkouts that died:
 * one whose order exists is dropped; one without an order older than HOLD_LEASE_MS (ten times
 * HOLD_WRITE_BY_MS, so no checkout is still about to write it) gives its units back. Until then the
 * ledger check counts a hold without its order as its reserve move.
 *
 * Orders written before orders named their holds had a reserve move of their own (`holdMoveId`); the
 * sweep still writes it for such an order's hold, and records the units coming back for such a move
 * whose order never came.
 */
import type { OrderLine } from '../typings/domain';
import type { HeldProduct } from './order-store';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, PAGE } from './db';
import { digestId } from './ids';
import { byProduct, rawSkus, skuFigures, skuIndex, writeMove, type StockMove } from './stock-ledger';

export interface HoldSku {
  skuId: string;
  qty: number;
}

export interface Hold {
  /** The order the units are held for. */
  o: string;
  /** When the hold was taken (the cloud's clock). */
  at: number;
  skus: HoldSku[];
}

export const HOLDS_FIELD = 'holds';

/** A checkout that took its hold longer ago than this no longer writes its order (it answers UNAVAILABLE). */
export const HOLD_WRITE_BY_MS = 30_000;

/** A hold without an order is given back once it is this old: no checkout can write its order any more. */
export const HOLD_LEASE_MS = 5 * 60_000;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function asHold(raw: unknown): Hold | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const h = raw as AnyDoc;
  if (typeof h.o !== 'string' || typeof h.at !== 'number' || !Array.isArray(h.skus)) return null;
  const skus = (h.skus as unknown[]).filter((s): s is HoldSku => typeof s === 'object' && s !== null && typeof (s as AnyDoc).skuId === 'string' && isCount((s as AnyDoc).qty));
  return { o: h.o, at: h.at, skus };
}

/** The holds on a product document, by order id. */
export function holdsOf(product: AnyDoc | null): Map<string, Hold> {
  const holds = new Map<string, Hold>();
  if (!product || !Array.isArray(product[HOLDS_FIELD])) return holds;
  for (const raw of product[HOLDS_FIELD] as unknown[]) {
    const hold = asHold(raw);
    if (hold) holds.set(hold.o, hold);
  }
  return holds;
}

/**
 * True when a checkout can take this product's units with a hold: the ledger has opened it (it has a
 * revision), every SKU's figures are whole numbers and its holds are well formed. Otherwise the
 * checkout's transaction takes them (and opens the ledger, or refuses the broken figures).
 */
export function holdable(product: AnyDoc | null): boolean {
  if (!product || !isCount(product.revision)) return false;
  const skus = rawSkus(product);
  if (!skus || !skus.every((sku) => skuFigures(sku) !== null)) return false;
  const raw = product[HOLDS_FIELD];
  return raw === undefined || (Array.isArray(raw) && raw.every((h) => asHold(h) !== null));
}

/** The id of the reserve move of an order's hold on a product (written, or the order standing for it). */
export function holdMoveId(orderId: string, productId: string): string {
  return `M${digestId(`hold\u0000${orderId}\u0000${productId}`, 20)}`;
}

/** The reserve move a hold stands for. `revision`: the product's revision the checkout priced, plus one. */
function holdMove(productId: string, hold: Hold, revision: number): StockMove {
  return {
    _id: holdMoveId(hold.o, productId),
    productId,
    reason: 'reserve',
    orderId: hold.o,
    skus: hold.skus.map((s) => ({ skuId: s.skuId, stock: -s.qty, reserved: s.qty, sold: 0 })),
    revision,
    at: hold.at,
  };
}

/** The move of a hold given back after its reserve move was written (its order never was). */
function giveBackMove(productId: string, hold: Hold, revision: number): StockMove {
  return {
    _id: `M${digestId(`hold-back\u0000${hold.o}\u0000${productId}`, 20)}`,
    productId,
    reason: 'release',
    orderId: hold.o,
    skus: hold.skus.map((s) => ({ skuId: s.skuId, stock: s.qty, reserved: -s.qty, sold: 0 })),
    revision: revision + 1,
    at: now(),
  };
}

export type HoldOutcome = 'taken' | 'held' | 'refused';

/**
 * Takes the units of `lines` (one product's) for `orderId` in one conditional update, against the
 * product as the checkout read and priced it (`product`). `taken`: done now; `held`: this order
 * already holds them (a retry); `refused`: the update matched nothing (too few units, the product
 * edited, or its SKUs reordered since the read): the caller reads it again and decides.
 */
export async function takeHold(productId: string, product: AnyDoc, orderId: string, lines: readonly HoldSku[], at: number): Promise<HoldOutcome> {
  const _ = db().command;
  const skus = rawSkus(product) ?? [];
  const where: AnyDoc = { _id: productId, 'holds.o': _.neq(orderId), contentRevision: product.contentRevision === undefined ? _.exists(false) : product.contentRevision };
  const data: AnyDoc = { revision: _.inc(1), sales: _.inc(lines.reduce((n, l) => n + l.qty, 0)), [HOLDS_FIELD]: _.push([{ o: orderId, at, skus: lines.map((l) => ({ skuId: l.skuId, qty: l.qty })) }]) };
  for (const line of lines) {
    const index = skuIndex(skus, line.skuId);
    if (index < 0) return 'refused';
    where[`skus.${index}.skuId`] = line.skuId;
    where[`skus.${index}.stock`] = _.gte(line.qty);
    data[`skus.${index}.stock`] = _.inc(-line.qty);
    data[`skus.${index}.reserved`] = _.inc(line.qty);
  }
  const { stats } = await db().collection(COLLECTIONS.products).where(where).update({ data });
  if (stats.updated === 1) return 'taken';
  return holdsOf(await getDoc(COLLECTIONS.products, productId)).has(orderId) ? 'held' : 'refused';
}

/**
 * Drops an order's holds once its order is written (they are settled): so a product's holds
 * are only those of checkouts in flight, and every checkout's read of it stays small. A failure is left
 * to the sweep (the order is written; its hold is dropped the next minute).
 */
export async function dropHolds(productIds: readonly string[], orderId: string): Promise<void> {
  await Promise.all(
    productIds.map((productId) =>
      db()
        .collection(COLLECTIONS.products)
        .doc(productId)
        .update({ data: { [HOLDS_FIELD]: db().command.pull({ o: orderId }) } })
        .catch((error: unknown) => console.warn(`[holds] order ${orderId}: hold on ${productId} left to the sweep`, (error as Error)?.message ?? error)),
    ),
  );
}

/**
 * Gives an order's held units back (the order was never written): one conditional update that also
 * drops the hold, so they come back once. Re-reads and retries when the SKUs moved meanwhile. False
 * when there is no such hold (given back already, or never taken).
 */
export async function returnHold(productId: string, orderId: string): Promise<boolean> {
  const _ = db().command;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const product = await getDoc(COLLECTIONS.products, productId);
    const hold = holdsOf(product).get(orderId);
    if (!product || !hold) return false;
    const skus = rawSkus(product) ?? [];
    const where: AnyDoc = { _id: productId, 'holds.o': orderId };
    const data: AnyDoc = { revision: _.inc(1), sales: _.inc(-hold.skus.reduce((n, s) => n + s.qty, 0)), [HOLDS_FIELD]: _.pull({ o: orderId }) };
    for (const sku of hold.skus) {
      const index = skuIndex(skus, sku.skuId);
      // A SKU removed since (refused while units are reserved, so only by a hand edit): nothing to give back to.
      if (index < 0) continue;
      const reserved = skuFigures(skus[index])?.reserved ?? 0;
      const back = Math.min(sku.qty, reserved);
      where[`skus.${index}.skuId`] = sku.skuId;
      where[`skus.${index}.reserved`] = _.gte(back);
      if (back > 0) {
        data[`skus.${index}.stock`] = _.inc(back);
        data[`skus.${index}.reserved`] = _.inc(-back);
      }
    }
    const { stats } = await db().collection(COLLECTIONS.products).where(where).update({ data });
    if (stats.updated === 1) return true;
  }
  throw new Error(`hold of order ${orderId} on product ${productId} not given back: the product kept changing`);
}

export interface HoldSweepSummary {
  /** Holds whose order exists: dropped. */
  settled: number;
  /** Holds without an order past the lease: units given back. */
  returned: number;
  /** Holds without an order, still inside the lease. */
  waiting: number;
  failed: number;
}

/**
 * The sweep of holds (the orders function's every-minute timer): see the module comment. Products with
 * holds are found by the holds' time (an index on `holds.at`), oldest first.
 */
export async function settleHolds(budgetMs: number): Promise<HoldSweepSummary> {
  const started = now();
  const summary: HoldSweepSummary = { settled: 0, returned: 0, waiting: 0, failed: 0 };
  const _ = db().command;
  let after = '';
  while (now() - started < budgetMs) {
    const { data } = await db()
      .collection(COLLECTIONS.products)
      .where({ 'holds.at': _.lte(now()), _id: _.gt(after) })
      .orderBy('_id', 'asc')
      .limit(100)
      .get();
    for (const product of data) {
      const productId = String(product._id);
      try {
        await settleProduct(productId, product, summary);
      } catch (error) {
        summary.failed += 1;
        console.error(`[holds] product ${productId}: holds not settled this run`, error);
      }
    }
    if (data.length < 100) break;
    after = String(data[data.length - 1]._id);
  }
  if (summary.settled + summary.returned + summary.failed > 0) console.log(`[holds] ${JSON.stringify(summary)}`);
  return summary;
}

async function settleProduct(productId: string, product: AnyDoc, summary: HoldSweepSummary): Promise<void> {
  const holds = [...holdsOf(product).values()];
  if (holds.length === 0) return;
  const _ = db().command;
  const ids = holds.map((h) => h.o);
  const [{ data: orders }, { data: moves }] = await Promise.all([
    db().collection(COLLECTIONS.orders).where({ _id: _.in(ids) }).field({ _id: true, heldStock: true }).limit(ids.length).get(),
    db().collection(COLLECTIONS.stockMoves).where({ _id: _.in(ids.map((o) => holdMoveId(o, productId))) }).field({ _id: true }).limit(ids.length).get(),
  ]);
  const ordered = new Map(orders.map((o) => [String(o._id), o]));
  const moved = new Set(moves.map((m) => String(m._id)));
  const settled: string[] = [];
  const revision = isCount(product.revision) ? product.revision : 0;
  for (const hold of holds) {
    const order = ordered.get(hold.o);
    if (order) {
      // An order that does not name its holds (written before orders did) had a move of its own, which
      // the checkout may have died before writing: written now (same id, same figures).
      if (!namesHold(order, productId) && !moved.has(holdMoveId(hold.o, productId))) await writeMove(db(), holdMove(productId, hold, revision));
      settled.push(hold.o);
    } else if (now() - hold.at >= HOLD_LEASE_MS) {
      // Its move went out but its order never did: the units coming back get their move first (an id of
      // its own, so a sweep that dies here writes the same one again).
      if (moved.has(holdMoveId(hold.o, productId))) await writeMove(db(), giveBackMove(productId, hold, revision));
      if (await returnHold(productId, hold.o)) summary.returned += 1;
    } else {
      summary.waiting += 1;
    }
  }
  if (settled.length === 0) return;
  await db().collection(COLLECTIONS.products).doc(productId).update({ data: { [HOLDS_FIELD]: _.pull({ o: _.in(settled) }) } });
  summary.settled += settled.length;
}

/** The products an order by hold names as held, with their revisions (malformed entries left out). */
function heldProducts(order: AnyDoc): HeldProduct[] {
  if (!Array.isArray(order.heldStock)) return [];
  return (order.heldStock as unknown[]).filter((h): h is HeldProduct => typeof h === 'object' && h !== null && typeof (h as AnyDoc).productId === 'string' && isCount((h as AnyDoc).revision));
}

const namesHold = (order: AnyDoc, productId: string) => heldProducts(order).some((h) => h.productId === productId);

/**
 * The reserve moves an order by hold stands for: one per product it names in `heldStock`, with its lines
 * of that product, under the id the hold's move would have (so a hold is never counted twice).
 */
export function heldOrderMoves(order: AnyDoc): StockMove[] {
  if (typeof order._id !== 'string' || !Array.isArray(order.lines)) return [];
  const lines = byProduct((order.lines as unknown[]).filter((l): l is OrderLine => typeof l === 'object' && l !== null && typeof (l as AnyDoc).productId === 'string' && typeof (l as AnyDoc).skuId === 'string' && isCount((l as AnyDoc).qty)));
  const at = typeof order.createdAt === 'number' ? order.createdAt : 0;
  return heldProducts(order).flatMap((held) => {
    const skus = lines.get(held.productId);
    return skus ? [holdMove(held.productId, { o: order._id as string, at, skus }, held.revision)] : [];
  });
}

/**
 * The reserve moves of the orders by hold of these products (see heldOrderMoves), only for these products;
 * `afterRevision`: only orders holding at a later revision (the query narrows, the caller still checks
 * each move's revision: an order holding several products matches on any of them).
 */
export async function heldOrderMovesOf(productIds: readonly string[], afterRevision?: number): Promise<StockMove[]> {
  const wanted = new Set(productIds);
  const moves: StockMove[] = [];
  const _ = db().command;
  for (let i = 0; i < productIds.length; i += 100) {
    let after = '';
    for (;;) {
      const where: AnyDoc = { 'heldStock.productId': _.in(productIds.slice(i, i + 100)), _id: _.gt(after) };
      if (afterRevision !== undefined) where['heldStock.revision'] = _.gt(afterRevision);
      const { data } = await db()
        .collection(COLLECTIONS.orders)
        .where(where)
        .field({ _id: true, lines: true, heldStock: true, createdAt: true })
        .orderBy('_id', 'asc')
        .limit(PAGE)
        .get();
      for (const order of data) moves.push(...heldOrderMoves(order).filter((m) => wanted.has(m.productId)));
      if (data.length < PAGE) break;
      after = String(data[data.length - 1]._id);
    }
  }
  return moves;
}

/**
 * The moves the ledger check adds for holds whose order is not written yet (a checkout between its hold
 * and its order, or one that died there), given the ids of the moves written or stood for by orders.
 */
export function pendingHoldMoves(products: readonly AnyDoc[], writtenMoveIds: ReadonlySet<string>): StockMove[] {
  const pending: StockMove[] = [];
  for (const product of products) {
    const productId = String(product._id);
    for (const hold of holdsOf(product).values()) {
      if (!writtenMoveIds.has(holdMoveId(hold.o, productId))) pending.push(holdMove(productId, hold, 0));
    }
  }
  return pending;
}
