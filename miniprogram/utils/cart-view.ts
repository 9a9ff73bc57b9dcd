import type { CheckLineResult } from '../../typings/api';
import type { LineProblemCode } from '../../typings/domain';
import { cartTotal, MAX_QTY_PER_LINE } from '../domain/cart';
import { lineKey } from './cart-line';
import type { StoredCartItem } from './cart-line';

/** Pure view-model of the cart page: which lines can be bought and which need the shopper first. */
export interface LineView {
  key: string;
  productId: string;
  title: string;
  image: string;
  specText: string;
  qty: number;
  price: number;
  max: number;
  selected: boolean;
}

export type ProblemKind = 'gone' | 'stock' | 'price';

export interface ProblemView {
  key: string;
  title: string;
  image: string;
  specText: string;
  qty: number;
  kind: ProblemKind;
  text: string;
  oldPrice: number;
  newPrice: number;
  available: number;
}

const GONE: LineProblemCode[] = ['NOT_FOUND', 'INVALID_PRODUCT', 'OFF_SHELF', 'SOLD_OUT'];

/** Most severe first: a line that cannot be bought at all is "gone", whatever else changed. */
export function problemKind(check: CheckLineResult): ProblemKind | null {
  const codes = check.problems.map((p) => p.code);
  if (codes.length === 0) return null;
  if (codes.some((c) => GONE.indexOf(c) >= 0)) return 'gone';
  if (codes.indexOf('INSUFFICIENT_STOCK') >= 0 || codes.indexOf('QTY_LIMIT') >= 0) return 'stock';
  return 'price';
}

/** Splits the cart into buyable lines and problem lines, using the latest check where there is one. */
export function buildCartView(items: StoredCartItem[], checks: Record<string, CheckLineResult>) {
  const lines: LineView[] = [];
  const problems: ProblemView[] = [];
  for (const item of items) {
    const key = lineKey(item);
    const check = checks[key];
    const title = (check && check.title) || item.title || '商品';
    const image = (check && check.image) || item.image || '';
    const spec = (check && check.specText) || item.specText || '';
    const kind = check ? problemKind(check) : null;
    if (check && kind) {
      problems.push({
        key,
        title,
        image,
        specText: spec,
        qty: item.qty,
        kind,
        text: check.problems.map((p) => p.message).join('；'),
        oldPrice: item.seenPrice,
        newPrice: check.currentPrice === null ? 0 : check.currentPrice,
        available: check.available,
      });
      continue;
    }
    const available = check ? check.available : MAX_QTY_PER_LINE;
    lines.push({
      key,
      productId: item.productId,
      title,
      image,
      specText: spec,
      qty: item.qty,
      price: check && check.currentPrice !== null ? check.currentPrice : item.seenPrice,
      max: Math.max(1, Math.min(available, MAX_QTY_PER_LINE)),
      selected: item.selected,
    });
  }
  const selected = lines.filter((l) => l.selected);
  return {
    lines,
    problems,
    total: cartTotal(selected.map((l) => ({ unitPrice: l.price, qty: l.qty }))),
    selectedCount: selected.reduce((n, l) => n + l.qty, 0),
    allSelected: lines.length > 0 && selected.length === lines.length,
  };
}

