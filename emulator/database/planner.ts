/**
 * Query planning: turns the simple parts of a MongoDB filter and sort into SQL over the
 * `json_extract(idx, '$.field')` expressions that the declared indexes cover, so SQLite can use
 * an index to find candidates (and often to deliver them already sorted). mingo always re-checks
 * every candidate, so the SQL part only has to be a SUPERSET of the real matches — we only push
 * down comparisons whose SQLite semantics can never drop a document MongoDB would match.
 * A field that holds arrays is searched through its multikey entries (multikey.ts): one
 * `id IN (SELECT id FROM doc_keys …)` per operator, because MongoDB lets different elements satisfy
 * different operators of one condition ({$gt: 1, $lt: 5} on [0, 9] matches).
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
  coll: string;
  filter: Doc;
  sort?: Record<string, number>;
  /** fields we may push down (declared in an index and never holding arrays/objects) */
  pushable: (field: string) => boolean;
  /** indexed fields that hold arrays somewhere: searched through multikey entries */
  multikey?: (field: string) => boolean;
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
      if (field === '_id') pushCondition('id', true, cond, (sql, values) => (where.push(sql), params.push(...values)));
      else if (!SAFE_PATH.test(field)) continue;
      else if (input.pushable(field)) pushCondition(jsonExpr(field), false, cond, (sql, values) => (where.push(sql), params.push(...values)));
      else if (input.multikey?.(field)) {
        pushCondition('value', false, cond, (sql, values) => {
          where.push(`id IN (SELECT id FROM doc_keys WHERE coll = ? AND field = ? AND ${sql})`);
          params.push(input.coll, field, ...values);
        });
      }
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

type Emit = (sql: string, values: unknown[]) => void;

function pushCondition(expr: string, isId: boolean, cond: unknown, emit: Emit): void {
  // _id is stored as text only for string ids; numeric ids use a prefixed key, so only strings push down.
  const accept = (v: unknown) => {
    if (isId) return typeof v === 'string' ? { ok: true as const, value: v } : { ok: false as const };
    return sqlScalar(v);
  };
  const direct = accept(cond);
  if (direct.ok) return emit(`${expr} = ?`, [direct.value]);
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || cond instanceof RegExp || cond instanceof Date) return;
  for (const [op, operand] of Object.entries(cond as Doc)) {
    if (op === '$eq') {
      const s = accept(operand);
      if (s.ok) emit(`${expr} = ?`, [s.value]);
    } else if (op === '$in' && Array.isArray(operand) && operand.length > 0 && operand.length <= 500) {
      const vals = operand.map(accept);
      if (vals.every((x) => x.ok)) emit(`${expr} IN (${vals.map(() => '?').join(',')})`, vals.map((x) => (x as { value: unknown }).value));
    } else if (op === '$all' && Array.isArray(operand)) {
      // Every listed value must be present: one equality per value, each its own condition (on a
      // multikey field each becomes its own `id IN (…)`), as MongoDB bounds an index scan by $all.
      // Values SQL cannot compare ($elemMatch objects, arrays) are left to the query engine's check.
      for (const v of operand.slice(0, 32)) {
        const s = accept(v);
        if (s.ok) emit(`${expr} = ?`, [s.value]);
      }
    } else if (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') {
      const s = accept(operand);
      if (!s.ok) continue;
      const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
      emit(`${expr} ${sym} ?`, [s.value]);
    }
  }
}
