/**
 * MongoDB semantics over mingo. CloudBase runs MongoDB underneath; mingo is close but wrong in a
 * few places that the SDKs can reach. Every fix below names the MongoDB rule it restores and the
 * smallest input where mingo 7.2 differs (test/emulator/operators.test.ts checks each against the
 * MongoDB documentation's own examples).
 *
 * The rest of the database code takes `Query`, `aggregate` and `checkUpdate` from here, never
 * from mingo directly, so every query and pipeline sees the same operator set.
 */
import { Context, type Query as MingoQuery } from 'mingo';
import Ajv, { type ValidateFunction } from 'ajv';
import type { Doc } from '../util/ejson';

type Any = any; // mingo's operator signatures are untyped at this level
type Ops = Record<string, Any>;
/* eslint-disable @typescript-eslint/no-require-imports -- mingo's subpath exports have no types under moduleResolution "node" */
const { Query: BaseQuery } = require('mingo/query') as { Query: new (criteria: Doc, options: Any) => MingoQuery };
const { Aggregator } = require('mingo/aggregator') as { Aggregator: new (pipeline: Doc[], options: Any) => { run(docs: Doc[]): Doc[] } };
const { resolve } = require('mingo/util') as { resolve(obj: Any, selector: string, options?: { unwrapArray?: boolean }): Any };
const accumulatorOps: Ops = require('mingo/operators/accumulator');
const expressionOps: Ops = require('mingo/operators/expression');
const pipelineOps: Ops = require('mingo/operators/pipeline');
const projectionOps: Ops = require('mingo/operators/projection');
const queryOps: Ops = require('mingo/operators/query');
const windowOps: Ops = require('mingo/operators/window');
/* eslint-enable @typescript-eslint/no-require-imports */
type ExprOp = (obj: Any, expr: Any, options: Any) => Any;
type QueryOp = (selector: string, value: Any, options: Any) => (obj: Any) => boolean;

const isPlainObject = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);

/** Evaluates operator arguments with mingo's own evaluator (an array literal is evaluated element-wise). */
const evalArgs = (obj: Any, args: Any[], options: Any): Any[] => (expressionOps.$concatArrays as ExprOp)(obj, [args], options);

// ---- query operators -------------------------------------------------------------------------

/**
 * $elemMatch with field conditions matches embedded documents only.
 * mingo: {tags: {$elemMatch: {value: {$gt: 0}}}} matches {tags: [1, 2]} (it resolves `value` of a
 * number to the number itself); MongoDB does not.
 */
const $elemMatch: QueryOp = (selector, criteria, options) => {
  if (!isPlainObject(criteria) || !Object.keys(criteria).some((k) => !k.startsWith('$'))) {
    return (queryOps.$elemMatch as QueryOp)(selector, criteria, options);
  }
  const q = new BaseQuery(criteria, options);
  return (obj) => {
    const arr = resolve(obj, selector, { unwrapArray: true });
    return Array.isArray(arr) && arr.some((el) => isPlainObject(el) && q.test(el));
  };
};

// ---- expression operators --------------------------------------------------------------------

/** $trunc takes one operand too ({$trunc: <number>}); mingo insists on [number, place]. */
const $trunc: ExprOp = (obj, expr, options) => (expressionOps.$trunc as ExprOp)(obj, Array.isArray(expr) ? expr : [expr, 0], options);

/**
 * $week / %U: weeks start on Sunday; days before the year's first Sunday are week 0.
 * mingo derives it from the ISO week and is one too high on Sundays (2016-01-03 → 54, not 1).
 */
const sundayWeek = (obj: Any, dateExpr: Any, options: Any): number => {
  const yday = (expressionOps.$dayOfYear as ExprOp)(obj, dateExpr, options) as number; // 1..366
  const wday = (expressionOps.$dayOfWeek as ExprOp)(obj, dateExpr, options) as number; // 1 = Sunday
  return Math.floor((yday - wday + 7) / 7);
};
const $week: ExprOp = (obj, expr, options) => {
  const d = (expressionOps.$dayOfYear as ExprOp)(obj, expr, options);
  return d == null ? null : sundayWeek(obj, expr, options);
};
const $dateToString: ExprOp = (obj, expr, options) => {
  const base = expressionOps.$dateToString as ExprOp;
  if (!isPlainObject(expr) || typeof expr.format !== 'string' || !expr.format.includes('%U')) return base(obj, expr, options);
  const dateExpr = expr.timezone === undefined ? { date: expr.date } : { date: expr.date, timezone: expr.timezone };
  if ((expressionOps.$dayOfYear as ExprOp)(obj, dateExpr, options) == null) return base(obj, expr, options);
  const week = String(sundayWeek(obj, dateExpr, options)).padStart(2, '0');
  return base(obj, { ...expr, format: expr.format.replace(/%U/g, week) }, options);
};

/** $indexOfCP: the code-point index of a substring (mingo 7.2 does not register it). */
const $indexOfCP: ExprOp = (obj, expr, options) => {
  const [str, search, start = 0, end] = evalArgs(obj, expr, options);
  if (str == null) return null;
  if (typeof str !== 'string' || typeof search !== 'string') throw new Error('$indexOfCP requires a string and a substring');
  const cps = [...str];
  const stop = end ?? cps.length;
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(stop) || stop < 0) throw new Error('$indexOfCP start and end must be non-negative integers');
  if (start > stop) return -1;
  const want = [...search];
  for (let i = start; i + want.length <= Math.min(stop, cps.length); i++) {
    if (want.every((c, j) => cps[i + j] === c)) return i;
  }
  return -1;
};

/** $indexOfBytes counts UTF-8 bytes; mingo counts UTF-16 units ('cafétéria', 'é' → 3 either way, 'é' after it differs). */
const $indexOfBytes: ExprOp = (obj, expr, options) => {
  const [str, search, start = 0, end] = evalArgs(obj, expr, options);
  if (str == null) return null;
  if (typeof str !== 'string' || typeof search !== 'string') throw new Error('$indexOfBytes requires a string and a substring');
  const bytes = Buffer.from(str, 'utf8');
  const stop = end ?? bytes.length;
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(stop) || stop < 0) throw new Error('$indexOfBytes start and end must be non-negative integers');
  if (start > stop) return -1;
  const at = bytes.subarray(0, Math.min(stop, bytes.length)).indexOf(Buffer.from(search, 'utf8'), start);
  return at;
};

/**
 * $substrBytes / $substr: a negative length means "to the end of the string" (MongoDB);
 * mingo refuses it.
 */
const substrBytes: ExprOp = (obj, expr, options) => {
  if (!Array.isArray(expr) || expr.length !== 3) return (expressionOps.$substrBytes as ExprOp)(obj, expr, options);
  const [str, index, count] = evalArgs(obj, expr, options);
  if (typeof count === 'number' && count < 0 && typeof str === 'string' && Number.isInteger(index) && index >= 0) {
    return (expressionOps.$substrBytes as ExprOp)(obj, [str, index, Math.max(0, Buffer.byteLength(str, 'utf8') - index)], options);
  }
  return (expressionOps.$substrBytes as ExprOp)(obj, [{ $literal: str }, index, count], options);
};

// ---- $jsonSchema -----------------------------------------------------------------------------

/**
 * MongoDB's $jsonSchema: JSON Schema draft 4 plus `bsonType`. mingo needs a validator supplied.
 * Ajv checks the schema; `bsonType` is added as a keyword with MongoDB's type aliases.
 */
const BSON_TYPES: Record<string, (v: unknown) => boolean> = {
  double: (v) => typeof v === 'number',
  number: (v) => typeof v === 'number',
  int: (v) => Number.isInteger(v),
  long: (v) => Number.isInteger(v),
  decimal: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  object: (v) => isPlainObject(v),
  array: (v) => Array.isArray(v),
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  objectId: (v) => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v),
};
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
ajv.addKeyword({
  keyword: 'bsonType',
  schemaType: ['string', 'array'],
  validate: (types: string | string[], data: unknown) => (Array.isArray(types) ? types : [types]).some((t) => BSON_TYPES[t]?.(data) ?? false),
});
const jsonSchemaValidator = (schema: Doc): ((obj: Doc) => boolean) => {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new Error(`$jsonSchema: ${(e as Error).message}`);
  }
  return (obj) => validate(obj) as boolean;
};

// ---- the context -----------------------------------------------------------------------------

const CONTEXT = Context.init({
  accumulator: accumulatorOps as Any,
  expression: {
    ...(expressionOps as Any),
    $trunc,
    $week,
    $dateToString,
    $indexOfCP,
    $indexOfBytes,
    $substrBytes: substrBytes,
    $substr: substrBytes,
  },
  pipeline: pipelineOps as Any,
  projection: projectionOps as Any,
  query: { ...(queryOps as Any), $elemMatch },
  window: windowOps as Any,
} as Any);

const OPTIONS = { context: CONTEXT, jsonSchemaValidator } as Any;

export const Query = class extends BaseQuery {
  constructor(criteria: Doc) {
    super(criteria, OPTIONS);
  }
};
export type Query = MingoQuery;

export function aggregate(docs: Doc[], pipeline: Doc[], options: { collectionResolver?: (name: string) => Doc[] } = {}): Doc[] {
  return new Aggregator(pipeline, { ...OPTIONS, ...options }).run(docs);
}

/** A field path's value as the query engine's `$lookup` reads a localField (through arrays, undefined when missing). */
export const resolvePath = (doc: Doc, path: string): unknown => resolve(doc, path);

/** Options for mingo's updater, so conditions inside $pull use the same operators. */
export const queryOptions = OPTIONS;
