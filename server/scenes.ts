import type { ActionRequest, ActionResponse } from '../typings/api';
import type { Attribution, SceneTarget } from '../typings/domain';
import { decodeScene, encodeScene } from '../miniprogram/domain/scene-codec';
import { db, getUnlimitedQrCode, uploadFile, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalid, notFound } from './errors';
import { recordQrScan, recordShareLanding } from './attribution';
import { landingTarget } from './campaigns';
import { canonicalJson, digestId, randomId, sha256 } from './ids';

const CODE_LENGTH = 8;
/** Distinct codes tried for one target before giving up (62^8 codes: a second try is already rare). */
const MAX_CANDIDATES = 8;
const SCENE_KEY = 's';

type CreateRequest = ActionRequest<'scenes', 'create'>;

interface SceneDoc {
  code: string;
  scene: string;
  canonical: string;
  target: SceneTarget;
  campaign: string | null;
  channel: string | null;
  store: string | null;
  fileID: string;
  scans: number;
  createdAt: number;
  lastScanAt?: number;
}

/** What identifies a QR code: the target page and query plus the attribution printed with it. */
export function canonicalTarget(req: CreateRequest): string {
  return canonicalJson({
    page: req.target.page,
    query: req.target.query ?? {},
    campaign: req.campaign ?? null,
    channel: req.channel ?? null,
    store: req.store ?? null,
  });
}

/** The n-th candidate code for a target: deterministic, so the same target always lands on the same code. */
export function candidateCode(canonical: string, attempt: number): string {
  return digestId(attempt === 0 ? canonical : `${canonical}\u0000${attempt}`, CODE_LENGTH);
}

export async function create(req: CreateRequest): Promise<ActionResponse<'scenes', 'create'>> {
  const canonical = canonicalTarget(req);
  for (let attempt = 0; attempt < MAX_CANDIDATES; attempt += 1) {
    const code = candidateCode(canonical, attempt);
    const existing = await getDoc(COLLECTIONS.scenes, code);
    if (existing && existing.canonical === canonical && typeof existing.fileID === 'string' && existing.fileID) {
      return { scene: existing.scene as string, fileID: existing.fileID, created: false };
    }
    if (existing && existing.canonical !== canonical) continue; // another target owns this code

    const encoded = encodeScene({ [SCENE_KEY]: code });
    if (!encoded.ok) throw new AppError('INTERNAL', '小程序码生成失败，请稍后再试', undefined, { detail: encoded.error });
    const scene = encoded.value;
    const fileID = await renderQr(scene, req.target.page, code);

    // The record is written only if the code is still free (or ours), so two targets racing for one
    // code cannot overwrite each other; two callers with the same target write the same thing.
    const outcome = await withTransaction(async (tx) => {
      const current = await txGet(tx, COLLECTIONS.scenes, code);
      if (current && current.canonical !== canonical) return 'taken' as const;
      if (current && current.fileID) return 'exists' as const;
      const doc: SceneDoc = {
        code,
        scene,
        canonical,
        target: { page: req.target.page, query: req.target.query ?? {} },
        campaign: req.campaign ?? null,
        channel: req.channel ?? null,
        store: req.store ?? null,
        fileID,
        scans: typeof current?.scans === 'number' ? current.scans : 0,
        createdAt: now(),
      };
      await tx.collection(COLLECTIONS.scenes).doc(code).set({ data: doc as unknown as AnyDoc });
      return 'created' as const;
    });
    if (outcome === 'taken') continue;
    return { scene, fileID, created: outcome === 'created' };
  }
  throw new AppError('CONFLICT', '二维码编号已被占用，请更换活动、渠道或门店后重试', undefined, { detail: 'no free scene code for this target; try different campaign/channel/store' });
}

async function renderQr(scene: string, page: string, code: string): Promise<string> {
  let image;
  try {
    image = await getUnlimitedQrCode({ scene, page, checkPath: false });
  } catch (error) {
    const e = error as { errCode?: number; errMsg?: string };
    console.error(`[scenes.create] wxacode.getUnlimited failed for ${scene}`, error);
    if (e?.errCode === 41030) throw invalid('页面路径无效', { page });
    throw new AppError('UNAVAILABLE', '小程序码生成失败，请稍后再试', { errCode: e?.errCode ?? null });
  }
  if (!image?.buffer || image.buffer.length === 0) {
    throw new AppError('UNAVAILABLE', '小程序码生成失败，请稍后再试', { errCode: image?.errCode ?? null });
  }
  return uploadFile(`qrcodes/${code}.png`, image.buffer);
}

/**
 * Resolves a scanned code to its target. A scan by a user (an OPENID) is also recorded for attribution
 * with the code's own campaign, channel and store (server/attribution.ts); a scan without one (a
 * preview, a crawler) is only counted.
 */
export async function resolve(req: ActionRequest<'scenes', 'resolve'>, openid: string): Promise<ActionResponse<'scenes', 'resolve'>> {
  const decoded = decodeScene(req.scene);
  if (!decoded.ok) throw invalid('二维码无效或已失效', undefined, { detail: `invalid scene: ${decoded.error}`, issues: [{ path: 'scene', problem: decoded.error }] });
  const code = decoded.value[SCENE_KEY];
  if (!code || !/^[0-9A-Za-z]{1,16}$/.test(code)) throw notFound('二维码无效或已失效');
  const doc = await getDoc(COLLECTIONS.scenes, code);
  if (!doc || !doc.target) throw notFound('二维码无效或已失效');
  const _ = db().command;
  await db()
    .collection(COLLECTIONS.scenes)
    .doc(code)
    .update({ data: { scans: _.inc(1), lastScanAt: now() } });
  const target = doc.target as SceneTarget;
  const attribution: Attribution = { sceneCode: doc.scene as string };
  if (typeof doc.campaign === 'string') attribution.campaign = doc.campaign;
  if (typeof doc.channel === 'string') attribution.channel = doc.channel;
  if (typeof doc.store === 'string') attribution.store = doc.store;
  if (openid) await recordQrScan(openid, { sceneCode: attribution.sceneCode as string, campaign: attribution.campaign, channel: attribution.channel, store: attribution.store });
  const opens = await landingTarget({ page: target.page, query: { ...(target.query ?? {}) } }, attribution.campaign);
  return { target: opens, attribution };
}

/**
 * The caller's referral code: random, so nothing about the OPENID can be read from it. Stored under a
 * digest of the OPENID, which makes "one code per user" a single-document check even under races.
 */
export async function referralCode(openid: string): Promise<ActionResponse<'scenes', 'referralCode'>> {
  const key = `u${sha256(`referral\u0000${openid}`).toString('hex').slice(0, 40)}`;
  const existing = await getDoc(COLLECTIONS.referrals, key);
  if (existing && typeof existing.code === 'string') return { referralCode: existing.code };
  const code = randomId(10);
  return withTransaction(async (tx) => {
    const current = await txGet(tx, COLLECTIONS.referrals, key);
    if (current && typeof current.code === 'string') return { referralCode: current.code };
    await tx.collection(COLLECTIONS.referrals).doc(key).set({ data: { code, _openid: openid, createdAt: now() } });
    return { referralCode: code };
  });
}

/** A share card brought the caller: credited to its sharer when the code is real and not the caller's own. */
export async function shareLanding(openid: string, req: ActionRequest<'scenes', 'shareLanding'>): Promise<ActionResponse<'scenes', 'shareLanding'>> {
  return recordShareLanding(openid, req.referralCode);
}
