/**
 * Bundles the console's front end (console/ui/app.ts and the domain modules it imports) with esbuild,
 * once per process, in memory. Nothing is written to disk.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

let bundled: Promise<string> | null = null;

export function bundleUi(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(__dirname, 'ui', 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    sourcemap: 'inline',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  bundled.catch(() => {
    bundled = null;
  });
  return bundled;
}
