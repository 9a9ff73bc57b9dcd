import type { Attribution } from '../../typings/domain';
import { decodeScene, sceneFromQrUrl } from '../domain/scene-codec';
import { pagePath } from '../utils/query';
import { PAGES } from '../utils/routes';
import { readStorage, removeStorageLater, writeStorageLater } from '../utils/storage';

/**
 * How the shopper got here (QR scene, campaign/channel/store, sharer's referral code), kept while the
 * app runs and for a few days in storage so an order placed later is still attributed. Sent with
 * orders.create. Never holds an OPENID: referral codes are the opaque ones from scenes.referralCode.
 */
export interface EnterOptionsLike {
  scene?: number;
  path?: string;
  query?: Record<string, string | undefined>;
  shareTicket?: string;
}

export const QR_CODE_SCENES = [1047, 1048, 1049];
export const PLAIN_QR_SCENES = [1011, 1012, 1013];
export const SHARE_CARD_SCENES = [1007, 1008, 1044];

const STORAGE_KEY = 'storefront.entry.v1';
const KEEP_MS = 7 * 24 * 3600 * 1000;
const REFERRAL = /^[A-Za-z0-9_-]{1,64}$/;

let state: { attribution: Attribution; at: number } | null = null;

function load(): { attribution: Attribution; at: number } {
  if (state) return state;
  const s = readStorage(STORAGE_KEY) as { attribution?: Attribution; at?: number } | undefined;
  state = s && s.attribution && typeof s.at === 'number' && Date.now() - s.at < KEEP_MS ? { attribution: s.attribution, at: s.at } : { attribution: {}, at: 0 };
  return state;
}

function save(attribution: Attribution): void {
  state = { attribution, at: Date.now() };
  // Async on purpose: this runs during launch, where synchronous storage slows the first screen.
  writeStorageLater(STORAGE_KEY, state);
}

/** The attribution to send with orders.create (undefined when the shopper came on their own). */
export function getAttribution(): Attribution | undefined {
  const { attribution } = load();
  return Object.keys(attribution).length > 0 ? { ...attribution } : undefined;
}

export function isReferralCode(value: unknown): value is string {
  return typeof value === 'string' && REFERRAL.test(value);
}

/** A share card brought the shopper: keep whose card it was (latest card wins). */
export function recordReferral(code: unknown, launchScene?: number): boolean {
  if (!isReferralCode(code)) return false;
  const next: Attribution = { ...load().attribution, referralCode: code };
  if (launchScene !== undefined) next.launchScene = launchScene;
  save(next);
  return true;
}

/** A QR code was resolved: its campaign/channel/store replace any earlier scan's (latest scan wins). */
export function recordScene(resolved: Attribution, sceneCode: string, launchScene?: number): void {
  const previous = load().attribution;
  const next: Attribution = {};
  if (previous.referralCode) next.referralCode = previous.referralCode;
  for (const key of ['campaign', 'channel', 'store', 'referralCode'] as const) {
    const value = resolved[key];
    if (typeof value === 'string' && value) next[key] = value;
  }
  next.sceneCode = sceneCode;
  const scene = launchScene != null ? launchScene : resolved.launchScene;
  if (scene !== undefined) next.launchScene = scene;
  save(next);
}

/** For tests and for "log out": forget everything. */
export function clearAttribution(): void {
  state = { attribution: {}, at: 0 };
  removeStorageLater(STORAGE_KEY);
}

/**
 * The scene code carried by a launch query, if any: `scene` (mini program codes, URL-encoded) or
 * `q` (plain QR codes, the whole scanned URL). `null` when the query carries neither.
 */
export function sceneCodeFromQuery(query: Record<string, string | undefined> | undefined): { ok: true; value: string } | { ok: false; error: string } | null {
  if (!query) return null;
  if (query.scene !== undefined && query.scene !== '') {
    const decoded = decodeScene(query.scene);
    if (!decoded.ok) return decoded;
    const params = decoded.value;
    return { ok: true, value: Object.keys(params).map((key) => `${key}=${params[key]}`).join('&') };
  }
  if (query.q !== undefined && query.q !== '') return sceneFromQrUrl(query.q);
  return null;
}

/** The last entry already routed, so a hot start seen by both App.onShow and a page is handled once. */
let lastRoutedKey = '';

export function entryKey(options: EnterOptionsLike): string {
  const query = options.query || {};
  return `${options.scene || 0}|${options.path || ''}|${Object.keys(query).sort().map((k) => `${k}=${query[k]}`).join('&')}`;
}

export function markRouted(options: EnterOptionsLike): void {
  lastRoutedKey = entryKey(options);
}

export function wasRouted(options: EnterOptionsLike): boolean {
  return lastRoutedKey === entryKey(options);
}

/**
 * Where an entry (cold or hot) should land. QR launches with a code go through the landing page,
 * which resolves the code; share cards open their page as shared. Returns null for ordinary entries
 * (tab bar, recent list), which keep whatever page the shopper was on.
 */
export function routeForEntry(options: EnterOptionsLike): string | null {
  const query = options.query || {};
  const scene = options.scene || 0;
  const hasCode = (query.scene !== undefined && query.scene !== '') || (query.q !== undefined && query.q !== '');
  if ((QR_CODE_SCENES.indexOf(scene) >= 0 || PLAIN_QR_SCENES.indexOf(scene) >= 0) && hasCode) {
    return landingUrl(query.scene, query.q);
  }
  if (SHARE_CARD_SCENES.indexOf(scene) >= 0 && options.path) {
    const page = options.path.replace(/^\//, '');
    const clean: Record<string, string> = {};
    for (const key of Object.keys(query)) {
      const value = query[key];
      if (typeof value === 'string') clean[key] = decodeMaybe(value);
    }
    return pagePath(page, clean);
  }
  return null;
}

/**
 * The landing page URL for a code. A code arrives URL-encoded (`s%3Dabc`) and is forwarded exactly as
 * received, so the landing page decodes it once whether or not the client decodes page queries.
 * Only a value that would break the URL (a raw `&`, `=` or space) is encoded.
 */
export function landingUrl(scene?: string, q?: string): string {
  const keep = (v: string) => (/^[A-Za-z0-9%._~*'()!-]*$/.test(v) ? v : encodeURIComponent(v));
  const parts: string[] = [];
  if (scene) parts.push(`scene=${keep(scene)}`);
  if (q) parts.push(`q=${keep(q)}`);
  return `/${PAGES.landing}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * scenes.create makes codes that open their target page directly (`page` = the target), so any
 * linkable page may be opened with a raw `scene` (or `q`) instead of its own query. Such a page hands
 * the code to the landing page, which resolves it. Returns true when it did (the caller stops loading).
 */
export function forwardCodeToLanding(query: Record<string, string | undefined> | undefined): boolean {
  if (!query || !(query.scene || query.q)) return false;
  wx.reLaunch({ url: landingUrl(query.scene, query.q) });
  return true;
}

function decodeMaybe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
