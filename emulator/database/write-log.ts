/**
 * The write log: for the collections someone asked to watch, every committed write of a document that
 * changed one of the watched fields, with those fields as they were before and after. Writes land here
 * whatever path they took (plain update, where-update, transaction commit, import), because the store
 * reports each document it writes.
 *
 * What it is for: checking who writes a piece of state. Each entry says who made the write (`writer`):
 * a cloud function (the SDK inside a function sends its invocation's token, `wxCloudApiToken`, with every
 * request, so the write is tied to that invocation), the environment's credentials (an admin script, the
 * console, the CLI: a request with no token), or the local cloud's own endpoints (import, clear). A writer
 * that marks its writes (e.g. orders' `statusEvent`) can also be told apart from other code in a function.
 *
 * Routes (control plane, /_emulator/v1):
 *   POST   /database/writelog  {collection, fields}   watch these fields (`*`: all) of a collection (restarts its log)
 *   GET    /database/writelog?collection=&since=       entries after sequence number `since`
 *   POST   /database/writelog:clear                    stop watching, forget every entry
 */
import type { Doc } from '../util/ejson';
import type { Clock } from '../util/clock';

/**
 * Who made a write: `function` (a running invocation's token came with the request), `admin` (a request
 * with no token: the environment's credentials), `unknown` (a token of no running invocation), `local`
 * (the local cloud's own /_emulator endpoints).
 */
export type Writer = { kind: 'function'; functionName: string; requestId: string } | { kind: 'admin' } | { kind: 'unknown' } | { kind: 'local' };

export interface WriteEntry {
  /** increasing across the log, for `since` */
  seq: number;
  collection: string;
  id: unknown;
  op: 'insert' | 'update' | 'remove';
  /** the watched fields before the write (null: the document did not exist) */
  before: Doc | null;
  /** the watched fields after the write (null: the document was removed) */
  after: Doc | null;
  /** the local cloud's clock */
  at: number;
  writer: Writer;
}

/** What the document store tells about each write. */
export interface WriteObserver {
  watches(collection: string): boolean;
  record(collection: string, before: Doc | undefined, after: Doc | undefined): void;
  /** Runs a synchronous store write; every document it writes is `writer`'s. */
  as<T>(writer: Writer, write: () => T): T;
}

/** A field path, or `*`: the whole document (every write that changes anything). */
const FIELD = /^(\*|[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*)$/;
/** Oldest entries are dropped beyond this; `dropped` says how many, so a check can tell it is incomplete. */
const MAX_ENTRIES = 100_000;

function pick(doc: Doc | undefined, fields: string[]): Doc | null {
  if (!doc) return null;
  const out: Doc = {};
  for (const field of fields) {
    if (field === '*') {
      out[field] = doc;
      continue;
    }
    let v: unknown = doc;
    for (const part of field.split('.')) v = v !== null && typeof v === 'object' ? (v as Doc)[part] : undefined;
    if (v !== undefined) out[field] = v;
  }
  return out;
}

const same = (a: Doc | null, b: Doc | null) => JSON.stringify(a) === JSON.stringify(b);

export class WriteLog implements WriteObserver {
  private readonly watched = new Map<string, string[]>();
  private entries: WriteEntry[] = [];
  private seq = 0;
  private dropped = 0;

  /** The writer of the store write running now (writes are synchronous, so nothing interleaves). */
  private writer: Writer | null = null;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  as<T>(writer: Writer, write: () => T): T {
    const outer = this.writer;
    this.writer = writer;
    try {
      return write();
    } finally {
      this.writer = outer;
    }
  }

  /** Starts (or restarts) watching `fields` of `collection`; its earlier entries are forgotten. */
  watch(collection: unknown, fields: unknown): { collection: string; fields: string[] } {
    if (typeof collection !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(collection)) throw new TypeError('collection must be a collection name');
    if (!Array.isArray(fields) || fields.length === 0 || fields.length > 50 || !fields.every((f) => typeof f === 'string' && FIELD.test(f))) {
      throw new TypeError('fields must be 1..50 field paths');
    }
    this.watched.set(collection, [...new Set(fields as string[])]);
    this.entries = this.entries.filter((e) => e.collection !== collection);
    return { collection, fields: this.watched.get(collection) as string[] };
  }

  watches(collection: string): boolean {
    return this.watched.has(collection);
  }

  record(collection: string, before: Doc | undefined, after: Doc | undefined): void {
    const fields = this.watched.get(collection);
    if (!fields) return;
    const was = pick(before, fields);
    const is = pick(after, fields);
    if (same(was, is)) return;
    this.seq += 1;
    this.entries.push({
      seq: this.seq,
      collection,
      id: (after ?? before)?._id,
      op: !before ? 'insert' : !after ? 'remove' : 'update',
      before: was,
      after: is,
      at: this.clock.now(),
      writer: this.writer ?? { kind: 'local' },
    });
    if (this.entries.length > MAX_ENTRIES) {
      this.dropped += this.entries.length - MAX_ENTRIES;
      this.entries = this.entries.slice(-MAX_ENTRIES);
    }
  }

  list(collection: string | null, since = 0): { entries: WriteEntry[]; last: number; dropped: number; watching: Record<string, string[]> } {
    const entries = this.entries.filter((e) => e.seq > since && (collection === null || e.collection === collection));
    return { entries, last: this.seq, dropped: this.dropped, watching: Object.fromEntries(this.watched) };
  }

  clear(): void {
    this.watched.clear();
    this.entries = [];
    this.dropped = 0;
  }
}
