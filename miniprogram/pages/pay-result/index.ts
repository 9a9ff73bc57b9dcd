import { call } from '../../services/api';
import { HOME_PAGE } from '../../services/entry';

type Outcome = 'paid' | 'unpaid' | 'failed' | 'checking';

const TEXT: Record<Outcome, { title: string; hint: string }> = {
  checking: { title: '正在确认支付结果…', hint: '' },
  paid: { title: '支付成功', hint: '我们会尽快为你发货' },
  unpaid: { title: '订单已提交，尚未支付', hint: '请在订单关闭前完成支付' },
  failed: { title: '支付未完成', hint: '可以在订单详情中重新支付' },
};

Page({
  data: {
    outcome: 'checking' as Outcome,
    title: TEXT.checking.title,
    hint: '',
    orderId: '',
  },

  onLoad(query: Record<string, string | undefined>) {
    const orderId = query.orderId ? decodeURIComponent(query.orderId) : '';
    const status = query.status === 'paid' ? 'paid' : query.status === 'failed' ? 'failed' : 'unpaid';
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

  show(outcome: Outcome) {
    this.setData({ outcome, title: TEXT[outcome].title, hint: TEXT[outcome].hint });
  },

  onViewOrder() {
    if (!this.data.orderId) return;
    wx.redirectTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(this.data.orderId)}` });
  },

  onGoHome() {
    wx.switchTab({ url: `/${HOME_PAGE}` });
  },
});
