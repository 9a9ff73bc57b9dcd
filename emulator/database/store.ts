/**
 * Document storage on SQLite. All methods are synchronous (better-sqlite3), which is what makes
 * single-statement writes atomic for free: Node runs one request's read-modify-write to the end
 * before it looks at the next request.
 */
import type { Statement } from 'better-sqlite3';
import type { WriteObserver } from './write-log';
import { Query } from './mongo';
import type { Sqlite } from './sqlite';
import type { DatabaseConfig, IndexSpec } from './config';
import { decode, encode, type Doc } from '../util/ejson';
import { plan } from './planner';
import { MultikeyEntries } from './multikey';
import { CompoundEntries } from './compound-keys';
import { extractGeo, distanceMetres } from './geo';
import { Errors } from '../util/errors';

/** Maps an `_id` to the text key of the docs table. String ids are stored verbatim. */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return id;
  if (typeof id === 'number') return `\u0001n:${id}`;
  return `\u0001j:${encode({ v: id })}`;
}

/** JSON for the idx column: dates become epoch ms so SQLite can range-compare them. */
function indexJson(doc: Doc): string {
  return JSON.stringify(doc, function (this: any, key: string, value: unknown) {
    const orig = this[key];
    if (orig instanceof Date) return orig.getTime();
    if (orig instanceof RegExp) return String(orig);
    if (Buffer.isBuffer(orig)) return null;
    return value;
  });
}

/** Value walk that reports whether a path ever crosses an array or ends on an object. */
export function pathIsScalar(doc: Doc, path: string): boolean {
  let cur: any = doc;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return true;
    if (Array.isArray(cur) || typeof cur !== 'object' || cur instanceof Date) return !Array.isArray(cur);
    cur = cur[part];
  }
  if (Array.isArray(cur)) return false;
  if (cur && typeof cur === 'object' && !(cur instanceof Date)) return false;
  return typeof cur !== 'boolean';
}

function valueAt(doc: Doc, path: string): unknown {
  let cur: any = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[part];
  }
  return cur;
}

export interface FindOptions {
  sort?: Record<string, number>;
  skip?: number;
  limit?: number;
  projection?: Doc;
}

const MAX_DOC_BYTES = 16 * 1024 * 1024;
/** Query statements kept prepared (distinct SQL texts; `$in` lists of each length are one each). */
const MAX_STATEMENTS = 500;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
  -- rid gives natural (insertion) order, like MongoDB without a sort; (coll, id) is the real key.
  -- body: canonical EJSON (exact round-trip to the SDK). idx: plain JSON (dates as epoch ms)
  -- that the expression indexes read through json_extract().
  CREATE TABLE IF NOT EXISTS docs (
    rid INTEGER PRIMARY KEY,
    coll TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    idx TEXT NOT NULL,
    UNIQUE (coll, id)
  );`;

export class DocumentStore {
  private indexedFields = new Map<string, Set<string>>();
  /** the docs table's expression index of each declared index, per collection */
  private expressionIndexes = new Map<string, Array<{ name: string; fields: string[] }>>();
  private ready = false;
  /**
   * indexed fields that some document holds as an array/object (or reaches through an array):
   * json_extract() cannot compare them, so they are searched through multikey entries instead
   */
  private unsafeFields = new Map<string, Set<string>>();
  /**
   * indexed fields that some document has held as a date: the idx column keeps dates as epoch ms,
   * so SQL would order them among the numbers and below the strings, while MongoDB puts every date
   * after both; a sort on such a field is done in memory
   */
  private dateFields = new Map<string, Set<string>>();
  private stmts: ReturnType<DocumentStore['prepare']>;
  private readonly statements = new Map<string, Statement>();
  private readonly keys: MultikeyEntries;
  private readonly compound: CompoundEntries;
  /** Told of every document written to a collection it watches (the write log). */
  observer?: WriteObserver;

  constructor(private readonly db: Sqlite, config: DatabaseConfig, private readonly useIndexes: boolean) {
    db.exec(SCHEMA);
    this.keys = new MultikeyEntries(db);
    this.compound = new CompoundEntries(db);
    this.stmts = this.prepare();
    for (const c of config.collections) {
      this.ensureCollection(c.name);
      for (const ix of c.indexes ?? []) this.createIndex(c.name, ix);
    }
    // Compound entries are built once every index is declared (their tables depend on all of them).
    this.ready = true;
    for (const c of config.collections) this.compound.refresh(c.name, this.unsafeFields.get(c.name) ?? new Set());
  }

  private prepare() {
    const db = this.db;
    return {
      hasColl: db.prepare('SELECT 1 FROM collections WHERE name = ?'),
      addColl: db.prepare('INSERT OR IGNORE INTO collections (name, created_at) VALUES (?, ?)'),
      listColl: db.prepare('SELECT name FROM collections ORDER BY name'),
      getDoc: db.prepare('SELECT body FROM docs WHERE coll = ? AND id = ?'),
      insert: db.prepare('INSERT INTO docs (coll, id, body, idx) VALUES (?, ?, ?, ?)'),
      update: db.prepare('UPDATE docs SET body = ?, idx = ? WHERE coll = ? AND id = ?'),
      del: db.prepare('DELETE FROM docs WHERE coll = ? AND id = ?'),
    };
  }

  /** The prepared statement of a query the planner wrote, by its SQL text: the same query shape is parsed and planned once. */
  private statement(sql: string): Statement {
    const cached = this.statements.get(sql);
    // A statement still being iterated cannot run again meanwhile: use a fresh one.
    if (cached?.busy) return this.db.prepare(sql);
    if (cached) return cached;
    const stmt = this.db.prepare(sql);
    if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value as string);
    this.statements.set(sql, stmt);
    return stmt;
  }

  /** Runs fn inside one SQLite transaction (all-or-nothing on disk). */
  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  hasCollection(name: string): boolean {
    return !!this.stmts.hasColl.get(name);
  }
  ensureCollection(name: string): boolean {
    return this.stmts.addColl.run(name, Date.now()).changes > 0;
  }
  listCollections(): string[] {
    return (this.stmts.listColl.all() as Array<{ name: string }>).map((r) => r.name);
  }
  assertCollection(name: string): void {
    if (typeof name !== 'string' || !name) throw Errors.invalidParam('collectionName is required');
    if (!this.hasCollection(name)) throw Errors.collectionNotExist(name);
  }

  createIndex(coll: string, ix: IndexSpec): void {
    const fields = Object.keys(ix.fields ?? {});
    if (fields.length === 0 || !fields.every((f) => /^[A-Za-z_][A-Za-z0-9_.]*$/.test(f))) return;
    const set = this.indexedFields.get(coll) ?? new Set<string>();
    fields.forEach((f) => set.add(f));
    this.indexedFields.set(coll, set);
    if (fields.length > 1 && !fields.includes('_id')) this.compound.declare(coll, fields);
    const name = `ix_${coll}_${fields.join('_')}`.replace(/[^A-Za-z0-9_]/g, '_');
    this.expressionIndexes.set(coll, [...(this.expressionIndexes.get(coll) ?? []), { name, fields }]);
    // A field that already holds arrays/objects/booleans somewhere — or whose path crosses an
    // array (json_extract does not traverse arrays) — cannot be compared in SQL.
    for (const f of fields) {
      if (f === '_id') continue;
      const parts = f.split('.');
      const prefixes = parts.slice(0, -1).map((_, i) => `json_type(idx, '$.${parts.slice(0, i + 1).join('.')}') = 'array'`);
      const bad = this.db
        .prepare(`SELECT 1 FROM docs WHERE coll = ? AND (json_type(idx, '$.${f}') IN ('array','object','true','false')${prefixes.map((p) => ' OR ' + p).join('')}) LIMIT 1`)
        .get(coll);
      if (bad) this.markUnsafe(coll, f);
      // canonical EJSON writes a date as {"$date": ...}
      if (this.db.prepare(`SELECT 1 FROM docs WHERE coll = ? AND json_type(body, '$.${f}."$date"') IS NOT NULL LIMIT 1`).get(coll)) this.markDate(coll, f);
    }
    if (fields.some((f) => this.unsafeFields.get(coll)?.has(f))) {
      // The expression index cannot compare arrays: a compound index holding one is served by its entries.
      this.db.exec(`DROP INDEX IF EXISTS "${name}"`);
      return;
    }
    const exprs = fields.map((f) => (f === '_id' ? 'id' : `json_extract(idx, '$.${f}')`));
    // One docs table serves all collections: coll leads every index, and each index holds only its
    // collection's rows (a partial index), so a write evaluates and updates only the indexes of the
    // document's own collection. SQLite uses a partial index for `coll = ?` once the value is bound.
    const sql = `CREATE INDEX "${name}" ON docs (coll, ${exprs.join(', ')}) WHERE coll = '${coll.replace(/'/g, "''")}'`;
    const existing = this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) as { sql: string } | undefined;
    if (existing?.sql === sql) return;
    // A data file written before indexes were partial: rebuild the index as this collection's.
    if (existing) this.db.exec(`DROP INDEX "${name}"`);
    this.db.exec(sql);
  }

  private markUnsafe(coll: string, field: string) {
    const s = this.unsafeFields.get(coll) ?? new Set<string>();
    if (s.has(field)) return;
    s.add(field);
    this.unsafeFields.set(coll, s);
    this.keys.rebuild(coll, field);
    for (const ix of this.expressionIndexes.get(coll) ?? []) if (ix.fields.includes(field)) this.db.exec(`DROP INDEX IF EXISTS "${ix.name}"`);
    if (this.ready) this.compound.refresh(coll, s);
  }

  private markDate(coll: string, field: string) {
    const s = this.dateFields.get(coll) ?? new Set<string>();
    this.dateFields.set(coll, s.add(field));
  }

  /** After a write: notice fields turning multikey or holding dates, keep this document's multikey entries current. */
  private noteIndexedValues(coll: string, doc: Doc, idx: string) {
    const fields = this.indexedFields.get(coll);
    if (!fields) return;
    for (const f of fields) {
      if (f === '_id') continue;
      if (!pathIsScalar(doc, f)) this.markUnsafe(coll, f);
      else if (valueAt(doc, f) instanceof Date) this.markDate(coll, f);
    }
    const multikey = this.unsafeFields.get(coll);
    if (!multikey?.size) return;
    const plain = JSON.parse(idx);
    this.keys.write(coll, idKey(doc._id), plain, multikey);
    this.compound.write(coll, idKey(doc._id), plain);
  }

  private pushable(coll: string) {
    const fields = this.indexedFields.get(coll);
    const unsafe = this.unsafeFields.get(coll);
    return (f: string) => !!fields?.has(f) && !unsafe?.has(f);
  }

  private multikey(coll: string) {
    const fields = this.indexedFields.get(coll);
    const unsafe = this.unsafeFields.get(coll);
    return (f: string) => !!fields?.has(f) && !!unsafe?.has(f);
  }

  private planFor(coll: string, filter: Doc, sort?: Record<string, number>) {
    return plan({
      coll,
      filter,
      sort,
      pushable: this.pushable(coll),
      multikey: this.multikey(coll),
      compound: this.compound.indexes(coll),
      countEntries: (ix, values) => this.compound.count(ix, values),
      useIndexes: this.useIndexes,
    });
  }

  /** SELECT body over the plan's rows (through compound entries when it has them), its parameters first. */
  private selectSql(coll: string, p: ReturnType<typeof plan>, orderBy: string[]): { sql: string; params: unknown[] } {
    const from = p.from ?? { sql: 'docs', params: [] };
    const sql = `SELECT body FROM ${from.sql} WHERE coll = ?${p.where.map((w) => ' AND ' + w).join('')} ORDER BY ${orderBy.join(', ')}`;
    return { sql, params: [...from.params, coll, ...p.params] };
  }

  getById(coll: string, id: unknown): Doc | undefined {
    const body = this.bodyOf(coll, id);
    return body === undefined ? undefined : decode(body, new Date());
  }

  /** A document as stored: its canonical EJSON text (undefined: no such document). */
  bodyOf(coll: string, id: unknown): string | undefined {
    return (this.stmts.getDoc.get(coll, idKey(id)) as { body: string } | undefined)?.body;
  }

  private serialise(doc: Doc): { body: string; idx: string } {
    const body = encode(doc);
    if (body.length > MAX_DOC_BYTES) throw Errors.exceedLimit('document exceeds the 16 MB size limit');
    return { body, idx: indexJson(doc) };
  }

  insert(coll: string, doc: Doc): void {
    const { body, idx } = this.serialise(doc);
    try {
      this.stmts.insert.run(coll, idKey(doc._id), body, idx);
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE')) {
        throw Errors.requestFailed(`E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`);
      }
      throw e;
    }
    this.noteIndexedValues(coll, doc, idx);
    if (this.observer?.watches(coll)) this.observer.record(coll, undefined, doc);
  }

  replace(coll: string, doc: Doc): void {
    const { body, idx } = this.serialise(doc);
    const before = this.observer?.watches(coll) ? this.getById(coll, doc._id) : undefined;
    this.stmts.update.run(body, idx, coll, idKey(doc._id));
    this.noteIndexedValues(coll, doc, idx);
    if (before) this.observer?.record(coll, before, doc);
  }

  upsertRaw(coll: string, doc: Doc): void {
    if (this.stmts.getDoc.get(coll, idKey(doc._id))) this.replace(coll, doc);
    else this.insert(coll, doc);
  }

  remove(coll: string, id: unknown): boolean {
    if (this.unsafeFields.get(coll)?.size) {
      this.keys.remove(coll, idKey(id));
      this.compound.remove(coll, idKey(id));
    }
    const before = this.observer?.watches(coll) ? this.getById(coll, id) : undefined;
    const removed = this.stmts.del.run(coll, idKey(id)).changes > 0;
    if (removed && before) this.observer?.record(coll, before, undefined);
    return removed;
  }

  /** Every document of a collection in natural order (export, $lookup, transactions). */
  all(coll: string): Doc[] {
    const now = new Date();
    return (this.statement('SELECT body FROM docs WHERE coll = ? ORDER BY rid').all(coll) as Array<{ body: string }>).map((r) =>
      decode(r.body, now),
    );
  }

  /**
   * filter → sort → skip → limit, with SQL narrowing the candidates first.
   * When SQL already delivers rows in sort order we stop reading as soon as skip+limit documents
   * matched, so "first page of a 10,000-product catalogue" parses only a page worth of documents.
   */
  find(coll: string, filter: Doc, opts: FindOptions = {}): Doc[] {
    const geo = extractGeo(filter);
    if (geo) return inMemoryQuery(this.find(coll, geo.rest), filter, opts);
    const query = compileQuery(filter);
    const p = this.planFor(coll, filter, opts.sort);
    const skip = opts.skip ?? 0;
    const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
    const sortFields = Object.keys(opts.sort ?? {});
    const now = new Date();
    let out: Doc[] = [];
    const dates = this.dateFields.get(coll);
    // With a date somewhere in a sort field, SQL's order is not MongoDB's (dates after numbers and
    // strings), and a page read in SQL order could end before the first date: sort in memory.
    if (p.orderBy && p.sortedBySql && !sortFields.some((f) => dates?.has(f))) {
      const { sql, params } = this.selectSql(coll, p, p.orderBy);
      let fallback = false;
      let seen = 0;
      for (const row of this.statement(sql).iterate(...params) as Iterable<{ body: string }>) {
        const doc = decode(row.body, now);
        // SQLite orders arrays/objects/booleans differently from MongoDB: hand those to mingo.
        if (sortFields.some((f) => (f === '_id' ? typeof doc._id !== 'string' : !pathIsScalar(doc, f)))) {
          fallback = true;
          break;
        }
        if (!query.test(doc)) continue;
        if (seen++ < skip) continue;
        out.push(doc);
        if (out.length >= limit) break;
      }
      if (!fallback) return project(out, opts.projection);
      out = [];
    }
    // Every candidate, in natural order, for the query engine to sort (the docs conditions alone are a superset).
    const sql = `SELECT body FROM docs WHERE coll = ?${p.where.map((w) => ' AND ' + w).join('')} ORDER BY rid`;
    for (const row of this.statement(sql).iterate(coll, ...p.params) as Iterable<{ body: string }>) {
      const doc = decode(row.body, now);
      if (query.test(doc)) out.push(doc);
    }
    let cursor = new Query({}).find(out);
    if (opts.sort && sortFields.length) cursor = cursor.sort(opts.sort as any);
    if (skip) cursor = cursor.skip(skip);
    if (opts.limit !== undefined) cursor = cursor.limit(limit);
    return project(cursor.all() as Doc[], opts.projection);
  }

  count(coll: string, filter: Doc): number {
    if (extractGeo(filter)) return this.find(coll, filter).length;
    const query = compileQuery(filter);
    const p = this.planFor(coll, filter);
    const sql = `SELECT body FROM docs WHERE coll = ?${p.where.map((w) => ' AND ' + w).join('')}`;
    let n = 0;
    const now = new Date();
    for (const row of this.statement(sql).iterate(coll, ...p.params) as Iterable<{ body: string }>) {
      if (query.test(decode(row.body, now))) n++;
    }
    return n;
  }

  /** Explains which SQL the planner would run (used by the benchmark and tests via /_emulator). */
  explain(coll: string, filter: Doc, sort?: Record<string, number>): { sql: string; plan: string[] } {
    const p = this.planFor(coll, filter, sort);
    const { sql, params } = this.selectSql(coll, p, p.orderBy ?? ['rid']);
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return { sql, plan: rows.map((r) => r.detail) };
  }

  clearCollection(coll: string): number {
    this.keys.clear(coll);
    this.compound.clear(coll);
    return this.db.prepare('DELETE FROM docs WHERE coll = ?').run(coll).changes;
  }
}

/**
 * filter → sort → skip → limit → projection over documents already in memory (transactions,
 * geo queries). $nearSphere without an explicit sort orders by distance, like MongoDB.
 */
export function inMemoryQuery(docs: Doc[], filter: Doc, opts: FindOptions = {}): Doc[] {
  const geo = extractGeo(filter);
  const query = compileQuery(geo ? geo.rest : filter);
  let out = docs.filter((d) => query.test(d) && (!geo || geo.predicates.every((p) => p(d))));
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  if (hasSort) out = new Query({}).find(out).sort(opts.sort as any).all() as Doc[];
  else if (geo?.near) {
    const { field, point } = geo.near;
    const dist = (d: Doc) => {
      const g = field.split('.').reduce<any>((c, k) => (c == null ? undefined : c[k]), d);
      return distanceMetres(point, [Number(g.coordinates[0]), Number(g.coordinates[1])]);
    };
    out = out.map((d) => ({ d, k: dist(d) })).sort((a, b) => a.k - b.k).map((x) => x.d);
  }
  const skip = opts.skip ?? 0;
  out = out.slice(skip, opts.limit !== undefined ? skip + opts.limit : undefined);
  return project(out, opts.projection);
}

/** mingo throws on unknown operators; report that as CloudBase's invalid-operator error. */
export function compileQuery(filter: Doc): Query {
  try {
    return new Query(filter ?? {});
  } catch (e) {
    throw Errors.invalidOperator((e as Error).message);
  }
}

export function project(docs: Doc[], projection?: Doc): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  try {
    return new Query({}).find(docs, projection as any).all() as Doc[];
  } catch (e) {
    throw Errors.invalidOperator((e as Error).message);
  }
}
