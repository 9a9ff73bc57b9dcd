import type { OrderStatus } from '../../../typings/domain';
import { isOrderStatus } from '../../domain/order-state';
import { call, errorText } from '../../services/api';
import { forwardCodeToLanding } from '../../services/entry';
import { cancelOrder, confirmReceipt, payOrder, toOrderCard } from '../../services/orders';
import type { OrderCard } from '../../services/orders';
import { formatDateTime } from '../../utils/time';

type Status = 'loading' | 'ok' | 'empty' | 'error';
/** What a list row renders: times are preformatted, raw timestamps stay off the view. */
type ListItem = Omit<OrderCard, 'createdAt' | 'expireAt'> & { createdText: string };

const TABS: { status: OrderStatus | ''; label: string }[] = [
  { status: '', label: '全部' },
  { status: 'pending_payment', label: '待付款' },
  { status: 'paid', label: '待发货' },
  { status: 'shipped', label: '待收货' },
  { status: 'completed', label: '已完成' },
];
const PAGE_SIZE = 10;

Page({
  data: {
    tabs: TABS,
    tab: '' as OrderStatus | '',
    orders: [] as ListItem[],
    status: 'loading' as Status,
    message: '',
    loadingMore: false,
    noMore: false,
    moreError: '',
  },

  cursor: null as string | null,
  generation: 0,
  fetching: false,
  count: 0,
  loaded: false,

  onLoad(query: Record<string, string | undefined>) {
    if (forwardCodeToLanding(query)) return;
    if (query && isOrderStatus(query.status)) this.setData({ tab: query.status });
  },

  onShow() {
    // Orders change while the shopper is elsewhere (paid, shipped, expired): refresh on every visit.
    this.reload();
  },

  onPullDownRefresh() {
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    if (this.data.status !== 'ok' || this.data.noMore || this.fetching) return;
    this.setData({ loadingMore: true, moreError: '' });
    this.fetchPage();
  },

  async reload() {
    this.generation += 1;
    this.cursor = null;
    this.count = 0;
    this.fetching = false;
    this.setData({ orders: [], status: 'loading', noMore: false, moreError: '', loadingMore: false });
    await this.fetchPage();
  },

  async fetchPage() {
    if (this.fetching) return;
    this.fetching = true;
    const generation = this.generation;
    const req: { status?: OrderStatus; cursor?: string; pageSize: number } = { pageSize: PAGE_SIZE };
    if (this.data.tab) req.status = this.data.tab;
    if (this.cursor) req.cursor = this.cursor;
    const res = await call('orders', 'list', req);
    if (generation !== this.generation) return;
    this.fetching = false;
    if (!res.ok) {
      if (this.count === 0) this.setData({ status: 'error', message: errorText(res.error) });
      else this.setData({ loadingMore: false, moreError: errorText(res.error) });
      return;
    }
    this.cursor = res.data.nextCursor;
    const now = Date.now();
    const patch: Record<string, unknown> = { loadingMore: false, noMore: res.data.nextCursor === null };
    res.data.orders.forEach((order, i) => {
      const { createdAt, expireAt, ...card } = toOrderCard(order, now);
      void expireAt;
      const item: ListItem = { ...card, createdText: formatDateTime(createdAt) };
      patch[`orders[${this.count + i}]`] = item;
    });
    this.count += res.data.orders.length;
    patch.status = this.count === 0 ? 'empty' : 'ok';
    patch.message = this.count === 0 ? '还没有相关订单' : '';
    this.setData(patch);
  },

  onTabTap(e: WechatMiniprogram.TouchEvent) {
    const tab = String(e.currentTarget.dataset.status || '') as OrderStatus | '';
    if (tab === this.data.tab) return;
    this.setData({ tab });
    this.reload();
  },

  onOpen(e: WechatMiniprogram.TouchEvent) {
    wx.navigateTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(String(e.currentTarget.dataset.id))}` });
  },

  async onPay(e: WechatMiniprogram.TouchEvent) {
    const id = String(e.currentTarget.dataset.id);
    const result = await payOrder(id);
    wx.showToast({ title: result.message, icon: result.outcome === 'paid' ? 'success' : 'none' });
    if (result.outcome === 'paid') this.reload();
  },

  async onCancel(e: WechatMiniprogram.TouchEvent) {
    if (await cancelOrder(String(e.currentTarget.dataset.id))) this.reload();
  },

  async onConfirm(e: WechatMiniprogram.TouchEvent) {
    if (await confirmReceipt(String(e.currentTarget.dataset.id))) this.reload();
  },

  onRetry() {
    this.reload();
  },

  onRetryMore() {
    this.onReachBottom();
  },

  onGoShopping() {
    wx.switchTab({ url: '/pages/catalog/index' });
  },
});
