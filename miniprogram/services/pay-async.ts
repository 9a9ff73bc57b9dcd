import type { NoticeKind } from '../../typings/domain';
import type { PayResult } from '../pages-shop/services/pay';
import { NETWORK_MESSAGE } from './api';

type PayModule = typeof import('../pages-shop/services/pay');

/**
 * payOrder for pages outside the shop package (a group, the order list and detail). The pay flow and
 * its subscribe-message asks ship in `shop`, loaded on first use (require.async, 分包异步化; see
 * docs/reference/subpackage-async.md); like payOrder it never throws.
 */
export async function payOrder(orderId: string, notices?: readonly NoticeKind[]): Promise<PayResult> {
  let pay: PayModule;
  try {
    pay = (await require.async('../pages-shop/services/pay.js')) as PayModule;
  } catch {
    return { outcome: 'failed', message: NETWORK_MESSAGE };
  }
  return pay.payOrder(orderId, notices);
}
