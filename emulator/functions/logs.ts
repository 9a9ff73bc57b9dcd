/** One record per function invocation, kept in SQLite and served at GET /_emulator/v1/logs. */
import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../database/sqlite';

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  openid?: string;
  source?: string;
  trigger?: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  result?: string;
  error?: string;
  logs?: string;
}

const cap = (s: string | undefined, n = 16 * 1024) => (s && s.length > n ? s.slice(0, n) + '…' : s);

/** Oldest records are pruned beyond this many, so a long-running dev emulator stays small. */
const KEEP = 20_000;
/** How long a record may wait to be written with the next ones. */
const FLUSH_AFTER_MS = 200;

export class InvocationLog {
  private sinceprune = 0;
  private pending: InvocationRecord[] = [];
  private timer?: NodeJS.Timeout;
  private readonly insert: Statement;
  constructor(private readonly db: Sqlite) {
    db.exec(`CREATE TABLE IF NOT EXISTS invocations (
      seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, function_name TEXT NOT NULL, openid TEXT, source TEXT,
      trigger TEXT, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,
      result TEXT, error TEXT, logs TEXT
    )`);
    this.insert = db.prepare(
      `INSERT INTO invocations (request_id, function_name, openid, source, trigger, started_at, duration_ms, ok, result, error, logs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Records are written in batches, one SQLite transaction each, a moment after the invocation answered:
   * an fsync per invocation would block the event loop of every caller (the data file runs with
   * synchronous=FULL for the documents). Reads flush first, so `list()` always sees every record added.
   */
  add(r: InvocationRecord): void {
    this.pending.push(r);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.timer.unref?.();
    }
  }

  /** Writes the records added since the last flush (also on close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || !this.db.open) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const r of batch) {
        this.insert.run(r.requestId, r.functionName, r.openid ?? null, r.source ?? null, r.trigger ?? null, r.startedAt, r.durationMs, r.ok ? 1 : 0, cap(r.result) ?? null, cap(r.error) ?? null, cap(r.logs) ?? null);
      }
      this.sinceprune += batch.length;
      if (this.sinceprune >= 1000) {
        this.sinceprune = 0;
        this.db.prepare('DELETE FROM invocations WHERE seq <= (SELECT MAX(seq) FROM invocations) - ?').run(KEEP);
      }
    })();
  }

  list(filter: { functionName?: string; openid?: string; limit?: number }): InvocationRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.functionName) (where.push('function_name = ?'), params.push(filter.functionName));
    if (filter.openid) (where.push('openid = ?'), params.push(filter.openid));
    const limit = Math.min(Math.max(Number(filter.limit) || 100, 1), 1000);
    this.flush();
    const rows = this.db
      .prepare(`SELECT * FROM invocations ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ${limit}`)
      .all(...params) as any[];
    return rows.map((r) => ({
      requestId: r.request_id,
      functionName: r.function_name,
      openid: r.openid ?? undefined,
      source: r.source ?? undefined,
      trigger: r.trigger ?? undefined,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      ok: !!r.ok,
      result: r.result ?? undefined,
      error: r.error ?? undefined,
      logs: r.logs ?? undefined,
    }));
  }
}
