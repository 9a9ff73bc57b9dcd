/**
 * Opens the emulator's single SQLite file (better-sqlite3, synchronous API).
 *
 * Durability choice: WAL + synchronous=FULL. Every acknowledged write has been fsync'ed to the WAL
 * before the HTTP reply leaves, so it survives kill -9 *and* an OS crash. (NORMAL would already
 * survive kill -9, since the WAL lives in the OS page cache, but not power loss; the fsync costs
 * well under a millisecond per commit on SSDs, so we take the stronger guarantee by default.)
 * Pass `durability: 'normal'` to trade that for speed in benchmarks.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Sqlite = Database.Database;

export function openSqlite(dataDir: string, durability: 'full' | 'normal' = 'full'): Sqlite {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'cloudbase.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
    -- rid gives natural (insertion) order, like MongoDB without a sort; (coll, id) is the real key.
    -- body: canonical EJSON (exact round-trip to the SDK). idx: plain JSON (dates as epoch ms)
    -- that the expression indexes read through json_extract().
    CREATE TABLE IF NOT EXISTS docs (
      rid INTEGER PRIMARY KEY,
      coll TEXT NOT NULL,
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      idx TEXT NOT NULL,
      UNIQUE (coll, id)
    );
    CREATE TABLE IF NOT EXISTS files (
      path TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT, size INTEGER NOT NULL, created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS invocations (
      seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, function_name TEXT NOT NULL, openid TEXT, source TEXT,
      trigger TEXT, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,
      result TEXT, error TEXT, logs TEXT
    );
    CREATE TABLE IF NOT EXISTS pay_orders (
      out_trade_no TEXT PRIMARY KEY, prepay_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL
    );
  `);
  return db;
}
