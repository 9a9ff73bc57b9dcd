/**
 * Draws the tab bar icons (miniprogram/images/tabbar/*.png, 81 x 81 as WeChat recommends) from the
 * SVG below with headless Chromium: `npx tsx scripts/tab-icons.ts`. Outline in app.json's `color`,
 * filled in its `selectedColor`.
 *
 * Each icon is one colour with anti-aliased edges: it is written as a 4-bit indexed PNG of that colour
 * at 16 opacities (toAlphaPalettePng), about a third of the RGBA screenshot's size, since the tab
 * icons ship in the main package.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync, constants } from 'node:zlib';
import { PNG } from 'pngjs';
import { launchChromium } from '../simulator/chromium/browser';

const ICONS: Record<string, string> = {
  home: '<path d="M12 38 40 14l28 24" {S}/><path d="M20 33v33h14V50h12v16h14V33" {F}/>',
  cart: '<path d="M8 14h10l8 36h38l7-26H22" {S}/><path d="M24 24h47l-7 26H29z" {F}/><circle cx="32" cy="62" r="5" {F}/><circle cx="60" cy="62" r="5" {F}/>',
  me: '<circle cx="40" cy="27" r="14" {F}/><path d="M13 68c0-15 12-25 27-25s27 10 27 25z" {F}/>',
};

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Alpha levels kept: 16, so a pixel is 4 bits; an edge pixel moves by at most 8/255 of opacity. */
const ALPHA_LEVELS = 16;

/**
 * A one-colour icon (Chromium's RGBA screenshot) as a 4-bit indexed PNG: every entry is `colour` at one
 * of 16 opacities (PLTE + tRNS), so only the anti-aliased edges change, by at most 8/255 of opacity;
 * the RGB noise Chromium leaves in faint edge pixels goes. Rows are unfiltered, which suits indexed
 * images (the PNG specification, section 12.8), and deflated at level 9.
 */
export function toAlphaPalettePng(rgbaPng: Buffer, colour: string): Buffer {
  const { width, height, data } = PNG.sync.read(rgbaPng);
  const rgb = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16));
  const rowBytes = Math.ceil(width / 2);
  const rows = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const level = Math.round((data[(y * width + x) * 4 + 3] * (ALPHA_LEVELS - 1)) / 255);
      rows[y * (rowBytes + 1) + 1 + (x >> 1)] |= x & 1 ? level : level << 4;
    }
  }
  const plte = Buffer.alloc(ALPHA_LEVELS * 3);
  const trns = Buffer.alloc(ALPHA_LEVELS);
  for (let level = 0; level < ALPHA_LEVELS; level += 1) {
    plte.set(rgb, level * 3);
    trns[level] = Math.round((level * 255) / (ALPHA_LEVELS - 1));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 4; // bit depth
  ihdr[9] = 3; // colour type: indexed
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = deflateSync(rows, { level: 9, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('tRNS', trns), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  const tabBar = (JSON.parse(readFileSync(join(root, 'miniprogram', 'app.json'), 'utf8')) as { tabBar: { color: string; selectedColor: string } }).tabBar;
  const out = join(root, 'miniprogram', 'images', 'tabbar');
  mkdirSync(out, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 81, height: 81 }, deviceScaleFactor: 1 });
  for (const [name, shape] of Object.entries(ICONS)) {
    for (const selected of [false, true]) {
      const color = selected ? tabBar.selectedColor : tabBar.color;
      const stroke = `fill="none" stroke="${color}" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"`;
      const fill = selected ? `fill="${color}" stroke="${color}" stroke-width="5" stroke-linejoin="round"` : stroke;
      const lines = `fill="none" stroke="${selected ? '#ffffff' : color}" stroke-width="5" stroke-linecap="round"`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 80 80">${shape.replace(/\{S\}/g, stroke).replace(/\{F\}/g, fill).replace(/\{L\}/g, lines)}</svg>`;
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: 81, height: 81 } });
      writeFileSync(join(out, `${name}${selected ? '-active' : ''}.png`), toAlphaPalettePng(png, color));
    }
  }
  await browser.close();
}

if (require.main === module) main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
