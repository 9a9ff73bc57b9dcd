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
import type { CompoundIndex } from './compound-keys';

export interface SqlPlan {
  /** FROM clause when rows come through a compound multikey index's entries (joined to docs), with its parameters */
  from?: { sql: string; params: unknown[] };
  /** conditions on the docs table (a superset of the matches even without `from`) */
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
  /** compound indexes served through multikey entries (compound-keys.ts) */
  compound?: CompoundIndex[];
  /** how many entries of `ix` hold `values` in its first fields (bounded; to pick the rarest element) */
  countEntries?: (ix: CompoundIndex, values: unknown[]) => number;
  useIndexes: boolean;
}

export function plan(input: PlanInput): SqlPlan {
  const conds = input.useIndexes ? conditionsOf(input.filter) : [];
  const through = input.useIndexes ? compoundPlan(input, conds) : null;
  const { where, params } = docsConditions(input, conds, through?.arrayField);
  if (through) return { from: through.from, where, params, orderBy: through.orderBy, sortedBySql: true };
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

/** The field conditions of the filter's top level and of its top-level $and. */
function conditionsOf(filter: Doc): Array<[string, unknown]> {
  const conds: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) if (sub && typeof sub === 'object') for (const e of Object.entries(sub)) if (!e[0].startsWith('$')) conds.push(e);
    } else if (!k.startsWith('$')) conds.push([k, v]);
  }
  return conds;
}

/** SQL conditions on the docs table; `except`: a field whose conditions a compound index's entries already bound. */
function docsConditions(input: PlanInput, conds: Array<[string, unknown]>, except?: string): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const emit: Emit = (sql, values) => (where.push(sql), params.push(...values));
  for (const [field, cond] of conds) {
    if (field === except) continue;
    if (field === '_id') pushCondition('id', true, cond, emit);
    else if (!SAFE_PATH.test(field)) continue;
    else if (input.pushable(field)) pushCondition(jsonExpr(field), false, cond, emit);
    else if (input.multikey?.(field)) {
      pushCondition('value', false, cond, (sql, values) => {
        where.push(`id IN (SELECT id FROM doc_keys WHERE coll = ? AND field = ? AND ${sql})`);
        params.push(input.coll, field, ...values);
      });
    }
  }
  return { where, params };
}

/**
 * Equality values a condition requires the field to hold (for an array field: elements it must
 * contain). A plain value or $eq gives one; $all gives each listed scalar.
 */
function equalities(cond: unknown): unknown[] {
  const direct = sqlScalar(cond);
  if (direct.ok) return [direct.value];
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || cond instanceof RegExp || cond instanceof Date) return [];
  const out: unknown[] = [];
  for (const [op, operand] of Object.entries(cond as Doc)) {
    if (op === '$eq') {
      const s = sqlScalar(operand);
      if (s.ok) out.push(s.value);
    } else if (op === '$all' && Array.isArray(operand)) {
      for (const v of operand.slice(0, 32)) {
        const s = sqlScalar(v);
        if (s.ok) out.push(s.value);
      }
    }
  }
  return out;
}

/**
 * Reads through a compound multikey index (compound-keys.ts) when the filter has equality on every
 * field before the sort's first key, the array field among them, and the sort is that key (then
 * possibly `_id`): rows come out in the sort's order and the read stops after a page, as MongoDB's
 * index scan with bounds on one element does. With several required elements ($all), the rarest one
 * bounds the scan and each other one is a point lookup in the same index (same document, same
 * values of the other fields). Everything else stays in the docs conditions and the query engine's check.
 */
function compoundPlan(input: PlanInput, conds: Array<[string, unknown]>): { from: { sql: string; params: unknown[] }; orderBy: string[]; arrayField: string } | null {
  const sortKeys = input.sort ? Object.entries(input.sort) : [];
  if (!input.compound?.length || sortKeys.length === 0 || sortKeys.length > 2) return null;
  const [[sortField, sortDir], idKey] = sortKeys;
  if (sortField === '_id' || (idKey && idKey[0] !== '_id')) return null;
  const eq = new Map<string, unknown[]>();
  for (const [field, cond] of conds) {
    const values = equalities(cond);
    if (values.length) eq.set(field, [...(eq.get(field) ?? []), ...values]);
  }
  let best: { ix: CompoundIndex; at: number } | null = null;
  for (const ix of input.compound) {
    const at = ix.fields.indexOf(sortField);
    if (at <= 0 || ix.fields[at] === ix.arrayField || !input.pushable(sortField)) continue;
    const prefix = ix.fields.slice(0, at);
    if (!prefix.includes(ix.arrayField) || !prefix.every((f) => eq.has(f) && (f === ix.arrayField || input.pushable(f)))) continue;
    if (!best || at > best.at) best = { ix, at };
  }
  if (!best) return null;
  const { ix, at } = best;
  const arrayAt = ix.fields.indexOf(ix.arrayField);
  const prefixValues = (element: unknown) => ix.fields.slice(0, at).map((f, i) => (i === arrayAt ? element : eq.get(f)![0]));
  const elements = [...new Set(eq.get(ix.arrayField))];
  if (elements.length > 1 && input.countEntries) {
    const counts = new Map(elements.map((e) => [e, input.countEntries!(ix, prefixValues(e))]));
    elements.sort((a, b) => counts.get(a)! - counts.get(b)!);
  }
  const [driving, ...others] = elements;
  const on = ['docs.id = e.doc_id', ...ix.columns.slice(0, at).map((c) => `e.${c} = ?`)];
  // A document's entries are keyed by (doc_id, element): each further element is one lookup.
  for (let i = 0; i < others.length; i += 1) on.push(`EXISTS (SELECT 1 FROM "${ix.table}" AS o WHERE o.doc_id = e.doc_id AND o.v = ?)`);
  const dir = (d: number) => (d < 0 ? 'DESC' : 'ASC');
  // _id is unique within a collection: with it as the second key, no further tie-break is needed.
  const orderBy = [`e.${ix.columns[at]} ${dir(sortDir)}`, idKey ? `e.doc_id ${dir(idKey[1])}` : 'rid'];
  // CROSS JOIN keeps the entries as the outer loop, so SQLite walks them in order instead of sorting.
  return { from: { sql: `"${ix.table}" AS e CROSS JOIN docs ON ${on.join(' AND ')}`, params: [...prefixValues(driving), ...others] }, orderBy, arrayField: ix.arrayField };
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
