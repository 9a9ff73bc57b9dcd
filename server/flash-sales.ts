/**
 * Flash sales on the server: the merchant's schedule (the allotment leaves the SKU's stock through the
 * stock ledger), the end of a sale (what is left of the allotment goes back to stock: by the
 * `endFlashSales` timer, and lazily whenever a due sale is read), and what a checkout needs: the sales
 * of its products, the unit-price step and the refusals (domain/flash-sale); and listing cards at the
 * sale price while a sale runs.
 */
import type { ActionRequest, ActionResponse, MerchantFlashSale, ProductSummary } from '../typings/api';
import type { Product } from '../typings/domain';
import type { NormalizeResult } from '../miniprogram/domain/normalize';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { asFlashSale, flashPhase, flashRefusal, flashSummary, isDueToEnd, resolveUnitPrices, scheduleProblems, type FlashSale } from '../miniprogram/domain/flash-sale';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalid, notFound } from './errors';
import { randomId } from './ids';
import { allotmentKey, flashSaleDocId } from './allotment';
import { heldUnits } from './flash-limit';
import { moveStockTx, skuFigures } from './stock-ledger';

/** Retry budget of a merchant's sale write that contends with checkouts of the same SKU. */
const MERCHANT_BUDGET_MS = 25_000;

function toMerchantView(sale: FlashSale, at: number): MerchantFlashSale {
  const { productId, skuId, price, allotment, startAt, endAt, limit, saleId, ended } = sale;
  return { productId, skuId, price, allotment, startAt, endAt, limit, saleId, ended, remaining: ended ? 0 : sale.remaining, phase: flashPhase(sale, at) };
}

/**
 * Ends a SKU's sale: what is left of its allotment goes back to the SKU's stock (one `unallot` move)
 * and the sale is marked ended, in one transaction. Nothing happens to a sale already ended.
 */
async function endSale(docId: string, merchant: string): Promise<FlashSale | null> {
  return withTransaction(async (tx) => {
    const sale = asFlashSale(await txGet(tx, COLLECTIONS.flashSales, docId));
    if (!sale || sale.ended) return sale;
    const product = await txGet(tx, COLLECTIONS.products, sale.productId);
    if (product && sale.remaining > 0) {
      await moveStockTx(tx, sale.productId, [{ skuId: sale.skuId, stock: sale.remaining, allotted: -sale.remaining }], { reason: 'unallot', merchant, note: sale.saleId }, { product });
    } else if (!product) {
      console.warn(`[flash] sale ${sale.saleId}: product ${sale.productId} is gone; ${sale.remaining} allotted units not returned`);
    }
    await tx.collection(COLLECTIONS.flashSales).doc(docId).update({ data: { ended: true, remaining: 0, endedAt: now() } });
    return { ...sale, ended: true, remaining: 0 };
  }, { budgetMs: MERCHANT_BUDGET_MS });
}

/** Ends the due sales among `sales` (read just before), answering every sale as it is afterwards. */
export async function endDue(sales: FlashSale[]): Promise<FlashSale[]> {
  const at = now();
  return Promise.all(sales.map(async (sale) => (isDueToEnd(sale, at) ? ((await endSale(sale._id, 'server')) ?? sale) : sale)));
}

/** The sales of some products (every SKU's current or last one), due ones ended first. */
export async function loadFlashSales(productIds: readonly string[]): Promise<FlashSale[]> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return [];
  const { data } = await db().collection(COLLECTIONS.flashSales).where({ productId: db().command.in(ids) }).limit(1000).get();
  return endDue(data.map((doc) => asFlashSale(doc)).filter((sale): sale is FlashSale => sale !== null));
}

/** Products at the prices a checkout pays now (the unit-price step applied). */
export function atFlashPrices(products: Map<string, NormalizeResult>, sales: readonly FlashSale[], at: number): Map<string, NormalizeResult> {
  if (sales.length === 0) return products;
  return new Map([...products].map(([id, result]) => [id, resolveUnitPrices(result, sales, at)]));
}

/** Listing cards at the prices a checkout would pay now: a running flash sale's price on the cloud's clock. */
export async function summariesNow(products: readonly Product[]): Promise<ProductSummary[]> {
  const sales = await loadFlashSales(products.map((p) => p._id));
  const at = now();
  return products.map((p) => flashSummary(p, sales, at));
}

/** Every timer run: sales past their end give the rest of their allotment back to stock. */
export async function endDueFlashSales(): Promise<{ ended: number }> {
  const { data } = await db().collection(COLLECTIONS.flashSales).where({ ended: false, endAt: db().command.lte(now()) }).limit(100).get();
  let ended = 0;
  for (const doc of data) {
    try {
      if (await endSale(String(doc._id), 'server')) ended += 1;
    } catch (error) {
      console.error(`[flash] sale ${String(doc._id)} not ended this run`, error);
    }
  }
  if (ended > 0) console.log(`[orders.endFlashSales] ended ${ended}`);
  return { ended };
}

/* ------------------------------------------------------------------ shoppers */

/** Sales of a checkout's lines, by allotmentKey. */
export function salesByLine(sales: readonly FlashSale[]): Map<string, FlashSale> {
  return new Map(sales.map((sale) => [allotmentKey(sale.productId, sale.skuId), sale]));
}

/** Refuses a line the sale will not sell (throws with the refusal's code and message). */
export function refuseFlashLine(sale: FlashSale, line: { productId: string; skuId: string; qty: number; expectedPrice?: number }, held: number, at: number): void {
  const refusal = flashRefusal(sale, line, held, at);
  if (refusal) throw new AppError(refusal.code, refusal.message, { productId: line.productId, skuId: line.skuId, limit: sale.limit, held, remaining: sale.remaining });
}

/** The cheap refusal before the checkout's transaction (which checks again): reads the shopper's counters. */
export async function refuseFlashLines(openid: string, lines: readonly { productId: string; skuId: string; qty: number; expectedPrice?: number }[], sales: ReadonlyMap<string, FlashSale>): Promise<void> {
  const at = now();
  for (const line of lines) {
    const sale = sales.get(allotmentKey(line.productId, line.skuId));
    if (sale) refuseFlashLine(sale, line, flashPhase(sale, at) === 'active' ? await heldUnits(sale.saleId, openid) : 0, at);
  }
}

/** The sale documents of a checkout's flash lines, read inside its transaction. */
export async function readSalesTx(tx: TxCollections, sales: ReadonlyMap<string, FlashSale>): Promise<Map<string, FlashSale>> {
  const out = new Map<string, FlashSale>();
  for (const [key, sale] of sales) {
    const current = asFlashSale(await txGet(tx, COLLECTIONS.flashSales, sale._id));
    if (current) out.set(key, current);
  }
  return out;
}

/* ------------------------------------------------------------------ merchant */

export async function schedule(req: ActionRequest<'merchant', 'scheduleFlashSale'>, merchant: string): Promise<ActionResponse<'merchant', 'scheduleFlashSale'>> {
  const docId = flashSaleDocId(req.productId, req.skuId);
  // A previous sale past its end gives its allotment back before this one carves a new one.
  await loadFlashSales([req.productId]);
  const sale = await withTransaction(async (tx) => {
    const product = await txGet(tx, COLLECTIONS.products, req.productId);
    if (!product) throw notFound('商品不存在', { productId: req.productId });
    const normalized = normalizeProduct(product);
    if (!normalized.ok) throw new AppError('INVALID_STATE', '商品信息有误，请先修正商品', { productId: req.productId, problems: normalized.problems });
    const sku = normalized.product.skus.find((s) => s.skuId === req.skuId);
    const raw = (product.skus as AnyDoc[]).find((s) => s?.skuId === req.skuId);
    const figures = raw ? skuFigures(raw) : null;
    if (!sku || !figures) throw notFound('商品规格不存在', { productId: req.productId, skuId: req.skuId });
    const existing = asFlashSale(await txGet(tx, COLLECTIONS.flashSales, docId));
    if (existing && !existing.ended) throw new AppError('CONFLICT', '该规格已有未结束的秒杀，请等它结束或先结束它', { saleId: existing.saleId });
    const at = now();
    const problems = scheduleProblems(req, { price: sku.price, stock: figures.stock }, at);
    const reasons = problems.join('；');
    if (problems.length > 0) throw invalid(`秒杀设置有误：${reasons}`, { reasons: problems });
    const next: FlashSale = { _id: docId, saleId: `S${randomId(15)}`, productId: req.productId, skuId: req.skuId, price: req.price, allotment: req.allotment, remaining: req.allotment, startAt: req.startAt, endAt: req.endAt, limit: req.limit, ended: false, createdAt: at };
    await moveStockTx(tx, req.productId, [{ skuId: req.skuId, stock: -req.allotment, allotted: req.allotment }], { reason: 'allot', merchant, note: next.saleId }, { product, strict: true });
    const { _id, ...data } = next;
    await tx.collection(COLLECTIONS.flashSales).doc(_id).set({ data: { ...data, merchant } });
    return next;
  }, { budgetMs: MERCHANT_BUDGET_MS });
  return { sale: toMerchantView(sale, now()) };
}

export async function list(req: ActionRequest<'merchant', 'flashSales'>): Promise<ActionResponse<'merchant', 'flashSales'>> {
  const where: AnyDoc = req.productId ? { productId: req.productId } : {};
  const { data } = await db().collection(COLLECTIONS.flashSales).where(where).orderBy('createdAt', 'desc').limit(100).get();
  const sales = await endDue(data.map((doc) => asFlashSale(doc)).filter((sale): sale is FlashSale => sale !== null));
  const at = now();
  return { sales: sales.map((sale) => toMerchantView(sale, at)) };
}

export async function end(req: ActionRequest<'merchant', 'endFlashSale'>, merchant: string): Promise<ActionResponse<'merchant', 'endFlashSale'>> {
  const docId = flashSaleDocId(req.productId, req.skuId);
  const sale = asFlashSale(await getDoc(COLLECTIONS.flashSales, docId));
  if (!sale) throw notFound('该规格没有秒杀', { productId: req.productId, skuId: req.skuId });
  if (!sale.ended) {
    // From now on no checkout takes from it; the end below returns the rest of the allotment.
    await db().collection(COLLECTIONS.flashSales).where({ _id: docId, ended: false }).update({ data: { endAt: Math.min(sale.endAt, now()) } });
  }
  const ended = (await endSale(docId, merchant)) ?? sale;
  return { sale: toMerchantView(ended, now()) };
}
