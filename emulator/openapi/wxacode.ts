/**
 * wxacode.getUnlimited: validates like WeChat (docs/reference/platform-limits.md §5) and renders a real, scannable
 * QR PNG whose text is
 *     https://local.wxacode/?page=<page>&scene=<encodeURIComponent(scene)>
 * (page omitted → the app's home page). A test or the simulator decodes it with
 * `new URL(text).searchParams.get('page' | 'scene')` and launches the mini program with
 * `query.scene` = the scene (what the real client passes to Page.onLoad, URL-encoded).
 */
import QRCode from 'qrcode';

export const QR_PAYLOAD_BASE = 'https://local.wxacode/';

/** ``0-9 A-Z a-z`` and ``!#$&'()*+,/:;=?@-._~`` — `%` is NOT allowed. */
const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;

export interface WxaError {
  errcode: number;
  errmsg: string;
}

export function validateUnlimited(p: Record<string, unknown>, pages: string[] | undefined): WxaError | undefined {
  const rid = Math.random().toString(16).slice(2, 10);
  const scene = p.scene;
  if (typeof scene !== 'string' || scene.length === 0) return { errcode: 40129, errmsg: `invalid scene rid: ${rid}` };
  if (scene.length > 32) return { errcode: 40169, errmsg: `invalid length for scene, or the data is not json string rid: ${rid}` };
  if (!SCENE_RE.test(scene)) return { errcode: 40129, errmsg: `invalid scene rid: ${rid}` };
  if (p.page !== undefined) {
    const page = p.page;
    if (typeof page !== 'string' || page.startsWith('/') || page.includes('?') || page.length === 0) {
      return { errcode: 41030, errmsg: `invalid page rid: ${rid}` };
    }
    if (p.checkPath !== false && pages && !pages.includes(page)) return { errcode: 41030, errmsg: `invalid page rid: ${rid}` };
  }
  if (p.width !== undefined && (typeof p.width !== 'number' || p.width < 280 || p.width > 1280)) {
    return { errcode: 40097, errmsg: `invalid args: width must be 280-1280 rid: ${rid}` };
  }
  if (p.envVersion !== undefined && !['release', 'trial', 'develop'].includes(p.envVersion as string)) {
    return { errcode: 40097, errmsg: `invalid args: env_version rid: ${rid}` };
  }
  return undefined;
}

export function qrPayload(page: string | undefined, scene: string): string {
  return `${QR_PAYLOAD_BASE}?page=${encodeURIComponent(page ?? '')}&scene=${encodeURIComponent(scene)}`;
}

const hex = (c: unknown) => {
  const o = (c ?? {}) as { r?: number; g?: number; b?: number };
  const h = (n: unknown) => Math.max(0, Math.min(255, Number(n) || 0)).toString(16).padStart(2, '0');
  return `#${h(o.r)}${h(o.g)}${h(o.b)}ff`;
};

export async function renderUnlimited(p: Record<string, unknown>, homePage: string | undefined): Promise<{ png: Buffer; text: string }> {
  const page = (p.page as string | undefined) ?? homePage;
  const text = qrPayload(page, p.scene as string);
  const width = typeof p.width === 'number' ? p.width : 430;
  const png = await QRCode.toBuffer(text, {
    type: 'png',
    width,
    margin: 2,
    errorCorrectionLevel: 'M',
    color: { dark: p.lineColor ? hex(p.lineColor) : '#000000ff', light: p.isHyaline ? '#ffffff00' : '#ffffffff' },
  });
  return { png, text };
}
