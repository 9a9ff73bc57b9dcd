import type { Envelope } from '../../typings/api';
import { errorText } from '../services/api';
import type { LoadStatus } from './load-state';

/** One page of rows from a cursor-paged action (catalog.list, orders.list). */
export interface RowPage<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/** One fetched page of rows on screen; `rows` is null while the group is far from the screen. */
export interface ListGroup<Row> {
  key: string;
  rows: Row[] | null;
}

/**
 * The page data a paged list renders: `groups` in order (a `block wx:for` with `wx:if="{{group.rows}}"`,
 * so a far-away group renders nothing), between two spacers holding the height of the groups left out
 * above and below (rpx), plus the list's states.
 */
export interface PagedListData<Row> {
  groups: ListGroup<Row>[];
  spaceAbove: number;
  spaceBelow: number;
  /** rows loaded so far (on screen or not) */
  count: number;
  status: LoadStatus;
  message: string;
  loadingMore: boolean;
  noMore: boolean;
  moreError: string;
}

export function pagedListData<Row>(): PagedListData<Row> {
  return { groups: [], spaceAbove: 0, spaceBelow: 0, count: 0, status: 'loading', message: '', loadingMore: false, noMore: false, moreError: '' };
}

interface ListPage {
  data: { status: LoadStatus; noMore: boolean };
  setData(patch: Record<string, unknown>): void;
}

/** How tall rows are on screen: fixed by the page's WXSS, so a left-out group keeps its exact place. */
export interface ListLayout<Row> {
  /** Height in rpx of one group of rows (e.g. rows of two cards in a grid). */
  groupHeight(rows: Row[]): number;
  /** A row's id: a row already shown is never shown again (a product re-ranked while scrolling). */
  id(row: Row): string;
}

/** A page that repeats only earlier rows still moves the cursor; this many are fetched in a row at most. */
const MAX_REPEAT_PAGES = 3;
/** One setData stays well under the 16 KB budget (docs/reference/platform-limits.md §2). */
const PATCH_BYTES = 12 * 1024;

/**
 * The cursor-paged, infinitely scrolling list of the catalog and the order list, written once.
 * - A new query (filter, tab, pull-down) bumps the generation, so a late page of an old query is dropped.
 * - Each fetched page is a group, appended by path key (`groups[3]`): a setData carries one page however
 *   long the list grows.
 * - Only the groups within about a screen of the viewport are rendered; the others are replaced by the
 *   two spacers, so the page's node count stays flat however far the shopper scrolls (the DevTools
 *   audit: < 1,000 nodes, ≤ 60 children per node). The viewport comes from onPageScroll; reaching the
 *   bottom means the viewport is at the end.
 * - A failed first page is the error state with retry; a failed later page keeps the rows on screen
 *   and offers "tap to retry" in the footer.
 * Logic state lives here, off the page's data, so it is never sent to the view layer.
 */
export class PagedList<Row> {
  // Fields are set in the constructor, not by initializers: the upload ships this syntax as written and
  // class fields need iOS 14.5 (docs/reference/javascript-support.md).
  private cursor: string | null;
  private generation: number;
  private fetching: boolean;
  private rows: Row[][];
  private heights: number[];
  private seen: Set<string>;
  private shown: [number, number];
  private scrollTop: number;
  private metrics: { width: number; height: number } | null;

  constructor(
    private readonly page: ListPage,
    private readonly source: {
      fetch: (cursor: string | null) => Promise<Envelope<RowPage<Row>>>;
      /** The empty state's text for the current query. */
      emptyText: () => string;
    },
    private readonly layout: ListLayout<Row>,
  ) {
    this.cursor = null;
    this.generation = 0;
    this.fetching = false;
    this.rows = [];
    this.heights = [];
    this.seen = new Set();
    this.shown = [0, -1];
    this.scrollTop = 0;
    this.metrics = null;
  }

  async reload(): Promise<void> {
    this.generation += 1;
    this.cursor = null;
    this.rows = [];
    this.heights = [];
    this.seen = new Set();
    this.shown = [0, -1];
    this.fetching = false;
    this.page.setData({ groups: [], spaceAbove: 0, spaceBelow: 0, count: 0, status: 'loading', message: '', noMore: false, moreError: '', loadingMore: false });
    await this.fetchPage();
  }

  /** The next page, when there is one and none is on its way. */
  async loadMore(): Promise<void> {
    if (this.page.data.status !== 'ok' || this.page.data.noMore || this.fetching) return;
    this.page.setData({ loadingMore: true, moreError: '' });
    await this.fetchPage();
  }

  /** The page scrolled (onPageScroll): render the groups near the new viewport. */
  onScroll(scrollTop: number): void {
    this.scrollTop = Math.max(0, Number(scrollTop) || 0);
    this.commit({});
  }

  private async fetchPage(repeats = 0): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    const generation = this.generation;
    const res = await this.source.fetch(this.cursor);
    if (generation !== this.generation) return;
    this.fetching = false;
    const count = this.seen.size;
    if (!res.ok) {
      if (count === 0) this.page.setData({ status: 'error', message: errorText(res.error) });
      else this.page.setData({ loadingMore: false, moreError: errorText(res.error) });
      return;
    }
    const { nextCursor } = res.data;
    const fresh = res.data.rows.filter((row) => {
      const id = this.layout.id(row);
      if (this.seen.has(id)) return false;
      this.seen.add(id);
      return true;
    });
    this.cursor = nextCursor;
    if (fresh.length === 0 && nextCursor !== null && repeats < MAX_REPEAT_PAGES) {
      await this.fetchPage(repeats + 1);
      return;
    }
    const patch: Record<string, unknown> = { loadingMore: false, noMore: nextCursor === null, count: this.seen.size };
    if (fresh.length > 0) {
      // Reaching the bottom put the viewport at the end of what was loaded.
      this.scrollTop = Math.max(this.scrollTop, this.toPx(this.total()) - this.viewport());
      const index = this.rows.length;
      this.rows.push(fresh);
      this.heights.push(this.layout.groupHeight(fresh));
      patch[`groups[${index}]`] = { key: `g${index}`, rows: null };
    }
    patch.status = this.seen.size === 0 ? 'empty' : 'ok';
    patch.message = this.seen.size === 0 ? this.source.emptyText() : '';
    this.commit(patch);
  }

  /** Sends `patch` plus whatever the window change needs: rows for groups coming near, null for those leaving. */
  private commit(patch: Record<string, unknown>): void {
    const [first, last] = this.window();
    const [wasFirst, wasLast] = this.shown;
    const entering: number[] = [];
    for (let i = 0; i < this.rows.length; i += 1) {
      const now = i >= first && i <= last;
      const was = i >= wasFirst && i <= wasLast;
      if (was && !now) patch[`groups[${i}].rows`] = null;
      if (now && (!was || patch[`groups[${i}]`] !== undefined)) entering.push(i);
    }
    this.shown = [first, last];
    const above = this.heights.slice(0, first).reduce((a, b) => a + b, 0);
    const below = this.heights.slice(last + 1).reduce((a, b) => a + b, 0);
    patch.spaceAbove = above;
    patch.spaceBelow = below;
    // Groups arriving are sent one per setData when together they would make a heavy one.
    const batches: number[][] = [];
    let bytes = 0;
    for (const i of entering) {
      const size = JSON.stringify(this.rows[i]).length;
      if (batches.length === 0 || bytes + size > PATCH_BYTES) {
        batches.push([]);
        bytes = 0;
      }
      batches[batches.length - 1].push(i);
      bytes += size;
    }
    const added = new Set(entering.filter((i) => patch[`groups[${i}]`] !== undefined));
    const groupPatch = (list: number[]) => {
      const out: Record<string, unknown> = {};
      for (const i of list) {
        if (added.has(i)) out[`groups[${i}]`] = { key: `g${i}`, rows: this.rows[i] };
        else out[`groups[${i}].rows`] = this.rows[i];
      }
      return out;
    };
    const firstBatch = batches[0] || [];
    const later = batches.slice(1).map(groupPatch);
    for (const i of entering) delete patch[`groups[${i}]`];
    for (const p of later) this.page.setData(p);
    const merged = { ...patch, ...groupPatch(firstBatch) };
    const changed = Object.keys(merged).some((k) => k !== 'spaceAbove' && k !== 'spaceBelow') || first !== wasFirst || last !== wasLast;
    if (changed) this.page.setData(merged);
  }

  /** The groups overlapping one screen above the viewport to two below it, [first, last]. */
  private window(): [number, number] {
    if (this.rows.length === 0) return [0, -1];
    const screen = this.viewport();
    const total = this.toPx(this.total());
    const top = Math.min(this.scrollTop, Math.max(0, total - screen));
    const from = top - screen;
    const to = top + 2 * screen;
    let first = -1;
    let last = -1;
    let y = 0;
    for (let i = 0; i < this.heights.length; i += 1) {
      const h = this.toPx(this.heights[i]);
      if (y + h > from && y < to) {
        if (first < 0) first = i;
        last = i;
      }
      y += h;
    }
    return first < 0 ? [this.rows.length - 1, this.rows.length - 1] : [first, last];
  }

  private total(): number {
    return this.heights.reduce((a, b) => a + b, 0);
  }

  private viewport(): number {
    return this.screen().height;
  }

  private toPx(rpx: number): number {
    return (rpx * this.screen().width) / 750;
  }

  private screen(): { width: number; height: number } {
    if (!this.metrics) {
      const info = typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo() : wx.getSystemInfoSync();
      this.metrics = { width: info.windowWidth || 375, height: info.windowHeight || 603 };
    }
    return this.metrics;
  }
}

/** The page handlers every paged list needs (spread into the Page): more rows at the bottom, the window follows the scroll. */
export const pagedListHandlers = {
  onReachBottom(this: { list: { loadMore(): Promise<void> } | null }) {
    if (this.list) this.list.loadMore();
  },
  onPageScroll(this: { list: { onScroll(scrollTop: number): void } | null }, e: WechatMiniprogram.Page.IPageScrollOption) {
    if (this.list) this.list.onScroll(e.scrollTop);
  },
};
