// QR entry: decode a mini-program code PNG (jsqr + pngjs) into the {page, scene} payload the local
// cloud encodes, so a test can "scan" it with Simulator.scanQr / __headless__.scanQr.
import fs from 'fs';
import { PNG } from 'pngjs';
import type { QrPayload } from './simulator';

export function parseQrText(text: string): QrPayload {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const obj = JSON.parse(trimmed) as Partial<QrPayload>;
    if (typeof obj.page !== 'string') throw new Error(`QR payload has no page: ${text}`);
    return { page: obj.page.replace(/^\//, ''), scene: String(obj.scene ?? '') };
  }
  // URL-ish payloads: "<anything>?page=pages/x&scene=pid%3D2" or "pages/x?scene=..."
  const q = trimmed.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? trimmed.slice(q + 1) : '');
  const page = params.get('page') ?? (q >= 0 ? trimmed.slice(0, q).replace(/^[a-z]+:\/\/[^/]+\//, '') : '');
  if (!page) throw new Error(`unrecognised QR payload: ${text}`);
  return { page: page.replace(/^\//, ''), scene: params.get('scene') ?? '' };
}

export function decodeQrPng(png: Buffer | string): QrPayload {
  const buf = typeof png === 'string' ? fs.readFileSync(png) : png;
  const img = PNG.sync.read(buf);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jsQR = require('jsqr') as (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
  const code = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  if (!code) throw new Error('no QR code found in image');
  return parseQrText(code.data);
}
