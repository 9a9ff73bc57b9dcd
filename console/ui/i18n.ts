/**
 * The console's words, dates and money. Chinese by default (merchants in China); English on request,
 * remembered in localStorage. Dates are shown in China Standard Time whatever the browser's zone.
 * No DOM here (only an optional localStorage), so Node tests can check it.
 */
import { chinaDateTime } from '../../miniprogram/domain/china-time';
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
/** The console's own codes for a call that got no answer (console/ui/client.ts): the message is the whole text. */
const NO_ANSWER_CODES = ['TIMEOUT', 'WRITE_TIMEOUT', 'LEFT_PAGE'] as const;

/**
 * A failed call as the merchant reads it: what kind of failure, in their language, then the server's
 * exact detail (kept as sent: it names the field or the state). A failed fetch is a network error.
 */
export function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (e?.name === 'TypeError' && e.code === undefined) return translate(current, 'error.network', { message });
  const noAnswer = NO_ANSWER_CODES.find((c) => c === e?.code);
  if (noAnswer) return translate(current, `error.${noAnswer}`, { seconds: message });
  const code = ERROR_CODES.find((c) => c === e?.code);
  return code ? `${translate(current, `error.${code}`)}${translate(current, 'error.separator')}${message}` : message;
}

/* ------------------------------------------------------------- dates (UTC+8) */

/*
 * Date and time fields are written year first, in China time ("2026-03-02 14:00", "2026-03-02"),
 * whatever the browser's language or zone: unambiguous in both languages, the way the lists show them.
 * A browser's own date input orders day and month by its locale (03/02/2026 in an English browser) and
 * cannot be told the console's language, so the fields are text with these rules (see ./time-input.ts).
 */

const pad2 = (n: string) => n.padStart(2, '0');

/** "2026-3-2", "2026/03/02" → "2026-03-02" when it is a real calendar day; null otherwise. */
export function normalizeDay(text: string): string | null {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const day = `${m[1]}-${pad2(m[2])}-${pad2(m[3])}`;
  const ms = Date.parse(`${day}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March 2; a real day comes back as itself.
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? day : null;
}

/** "2026-03-02 9:05" (or with a T, or slashes) → "2026-03-02 09:05"; null unless a real day and time. */
export function normalizeDateTime(text: string): string | null {
  const m = /^(\S+?)[ T]+(\d{1,2}):(\d{2})$/.exec(text.trim());
  const day = m ? normalizeDay(m[1]) : null;
  if (!m || !day || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  return `${day} ${pad2(m[2])}:${m[3]}`;
}

/** ms → a date-and-time field's text: the instant on a clock in China. */
export function toLocalInput(ms: number): string {
  return chinaDateTime(ms);
}

/** A date-and-time field's text, read as China time → ms; NaN when empty or not a real day and time. */
export function fromLocalInput(value: string): number {
  const text = normalizeDateTime(value);
  return text ? Date.parse(`${text.replace(' ', 'T')}:00+08:00`) : NaN;
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

/**
 * A date field's day ("2026-03-01") → the instant it starts in UTC+8, as the API's `from`/`to`; text
 * that is no day goes as typed, for the server to refuse by name.
 */
export function chinaDayStart(text: string): string {
  const day = normalizeDay(text);
  return day ? `${day}T00:00:00+08:00` : text;
}

/* ---------------------------------------------------------------------- money */

/** Integer fen → "¥12.50"; anything that is not whole fen is shown as it is, for the merchant to see. */
export function money(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return formatFen(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
