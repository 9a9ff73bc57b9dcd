/**
 * The local cloud's clock. Everything the emulator dates (server dates in queries, transaction
 * lifetimes, timer triggers, the pay sandbox, storage links) and what functions see as `Date.now()` and
 * `new Date()` reads this one clock, so a test can move time instead of waiting for it.
 *
 * It runs at real speed with an offset (0 by default) or stands frozen at one instant. Moving it never
 * rewinds what already happened; it only changes what "now" means from here on.
 */
export interface ClockState {
  /** epoch ms the local cloud considers "now" */
  now: number;
  iso: string;
  /** now − real time, while running */
  offsetMs: number;
  frozen: boolean;
}

/** What `POST /_emulator/v1/clock` accepts; applied in the order listed. */
export interface ClockChange {
  /** back to real time, running */
  reset?: boolean;
  /** run at real time + offsetMs */
  offsetMs?: number;
  /** stand still at this instant (epoch ms or an ISO date) */
  frozenAt?: number | string;
  /** true: stand still at the current emulated instant; false: run on from it */
  freeze?: boolean;
  /** move forward (or back, if negative) by this many ms, frozen or running */
  advanceMs?: number;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly listeners = new Set<() => void>();

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  state(): ClockState {
    const now = this.now();
    return { now, iso: new Date(now).toISOString(), offsetMs: this.frozenAt === null ? this.offsetMs : now - Date.now(), frozen: this.frozenAt !== null };
  }

  /** Validates the whole change before applying any of it; throws a RangeError with the reason. */
  set(change: ClockChange): ClockState {
    const num = (v: unknown, name: string) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number of milliseconds`);
      return Math.trunc(v);
    };
    const offset = change.offsetMs === undefined ? undefined : num(change.offsetMs, 'offsetMs');
    const advance = change.advanceMs === undefined ? undefined : num(change.advanceMs, 'advanceMs');
    let frozenAt: number | undefined;
    if (change.frozenAt !== undefined) {
      frozenAt = typeof change.frozenAt === 'string' ? Date.parse(change.frozenAt) : num(change.frozenAt, 'frozenAt');
      if (!Number.isFinite(frozenAt)) throw new RangeError('frozenAt must be epoch milliseconds or an ISO date');
    }
    if (change.freeze !== undefined && typeof change.freeze !== 'boolean') throw new RangeError('freeze must be a boolean');
    if (change.reset !== undefined && typeof change.reset !== 'boolean') throw new RangeError('reset must be a boolean');

    if (change.reset) {
      this.offsetMs = 0;
      this.frozenAt = null;
    }
    if (offset !== undefined) {
      this.offsetMs = offset;
      this.frozenAt = null;
    }
    if (frozenAt !== undefined) this.frozenAt = frozenAt;
    if (change.freeze === true && this.frozenAt === null) this.frozenAt = this.now();
    if (change.freeze === false && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
    if (advance !== undefined) {
      if (this.frozenAt !== null) this.frozenAt += advance;
      else this.offsetMs += advance;
    }
    for (const fn of this.listeners) fn();
    return this.state();
  }

  /** Called after every change (the transaction sweep, the function workers). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
