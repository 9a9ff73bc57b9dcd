import { createHash, randomBytes } from 'node:crypto';
import { base62 } from '../miniprogram/domain/scene-codec';

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Deterministic short id from any text (base62 of its digest). */
export function digestId(text: string, length: number): string {
  return base62(sha256(text), length);
}

/** Unguessable base62 id. */
export function randomId(length: number): string {
  return base62(randomBytes(length), length);
}

/**
 * JSON with object keys sorted, so two payloads that mean the same thing hash the same
 * (used for idempotency fingerprints and scene targets).
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

export function fingerprint(value: unknown): string {
  return sha256(canonicalJson(value)).toString('hex');
}

/**
 * The order id for one checkout: derived from the caller and their requestId, so concurrent retries of
 * the same checkout write the same documents and collide in the database instead of creating two
 * orders. Also the WeChat Pay `outTradeNo` (≤ 32 chars of [0-9A-Za-z_-]).
 */
export function orderIdFor(openid: string, requestId: string): string {
  return `O${digestId(`order\u0000${openid}\u0000${requestId}`, 23)}`;
}

/** Opaque pagination cursor: the offset into the query's result, base64url-encoded JSON. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

export const MAX_CURSOR_OFFSET = 100_000;

/** The offset in a cursor, or null when it is not one we made. */
export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const offset = (parsed as { o?: unknown }).o;
    return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 && offset <= MAX_CURSOR_OFFSET ? offset : null;
  } catch {
    return null;
  }
}

/** Escapes text for use inside a regular expression, so a keyword matches literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
