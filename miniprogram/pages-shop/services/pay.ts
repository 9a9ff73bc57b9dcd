import type { NoticeKind } from '../../../typings/domain';
import { isUserCancel } from '../../utils/wx-error';
import { call, errorText } from '../../services/api';
import { pageUrl, PAGES } from '../../utils/routes';
import { askFor, useNoticeTemplates } from './notify';

/**
 * What became of one attempt to pay an order, in the words every page uses:
 * - `paid`: WeChat Pay accepted it (the server learns it from the pay notification);
 * - `cancelled`: the shopper closed the payment sheet; the order waits unpaid;
 * - `refused`: the server would not start a payment (order expired, already paid, …); `message` says why;
 * - `failed`: the payment itself failed.
 */
export type PayOutcome = 'paid' | 'cancelled' | 'refused' | 'failed';

export interface PayResult {
  outcome: PayOutcome;
  /** A short Chinese sentence fit for a toast. */
  message: string;
}

/** orders.pay, then the WeChat Pay sheet with the parameters the server signed; never throws. */
/** `notices`: what the shopper is asked to be told about once the payment succeeds (at most 3 kinds). */
export async function payOrder(orderId: string, notices: readonly NoticeKind[] = ['shipped', 'refund']): Promise<PayResult> {
  const res = await call('orders', 'pay', { orderId });
  if (!res.ok) return { outcome: 'refused', message: errorText(res.error) };
  if (res.data.noticeTemplates) useNoticeTemplates(res.data.noticeTemplates);
  try {
    // Right after the payment's success, where WeChat allows the subscribe dialog: news of this order.
    await wx.requestPayment({ ...res.data.payment }).then(() => askFor(notices));
    return { outcome: 'paid', message: '支付成功' };
  } catch (err) {
    return isUserCancel(err) ? { outcome: 'cancelled', message: '已取消支付' } : { outcome: 'failed', message: '支付失败，请重试' };
  }
}

export function isPayOutcome(value: unknown): value is PayOutcome {
  return value === 'paid' || value === 'cancelled' || value === 'refused' || value === 'failed';
}

/** The result page for an order just placed, showing `outcome`. */
export function payResultUrl(orderId: string, outcome: PayOutcome): string {
  return pageUrl(PAGES.payResult, { orderId, status: outcome });
}
