import { CAMPAIGN_PAGE } from '../domain/campaign-page';
import type { OrderStatus } from '../../typings/domain';
import { GROUP_PAGE } from '../domain/group-page';
import { pagePath } from './query';

/** A tab of the orders list: every order (''), one status, or the orders with after-sales. */
export type OrdersTab = OrderStatus | '' | 'after_sales';

/** The orders list's tabs in order with the names shoppers see; 我的 shows the same ones, 全部 aside, as shortcuts. */
export const ORDER_TABS: readonly { tab: OrdersTab; label: string }[] = [
  { tab: '', label: '全部' },
  { tab: 'pending_payment', label: '待付款' },
  { tab: 'grouping', label: '待成团' },
  { tab: 'paid', label: '待发货' },
  { tab: 'shipped', label: '待收货' },
  { tab: 'completed', label: '已完成' },
  { tab: 'after_sales', label: '售后' },
];

/** Every page of app.json, by name: navigation, share paths and QR targets use these, never literals. */
export const PAGES = {
  catalog: 'pages/catalog/index',
  cart: 'pages/cart/index',
  orders: 'pages-order/list/index',
  product: 'pages-shop/product/index',
  checkout: 'pages-shop/checkout/index',
  payResult: 'pages-shop/pay-result/index',
  orderDetail: 'pages-order/detail/index',
  landing: 'pages/landing/index',
  afterSaleRequest: 'pages-after-sales/request/index',
  coupons: 'pages-coupons/list/index',
  campaign: CAMPAIGN_PAGE,
  me: 'pages/me/index',
  addresses: 'pages-me/addresses/index',
  addressEdit: 'pages-me/address-edit/index',
  group: GROUP_PAGE,
} as const;

export type PageRoute = (typeof PAGES)[keyof typeof PAGES];
export type TabPage = typeof PAGES.catalog | typeof PAGES.cart | typeof PAGES.me;

export const HOME_PAGE: TabPage = PAGES.catalog;
/** The tab bar's pages (app.json `tabBar.list`): opened with switchTab, which takes no query. */
export const TAB_PAGES: PageRoute[] = [PAGES.catalog, PAGES.cart, PAGES.me];
/**
 * Pages a QR code may open (a resolved target outside this list is treated as an invalid code). The
 * orders list was a tab once: codes and cards printed then still open it, now as an ordinary page.
 */
export const LINKABLE_PAGES: PageRoute[] = TAB_PAGES.concat([PAGES.product, PAGES.orderDetail, PAGES.campaign, PAGES.orders]);

/**
 * Where pages lived before they moved into subpackages. QR codes and share cards printed with these
 * paths keep working: scenes stored with an old target resolve to the page's new route.
 */
export const MOVED_PAGES: Record<string, PageRoute> = {
  'pages/product/index': PAGES.product,
  'pages/order-detail/index': PAGES.orderDetail,
  'pages/orders/index': PAGES.orders,
};

/** A page path as printed (no leading slash), mapped to where the page lives now. */
export function currentRoute(page: string): string {
  return MOVED_PAGES[page] || page;
}

/** The absolute URL wx.navigateTo / redirectTo / switchTab take. */
export function pageUrl(page: PageRoute, query: Record<string, string | number | undefined> = {}): string {
  return pagePath(page, query);
}

/** Share path for a product: only the id and the sharer's opaque referral code, never an OPENID. */
export function productUrl(id: string, ref?: string | null): string {
  return pageUrl(PAGES.product, { id, ref: ref || undefined });
}

/** The orders list, on one status tab (or 售后) when asked. It is not a tab page: navigateTo / redirectTo it. */
export function ordersUrl(tab: OrdersTab = ''): string {
  return pageUrl(PAGES.orders, tab === 'after_sales' ? { tab } : { status: tab || undefined });
}

/**
 * Opens the orders list: back to it when it is the page below (it reloads on show), else over the
 * current page, or in its place when the page stack is full.
 */
export function openOrders(tab: OrdersTab = ''): void {
  const pages = getCurrentPages();
  const below = pages.length > 1 ? pages[pages.length - 2] : null;
  if (below && below.route === PAGES.orders && !tab) {
    wx.navigateBack({ delta: 1 });
    return;
  }
  const url = ordersUrl(tab);
  wx.navigateTo({ url, fail: () => wx.redirectTo({ url }) });
}

export function orderDetailUrl(orderId: string): string {
  return pageUrl(PAGES.orderDetail, { id: orderId });
}

/** The after-sales request form of an order (in the after-sales subpackage). */
export function afterSaleRequestUrl(orderId: string): string {
  return pageUrl(PAGES.afterSaleRequest, { orderId });
}

/**
 * What the small page left at a moved page's old path does: it replaces itself with the page's new
 * route and the query exactly as it arrived (values stay URL-encoded as the base library hands them
 * to onLoad, so a QR `scene` reaches the page unchanged).
 */
export function forwardMovedPage(oldRoute: keyof typeof MOVED_PAGES, query: Record<string, string | undefined> = {}): void {
  const qs = Object.keys(query)
    .filter((key) => query[key] !== undefined)
    .map((key) => `${key}=${query[key]}`)
    .join('&');
  const url = `/${MOVED_PAGES[oldRoute]}${qs ? `?${qs}` : ''}`;
  // redirectTo keeps the page stack as the shopper had it; reLaunch when there is nothing to replace.
  wx.redirectTo({ url, fail: () => wx.reLaunch({ url }) });
}

export function switchToTab(page: TabPage): void {
  wx.switchTab({ url: pageUrl(page) });
}
