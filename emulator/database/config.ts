/**
 * Reads database.config.json: the collections the storefront needs and the indexes to create
 * (locally as SQLite expression indexes; in the real console by hand, which is why the file is
 * also documentation).
 */
import * as fs from 'node:fs';

export interface IndexSpec {
  name?: string;
  /** field path → 1 | -1 (direction is documentation for the console; SQLite scans both ways) */
  fields: Record<string, 1 | -1>;
  unique?: boolean;
}
export interface CollectionSpec {
  name: string;
  indexes?: IndexSpec[];
}
export interface DatabaseConfig {
  collections: CollectionSpec[];
}

export function loadDatabaseConfig(file: string | undefined): DatabaseConfig {
  if (!file || !fs.existsSync(file)) return { collections: [] };
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const collections: CollectionSpec[] = Array.isArray(raw.collections) ? raw.collections : [];
  return { collections };
}
