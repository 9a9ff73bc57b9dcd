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
    const fast = parseCommon(input);
    if (fast !== UNCOMMON) return fast;
    try {
      v = EJSON.parse(input, { relaxed: true });
    } catch (e) {
      throw Errors.invalidParam(`malformed EJSON in ${what}: ${(e as Error).message}`);
    }
  }
  return normalise(v, now);
}

/** What `parseCommon` returns for text it leaves to bson's parser. */
const UNCOMMON = Symbol('uncommon EJSON');
const SHORT_INTEGER = /^-?\d{1,15}$/;

/**
 * The EJSON that every stored document and most requests are made of, parsed in one native JSON.parse
 * and one walk instead of bson's reviver call per value (the local cloud's largest per-document cost):
 * plain objects and arrays, strings, numbers, booleans, null, and the wrappers `$numberInt`,
 * `$numberDouble`, `$numberLong` and `$date` (of a `$numberLong`, an ISO string or a number), each alone
 * in its object. Anything else — another `$` key (`$tcb_server_date`, `$regularExpression`, `$oid`, …), a
 * wrapper beside other keys, a key with NUL or named `__proto__`, malformed JSON — gives UNCOMMON, and
 * the caller takes bson's parser, whose relaxed result (after `normalise`) this equals value for value.
 */
function parseCommon(text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return UNCOMMON;
  }
  return revive(v);
}

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      const x = revive(v[i]);
      if (x === UNCOMMON) return UNCOMMON;
      v[i] = x;
    }
    return v;
  }
  const o = v as Doc;
  for (const k in o) if (k.charCodeAt(0) === 36 /* $ */) return wrapped(o);
  for (const k in o) {
    if (k === '__proto__' || k.includes('\u0000')) return UNCOMMON;
    const x = revive(o[k]);
    if (x === UNCOMMON) return UNCOMMON;
    o[k] = x;
  }
  return o;
}

/** bson's relaxed reading of a lone wrapper (Int32/Double/Long.fromExtendedJSON, its `$date` branch). */
function wrapped(o: Doc): unknown {
  const keys = Object.keys(o);
  if (keys.length !== 1) return UNCOMMON;
  const value = o[keys[0]];
  switch (keys[0]) {
    case '$numberInt':
      return typeof value === 'string' ? parseInt(value, 10) : UNCOMMON;
    case '$numberDouble':
      return typeof value === 'string' ? parseFloat(value) : UNCOMMON;
    case '$numberLong':
      if (typeof value !== 'string') return UNCOMMON;
      return SHORT_INTEGER.test(value) ? Number(value) : Long.fromString(value).toNumber();
    case '$date': {
      if (typeof value === 'string') return new Date(Date.parse(value));
      if (typeof value === 'number') return new Date(value);
      const ms = value !== null && typeof value === 'object' ? wrapped(value) : UNCOMMON;
      return typeof ms === 'number' && Object.keys(value).length === 1 && '$numberLong' in value ? new Date(ms) : UNCOMMON;
    }
    default:
      return UNCOMMON;
  }
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
