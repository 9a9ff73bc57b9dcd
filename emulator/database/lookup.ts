/**
 * Aggregation pipelines whose top-level `$lookup` stages read only the joined documents that can
 * match, found through the store's planner and indexes, instead of the whole joined collection.
 *
 * The query engine's `$lookup` accepts an array as `from`; each narrowed stage gets one holding a
 * SUPERSET of the documents it can join, in natural order, and the engine still does the join. So
 * results equal a join against the whole collection. Narrowing happens for:
 *  - the equality form (localField/foreignField, no pipeline): the distinct localField values of
 *    the stage's input (the pipeline runs up to that stage first) give `{foreignField: {$in: values}}`;
 *  - the pipeline form without `let` whose first stage is a constant `$match`: that filter.
 * Everything else (a `let`, `$expr`, a dotted foreignField, non-scalar local values, lookups nested in
 * a sub-pipeline) reads the whole collection, as the engine resolves a collection name.
 */
import { aggregate, resolvePath } from './mongo';
import type { Doc } from '../util/ejson';

/** What a pipeline reads besides its input: documents of other collections. */
export interface JoinSource {
  has(coll: string): boolean;
  all(coll: string): Doc[];
  /** documents matching a (decoded) filter, in natural order */
  find(coll: string, filter: Doc): Doc[];
}

/** Keys that make a `$match` depend on variables, or that the store answers unlike the query engine. */
const NOT_CONSTANT = new Set(['$expr', '$where', '$function', '$text', '$near', '$nearSphere', '$geoWithin', '$geoIntersects']);

const isPlainObject = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);

function constantFilter(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(constantFilter);
  if (!isPlainObject(v)) return true;
  return Object.entries(v).every(([k, sub]) => !NOT_CONSTANT.has(k) && constantFilter(sub));
}

/** The lookup spec of a stage that is `{$lookup: {...}}` and nothing else, joining a named collection. */
function lookupOf(stage: Doc): Doc | undefined {
  if (Object.keys(stage).length !== 1 || !isPlainObject(stage.$lookup) || typeof stage.$lookup.from !== 'string') return undefined;
  return stage.$lookup;
}

function isEqualityForm(spec: Doc): boolean {
  return typeof spec.localField === 'string' && typeof spec.foreignField === 'string' && (spec.pipeline === undefined || (Array.isArray(spec.pipeline) && spec.pipeline.length === 0));
}

/** The sub-pipeline's leading constant filter, when the stage is the pipeline form without `let`. */
function leadingMatch(spec: Doc): Doc | undefined {
  if (spec.let !== undefined || spec.localField !== undefined || spec.foreignField !== undefined) return undefined;
  if (!Array.isArray(spec.pipeline) || spec.pipeline.length === 0) return undefined;
  const first = spec.pipeline[0];
  if (!isPlainObject(first) || Object.keys(first).length !== 1 || !isPlainObject(first.$match)) return undefined;
  return constantFilter(first.$match) ? first.$match : undefined;
}

/** A value the store's `$in` and the engine's join key compare alike (the engine uses null for missing). */
function joinScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (v instanceof Date && !Number.isNaN(v.getTime()));
}

/**
 * The distinct values the engine's join looks up for these input documents: the localField value,
 * or each element when it is an array. undefined when one of them is not a plain scalar (an object,
 * a nested array), where `$in` and the join's key equality could differ.
 */
function localValues(docs: Doc[], localField: string): unknown[] | undefined {
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    const v = resolvePath(doc, localField) ?? null;
    for (const e of Array.isArray(v) ? v : [v]) {
      if (!joinScalar(e)) return undefined;
      seen.set(e instanceof Date ? `d${e.getTime()}` : `${typeof e}:${String(e)}`, e);
    }
  }
  return [...seen.values()];
}

/**
 * The joined documents an equality lookup can reach from `input`, or undefined to read the whole
 * collection. The engine keys a foreign document by each element of its foreignField value (null
 * when missing); for a top-level field `{field: {$in: values}}` matches every document holding such
 * a key (equal, or an array containing it; null also matches a missing field). A dotted path is left
 * whole: the engine's path resolution through arrays of arrays does not follow the query's.
 */
function equalityMatches(spec: Doc, input: Doc[], source: JoinSource): Doc[] | undefined {
  if (!spec.foreignField || spec.foreignField.includes('.') || spec.foreignField.startsWith('$')) return undefined;
  const values = localValues(input, spec.localField);
  if (!values) return undefined;
  if (values.length === 0) return [];
  return source.find(spec.from, { [spec.foreignField]: { $in: values } });
}

/** Runs `pipeline` over `input`, narrowing each top-level `$lookup` it can (see the module comment). */
export function runPipeline(input: Doc[], pipeline: Doc[], source: JoinSource): Doc[] {
  const options = { collectionResolver: (name: string) => (source.has(name) ? source.all(name) : []) };
  const stages = [...pipeline];
  let docs = input;
  let done = 0; // stages already applied to `docs`
  for (let i = 0; i < stages.length; i++) {
    const spec = lookupOf(stages[i]);
    if (!spec) continue;
    let from: Doc[] | undefined;
    let rest: Doc = {};
    const match = leadingMatch(spec);
    if (!source.has(spec.from)) from = [];
    else if (match) {
      from = attempt(() => source.find(spec.from, match));
      rest = { pipeline: spec.pipeline.slice(1) };
    } else if (isEqualityForm(spec)) {
      // The join's input is the output of the stages before it: run those first.
      if (i > done) docs = aggregate(docs, stages.slice(done, i), options);
      done = i;
      from = attempt(() => equalityMatches(spec, docs, source));
    }
    if (from) stages[i] = { $lookup: { ...spec, from, ...rest } };
  }
  return done < stages.length ? aggregate(docs, stages.slice(done), options) : docs;
}

/** A narrowing that throws (an operator the store rejects) leaves the stage for the engine to report as it always did. */
function attempt(find: () => Doc[] | undefined): Doc[] | undefined {
  try {
    return find();
  } catch {
    return undefined;
  }
}
