/**
 * A pool of warm worker processes per function. Each worker runs at most one invocation at a
 * time (SCF's per-instance concurrency of 1). The per-function cap bounds memory; nested calls
 * (function → function) may exceed it, because the caller holds its worker while it waits and a
 * strict cap could deadlock (docs/reference/cloudbase-wire-protocol.md §11.5).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';

export interface InvokeMessage {
  file: string;
  handlerName: string;
  event: unknown;
  context: Record<string, unknown>;
  env: Record<string, string>;
}

/** The local cloud's clock as a worker installs it over Date. */
export interface WorkerClock {
  offsetMs: number;
  frozenAt: number | null;
}
export type WorkerOutcome =
  | { ok: true; result: string; logs: string }
  | { ok: false; error: string; logs: string; timedOut?: boolean; crashed?: boolean };

const WORKER_JS = path.join(__dirname, 'worker.js');

class Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy = false;
  dead = false;
  logBuf: string[] = [];
  private pending?: { id: number; resolve: (o: WorkerOutcome) => void };
  private seq = 0;

  constructor(
    readonly fn: string,
    readonly dir: string,
    readonly mtime: number,
    env: NodeJS.ProcessEnv,
    readonly clock: () => WorkerClock,
  ) {
    this.child = fork(WORKER_JS, [], { cwd: dir, env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const capture = (chunk: Buffer) => {
      if (this.logBuf.length < 200) this.logBuf.push(chunk.toString('utf8'));
    };
    this.child.stdout!.on('data', capture);
    this.child.stderr!.on('data', capture);
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: any) => {
        if (m?.type === 'ready') {
          this.child.off('message', onMsg);
          resolve();
        }
      };
      this.child.on('message', onMsg);
      this.child.once('exit', () => reject(new Error('worker exited during startup')));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: any) => {
      if (m?.type === 'result' && this.pending && m.id === this.pending.id) {
        const p = this.pending;
        this.pending = undefined;
        const logs = this.takeLogs();
        p.resolve(m.ok ? { ok: true, result: m.result, logs } : { ok: false, error: m.error, logs });
      }
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      if (this.pending) {
        const p = this.pending;
        this.pending = undefined;
        p.resolve({ ok: false, crashed: true, error: `function process exited (code ${code}, signal ${signal})`, logs: this.takeLogs() });
      }
    });
  }

  private takeLogs(): string {
    const s = this.logBuf.join('');
    this.logBuf = [];
    return s.length > 64 * 1024 ? s.slice(0, 64 * 1024) + '…' : s;
  }

  run(msg: InvokeMessage, timeoutMs: number): Promise<WorkerOutcome> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        const seconds = Math.round((timeoutMs / 1000) * 1000) / 1000;
        resolve({ ok: false, timedOut: true, error: `Invoking task timed out after ${seconds} seconds`, logs: this.takeLogs() });
        // The handler may still be running: this instance is unusable now.
        this.kill();
      }, timeoutMs);
      this.pending = {
        id,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      };
      this.child.send({ type: 'invoke', id, ...msg, clock: this.clock() });
    });
  }

  /** Tells a running handler that the clock moved (idle workers get it with their next invocation). */
  sendClock() {
    if (this.dead || !this.busy || !this.child.connected) return;
    try {
      this.child.send({ type: 'clock', clock: this.clock() });
    } catch {
      /* exiting */
    }
  }

  kill() {
    this.dead = true;
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export class WorkerPool {
  private workers = new Map<string, Worker[]>();
  private waiters = new Map<string, Array<() => void>>();
  private closed = false;

  constructor(
    private readonly maxPerFunction: number,
    private readonly baseEnv: () => NodeJS.ProcessEnv,
    private readonly clock: () => WorkerClock,
  ) {}

  broadcastClock() {
    for (const l of this.workers.values()) for (const w of l) w.sendClock();
  }

  private list(fn: string): Worker[] {
    let l = this.workers.get(fn);
    if (!l) this.workers.set(fn, (l = []));
    return l;
  }

  private async checkout(fn: string, dir: string, file: string, overflow: boolean): Promise<Worker> {
    for (;;) {
      if (this.closed) throw new Error('emulator is stopping');
      const mtime = fs.statSync(file).mtimeMs;
      const l = this.list(fn);
      // Drop dead workers and those running stale code (hot reload after a rebuild).
      for (const w of [...l]) {
        if (w.dead || (!w.busy && w.mtime !== mtime)) {
          w.kill();
          l.splice(l.indexOf(w), 1);
        }
      }
      const idle = l.find((w) => !w.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (l.length < this.maxPerFunction || overflow) {
        const w = new Worker(fn, dir, mtime, this.baseEnv(), this.clock);
        w.busy = true;
        l.push(w);
        try {
          await w.ready;
        } catch (e) {
          l.splice(l.indexOf(w), 1);
          throw e;
        }
        return w;
      }
      await new Promise<void>((resolve) => {
        const q = this.waiters.get(fn) ?? [];
        q.push(resolve);
        this.waiters.set(fn, q);
      });
    }
  }

  private checkin(fn: string, w: Worker) {
    w.busy = false;
    if (w.dead) {
      const l = this.list(fn);
      const i = l.indexOf(w);
      if (i >= 0) l.splice(i, 1);
    }
    const next = this.waiters.get(fn)?.shift();
    if (next) next();
  }

  async invoke(fn: string, dir: string, msg: InvokeMessage, timeoutMs: number, overflow: boolean): Promise<WorkerOutcome> {
    const w = await this.checkout(fn, dir, msg.file, overflow);
    try {
      return await w.run(msg, timeoutMs);
    } finally {
      this.checkin(fn, w);
    }
  }

  close() {
    this.closed = true;
    for (const l of this.workers.values()) for (const w of l) w.kill();
    this.workers.clear();
    for (const q of this.waiters.values()) q.forEach((r) => r());
    this.waiters.clear();
  }
}
