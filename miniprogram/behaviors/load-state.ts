import type { Envelope } from '../../typings/api';
import { errorText } from '../services/api';

/** What the shared `state` component shows instead of a page's content (`ok` = the content itself). */
export type LoadStatus = 'loading' | 'ok' | 'empty' | 'error';

interface StatefulPage {
  setData(data: { status: LoadStatus; message: string }): void;
}

/**
 * Loads the one thing a detail page shows, with the same states everywhere: a spinner only on the
 * first load, "not found" as the empty state, a failure as error-with-retry while nothing is shown
 * yet, and only a toast when a refresh fails over content already on screen (never blank it out).
 * Resolves to the data, or null when the page is already showing the right state.
 */
export async function loadWithState<T>(
  page: StatefulPage,
  opts: { shown: boolean; notFound: string; request: () => Promise<Envelope<T>> },
): Promise<T | null> {
  if (!opts.shown) page.setData({ status: 'loading', message: '' });
  const res = await opts.request();
  if (res.ok) return res.data;
  if (res.error.code === 'NOT_FOUND') page.setData({ status: 'empty', message: opts.notFound });
  else if (!opts.shown) page.setData({ status: 'error', message: errorText(res.error) });
  else wx.showToast({ title: errorText(res.error), icon: 'none' });
  return null;
}

/** `loadWithState` for a page opened with an order id (order detail, after-sales request). */
export function loadOrderWithState<T>(page: StatefulPage, orderId: string, shown: boolean, request: (orderId: string) => Promise<Envelope<T>>): Promise<T | null> {
  if (!orderId) {
    page.setData({ status: 'empty', message: '没有找到这个订单' });
    return Promise.resolve(null);
  }
  return loadWithState(page, { shown, notFound: '订单不存在', request: () => request(orderId) });
}
