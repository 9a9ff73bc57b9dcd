// App-scoped timers. The mini program's setTimeout/setInterval run on real time by default, but a
// test can fast-forward them (`__headless__.advanceTime(ms)`): due timers fire at once, in order,
// with everything they start settled in between, so polling/backoff flows need no sleeps.
import { settle, track } from './settle';

interface Timer { id: number; due: number; interval?: number; fn: (...a: unknown[]) => void; args: unknown[]; real: NodeJS.Timeout; done?: () => void }

/**
 * One-shot timers this short are the app deferring the rest of its reaction (e.g. `setTimeout(() =>
 * wx.reLaunch(...), 0)` in App.onShow), not waiting for time to pass: settle() waits for them, so a
 * protocol reply never comes before they ran.
 */
const SETTLED_TIMER_MS = 50;

export class AppTimers {
  private seq = 0;
  private timers = new Map<number, Timer>();
  /** virtual time ahead of the real clock, accumulated by advance() */
  private shift = 0;

  constructor(private readonly onError: (err: unknown) => void) {}

  private now(): number {
    return Date.now() + this.shift;
  }

  private arm(t: Timer, delay: number): void {
    t.real = setTimeout(() => this.fire(t), Math.max(0, delay));
  }

  private fire(t: Timer): void {
    if (!this.timers.has(t.id)) return;
    if (t.interval !== undefined) {
      t.due = this.now() + t.interval;
      this.arm(t, t.interval);
    } else this.timers.delete(t.id);
    try {
      t.fn(...t.args);
    } catch (err) {
      this.onError(err);
    } finally {
      t.done?.();
    }
  }

  private add(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    const delay = Math.max(0, Number(ms) || 0);
    const callable = typeof fn === 'function' ? (fn as (...a: unknown[]) => void) : () => undefined;
    const t: Timer = { id: ++this.seq, due: this.now() + delay, interval: repeat ? Math.max(1, delay) : undefined, fn: callable, args, real: undefined as unknown as NodeJS.Timeout };
    if (!repeat && delay <= SETTLED_TIMER_MS) track(new Promise<void>((resolve) => (t.done = resolve)));
    this.timers.set(t.id, t);
    this.arm(t, delay);
    return t.id;
  }

  private clear(id: unknown): void {
    const t = this.timers.get(Number(id));
    if (!t) return;
    clearTimeout(t.real);
    this.timers.delete(t.id);
    t.done?.();
  }

  /** A Date whose clock includes the fast-forwarded time, so Date.now()-based countdowns agree
   *  with the timers that advance() fired. */
  private dateClass(): DateConstructor {
    const clock = () => this.now();
    class SimDate extends Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock());
        else super(...(args as [string | number | Date]));
      }
      static now(): number {
        return clock();
      }
    }
    return SimDate as unknown as DateConstructor;
  }

  /** The functions injected as the app's setTimeout & co. */
  globals(): Record<string, unknown> {
    return {
      Date: this.dateClass(),
      setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) => this.add(fn, ms, args, false),
      setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => this.add(fn, ms, args, true),
      clearTimeout: (id: unknown) => this.clear(id),
      clearInterval: (id: unknown) => this.clear(id),
    };
  }

  /** Fires every timer due within `ms` of virtual time; returns how many callbacks ran. */
  async advance(ms: number): Promise<number> {
    const target = this.now() + Math.max(0, ms);
    let fired = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.due <= target && (!next || t.due < next.due)) next = t;
      if (!next) break;
      clearTimeout(next.real);
      this.shift += Math.max(0, next.due - this.now());
      this.fire(next);
      fired++;
      await settle();
      if (fired > 10000) throw new Error('advanceTime: too many timers (runaway interval?)');
    }
    this.shift += Math.max(0, target - this.now());
    return fired;
  }

  clearAll(): void {
    for (const t of this.timers.values()) {
      clearTimeout(t.real);
      t.done?.();
    }
    this.timers.clear();
  }
}
