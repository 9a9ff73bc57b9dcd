/**
 * Transactions (docs/reference/cloudbase-wire-protocol.md §7) with CloudBase's semantics. CloudBase keeps its documents in MongoDB
 * and documents its transactions as snapshot isolation with write locks; this file is that model.
 *
 * 1. Snapshot reads, no read locks. A transaction reads the database as it was when the transaction
 *    did its first read or write (MongoDB establishes the snapshot at the first operation), overlaid
 *    with its own buffered writes. Reading never blocks anyone and is never blocked.
 * 2. First writer wins. A transactional write (doc().update/set/remove, add) fails at once with
 *    DATABASE_TRANSACTION_CONFLICT when another open transaction has already written that document, or
 *    when anybody committed a change to it after this transaction's snapshot. The write that succeeds
 *    puts a write lock on the document until commit or abort.
 * 3. Read skew → conflict: a document changed by someone else after the snapshot still reads as the
 *    snapshot, and writing it conflicts (upstream node-sdk test `读偏`).
 * 4. Write skew is allowed: reads are never validated at commit, so two transactions that each read
 *    one document and write the other both commit (upstream test `write skew`).
 * 5. A conflict aborts the transaction, as MongoDB aborts on a write conflict: its writes are dropped and
 *    later calls with its id, including the SDK's clean-up rollback, get DATABASE_TRANSACTION_FAIL.
 * 6. Commit applies every buffered write in one SQLite transaction; it cannot conflict, because
 *    conflicts were refused at write time. Abort discards the buffer.
 * 7. Lifetime: a transaction not finished 30 s after it started (on the local cloud's clock) is
 *    aborted; later calls get DATABASE_TRANSACTION_FAIL ("must be commit or abort in 30 seconds").
 * 8. A non-transactional write to a document that an open transaction has WRITTEN waits for that
 *    transaction to end. The guide says ordinary updates block "until the lock is released or times
 *    out" without giving the time-out or the error; ASSUMPTION (setting `outsideWriteWaitMs`, default
 *    5 s): it waits at most that long and then fails with DATABASE_TRANSACTION_CONFLICT, writing nothing.
 *    A non-transactional write to a document a transaction only READ goes through at once (rule 3).
 *
 * Sources:
 *  - https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/transaction.html
 *    (快照隔离: reads see the snapshot; a write changes the snapshot and locks the document; other
 *    transactions' writes to it fail; ordinary updates block until the lock is released or times out)
 *  - https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/database/Database.runTransaction.md
 *    (runTransaction retries only on transaction conflicts, 3 attempts by default)
 *  - https://docs.cloudbase.net/en/database/transaction (CloudBase transactions, ACID)
 *  - https://www.mongodb.com/docs/manual/core/transactions-production-consideration/#in-progress-transactions-and-write-conflicts
 *    (a transaction whose document was modified outside it after it started aborts on a write conflict;
 *    an outside write to a document the transaction has locked waits until the transaction ends)
 *  - https://www.mongodb.com/docs/manual/reference/read-concern-snapshot/ (snapshot read concern)
 *
 * Why the SDKs need care: wx-server-sdk wraps an error from doc().get()/update() inside a transaction
 * into an error without `code`, so its runTransaction does not retry a write-time conflict; callers
 * must retry themselves (the storefront's server/db.ts withTransaction does).
 */
import { randomBytes } from 'node:crypto';
import type { DocumentStore } from './store';
import { idKey } from './store';
import { Errors } from '../util/errors';
import { clone, decode, type Doc } from '../util/ejson';
import type { Clock } from '../util/clock';

export interface BufferedWrite {
  coll: string;
  id: unknown;
  /** null = delete */
  doc: Doc | null;
}

export class Transaction {
  readonly writes = new Map<string, BufferedWrite>();
  state: 'open' | 'committed' | 'aborted' = 'open';
  /** commit version the reads see; set by the first read or write */
  snapshot?: number;
  /** why it was aborted, for the control API */
  abortReason?: string;
  constructor(
    readonly id: string,
    readonly startedAt: number,
    /** the function invocation (its wxCloudApiToken) that opened it, if any */
    readonly owner?: string,
  ) {}
}

export const docKey = (coll: string, id: unknown) => `${coll}\u0000${idKey(id)}`;

/** Committed history of one document while some snapshot may still need its older values. */
interface DocHistory {
  coll: string;
  id: unknown;
  /** oldest first: `before` is the value the write at `version` replaced (undefined = absent) */
  changes: { version: number; before: Doc | undefined }[];
}

export interface TransactionOptions {
  lifetimeMs: number;
  outsideWriteWaitMs: number;
  clock: Clock;
}

/** What the control API shows: enough for tests to wait on conditions instead of sleeping. */
export interface TransactionsView {
  open: { id: string; owner?: string; startedAt: number; snapshot?: number; writes: string[] }[];
  /** non-transactional writes currently waiting for a transaction to end, per document */
  waiting: { coll: string; id: unknown; writers: number }[];
  version: number;
  stats: { committed: number; aborted: number; conflicts: number; expired: number; outsideWaits: number; outsideTimeouts: number };
}

export class TransactionManager {
  private readonly open = new Map<string, Transaction>();
  /** ids of finished transactions, so late calls get TransactionNotExist (bounded memory) */
  private readonly finished = new Set<string>();
  /** document → the open transaction holding its write lock */
  private readonly writeLocks = new Map<string, Transaction>();
  /** document → waiters of non-transactional writes (woken when the lock holder ends) */
  private readonly waiters = new Map<string, { coll: string; id: unknown; wake: Set<() => void> }>();
  private readonly history = new Map<string, DocHistory>();
  /** commit counter: every committed change to a document gets a new version */
  private version = 0;
  private seq = 0;
  private readonly sweeper: NodeJS.Timeout;
  readonly stats = { committed: 0, aborted: 0, conflicts: 0, expired: 0, outsideWaits: 0, outsideTimeouts: 0 };

  constructor(
    private readonly store: DocumentStore,
    private readonly opts: TransactionOptions,
  ) {
    // Lifetimes run on the local cloud's clock: checked on every use, once a second, and whenever the clock moves.
    this.sweeper = setInterval(() => this.expireDue(), 1000);
    this.sweeper.unref?.();
    opts.clock.onChange(() => this.expireDue());
  }

  start(owner?: string): Transaction {
    const t = new Transaction(`${++this.seq}_${randomBytes(8).toString('hex')}`, this.opts.clock.now(), owner);
    this.open.set(t.id, t);
    return t;
  }

  get(id: unknown): Transaction {
    const t = typeof id === 'string' ? this.open.get(id) : undefined;
    if (!t || t.state !== 'open') throw Errors.transactionNotExist();
    if (this.expired(t)) {
      this.expire(t);
      throw Errors.transactionNotExist();
    }
    return t;
  }

  private ensureSnapshot(t: Transaction): number {
    if (t.snapshot === undefined) t.snapshot = this.version;
    return t.snapshot;
  }

  /** The transaction's view of one document: its own write, else the document as of its snapshot. */
  read(t: Transaction, coll: string, id: unknown): Doc | undefined {
    const snapshot = this.ensureSnapshot(t);
    const key = docKey(coll, id);
    const own = t.writes.get(key);
    if (own) return own.doc ? clone(own.doc) : undefined;
    return this.readAt(key, coll, id, snapshot);
  }

  private readAt(key: string, coll: string, id: unknown, snapshot: number): Doc | undefined {
    const h = this.history.get(key);
    const first = h?.changes.find((c) => c.version > snapshot);
    if (first) return first.before ? clone(first.before) : undefined;
    return this.store.getById(coll, id);
  }

  /**
   * The transaction's view of a whole collection, for where().get(): committed documents, with every
   * document changed since the snapshot put back as it was, then the transaction's own writes.
   */
  view(t: Transaction, coll: string, candidates: Doc[]): Doc[] {
    const snapshot = this.ensureSnapshot(t);
    const byKey = new Map<string, Doc | undefined>();
    for (const d of candidates) byKey.set(docKey(coll, d._id), d);
    for (const [key, h] of this.history) {
      if (h.coll !== coll) continue;
      if (h.changes.some((c) => c.version > snapshot)) byKey.set(key, this.readAt(key, coll, h.id, snapshot));
    }
    for (const [key, w] of t.writes) if (w.coll === coll) byKey.set(key, w.doc ?? undefined);
    return [...byKey.values()].filter((d): d is Doc => d !== undefined);
  }

  /**
   * Takes the document's write lock for the transaction before it writes (rules 2, 3, 5). Throws the
   * conflict and aborts the transaction when another transaction holds the lock or the document
   * changed after the snapshot.
   */
  claim(t: Transaction, coll: string, id: unknown): void {
    const snapshot = this.ensureSnapshot(t);
    const key = docKey(coll, id);
    const holder = this.writeLocks.get(key);
    if (holder === t) return;
    const changedSince = this.history.get(key)?.changes.some((c) => c.version > snapshot) ?? false;
    if ((holder && holder.state === 'open') || changedSince) {
      this.stats.conflicts += 1;
      this.finish(t, 'aborted', holder ? 'write conflict: another transaction wrote this document first' : 'write conflict: the document changed after the snapshot');
      throw Errors.transactionConflict();
    }
    this.writeLocks.set(key, t);
  }

  /** Buffers a write; the caller has claimed the document. */
  write(t: Transaction, coll: string, id: unknown, doc: Doc | null): void {
    t.writes.set(docKey(coll, id), { coll, id, doc: doc ? clone(doc) : null });
  }

  commit(id: unknown): void {
    const t = this.get(id);
    const writes = [...t.writes.values()];
    this.recordCommitted(
      writes.map((w) => ({ coll: w.coll, id: w.id })),
      () => {
        for (const w of writes) {
          if (w.doc === null) this.store.remove(w.coll, w.id);
          else this.store.upsertRaw(w.coll, w.doc);
        }
      },
    );
    this.finish(t, 'committed');
  }

  abort(id: unknown): void {
    const t = typeof id === 'string' ? this.open.get(id) : undefined;
    if (!t) throw Errors.transactionNotExist();
    this.finish(t, 'aborted', 'rolled back');
  }

  /**
   * A non-transactional write (rule 8). Waits while an open transaction holds a write lock on any of
   * the documents, then runs `apply` (synchronous, so nothing can slip in between) and records what it
   * changed for the open snapshots. `ids` is evaluated again after every wait.
   */
  async outsideWrite<T>(coll: string, ids: () => unknown[], apply: () => T): Promise<T> {
    const deadline = Date.now() + this.opts.outsideWriteWaitMs;
    for (;;) {
      const targets = ids();
      const blockedBy = targets.map((id) => ({ id, key: docKey(coll, id) })).find(({ key }) => this.writeLocks.get(key)?.state === 'open');
      if (!blockedBy) return this.recordCommitted(targets.map((id) => ({ coll, id })), apply);
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitForUnlock(coll, blockedBy.id, blockedBy.key, left))) {
        this.stats.outsideTimeouts += 1;
        throw Errors.transactionConflict();
      }
    }
  }

  /** Resolves true when the document's write lock is released, false when `ms` pass first. */
  private waitForUnlock(coll: string, id: unknown, key: string, ms: number): Promise<boolean> {
    this.stats.outsideWaits += 1;
    const entry = this.waiters.get(key) ?? { coll, id, wake: new Set<() => void>() };
    this.waiters.set(key, entry);
    return new Promise<boolean>((resolve) => {
      const done = (released: boolean) => {
        clearTimeout(timer);
        entry.wake.delete(wake);
        if (entry.wake.size === 0 && this.waiters.get(key) === entry) this.waiters.delete(key);
        resolve(released);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      entry.wake.add(wake);
    });
  }

  /**
   * Runs a committed change and, while any open transaction has a snapshot, keeps the values it
   * replaced so those snapshots still read them and their writes to these documents conflict.
   */
  private recordCommitted<T>(targets: { coll: string; id: unknown }[], apply: () => T): T {
    const watching = [...this.open.values()].some((t) => t.snapshot !== undefined);
    if (!watching) {
      const result = this.store.atomic(apply);
      this.version += 1;
      return result;
    }
    // The stored text of each document before and after (canonical EJSON, one text per value): only a
    // document whose text changed is decoded, for the snapshots to read.
    const before = targets.map(({ coll, id }) => ({ coll, id, key: docKey(coll, id), body: this.store.bodyOf(coll, id) }));
    const result = this.store.atomic(apply);
    const version = ++this.version;
    for (const b of before) {
      if (b.body === this.store.bodyOf(b.coll, b.id)) continue;
      const h = this.history.get(b.key) ?? { coll: b.coll, id: b.id, changes: [] };
      h.changes.push({ version, before: b.body === undefined ? undefined : decode(b.body, new Date()) });
      this.history.set(b.key, h);
    }
    return result;
  }

  private finish(t: Transaction, state: 'committed' | 'aborted', reason?: string) {
    t.state = state;
    t.abortReason = reason;
    if (state === 'committed') this.stats.committed += 1;
    else this.stats.aborted += 1;
    this.open.delete(t.id);
    this.finished.add(t.id);
    if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value as string);
    for (const key of t.writes.keys()) {
      if (this.writeLocks.get(key) !== t) continue;
      this.writeLocks.delete(key);
      const w = this.waiters.get(key);
      if (w) for (const wake of [...w.wake]) wake();
    }
    // A lock claimed by a write that then failed (e.g. duplicate _id) is in writeLocks without a buffered write.
    for (const [key, holder] of this.writeLocks) if (holder === t) this.writeLocks.delete(key);
    this.pruneHistory();
  }

  /** Drops history no open snapshot can read any more. */
  private pruneHistory() {
    if (this.history.size === 0) return;
    let oldest = Infinity;
    for (const t of this.open.values()) if (t.snapshot !== undefined && t.snapshot < oldest) oldest = t.snapshot;
    if (oldest === Infinity) {
      this.history.clear();
      return;
    }
    for (const [key, h] of this.history) {
      const keep = h.changes.filter((c) => c.version > oldest);
      if (keep.length === 0) this.history.delete(key);
      else h.changes = keep;
    }
  }

  private expired(t: Transaction): boolean {
    return this.opts.clock.now() - t.startedAt >= this.opts.lifetimeMs;
  }

  private expire(t: Transaction) {
    this.stats.expired += 1;
    this.finish(t, 'aborted', 'expired');
  }

  /** Aborts every transaction older than the lifetime on the local cloud's clock. */
  expireDue(): number {
    const due = [...this.open.values()].filter((t) => this.expired(t));
    for (const t of due) this.expire(t);
    return due.length;
  }

  /**
   * Aborts what an invocation left open when its worker was killed (timeout, crash): that process is
   * gone, so nobody can commit, and its write locks would otherwise block the documents until the lifetime ends.
   */
  abortOwnedBy(owner: string): number {
    const owned = [...this.open.values()].filter((t) => t.owner === owner);
    for (const t of owned) this.finish(t, 'aborted', 'its function was stopped');
    return owned.length;
  }

  describe(): TransactionsView {
    return {
      open: [...this.open.values()].map((t) => ({
        id: t.id,
        owner: t.owner,
        startedAt: t.startedAt,
        snapshot: t.snapshot,
        writes: [...t.writes.values()].map((w) => `${w.coll}/${String(w.id)}`),
      })),
      waiting: [...this.waiters.values()].map((w) => ({ coll: w.coll, id: w.id, writers: w.wake.size })),
      version: this.version,
      stats: { ...this.stats },
    };
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const t of [...this.open.values()]) this.finish(t, 'aborted', 'shutdown');
  }
}
