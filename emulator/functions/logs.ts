/** One record per function invocation, kept in SQLite and served at GET /_emulator/v1/logs. */
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

export class InvocationLog {
  private sinceprune = 0;
  constructor(private readonly db: Sqlite) {
    db.exec(`CREATE TABLE IF NOT EXISTS invocations (
      seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, function_name TEXT NOT NULL, openid TEXT, source TEXT,
      trigger TEXT, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,
      result TEXT, error TEXT, logs TEXT
    )`);
  }

  add(r: InvocationRecord): void {
    this.db
      .prepare(
        `INSERT INTO invocations (request_id, function_name, openid, source, trigger, started_at, duration_ms, ok, result, error, logs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.requestId, r.functionName, r.openid ?? null, r.source ?? null, r.trigger ?? null, r.startedAt, r.durationMs, r.ok ? 1 : 0, cap(r.result) ?? null, cap(r.error) ?? null, cap(r.logs) ?? null);
    if (++this.sinceprune >= 1000) {
      this.sinceprune = 0;
      this.db.prepare('DELETE FROM invocations WHERE seq <= (SELECT MAX(seq) FROM invocations) - ?').run(KEEP);
    }
  }

  list(filter: { functionName?: string; openid?: string; limit?: number }): InvocationRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.functionName) (where.push('function_name = ?'), params.push(filter.functionName));
    if (filter.openid) (where.push('openid = ?'), params.push(filter.openid));
    const limit = Math.min(Math.max(Number(filter.limit) || 100, 1), 1000);
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
