import { call, errorText } from '../../services/api';
import { refreshBadgeAsync } from '../../services/cart';
import { openOrders, ORDER_TABS, pageUrl, PAGES } from '../../utils/routes';
import type { OrdersTab } from '../../utils/routes';

/** The order shortcuts, each opening the orders list on its tab (全部 also holds cancelled and expired orders). */
const SHORTCUTS = ORDER_TABS.filter((t): t is { tab: Exclude<OrdersTab, ''>; label: string } => t.tab !== '');

const countText = (n: number) => (n > 99 ? '99+' : String(n));

/** The "我的" tab: orders by state, coupons, the address book and customer service. */
Page({
  data: {
    shortcuts: SHORTCUTS.map((s) => ({ ...s, count: 0, countText: '0' })),
    /** cancelled + expired (shown under 全部订单) */
    closed: 0,
    coupons: 0,
    loaded: false,
    error: '',
  },

  onShow() {
    refreshBadgeAsync();
    // Orders move on while the shopper is elsewhere (paid, shipped, expired): count on every visit.
    this.load();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  async load() {
    const res = await call('orders', 'meSummary', {});
    if (!res.ok) {
      this.setData({ error: errorText(res.error) });
      return;
    }
    const { orders, afterSales, coupons } = res.data;
    const shortcuts = SHORTCUTS.map((s) => {
      const count = s.tab === 'after_sales' ? afterSales : orders[s.tab];
      return { ...s, count, countText: countText(count) };
    });
    this.setData({ shortcuts, closed: orders.cancelled + orders.expired, coupons, loaded: true, error: '' });
  },

  onOpenOrders(e: WechatMiniprogram.TouchEvent) {
    openOrders(String(e.currentTarget.dataset.tab || '') as OrdersTab);
  },

  onOpenCoupons() {
    wx.navigateTo({ url: pageUrl(PAGES.coupons) });
  },

  onOpenAddresses() {
    wx.navigateTo({ url: pageUrl(PAGES.addresses) });
  },

  onRetry() {
    this.load();
  },
});
