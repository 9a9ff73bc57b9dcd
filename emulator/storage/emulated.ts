/**
 * Cloud storage as the hub sees it: the `storage.*` wire actions, the data plane (upload PUT,
 * temp-URL GET) and the local file viewer route; its `files` table is created by StorageService.
 */
import { StorageService, DOWNLOAD_PREFIX, UPLOAD_PREFIX } from './service';
import type { EmulatedService, JsonAction, ServiceFactory } from '../registry';

const ACTIONS = ['storage.getUploadMetadata', 'storage.batchGetDownloadUrl', 'storage.batchDeleteFile', 'storage.batchCopyFile', 'storage.getFileAuthority'];
const MAX_UPLOAD = 100 * 1024 * 1024;
const NO_SUCH_KEY = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
const EXPIRED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
const under = (prefix: string) => new RegExp(`^${prefix}(.*)$`);

export const storageEmulator: ServiceFactory = (ctx): EmulatedService<StorageService> => {
  const storage = new StorageService(ctx.db, ctx.envId, ctx.clock);
  return {
    name: 'storage',
    api: storage,
    actions: Object.fromEntries(ACTIONS.map((name): [string, JsonAction] => [name, (body, req) => storage.handle(name, body, req.baseUrl)])),
    routes: [
      {
        method: ['PUT', 'POST'],
        path: under(UPLOAD_PREFIX),
        handle: async ({ params: [p], req, raw }) => {
          storage.write(p, await raw(MAX_UPLOAD), req.headers['content-type']);
          // empty body = success for the SDK's COS client (docs/reference/cloudbase-wire-protocol.md §9.1)
          return { bytes: Buffer.alloc(0), contentType: '' };
        },
      },
      {
        method: ['GET', 'HEAD'],
        path: under(DOWNLOAD_PREFIX),
        handle: ({ params: [p], url }) => {
          if (storage.linkExpired(url.searchParams)) return { status: 403, bytes: Buffer.from(EXPIRED), contentType: 'application/xml' };
          const f = storage.read(p);
          if (!f) return { status: 404, bytes: Buffer.from(NO_SUCH_KEY), contentType: 'application/xml' };
          return { bytes: f.content, contentType: f.contentType || 'application/octet-stream' };
        },
      },
      {
        // Lets local viewers (the simulator's <image src="cloud://...">, the console) show a stored file by fileID.
        control: true,
        method: 'GET',
        path: /^\/storage\/file$/,
        handle: ({ url }) => {
          const stored = storage.read(storage.pathOf(url.searchParams.get('fileID')) ?? '');
          if (!stored) return { status: 404, json: { error: { code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' } } };
          return { bytes: stored.content, contentType: stored.contentType || 'application/octet-stream' };
        },
      },
    ],
  };
};
