/**
 * security.mediaCheckAsync (version 2) as the local cloud answers it (docs/reference/wx-media-check.md):
 * the documented request checks, a trace id at once, and the verdict later as a `wxa_media_check`
 * message-push event delivered to the function the environment's message push names for it.
 *
 * - The verdict comes from a block list instead of WeChat's models: an entry matches the image by its
 *   file name (the last part of the URL's path, case-insensitive, anywhere in it) or by the SHA-256 of
 *   its bytes. The bytes are known when the URL is one of this local cloud's storage links (a
 *   `getTempFileURL` link); another URL cannot be downloaded here and is judged by its name only.
 * - Delivery waits `delayMs` of the local cloud's clock (default 5 s; WeChat promises "within 30
 *   minutes"), so a test freezes the clock to keep a check pending and advances it to deliver.
 *   Checks live in SQLite: a restart does not lose one on its way.
 * - Message push: `<functionsDir>/message-push.json` (`{callbacks: [{msgType, event, functionName}]}`,
 *   the shape of WeChat's setcallbackconfig), replaceable through the control API. A check whose event
 *   no function receives stays `undeliverable`, as WeChat would drop it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Sqlite } from '../database/sqlite';
import type { Clock } from '../util/clock';
import type { FunctionsService } from '../functions/service';
import type { StorageService } from '../storage/service';
import { DOWNLOAD_PREFIX } from '../storage/service';
import type { WxaError } from './wxacode';

export interface MediaBlockEntry {
  /** matched case-insensitively anywhere in the file name */
  name?: string;
  /** hex SHA-256 of the file's bytes */
  sha256?: string;
  /** WeChat's label: 10001 广告, 20001 时政, 20002 色情, 20003 辱骂, 20006 违法犯罪, 20008 欺诈, 20012 低俗, 20013 版权, 21000 其他 */
  label: number;
  /** 'risky' (default) or 'review' */
  suggest?: 'risky' | 'review';
}

/** Names refused out of the box, for demos and tests that do not set their own list. */
export const DEFAULT_MEDIA_BLOCK_LIST: MediaBlockEntry[] = [
  { name: 'risky-sample', label: 20002 },
  { name: '违规图片', label: 21000 },
  { name: 'review-sample', label: 21000, suggest: 'review' },
];

export const DEFAULT_DELAY_MS = 5_000;
/** WeChat's limit on the file it checks. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

export interface PushRoute {
  msgType: string;
  event: string;
  functionName: string;
}

export type MediaCheckState = 'pending' | 'delivered' | 'failed' | 'undeliverable';

export interface MediaCheckRecord {
  traceId: string;
  openid: string;
  scene: number;
  mediaType: number;
  mediaUrl: string;
  fileName: string;
  sha256: string | null;
  createdAt: number;
  dueAt: number;
  state: MediaCheckState;
  /** the event as delivered (or to be delivered) */
  event: Record<string, unknown>;
  functionName?: string;
  /** what the function answered, or its error */
  answer?: unknown;
  deliveries: number;
}

const LABELS = new Set([10001, 20001, 20002, 20003, 20006, 20008, 20012, 20013, 21000]);
const EVENT = 'wxa_media_check';

function rid(): string {
  return Math.random().toString(16).slice(2, 10);
}

/** A block list from a control-API body; a message when it is not one. */
export function parseMediaBlockList(list: unknown): MediaBlockEntry[] | string {
  if (!Array.isArray(list)) return 'block must be an array of {name? | sha256?, label, suggest?}';
  const out: MediaBlockEntry[] = [];
  for (const [i, e] of list.entries()) {
    const { name, sha256, label, suggest } = (e ?? {}) as Record<string, unknown>;
    const hasName = typeof name === 'string' && name.trim() !== '';
    const hasHash = typeof sha256 === 'string' && /^[0-9a-f]{64}$/i.test(sha256);
    if (!hasName && !hasHash) return `block[${i}] needs a non-empty name or a 64-hex-digit sha256`;
    if (typeof label !== 'number' || !LABELS.has(label)) return `block[${i}].label must be one of WeChat's refusal labels`;
    if (suggest !== undefined && suggest !== 'risky' && suggest !== 'review') return `block[${i}].suggest must be "risky" or "review"`;
    out.push({ ...(hasName ? { name: name as string } : {}), ...(hasHash ? { sha256: (sha256 as string).toLowerCase() } : {}), label, ...(suggest ? { suggest } : {}) });
  }
  return out;
}

/** Message-push routes from a body or file: `{callbacks: [{msgType, event, functionName}]}`. */
export function parsePushRoutes(body: unknown): PushRoute[] | string {
  const callbacks = (body as { callbacks?: unknown })?.callbacks;
  if (!Array.isArray(callbacks)) return 'body must be {"callbacks": [{"msgType", "event", "functionName"}]}';
  const out: PushRoute[] = [];
  for (const [i, c] of callbacks.entries()) {
    const { msgType, event, functionName, enable } = (c ?? {}) as Record<string, unknown>;
    if (typeof msgType !== 'string' || !msgType || typeof event !== 'string' || typeof functionName !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(functionName)) {
      return `callbacks[${i}] needs msgType, event and a function name`;
    }
    // WeChat: one <msgType, event> pair goes to one function.
    if (out.some((r) => r.msgType === msgType && r.event === event)) return `callbacks[${i}] repeats <${msgType}, ${event}>`;
    if (enable !== false) out.push({ msgType, event, functionName });
  }
  return out;
}

export class MediaCheckService {
  blockList: MediaBlockEntry[] = DEFAULT_MEDIA_BLOCK_LIST.map((e) => ({ ...e }));
  delayMs = DEFAULT_DELAY_MS;
  pushRoutes: PushRoute[];
  private timer?: NodeJS.Timeout;
  private stopWatchingClock?: () => void;
  private delivering = false;

  constructor(
    private readonly db: Sqlite,
    private readonly clock: Clock,
    private readonly deps: { functions: () => FunctionsService; storage: () => StorageService | undefined; functionsDir?: string; appid: string },
  ) {
    this.db.exec('CREATE TABLE IF NOT EXISTS openapi_media_checks (trace_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL)');
    this.pushRoutes = this.defaultPushRoutes();
    const tick = () => void this.deliverDue().catch((e) => console.warn(`[emulator] media check delivery: ${(e as Error).message}`));
    this.timer = setInterval(tick, 250);
    this.timer.unref?.();
    // A clock moved forward delivers what became due without waiting for the next tick.
    this.stopWatchingClock = clock.onChange(tick);
  }

  /** `<functionsDir>/message-push.json`, if the project has one. */
  defaultPushRoutes(): PushRoute[] {
    const file = this.deps.functionsDir ? path.join(this.deps.functionsDir, 'message-push.json') : '';
    if (!file || !fs.existsSync(file)) return [];
    try {
      const routes = parsePushRoutes(JSON.parse(fs.readFileSync(file, 'utf8')));
      return typeof routes === 'string' ? [] : routes;
    } catch {
      return [];
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopWatchingClock?.();
  }

  records(): MediaCheckRecord[] {
    return (this.db.prepare('SELECT body FROM openapi_media_checks ORDER BY rowid').all() as { body: string }[]).map((r) => JSON.parse(r.body) as MediaCheckRecord);
  }

  record(traceId: string): MediaCheckRecord | undefined {
    const row = this.db.prepare('SELECT body FROM openapi_media_checks WHERE trace_id = ?').get(traceId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as MediaCheckRecord) : undefined;
  }

  private save(r: MediaCheckRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO openapi_media_checks (trace_id, due_at, state, body) VALUES (?, ?, ?, ?)').run(r.traceId, r.dueAt, r.state, JSON.stringify(r));
  }

  /** The call: WeChat's documented checks, then a trace id; the verdict is delivered later. */
  check(p: Record<string, unknown>): WxaError | Record<string, unknown> {
    const fail = (errcode: number, why: string): WxaError => ({ errcode, errmsg: `${why} rid: ${rid()}` });
    if (Number(p.version) !== 2) return fail(47001, 'data format error: version must be 2 (version 1 is retired)');
    if (typeof p.openid !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(p.openid)) return fail(40003, 'invalid openid');
    if (![1, 2, 3, 4].includes(Number(p.scene))) return fail(40129, 'invalid scene');
    if (![1, 2].includes(Number(p.mediaType))) return fail(47001, 'data format error: media_type must be 1 (audio) or 2 (image)');
    if (typeof p.mediaUrl !== 'string' || !p.mediaUrl) return fail(44002, 'empty post data: media_url');
    let url: URL;
    try {
      url = new URL(p.mediaUrl);
    } catch {
      url = new URL('invalid:');
    }
    // WeChat downloads the file from the internet: a cloud:// fileID or a local path is never checked
    // (it answers 0 and later "pass"), so the local cloud refuses one instead of passing it silently.
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(47001, 'data format error: media_url must be an http(s) URL WeChat can download (not a cloud:// fileID)');
    const bytes = this.localBytes(url);
    if (bytes === 'unreadable') return fail(47001, 'data format error: media_url cannot be downloaded (missing file or expired link)');
    if (bytes && bytes.length > MAX_MEDIA_BYTES) return fail(47001, 'data format error: media file larger than 10 MB');
    const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    const sha256 = bytes ? createHash('sha256').update(bytes).digest('hex') : null;
    const hit = this.judge(fileName, sha256);
    const now = this.clock.now();
    const traceId = `${Math.floor(now / 1000).toString(16)}-${rid()}-${rid()}`;
    const suggest = hit ? hit.suggest ?? 'risky' : 'pass';
    const label = hit ? hit.label : 100;
    const event = {
      ToUserName: 'gh_local000000',
      FromUserName: 'oLocalPushService',
      CreateTime: 0,
      MsgType: 'event',
      Event: EVENT,
      appid: this.deps.appid,
      trace_id: traceId,
      version: 2,
      result: { suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: hit ? 90 : 0 }],
    };
    this.save({ traceId, openid: p.openid, scene: Number(p.scene), mediaType: Number(p.mediaType), mediaUrl: p.mediaUrl, fileName, sha256, createdAt: now, dueAt: now + this.delayMs, state: 'pending', event, deliveries: 0 });
    return { errcode: 0, errmsg: 'ok', trace_id: traceId };
  }

  /** The bytes behind one of this local cloud's storage links; null for any other URL. */
  private localBytes(url: URL): Buffer | null | 'unreadable' {
    const storage = this.deps.storage();
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (!storage || !loopback || !url.pathname.startsWith(DOWNLOAD_PREFIX)) return null;
    if (storage.linkExpired(url.searchParams)) return 'unreadable';
    let p = url.pathname.slice(DOWNLOAD_PREFIX.length);
    try {
      p = decodeURIComponent(p);
    } catch {
      /* raw path */
    }
    return storage.read(p)?.content ?? 'unreadable';
  }

  private judge(fileName: string, sha256: string | null): MediaBlockEntry | undefined {
    const name = fileName.toLowerCase();
    const hits = this.blockList.filter((e) => (e.name !== undefined && name.includes(e.name.toLowerCase())) || (e.sha256 !== undefined && e.sha256 === sha256));
    return hits.find((e) => (e.suggest ?? 'risky') === 'risky') ?? hits[0];
  }

  /** Delivers every pending check whose time has come on the local cloud's clock, oldest first. */
  async deliverDue(): Promise<number> {
    if (this.delivering) return 0;
    this.delivering = true;
    try {
      const due = this.db.prepare("SELECT trace_id FROM openapi_media_checks WHERE state = 'pending' AND due_at <= ? ORDER BY due_at").all(this.clock.now()) as { trace_id: string }[];
      for (const { trace_id } of due) await this.deliver(trace_id);
      return due.length;
    } finally {
      this.delivering = false;
    }
  }

  /** Delivers one check's event now (again, if it was delivered: WeChat may repeat a push). */
  async deliver(traceId: string): Promise<MediaCheckRecord | undefined> {
    const r = this.record(traceId);
    if (!r) return undefined;
    const route = this.pushRoutes.find((x) => x.msgType === 'event' && x.event === EVENT);
    if (!route) {
      this.save({ ...r, state: 'undeliverable', answer: { error: `no message push is configured for <event, ${EVENT}>` } });
      return this.record(traceId);
    }
    const event = { ...r.event, CreateTime: Math.floor(this.clock.now() / 1000) };
    // The platform's SOURCE for message push is not documented; wx_unknown is its "unknown WeChat source".
    const reply = await this.deps.functions().invoke(route.functionName, event, { appid: this.deps.appid, source: 'wx_unknown' });
    const answer = reply.ok ? reply.result : { error: { code: reply.error.code, message: reply.error.message } };
    this.save({ ...r, event, state: reply.ok ? 'delivered' : 'failed', functionName: route.functionName, answer, deliveries: r.deliveries + 1 });
    return this.record(traceId);
  }
}
