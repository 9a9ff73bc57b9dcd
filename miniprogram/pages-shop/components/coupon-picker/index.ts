import type { CouponOffer } from '../../../../typings/api';
import { formatFen } from '../../../domain/money';
import { cardOfCoupon, type CouponCard } from '../../utils/coupon-view';

interface Choice {
  id: string;
  card: CouponCard;
  saves: string;
}

/**
 * The checkout's coupon row: the coupon the server priced in (it proposes the largest discount) and a
 * sheet to choose another or none. Emits `change` with `{couponId}` (null = no coupon); the page asks
 * the server to price the order again with it.
 */
Component({
  properties: {
    offers: { type: Array, value: [] as CouponOffer[] },
    chosenId: { type: String, value: '' },
    discount: { type: Number, value: 0 },
  },
  data: { open: false, choices: [] as Choice[], summary: '' },
  observers: {
    'offers, chosenId, discount'(offers: CouponOffer[], chosenId: string, discount: number) {
      const choices = (offers || []).map((o) => ({ id: o.coupon._id, card: cardOfCoupon(o.coupon), saves: `省${formatFen(o.discount)}` }));
      const summary = chosenId ? `-${formatFen(discount)}` : choices.length ? `${choices.length}张可用` : '无可用';
      this.setData({ choices, summary });
    },
  },
  methods: {
    onOpen() {
      if (this.data.choices.length === 0) return;
      this.setData({ open: true });
    },
    onClose() {
      this.setData({ open: false });
    },
    onPick(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id || '');
      this.setData({ open: false });
      if (id === this.data.chosenId) return;
      this.triggerEvent('change', { couponId: id || null });
    },
    noop() {},
  },
});
