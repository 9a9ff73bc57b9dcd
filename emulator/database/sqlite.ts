/**
 * Opens the emulator's single SQLite file (better-sqlite3, synchronous API).
 *
 * Durability choice: WAL + synchronous=FULL. Every acknowledged write has been fsync'ed to the WAL
 * before the HTTP reply leaves, so it survives kill -9 *and* an OS crash. (NORMAL would already
 * survive kill -9, since the WAL lives in the OS page cache, but not power loss; the fsync costs
 * well under a millisecond per commit on SSDs, so we take the stronger guarantee by default.)
 * Pass `durability: 'normal'` to trade that for speed in benchmarks.
 *
 * Tables belong to the services: each creates its own (CREATE TABLE IF NOT EXISTS) when it starts.
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
  // A page cache of up to 64 MiB (SQLite's default is 2 MiB): with 10,000 products and their indexes the
  // data file is ~90 MB, and pages read from the OS on every request cost a system call each.
  db.pragma('cache_size = -65536');
  return db;
}
