/**
 * The database as the hub sees it: the `database.*` wire actions, the collection housekeeping
 * routes under /_emulator/v1/database, and its tables (created by DocumentStore).
 */
import * as path from 'node:path';
import { loadDatabaseConfig } from './config';
import { DatabaseService } from './service';
import { exportCollection, importCollection } from './importexport';
import type { EmulatedService, JsonAction, JsonReply, ServiceFactory } from '../registry';

const ACTIONS = [
  'database.addCollection',
  'database.insertDocument',
  'database.getDocument',
  'database.calculateDocument',
  'database.modifyDocument',
  'database.modifyAndReturnDoc',
  'database.removeDocument',
  'database.aggregateDocuments',
  'database.startTransaction',
  'database.commitTransaction',
  'database.abortTransaction',
];

const notExist = (coll: string): JsonReply => ({ status: 404, json: { error: { code: 'DATABASE_COLLECTION_NOT_EXIST', message: coll } } });

export const databaseEmulator: ServiceFactory = (ctx): EmulatedService<DatabaseService> => {
  const o = ctx.options;
  const database = new DatabaseService(ctx.db, loadDatabaseConfig(o.databaseConfig ?? path.join(ctx.repoRoot, 'database.config.json')), {
    useIndexes: o.useIndexes ?? true,
    autoCreateCollections: o.autoCreateCollections ?? false,
    updatedCounts: o.updatedCounts ?? 'modified',
    lockWaitMs: o.lockWaitMs ?? 10_000,
    transactionLifetimeMs: 30_000,
    clock: () => new Date(),
  });
  const store = database.store;
  return {
    name: 'database',
    api: database,
    actions: Object.fromEntries(
      ACTIONS.map((name): [string, JsonAction] => [
        name,
        async (body) => {
          const r = await database.handle(name, body);
          return { ...(r.top ?? {}), ...(r.data !== undefined ? { data: r.data } : {}) };
        },
      ]),
    ),
    routes: [
      {
        // Test helper (like Firebase's "clear data"): empties one collection, keeps it existing.
        control: true,
        method: 'DELETE',
        path: /^\/database\/([^/:]+)$/,
        handle: ({ params: [coll] }) => (store.hasCollection(coll) ? { json: { deleted: store.clearCollection(coll) } } : notExist(coll)),
      },
      {
        control: true,
        method: 'GET',
        path: /^\/database\/([^/:]+):export$/,
        handle: ({ params: [coll] }) =>
          store.hasCollection(coll) ? { bytes: Buffer.from(exportCollection(store, coll)), contentType: 'application/x-ndjson; charset=utf-8' } : notExist(coll),
      },
      {
        control: true,
        method: 'POST',
        path: /^\/database\/([^/:]+):import$/,
        handle: async ({ params: [coll], url, raw }) => {
          const mode = url.searchParams.get('mode') === 'insert' ? 'insert' : 'upsert';
          return { json: importCollection(store, coll, (await raw()).toString('utf8'), mode) };
        },
      },
      {
        control: true,
        method: 'POST',
        path: /^\/database\/([^/:]+):explain$/,
        handle: async ({ params: [coll], json }) => {
          const b = await json();
          return { json: store.explain(coll, b.query ?? {}, b.sort) };
        },
      },
    ],
    status: () => ({ collections: store.listCollections() }),
    close: () => database.close(),
  };
};
