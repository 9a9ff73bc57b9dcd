import type { CatalogSort, ProductSummary } from '../../../typings/api';
import { pagedListHandlers, PagedList, pagedListData } from '../../behaviors/paged-list';
import { call } from '../../services/api';
import { forwardCodeToLanding } from '../../services/entry';
import { pageUrl, PAGES } from '../../utils/routes';
import { rememberSearch } from '../../utils/search-history';
import { queryTokens } from '../../domain/search-terms';

/** What a card renders; anything else the server sends stays out of page data. */
function toCard(p: ProductSummary): ProductSummary {
  const card: ProductSummary = { _id: p._id, title: p.title, cover: p.cover, price: p.price, sales: p.sales, soldOut: p.soldOut };
  if (p.originalPrice !== undefined) card.originalPrice = p.originalPrice;
  if (p.flash) card.flash = true;
  return card;
}

export const PAGE_SIZE = 20;
/** A grid row: a card (index.wxss `.product-card` height) and the gap under it, in rpx. */
export const CARD_ROW_RPX = 500 + 16;

Page({
  ...pagedListHandlers,
  data: {
    ...pagedListData<ProductSummary>(),
    categories: [{ _id: '', name: '全部' }] as { _id: string; name: string }[],
    categoryId: '',
    keyword: '',
    sort: 'newest' as CatalogSort,
    /** The search panel (recent searches, suggestions) is open over the listing, showing `typing`. */
    searchOpen: false,
    typing: '',
  },

  list: null as PagedList<ProductSummary> | null,

  onLoad(query: Record<string, string | undefined>) {
    this.list = new PagedList<ProductSummary>(this, {
      fetch: async (cursor) => {
        const req: { categoryId?: string; keyword?: string; sort: CatalogSort; cursor?: string; pageSize: number } = { sort: this.data.sort, pageSize: PAGE_SIZE };
        if (this.data.categoryId) req.categoryId = this.data.categoryId;
        if (this.data.keyword) req.keyword = this.data.keyword;
        if (cursor) req.cursor = cursor;
        const res = await call('catalog', 'list', req);
        return res.ok ? { ok: true, data: { rows: res.data.items.map(toCard), nextCursor: res.data.nextCursor } } : res;
      },
      emptyText: () => (this.data.keyword ? `没有找到“${this.data.keyword}”相关的商品` : '暂无商品'),
    }, { groupHeight: (rows) => Math.ceil(rows.length / 2) * CARD_ROW_RPX, id: (row) => row._id });
    if (forwardCodeToLanding(query)) return;
    this.loadCategories();
    this.reload();
  },

  onPullDownRefresh() {
    this.loadCategories();
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onShareAppMessage() {
    return { title: '发现好物', path: pageUrl(PAGES.catalog) };
  },

  onShareTimeline() {
    return { title: '发现好物' };
  },

  async loadCategories() {
    const res = await call('catalog', 'categories', {});
    if (!res.ok) return; // the listing still works without category chips
    const cats = res.data.categories.slice().sort((a, b) => a.sort - b.sort);
    this.setData({ categories: [{ _id: '', name: '全部' }].concat(cats.map((c) => ({ _id: c._id, name: c.name }))) });
  },

  async reload() {
    if (this.list) await this.list.reload();
  },

  onCategoryTap(e: WechatMiniprogram.TouchEvent) {
    const id = String(e.currentTarget.dataset.id || '');
    if (id === this.data.categoryId) return;
    this.setData({ categoryId: id });
    this.reload();
  },

  onSortTap(e: WechatMiniprogram.TouchEvent) {
    let sort = String(e.currentTarget.dataset.sort) as CatalogSort;
    if (sort === 'price_asc' && this.data.sort === 'price_asc') sort = 'price_desc';
    if (sort === this.data.sort) return;
    this.setData({ sort });
    this.reload();
  },

  onSearchFocus() {
    if (!this.data.searchOpen) this.setData({ searchOpen: true, typing: this.data.keyword });
  },

  onSearchInput(e: WechatMiniprogram.Input) {
    this.setData({ searchOpen: true, typing: String(e.detail.value || '') });
  },

  onSearchCancel() {
    this.setData({ searchOpen: false, typing: '' });
  },

  /** A search chosen in the panel (a recent search, or the typed text). */
  onPanelSearch(e: WechatMiniprogram.CustomEvent<{ keyword: string }>) {
    this.onSearch({ detail: { value: e.detail.keyword } } as WechatMiniprogram.InputConfirm);
  },

  onSearch(e: WechatMiniprogram.InputConfirm) {
    const keyword = String(e.detail.value || '').trim().slice(0, 50);
    // Only what can find something is worth offering again (not "!!!").
    if (queryTokens(keyword).length > 0) rememberSearch(keyword);
    if (this.data.searchOpen) this.setData({ searchOpen: false, typing: '' });
    if (keyword === this.data.keyword) return;
    this.setData({ keyword });
    this.reload();
  },

  onClearSearch() {
    if (!this.data.keyword) return;
    this.setData({ keyword: '' });
    this.reload();
  },

  onRetry() {
    this.reload();
  },

  onRetryMore() {
    this.onReachBottom();
  },
});
