// Bundles the preview's front end (ui/app.ts with morphdom and jsQR) with esbuild, once per
// process, in memory.
import path from 'path';
import { build } from 'esbuild';

let bundled: Promise<string> | null = null;

export function bundlePreviewUi(): Promise<string> {
  bundled ??= build({
    entryPoints: [path.join(__dirname, 'ui', 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  bundled.catch(() => {
    bundled = null;
  });
  return bundled;
}
