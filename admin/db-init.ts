/**
 * `db:init`: creates the collections listed in database.config.json and explains the indexes. The
 * SDKs have no call to create indexes: the local cloud builds them itself from the same file, and for a
 * real environment they are listed so they can be created by hand in the console (数据库 → 索引管理).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Cloud } from './cloud';
import { UsageError } from './cloud';
import { ensureCollections } from './demo-catalog';

import type { CollectionSpec, IndexSpec } from '../emulator/database/config';

export type { CollectionSpec, IndexSpec };

export const DEFAULT_DATABASE_CONFIG = resolve(__dirname, '..', 'database.config.json');

export function loadDatabaseConfig(file = DEFAULT_DATABASE_CONFIG): CollectionSpec[] {
  if (!existsSync(file)) throw new UsageError(`no database config at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const collections = (raw as { collections?: unknown }).collections;
  if (!Array.isArray(collections)) throw new UsageError(`${file} has no "collections" list`);
  return collections.filter((c): c is CollectionSpec => typeof c === 'object' && c !== null && typeof (c as CollectionSpec).name === 'string');
}

export function describeIndex(index: IndexSpec): string {
  const fields = Object.entries(index.fields)
    .map(([field, dir]) => `${field} ${dir === -1 ? '降序 (desc)' : '升序 (asc)'}`)
    .join(', ');
  return `${index.name ?? Object.keys(index.fields).join('_')}: ${fields}${index.unique ? ' — 唯一 (unique)' : ''}`;
}

export interface DbInitResult {
  created: string[];
  existing: string[];
  /** Lines of the index list (what to create by hand in a real environment). */
  indexLines: string[];
}

export async function dbInit(cloud: Cloud, specs: CollectionSpec[]): Promise<DbInitResult> {
  const { created, existing } = await ensureCollections(cloud.app, specs.map((s) => s.name));
  const indexLines: string[] = [];
  for (const spec of specs) {
    for (const index of spec.indexes ?? []) indexLines.push(`${spec.name}  ${describeIndex(index)}`);
  }
  return { created, existing, indexLines };
}
