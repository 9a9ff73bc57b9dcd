import type { FlashSaleView } from '../../../../typings/api';
import { formatFen } from '../../../domain/money';
import { chinaClock, takenPercent } from '../../../domain/flash-display';

const WHEN = { scheduled: '距开始', active: '距结束', ended: '秒杀已结束' } as const;

/** The sale to show: the picked SKU's, else the first one not over (else the first). */
function pick(sales: FlashSaleView[], skuId: string): FlashSaleView | undefined {
  return sales.find((s) => s.skuId === skuId) || (skuId ? undefined : sales.find((s) => s.phase !== 'ended') || sales[0]);
}

/**
 * A product's flash sale (秒杀): its price against the SKU's own, the per-shopper limit, how much of the
 * allotment is gone, and a countdown to the start or the end on the cloud's clock (`serverTime`, read
 * with the sales), not the phone's. Emits `change` when the countdown runs out, so the page reloads
 * and the server says what holds now.
 */
Component({
  properties: {
    sales: { type: Array, value: [] },
    skuId: { type: String, value: '' },
    serverTime: { type: Number, value: 0 },
  },
  data: { shown: false, phase: 'scheduled', priceText: '', regularText: '', limit: 0, taken: 0, when: '', startText: '', deadline: 0 },
  observers: {
    'sales, skuId, serverTime'(sales: FlashSaleView[], skuId: string, serverTime: number) {
      const sale = pick(sales || [], skuId);
      if (!sale) {
        this.setData({ shown: false, deadline: 0 });
        return;
      }
      // The phone's clock may be off: count down the cloud's remaining time from now.
      const target = sale.phase === 'scheduled' ? sale.startAt : sale.phase === 'active' ? sale.endAt : 0;
      const deadline = target && serverTime ? Date.now() + (target - serverTime) : 0;
      this.setData({
        shown: true,
        phase: sale.phase,
        priceText: formatFen(sale.price),
        regularText: formatFen(sale.regularPrice),
        limit: sale.limit,
        taken: takenPercent(sale),
        when: WHEN[sale.phase],
        startText: chinaClock(sale.startAt),
        deadline,
      });
    },
  },
  methods: {
    onExpire() {
      this.triggerEvent('change', {});
    },
  },
});
