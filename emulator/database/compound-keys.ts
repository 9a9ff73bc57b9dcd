/**
 * Entries of compound indexes that hold one array field, as MongoDB keeps a compound multikey index:
 * one row per element of the array, carrying the document's values of the indexes' other fields. With
 * equality on the fields before the sort field (the array field among them, given one element) SQLite
 * reads these rows already in the sort's order and stops after a page, however many documents hold the
 * element: `{status, categoryId, keywords, sales}` answers "on shelf, in this category, with this search
 * keyword, best-selling first" by reading one page of rows.
 *
 * MongoDB allows at most one array field per compound index (a document with arrays in two of its fields
 * cannot be indexed), so an index is served through entries only while exactly one of its fields holds
 * arrays; DocumentStore says which fields do. The indexes sharing an array field share one table
 * (`doc_id`, element `v`, one column per other field; primary key (doc_id, v), so a document's entries
 * are found without a further index), with one SQLite index per declared index in its field order.
 */
import type Database from 'better-sqlite3';
import type { Sqlite } from './sqlite';
import { keysOf } from './multikey';
import type { Doc } from '../util/ejson';

type Statement = Database.Statement<unknown[]>;

export interface CompoundIndex {
  /** SQL table holding the entries (columns doc_id, v and the other fields') */
  table: string;
  fields: string[];
  /** the one field holding arrays */
  arrayField: string;
  /** the table's column for each field, in index order */
  columns: string[];
}

interface Group {
  table: string;
  arrayField: string;
  /** other fields, in column order (c0, c1, …) */
  scalars: string[];
  indexes: CompoundIndex[];
  add: Statement;
  drop: Statement;
  /** a document's entries as rows [v, c0, c1, …] */
  entries: Statement;
  /** UPDATE statements by the columns they set */
  updates: Map<string, Statement>;
}

/** The value a scalar index field holds in the idx JSON (dates are epoch ms); null when missing or not a scalar. */
function scalarAt(idx: unknown, path: string): unknown {
  let cur: unknown = idx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
    cur = (cur as Doc)[part];
  }
  return typeof cur === 'string' || (typeof cur === 'number' && Number.isFinite(cur)) ? cur : null;
}

const sqlName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

export class CompoundEntries {
  private readonly declared = new Map<string, string[][]>();
  private readonly groups = new Map<string, Group[]>();

  constructor(private readonly db: Sqlite) {}

  /** Records a declared index of two or more fields (served once `refresh` finds one array field in it). */
  declare(coll: string, fields: string[]): void {
    this.declared.set(coll, [...(this.declared.get(coll) ?? []), fields]);
  }

  /** The indexes of `coll` currently served through entries. */
  indexes(coll: string): CompoundIndex[] {
    return (this.groups.get(coll) ?? []).flatMap((g) => g.indexes);
  }

  /**
   * Matches the entries to the fields of `coll` that hold arrays (`multikey`): builds the tables of
   * indexes with exactly one such field from the stored documents, drops the others.
   */
  refresh(coll: string, multikey: ReadonlySet<string>): void {
    const byArray = new Map<string, string[][]>();
    for (const fields of this.declared.get(coll) ?? []) {
      const arrays = fields.filter((f) => multikey.has(f));
      if (arrays.length === 1) byArray.set(arrays[0], [...(byArray.get(arrays[0]) ?? []), fields]);
    }
    const wanted = [...byArray].map(([arrayField, list]) => ({ arrayField, list, table: sqlName(`mk_${coll}_${arrayField}`) }));
    const current = this.groups.get(coll) ?? [];
    const same = (g: Group, w: (typeof wanted)[number]) => g.table === w.table && JSON.stringify(g.indexes.map((x) => x.fields)) === JSON.stringify(w.list);
    for (const g of current) if (!wanted.some((w) => same(g, w))) this.db.exec(`DROP TABLE IF EXISTS "${g.table}"`);
    this.groups.set(
      coll,
      wanted.map((w) => current.find((g) => same(g, w)) ?? this.build(coll, w.table, w.arrayField, w.list)),
    );
  }

  private build(coll: string, table: string, arrayField: string, list: string[][]): Group {
    const scalars = [...new Set(list.flat().filter((f) => f !== arrayField))];
    const column = (f: string) => (f === arrayField ? 'v' : `c${scalars.indexOf(f)}`);
    const cols = scalars.map((_, i) => `c${i}`);
    const indexes = list.map((fields) => ({ table, fields, arrayField, columns: fields.map(column) }));
    this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    this.db.exec(`CREATE TABLE "${table}" (doc_id TEXT NOT NULL, v NOT NULL, ${cols.join(', ')}, PRIMARY KEY (doc_id, v)) WITHOUT ROWID`);
    const group: Group = {
      table,
      arrayField,
      scalars,
      indexes,
      add: this.db.prepare(`INSERT INTO "${table}" (doc_id, v, ${cols.join(', ')}) VALUES (?, ?${', ?'.repeat(cols.length)})`),
      drop: this.db.prepare(`DELETE FROM "${table}" WHERE doc_id = ?`),
      entries: this.db.prepare(`SELECT v${cols.map((c) => ', ' + c).join('')} FROM "${table}" WHERE doc_id = ?`).raw(),
      updates: new Map(),
    };
    this.db.transaction(() => {
      for (const row of this.db.prepare('SELECT id, idx FROM docs WHERE coll = ?').all(coll) as Array<{ id: string; idx: string }>) {
        this.add(group, row.id, JSON.parse(row.idx));
      }
      // Indexes made after the rows: one sort each instead of a b-tree insert per row.
      for (const ix of indexes) this.db.exec(`CREATE INDEX "${sqlName(`${table}_${ix.fields.join('_')}`)}" ON "${table}" (${ix.columns.join(', ')}, doc_id)`);
    })();
    return group;
  }

  /** Replaces one document's entries (idx: the document's plain JSON). */
  write(coll: string, id: string, idx: unknown): void {
    for (const g of this.groups.get(coll) ?? []) {
      const values = g.scalars.map((f) => scalarAt(idx, f));
      const elements = keysOf(idx, g.arrayField);
      const old = g.entries.all(id) as unknown[][];
      const sameElements = old.length === elements.length && old.every((row) => elements.includes(row[0]));
      if (sameElements) {
        // Most writes (stock, sales) leave the elements alone: rewrite the other fields' values, if changed.
        const changed = old.length ? values.flatMap((v, i) => (v === old[0][i + 1] ? [] : [i])) : [];
        if (changed.length) this.update(g, changed).run(...changed.map((i) => values[i]), id);
        continue;
      }
      g.drop.run(id);
      for (const element of elements) g.add.run(id, element, ...values);
    }
  }

  /** Entries whose first fields hold `values`, counted up to `cap` (enough to tell a rare element from a common one). */
  count(ix: CompoundIndex, values: unknown[], cap = 2000): number {
    const where = values.map((_, i) => `${ix.columns[i]} = ?`).join(' AND ');
    const row = this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM "${ix.table}" WHERE ${where} LIMIT ${cap})`).get(...values) as { n: number };
    return row.n;
  }

  remove(coll: string, id: string): void {
    for (const g of this.groups.get(coll) ?? []) g.drop.run(id);
  }

  clear(coll: string): void {
    for (const g of this.groups.get(coll) ?? []) this.db.exec(`DELETE FROM "${g.table}"`);
  }

  /** Sets only the columns that changed, so SQLite rewrites only the indexes holding them. */
  private update(g: Group, changed: number[]): Statement {
    const key = changed.join(',');
    let stmt = g.updates.get(key);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE "${g.table}" SET ${changed.map((i) => `c${i} = ?`).join(', ')} WHERE doc_id = ?`);
      g.updates.set(key, stmt);
    }
    return stmt;
  }

  /** One row per element of the array field, with the document's values of the other fields. */
  private add(g: Group, id: string, idx: unknown): void {
    const values = g.scalars.map((f) => scalarAt(idx, f));
    for (const element of keysOf(idx, g.arrayField)) g.add.run(id, element, ...values);
  }
}
