/**
 * The merchant's operations (the `merchant` function, merchant callers only): stock adjustments, product
 * saves and imports, shipping, cancelling, the ledger check. The console and the admin CLI call these
 * through `callFunction`, so they work the same on the local cloud and in a real environment, and every
 * stock change goes through the stock ledger.
 */
import type { ActionRequest, ActionResponse, ImportItem, ImportOutcome } from '../typings/api';
import type { FieldProblem, OrderView } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { CARRIERS, isCarrier } from '../miniprogram/domain/carriers';
import { idProblem } from '../miniprogram/domain/ids';
import { withKeywords } from '../miniprogram/domain/search-terms';
import { pendingUpload } from '../miniprogram/domain/shipping-info';
import type { ActionCaller } from './handler';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction, withoutId } from './db';
import { AppError, invalid, invalidState, notFound } from './errors';
import { digestId } from './ids';
import { STATUS_FIELDS } from '../miniprogram/domain/order-writes';
import { applyTransitionCas, asOrder, requireTransition, toView } from './order-store';
import { cancelUnpaidOrder } from './payments';
import { uploadShipping } from './shipping-upload';
import { notifyOrder } from './notify';
import { end as endSale, schedule as scheduleSale } from './flash-sales';
import { adjustStock as adjustLedger, checkLedger, createProductTx, openingMove, renameProductTx, revisionOf, saveProductTx, STOCK_MOVES } from './stock-ledger';

type Req<A extends keyof import('../typings/api').MerchantApi> = ActionRequest<'merchant', A>;
type Res<A extends keyof import('../typings/api').MerchantApi> = ActionResponse<'merchant', A>;

/**
 * Retry budget of a merchant write that contends with checkouts on a hot product: longer than a
 * shopper's (a merchant's save should go through), well inside the function's 60 s timeout.
 */
const MERCHANT_BUDGET_MS = 25_000;

/** Who a move is recorded against: the merchant's OPENID, or `server` for the environment's credentials. */
function who(caller: ActionCaller): string {
  return caller.kind === 'merchant' ? caller.openid : 'server';
}

export async function adjustStock(req: Req<'adjustStock'>, caller: ActionCaller): Promise<Res<'adjustStock'>> {
  if (req.delta === 0) throw invalid('调整数量不能为 0');
  const result = await adjustLedger(req.productId, req.skuId, req.delta, req.reason.trim(), who(caller), MERCHANT_BUDGET_MS);
  return { productId: req.productId, skuId: req.skuId, ...result };
}

/** `{"$date": ...}` values (how merchant tools send dates) back to Dates; other `$` keys are refused. */
export function fromWire(value: unknown, path = 'product'): unknown {
  if (Array.isArray(value)) return value.map((item, i) => fromWire(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as AnyDoc;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$date') {
    const date = new Date(typeof record.$date === 'object' && record.$date !== null ? Number((record.$date as AnyDoc).$numberLong) : (record.$date as string | number));
    if (Number.isNaN(date.getTime())) throw invalid('日期格式有误', undefined, { detail: `${path} is not a valid {"$date": ...}` });
    return date;
  }
  const out: AnyDoc = {};
  for (const key of keys) {
    if (key.startsWith('$') || key.includes('.')) throw invalid('文档字段名不能以 $ 开头或包含 .', undefined, { detail: `${path}.${key}: field names may not start with $ or contain .` });
    out[key] = fromWire(record[key], `${path}.${key}`);
  }
  return out;
}

function productId(input: AnyDoc): string {
  const problem = idProblem(input._id);
  if (problem) throw invalid('商品编号只能包含字母、数字、_ 或 -（1-64 位）', undefined, { detail: `_id ${problem}` });
  return input._id as string;
}

function refuseInvalid(problems: FieldProblem[]): never {
  throw new AppError('INVALID_ARGUMENT', '商品信息有误，请按提示修改', { problems }, {
    detail: problems.map((p) => `${p.field}: ${p.problem}`).join('; '),
  });
}

/** The document a normalized save stores: the normalizer's product (price = lowest SKU), dates kept. */
export function normalizedDoc(input: AnyDoc, current: AnyDoc | null, at: number, names: ReadonlyMap<string, string>): { doc: AnyDoc; warnings: FieldProblem[] } {
  // Existing SKUs keep the ledger's figures: a stale stock from an editor is ignored (with a warning);
  // one that is not a count at all is still refused by the normalizer, as bad input.
  const currentSkus = current && Array.isArray(current.skus) ? (current.skus as AnyDoc[]) : [];
  const ignored: FieldProblem[] = [];
  const skus = Array.isArray(input.skus)
    ? input.skus.map((sku) => {
        if (typeof sku !== 'object' || sku === null) return sku;
        const record = sku as AnyDoc;
        const known = currentSkus.find((c) => c && c.skuId === record.skuId);
        if (!known || (record.stock !== undefined && !(typeof record.stock === 'number' && Number.isSafeInteger(record.stock) && record.stock >= 0))) return sku;
        if (record.stock !== undefined && record.stock !== known.stock) {
          ignored.push({ field: `skus.${String(record.skuId)}.stock`, problem: 'stock is changed only by adjustStock (a delta with a reason); the value sent was ignored' });
        }
        return { ...record, stock: known.stock, reserved: known.reserved, sold: known.sold };
      })
    : input.skus;
  const result = normalizeProduct({ ...input, skus, revision: undefined, contentRevision: undefined, createdAt: current?.createdAt ?? input.createdAt ?? at, updatedAt: at });
  if (!result.ok) refuseInvalid(result.problems);
  // Stored with its search keywords, so every save keeps the product findable (domain/search-terms).
  return { doc: withoutId(withKeywords(result.product, names)) as AnyDoc, warnings: [...ignored, ...result.warnings] };
}

/** Category id → name, for the products' search keywords (an empty map before any category exists). */
async function categoryNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const { data } = await db().collection(COLLECTIONS.categories).limit(1000).get().catch(() => ({ data: [] as AnyDoc[] }));
  for (const doc of data) if (typeof doc._id === 'string' && typeof doc.name === 'string') names.set(doc._id, doc.name);
  return names;
}

export async function saveProduct(req: Req<'saveProduct'>, caller: ActionCaller): Promise<Res<'saveProduct'>> {
  const input = fromWire(req.product) as AnyDoc;
  const id = productId(input);
  const at = now();
  const names = await categoryNames();
  return withTransaction(async (tx) => {
    const current = await txGet(tx, COLLECTIONS.products, id);
    if (req.create) {
      if (current) throw new AppError('CONFLICT', '该商品编号已存在', { productId: id });
      const { doc, warnings } = req.raw ? { doc: withoutId(input) as AnyDoc, warnings: [] } : normalizedDoc(input, null, at, names);
      await createProductTx(tx, { _id: id, ...doc }, { merchant: who(caller) });
      return { product: { _id: id, ...doc, revision: 1, contentRevision: 1 }, revision: 1, warnings };
    }
    if (!current) throw notFound('商品不存在', { productId: id });
    // The editor's revision: refused only when someone saved the product's content since it was loaded;
    // stock moves (orders, adjustments) bump `revision` but never clash with an edit of other fields.
    const loaded = req.revision ?? (typeof input.revision === 'number' ? input.revision : 0);
    const contentRevision = typeof current.contentRevision === 'number' ? current.contentRevision : 0;
    if (contentRevision > loaded) {
      throw new AppError('CONFLICT', '商品已被他人修改，请刷新后重试', { revision: revisionOf(current), contentRevision }, { detail: `product saved at revision ${contentRevision} after the editor loaded revision ${loaded}` });
    }
    const { doc, warnings } = req.raw ? { doc: withoutId(input) as AnyDoc, warnings: [] as FieldProblem[] } : normalizedDoc(input, current, at, names);
    if (!req.raw) doc.createdAt = current.createdAt ?? doc.createdAt;
    delete doc.revision;
    delete doc.contentRevision;
    const saved = await saveProductTx(tx, id, current, doc, { figures: req.raw ? 'refuse' : 'ignore', loadedRevision: loaded, source: { merchant: who(caller) } });
    return { product: saved.doc, revision: saved.revision, warnings };
  }, { budgetMs: MERCHANT_BUDGET_MS });
}

/**
 * Imports products: new ones are created with their stock as the opening balance; existing ones (with
 * `upsert`) are updated in place, one transaction each, keeping their figures, and their stock moves only
 * by `stockDelta`. With an `importKey`, a product's delta is applied once however often the file is sent.
 */
export async function importProducts(req: Req<'importProducts'>, caller: ActionCaller): Promise<Res<'importProducts'>> {
  const outcomes: ImportOutcome[] = [];
  const at = now();
  const names = await categoryNames();
  const fresh = await createNewProducts(req.items, caller, at, names);
  for (const item of req.items) {
    if (typeof item.product._id === 'string' && fresh.has(item.product._id)) {
      outcomes.push({ productId: item.product._id, result: 'created' });
      continue;
    }
    const input = fromWire(item.product) as AnyDoc;
    const id = typeof input._id === 'string' ? input._id : '';
    try {
      productId(input);
      const deltaMoveId = req.importKey && item.stockDelta ? `I${digestId(`${req.importKey}\u0000${id}`, 23)}` : undefined;
      const result = await withTransaction(async (tx): Promise<ImportOutcome['result']> => {
        const current = await txGet(tx, COLLECTIONS.products, id);
        // Whether this file's delta went in before (read in the snapshot: two runs of the same import at
        // once both write the move's document, so the second conflicts, retries and finds it).
        const applied = deltaMoveId && current ? await txGet(tx, STOCK_MOVES, deltaMoveId) : null;
        if (!current) {
          const { doc } = normalizedDoc(input, null, at, names);
          await createProductTx(tx, { _id: id, ...doc }, { merchant: who(caller), note: 'import' });
          return 'created';
        }
        if (!req.upsert) throw new AppError('CONFLICT', '该商品编号已存在', { productId: id });
        const { doc } = normalizedDoc(input, current, at, names);
        doc.createdAt = current.createdAt ?? doc.createdAt;
        const deltas = applied ? undefined : item.stockDelta;
        await saveProductTx(tx, id, current, doc, { figures: 'ignore', deltas, deltaMoveId: deltas ? deltaMoveId : undefined, source: { merchant: who(caller), note: 'import' } });
        return 'updated';
      }, { budgetMs: MERCHANT_BUDGET_MS });
      outcomes.push({ productId: id, result });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ productId: id, result: 'refused', problem: `${error.code}: ${error.message}` });
    }
  }
  return { outcomes };
}

/**
 * The products of an import batch that do not exist yet, created in two bulk writes (the documents,
 * then their opening moves) instead of one transaction each: nobody else writes a document that does
 * not exist. If one of them was created meanwhile the bulk write fails and nothing is created here (the
 * per-product path then decides each). Returns the ids created.
 */
async function createNewProducts(items: ImportItem[], caller: ActionCaller, at: number, names: ReadonlyMap<string, string>): Promise<Set<string>> {
  const candidates = new Map<string, AnyDoc>();
  for (const item of items) {
    const input = fromWire(item.product) as AnyDoc;
    if (idProblem(input._id) || candidates.has(input._id as string)) continue;
    const result = normalizeProduct({ ...input, revision: undefined, contentRevision: undefined, createdAt: input.createdAt ?? at, updatedAt: at });
    if (result.ok) candidates.set(result.product._id, { ...withKeywords(result.product, names), skus: result.product.skus.map((sku) => ({ ...sku, reserved: 0, sold: 0 })), revision: 1, contentRevision: 1 });
  }
  if (candidates.size === 0) return new Set();
  const _ = db().command;
  const { data } = await db().collection(COLLECTIONS.products).where({ _id: _.in([...candidates.keys()]) }).field({ _id: true }).limit(1000).get();
  for (const doc of data) candidates.delete(String(doc._id));
  if (candidates.size === 0) return new Set();
  const docs = [...candidates.values()];
  try {
    await db().collection(COLLECTIONS.products).add({ data: docs as unknown as AnyDoc });
  } catch (error) {
    console.warn('[merchant.importProducts] bulk create refused; creating one by one', (error as Error)?.message ?? error);
    return new Set();
  }
  const moves = docs.map((doc) => withoutId(openingMove(String(doc._id), doc.skus as AnyDoc[], { reason: 'open', merchant: who(caller), note: 'import' }, at)));
  await db().collection(STOCK_MOVES).add({ data: moves as unknown as AnyDoc });
  return new Set(candidates.keys());
}

export async function renameProduct(req: Req<'renameProduct'>, caller: ActionCaller): Promise<Res<'renameProduct'>> {
  if (idProblem(req.to)) throw invalid('新的商品编号只能包含字母、数字、_ 或 -（1-64 位）');
  if (req.from === req.to) throw invalid('新旧商品编号相同');
  const revision = await withTransaction((tx) => renameProductTx(tx, req.from, req.to, { merchant: who(caller) }), { budgetMs: MERCHANT_BUDGET_MS });
  return { productId: req.to, revision };
}

async function loadOrder(orderId: string) {
  const order = asOrder(await getDoc(COLLECTIONS.orders, orderId));
  if (!order) throw notFound('订单不存在', { orderId });
  return order;
}

/**
 * A merchant's order action on any shopper's order, by compare-and-set on its status. Null when the
 * order is no longer in the status the event needs (the caller says why, in words).
 */
async function merchantTransition(orderId: string, event: 'ship' | 'confirmReceipt', extra: Record<string, unknown> = {}): Promise<{ order: OrderView } | { refusedIn: string }> {
  const order = await loadOrder(orderId);
  if (!(await applyTransitionCas(order, event, now(), { extra }))) return { refusedIn: (await loadOrder(orderId)).status };
  return { order: toView((await getDoc(COLLECTIONS.orders, orderId)) as AnyDoc) };
}

/**
 * Ships a paid order and reports the shipment to WeChat at once (./shipping-upload.ts); an upload
 * WeChat did not accept is retried by the timer. The same shipment sent again (a retried request, a
 * second click) moves nothing and tries a pending upload now.
 */
export async function ship(req: Req<'ship'>): Promise<Res<'ship'>> {
  if (!isCarrier(req.carrier)) {
    throw invalid('请选择快递公司', { carriers: Object.keys(CARRIERS) }, { detail: `carrier must be one of ${Object.keys(CARRIERS).join(', ')}` });
  }
  const order = await loadOrder(req.orderId);
  // A store pickup is handed over with its code (merchant.verifyPickup), never shipped.
  if (order.fulfilment === 'pickup') throw invalidState('到店自提订单无需发货，请在顾客到店时核销提货码', { fulfilment: 'pickup' });
  const again = order.status === 'shipped' && order.carrier === req.carrier && order.trackingNo === req.trackingNo;
  if (!again) {
    const result = await merchantTransition(req.orderId, 'ship', { carrier: req.carrier, trackingNo: req.trackingNo, shippingUpload: pendingUpload(order.fulfilment, now()) });
    if ('refusedIn' in result) throw invalidState('订单当前状态不能发货', { status: result.refusedIn });
  }
  const shippingUpload = (await uploadShipping(req.orderId)) ?? undefined;
  // The shopper's "shipped" notice, once per order (a repeated ship finds it sent).
  await notifyOrder('shipped', req.orderId);
  return { order: toView((await getDoc(COLLECTIONS.orders, req.orderId)) as AnyDoc), ...(shippingUpload ? { shippingUpload } : {}) };
}

export async function complete(req: Req<'complete'>): Promise<Res<'complete'>> {
  const result = await merchantTransition(req.orderId, 'confirmReceipt');
  if ('refusedIn' in result) throw invalidState('订单当前状态不能标记为已完成', { status: result.refusedIn });
  return result;
}

/** The merchant cancels an unpaid order: as the shopper's cancel, WeChat Pay's order is closed first. */
export async function cancel(req: Req<'cancel'>): Promise<Res<'cancel'>> {
  const result = await cancelUnpaidOrder(req.orderId, null, await loadOrder(req.orderId));
  if (!result.changed && result.order.status === 'paid') throw invalidState('订单已支付，不能取消', { status: 'paid' });
  return { order: toView(requireTransition(result, '取消') as unknown as AnyDoc) };
}

export async function ledgerCheck(req: Req<'ledgerCheck'>): Promise<Res<'ledgerCheck'>> {
  return checkLedger(req.productIds);
}

/**
 * Fields of an order a hand edit may not change: its status and stamps (the one status writer's), its
 * owner, what was bought and paid (payments and refunds are checked against them), its after-sales
 * claims and the attribution the server decided.
 */
const GUARDED_ORDER_FIELDS: readonly string[] = [...STATUS_FIELDS, '_openid', 'requestId', 'lines', 'itemsTotal', 'shippingFee', 'total', 'afterSales', 'attribution'];

/**
 * A raw edit of an order from the database panel: other fields (remark, address, tracking) are set as
 * sent, and only while the order is still in the status it had when read; a guarded field that changes
 * is refused, pointing to the order actions.
 */
export async function editOrder(req: Req<'editOrder'>): Promise<Res<'editOrder'>> {
  const doc = fromWire(req.doc, 'doc') as AnyDoc;
  if (doc._id !== undefined && doc._id !== req.orderId) throw invalid('订单编号不能修改', undefined, { detail: `_id cannot change (the order is ${req.orderId})` });
  delete doc._id;
  const current = await getDoc(COLLECTIONS.orders, req.orderId);
  if (!current) throw notFound('订单不存在', { orderId: req.orderId });
  const changed = GUARDED_ORDER_FIELDS.filter((field) => field in doc && JSON.stringify(current[field]) !== JSON.stringify(doc[field]));
  if (changed.length) {
    throw invalidState('订单的状态、金额、商品和来源只能通过订单操作改变', { fields: changed }, { detail: `an order's ${changed.join(', ')} change only through the order actions (ship, mark completed, cancel, after-sales), not by editing the document` });
  }
  const _ = db().command as unknown as { set(value: unknown): unknown };
  const data: AnyDoc = {};
  for (const [key, value] of Object.entries(doc)) if (!GUARDED_ORDER_FIELDS.includes(key)) data[key] = _.set(value);
  if (Object.keys(data).length) {
    const { stats } = await db().collection(COLLECTIONS.orders).where({ _id: req.orderId, status: current.status }).update({ data });
    if (stats.updated !== 1 && JSON.stringify((await getDoc(COLLECTIONS.orders, req.orderId))?.status) !== JSON.stringify(current.status)) {
      throw new AppError('CONFLICT', '订单已变化，请刷新后重试', { orderId: req.orderId }, { detail: `order ${req.orderId} changed meanwhile; reload and edit again` });
    }
  }
  return { order: toView((await getDoc(COLLECTIONS.orders, req.orderId)) as AnyDoc) };
}

/* ------------------------------------------------------------------ flash sales (server/flash-sales.ts) */

export const scheduleFlashSale = (req: Req<'scheduleFlashSale'>, caller: ActionCaller): Promise<Res<'scheduleFlashSale'>> => scheduleSale(req, who(caller));
export const endFlashSale = (req: Req<'endFlashSale'>, caller: ActionCaller): Promise<Res<'endFlashSale'>> => endSale(req, who(caller));
export { list as flashSales } from './flash-sales';
