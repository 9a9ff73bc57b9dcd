/**
 * Bundles each cloud function's TypeScript, with the shared code it imports (server/, miniprogram/domain/),
 * into cloudfunctions/<name>/index.js, so every function folder deploys on its own with DevTools'
 * "upload and deploy" or the CloudBase CLI. Runtime dependencies listed in the folder's package.json
 * (wx-server-sdk) stay external: the cloud installs them.
 *
 * Usage: npm run build [-- <name> ...]
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const functionsRoot = join(root, 'cloudfunctions');

export function functionNames(): string[] {
  return readdirSync(functionsRoot).filter((name) => existsSync(join(functionsRoot, name, 'src', 'index.ts')));
}

export async function buildFunction(name: string): Promise<{ name: string; bytes: number }> {
  const dir = join(functionsRoot, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const outfile = join(dir, 'index.js');
  await build({
    entryPoints: [join(dir, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    // CloudBase's Node.js 16 runtime is the oldest we support.
    target: 'node16',
    format: 'cjs',
    external: Object.keys(pkg.dependencies ?? {}),
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Built by scripts/build-functions.ts from cloudfunctions/${name}/src. Do not edit; run \`npm run build\`.` },
  });
  return { name, bytes: statSync(outfile).size };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : functionNames();
  if (names.length === 0) {
    console.log('build: no cloud functions with src/index.ts yet');
    return;
  }
  const started = Date.now();
  for (const name of names) {
    const { bytes } = await buildFunction(name);
    console.log(`build: cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KB`);
  }
  console.log(`build: ${names.length} function(s) in ${Date.now() - started} ms`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
