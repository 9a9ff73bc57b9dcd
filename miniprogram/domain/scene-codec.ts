/**
 * The QR `scene` codec. WeChat's `wxacode.getUnlimited` accepts a `scene` of at most 32 visible
 * characters from a fixed set (digits, letters and !#$&'()*+,/:;=?@-._~ — no `%`, so nothing can be
 * percent-encoded inside it). We encode a few short key=value pairs joined by `&`, e.g. `s=k7Hx2Q9a`.
 */

export const SCENE_MAX_LENGTH = 32;
export const SCENE_ALLOWED = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,7}$/;
/** Values may use every allowed character except the two separators. */
const VALUE = /^[0-9A-Za-z!#$'()*+,/:;?@\-._~]+$/;

export type SceneParams = Record<string, string>;
export type SceneResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function encodeScene(params: SceneParams): SceneResult<string> {
  const entries = Object.entries(params);
  if (entries.length === 0) return { ok: false, error: 'scene needs at least one parameter' };
  for (const [key, value] of entries) {
    if (!KEY.test(key)) return { ok: false, error: `scene key "${key}" must be a letter then up to 7 letters, digits or _` };
    if (typeof value !== 'string' || !VALUE.test(value)) {
      return { ok: false, error: `scene value for "${key}" has characters WeChat does not allow, or is empty` };
    }
  }
  const scene = joinScene(params);
  if (scene.length > SCENE_MAX_LENGTH) {
    return { ok: false, error: `scene is ${scene.length} characters; WeChat allows at most ${SCENE_MAX_LENGTH}` };
  }
  return { ok: true, value: scene };
}

/**
 * Decodes a scene as a page receives it. `onLoad(query)` gets it URL-encoded (`s%3Dk7Hx2Q9a`), so one
 * level of percent-decoding is undone first. Anything that is not a valid encoded scene is rejected.
 */
export function decodeScene(raw: unknown): SceneResult<SceneParams> {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, error: 'scene is empty' };
  if (raw.length > SCENE_MAX_LENGTH * 3) return { ok: false, error: 'scene is too long' };
  let scene = raw;
  if (scene.includes('%')) {
    try {
      scene = decodeURIComponent(scene);
    } catch {
      return { ok: false, error: 'scene is not valid URL encoding' };
    }
  }
  if (scene.length > SCENE_MAX_LENGTH) return { ok: false, error: `scene is longer than ${SCENE_MAX_LENGTH} characters` };
  if (!SCENE_ALLOWED.test(scene)) return { ok: false, error: 'scene has characters WeChat does not allow' };
  const params: SceneParams = {};
  for (const part of scene.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, error: `scene part "${part}" is not key=value` };
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!KEY.test(key) || !VALUE.test(value)) return { ok: false, error: `scene part "${part}" is malformed` };
    if (Object.prototype.hasOwnProperty.call(params, key)) return { ok: false, error: `scene repeats "${key}"` };
    params[key] = value;
  }
  return { ok: true, value: params };
}

/**
 * Plain QR codes (launch scenes 1011-1013) deliver the whole scanned URL, URL-encoded, as `query.q`.
 * Our printed links carry the scene as `?scene=...` or as the last segment of `/s/<scene>`.
 */
export function sceneFromQrUrl(q: unknown): SceneResult<string> {
  if (typeof q !== 'string' || q.length === 0 || q.length > 2048) return { ok: false, error: 'QR link is empty or too long' };
  let url: string;
  try {
    url = decodeURIComponent(q);
  } catch {
    return { ok: false, error: 'QR link is not valid URL encoding' };
  }
  const fromQuery = /[?&]scene=([^&#]+)/.exec(url);
  const fromPath = /\/s\/([^/?#]+)\/?(?:[?#].*)?$/.exec(url);
  const candidate = fromQuery ? fromQuery[1] : fromPath ? fromPath[1] : undefined;
  if (!candidate) return { ok: false, error: 'QR link carries no scene' };
  const decoded = decodeScene(candidate);
  if (!decoded.ok) return decoded;
  return { ok: true, value: joinScene(decoded.value) };
}

function joinScene(params: SceneParams): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Scene-safe short id from random or digest bytes: one base62 character per byte. (No BigInt: this file
 * also runs in the mini program's JS engine, where BigInt literals are not available everywhere.)
 */
export function base62(bytes: ArrayLike<number>, length: number): string {
  if (bytes.length < length) throw new RangeError(`need ${length} bytes, got ${bytes.length}`);
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE62[(bytes[i] & 0xff) % 62];
  return out;
}
