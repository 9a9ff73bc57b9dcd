import { call } from '../../services/api';
import { isPayOutcome } from '../services/pay';
import type { PayOutcome } from '../services/pay';
import { HOME_PAGE, orderDetailUrl, switchToTab } from '../../utils/routes';

/** What the page shows: the outcome of the payment attempt, or "checking" while the server catches up. */
type View = PayOutcome | 'checking';

const UNPAID = { title: '订单已提交，尚未支付', hint: '请在订单关闭前完成支付' };
const TEXT: Record<View, { title: string; hint: string }> = {
  checking: { title: '正在确认支付结果…', hint: '' },
  paid: { title: '支付成功', hint: '我们会尽快为你发货' },
  cancelled: UNPAID,
  refused: UNPAID,
  failed: { title: '支付未完成', hint: '可以在订单详情中重新支付' },
};

Page({
  data: {
    outcome: 'checking' as View,
    title: TEXT.checking.title,
    hint: '',
    orderId: '',
  },

  onLoad(query: Record<string, string | undefined>) {
    const orderId = query.orderId ? decodeURIComponent(query.orderId) : '';
    // An unknown status is shown as "not paid yet": the order page offers to pay it.
    const status: PayOutcome = isPayOutcome(query.status) ? query.status : 'refused';
    this.setData({ orderId });
    if (status !== 'paid' || !orderId) {
      this.show(status);
      return;
    }
    // requestPayment succeeded; the server learns it from the pay notification, usually at once.
    this.confirm(orderId, 0);
  },

  closed: false,

  onUnload() {
    this.closed = true;
  },

  async confirm(orderId: string, attempt: number) {
    if (this.closed) return;
    const res = await call('orders', 'get', { orderId });
    if (res.ok && res.data.order.status !== 'pending_payment') {
      this.show('paid');
      return;
    }
    if (attempt >= 4) {
      // Paid on the WeChat side; the order page will catch up. Still tell the shopper it worked.
      this.show('paid');
      return;
    }
    setTimeout(() => this.confirm(orderId, attempt + 1), 800);
  },

  show(outcome: View) {
    this.setData({ outcome, title: TEXT[outcome].title, hint: TEXT[outcome].hint });
  },

  onViewOrder() {
    if (!this.data.orderId) return;
    wx.redirectTo({ url: orderDetailUrl(this.data.orderId) });
  },

  onGoHome() {
    switchToTab(HOME_PAGE);
  },
});
