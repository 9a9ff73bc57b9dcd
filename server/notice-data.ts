/**
 * What a subscribe-message notice says, fitted to WeChat's keyword rules (docs/reference/wx-subscribe-message.md):
 * pure, no I/O. Kept out of miniprogram/domain because no page needs it (the main package stays small).
 */
import type { NoticeKind, OrderLine } from '../typings/domain';
import { fenToYuanString } from '../miniprogram/domain/money';

export const NOTICE_KINDS: readonly NoticeKind[] = ['shipped', 'refund', 'group'];

/** The page a notice opens: the order (miniprogram/utils/routes.ts PAGES.orderDetail; it must be in app.json, else 41030). */
export const NOTICE_PAGE = 'pages-order/detail/index';

/** What a notice can tell, before it is fitted to a template's keywords. */
export interface NoticeFacts {
  orderNo: string;
  goods: string;
  carrier?: string;
  trackingNo?: string;
  /** fen */
  amount?: number;
  /** a short result, e.g. 拼团成功 */
  result?: string;
  note?: string;
  /** ms */
  time: number;
}
export type NoticeFact = keyof NoticeFacts;

/**
 * Keyword names per kind when the configuration names none: those of WeChat's public templates
 * 订单发货通知, 退款成功通知 and 拼团结果通知 with the keywords picked in that order. A merchant who
 * picks other keywords lists them in config/notices (docs/DEPLOYMENT.md).
 */
export const DEFAULT_KEYWORDS: Readonly<Record<NoticeKind, Partial<Record<NoticeFact, string>>>> = {
  shipped: { orderNo: 'character_string1', goods: 'thing2', carrier: 'thing3', trackingNo: 'character_string4', time: 'time5' },
  refund: { orderNo: 'character_string1', amount: 'amount2', goods: 'thing3', time: 'time4' },
  group: { goods: 'thing1', result: 'phrase2', note: 'thing3', time: 'time4' },
};

const clip = (text: string, max: number) => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

/** A value as the keyword's type allows it: long text shortened, characters a type refuses dropped. */
export function fitValue(keyword: string, text: string): string {
  const type = /^([a-z_]+?)\d+$/.exec(keyword)?.[1] ?? '';
  switch (type) {
    case 'thing':
      return clip(text.trim(), 20);
    case 'character_string':
      return text.replace(/[^\x21-\x7E]/g, '').slice(0, 32);
    case 'phrase':
      return [...text.replace(/[^\p{Script=Han}]/gu, '')].slice(0, 5).join('');
    case 'name':
      return clip(text.trim(), 10);
    default:
      return text.trim();
  }
}

/** "2026年12月3日 18:05" in China time, the `time` and `date` keywords' format. */
export function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** "羊毛围巾 等3件": the first line's title and the units in the order. */
export function goodsText(lines: readonly Pick<OrderLine, 'title' | 'qty'>[]): string {
  const units = lines.reduce((sum, line) => sum + line.qty, 0);
  const first = lines[0]?.title ?? '商品';
  return units > 1 ? `${clip(first, 14)} 等${units}件` : first;
}

function factText(fact: NoticeFact, facts: NoticeFacts): string | undefined {
  const value = facts[fact];
  if (value === undefined) return undefined;
  if (fact === 'time') return chinaTime(value as number);
  if (fact === 'amount') return `¥${fenToYuanString(value as number)}`;
  return String(value);
}

/** The template data: each configured keyword with its fact's value, fitted; facts without a value are left out. */
export function noticeData(keywords: Partial<Record<NoticeFact, string>>, facts: NoticeFacts): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const [fact, keyword] of Object.entries(keywords) as [NoticeFact, string][]) {
    const text = factText(fact, facts);
    const value = text === undefined ? '' : fitValue(keyword, text);
    if (value) data[keyword] = { value };
  }
  return data;
}

/** Attempts a notice gets before it stays failed (the console shows it). */
export const NOTICE_MAX_ATTEMPTS = 8;

/** Wait before the next attempt after `attempts`: 1, 2, 4, … minutes, at most an hour. */
export function noticeRetryDelayMs(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1)) * 60_000;
}

/** Errcodes that no retry can fix: a wrong template id, data or page, a bad openid (configuration). */
const FINAL_ERRCODES = new Set([40003, 40037, 41030, 47003]);
/** WeChat's "the user holds no subscription for this template". */
export const NO_SUBSCRIPTION = 43101;

/** What an attempt's errcode means for the notice. */
export function noticeOutcome(errcode: number, attempts: number): { state: 'sent' | 'refused' | 'failed'; retry: boolean } {
  if (errcode === 0) return { state: 'sent', retry: false };
  if (errcode === NO_SUBSCRIPTION) return { state: 'refused', retry: false };
  return { state: 'failed', retry: !FINAL_ERRCODES.has(errcode) && attempts < NOTICE_MAX_ATTEMPTS };
}
