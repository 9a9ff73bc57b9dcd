// Resolves local image paths of the mini program and reads their intrinsic size (PNG/JPEG/GIF
// headers), so <image> can fire `load` with real {width, height} or `error` for missing files.
import fs from 'fs';
import path from 'path';

let root = '';
export function setAssetRoot(r: string): void {
  root = r;
}

export function imageSize(buf: Buffer): { width: number; height: number } | undefined {
  if (buf.length > 24 && buf.readUInt32BE(0) === 0x89504e47) return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  if (buf.length > 10 && buf.toString('ascii', 0, 3) === 'GIF') return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return undefined;
      const marker = buf[i + 1];
      const len = buf.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      }
      i += 2 + len;
    }
  }
  return undefined;
}

export type ImageResult = { width: number; height: number } | { error: string };

const remote = new Map<string, Promise<ImageResult>>();

/** A network image as the WebView loads it: `load` with its intrinsic size, or `error` (no
 *  network, HTTP error, not an image) within a few seconds. One request per URL per process. */
export function loadRemoteImage(url: string): Promise<ImageResult> {
  let hit = remote.get(url);
  if (!hit) {
    hit = (async (): Promise<ImageResult> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
        if (!res.ok) return { error: `GET ${url} ${res.status}` };
        const size = imageSize(Buffer.from(await res.arrayBuffer()));
        return size ?? { error: `GET ${url} net::ERR_INVALID_IMAGE` };
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        return { error: `GET ${url} net::${code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'ERR_NAME_NOT_RESOLVED' : 'ERR_FAILED'}` };
      }
    })();
    remote.set(url, hit);
  }
  return hit;
}

/** `fromRoute` is the page route the image is used in (relative src resolve against it). */
export function loadImage(src: string, fromRoute: string): ImageResult | undefined {
  if (!src) return undefined;
  if (/^(https?:|cloud:|data:|wxfile:)/.test(src)) return undefined; // remote: see loadRemoteImage
  const file = src.startsWith('/') ? path.join(root, src) : path.join(root, path.posix.dirname(fromRoute), src);
  if (!fs.existsSync(file)) return { error: `GET ${src} 404 (Not Found)` };
  return imageSize(fs.readFileSync(file)) ?? { width: 0, height: 0 };
}

export function assetFile(src: string): string | undefined {
  if (!src || /^[a-z]+:/i.test(src)) return undefined;
  const file = path.join(root, src.startsWith('/') ? src : '/' + src);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}
