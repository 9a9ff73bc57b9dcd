import { addToCart, MAX_QTY_PER_LINE } from '../domain/cart';
import { lineKey } from '../utils/cart-line';
import type { StoredCartItem } from '../utils/cart-line';
import { readStorage, writeStorage } from '../utils/storage';

export { lineKey };
export type { StoredCartItem };

/**
 * The cart lives on the device (storage key below), so it survives restarts without a login.
 * Lines are StoredCartItem (utils/cart-line): the line plus what it last displayed.
 */
export const CART_STORAGE_KEY = 'storefront.cart.v1';

let cache: StoredCartItem[] | null = null;

export function loadCart(): StoredCartItem[] {
  if (cache) return cache;
  const stored = readStorage(CART_STORAGE_KEY);
  cache = Array.isArray(stored) ? stored.filter(isStoredItem) : [];
  return cache;
}

export function saveCart(items: StoredCartItem[]): void {
  cache = items;
  // Storage full or unavailable: the in-memory cart still works until the app is closed.
  writeStorage(CART_STORAGE_KEY, items);
  refreshBadge();
}

export function addItem(
  item: { productId: string; skuId: string; qty: number; seenPrice: number; title: string; image: string; specText: string },
): StoredCartItem[] {
  const next = addToCart(loadCart(), item, Date.now()) as StoredCartItem[];
  // addToCart keeps the old snapshot of an existing line; the shopper just saw the fresh one.
  const key = lineKey(item);
  const updated = next.map((line) => (lineKey(line) === key ? { ...line, title: item.title, image: item.image, specText: item.specText } : line));
  saveCart(updated);
  return updated;
}

export function updateLine(key: string, patch: Partial<Pick<StoredCartItem, 'qty' | 'selected' | 'seenPrice' | 'title' | 'image' | 'specText'>>): StoredCartItem[] {
  const next = loadCart().map((line) => {
    if (lineKey(line) !== key) return line;
    const merged = { ...line, ...patch };
    merged.qty = Math.max(1, Math.min(MAX_QTY_PER_LINE, Math.floor(merged.qty)));
    return merged;
  });
  saveCart(next);
  return next;
}

export function removeLines(keys: string[]): StoredCartItem[] {
  const drop = new Set(keys);
  const next = loadCart().filter((line) => !drop.has(lineKey(line)));
  saveCart(next);
  return next;
}

export function cartCount(): number {
  return loadCart().reduce((sum, line) => sum + line.qty, 0);
}

/** Shows the number of units on the cart tab; harmless when called from a non-tab page. */
export function refreshBadge(): void {
  const count = cache ? cache.reduce((sum, line) => sum + line.qty, 0) : 0;
  const opts = { index: 1, fail: () => undefined };
  if (count > 0) wx.setTabBarBadge({ ...opts, text: count > 99 ? '99+' : String(count) });
  else wx.removeTabBarBadge(opts);
}

/** Sets the tab badge at launch without a synchronous storage read on the launch path. */
export function refreshBadgeAsync(): void {
  if (cache) {
    refreshBadge();
    return;
  }
  wx.getStorage({
    key: CART_STORAGE_KEY,
    success: (res) => {
      if (!cache) cache = Array.isArray(res.data) ? (res.data as unknown[]).filter(isStoredItem) : [];
      refreshBadge();
    },
    fail: () => undefined,
  });
}

/** For tests: forget the in-memory copy so the next load reads storage. */
export function resetCartCache(): void {
  cache = null;
}

function isStoredItem(value: unknown): value is StoredCartItem {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.productId === 'string' && typeof v.skuId === 'string' && typeof v.qty === 'number' && typeof v.seenPrice === 'number';
}
