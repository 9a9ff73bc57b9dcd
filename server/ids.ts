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

/** A stored sort key inside a cursor: missing/null, a number, or a date as epoch ms (`{d}`). */
export type CursorKey = null | number | { d: number };

/** Where a listing's page ended: the sort's name, the last document's sort key and its _id. */
export interface CursorPosition {
  s: string;
  k: CursorKey;
  id: string;
}

/** Opaque pagination cursor: the last position of a page, base64url-encoded JSON. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function isCursorKey(k: unknown): k is CursorKey {
  if (k === null) return true;
  if (typeof k === 'number') return Number.isFinite(k);
  if (typeof k !== 'object' || Array.isArray(k)) return false;
  const keys = Object.keys(k as object);
  const d = (k as { d?: unknown }).d;
  return keys.length === 1 && typeof d === 'number' && Number.isFinite(d) && Math.abs(d) <= 8.64e15;
}

/** The position in a cursor, or null when it is not one we made. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const { s, k, id } = parsed as { s?: unknown; k?: unknown; id?: unknown };
    if (typeof s !== 'string' || s.length > 20 || typeof id !== 'string' || id.length === 0 || id.length > 128) return null;
    return isCursorKey(k) ? { s, k, id } : null;
  } catch {
    return null;
  }
}

