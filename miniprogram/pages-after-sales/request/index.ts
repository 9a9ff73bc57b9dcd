import type { AfterSalePreview, AfterSaleUnits, RefundableLine } from '../../../typings/api';
import { loadOrderWithState } from '../../behaviors/load-state';
import type { LoadStatus } from '../../behaviors/load-state';
import { call, errorText } from '../../services/api';
import { newRequestId } from '../../utils/id';
import { openOrders, ordersUrl } from '../../utils/routes';

/** One line of the order the shopper may ask back (only lines with units left; `max` is the server's). */
interface FormLine extends RefundableLine {
  qty: number;
}

const AFTER_SALE_REASONS = ['不想要了', '拍错/多拍', '商品质量问题', '商品与描述不符', '发错货/漏发', '其他'];

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    lines: [] as FormLine[],
    reasons: AFTER_SALE_REASONS,
    reason: '',
    note: '',
    noteMax: 100,
    /** The server's preview of the refund (orders.previewAfterSale; it prices the request again). */
    refundFee: 0,
    includesShipping: false,
    immediate: false,
    problem: '',
    /** The preview the page shows is for the units on screen (none is on its way). */
    priced: false,
    canSubmit: false,
    busy: false,
  },

  orderId: '',
  /** One key per form: a retried submit is the same request. */
  requestId: '',
  /** Previews asked so far: an answer for units the shopper has changed since is dropped. */
  asked: 0,

  onLoad(query: Record<string, string | undefined>) {
    this.orderId = query && query.orderId ? decodeURIComponent(query.orderId) : '';
    this.requestId = newRequestId();
    this.load();
  },

  /** The lines still free to ask back, every unit preselected, and their refund, from the server. */
  async load() {
    this.asked += 1;
    const preview = await loadOrderWithState(this, this.orderId, this.data.lines.length > 0, (orderId) => call('orders', 'previewAfterSale', { orderId }));
    if (!preview) return;
    const lines: FormLine[] = preview.lines.map((l) => ({ ...l, qty: l.max }));
    if (lines.length === 0) {
      this.setData({ status: 'empty', message: '这个订单的商品都已申请过售后' });
      return;
    }
    this.setData({ status: 'ok', lines });
    this.showPreview(preview);
  },

  units(): AfterSaleUnits[] {
    return this.data.lines.filter((l) => l.qty > 0).map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty }));
  },

  /** Asks the server what the units on screen would refund (the same rule it decides the request with). */
  async preview() {
    const ticket = (this.asked += 1);
    this.setData({ priced: false, canSubmit: false });
    const res = await call('orders', 'previewAfterSale', { orderId: this.orderId, lines: this.units() });
    if (ticket !== this.asked) return;
    if (!res.ok) {
      this.setData({ refundFee: 0, includesShipping: false, problem: errorText(res.error), priced: false, canSubmit: false });
      return;
    }
    this.showPreview(res.data);
  },

  showPreview(preview: AfterSalePreview) {
    this.setData({
      refundFee: preview.refundFee,
      includesShipping: preview.shippingRefund > 0,
      immediate: preview.immediate,
      problem: preview.problem ? preview.problem.message : '',
      priced: true,
    });
    this.updateCanSubmit();
  },

  updateCanSubmit() {
    this.setData({ canSubmit: this.data.priced && !this.data.problem && !!this.data.reason });
  },

  onQtyChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
    const index = Number(e.currentTarget.dataset.index);
    this.setData({ [`lines[${index}].qty`]: e.detail.value });
    this.preview();
  },

  onReasonTap(e: WechatMiniprogram.TouchEvent) {
    this.setData({ reason: String(e.currentTarget.dataset.reason) });
    this.updateCanSubmit();
  },

  onNoteInput(e: WechatMiniprogram.Input) {
    this.setData({ note: e.detail.value });
  },

  async onSubmit() {
    if (this.data.busy || !this.data.canSubmit) return;
    const units = this.units();
    const note = this.data.note.trim();
    // A listed reason and a note of at most noteMax: well inside the server's limit on a reason.
    const reason = note ? `${this.data.reason}：${note}` : this.data.reason;
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
