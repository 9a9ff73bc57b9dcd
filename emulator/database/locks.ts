/**
 * Per-document exclusive locks with FIFO wait queues, bounded waits and deadlock detection.
 *
 * Why waiting instead of failing fast: the storefront's orders function runs hundreds of
 * concurrent transactions on one hot product document. If the second writer failed immediately
 * (the real service's documented behaviour between transactions), the SDK's 3 retries would be
 * exhausted almost at once and most orders would fail. Queueing makes contended transactions
 * serialize; a wait that times out, or that would close a cycle (deadlock), still returns
 * DATABASE_TRANSACTION_CONFLICT, which `runTransaction` retries.
 */
import { Errors } from '../util/errors';

interface Waiter {
  owner: string;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}
interface LockState {
  holder: string;
  queue: Waiter[];
}

export class LockManager {
  private locks = new Map<string, LockState>();
  private held = new Map<string, Set<string>>();
  /** owner → the key it is currently waiting for (for deadlock detection) */
  private waitingFor = new Map<string, string>();

  constructor(private readonly waitTimeoutMs: number) {}

  /** number of locked documents (0 = fast path for ordinary writes) */
  get size(): number {
    return this.locks.size;
  }

  isLockedByOther(key: string, owner: string): boolean {
    const l = this.locks.get(key);
    return !!l && l.holder !== owner;
  }

  /** Resolves once `owner` holds `key`. Re-entrant. */
  acquire(owner: string, key: string, timeoutMs = this.waitTimeoutMs): Promise<void> {
    const l = this.locks.get(key);
    if (!l) {
      this.locks.set(key, { holder: owner, queue: [] });
      this.track(owner, key);
      return Promise.resolve();
    }
    if (l.holder === owner) return Promise.resolve();
    if (this.wouldDeadlock(owner, key)) return Promise.reject(Errors.transactionConflict('deadlock detected'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        resolve,
        reject,
        timer: setTimeout(() => {
          l.queue = l.queue.filter((w) => w !== waiter);
          this.waitingFor.delete(owner);
          reject(Errors.transactionConflict(`lock wait timed out after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      l.queue.push(waiter);
      this.waitingFor.set(owner, key);
    });
  }

  /** Releases everything `owner` holds and hands each lock to the next waiter in FIFO order. */
  releaseAll(owner: string): void {
    const keys = this.held.get(owner);
    this.held.delete(owner);
    // An owner that is still queued somewhere (aborted while waiting) leaves that queue too.
    const wk = this.waitingFor.get(owner);
    if (wk) {
      const l = this.locks.get(wk);
      if (l) {
        const w = l.queue.find((x) => x.owner === owner);
        if (w) {
          clearTimeout(w.timer);
          l.queue = l.queue.filter((x) => x !== w);
          w.reject(Errors.transactionNotExist());
        }
      }
      this.waitingFor.delete(owner);
    }
    if (!keys) return;
    for (const key of keys) {
      const l = this.locks.get(key);
      if (!l || l.holder !== owner) continue;
      const next = l.queue.shift();
      if (!next) {
        this.locks.delete(key);
        continue;
      }
      clearTimeout(next.timer);
      l.holder = next.owner;
      this.waitingFor.delete(next.owner);
      this.track(next.owner, key);
      next.resolve();
    }
  }

  private track(owner: string, key: string) {
    const s = this.held.get(owner) ?? new Set<string>();
    s.add(key);
    this.held.set(owner, s);
  }

  /** Would `owner` waiting on `key` close a cycle in the wait-for graph? */
  private wouldDeadlock(owner: string, key: string): boolean {
    const seen = new Set<string>();
    const stack = [key];
    while (stack.length) {
      const k = stack.pop()!;
      const l = this.locks.get(k);
      if (!l) continue;
      // We would wait for the holder and for everyone queued ahead of us.
      for (const o of [l.holder, ...l.queue.map((w) => w.owner)]) {
        if (o === owner) return true;
        if (seen.has(o)) continue;
        seen.add(o);
        const wk = this.waitingFor.get(o);
        if (wk) stack.push(wk);
      }
    }
    return false;
  }
}
