/**
 * Multikey index entries, as MongoDB keeps them for array fields: one row per value that an
 * indexed path reaches in a document (each element of an array, through arrays of embedded
 * documents too), so `{tags: 'hot'}` or `{'skus.price': {$lt: 100}}` can find candidates through
 * an index even though the field holds arrays. json_extract() cannot look inside arrays, so a field
 * that some document stores as an array moves from the expression index to these entries.
 *
 * Entries exist only for such fields (DocumentStore's "multikey" set); they are rebuilt from the
 * documents whenever a field becomes multikey, including at startup.
 */
import type { Sqlite } from './sqlite';
import type { Doc } from '../util/ejson';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS doc_keys (coll TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL, value);
  CREATE INDEX IF NOT EXISTS ix_doc_keys ON doc_keys (coll, field, value);
  CREATE INDEX IF NOT EXISTS ix_doc_keys_doc ON doc_keys (coll, id);`;

/** The values an index on `path` holds for one document (idx JSON: dates are epoch ms). */
export function keysOf(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const parts = path.split('.');
  const add = (v: unknown) => {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) out.push(v);
  };
  const walk = (cur: unknown, i: number) => {
    if (cur === null || cur === undefined) return;
    if (i === parts.length) {
      if (Array.isArray(cur)) cur.forEach(add);
      else add(cur);
      return;
    }
    if (Array.isArray(cur)) cur.forEach((el) => walk(el, i));
    else if (typeof cur === 'object') walk((cur as Doc)[parts[i]], i + 1);
  };
  walk(doc, 0);
  return [...new Set(out)];
}

export class MultikeyEntries {
  private readonly stmts;

  constructor(private readonly db: Sqlite) {
    db.exec(SCHEMA);
    this.stmts = {
      add: db.prepare('INSERT INTO doc_keys (coll, id, field, value) VALUES (?, ?, ?, ?)'),
      values: db.prepare('SELECT value FROM doc_keys WHERE coll = ? AND id = ? AND field = ?').pluck(),
      dropValue: db.prepare('DELETE FROM doc_keys WHERE coll = ? AND id = ? AND field = ? AND value = ?'),
      dropDoc: db.prepare('DELETE FROM doc_keys WHERE coll = ? AND id = ?'),
      dropField: db.prepare('DELETE FROM doc_keys WHERE coll = ? AND field = ?'),
      dropColl: db.prepare('DELETE FROM doc_keys WHERE coll = ?'),
      rows: db.prepare('SELECT id, idx FROM docs WHERE coll = ?'),
    };
  }

  /** Replaces one document's entries for `fields` (idx: the document's plain JSON). */
  write(coll: string, id: string, idx: unknown, fields: Iterable<string>): void {
    for (const f of fields) {
      const next = keysOf(idx, f);
      // Most writes (stock, sales) leave the array alone: its entries stay as they are.
      const old = this.stmts.values.all(coll, id, f) as unknown[];
      // Only the values that changed: an array that grows by one (a product's holds) adds one entry.
      const keep = new Set(next);
      const had = new Set(old);
      for (const v of had) if (!keep.has(v)) this.stmts.dropValue.run(coll, id, f, v);
      for (const v of keep) if (!had.has(v)) this.stmts.add.run(coll, id, f, v);
    }
  }

  /** Rebuilds every entry of one field from the stored documents. */
  rebuild(coll: string, field: string): void {
    this.db.transaction(() => {
      this.stmts.dropField.run(coll, field);
      // .all(), not .iterate(): better-sqlite3 allows no write while a read cursor is open.
      for (const row of this.stmts.rows.all(coll) as Array<{ id: string; idx: string }>) {
        for (const v of keysOf(JSON.parse(row.idx), field)) this.stmts.add.run(coll, row.id, field, v);
      }
    })();
  }

  remove(coll: string, id: string): void {
    this.stmts.dropDoc.run(coll, id);
  }

  clear(coll: string): void {
    this.stmts.dropColl.run(coll);
  }
}
