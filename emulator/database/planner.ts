/**
 * Query planning: turns the simple parts of a MongoDB filter and sort into SQL over the
 * `json_extract(idx, '$.field')` expressions that the declared indexes cover, so SQLite can use
 * an index to find candidates (and often to deliver them already sorted). mingo always re-checks
 * every candidate, so the SQL part only has to be a SUPERSET of the real matches — we only push
 * down comparisons whose SQLite semantics can never drop a document MongoDB would match.
 */
import type { Doc } from '../util/ejson';

export interface SqlPlan {
  where: string[];
  params: unknown[];
  /** ORDER BY terms, or null when the sort cannot be expressed in SQL */
  orderBy: string[] | null;
  /** true when rows come out in the requested sort order (so we may stop after skip+limit) */
  sortedBySql: boolean;
}

const SAFE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function jsonExpr(field: string): string {
  return `json_extract(idx, '$.${field}')`;
}

/** A value SQLite compares the way MongoDB would within one type bracket. */
function sqlScalar(v: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: v };
  if (v instanceof Date) return { ok: true, value: v.getTime() };
  return { ok: false };
}

export interface PlanInput {
  filter: Doc;
  sort?: Record<string, number>;
  /** fields we may push down (declared in an index and never holding arrays/objects) */
  pushable: (field: string) => boolean;
  useIndexes: boolean;
}

export function plan(input: PlanInput): SqlPlan {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.useIndexes) {
    const conds: Array<[string, unknown]> = [];
    for (const [k, v] of Object.entries(input.filter)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (sub && typeof sub === 'object') for (const e of Object.entries(sub)) if (!e[0].startsWith('$')) conds.push(e);
      } else if (!k.startsWith('$')) conds.push([k, v]);
    }
    for (const [field, cond] of conds) {
      let expr: string;
      if (field === '_id') expr = 'id';
      else if (SAFE_PATH.test(field) && input.pushable(field)) expr = jsonExpr(field);
      else continue;
      pushCondition(expr, field === '_id', cond, where, params);
    }
  }
  let orderBy: string[] | null = null;
  let sortedBySql = false;
  const sortKeys = input.sort ? Object.entries(input.sort) : [];
  if (sortKeys.length === 0) {
    orderBy = ['rid'];
    sortedBySql = true;
  } else if (input.useIndexes && sortKeys.every(([f]) => f === '_id' || (SAFE_PATH.test(f) && input.pushable(f)))) {
    // Only indexed fields known to hold scalars: SQLite orders arrays/objects/booleans unlike the
    // query engine, and a document with such a value might never be looked at before we stop early.
    orderBy = sortKeys.map(([f, d]) => `${f === '_id' ? 'id' : jsonExpr(f)} ${d < 0 ? 'DESC' : 'ASC'}`);
    orderBy.push('rid');
    sortedBySql = true;
  }
  return { where, params, orderBy, sortedBySql };
}

function pushCondition(expr: string, isId: boolean, cond: unknown, where: string[], params: unknown[]): void {
  // _id is stored as text only for string ids; numeric ids use a prefixed key, so only strings push down.
  const accept = (v: unknown) => {
    if (isId) return typeof v === 'string' ? { ok: true as const, value: v } : { ok: false as const };
    return sqlScalar(v);
  };
  const direct = accept(cond);
  if (direct.ok) {
    where.push(`${expr} = ?`);
    params.push(direct.value);
    return;
  }
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || cond instanceof RegExp || cond instanceof Date) return;
  for (const [op, operand] of Object.entries(cond as Doc)) {
    if (op === '$eq') {
      const s = accept(operand);
      if (s.ok) { where.push(`${expr} = ?`); params.push(s.value); }
    } else if (op === '$in' && Array.isArray(operand) && operand.length > 0 && operand.length <= 500) {
      const vals = operand.map(accept);
      if (vals.every((x) => x.ok)) {
        where.push(`${expr} IN (${vals.map(() => '?').join(',')})`);
        for (const x of vals) params.push((x as { value: unknown }).value);
      }
    } else if (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') {
      const s = accept(operand);
      if (!s.ok) continue;
      const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
      where.push(`${expr} ${sym} ?`);
      params.push(s.value);
    }
  }
}
