/**
 * How a flash sale reads on a shopper's screen: its clock times and how much of it is taken. Apart
 * from the sale rules (flash-sale.ts) so the flash bar on the product page needs only these lines.
 */
import type { FlashSaleView } from '../../typings/api';

/** "06-18 10:00": an instant as shoppers in China read it, whatever the phone's or server's zone. */
export function chinaClock(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Percentage of the allotment taken, 0-100 (the page's progress bar). */
export function takenPercent(view: Pick<FlashSaleView, 'allotment' | 'remaining'>): number {
  if (view.allotment <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round(((view.allotment - view.remaining) / view.allotment) * 100)));
}
