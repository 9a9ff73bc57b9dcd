import type { OrderButton, ShopperOrder } from '../../../../typings/api';
import { cancelOrder, confirmReceipt } from '../../services/orders';
import { payOrder } from '../../../services/pay-async';
import { groupPagePath } from '../../../domain/group-page';
import { afterSaleRequestUrl } from '../../../utils/routes';

/**
 * The buttons of one order (its group, after-sales, cancel, pay, confirm receipt) and what they do,
 * shared by the order list and the order detail page. Which buttons show, and in which order, is the
 * server's to say (each order's `buttons`, server/order-presenter.ts); the page passes the ones it
 * shows. This component runs the action, tells the shopper how it went and emits `change`
 * (`detail.order` = the updated order when the server returned it) so the page refreshes.
 */
Component({
  properties: {
    orderId: { type: String, value: '' },
    buttons: { type: Array, value: [] as OrderButton[] },
    /** the pay button's words here (e.g. 去支付 on a list row), else the server's */
    payText: { type: String, value: '' },
    /** the payment's transaction id: confirm receipt then goes through WeChat's component */
    transactionId: { type: String, value: '' },
    /** a group order's group: 查看拼团 opens its page (members, countdown, share card) */
    groupId: { type: String, value: '' },
  },
  data: { busy: false, shown: [] as OrderButton[] },
  observers: {
    'buttons, payText'(buttons: OrderButton[], payText: string) {
      this.setData({ shown: (buttons || []).map((b) => (b.type === 'pay' && payText ? { type: b.type, name: payText, primary: b.primary } : b)) });
    },
  },
  methods: {
    onTap(e: WechatMiniprogram.TouchEvent) {
      const type = String(e.currentTarget.dataset.type) as OrderButton['type'];
      if (type === 'pay') this.onPay();
      else if (type === 'cancel') this.onCancel();
      else if (type === 'confirm') this.onConfirm();
      else if (type === 'after-sale') this.onAfterSale();
      else if (type === 'group') this.onOpenGroup();
    },

    async onPay() {
      if (this.data.busy || !this.data.orderId) return;
      this.setData({ busy: true });
      const result = await payOrder(this.data.orderId);
      this.setData({ busy: false });
      wx.showToast({ title: result.message, icon: result.outcome === 'paid' ? 'success' : 'none' });
      if (result.outcome === 'paid') this.changed(null);
    },

    async onCancel() {
      const order = await cancelOrder(this.data.orderId);
      if (order) this.changed(order);
    },

    async onConfirm() {
      if (this.data.busy || !this.data.orderId) return;
      this.setData({ busy: true });
      const order = await confirmReceipt(this.data.orderId, this.data.transactionId);
      this.setData({ busy: false });
      if (order) this.changed(order);
    },

    /** The request form; the page shows the request when the shopper comes back (its onShow reloads). */
    onAfterSale() {
      if (this.data.orderId) wx.navigateTo({ url: afterSaleRequestUrl(this.data.orderId) });
    },

    onOpenGroup() {
      if (this.data.groupId) wx.navigateTo({ url: groupPagePath(this.data.groupId) });
    },

    changed(order: ShopperOrder | null) {
      this.triggerEvent('change', { orderId: this.data.orderId, order });
    },
  },
});
