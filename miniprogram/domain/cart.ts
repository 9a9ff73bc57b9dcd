import type { CheckLineRequest, CheckLineResult } from '../../typings/api';
import type { CartItem, Fen, LineProblem } from '../../typings/domain';
import type { NormalizeResult } from './normalize';
import { multiplyFen, sumFen } from './money';
import { availableUnits, cardImage, findSku, specText } from './product';

export const MAX_QTY_PER_LINE = 99;
export const MAX_LINES = 50;

export function isValidQty(qty: unknown): qty is number {
  return typeof qty === 'number' && Number.isSafeInteger(qty) && qty >= 1 && qty <= MAX_QTY_PER_LINE;
}

/**
 * Checks one cart line against the current product document (undefined when it was deleted).
 * Pure: the caller fetched the documents.
 */
export function checkLine(line: CheckLineRequest, current: NormalizeResult | undefined): CheckLineResult {
  const result: CheckLineResult = {
    productId: line.productId,
    skuId: line.skuId,
    qty: line.qty,
    available: 0,
    currentPrice: null,
    title: '',
    image: '',
    specText: '',
    problems: [],
  };
  if (line.seenPrice !== undefined) result.seenPrice = line.seenPrice;
  const problems: LineProblem[] = result.problems;

  if (!isValidQty(line.qty)) {
    problems.push({ code: 'QTY_LIMIT', message: `数量需在 1 到 ${MAX_QTY_PER_LINE} 之间` });
  }
  if (current === undefined) {
    problems.push({ code: 'NOT_FOUND', message: '商品已删除' });
    return result;
  }
  if (!current.ok) {
    problems.push({ code: 'INVALID_PRODUCT', message: '商品信息有误，暂不可购买' });
    return result;
  }
  const { product } = current;
  result.title = product.title;
  // Cart and order lines are small pictures: the card-sized copy when one was made.
  result.image = cardImage(product);
  const sku = findSku(product, line.skuId);
  if (!sku) {
    problems.push({ code: 'NOT_FOUND', message: '该规格已删除' });
    return result;
  }
  result.specText = specText(sku);
  result.currentPrice = sku.price;
  result.available = availableUnits(product, sku);

  if (product.status !== 'on_shelf') problems.push({ code: 'OFF_SHELF', message: '商品已下架' });
  else if (sku.stock === 0) problems.push({ code: 'SOLD_OUT', message: '已售罄' });
  else if (isValidQty(line.qty) && sku.stock < line.qty) {
    problems.push({ code: 'INSUFFICIENT_STOCK', message: `库存不足，仅剩 ${sku.stock} 件` });
  }
  if (line.seenPrice !== undefined && line.seenPrice !== sku.price) {
    problems.push({ code: 'PRICE_CHANGED', message: '价格有变动' });
  }
  return result;
}

/** Adds an item to a cart (merging with the same SKU), capped at the per-line limit. Returns a new cart. */
export function addToCart(cart: readonly CartItem[], item: Omit<CartItem, 'selected' | 'addedAt'>, now: number): CartItem[] {
  const existing = cart.find((line) => line.productId === item.productId && line.skuId === item.skuId);
  if (existing) {
    return cart.map((line) =>
      line === existing ? { ...line, qty: Math.min(MAX_QTY_PER_LINE, line.qty + item.qty), seenPrice: item.seenPrice, selected: true } : line,
    );
  }
  if (cart.length >= MAX_LINES) throw new RangeError(`a cart holds at most ${MAX_LINES} lines`);
  return [...cart, { ...item, qty: Math.min(MAX_QTY_PER_LINE, item.qty), selected: true, addedAt: now }];
}

/** Totals of the selected cart lines as the cart page shows them (display only; the server prices orders). */
export function cartTotal(lines: readonly { unitPrice: Fen; qty: number }[]): Fen {
  return sumFen(lines.map((line) => multiplyFen(line.unitPrice, line.qty)));
}
