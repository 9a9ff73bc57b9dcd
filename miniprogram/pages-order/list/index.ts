import type { ShopperOrder } from '../../../typings/api';
import type { OrderStatus } from '../../../typings/domain';
import { pagedListHandlers, PagedList, pagedListData } from '../../behaviors/paged-list';
import { call } from '../../services/api';
import { forwardCodeToLanding } from '../../services/entry';
import { toOrderCard } from '../services/orders';
import type { OrderCard } from '../services/orders';
import { ORDER_TABS, orderDetailUrl, PAGES, switchToTab } from '../../utils/routes';
import type { OrdersTab } from '../../utils/routes';
import { chinaDateTime } from '../../domain/china-time';

/** What a list row renders: times are preformatted, raw timestamps stay off the view. */
type ListItem = Omit<OrderCard, 'createdAt' | 'expireAt'> & { createdText: string; /** a group order's group ('' otherwise) */ groupId: string; withActions: boolean };

const PAGE_SIZE = 10;
/** An order card's height and the gap under it, in rpx (index.wxss `.order-card`, `.with-actions`). */
const CARD_RPX = 260 + 20;
const CARD_WITH_ACTIONS_RPX = 340 + 20;

function cardHeight(item: ListItem): number {
  return item.withActions ? CARD_WITH_ACTIONS_RPX : CARD_RPX;
}

/** A row offers every button of the order's but after-sales, which is asked from the order's page. */
function toListItem(order: ShopperOrder): ListItem {
  const { createdAt, expireAt, ...rest } = toOrderCard(order);
  void expireAt;
  const buttons = rest.buttons.filter((b) => b.type !== 'after-sale');
  return { ...rest, buttons, createdText: chinaDateTime(createdAt), groupId: order.group ? order.group.groupId : '', withActions: buttons.length > 0 };
}

/** The status tabs a link may open (`?status=paid`): the tab bar's own, nothing else. */
function statusTab(value: string | undefined): OrderStatus | null {
  const tab = ORDER_TABS.find((t) => t.tab !== '' && t.tab !== 'after_sales' && t.tab === value);
  return tab ? (tab.tab as OrderStatus) : null;
}

Page({
  ...pagedListHandlers,
  data: {
    ...pagedListData<ListItem>(),
    tabs: ORDER_TABS,
    tab: '' as OrdersTab,
  },

  list: null as PagedList<ListItem> | null,

  onLoad(query: Record<string, string | undefined>) {
    this.list = new PagedList<ListItem>(this, {
      fetch: async (cursor) => {
        const req: { status?: OrderStatus; afterSales?: boolean; cursor?: string; pageSize: number } = { pageSize: PAGE_SIZE };
        if (this.data.tab === 'after_sales') req.afterSales = true;
        else if (this.data.tab) req.status = this.data.tab;
        if (cursor) req.cursor = cursor;
        const res = await call('orders', 'list', req);
        if (!res.ok) return res;
        return { ok: true, data: { rows: res.data.orders.map(toListItem), nextCursor: res.data.nextCursor } };
      },
      emptyText: () => '还没有相关订单',
    }, { groupHeight: (rows) => rows.reduce((sum, row) => sum + cardHeight(row), 0), id: (row) => row._id });
    if (forwardCodeToLanding(query)) return;
    const status = query ? statusTab(query.status) : null;
    if (status) this.setData({ tab: status });
    else if (query && query.tab === 'after_sales') this.setData({ tab: 'after_sales' });
  },

  onShow() {
    // Orders change while the shopper is elsewhere (paid, shipped, expired): refresh on every visit.
    this.reload();
  },

  onPullDownRefresh() {
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  async reload() {
    if (this.list) await this.list.reload();
  },

  onTabTap(e: WechatMiniprogram.TouchEvent) {
    const tab = String(e.currentTarget.dataset.status || '') as OrdersTab;
    if (tab === this.data.tab) return;
    this.setData({ tab });
    this.reload();
  },

  onOpen(e: WechatMiniprogram.TouchEvent) {
    wx.navigateTo({ url: orderDetailUrl(String(e.currentTarget.dataset.id)) });
  },

  /** An order-actions bar paid, cancelled or confirmed an order: its tab may no longer hold it. */
  onOrderChanged() {
    this.reload();
  },

  onRetry() {
    this.reload();
  },

  onRetryMore() {
    this.onReachBottom();
  },

  onGoShopping() {
    switchToTab(PAGES.catalog);
  },
});
