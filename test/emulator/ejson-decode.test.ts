/**
 * decode() reads the common shapes of EJSON without bson's reviver (emulator/util/ejson.ts parseCommon).
 * Whatever the text, it must give exactly what bson's relaxed parser followed by normalise gives:
 * checked on random documents in canonical and relaxed EJSON and on hand-picked edge cases.
 */
import { EJSON } from 'bson';
import { decode, encode, normalise } from '../../emulator/util/ejson';
import { rng } from '../support/data';

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

/** bson's parser and normalise: what decode() answered before it had a fast path. */
function reference(text: string): unknown {
  return normalise(EJSON.parse(text, { relaxed: true }), NOW);
}

/** Deep equality that tells -0 from 0, NaN from NaN-free, Dates by time, and keeps key order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const [pa, pb] = [Object.getPrototypeOf(a), Object.getPrototypeOf(b)];
    if (pa !== pb && !(pa !== Object.prototype && pb !== Object.prototype && same(pa, pb))) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.join('\u0001') === kb.join('\u0001') && ka.every((k) => same((a as any)[k], (b as any)[k]));
  }
  return Object.is(a, b);
}

const NUMBERS = [0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5, -2.25, 1e21, 2 ** 53, 2 ** 53 + 2, 2 ** 60, -(2 ** 63), 2 ** 64, 1700000000000, NaN, Infinity, -Infinity, 5e-324, 0.1];

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (pick) {
    case 0:
      return NUMBERS[Math.floor(r() * NUMBERS.length)];
    case 1:
      return Math.floor(r() * 1e6) / (r() < 0.5 ? 1 : 7);
    case 2:
      return ['', 'a', '卫衣', '$x', 'line\nbreak', '"quoted"', '\u2028', 'x'.repeat(40)][Math.floor(r() * 8)];
    case 3:
      return r() < 0.5;
    case 4:
      return null;
    case 5:
      return [new Date(Math.floor(r() * 2e12)), new Date(-1), new Date(253402318800001), new Date(NaN)][Math.floor(r() * 4)];
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['a', 'b', '10', '2', 'skus', 'price', 'createdAt', 'x_y', 'Z'];
      for (let i = Math.floor(r() * 5); i > 0; i -= 1) o[keys[Math.floor(r() * keys.length)]] = randomValue(r, depth + 1);
      return o;
    }
  }
}

test('random documents: canonical and relaxed EJSON decode as bson reads them', () => {
  const r = rng(7);
  for (let i = 0; i < 3000; i += 1) {
    const doc = { _id: `d${i}`, v: randomValue(r, 0), w: randomValue(r, 0) };
    for (const text of [encode(doc), EJSON.stringify(doc as any, { relaxed: true }), JSON.stringify(doc)]) {
      const got = decode(text, NOW);
      const want = reference(text);
      if (!same(got, want)) throw new Error(`decode differs for ${text}: ${EJSON.stringify(got as any)} vs ${EJSON.stringify(want as any)}`);
    }
  }
});

test.each([
  '{"a":{"$numberInt":"5","b":1}}',
  '{"a":{"$numberInt":5}}',
  '{"a":{"$numberInt":" 12abc"}}',
  '{"a":{"$numberDouble":"-0.0"}}',
  '{"a":{"$numberDouble":"NaN"}}',
  '{"a":{"$numberDouble":"-Infinity"}}',
  '{"a":{"$numberLong":"9007199254740993"}}',
  '{"a":{"$numberLong":"-9223372036854775808"}}',
  '{"a":{"$numberLong":"0012"}}',
  '{"a":{"$numberLong":"NaN"}}',
  '{"a":{"$date":{"$numberLong":"1700000000000"}}}',
  '{"a":{"$date":{"$numberLong":"-62135596800000"}}}',
  '{"a":{"$date":{"$numberInt":"5"}}}',
  '{"a":{"$date":"2026-01-02T03:04:05Z"}}',
  '{"a":{"$date":"not a date"}}',
  '{"a":{"$date":1700000000000}}',
  '{"a":{"$date":null}}',
  '{"a":{"$date":{"$numberLong":"1","x":2}}}',
  '{"a":{"$tcb_server_date":{"offset":{"$numberInt":"1000"}}}}',
  '{"a":{"$regularExpression":{"pattern":"^a","options":"im"}}}',
  '{"a":{"$oid":"5f0c9f1b2c3d4e5f60718293"}}',
  '{"a":{"$undefined":true}}',
  '{"a":{"$numberDecimal":"1.5"}}',
  '{"a":{"$ref":"c","$id":"x"}}',
  '{"__proto__":{"x":1},"a":1}',
  '{"a":{"__proto__":{"$numberInt":"1"}}}',
  '[{"$numberInt":"1"},{"$numberDouble":"2.5"},null,"s",true]',
  '"just a string"',
  '12',
  '{"a":[[{"$numberInt":"1"}],{"b":{"$date":{"$numberLong":"0"}}}]}',
])('edge case %s decodes as bson reads it', (text) => {
  expect(same(decode(text, NOW), reference(text))).toBe(true);
});

test('a key holding NUL, an unsupported regular-expression flag and malformed JSON fail as before', () => {
  expect(() => decode('{"a":{"$regularExpression":{"pattern":"^a","options":"g"}}}', NOW)).toThrow(/malformed EJSON in payload/);
  expect(() => decode('{"a\\u0000b":1}', NOW)).toThrow(/malformed EJSON in payload/);
  expect(() => decode('{"a":', NOW, 'query')).toThrow(/malformed EJSON in query/);
});
