import type { ClaimableCoupon } from '../../../../typings/api';
import { call, errorText } from '../../../services/api';
import { cardOfTemplate, type CouponCard } from '../../utils/coupon-view';
import { pageUrl, PAGES } from '../../../utils/routes';

interface ClaimItem {
  templateId: string;
  card: CouponCard;
  /** the button's words: 领取 / 再领一张 / 已领取 / 已领完 … */
  label: string;
  /** can be tapped */
  open: boolean;
  busy: boolean;
}

function itemOf(t: ClaimableCoupon): ClaimItem {
  const open = !t.refusal;
  const label = open ? (t.held > 0 ? '再领一张' : '立即领取') : t.held > 0 ? '已领取' : t.remaining === 0 ? '已领完' : '不可领取';
  return { templateId: t.templateId, card: cardOfTemplate(t), label, open, busy: false };
}

/**
 * Coupons to claim, on any page: the templates named by `templateIds` (a campaign page), or those that
 * apply to `productId` (the product page). Shows nothing when there are none; claims through
 * `orders.claimCoupon`, where the server decides the limits. On a campaign page `campaignId` goes with
 * each claim; the server decides whether the claim counts for that campaign.
 */
Component({
  properties: {
    productId: { type: String, value: '' },
    templateIds: { type: Array, value: [] as string[] },
    campaignId: { type: String, value: '' },
    title: { type: String, value: '领券' },
  },
  data: { items: [] as ClaimItem[], loaded: false },
  observers: {
    'productId, templateIds'() {
      this.load();
    },
  },
  methods: {
    async load() {
      const ids = (this.data.templateIds as string[]).filter((id) => typeof id === 'string' && id);
      if (!this.data.productId && ids.length === 0) return;
      const res = await call('orders', 'claimableCoupons', ids.length ? { templateIds: ids } : { productId: this.data.productId });
      // Coupons are an extra on the page: if they cannot be loaded, the page goes on without them.
      if (!res.ok) return;
      this.setData({ items: res.data.templates.map(itemOf), loaded: true });
      this.triggerEvent('loaded', { count: res.data.templates.length });
    },
    async onClaim(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index);
      const item = this.data.items[index];
      if (!item || !item.open || item.busy) return;
      this.setData({ [`items[${index}].busy`]: true });
      const campaignId = this.data.campaignId as string;
      const res = await call('orders', 'claimCoupon', campaignId ? { templateId: item.templateId, campaignId } : { templateId: item.templateId });
      if (res.ok) {
        this.setData({ [`items[${index}]`]: itemOf(res.data.template) });
        wx.showToast({ title: '领取成功', icon: 'success' });
        this.triggerEvent('claimed', { templateId: item.templateId, couponId: res.data.coupon._id });
        return;
      }
      const details = res.error.details as { template?: ClaimableCoupon } | undefined;
      this.setData({ [`items[${index}]`]: details && details.template ? itemOf(details.template) : { ...item, busy: false } });
      wx.showToast({ title: errorText(res.error), icon: 'none' });
    },
    onMine() {
      wx.navigateTo({ url: pageUrl(PAGES.coupons) });
    },
  },
});
