/**
 * Attribution decided on the server. Every QR scan (scenes.resolve) and every share-card landing
 * (scenes.shareLanding) of a user is recorded in `scans` under their OPENID with the server's time; an
 * order is credited to that user's latest scan within the attribution window (server/config.ts, 24 h
 * by default). What the client says about where it came from is never used: campaign, channel and store
 * come from the scanned code's own document, a referral code counts only when it resolves to an
 * existing sharer who is not the buyer.
 */
import type { Attribution } from '../typings/domain';
import { db, type AnyDoc } from './cloud';
import { now } from './clock';
import { COLLECTIONS } from './db';
import type { ReadAlongside } from './products';

/** One scan or landing, as stored in `scans`. */
export interface ScanRecord {
  _openid: string;
  /** `article`: a campaign page opened from an Official Account article or menu (server/campaigns.ts). */
  kind: 'qr' | 'share' | 'article';
  at: number;
  sceneCode?: string;
  campaign?: string;
  channel?: string;
  store?: string;
  referralCode?: string;
}

/** The attribution fields of a scan (what an order copies). */
const CREDITED_FIELDS = ['sceneCode', 'campaign', 'channel', 'store', 'referralCode'] as const;

async function record(scan: ScanRecord): Promise<void> {
  await db().collection(COLLECTIONS.scans).add({ data: { ...scan } });
}

/** A user scanned a QR code: its scene and the campaign, channel and store printed with it (from the code's document). */
export async function recordQrScan(openid: string, code: { sceneCode: string; campaign?: string; channel?: string; store?: string }): Promise<void> {
  const scan: ScanRecord = { _openid: openid, kind: 'qr', at: now(), sceneCode: code.sceneCode };
  if (code.campaign) scan.campaign = code.campaign;
  if (code.channel) scan.channel = code.channel;
  if (code.store) scan.store = code.store;
  await record(scan);
}

/** A user opened a live campaign's page from an Official Account article or menu: credited to the campaign like a scan. */
export async function recordArticleEntry(openid: string, campaign: string): Promise<void> {
  await record({ _openid: openid, kind: 'article', at: now(), campaign });
}

/** The OPENID behind a referral code, or null when no sharer has it (a forged or mistyped code). */
export async function sharerOf(referralCode: string): Promise<string | null> {
  const { data } = await db().collection(COLLECTIONS.referrals).where({ code: referralCode }).limit(1).get();
  const owner = data[0]?._openid;
  return typeof owner === 'string' && owner ? owner : null;
}

/**
 * A share card brought a user. Recorded only when the code belongs to an existing sharer who is someone
 * else: a forged code or the user's own card credits nobody.
 */
export async function recordShareLanding(openid: string, referralCode: string): Promise<{ credited: boolean }> {
  const sharer = await sharerOf(referralCode);
  if (sharer === null || sharer === openid) return { credited: false };
  await record({ _openid: openid, kind: 'share', at: now(), referralCode });
  return { credited: true };
}

/**
 * The user's latest scan or landing, whatever its age: one request that needs no setting, so a checkout
 * sends it beside its settings read, and creditedScan applies the window (the latest scan within the
 * window is the latest scan when that one is within it). `at ≥ 0` keeps to numeric times.
 */
export async function latestScan(openid: string): Promise<AnyDoc | null> {
  const { data } = await db().collection(COLLECTIONS.scans).where(scansOf(openid)).orderBy('at', 'desc').limit(1).get();
  return data[0] ?? null;
}

const scansOf = (openid: string) => ({ _openid: openid, at: db().command.gte(0) });

/** The same read joined to another (server/products.ts loadPricedProducts `alongside`); its one document or none. */
export function latestScanRead(openid: string): ReadAlongside {
  return { from: COLLECTIONS.scans, pipeline: db().command.aggregate.pipeline().match(scansOf(openid)).sort({ at: -1 }).limit(1).done() };
}

/** What an order placed at `at` is credited to, given the user's latest scan and the attribution window. */
export function creditedScan(openid: string, latest: AnyDoc | null, at: number, windowMs: number): Attribution {
  if (!latest || latest._openid !== openid || typeof latest.at !== 'number' || latest.at > at || latest.at < at - windowMs) return {};
  const attribution: Attribution = { scannedAt: latest.at };
  for (const field of CREDITED_FIELDS) {
    const value = latest[field];
    if (typeof value === 'string' && value) attribution[field] = value;
  }
  return attribution;
}
