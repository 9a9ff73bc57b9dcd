import type { CatalogSort, ProductSummary } from '../../../typings/api';
import { call, errorText } from '../../services/api';
import { forwardCodeToLanding } from '../../services/entry';

type Status = 'loading' | 'ok' | 'empty' | 'error';

/** What a card renders; anything else the server sends stays out of page data. */
function toCard(p: ProductSummary): ProductSummary {
  const card: ProductSummary = { _id: p._id, title: p.title, cover: p.cover, price: p.price, sales: p.sales, soldOut: p.soldOut };
  if (p.originalPrice !== undefined) card.originalPrice = p.originalPrice;
  return card;
}

export const PAGE_SIZE = 20;

Page({
  data: {
    categories: [{ _id: '', name: '全部' }] as { _id: string; name: string }[],
    categoryId: '',
    keyword: '',
    sort: 'newest' as CatalogSort,
    items: [] as ProductSummary[],
    status: 'loading' as Status,
    message: '',
    loadingMore: false,
    noMore: false,
    moreError: '',
  },

  // Logic state, never rendered, so kept off `data`.
  cursor: null as string | null,
  /** Bumped on every new query so a late page of an old query is dropped. */
  generation: 0,
  fetching: false,
  count: 0,

  onLoad(query: Record<string, string | undefined>) {
    if (forwardCodeToLanding(query)) return;
    this.loadCategories();
    this.reload();
  },

  onPullDownRefresh() {
    this.loadCategories();
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    this.loadMore();
  },

  onShareAppMessage() {
    return { title: '发现好物', path: '/pages/catalog/index' };
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
    this.generation += 1;
    this.cursor = null;
    this.count = 0;
    this.fetching = false;
    this.setData({ items: [], status: 'loading', message: '', noMore: false, moreError: '', loadingMore: false });
    await this.fetchPage();
  },

  async loadMore() {
    if (this.data.status !== 'ok' || this.data.noMore || this.fetching) return;
    this.setData({ loadingMore: true, moreError: '' });
    await this.fetchPage();
  },

  async fetchPage() {
    if (this.fetching) return;
    this.fetching = true;
    const generation = this.generation;
    const req: { categoryId?: string; keyword?: string; sort: CatalogSort; cursor?: string; pageSize: number } = {
      sort: this.data.sort,
      pageSize: PAGE_SIZE,
    };
    if (this.data.categoryId) req.categoryId = this.data.categoryId;
    if (this.data.keyword) req.keyword = this.data.keyword;
    if (this.cursor) req.cursor = this.cursor;
    const res = await call('catalog', 'list', req);
    if (generation !== this.generation) return;
    this.fetching = false;
    if (!res.ok) {
      if (this.count === 0) this.setData({ status: 'error', message: errorText(res.error) });
      else this.setData({ loadingMore: false, moreError: errorText(res.error) });
      return;
    }
    const { items, nextCursor } = res.data;
    this.cursor = nextCursor;
    // Append with path keys: each setData carries only the new page, however long the list gets.
    const patch: Record<string, unknown> = { loadingMore: false, noMore: nextCursor === null };
    items.forEach((item, i) => {
      patch[`items[${this.count + i}]`] = toCard(item);
    });
    this.count += items.length;
    patch.status = this.count === 0 ? 'empty' : 'ok';
    if (this.count === 0) patch.message = this.data.keyword ? `没有找到“${this.data.keyword}”相关的商品` : '暂无商品';
    this.setData(patch);
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

  onSearch(e: WechatMiniprogram.InputConfirm) {
    const keyword = String(e.detail.value || '').trim().slice(0, 50);
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
    this.loadMore();
  },
});
