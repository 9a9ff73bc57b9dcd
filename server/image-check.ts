/**
 * WeChat's content security check for images users upload for others to see (after-sales photos,
 * avatars, group pictures): `security.mediaCheckAsync` by cloud call, whose verdict arrives later as a
 * `wxa_media_check` message-push event, matched by trace id. Facts and sources:
 * docs/reference/wx-media-check.md.
 *
 * One document per fileID in `media_checks` (id from the fileID): pending until its verdict, then
 * `pass` or `refused`; only `pass` may be shown to anyone but the uploader. The verdict writer is
 * `recordImageVerdict`, a compare-and-set on (trace id, pending), so a repeated push changes nothing.
 * A check still pending well after WeChat's 30 minutes is sent again when it is next asked about.
 */
import type { CheckedImage, ImageCheckState } from '../typings/domain';
import { checkedImage, RESUBMIT_AFTER_MS } from '../miniprogram/domain/image-check';
import { db, mediaCheckAsync, tempFileUrl, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc } from './db';
import { AppError, invalid } from './errors';
import { digestId } from './ids';
import { SEC_LABELS, type SecScene } from './content-security';

/** mediaCheckAsync's media_type for an image (1 is audio). */
const MEDIA_TYPE_IMAGE = 2;
/** The download link WeChat gets must outlive its 30-minute window. */
const LINK_MAX_AGE_S = 2 * 3600;

/** What `media_checks` keeps per image. */
interface StoredMediaCheck {
  _id: string;
  fileID: string;
  /** the uploader, whom WeChat's check is made for */
  _openid: string;
  scene: SecScene;
  state: ImageCheckState;
  /** the submission whose verdict counts */
  traceId: string;
  submissions: number;
  submittedAt: number;
  createdAt: number;
  decidedAt?: number;
  suggest?: string;
  label?: number;
}

/** A verdict whose push arrived before its submission was recorded (kept by trace id). */
const earlyVerdictId = (traceId: string) => `V${digestId(`media-verdict\u0000${traceId}`, 23)}`;
export const mediaCheckId = (fileID: string) => `M${digestId(`media\u0000${fileID}`, 23)}`;

function asCheck(doc: AnyDoc | null): StoredMediaCheck | null {
  return doc && typeof doc.fileID === 'string' && typeof doc.traceId === 'string' ? (doc as unknown as StoredMediaCheck) : null;
}

const viewOf = (check: StoredMediaCheck): CheckedImage => checkedImage(check.fileID, check.state);
const stale = (check: StoredMediaCheck, at: number) => check.state === 'pending' && at - check.submittedAt >= RESUBMIT_AFTER_MS;

/** Sends one image to WeChat's check: its trace id. A file that does not exist is the uploader's error. */
async function submit(openid: string, fileID: string, scene: SecScene): Promise<string> {
  const mediaUrl = await tempFileUrl(fileID, LINK_MAX_AGE_S).catch(() => null);
  if (!mediaUrl) throw invalid('图片不存在或已删除，请重新上传', undefined, { issues: [{ path: 'fileID', problem: 'no such file in cloud storage' }] });
  try {
    const answer = await mediaCheckAsync({ mediaUrl, mediaType: MEDIA_TYPE_IMAGE, version: 2, openid, scene });
    if (typeof answer.traceId !== 'string' || !answer.traceId) throw new Error('no traceId in the answer');
    return answer.traceId;
  } catch (error) {
    const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown };
    console.error(`[image-check] mediaCheckAsync failed errCode=${String(e?.errCode)} ${String(e?.errMsg ?? e?.message ?? error)}`);
    throw new AppError('UNAVAILABLE', '图片安全检查暂不可用，请稍后重试');
  }
}

/** Applies a verdict that arrived before its submission was written, if there is one. */
async function applyEarlyVerdict(check: StoredMediaCheck): Promise<StoredMediaCheck> {
  const early = await getDoc(COLLECTIONS.mediaChecks, earlyVerdictId(check.traceId));
  if (!early || typeof early.suggest !== 'string') return check;
  await decide(check.traceId, early.suggest, Number(early.label));
  return asCheck(await getDoc(COLLECTIONS.mediaChecks, check._id)) ?? check;
}

/**
 * Starts the check of an uploaded image, or answers where it stands (idempotent per fileID). The
 * feature that shows the image calls it when it stores the fileID (an after-sales photo, an avatar)
 * and shows the image to others only when `state` is `pass` (`imageStates` for many at once).
 */
export async function checkImage(openid: string, fileID: string, scene: SecScene): Promise<CheckedImage> {
  const id = mediaCheckId(fileID);
  const existing = asCheck(await getDoc(COLLECTIONS.mediaChecks, id));
  const at = now();
  if (existing && !stale(existing, at)) return viewOf(existing);
  const traceId = await submit(existing?._openid || openid, fileID, existing?.scene ?? scene);
  const collection = db().collection(COLLECTIONS.mediaChecks);
  if (existing) {
    // Sent again: the new trace id replaces the old one, unless a verdict came in meanwhile.
    await collection.where({ _id: id, traceId: existing.traceId, state: 'pending' }).update({ data: { traceId, submittedAt: at, submissions: existing.submissions + 1 } });
  } else {
    const doc: Omit<StoredMediaCheck, '_id'> = { fileID, _openid: openid, scene, state: 'pending', traceId, submissions: 1, submittedAt: at, createdAt: at };
    await collection.doc(id).set({ data: doc });
  }
  const check = asCheck(await getDoc(COLLECTIONS.mediaChecks, id));
  if (!check) throw new AppError('INTERNAL', '图片审核记录写入失败，请重试');
  console.log(`[image-check] ${fileID} sent (trace ${traceId}, submission ${check.submissions})`);
  return viewOf(await applyEarlyVerdict(check));
}

/** Where each image stands (pending for one never sent); a check past WeChat's window is sent again. */
export async function imageStates(fileIDs: readonly string[]): Promise<CheckedImage[]> {
  const unique = [...new Set(fileIDs)];
  const out = new Map<string, CheckedImage>();
  const at = now();
  for (let i = 0; i < unique.length; i += 100) {
    const ids = unique.slice(i, i + 100).map(mediaCheckId);
    const { data } = await db().collection(COLLECTIONS.mediaChecks).where({ _id: db().command.in(ids) }).limit(100).get();
    for (const doc of data) {
      const check = asCheck(doc);
      if (!check) continue;
      let view = viewOf(check);
      if (stale(check, at)) view = await checkImage(check._openid, check.fileID, check.scene).catch(() => view);
      out.set(check.fileID, view);
    }
  }
  return fileIDs.map((fileID) => out.get(fileID) ?? checkedImage(fileID, 'pending'));
}

/** Writes a verdict on the pending check with that trace id; false when there is none (decided, or not yet written). */
async function decide(traceId: string, suggest: string, label: number): Promise<boolean> {
  const state: ImageCheckState = suggest === 'pass' ? 'pass' : 'refused';
  const result = await db()
    .collection(COLLECTIONS.mediaChecks)
    .where({ traceId, state: 'pending' })
    .update({ data: { state, suggest, label: Number.isFinite(label) ? label : 21000, decidedAt: now() } });
  return result.stats.updated > 0;
}

/**
 * The `wxa_media_check` message push: records the verdict of the check with its trace id. Only `pass`
 * passes; `risky` and `review` (and anything unknown) hide the image. A repeated push, or one for a
 * submission that was replaced, changes nothing. Answers `success` as WeChat's push expects.
 */
export async function recordImageVerdict(event: Record<string, unknown>): Promise<string> {
  const traceId = event.trace_id;
  const result = event.result as { suggest?: unknown; label?: unknown } | undefined;
  if (typeof traceId !== 'string' || !/^[\w.:-]{1,128}$/.test(traceId) || typeof result?.suggest !== 'string') {
    console.warn('[image-check] wxa_media_check push without a usable trace_id or result ignored');
    return 'success';
  }
  // WeChat sends the label as a number or a numeric string.
  const label = Number(result.label);
  const suggest = result.suggest.slice(0, 16);
  if (await decide(traceId, suggest, label)) {
    console.log(`[image-check] trace ${traceId}: ${suggest} label=${label} (${SEC_LABELS[label] ?? '未知'})`);
    return 'success';
  }
  const { data } = await db().collection(COLLECTIONS.mediaChecks).where({ traceId }).limit(1).field({ _id: true }).get();
  if (data.length === 0) {
    // The push overtook the write of its submission: keep the verdict for checkImage to apply.
    await db().collection(COLLECTIONS.mediaChecks).doc(earlyVerdictId(traceId)).set({ data: { earlyTraceId: traceId, suggest, label, at: now() } });
  }
  return 'success';
}
