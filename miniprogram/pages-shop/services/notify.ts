import type { NoticeKind } from '../../../typings/domain';
import { call } from '../../services/api';

/**
 * Subscribe-message notices (docs/reference/wx-subscribe-message.md). WeChat opens the subscribe dialog
 * only from a tap or a payment's callback, never after an unrelated cloud call, so the template ids are
 * known ahead (`prepareNotices` on page load; `orders.pay` answers them too) and `askFor` uses them at once.
 */
let templates: Partial<Record<NoticeKind, string>> | null = null;
let loading: Promise<void> | null = null;

/** Whether this WeChat has the subscribe dialog (base library 2.4.4+). */
const canAsk = () => typeof wx.requestSubscribeMessage === 'function';

/** The ids as a cloud answer gave them (orders.pay). */
export function useNoticeTemplates(ids: Partial<Record<NoticeKind, string>>): void {
  templates = ids;
}

/** Fetches the store's template ids once per run; never rejects. */
export function prepareNotices(): Promise<void> {
  if (templates || !canAsk()) return Promise.resolve();
  if (!loading) {
    loading = call('orders', 'noticeTemplates', {}).then((res) => {
      if (res.ok) templates = res.data.templates;
      loading = null;
    });
  }
  return loading;
}

/**
 * Asks the shopper to subscribe to `kinds` (at most 3 per dialog). Call it straight from a tap handler or
 * a payment's success, before any other await. Reports the answers to the server (a hint; WeChat
 * decides what may be sent) and resolves to the kinds accepted; never rejects.
 */
export function askFor(kinds: readonly NoticeKind[]): Promise<NoticeKind[]> {
  const known = templates || {};
  const asked = kinds.filter((kind) => known[kind]).slice(0, 3);
  if (!asked.length || !canAsk()) return Promise.resolve([]);
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: asked.map((kind) => known[kind] as string),
      success: (res) => {
        const answers = res as unknown as Record<string, string>;
        const results: Record<string, string> = {};
        for (const kind of asked) results[known[kind] as string] = String(answers[known[kind] as string] || '');
        void call('orders', 'reportSubscriptions', { results });
        resolve(asked.filter((kind) => results[known[kind] as string] === 'accept'));
      },
      fail: () => resolve([]),
    });
  });
}
