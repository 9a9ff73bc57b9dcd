/**
 * StorageService: cloud storage on disk (SQLite blobs), wire protocol §9.
 * Upload = getUploadMetadata + PUT to our data-plane URL; download = a temp URL that this
 * emulator serves. The temp URL path is deliberately NOT percent-escaped: the SDK runs
 * encodeURI() on it before the GET (the "%2F → %252F" trap, §9.3), and we decodeURIComponent
 * on the way in, so paths with spaces, '+' or non-ASCII survive the round trip.
 */
import { createHash } from 'node:crypto';
import type { Sqlite } from '../database/sqlite';
import { Errors } from '../util/errors';
import type { Doc } from '../util/ejson';

export const UPLOAD_PREFIX = '/__storage_upload/';
export const DOWNLOAD_PREFIX = '/__storage/';

export class StorageService {
  readonly bucket: string;
  constructor(private readonly db: Sqlite, private readonly envId: string) {
    db.exec(`CREATE TABLE IF NOT EXISTS files (
      path TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT, size INTEGER NOT NULL, created_at INTEGER NOT NULL
    )`);
    // Real buckets look like <4 hex>-<envId>-<appid digits>; any stable value works for the SDK.
    this.bucket = `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-1250000000`;
  }

  fileIdFor(cloudPath: string): string {
    return `cloud://${this.envId}.${this.bucket}/${cloudPath}`;
  }

  /** cloud://env.bucket/a/b.png → a/b.png (undefined for anything else) */
  pathOf(fileId: unknown): string | undefined {
    if (typeof fileId !== 'string') return undefined;
    const m = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileId);
    return m ? m[1] : undefined;
  }

  async handle(action: string, body: Doc, baseUrl: string): Promise<{ data: unknown }> {
    switch (action) {
      case 'storage.getUploadMetadata': {
        const p = body.path;
        if (typeof p !== 'string' || !p || p.startsWith('/')) throw Errors.invalidParam('path is required and must not start with /');
        if (/[?#]/.test(p)) throw Errors.invalidParam('cloud path must not contain ? or #');
        const url = `${baseUrl}${UPLOAD_PREFIX}${encodeURIComponent(p)}`;
        return {
          data: {
            url,
            token: 'local-cos-token',
            authorization: 'q-sign-algorithm=sha1&local',
            fileId: this.fileIdFor(p),
            cosFileId: createHash('md5').update(p).digest('hex'),
            download_url: this.tempUrl(baseUrl, p),
          },
        };
      }
      case 'storage.batchGetDownloadUrl': {
        const list = Array.isArray(body.file_list) ? body.file_list : [];
        return {
          data: {
            download_list: list.map((item: Doc) => {
              const fileID = item?.fileid;
              const p = this.pathOf(fileID);
              if (!p || !this.exists(p)) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
              return { fileID, tempFileURL: this.tempUrl(baseUrl, p), code: 'SUCCESS', maxAge: Number(item.max_age) || 86400 };
            }),
          },
        };
      }
      case 'storage.batchDeleteFile': {
        const list = Array.isArray(body.fileid_list) ? body.fileid_list : [];
        return {
          data: {
            delete_list: list.map((fileID: unknown) => {
              const p = this.pathOf(fileID);
              const ok = !!p && this.db.prepare('DELETE FROM files WHERE path = ?').run(p).changes > 0;
              return ok ? { fileID, code: 'SUCCESS' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
            }),
          },
        };
      }
      case 'storage.batchCopyFile': {
        const list = Array.isArray(body.file_list) ? body.file_list : [];
        return {
          data: {
            copy_list: list.map((it: Doc) => {
              const src = this.pathOf(it.src_path) ?? it.src_path;
              const dst = this.pathOf(it.dst_path) ?? it.dst_path;
              const f = this.read(src);
              if (!f) return { fileId: it.src_path, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
              this.write(dst, f.content, f.contentType);
              if (it.remove_original) this.db.prepare('DELETE FROM files WHERE path = ?').run(src);
              return { fileId: this.fileIdFor(dst) };
            }),
          },
        };
      }
      default:
        throw Errors.invalidParam(`unsupported action ${action}`);
    }
  }

  tempUrl(baseUrl: string, p: string): string {
    return `${baseUrl}${DOWNLOAD_PREFIX}${p}?sign=local&t=${Date.now()}`;
  }

  exists(p: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM files WHERE path = ?').get(p);
  }

  write(p: string, content: Buffer, contentType?: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO files (path, content, content_type, size, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(p, content, contentType ?? null, content.length, Date.now());
  }

  read(p: string): { content: Buffer; contentType?: string } | undefined {
    const row = this.db.prepare('SELECT content, content_type FROM files WHERE path = ?').get(p) as { content: Buffer; content_type: string | null } | undefined;
    return row ? { content: row.content, contentType: row.content_type ?? undefined } : undefined;
  }

  /** Path part of a data-plane URL → cloud path (tolerates both escaped and raw forms). */
  static decodePath(urlPath: string, prefix: string): string {
    const rest = urlPath.slice(prefix.length);
    try {
      return decodeURIComponent(rest);
    } catch {
      return rest;
    }
  }
}
