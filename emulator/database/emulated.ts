/**
 * The database as the hub sees it: the `database.*` wire actions, the collection housekeeping
 * routes under /_emulator/v1/database, and its tables (created by DocumentStore).
 */
import * as path from 'node:path';
import { loadDatabaseConfig } from './config';
import { DatabaseService } from './service';
import { exportCollection, importCollection } from './importexport';
import { WriteLog, type Writer } from './write-log';
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

/** What the database needs of the functions service: which invocation a token belongs to. */
interface Invocations {
  byToken(token: unknown): { functionName: string; requestId: string } | undefined;
}

const notExist = (coll: string): JsonReply => ({ status: 404, json: { error: { code: 'DATABASE_COLLECTION_NOT_EXIST', message: coll } } });

export const databaseEmulator: ServiceFactory = (ctx): EmulatedService<DatabaseService> => {
  const o = ctx.options;
  const database = new DatabaseService(ctx.db, loadDatabaseConfig(o.databaseConfig ?? path.join(ctx.repoRoot, 'database.config.json')), {
    useIndexes: o.useIndexes ?? true,
    autoCreateCollections: o.autoCreateCollections ?? false,
    updatedCounts: o.updatedCounts ?? 'modified',
    outsideWriteWaitMs: o.outsideWriteWaitMs ?? 5_000,
    transactionLifetimeMs: 30_000,
    clock: ctx.clock,
    // The SDK inside a function sends its invocation's token with every request; a script sends none.
    writerOf: (body): Writer => {
      const token = body.wxCloudApiToken;
      if (typeof token !== 'string' || !token) return { kind: 'admin' };
      const invocation = ctx.registry.has('functions') ? ctx.registry.get<Invocations>('functions').byToken(token) : undefined;
      return invocation ? { kind: 'function', functionName: invocation.functionName, requestId: invocation.requestId } : { kind: 'unknown' };
    },
  });
  const store = database.store;
  const writeLog = new WriteLog(ctx.clock);
  store.observer = writeLog;
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
        // Open transactions and the plain writes waiting for them: tests wait on these instead of sleeping.
        control: true,
        method: 'GET',
        path: /^\/database\/transactions$/,
        handle: () => ({ json: { ...database.txns.describe(), requests: { ...database.requests } } }),
      },
      {
        // Which code writes a field: watch fields of a collection, then read every write that changed them.
        control: true,
        method: 'POST',
        path: /^\/database\/writelog$/,
        handle: async ({ json }) => {
          const b = await json();
          try {
            return { json: writeLog.watch(b.collection, b.fields) };
          } catch (error) {
            return { status: 400, json: { error: { code: 'INVALID_PARAM', message: (error as Error).message } } };
          }
        },
      },
      {
        control: true,
        method: 'GET',
        path: /^\/database\/writelog$/,
        handle: ({ url }) => ({ json: writeLog.list(url.searchParams.get('collection'), Number(url.searchParams.get('since')) || 0) }),
      },
      {
        control: true,
        method: 'POST',
        path: /^\/database\/writelog:clear$/,
        handle: () => {
          writeLog.clear();
          return { json: { cleared: true } };
        },
      },
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
