/**
 * How a flash sale reads on a shopper's screen: its clock times and how much of it is taken. Apart
 * from the sale rules (flash-sale.ts) so the flash bar on the product page needs only these lines.
 */
import type { FlashSaleView } from '../../typings/api';
import { chinaDateTime } from './china-time';

/** "06-18 10:00": an instant as shoppers in China read it, whatever the phone's or server's zone. */
export function chinaClock(ms: number): string {
  return chinaDateTime(ms).slice(5);
}

/** Percentage of the allotment taken, 0-100 (the page's progress bar). */
export function takenPercent(view: Pick<FlashSaleView, 'allotment' | 'remaining'>): number {
  if (view.allotment <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round(((view.allotment - view.remaining) / view.allotment) * 100)));
}
