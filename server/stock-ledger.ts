/**
 * The stock ledger: the only writer of a SKU's `stock` (sellable), `reserved` (held by unpaid orders)
 * and `sold` (paid) and of the product's `revision`.
 *
 * Every change is made by increments, inside the caller's transaction, together with one `stock_moves`
 * entry that says why (reason, the order or the merchant, the deltas per SKU). So for every SKU
 * stock + reserved + sold equals the sum of its moves, unless someone edits the document by hand; the
 * ledger check finds such SKUs.
 *
 * A flash sale's allotment is a fourth bucket, `allotted`, kept on the sale's document (server/allotment.ts)
 * rather than the product's: moves record its deltas beside the product's, so for every SKU
 * stock + reserved + sold + allotted equals the sum of its moves.
 *
 * A checkout whose lines are plain takes its units without a transaction: one conditional update that
 * also records a hold on the product (server/stock-holds.ts, the ledger's other writer of stock and
 * reserved). Its order, written right after and naming the products it holds (`heldStock`), is that
 * reserve move: the ledger reads such orders beside `stock_moves`, and counts a hold whose order is not
 * written yet as its move.
 *
 * A product written before the ledger existed has no `revision` (and may lack `reserved`/`sold`, read as
 * 0). The first ledger write to it records an `open` move with the figures it found, so the sum holds
 * from then on. A move records the deltas actually applied: releasing or selling units that an order
 * reserved before the ledger existed finds less `reserved` than the order holds and takes only what is
 * there, so no figure goes negative and the sum still holds.
 */
import type { Order, OrderLine } from '../typings/domain';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { COLLECTIONS, txGet, withTransaction } from './db';
import { AppError, notFound } from './errors';
import { randomId } from './ids';
import { allotmentKey, NO_ALLOTMENTS, returnToAllotmentTx, takeAllotmentTx, type Allotments } from './allotment';
import { asFlashSale } from '../miniprogram/domain/flash-sale';
import { heldOrderMovesOf, HOLDS_FIELD, holdsOf, pendingHoldMoves } from './stock-holds';

export const STOCK_MOVES = COLLECTIONS.stockMoves;

export type StockField = 'stock' | 'reserved' | 'sold';
export const STOCK_FIELDS: readonly StockField[] = ['stock', 'reserved', 'sold'];

export type SkuFigures = Record<StockField, number>;

/**
 * Why stock moved. `reserve`: a checkout holds units; `release`: a cancelled or expired order gives them
 * back; `sell`: a payment turns held units into sold ones; `restock`: units a refund returned to the shelf;
 * `adjust`: a merchant's delta; `open`: the figures a SKU had when the ledger first saw it (or a new SKU's
 * starting stock); `remove`: a SKU taken out of its product; `correct`: a merchant accepting the figures a
 * hand edit left; `allot`: stock carved out for a flash sale (stock → allotted); `unallot`: what was left of
 * it when the sale ended (allotted → stock). A flash order's `reserve` takes from allotted, and its
 * `release` during the sale gives back to it.
 */
export type MoveReason = 'open' | 'reserve' | 'release' | 'sell' | 'restock' | 'adjust' | 'remove' | 'correct' | 'allot' | 'unallot';

export interface MoveSource {
  reason: MoveReason;
  orderId?: string;
  /** Who asked, for merchant moves: a merchant OPENID, or `server` for the environment's credentials. */
  merchant?: string;
  /** The merchant's words (an adjustment's reason). */
  note?: string;
}

/** `allotted` is the flash-sale allotment's change: written to the sale's document by the caller, recorded here. */
export type SkuDelta = { skuId: string } & Partial<SkuFigures> & { allotted?: number };

type MovedSku = { skuId: string } & SkuFigures & { allotted?: number };

export interface StockMove extends MoveSource {
  _id: string;
  productId: string;
  skus: MovedSku[];
  /** The product's revision after this move. */
  revision: number;
  at: number;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A raw SKU's figures; a missing `reserved`/`sold` is 0. Null when `stock` itself is not a count. */
export function skuFigures(raw: unknown): SkuFigures | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const sku = raw as AnyDoc;
  if (!isCount(sku.stock)) return null;
  const reserved = sku.reserved ?? 0;
  const sold = sku.sold ?? 0;
  if (!isCount(reserved) || !isCount(sold)) return null;
  return { stock: sku.stock, reserved, sold };
}

export function rawSkus(product: AnyDoc | null): AnyDoc[] | null {
  return product && Array.isArray(product.skus) ? (product.skus as AnyDoc[]) : null;
}

export function skuIndex(skus: readonly AnyDoc[], skuId: string): number {
  return skus.findIndex((sku) => typeof sku === 'object' && sku !== null && sku.skuId === skuId);
}

export function revisionOf(product: AnyDoc): number {
  return isCount(product.revision) ? product.revision : 0;
}

export interface MoveResult {
  /** The deltas written, per SKU (only SKUs that moved). */
  applied: MovedSku[];
  /** SKUs not in the product (deleted since): nothing moved for them. */
  missing: string[];
  revision: number;
}

interface MoveOptions {
  /** The product as this transaction read it (saves a read). */
  product?: AnyDoc | null;
  /** Change of the product's `sales` counter (the "sales" sort). */
  sales?: number;
  /** Other product fields to write in the same update (a product save). */
  set?: AnyDoc;
  /** Refuse (OUT_OF_STOCK) instead of clamping when a decrement would take a figure below 0. */
  strict?: boolean;
  /** The move's id, when the caller needs it idempotent; otherwise a random one. */
  moveId?: string;
}

/** What one product's ledger write is (no I/O): the product's update (null: nothing to write) and the moves to record. */
interface PlannedMove {
  productId: string;
  data: AnyDoc | null;
  moves: StockMove[];
  result: MoveResult;
}

/**
 * Plans deltas to SKUs of one product (as the caller's transaction read it) and its moves. A product
 * that does not exist is NOT_FOUND. Decrements are clamped at the figure present (see the module
 * comment) unless `strict`, which refuses them. Nothing to write when nothing moves and there is
 * nothing else to set.
 */
function planMove(productId: string, product: AnyDoc | null, deltas: readonly SkuDelta[], source: MoveSource, options: MoveOptions): PlannedMove {
  const skus = rawSkus(product);
  if (!product || !skus) throw notFound('商品不存在', { productId });
  const _ = db().command;
  const at = now();
  const data: AnyDoc = { ...(options.set ?? {}) };
  const applied: MoveResult['applied'] = [];
  const missing: string[] = [];
  for (const delta of deltas) {
    const index = skuIndex(skus, delta.skuId);
    const figures = index < 0 ? null : skuFigures(skus[index]);
    if (index < 0) {
      missing.push(delta.skuId);
      continue;
    }
    if (!figures) throw new AppError('INVALID_STATE', '商品库存数据有误，请先修正商品', { productId, skuId: delta.skuId, detail: 'stock/reserved/sold are not whole numbers ≥ 0' });
    const moved: MovedSku = { skuId: delta.skuId, stock: 0, reserved: 0, sold: 0 };
    for (const field of STOCK_FIELDS) {
      const wanted = delta[field] ?? 0;
      if (wanted === 0) continue;
      if (figures[field] + wanted < 0 && options.strict) {
        throw new AppError('OUT_OF_STOCK', '库存不足', { productId, skuId: delta.skuId, field, have: figures[field], delta: wanted });
      }
      moved[field] = Math.max(wanted, -figures[field]);
      if (moved[field] !== 0) data[`skus.${index}.${field}`] = _.inc(moved[field]);
    }
    if (delta.allotted) moved.allotted = delta.allotted;
    if (moved.stock !== 0 || moved.reserved !== 0 || moved.sold !== 0 || moved.allotted) applied.push(moved);
  }
  const opening = product.revision === undefined || product.revision === null;
  if (applied.length === 0 && !options.set && !opening) return { productId, data: null, moves: [], result: { applied, missing, revision: revisionOf(product) } };
  const revision = revisionOf(product) + 1;
  data.revision = revision;
  if (options.sales) data.sales = _.inc(options.sales);
  const moves: StockMove[] = [];
  if (opening) {
    // First time the ledger sees this product: its figures before this write are the opening balance.
    const open = skus.map((sku) => ({ skuId: String(sku.skuId), ...(skuFigures(sku) ?? { stock: 0, reserved: 0, sold: 0 }) }));
    moves.push({ _id: `M${randomId(20)}`, productId, reason: 'open', skus: open, revision: revision - 1, at });
  }
  if (applied.length > 0) moves.push({ _id: options.moveId ?? `M${randomId(20)}`, productId, ...source, skus: applied, revision, at });
  return { productId, data, moves, result: { applied, missing, revision } };
}

/**
 * Writes planned ledger moves inside `tx`: every product's update first, side by side with `shared`
 * (other hot documents, such as flash-sale allotments: when one conflicts, nothing else of the attempt
 * was sent for nothing), then the moves
 * together with `alongside` (the caller's own documents), so a written product's lock, held until
 * commit, waits for one round trip here rather than one per document.
 */
async function writePlanned(tx: TxCollections, plans: readonly PlannedMove[], shared?: () => Promise<unknown>[], alongside?: () => Promise<unknown>): Promise<void> {
  const written = plans.filter((plan) => plan.data !== null);
  await Promise.all([...(shared?.() ?? []), ...written.map((plan) => tx.collection(COLLECTIONS.products).doc(plan.productId).update({ data: plan.data as AnyDoc }))]);
  await Promise.all([...written.flatMap((plan) => plan.moves.map((move) => writeMove(tx, move))), alongside?.()]);
}

/**
 * Applies deltas to SKUs of one product and records the move, inside `tx` (see planMove). Writes
 * nothing when nothing moves and there is nothing else to set.
 */
export async function moveStockTx(tx: TxCollections, productId: string, deltas: readonly SkuDelta[], source: MoveSource, options: MoveOptions = {}): Promise<MoveResult> {
  const product = options.product !== undefined ? options.product : await txGet(tx, COLLECTIONS.products, productId);
  const plan = planMove(productId, product, deltas, source, options);
  await writePlanned(tx, [plan]);
  return plan.result;
}

export async function writeMove(tx: TxCollections, move: StockMove): Promise<void> {
  const { _id, ...data } = move;
  await tx.collection(STOCK_MOVES).doc(_id).set({ data: JSON.parse(JSON.stringify(data)) as AnyDoc });
}

/** What moved per SKU after revision `after`, up to and including `upTo` (the snapshot's revision). */
async function movesSince(productId: string, after: number, upTo: number): Promise<Map<string, SkuFigures>> {
  const sums = new Map<string, SkuFigures>();
  if (upTo <= after) return sums;
  const _ = db().command;
  const add = (move: StockMove) => {
    // Moves committed after this transaction's snapshot are not in the figures it read.
    if (move.revision <= after || move.revision > upTo) return;
    for (const sku of Array.isArray(move.skus) ? move.skus : []) {
      const sum = sums.get(sku.skuId) ?? { stock: 0, reserved: 0, sold: 0 };
      for (const field of STOCK_FIELDS) sum[field] += Number(sku[field]) || 0;
      sums.set(sku.skuId, sum);
    }
  };
  for (let skip = 0; ; skip += 1000) {
    const { data } = await db().collection(STOCK_MOVES).where({ productId, revision: _.gte(after + 1) }).orderBy('_id', 'asc').skip(skip).limit(1000).get();
    for (const move of data as unknown as StockMove[]) add(move);
    if (data.length < 1000) break;
  }
  for (const move of await heldOrderMovesOf([productId], after)) add(move);
  return sums;
}

/** The opening move of a product the ledger writes for the first time (a new product, an import). */
export function openingMove(productId: string, skus: readonly AnyDoc[], source: MoveSource, at: number): StockMove {
  return {
    _id: `M${randomId(20)}`,
    productId,
    ...source,
    reason: 'open',
    skus: skus.map((sku) => ({ skuId: String(sku.skuId), ...(skuFigures(sku) ?? { stock: 0, reserved: 0, sold: 0 }) })),
    revision: 1,
    at,
  };
}

/** Writes a new product (which must not exist yet) with its opening move, inside `tx`. */
export async function createProductTx(tx: TxCollections, product: AnyDoc, source: Omit<MoveSource, 'reason'>): Promise<void> {
  const { _id, ...data } = product;
  const id = String(_id);
  const skus = Array.isArray(data.skus) ? data.skus.map((sku: unknown) => (typeof sku === 'object' && sku !== null ? { ...sku, reserved: 0, sold: 0 } : sku)) : data.skus;
  await tx.collection(COLLECTIONS.products).doc(id).set({ data: { ...data, skus, revision: 1, contentRevision: 1 } });
  await writeMove(tx, openingMove(id, Array.isArray(skus) ? skus : [], { ...source, reason: 'open' }, now()));
}

/* ------------------------------------------------------------------ product saves */

export interface SaveOptions {
  /**
   * `ignore`: the request's stock figures of existing SKUs are ignored (the product editor, the import);
   * `refuse`: a figure that differs from what the document had at `loadedRevision` (the editor's copy) is
   * refused (the raw editor): stock moves since then are not the merchant's edit.
   */
  figures: 'ignore' | 'refuse';
  loadedRevision?: number;
  /** Stock deltas per SKU applied in the same write (an import's delta column). */
  deltas?: Record<string, number>;
  /** The move id of the deltas (idempotent import). */
  deltaMoveId?: string;
  source: Omit<MoveSource, 'reason'>;
}

export interface SaveResult {
  doc: AnyDoc;
  revision: number;
}

/**
 * What a save does to the SKUs (no I/O): existing SKUs keep the ledger's figures (with `refuse`, a sent
 * figure that differs from the one loaded, `sinceLoaded` moves ago, is refused); new SKUs open with
 * their stock and nothing reserved or sold; removed SKUs close (refused while units are reserved).
 */
export function planSkuSave(
  currentSkus: readonly AnyDoc[],
  wanted: unknown[] | null,
  figuresRule: SaveOptions['figures'],
  sinceLoaded: ReadonlyMap<string, SkuFigures>,
): { skus: unknown[] | undefined; opened: ({ skuId: string } & SkuFigures)[]; closing: ({ skuId: string } & SkuFigures)[] } {
  const keptIds = new Set<string>();
  const opened: ({ skuId: string } & SkuFigures)[] = [];
  const skus = wanted?.map((sku) => {
    if (typeof sku !== 'object' || sku === null || Array.isArray(sku)) return sku;
    const record = { ...(sku as AnyDoc) };
    const skuId = typeof record.skuId === 'string' ? record.skuId : null;
    const index = skuId === null ? -1 : skuIndex(currentSkus, skuId);
    if (index < 0) {
      for (const field of ['reserved', 'sold'] as const) {
        if ((record[field] ?? 0) !== 0) throw new AppError('INVALID_ARGUMENT', `新规格的${field === 'reserved' ? '占用' : '已售'}数量只能为 0`, { skuId, field }, { detail: `a new SKU starts with ${field} 0` });
      }
      record.reserved = 0;
      record.sold = 0;
      if (skuId !== null && isCount(record.stock)) opened.push({ skuId, stock: record.stock, reserved: 0, sold: 0 });
      return record;
    }
    keptIds.add(skuId as string);
    const figures = skuFigures(currentSkus[index]) ?? { stock: 0, reserved: 0, sold: 0 };
    const moved = sinceLoaded.get(skuId as string);
    for (const field of STOCK_FIELDS) {
      const sent = record[field];
      const loaded = figures[field] - (moved?.[field] ?? 0);
      if (figuresRule === 'ignore' || sent === undefined || sent === loaded) continue;
      throw new AppError('INVALID_ARGUMENT', '库存、占用和已售数量不能直接修改，请用“调整库存”', { skuId, field, have: figures[field], sent }, {
        detail: `skus[].${field} is kept by the stock ledger: change stock with merchant.adjustStock (a delta with a reason); reserved and sold move with orders`,
      });
    }
    return { ...record, ...figures };
  });
  const removed = currentSkus.filter((sku) => typeof sku?.skuId === 'string' && !keptIds.has(sku.skuId as string));
  const closing: ({ skuId: string } & SkuFigures)[] = [];
  for (const sku of removed) {
    const figures = skuFigures(sku) ?? { stock: 0, reserved: 0, sold: 0 };
    if (figures.reserved > 0) {
      throw new AppError('INVALID_STATE', '该规格还有未支付订单占用库存，暂不能删除', { skuId: sku.skuId, reserved: figures.reserved }, { detail: 'a SKU held by unpaid orders cannot be removed' });
    }
    closing.push({ skuId: String(sku.skuId), stock: -figures.stock, reserved: 0, sold: -figures.sold });
  }
  return { skus, opened, closing };
}

/**
 * Writes a whole product document (`next`, without `_id`) over `current` inside `tx`, keeping the
 * ledger's figures: an existing SKU keeps its stock, reserved and sold; a new SKU opens with the
 * request's stock; a removed SKU is closed (refused while unpaid orders hold its units). The product's
 * `revision` and `contentRevision` move to the new revision.
 */
export async function saveProductTx(tx: TxCollections, productId: string, current: AnyDoc, next: AnyDoc, options: SaveOptions): Promise<SaveResult> {
  const currentSkus = rawSkus(current) ?? [];
  const sinceLoaded = options.figures === 'refuse' ? await movesSince(productId, options.loadedRevision ?? 0, revisionOf(current)) : new Map<string, SkuFigures>();
  let plan: ReturnType<typeof planSkuSave>;
  try {
    plan = planSkuSave(currentSkus, Array.isArray(next.skus) ? (next.skus as unknown[]) : null, options.figures, sinceLoaded);
  } catch (error) {
    // A checkout's hold records its move at the revision it priced, which may be one the editor loaded
    // after: when stock moved since loading, a figure that differs may be that, not the merchant's edit.
    if (error instanceof AppError && error.code === 'INVALID_ARGUMENT' && options.figures === 'refuse' && (options.loadedRevision ?? 0) !== revisionOf(current)) {
      throw new AppError('CONFLICT', '打开后库存有变动，请重新打开商品再保存', { productId, loadedRevision: options.loadedRevision ?? 0, revision: revisionOf(current) });
    }
    throw error;
  }
  const { skus, opened, closing } = plan;
  const at = now();
  let revision = revisionOf(current);
  if (current.revision === undefined || current.revision === null) {
    const open = currentSkus.map((sku) => ({ skuId: String(sku?.skuId), ...(skuFigures(sku) ?? { stock: 0, reserved: 0, sold: 0 }) }));
    await writeMove(tx, { _id: `M${randomId(20)}`, productId, ...options.source, reason: 'open', skus: open, revision, at });
  }
  revision += 1;
  // `sales` is a counter that checkouts move too: a save keeps the document's.
  const doc: AnyDoc = { ...next, ...(skus ? { skus } : {}), ...(current.sales !== undefined ? { sales: current.sales } : {}), revision, contentRevision: revision };
  delete doc._id;
  // Checkouts' holds on the product are the ledger's (server/stock-holds.ts), never the request's.
  delete doc[HOLDS_FIELD];
  if (current[HOLDS_FIELD] !== undefined) doc[HOLDS_FIELD] = current[HOLDS_FIELD];
  const deltas = Object.entries(options.deltas ?? {}).filter(([, delta]) => delta !== 0);
  const adjusted: ({ skuId: string } & SkuFigures)[] = [];
  for (const [skuId, delta] of deltas) {
    const sku = (skus ?? []).find((s) => typeof s === 'object' && s !== null && (s as AnyDoc).skuId === skuId) as AnyDoc | undefined;
    if (!sku || !isCount(sku.stock)) throw notFound('商品规格不存在', { productId, skuId });
    if (sku.stock + delta < 0) throw new AppError('OUT_OF_STOCK', '库存不足', { productId, skuId, have: sku.stock, delta });
    sku.stock += delta;
    adjusted.push({ skuId, stock: delta, reserved: 0, sold: 0 });
  }
  await tx.collection(COLLECTIONS.products).doc(productId).set({ data: doc });
  if (opened.length > 0) await writeMove(tx, { _id: `M${randomId(20)}`, productId, ...options.source, reason: 'open', skus: opened, revision, at });
  if (closing.length > 0) await writeMove(tx, { _id: `M${randomId(20)}`, productId, ...options.source, reason: 'remove', skus: closing, revision, at });
  if (adjusted.length > 0) await writeMove(tx, { _id: options.deltaMoveId ?? `M${randomId(20)}`, productId, ...options.source, reason: 'adjust', skus: adjusted, revision, at });
  return { doc: { _id: productId, ...doc }, revision };
}

/**
 * Moves a product to a new id (one whose old id breaks the id rule) inside `tx`: the old document's
 * figures close on its old id and open on the new one. Refused while unpaid orders hold its units.
 */
export async function renameProductTx(tx: TxCollections, from: string, to: string, source: Omit<MoveSource, 'reason'>): Promise<number> {
  const current = await txGet(tx, COLLECTIONS.products, from);
  if (!current) throw notFound('商品不存在', { productId: from });
  if (await txGet(tx, COLLECTIONS.products, to)) throw new AppError('CONFLICT', '新的商品编号已被使用', { productId: to });
  const skus = rawSkus(current) ?? [];
  const figures = skus.map((sku) => ({ skuId: String(sku?.skuId), ...(skuFigures(sku) ?? { stock: 0, reserved: 0, sold: 0 }) }));
  if (figures.some((f) => f.reserved > 0) || holdsOf(current).size > 0) throw new AppError('INVALID_STATE', '该商品还有未支付订单，暂不能改编号', { productId: from }, { detail: 'unpaid orders hold units of this product' });
  const at = now();
  const { _id: _ignored, ...data } = current;
  void _ignored;
  const revision = revisionOf(current) + 1;
  await tx.collection(COLLECTIONS.products).doc(to).set({ data: { ...data, revision, contentRevision: revision, renamedFrom: from } });
  await tx.collection(COLLECTIONS.products).doc(from).remove();
  const note = `renamed ${from} → ${to}`;
  if (current.revision !== undefined && current.revision !== null) {
    await writeMove(tx, { _id: `M${randomId(20)}`, productId: from, ...source, reason: 'remove', note, skus: figures.map((f) => ({ skuId: f.skuId, stock: -f.stock, reserved: 0, sold: -f.sold })), revision, at });
  }
  await writeMove(tx, { _id: `M${randomId(20)}`, productId: to, ...source, reason: 'open', note, skus: figures, revision, at });
  return revision;
}

/* ------------------------------------------------------------------ order lines */

export function byProduct(lines: readonly Pick<OrderLine, 'productId' | 'skuId' | 'qty'>[]): Map<string, { skuId: string; qty: number }[]> {
  const map = new Map<string, { skuId: string; qty: number }[]>();
  for (const line of lines) {
    const list = map.get(line.productId) ?? [];
    list.push({ skuId: line.skuId, qty: line.qty });
    map.set(line.productId, list);
  }
  return map;
}

/**
 * Moves an order's units for every product it holds: the products are read (unless given) and every
 * move planned before anything is written, so a refusal (`strict`) writes nothing; then the products'
 * updates go out together, then the moves with `alongside` (see writePlanned). A product or SKU
 * deleted meanwhile has nothing to move and is logged.
 */
async function moveOrderLines(
  tx: TxCollections,
  order: Pick<Order, '_id' | 'lines'>,
  source: MoveSource,
  perUnit: Partial<SkuFigures> | ((line: { productId: string; skuId: string }) => UnitMove),
  options: { products?: Map<string, AnyDoc>; salesPerUnit?: number; strict?: boolean; shared?: () => Promise<unknown>[]; alongside?: () => Promise<unknown> } = {},
): Promise<void> {
  const lines = byProduct(order.lines);
  const productIds = [...lines.keys()].sort();
  const products = await Promise.all(productIds.map((productId) => options.products?.get(productId) ?? txGet(tx, COLLECTIONS.products, productId)));
  const plans: PlannedMove[] = [];
  productIds.forEach((productId, i) => {
    const product = products[i];
    if (!rawSkus(product)) {
      console.warn(`[stock] order ${order._id}: product ${productId} is gone; ${source.reason} of its units not recorded`);
      return;
    }
    const list = lines.get(productId) ?? [];
    const deltas: SkuDelta[] = list.map((line) => {
      const unit: UnitMove = typeof perUnit === 'function' ? perUnit({ productId, skuId: line.skuId }) : perUnit;
      const delta: SkuDelta = { skuId: line.skuId };
      for (const field of [...STOCK_FIELDS, 'allotted'] as const) if (unit[field]) delta[field] = (unit[field] as number) * line.qty;
      return delta;
    });
    const units = list.reduce((n, line) => n + line.qty, 0);
    const plan = planMove(productId, product, deltas, source, { sales: options.salesPerUnit ? options.salesPerUnit * units : undefined, strict: options.strict });
    for (const skuId of plan.result.missing) console.warn(`[stock] order ${order._id}: SKU ${productId}/${skuId} is gone; ${source.reason} not recorded`);
    plans.push(plan);
  });
  await writePlanned(tx, plans, options.shared, options.alongside);
}

type UnitMove = Partial<SkuFigures> & { allotted?: number };

/**
 * Checkout: holds the order's units (stock → reserved) inside the checkout's transaction. `products` are
 * the raw documents the transaction read and priced (pricing already checked there is enough stock).
 * Lines of SKUs on an active flash sale (`allotments`, read in this transaction) take from the sale's
 * allotment instead (allotted → reserved). The products and sale documents are written first, side by
 * side; `alongside` (the checkout's own documents: the order, its record, counters) goes out with the
 * moves, so the hot documents' locks last two round trips and the commit.
 */
export async function reserveTx(
  tx: TxCollections,
  order: Pick<Order, '_id' | 'lines'>,
  products: Map<string, AnyDoc>,
  allotments: Allotments = NO_ALLOTMENTS,
  alongside?: () => Promise<unknown>,
): Promise<void> {
  const unit = (line: { productId: string; skuId: string }): UnitMove => (allotments.has(allotmentKey(line.productId, line.skuId)) ? { allotted: -1, reserved: 1 } : { stock: -1, reserved: 1 });
  const shared = () =>
    order.lines.flatMap((line) => {
      const sale = allotments.get(allotmentKey(line.productId, line.skuId));
      return sale ? [takeAllotmentTx(tx, sale, line.qty)] : [];
    });
  await moveOrderLines(tx, order, { reason: 'reserve', orderId: order._id }, unit, { products, salesPerUnit: 1, strict: true, shared, alongside });
}

/**
 * A cancelled or expired order gives its units back (reserved → stock). A flash line's units go back to
 * its sale's allotment while that sale has not ended (reserved → allotted).
 */
export async function releaseTx(tx: TxCollections, order: Pick<Order, '_id' | 'lines'>): Promise<void> {
  const toAllotment = new Set<string>();
  for (const line of order.lines) {
    if (line.flashSaleId && (await returnToAllotmentTx(tx, line.productId, line.skuId, line.flashSaleId, line.qty))) toAllotment.add(allotmentKey(line.productId, line.skuId));
  }
  const unit = (line: { productId: string; skuId: string }): UnitMove => (toAllotment.has(allotmentKey(line.productId, line.skuId)) ? { allotted: 1, reserved: -1 } : { stock: 1, reserved: -1 });
  return moveOrderLines(tx, order, { reason: 'release', orderId: order._id }, unit, { salesPerUnit: -1 });
}

/** A paid order's units are sold (reserved → sold). */
export function sellTx(tx: TxCollections, order: Pick<Order, '_id' | 'lines'>): Promise<void> {
  return moveOrderLines(tx, order, { reason: 'sell', orderId: order._id }, { reserved: -1, sold: 1 });
}

/**
 * Units returned to stock after a refund (sold → stock), inside the caller's transaction. `lines` are
 * the units that came back, which may be fewer than the order held.
 */
export function returnToStockTx(tx: TxCollections, orderId: string, lines: readonly Pick<OrderLine, 'productId' | 'skuId' | 'qty'>[]): Promise<void> {
  return moveOrderLines(tx, { _id: orderId, lines: lines as OrderLine[] }, { reason: 'restock', orderId }, { stock: 1, sold: -1 });
}

/* ------------------------------------------------------------------ merchant */

/** A merchant's change of one SKU's sellable stock by `delta` (never below 0), with its reason. */
export async function adjustStock(productId: string, skuId: string, delta: number, note: string, merchant: string, budgetMs = 8000): Promise<{ figures: SkuFigures; revision: number }> {
  return withTransaction(async (tx) => {
    const product = await txGet(tx, COLLECTIONS.products, productId);
    const skus = rawSkus(product);
    if (!product || !skus) throw notFound('商品不存在', { productId });
    const index = skuIndex(skus, skuId);
    if (index < 0) throw notFound('商品规格不存在', { productId, skuId });
    const before = skuFigures(skus[index]);
    const result = await moveStockTx(tx, productId, [{ skuId, stock: delta }], { reason: 'adjust', merchant, note }, { product, strict: true });
    return { figures: { ...(before as SkuFigures), stock: (before as SkuFigures).stock + delta }, revision: result.revision };
  }, { budgetMs });
}

/* ------------------------------------------------------------------ check */

export interface LedgerProblem {
  productId: string;
  skuId: string;
  /** What the document says (null when its figures are not whole numbers); `allotted` from the SKU's flash sale. */
  figures: (SkuFigures & { allotted?: number }) | null;
  /** What the moves add up to. */
  ledger: SkuFigures & { allotted?: number };
}

export interface LedgerReport {
  checkedProducts: number;
  checkedSkus: number;
  /** Products the ledger has not written yet (no revision): nothing to compare. */
  unopened: string[];
  problems: LedgerProblem[];
}

type LedgerFigures = SkuFigures & { allotted: number };

/** Adds a move's deltas to the sums per product and SKU. */
function addMove(sums: Map<string, LedgerFigures>, move: StockMove): void {
  for (const sku of Array.isArray(move.skus) ? move.skus : []) {
    const key = `${move.productId}\u0000${sku.skuId}`;
    const sum = sums.get(key) ?? { stock: 0, reserved: 0, sold: 0, allotted: 0 };
    for (const field of STOCK_FIELDS) sum[field] += Number(sku[field]) || 0;
    sum.allotted += Number(sku.allotted) || 0;
    sums.set(key, sum);
  }
}

/**
 * The moves of some products, summed per product and SKU: those written, those orders by hold stand for,
 * and those of checkouts' holds whose order is not written yet (server/stock-holds.ts).
 */
async function ledgerSums(products: readonly AnyDoc[]): Promise<Map<string, LedgerFigures>> {
  const productIds = products.map((p) => String(p._id));
  const sums = new Map<string, LedgerFigures>();
  const written = new Set<string>();
  const _ = db().command;
  for (let i = 0; i < productIds.length; i += 100) {
    const part = productIds.slice(i, i + 100);
    for (let skip = 0; ; skip += 1000) {
      const { data } = await db().collection(STOCK_MOVES).where({ productId: _.in(part) }).orderBy('_id', 'asc').skip(skip).limit(1000).get();
      for (const move of data as unknown as StockMove[]) {
        written.add(String(move._id));
        addMove(sums, move);
      }
      if (data.length < 1000) break;
    }
  }
  for (const move of await heldOrderMovesOf(productIds)) {
    if (written.has(move._id)) continue;
    written.add(move._id);
    addMove(sums, move);
  }
  for (const move of pendingHoldMoves(products, written)) addMove(sums, move);
  return sums;
}

/**
 * Compares every SKU's figures with the sum of its moves. A difference means the document was edited
 * outside the ledger (by hand in the database panel): the figures can no longer be trusted until a
 * merchant corrects them.
 */
export async function checkLedger(productIds?: readonly string[]): Promise<LedgerReport> {
  const products: AnyDoc[] = [];
  const _ = db().command;
  if (productIds) {
    for (let i = 0; i < productIds.length; i += 100) {
      const { data } = await db().collection(COLLECTIONS.products).where({ _id: _.in(productIds.slice(i, i + 100)) }).limit(100).get();
      products.push(...data);
    }
  } else {
    for (let skip = 0; ; skip += 1000) {
      const { data } = await db().collection(COLLECTIONS.products).where({}).orderBy('_id', 'asc').skip(skip).limit(1000).get();
      products.push(...data);
      if (data.length < 1000) break;
    }
  }
  const opened = products.filter(isOpened);
  return compareWithLedger(products, await ledgerSums(opened), await allottedUnits(opened.map((p) => String(p._id))));
}

const isOpened = (product: AnyDoc) => product.revision !== undefined && product.revision !== null;

/**
 * The check's verdict (no I/O): every SKU of the products the ledger has written against its moves'
 * sums (`sums`, keyed `<productId>\u0000<skuId>`, as ledgerSums makes them) and the units running flash
 * sales hold in their allotments (`allotted`, same keys).
 */
export function compareWithLedger(products: readonly AnyDoc[], sums: ReadonlyMap<string, SkuFigures & { allotted?: number }>, allotted: ReadonlyMap<string, number> = new Map()): LedgerReport {
  const opened = products.filter(isOpened);
  const report: LedgerReport = { checkedProducts: opened.length, checkedSkus: 0, unopened: products.filter((p) => !isOpened(p)).map((p) => String(p._id)), problems: [] };
  for (const product of opened) {
    for (const sku of rawSkus(product) ?? []) {
      const skuId = String((sku as AnyDoc)?.skuId);
      report.checkedSkus += 1;
      const figures = skuFigures(sku);
      const key = allotmentKey(String(product._id), skuId);
      const { allotted: movedAllotted = 0, ...ledger } = sums.get(key) ?? { stock: 0, reserved: 0, sold: 0, allotted: 0 };
      const held = allotted.get(key) ?? 0;
      if (!figures || STOCK_FIELDS.some((field) => figures[field] !== ledger[field]) || held !== movedAllotted) {
        // The allotment shows only where a flash sale ever had one, so plain SKUs read as before.
        const withAllotment = held !== 0 || movedAllotted !== 0;
        report.problems.push({
          productId: String(product._id),
          skuId,
          figures: figures && withAllotment ? { ...figures, allotted: held } : figures,
          ledger: withAllotment ? { ...ledger, allotted: movedAllotted } : ledger,
        });
      }
    }
  }
  return report;
}

/** Units in the allotments of the products' flash sales (0 once a sale ended), by allotmentKey. */
async function allottedUnits(productIds: readonly string[]): Promise<Map<string, number>> {
  const units = new Map<string, number>();
  const _ = db().command;
  for (let i = 0; i < productIds.length; i += 100) {
    const { data } = await db().collection(COLLECTIONS.flashSales).where({ productId: _.in(productIds.slice(i, i + 100)) }).limit(1000).get();
    for (const doc of data) {
      const sale = asFlashSale(doc);
      if (sale && !sale.ended) units.set(allotmentKey(sale.productId, sale.skuId), sale.remaining);
    }
  }
  return units;
}
