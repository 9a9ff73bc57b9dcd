import type { OrderLine } from '../../../typings/domain';
import { addItem } from '../../services/cart';

/**
 * "再来一单": the order's lines go back into the cart, each remembered at the price paid then. The cart
 * checks every line against the catalog as it always does, so a price that moved since shows as
 * changed (the shopper agrees to today's price), an item off the shelf or short of stock shows as such,
 * and the checkout prices what is bought on the server.
 */
export function buyAgain(lines: Pick<OrderLine, 'productId' | 'skuId' | 'title' | 'specText' | 'image' | 'unitPrice' | 'qty'>[]): void {
  for (const line of lines) {
    addItem({ productId: line.productId, skuId: line.skuId, qty: line.qty, seenPrice: line.unitPrice, title: line.title, image: line.image, specText: line.specText });
  }
}
