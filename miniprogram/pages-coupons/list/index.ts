import type { CouponStatus, CouponView } from '../../../typings/domain';
import type { LoadStatus } from '../../behaviors/load-state';
import { loadWithState } from '../../behaviors/load-state';
import { call, failure, NETWORK_MESSAGE } from '../../services/api';
import type { CouponCard } from '../../pages-shop/utils/coupon-view';
import { HOME_PAGE, switchToTab } from '../../utils/routes';

const TABS: { status: CouponStatus; label: string }[] = [
  { status: 'available', label: '可使用' },
  { status: 'used', label: '已使用' },
  { status: 'expired', label: '已过期' },
];

type CouponViewModule = typeof import('../../pages-shop/utils/coupon-view');

const EMPTY: Record<CouponStatus, string> = { available: '暂无可用的优惠券', used: '还没有用过优惠券', expired: '没有过期的优惠券' };

/** The shopper's coupons by status, soonest expiry first (the server's order). */
Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    tabs: TABS.map((t) => ({ ...t, count: 0 })),
    tab: 'available' as CouponStatus,
    cards: [] as CouponCard[],
  },

  all: [] as CouponView[],
  /** the card texts, from the shop package (which also ships coupon-card), loaded with the list */
  cardOf: undefined as CouponViewModule['cardOfCoupon'] | undefined,

  onLoad(query: Record<string, string | undefined>) {
    if (query.status === 'used' || query.status === 'expired') this.setData({ tab: query.status });
    this.load(false);
  },

  async onPullDownRefresh() {
    await this.load(true);
    wx.stopPullDownRefresh();
  },

  async load(shown: boolean) {
    const data = await loadWithState(this, {
      shown,
      notFound: '没有找到优惠券',
      // the list and the shop package (分包异步化) in parallel; a package that cannot load is a network error
      request: async () => {
        const [res, view] = await Promise.all([call('orders', 'myCoupons', {}), this.cardOf ? null : (require.async('../../pages-shop/utils/coupon-view.js') as Promise<CouponViewModule>).catch(() => null)]);
        if (view) this.cardOf = view.cardOfCoupon;
        return this.cardOf || !res.ok ? res : failure('UNAVAILABLE', NETWORK_MESSAGE, 'pages-shop did not load');
      },
    });
    if (!data) return;
    this.all = data.coupons;
    this.show(this.data.tab);
  },

  show(tab: CouponStatus) {
    const cardOf = this.cardOf;
    if (!cardOf) return;
    const cards = this.all.filter((c) => c.status === tab).map((c) => cardOf(c));
    const tabs = TABS.map((t) => ({ ...t, count: this.all.filter((c) => c.status === t.status).length }));
    this.setData({ tab, tabs, cards, status: cards.length ? 'ok' : 'empty', message: EMPTY[tab] });
  },

  onTab(e: WechatMiniprogram.TouchEvent) {
    this.show(e.currentTarget.dataset.status as CouponStatus);
  },

  onRetry() {
    this.load(false);
  },

  onShop() {
    switchToTab(HOME_PAGE);
  },
});
