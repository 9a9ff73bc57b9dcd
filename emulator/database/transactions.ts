/**
 * Transactions (docs/reference/cloudbase-wire-protocol.md §7).
 *
 * Isolation model (documented for other engineers):
 * - A transaction takes an exclusive lock on a document the first time it reads OR writes it
 *   (doc().get/update/set/remove, add with an explicit _id). The lock is held until commit/abort.
 * - Because nobody else can change a locked document, the value read at lock time stays the
 *   transaction's snapshot of it; the transaction's own writes are buffered and overlaid on reads.
 * - Commit writes the whole buffer in one SQLite transaction (atomic and durable), then releases
 *   the locks in FIFO order to the next waiter.
 * - Conflicting transactions WAIT (bounded by lockWaitMs) instead of failing. A timed-out wait or
 *   a deadlock DOOMS the transaction: it releases all its locks at once (so the others proceed),
 *   its remaining reads return committed data without locking, its writes are buffered, and its
 *   COMMIT fails with DATABASE_TRANSACTION_CONFLICT. Why at commit: wx-server-sdk wraps errors
 *   from doc().get()/update() inside a transaction into CloudSDKErrors without `code`, so
 *   runTransaction would not retry them; commit errors reach it raw and trigger the retry.
 * - Non-transactional writes to a locked document also wait for the lock (the official guide says
 *   ordinary writes block), so no update is ever lost.
 * - where().get() inside a transaction reads committed data plus the transaction's own writes,
 *   without taking locks (phantoms are possible, as in snapshot isolation).
 * - A transaction not finished within 30 s is aborted; later calls get DATABASE_TRANSACTION_FAIL.
 */
import { randomBytes } from 'node:crypto';
import type { DocumentStore } from './store';
import { idKey } from './store';
import type { LockManager } from './locks';
import { Errors } from '../util/errors';
import { clone, type Doc } from '../util/ejson';

export interface BufferedWrite {
  coll: string;
  id: unknown;
  /** null = delete */
  doc: Doc | null;
  existedBefore: boolean;
}

export class Transaction {
  readonly writes = new Map<string, BufferedWrite>();
  state: 'open' | 'committed' | 'aborted' = 'open';
  /** set when a lock wait timed out or would deadlock: the commit will report a conflict */
  doomed?: string;
  timer?: NodeJS.Timeout;
  /** the function invocation (its wxCloudApiToken) that opened it, if any */
  owner?: string;
  constructor(readonly id: string) {}
}

export const lockKey = (coll: string, id: unknown) => `${coll}\u0000${idKey(id)}`;

export class TransactionManager {
  private open = new Map<string, Transaction>();
  /** ids of finished transactions, so late calls get TransactionNotExist (bounded memory) */
  private finished = new Set<string>();
  private seq = 0;

  constructor(
    private readonly store: DocumentStore,
    private readonly locks: LockManager,
    private readonly maxLifetimeMs = 30_000,
  ) {}

  start(owner?: string): Transaction {
    const id = `${++this.seq}_${randomBytes(8).toString('hex')}`;
    const t = new Transaction(id);
    t.owner = owner;
    t.timer = setTimeout(() => this.abort(t.id, true), this.maxLifetimeMs);
    t.timer.unref?.();
    this.open.set(id, t);
    return t;
  }

  get(id: unknown): Transaction {
    const t = typeof id === 'string' ? this.open.get(id) : undefined;
    if (!t || t.state !== 'open') throw Errors.transactionNotExist();
    return t;
  }

  /** Locks the document for the transaction; a failed wait dooms the transaction (see above). */
  async lock(t: Transaction, coll: string, id: unknown): Promise<void> {
    if (t.doomed) return;
    try {
      await this.locks.acquire(t.id, lockKey(coll, id));
    } catch (e) {
      if (t.state !== 'open' || (e as { code?: string }).code !== 'DATABASE_TRANSACTION_CONFLICT') throw e;
      t.doomed = (e as Error).message;
      this.locks.releaseAll(t.id);
      return;
    }
    if (t.state !== 'open') {
      this.locks.releaseAll(t.id);
      throw Errors.transactionNotExist();
    }
  }

  /** The transaction's view of one document (its own buffered write, else committed data). */
  read(t: Transaction, coll: string, id: unknown): Doc | undefined {
    const w = t.writes.get(lockKey(coll, id));
    if (w) return w.doc ? clone(w.doc) : undefined;
    return this.store.getById(coll, id);
  }

  write(t: Transaction, coll: string, id: unknown, doc: Doc | null): void {
    const key = lockKey(coll, id);
    const prev = t.writes.get(key);
    const existedBefore = prev ? prev.existedBefore : this.store.getById(coll, id) !== undefined;
    t.writes.set(key, { coll, id, doc: doc ? clone(doc) : null, existedBefore });
  }

  /** Buffered writes of one collection (for where().get() inside the transaction). */
  writesFor(t: Transaction, coll: string): BufferedWrite[] {
    return [...t.writes.values()].filter((w) => w.coll === coll);
  }

  commit(id: unknown): void {
    const t = this.get(id);
    if (t.doomed) {
      this.finish(t, 'aborted');
      throw Errors.transactionConflict(/\(([^)]*)\)/.exec(t.doomed)?.[1]);
    }
    this.store.atomic(() => {
      for (const w of t.writes.values()) {
        if (w.doc === null) this.store.remove(w.coll, w.id);
        else this.store.upsertRaw(w.coll, w.doc);
      }
    });
    this.finish(t, 'committed');
  }

  abort(id: unknown, expired = false): void {
    const t = typeof id === 'string' ? this.open.get(id) : undefined;
    if (!t) {
      if (!expired && !(typeof id === 'string' && this.finished.has(id))) throw Errors.transactionNotExist();
      return;
    }
    this.finish(t, 'aborted');
  }

  private finish(t: Transaction, state: 'committed' | 'aborted') {
    t.state = state;
    if (t.timer) clearTimeout(t.timer);
    this.open.delete(t.id);
    this.finished.add(t.id);
    if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value as string);
    this.locks.releaseAll(t.id);
  }

  /**
   * Aborts what an invocation left open when its worker was killed (timeout, crash): that process is
   * gone, so nobody can commit, and its locks would otherwise block the documents until the lifetime ends.
   */
  abortOwnedBy(owner: string): number {
    const owned = [...this.open.values()].filter((t) => t.owner === owner);
    for (const t of owned) this.finish(t, 'aborted');
    return owned.length;
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.abort(id, true);
  }
}
