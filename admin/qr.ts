/**
 * QR codes for products and campaigns. There is ONE code path for making the code of a scene: the
 * `scenes` cloud function's `create` action (it encodes the ≤ 32-character scene, stores the scene →
 * target/attribution row that `scenes.resolve` reads, calls `wxacode.getUnlimited` and keeps the PNG in
 * cloud storage). The CLI and the console both call it with `createSceneQr` and download the PNG with
 * `@cloudbase/node-sdk`.
 */
import type { ActionRequest, ApiError } from '../typings/api';
import { callAction } from '../server/call-action';
import type { SceneTarget } from '../typings/domain';
import { invokeFunction, throwIfCode, type Cloud } from './cloud';

export const PRODUCT_PAGE = 'pages-shop/product/index';
export const HOME_PAGE = 'pages/catalog/index';

export type QrRequest = ActionRequest<'scenes', 'create'>;

export interface QrCode {
  scene: string;
  fileID: string;
  created: boolean;
  png: Buffer;
}

export function productTarget(productId: string): SceneTarget {
  return { page: PRODUCT_PAGE, query: { id: productId } };
}

export function campaignTarget(): SceneTarget {
  return { page: HOME_PAGE, query: {} };
}

export class QrError extends Error {
  constructor(readonly error: ApiError) {
    super(`${error.code}: ${error.message}`);
  }
}

/**
 * Creates (or finds) the code of a scene through `scenes.create`, and returns its PNG. The call is a
 * server-side `callFunction` with the environment's credentials (no OPENID), which `scenes.create`
 * accepts as the merchant, on the local cloud and on a real environment alike.
 */
export async function createSceneQr(cloud: Cloud, req: QrRequest): Promise<QrCode> {
  const reply = await callAction(invokeFunction(cloud), 'scenes', 'create', req);
  if (!reply.ok) throw new QrError(reply.error);
  const { scene, fileID, created } = reply.data;
  const png = await downloadPng(cloud, fileID);
  return { scene, fileID, created, png };
}

export async function downloadPng(cloud: Cloud, fileID: string): Promise<Buffer> {
  const file = (await cloud.app.downloadFile({ fileID })) as { fileContent?: Buffer; code?: string; message?: string };
  throwIfCode(file);
  if (!file.fileContent) throw new Error(`no content for ${fileID}`);
  return Buffer.from(file.fileContent);
}

export interface SheetItem {
  title: string;
  subtitle: string;
  /** Image src: a relative file name (CLI) or a URL (console). */
  src: string;
}

/** One printable page of codes (A4, 3 per row), with each code's title and scene under it. */
export function printableSheet(title: string, items: SheetItem[]): string {
  const cards = items
    .map(
      (item) => `    <figure class="qr-card">
      <img src="${escapeHtml(item.src)}" alt="QR code: ${escapeHtml(item.title)}">
      <figcaption><strong>${escapeHtml(item.title)}</strong><br><code>${escapeHtml(item.subtitle)}</code></figcaption>
    </figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  @page { size: A4; margin: 12mm; }
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; }
  h1 { font-size: 16px; margin: 0 0 8mm; }
  .sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6mm; }
  .qr-card { margin: 0; padding: 4mm; border: 1px dashed #999; text-align: center; break-inside: avoid; }
  .qr-card img { width: 45mm; height: 45mm; image-rendering: pixelated; }
  figcaption { font-size: 11px; margin-top: 2mm; word-break: break-all; }
  @media print { .no-print { display: none; } }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="sheet">
${cards}
</div>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A file-name-safe version of a label. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'code';
}
