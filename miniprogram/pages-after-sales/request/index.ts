import type { OrderView } from '../../../typings/domain';
import { loadOrderWithState } from '../../behaviors/load-state';
import type { LoadStatus } from '../../behaviors/load-state';
import { DEFAULT_AFTER_SALE_WINDOW_DAYS, MAX_REASON_LENGTH, planAfterSale, remainingUnits } from '../../domain/after-sales';
import { call, errorText } from '../../services/api';
import { newRequestId } from '../../utils/id';
import { openOrders, ordersUrl } from '../../utils/routes';

/** One line of the order the shopper may ask back (only lines with units left). */
interface FormLine {
  productId: string;
  skuId: string;
  title: string;
  specText: string;
  image: string;
  unitPrice: number;
  /** Units still free to ask back. */
  max: number;
  qty: number;
}

const AFTER_SALE_REASONS = ['不想要了', '拍错/多拍', '商品质量问题', '商品与描述不符', '发错货/漏发', '其他'];
const WINDOW_MS = DEFAULT_AFTER_SALE_WINDOW_DAYS * 86_400_000;

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    lines: [] as FormLine[],
    reasons: AFTER_SALE_REASONS,
    reason: '',
    note: '',
    noteMax: 100,
    /** Preview of the refund (the server prices it again). */
    refundFee: 0,
    includesShipping: false,
    immediate: false,
    problem: '',
    canSubmit: false,
    busy: false,
  },

  orderId: '',
  order: null as OrderView | null,
  /** One key per form: a retried submit is the same request. */
  requestId: '',

  onLoad(query: Record<string, string | undefined>) {
    this.orderId = query && query.orderId ? decodeURIComponent(query.orderId) : '';
    this.requestId = newRequestId();
    this.load();
  },

  async load() {
    const data = await loadOrderWithState(this, this.orderId, !!this.order, (orderId) => call('orders', 'get', { orderId }));
    if (!data) return;
    this.order = data.order;
    const left = remainingUnits(data.order);
    const lines: FormLine[] = data.order.lines
      .map((l, i) => ({ productId: l.productId, skuId: l.skuId, title: l.title, specText: l.specText, image: l.image, unitPrice: l.unitPrice, max: left[i], qty: left[i] }))
      .filter((l) => l.max > 0);
    if (lines.length === 0) {
      this.setData({ status: 'empty', message: '这个订单的商品都已申请过售后' });
      return;
    }
    this.setData({ status: 'ok', lines });
    this.preview();
  },

  /** The refund these units would get and whether it is refunded at once, by the same rule as the server. */
  preview() {
    const order = this.order;
    if (!order) return;
    const units = this.data.lines.filter((l) => l.qty > 0).map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty }));
    const plan = planAfterSale(order, units, 'preview', Date.now(), WINDOW_MS);
    const problem = units.length === 0 ? '请选择要退的商品' : plan.ok ? '' : plan.message;
    this.setData({
      refundFee: plan.ok ? plan.refundFee : 0,
      includesShipping: plan.ok && plan.shippingRefund > 0,
      immediate: plan.ok && plan.immediate,
      problem,
      canSubmit: plan.ok && !!this.data.reason,
    });
  },

  onQtyChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
    const index = Number(e.currentTarget.dataset.index);
    this.setData({ [`lines[${index}].qty`]: e.detail.value });
    this.preview();
  },

  onReasonTap(e: WechatMiniprogram.TouchEvent) {
    this.setData({ reason: String(e.currentTarget.dataset.reason) });
    this.preview();
  },

  onNoteInput(e: WechatMiniprogram.Input) {
    this.setData({ note: e.detail.value });
  },

  async onSubmit() {
    if (this.data.busy || !this.data.canSubmit) return;
    const units = this.data.lines.filter((l) => l.qty > 0).map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty }));
    const note = this.data.note.trim();
    const reason = (note ? `${this.data.reason}：${note}` : this.data.reason).slice(0, MAX_REASON_LENGTH);
    this.setData({ busy: true });
    const res = await call('orders', 'requestAfterSale', { orderId: this.orderId, requestId: this.requestId, lines: units, reason });
    this.setData({ busy: false });
    if (!res.ok) {
      wx.showToast({ title: errorText(res.error), icon: 'none' });
      return;
    }
    const status = res.data.afterSale.status;
    wx.showToast({ title: status === 'refunded' ? '退款成功' : status === 'refunding' ? '退款处理中' : '已提交，等待商家处理', icon: status === 'refunded' ? 'success' : 'none' });
    // Back to the order, which shows the request (it reloads on show).
    if (getCurrentPages().length > 1) wx.navigateBack({ delta: 1 });
    else wx.redirectTo({ url: ordersUrl('after_sales') });
  },

  onBackToList() {
    openOrders();
  },

  onRetry() {
    this.load();
  },
});
