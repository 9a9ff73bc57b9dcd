/**
 * EJSON in and out (docs/reference/cloudbase-wire-protocol.md §6). The SDK sends canonical EJSON strings built with bson 4.x;
 * we decode them in relaxed mode and then normalise the few types mingo cannot handle.
 */
import { EJSON, BSONRegExp, ObjectId, Long, Double, Int32, Decimal128 } from 'bson';
import { Errors } from './errors';

export type Doc = Record<string, any>;

/** Parses one EJSON string (or passes through an already-parsed value) and normalises it. */
export function decode(input: unknown, now: Date, what = 'payload'): any {
  if (input === undefined || input === null || input === '') return undefined;
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = EJSON.parse(input, { relaxed: true });
    } catch (e) {
      throw Errors.invalidParam(`malformed EJSON in ${what}: ${(e as Error).message}`);
    }
  }
  return normalise(v, now);
}

/**
 * - `$tcb_server_date` → Date(now + offset), one clock per request (§6.2)
 * - BSONRegExp → RegExp without g/y flags (§6.1)
 * - ObjectId → hex string; Long/Double/Int32/Decimal128 → number
 */
export function normalise(v: any, now: Date): any {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v;
  if (v instanceof RegExp) return new RegExp(v.source, v.flags.replace(/[gy]/g, ''));
  if (v instanceof BSONRegExp) return new RegExp(v.pattern, (v.options || '').replace(/[^imsu]/g, ''));
  if (v instanceof ObjectId) return v.toHexString();
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Double || v instanceof Int32) return v.valueOf();
  if (v instanceof Decimal128) return Number(v.toString());
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map((x) => normalise(x, now));
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const off = Number(normalise(v.$tcb_server_date?.offset, now) ?? 0) || 0;
    return new Date(now.getTime() + off);
  }
  const out: Doc = {};
  for (const k of keys) out[k] = normalise(v[k], now);
  return out;
}

/** Canonical EJSON, which the SDK decodes into exactly the JS types the user stored (§6.5). */
export function encode(doc: unknown): string {
  return EJSON.stringify(doc as any, { relaxed: false });
}

/** Relaxed EJSON for human-facing files (import/export): dates as {"$date": "<ISO>"}. */
export function encodeRelaxed(doc: unknown): string {
  return EJSON.stringify(doc as any, { relaxed: true });
}

export function decodeRelaxedLine(line: string): any {
  return normalise(EJSON.parse(line, { relaxed: true }), new Date());
}

/** Deep clone that keeps Dates and RegExps (structuredClone keeps both). */
export const clone = <T>(v: T): T => structuredClone(v);
