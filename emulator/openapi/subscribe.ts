/**
 * Subscribe messages as the local cloud answers them (docs/reference/wx-subscribe-message.md).
 *
 * - Grants: WeChat's client records a shopper's one-time subscriptions with WeChat; here the simulator's
 *   `wx.requestSubscribeMessage` posts each accepted template to POST /_emulator/v1/openapi/subscriptions.
 *   Every accept is one grant of that (user, template).
 * - `subscribeMessage.send`: checked as WeChat documents it (touser 40003, template id 40037, `page`
 *   against app.json 41030, each keyword value against its type's rules 47003 naming the field), then it
 *   takes one grant of the user and template; none left is 43101, as on the platform. Every send, sent
 *   or refused, is kept (SQLite) and listed at GET /_emulator/v1/openapi/messages.
 */
import type { Sqlite } from '../database/sqlite';
import type { WxaError } from './wxacode';

export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter';

export interface SubscriptionGrant {
  openid: string;
  templateId: string;
  /** grants not used by a send yet */
  remaining: number;
  /** every accept so far */
  granted: number;
  updatedAt: string;
}

export interface SubscribeMessageRecord {
  msgid: number | null;
  at: string;
  touser: string;
  templateId: string;
  page?: string;
  miniprogramState?: string;
  data: Record<string, unknown>;
  /** 0 when the message was sent */
  errcode: number;
  errmsg: string;
  /** the function that sent it */
  functionName?: string;
}

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
const TEMPLATE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const STATES = ['developer', 'trial', 'formal'];
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

const chars = (s: string) => [...s].length;
const DATE = String.raw`(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})`;
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?`;
const range = (one: string) => new RegExp(`^${one}(?:\\s*~\\s*${one})?$`);
const TIME = range(`(?:${DATE}\\s*)?${CLOCK}`);
const DATE_VALUE = range(`${DATE}(?:\\s*${CLOCK})?`);

/** Each keyword type's rule: whether a value is allowed (docs/reference/wx-subscribe-message.md). */
const VALUE_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => chars(v) <= 20,
  number: (v) => v.length <= 32 && /^\d+(\.\d+)?$/.test(v),
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => chars(v) <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v),
  character_string: (v) => v.length <= 32 && /^[\x21-\x7E]+$/.test(v),
  time: (v) => TIME.test(v),
  date: (v) => DATE_VALUE.test(v),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => v.length <= 17 && /^[\d+\-() ]+$/.test(v),
  car_number: (v) => chars(v) <= 8 && /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u.test(v),
  name: (v) => /^\p{Script=Han}{1,10}$/u.test(v) || /^[A-Za-z .·-]{1,20}$/.test(v),
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
  enum: () => true,
};

function rid(): string {
  return Math.random().toString(16).slice(2, 10);
}
const error = (errcode: number, message: string): WxaError => ({ errcode, errmsg: `${message} rid: ${rid()}` });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first keyword whose value WeChat would refuse, as its 47003; null when all are fine. */
export function dataProblem(data: unknown): WxaError | null {
  if (!isObject(data) || Object.keys(data).length === 0) return error(47003, 'argument invalid! data is empty');
  for (const [key, entry] of Object.entries(data)) {
    const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
    const rule = type ? VALUE_RULES[type] : undefined;
    if (!rule) return error(47003, `argument invalid! data.${key} is not a keyword of the template`);
    const value = isObject(entry) ? entry.value : undefined;
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || text.trim() === '') return error(47003, `argument invalid! data.${key}.value is empty`);
    if (!rule(text)) return error(47003, `argument invalid! data.${key}.value invalid`);
  }
  return null;
}

export class SubscribeService {
  /** sends still to fail with errcode -1 (system busy) before anything is checked or spent */
  private failing = 0;

  constructor(private readonly db: Sqlite, private readonly pages: () => string[] | undefined) {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS openapi_subscribe_grants (openid TEXT NOT NULL, template_id TEXT NOT NULL, remaining INTEGER NOT NULL, granted INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (openid, template_id));' +
        'CREATE TABLE IF NOT EXISTS openapi_subscribe_messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);',
    );
  }

  /**
   * What the user answered in the subscribe dialog: each `accept` is one grant. Returns the problem with
   * the request, or null.
   */
  subscribe(body: unknown): string | null {
    if (!isObject(body) || typeof body.openid !== 'string' || !OPENID.test(body.openid) || !isObject(body.results)) {
      return 'body must be {"openid": string, "results": {templateId: "accept" | "reject" | "ban" | "filter"}}';
    }
    const accepted = Object.entries(body.results).filter(([, answer]) => answer === 'accept').map(([id]) => id);
    if (accepted.some((id) => !TEMPLATE_ID.test(id))) return 'a template id must be 1-128 letters, digits, _ or -';
    const at = new Date().toISOString();
    const add = this.db.prepare(
      'INSERT INTO openapi_subscribe_grants (openid, template_id, remaining, granted, updated_at) VALUES (?, ?, 1, 1, ?) ' +
        'ON CONFLICT (openid, template_id) DO UPDATE SET remaining = remaining + 1, granted = granted + 1, updated_at = excluded.updated_at',
    );
    for (const id of accepted) add.run(body.openid, id, at);
    return null;
  }

  grants(openid?: string): SubscriptionGrant[] {
    const rows = (openid
      ? this.db.prepare('SELECT * FROM openapi_subscribe_grants WHERE openid = ? ORDER BY rowid').all(openid)
      : this.db.prepare('SELECT * FROM openapi_subscribe_grants ORDER BY rowid').all()) as { openid: string; template_id: string; remaining: number; granted: number; updated_at: string }[];
    return rows.map((r) => ({ openid: r.openid, templateId: r.template_id, remaining: r.remaining, granted: r.granted, updatedAt: r.updated_at }));
  }

  messages(touser?: string): SubscribeMessageRecord[] {
    const all = (this.db.prepare('SELECT body FROM openapi_subscribe_messages ORDER BY seq').all() as { body: string }[]).map((r) => JSON.parse(r.body) as SubscribeMessageRecord);
    return touser ? all.filter((m) => m.touser === touser) : all;
  }

  /** Makes the next `times` sends fail as WeChat does when busy (errcode -1, nothing spent). */
  failNext(times: number): void {
    this.failing = times;
  }

  /** Forgets every grant and message (a test's fresh start). */
  clear(): void {
    this.db.exec('DELETE FROM openapi_subscribe_grants; DELETE FROM openapi_subscribe_messages;');
    this.failing = 0;
  }

  private checkPage(page: unknown): WxaError | null {
    if (page === undefined || page === '') return null;
    if (typeof page !== 'string' || page.length > 1024) return error(41030, 'invalid page');
    const pages = this.pages();
    const path = page.split('?')[0].replace(/^\//, '');
    return pages && !pages.includes(path) ? error(41030, `invalid page: ${path} is not in app.json`) : null;
  }

  private problem(p: Record<string, unknown>): WxaError | null {
    if (typeof p.touser !== 'string' || !OPENID.test(p.touser)) return error(40003, 'invalid openid');
    if (typeof p.templateId !== 'string' || !TEMPLATE_ID.test(p.templateId)) return error(40037, 'invalid template_id');
    if (p.miniprogramState !== undefined && !STATES.includes(String(p.miniprogramState))) return error(47003, 'argument invalid! miniprogram_state');
    if (p.lang !== undefined && !LANGS.includes(String(p.lang))) return error(47003, 'argument invalid! lang');
    return this.checkPage(p.page) ?? dataProblem(p.data);
  }

  /** One `subscribeMessage.send`: the answer WeChat would give, after taking the grant it spends. */
  send(p: Record<string, unknown>, msgid: number, functionName?: string): WxaError | { errcode: 0; errmsg: 'ok'; msgid: number } {
    const busy = this.failing > 0 ? (this.failing--, error(-1, 'system error')) : null;
    const refused = busy ?? this.problem(p) ?? this.spend(String(p.touser), String(p.templateId));
    const answer = refused ?? { errcode: 0 as const, errmsg: 'ok' as const, msgid };
    const record: SubscribeMessageRecord = {
      msgid: refused ? null : msgid,
      at: new Date().toISOString(),
      touser: String(p.touser ?? ''),
      templateId: String(p.templateId ?? ''),
      ...(typeof p.page === 'string' ? { page: p.page } : {}),
      ...(typeof p.miniprogramState === 'string' ? { miniprogramState: p.miniprogramState } : {}),
      data: isObject(p.data) ? p.data : {},
      errcode: answer.errcode,
      errmsg: answer.errmsg,
      ...(functionName ? { functionName } : {}),
    };
    this.db.prepare('INSERT INTO openapi_subscribe_messages (body) VALUES (?)').run(JSON.stringify(record));
    return answer;
  }

  /** Takes one grant of (user, template) in one statement, so two sends never share one. */
  private spend(openid: string, templateId: string): WxaError | null {
    const at = new Date().toISOString();
    const taken = this.db.prepare('UPDATE openapi_subscribe_grants SET remaining = remaining - 1, updated_at = ? WHERE openid = ? AND template_id = ? AND remaining > 0').run(at, openid, templateId);
    return taken.changes === 1 ? null : error(43101, 'user refuse to accept the msg');
  }
}
