/**
 * Draws the tab bar icons (miniprogram/images/tabbar/*.png, 81 x 81 as WeChat recommends) from the
 * SVG below with headless Chromium: `npx tsx scripts/tab-icons.ts`. Outline in app.json's `color`,
 * filled in its `selectedColor`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '../simulator/chromium/browser';

const ICONS: Record<string, string> = {
  home: '<path d="M12 38 40 14l28 24" {S}/><path d="M20 33v33h14V50h12v16h14V33" {F}/>',
  cart: '<path d="M8 14h10l8 36h38l7-26H22" {S}/><path d="M24 24h47l-7 26H29z" {F}/><circle cx="32" cy="62" r="5" {F}/><circle cx="60" cy="62" r="5" {F}/>',
  me: '<circle cx="40" cy="27" r="14" {F}/><path d="M13 68c0-15 12-25 27-25s27 10 27 25z" {F}/>',
};

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
      writeFileSync(join(out, `${name}${selected ? '-active' : ''}.png`), png);
    }
  }
  await browser.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
