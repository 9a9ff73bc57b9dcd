/**
 * China keeps one time zone, UTC+8, without daylight saving. Shoppers and merchants read every instant
 * in it, whatever zone the phone, the browser or the cloud function runs in.
 */
export const CHINA_OFFSET_MS = 8 * 3600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-02 00:30": the instant `ms` on a clock in China. */
export function chinaDateTime(ms: number): string {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
