/**
 * Small generated product pictures for the demo catalog: a PNG per product (a coloured card with a
 * simple motif), so the store has real images in cloud storage without shipping binary files.
 */
import { PNG } from 'pngjs';

/** A `size`×`size` PNG: background of hue `hue` (0-360), a lighter inner card and a motif chosen by `motif`. */
export function placeholderPng(hue: number, motif = 0, size = 96): Buffer {
  const png = new PNG({ width: size, height: size });
  const [br, bg, bb] = hsl(hue, 0.55, 0.55);
  const [cr, cg, cb] = hsl(hue, 0.6, 0.88);
  const [mr, mg, mb] = hsl((hue + 180) % 360, 0.5, 0.45);
  const pad = Math.round(size * 0.14);
  const c = size / 2;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const i = (y * size + x) * 4;
      let rgb: [number, number, number] = [br, bg, bb];
      if (x >= pad && x < size - pad && y >= pad && y < size - pad) {
        rgb = [cr, cg, cb];
        const dx = x - c;
        const dy = y - c;
        const r = size * 0.2;
        const inMotif =
          motif % 3 === 0
            ? dx * dx + dy * dy <= r * r
            : motif % 3 === 1
              ? Math.abs(dx) <= r && Math.abs(dy) <= r
              : Math.abs(dx) + Math.abs(dy) <= r * 1.3;
        if (inMotif) rgb = [mr, mg, mb];
      }
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}
