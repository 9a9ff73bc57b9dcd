import type { OrderLineRequest } from '../../typings/api';

/**
 * Hands the lines to check out from the product page (buy now) or the cart to the checkout page.
 * Kept in memory rather than in the page URL: a cart can hold 50 lines, far past what a path should carry.
 */
export interface CheckoutDraft {
  source: 'cart' | 'buy_now';
  lines: OrderLineRequest[];
}

let draft: CheckoutDraft | null = null;

export function setCheckoutDraft(next: CheckoutDraft): void {
  draft = { source: next.source, lines: next.lines.map((line) => ({ ...line })) };
}

export function getCheckoutDraft(): CheckoutDraft | null {
  return draft;
}

export function clearCheckoutDraft(): void {
  draft = null;
}
