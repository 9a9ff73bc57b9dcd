/**
 * Subscribe-message notices to shoppers: order shipped, refund done, group result
 * (docs/reference/wx-subscribe-message.md).
 *
 * - Sent after the state change has committed, by whoever made it (ship, a confirmed refund, the group's
 *   decision), and never able to fail it: every error is recorded on the notice and logged.
 * - Once per (order, kind, subject): the notice's id is derived from them and created in a transaction
 *   only if absent, so a retried action, a redelivered callback or two timer runs make one notice.
 * - An attempt first claims the notice (state `sending`, attempts + 1, held for LEASE_MS) by a
 *   compare-and-set, so two callers never send it at once. WeChat's 43101 (no subscription) ends it as
 *   `refused`; configuration errors end it as `failed`; other failures are retried by the `notices` timer.
 * - The grants the page reports (`notice_grants`) are a tally for merchants: WeChat alone knows whether
 *   a grant is left, so a send is always tried.
 */
import type { ActionRequest, ActionResponse } from '../typings/api';
import type { NoticeKind, NoticeView, Order } from '../typings/domain';
import { db, sendSubscribeMessage, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction, withoutId } from './db';
import { digestId } from './ids';
import { DEFAULT_KEYWORDS, goodsText, NOTICE_KINDS, NOTICE_PAGE, noticeData, noticeOutcome, noticeRetryDelayMs, type NoticeFact, type NoticeFacts } from './notice-data';
import { CARRIERS } from '../miniprogram/domain/carriers';

const NOTICES = COLLECTIONS.notices;
const NOTICE_GRANTS = COLLECTIONS.noticeGrants;

/** How long a claimed attempt holds the notice: longer than one cloud call can take. */
export const LEASE_MS = 60_000;
const BATCH = 20;

/* ------------------------------------------------------------ configuration */

interface KindSettings {
  templateId: string;
  keywords: Partial<Record<NoticeFact, string>>;
}
interface NoticeSettings {
  templates: Partial<Record<NoticeKind, KindSettings>>;
  miniprogramState: 'developer' | 'trial' | 'formal';
}

const ENV_TEMPLATE: Record<NoticeKind, string> = { shipped: 'NOTICE_TEMPLATE_SHIPPED', refund: 'NOTICE_TEMPLATE_REFUND', group: 'NOTICE_TEMPLATE_GROUP' };
const TEMPLATE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const KEYWORD = /^[a-z_]+\d+$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keywordsFrom(kind: NoticeKind, value: unknown): Partial<Record<NoticeFact, string>> {
  if (!isRecord(value)) return DEFAULT_KEYWORDS[kind];
  const keywords: Partial<Record<NoticeFact, string>> = {};
  for (const [fact, keyword] of Object.entries(value)) if (typeof keyword === 'string' && KEYWORD.test(keyword)) keywords[fact as NoticeFact] = keyword;
  return keywords;
}

/**
 * Template ids per kind: environment NOTICE_TEMPLATE_SHIPPED / _REFUND / _GROUP, else the `config`
 * collection's `notices` document (`{ templates: { shipped: { templateId, keywords? } }, miniprogramState? }`).
 * A kind without a valid id is not sent.
 */
export async function noticeSettings(): Promise<NoticeSettings> {
  const doc = await getDoc(COLLECTIONS.config, 'notices').catch(() => null);
  const fromDoc = isRecord(doc?.templates) ? doc.templates : {};
  const templates: NoticeSettings['templates'] = {};
  for (const kind of NOTICE_KINDS) {
    const entry = fromDoc[kind];
    const templateId = process.env[ENV_TEMPLATE[kind]] || (isRecord(entry) ? entry.templateId : undefined);
    if (typeof templateId === 'string' && TEMPLATE_ID.test(templateId)) templates[kind] = { templateId, keywords: keywordsFrom(kind, isRecord(entry) ? entry.keywords : undefined) };
    else if (templateId !== undefined) console.warn(`[notify] the ${kind} template id is not valid; ${kind} notices are off`);
  }
  const state = process.env.NOTICE_MINIPROGRAM_STATE || doc?.miniprogramState;
  return { templates, miniprogramState: state === 'developer' || state === 'trial' ? state : 'formal' };
}

/** orders.noticeTemplates: the ids a page asks the shopper to subscribe to. */
export async function noticeTemplates(): Promise<ActionResponse<'orders', 'noticeTemplates'>> {
  const { templates } = await noticeSettings();
  const ids: Partial<Record<NoticeKind, string>> = {};
  for (const kind of NOTICE_KINDS) if (templates[kind]) ids[kind] = templates[kind]!.templateId;
  return { templates: ids };
}

/* ------------------------------------------------------------ grants the page reports */

/** orders.reportSubscriptions: a tally per shopper and configured template (a hint; WeChat decides). */
export async function reportSubscriptions(openid: string, req: ActionRequest<'orders', 'reportSubscriptions'>): Promise<ActionResponse<'orders', 'reportSubscriptions'>> {
  const { templates } = await noticeSettings();
  const kindOf = new Map(NOTICE_KINDS.filter((k) => templates[k]).map((k) => [templates[k]!.templateId, k]));
  let recorded = 0;
  for (const [templateId, answer] of Object.entries(req.results)) {
    const kind = kindOf.get(templateId);
    if (!kind) continue;
    const id = `G${digestId(`grant\u0000${openid}\u0000${templateId}`, 23)}`;
    const accepted = answer === 'accept' ? 1 : 0;
    await withTransaction(async (tx) => {
      const at = now();
      const doc = await txGet(tx, NOTICE_GRANTS, id);
      const accepts = Number(doc?.accepts ?? 0) + accepted;
      const data = { _openid: openid, templateId, kind, accepts, answers: Number(doc?.answers ?? 0) + 1, lastAnswer: answer.slice(0, 16), updatedAt: at };
      await tx.collection(NOTICE_GRANTS).doc(id).set({ data });
    });
    recorded += 1;
  }
  return { recorded };
}

/* ------------------------------------------------------------ notices */

type StoredNotice = NoticeView & { _openid: string };

export function noticeIdFor(kind: NoticeKind, orderId: string, subject: string): string {
  return `N${digestId(`notice\u0000${kind}\u0000${orderId}\u0000${subject}`, 23)}`;
}

function factsOf(kind: NoticeKind, order: Order, extra: Partial<NoticeFacts>): NoticeFacts {
  const base: NoticeFacts = { orderNo: order._id, goods: goodsText(order.lines), time: now() };
  if (kind === 'shipped') Object.assign(base, { carrier: CARRIERS[order.carrier ?? ''] ?? order.carrier, trackingNo: order.trackingNo, time: order.shippedAt ?? now() });
  return { ...base, ...extra };
}

/** The notice for (kind, order, subject), created if absent; null when the kind is not configured or the order is unknown. */
async function ensureNotice(kind: NoticeKind, orderId: string, subject: string, extra: Partial<NoticeFacts>): Promise<string | null> {
  const settings = await noticeSettings();
  const template = settings.templates[kind];
  if (!template) return null;
  const order = (await getDoc(COLLECTIONS.orders, orderId)) as unknown as Order | null;
  if (!order?._openid) return null;
  const id = noticeIdFor(kind, orderId, subject);
  const at = now();
  const notice: StoredNotice = {
    _id: id,
    _openid: order._openid,
    kind,
    orderId,
    subject,
    templateId: template.templateId,
    page: `${NOTICE_PAGE}?id=${encodeURIComponent(orderId)}`,
    data: noticeData(template.keywords, factsOf(kind, order, extra)),
    state: 'pending',
    attempts: 0,
    errcode: null,
    lastError: null,
    retry: true,
    nextAttemptAt: at,
    leaseUntil: null,
    msgid: null,
    createdAt: at,
    sentAt: null,
    updatedAt: at,
  };
  await withTransaction(async (tx) => {
    if (!(await txGet(tx, NOTICES, id))) await tx.collection(NOTICES).doc(id).set({ data: withoutId(notice) as unknown as AnyDoc });
  });
  return id;
}

/** Writes `next` if the notice is still in the state and attempt count read. */
async function compareAndSet(read: StoredNotice, next: AnyDoc): Promise<boolean> {
  const result = await db().collection(NOTICES).where({ _id: read._id, state: read.state, attempts: read.attempts }).update({ data: next });
  return result.stats.updated === 1;
}

function errorOf(error: unknown): { errcode: number; text: string } {
  const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const errcode = typeof e?.errCode === 'number' ? e.errCode : -1;
  return { errcode, text: `${errcode} ${String(e?.errMsg ?? e?.message ?? error)}`.slice(0, 300) };
}

/** One attempt at a notice, if one may be made now. Returns the notice as it stands afterwards. */
export async function sendNotice(id: string): Promise<NoticeView | null> {
  const notice = (await getDoc(NOTICES, id)) as unknown as StoredNotice | null;
  if (!notice) return null;
  const at = now();
  const due = notice.state === 'pending' || (notice.state === 'failed' && notice.retry) || (notice.state === 'sending' && (notice.leaseUntil ?? 0) <= at);
  if (!due) return notice;
  const claimed = { ...notice, state: 'sending' as const, attempts: notice.attempts + 1, leaseUntil: at + LEASE_MS, nextAttemptAt: at + LEASE_MS, updatedAt: at };
  if (!(await compareAndSet(notice, { state: claimed.state, attempts: claimed.attempts, leaseUntil: claimed.leaseUntil, nextAttemptAt: claimed.nextAttemptAt, updatedAt: at }))) {
    return (await getDoc(NOTICES, id)) as unknown as NoticeView | null;
  }
  const { miniprogramState } = await noticeSettings();
  let errcode = 0;
  let lastError: string | null = null;
  let msgid: string | null = null;
  try {
    const answer = await sendSubscribeMessage({ touser: notice._openid, templateId: notice.templateId, page: notice.page, data: notice.data, miniprogramState, lang: 'zh_CN' });
    msgid = answer.msgid === undefined ? null : String(answer.msgid);
  } catch (error) {
    ({ errcode, text: lastError } = errorOf(error));
  }
  const done = now();
  const outcome = noticeOutcome(errcode, claimed.attempts);
  const next = {
    state: outcome.state,
    retry: outcome.retry,
    errcode,
    lastError,
    msgid,
    leaseUntil: null,
    nextAttemptAt: outcome.retry ? done + noticeRetryDelayMs(claimed.attempts) : done,
    sentAt: outcome.state === 'sent' ? done : null,
    updatedAt: done,
  };
  if (outcome.state === 'sent') console.log(`[notify] ${notice.kind} notice for ${notice.orderId} sent (attempt ${claimed.attempts})`);
  else console.warn(`[notify] ${notice.kind} notice for ${notice.orderId} ${outcome.state} (attempt ${claimed.attempts}): ${lastError}`);
  // Lost only if the lease ran out and another attempt claimed the notice meanwhile: its result stands.
  await compareAndSet(claimed, next);
  return (await getDoc(NOTICES, id)) as unknown as NoticeView | null;
}

/**
 * Notifies the order's shopper of `kind`, once per (order, kind, subject). Call it after the state
 * change committed; it never throws (a failure stays on the notice for the timer and the console).
 */
export async function notifyOrder(kind: NoticeKind, orderId: string, subject = '', extra: Partial<NoticeFacts> = {}): Promise<NoticeView | null> {
  try {
    const id = await ensureNotice(kind, orderId, subject, extra);
    return id ? await sendNotice(id) : null;
  } catch (error) {
    console.error(`[notify] ${kind} notice for ${orderId} not sent now; the notices timer retries`, error);
    return null;
  }
}

/**
 * A group's result for one member's order, once the group is decided: formed (拼团成功) or not (拼团失败,
 * the refund follows). `groupId` is the subject, so each member's order gets one notice per group.
 */
export function notifyGroupResult(input: { orderId: string; groupId: string; formed: boolean; goods?: string }): Promise<NoticeView | null> {
  const note = input.formed ? '拼团成功，我们将尽快发货' : '未在时限内成团，款项将原路退回';
  return notifyOrder('group', input.orderId, input.groupId, { result: input.formed ? '拼团成功' : '拼团失败', note, ...(input.goods ? { goods: input.goods } : {}) });
}

/** The `notices` timer: every notice that is due (pending, failed and retrying, a lease that ran out), oldest first. */
export async function retryDueNotices(): Promise<{ tried: number; sent: number; refused: number; failed: number }> {
  const _ = db().command;
  const { data } = await db()
    .collection(NOTICES)
    .where(_.or([{ state: _.in(['pending', 'sending']), nextAttemptAt: _.lte(now()) }, { state: 'failed', retry: true, nextAttemptAt: _.lte(now()) }]) as AnyDoc)
    .orderBy('nextAttemptAt', 'asc')
    .limit(BATCH)
    .field({ _id: true })
    .get();
  const outcome = { tried: 0, sent: 0, refused: 0, failed: 0 };
  for (const doc of data) {
    const notice = await sendNotice(String(doc._id)).catch((error) => (console.error('[notify] retry failed', error), null));
    outcome.tried += 1;
    if (notice?.state === 'sent' || notice?.state === 'refused' || notice?.state === 'failed') outcome[notice.state] += 1;
  }
  if (outcome.tried) console.log(`[notify] ${JSON.stringify(outcome)}`);
  return outcome;
}

/** merchant.notices: newest first, of one order or in one state (at most 200). */
export async function listNotices(req: ActionRequest<'merchant', 'notices'>): Promise<ActionResponse<'merchant', 'notices'>> {
  const where: AnyDoc = {};
  if (req.orderId) where.orderId = req.orderId;
  if (req.state) where.state = req.state;
  const { data } = await db().collection(NOTICES).where(where).orderBy('createdAt', 'desc').limit(200).get();
  return { notices: data.map(({ _openid: _ignored, ...view }) => view as unknown as NoticeView) };
}
