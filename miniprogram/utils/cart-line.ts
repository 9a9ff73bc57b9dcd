import type { CartItem } from '../../typings/domain';

/**
 * A cart line as the device stores it. Each line keeps what it last displayed (title, image, spec) so
 * the cart renders before the revalidation through inventory.check returns, or when it cannot.
 */
export interface StoredCartItem extends CartItem {
  title?: string;
  image?: string;
  specText?: string;
}

/** One line per SKU: the key lines, checks and selections are matched by. */
export function lineKey(item: { productId: string; skuId: string }): string {
  return `${item.productId}|${item.skuId}`;
}
