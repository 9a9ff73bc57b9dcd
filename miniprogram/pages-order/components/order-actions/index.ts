import type { OrderView } from '../../../../typings/domain';
import { cancelOrder, confirmReceipt } from '../../services/orders';
import { payOrder } from '../../../services/pay-async';
import { groupPagePath } from '../../../domain/group-page';
import { afterSaleRequestUrl } from '../../../utils/routes';

/**
 * The buttons of one order (cancel, pay, confirm receipt, after-sales, its group) and what they do, shared by the order list
 * and the order detail page. Which buttons show is the page's to say (from the order state machine,
 * see services/orders toOrderCard); this component runs the action, tells the shopper how it went and
 * emits `change` (`detail.order` = the updated order when the server returned it) so the page refreshes.
 */
Component({
  properties: {
    orderId: { type: String, value: '' },
    canPay: { type: Boolean, value: false },
    canCancel: { type: Boolean, value: false },
    canConfirm: { type: Boolean, value: false },
    canAfterSale: { type: Boolean, value: false },
    payText: { type: String, value: '立即支付' },
    /** the payment's transaction id: confirm receipt then goes through WeChat's component */
    transactionId: { type: String, value: '' },
    /** a group order's group: 查看拼团 opens its page (members, countdown, share card) */
    groupId: { type: String, value: '' },
  },
  data: { busy: false },
  methods: {
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

    changed(order: OrderView | null) {
      this.triggerEvent('change', { orderId: this.data.orderId, order });
    },
  },
});
