/**
 * Bundles a local browser UI (the console's, the store preview's) with esbuild in memory, once per entry
 * point and process; a failed build is retried on the next request.
 */
import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

export function browserBundle(entryPoint: string, options: { sourcemap?: boolean } = {}): Promise<string> {
  let bundled = bundles.get(entryPoint);
  if (!bundled) {
    bundled = build({
      entryPoints: [entryPoint],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      platform: 'browser',
      sourcemap: options.sourcemap ? 'inline' : false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
    bundles.set(entryPoint, bundled);
    bundled.catch(() => bundles.delete(entryPoint));
  }
  return bundled;
}
