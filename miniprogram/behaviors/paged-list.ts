import type { Envelope } from '../../typings/api';
import { errorText } from '../services/api';
import type { LoadStatus } from './load-state';

/** One page of rows from a cursor-paged action (catalog.list, orders.list). */
export interface RowPage<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/** The page data a paged list renders: rows under `items`, plus the list's states. */
export interface PagedListData<Row> {
  items: Row[];
  status: LoadStatus;
  message: string;
  loadingMore: boolean;
  noMore: boolean;
  moreError: string;
}

export function pagedListData<Row>(): PagedListData<Row> {
  return { items: [], status: 'loading', message: '', loadingMore: false, noMore: false, moreError: '' };
}

interface ListPage {
  data: { status: LoadStatus; noMore: boolean };
  setData(patch: Record<string, unknown>): void;
}

/**
 * The cursor-paged, infinitely scrolling list of the catalog and the order list, written once.
 * - A new query (filter, tab, pull-down) bumps the generation, so a late page of an old query is dropped.
 * - Rows are appended by path key (`items[40]`): each setData carries only the new page however long
 *   the list grows (WeChat's setData budget, see docs/reference/platform-limits.md §2).
 * - A failed first page is the error state with retry; a failed later page keeps the rows on screen
 *   and offers "tap to retry" in the footer.
 * Logic state lives here, off the page's data, so it is never sent to the view layer.
 */
export class PagedList<Row> {
  private cursor: string | null = null;
  private generation = 0;
  private fetching = false;
  private count = 0;

  constructor(
    private readonly page: ListPage,
    private readonly source: {
      fetch: (cursor: string | null) => Promise<Envelope<RowPage<Row>>>;
      /** The empty state's text for the current query. */
      emptyText: () => string;
    },
  ) {}

  async reload(): Promise<void> {
    this.generation += 1;
    this.cursor = null;
    this.count = 0;
    this.fetching = false;
    this.page.setData({ items: [], status: 'loading', message: '', noMore: false, moreError: '', loadingMore: false });
    await this.fetchPage();
  }

  /** The next page, when there is one and none is on its way. */
  async loadMore(): Promise<void> {
    if (this.page.data.status !== 'ok' || this.page.data.noMore || this.fetching) return;
    this.page.setData({ loadingMore: true, moreError: '' });
    await this.fetchPage();
  }

  private async fetchPage(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    const generation = this.generation;
    const res = await this.source.fetch(this.cursor);
    if (generation !== this.generation) return;
    this.fetching = false;
    if (!res.ok) {
      if (this.count === 0) this.page.setData({ status: 'error', message: errorText(res.error) });
      else this.page.setData({ loadingMore: false, moreError: errorText(res.error) });
      return;
    }
    const { rows, nextCursor } = res.data;
    this.cursor = nextCursor;
    const patch: Record<string, unknown> = { loadingMore: false, noMore: nextCursor === null };
    rows.forEach((row, i) => {
      patch[`items[${this.count + i}]`] = row;
    });
    this.count += rows.length;
    patch.status = this.count === 0 ? 'empty' : 'ok';
    patch.message = this.count === 0 ? this.source.emptyText() : '';
    this.page.setData(patch);
  }
}
