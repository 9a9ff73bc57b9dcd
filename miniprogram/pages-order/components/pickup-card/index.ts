import type { OrderPickup, OrderStatus } from '../../../../typings/domain';
import { call, errorText } from '../../../services/api';
import { formatPickupCode } from '../../../domain/pickup';
import { chinaDateTime } from '../../../domain/china-time';

/**
 * A pickup order's store and, once paid, its pickup code as digits and as a QR code for the store to
 * scan (asked from the server: the code never travels with the order). After the handover it says when.
 */
Component({
  properties: {
    orderId: { type: String, value: '' },
    status: { type: String, value: '' },
    pickup: { type: Object, value: null as OrderPickup | null },
  },
  data: { code: '', qr: '', pickedUpText: '', loading: false, error: '' },
  observers: {
    'orderId, status'(orderId: string, status: OrderStatus) {
      if (orderId && (status === 'paid' || status === 'completed')) this.load();
      else this.setData({ code: '', qr: '', pickedUpText: '', error: '' });
    },
  },
  methods: {
    async load() {
      this.setData({ loading: true, error: '' });
      const res = await call('orders', 'pickupCode', { orderId: this.data.orderId });
      if (!res.ok) {
        this.setData({ loading: false, error: errorText(res.error) });
        return;
      }
      const { code, qr, pickedUpAt } = res.data;
      this.setData({ loading: false, code: formatPickupCode(code), qr, pickedUpText: pickedUpAt ? chinaDateTime(pickedUpAt) : '' });
    },
  },
});
