/**
 * The console's words, dates and money. Chinese by default (merchants in China); English on request,
 * remembered in localStorage. Dates are shown in China Standard Time whatever the browser's zone.
 * No DOM here (only an optional localStorage), so Node tests can check it.
 */
import { CHINA_OFFSET_MS, chinaDateTime } from '../../miniprogram/domain/china-time';
import { formatFen } from '../../miniprogram/domain/money';
import { ZH, EN, type MessageKey } from './messages';

export type Lang = 'zh' | 'en';
export type { MessageKey };
export const LANGS: readonly Lang[] = ['zh', 'en'];
export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { zh: ZH, en: EN };
export const LANG_STORAGE_KEY = 'console.lang';

type Params = Record<string, string | number>;

/** `translate('en', 'orders.count', { n: 3 })` → "3 order(s)". Unknown {names} stay as written. */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): StorageLike | undefined {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined; // storage blocked (privacy settings): the choice lasts for the page only
  }
}

let current: Lang = storage()?.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'zh';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    storage()?.setItem(LANG_STORAGE_KEY, next);
  } catch {
    // as above
  }
}

export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

/** The merchant's name for an order status, in the current language. */
export function statusLabel(status: unknown, in_: Lang = current): string {
  const key = `status.${String(status)}` as MessageKey;
  return key in MESSAGES[in_] ? translate(in_, key) : String(status ?? '');
}

/** The error codes of console/api.ts that have a merchant's explanation in front of the server's detail. */
const ERROR_CODES = ['INVALID_ARGUMENT', 'NOT_FOUND', 'CONFLICT', 'INVALID_STATE', 'OUT_OF_STOCK', 'INVALID_PRODUCT', 'UNAVAILABLE', 'INTERNAL'] as const;

/**
 * A failed call as the merchant reads it: what kind of failure, in their language, then the server's
 * exact detail (kept as sent: it names the field or the state). A failed fetch is a network error.
 */
export function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (e?.name === 'TypeError' && e.code === undefined) return translate(current, 'error.network', { message });
  const code = ERROR_CODES.find((c) => c === e?.code);
  return code ? `${translate(current, `error.${code}`)}${translate(current, 'error.separator')}${message}` : message;
}

/* ------------------------------------------------------------- dates (UTC+8) */

/** ms → the value of a datetime-local input, in Beijing time. */
export function toLocalInput(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16);
}

/** A datetime-local value (Beijing time) → ms; NaN when empty or malformed. */
export function fromLocalInput(value: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? Date.parse(`${value}:00+08:00`) : NaN;
}

/** ms, {"$date": ISO} or an ISO string → ms; anything else → NaN. */
export function toMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value);
  if (value && typeof value === 'object' && '$date' in value) {
    const d = (value as { $date: unknown }).$date;
    if (typeof d === 'string') return Date.parse(d);
    if (typeof d === 'number') return d;
    if (d && typeof d === 'object' && '$numberLong' in d) return Number((d as { $numberLong: unknown }).$numberLong);
  }
  return NaN;
}

/** "2026-03-02 00:30" in UTC+8; '' for no date. */
export function formatDateTime(value: unknown): string {
  const ms = toMillis(value);
  if (!Number.isFinite(ms)) return '';
  return chinaDateTime(ms);
}

/** "2026-03-02": the calendar day in UTC+8. */
export function formatDate(value: unknown): string {
  return formatDateTime(value).slice(0, 10);
}

/** A day picked in a date input ("2026-03-01") → the instant it starts in UTC+8, as the API's `from`/`to`. */
export function chinaDayStart(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00+08:00` : day;
}

/* ---------------------------------------------------------------------- money */

/** Integer fen → "¥12.50"; anything that is not whole fen is shown as it is, for the merchant to see. */
export function money(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return formatFen(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
