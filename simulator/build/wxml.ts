// Compiles every WXML/WXS file of the mini program with the OFFICIAL wcc binary into one
// `$gwx(path)` generator table, as the real WebView gets it. Files are passed as "./path" like
// DevTools does: wcc resolves root-absolute imports ("/templates/x.wxml") only in that form.
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

export type TemplateGenerator = (data: unknown, env?: unknown, global?: unknown) => unknown;
export type Gwx = (wxmlPath: string) => TemplateGenerator | undefined;

function binDir(): string {
  return path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', 'linux');
}

/** The package ships the Linux binaries without the x bit. */
export function compilerBinary(name: 'wcc' | 'wcsc'): string {
  const file = path.join(binDir(), name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    fs.chmodSync(file, 0o755);
  }
  return file;
}

function listFiles(root: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.name.endsWith(ext)) out.push('./' + path.relative(root, abs).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function compileWxml(root: string, globalUsing: Record<string, string> = {}): Gwx {
  const wxml = listFiles(root, '.wxml');
  const wxs = listFiles(root, '.wxs');
  // -cc "<count> <file.wxml> <n> <tag>... ...": which tags are custom components in each file.
  const cc: string[] = [];
  let count = 0;
  for (const file of wxml) {
    const json = path.join(root, file.replace(/\.wxml$/, '.json'));
    if (!fs.existsSync(json)) continue;
    let using: Record<string, string> = {};
    try {
      using = { ...globalUsing, ...((JSON.parse(fs.readFileSync(json, 'utf8')) as { usingComponents?: Record<string, string> }).usingComponents ?? {}) };
    } catch {
      continue;
    }
    const tags = Object.keys(using);
    if (!tags.length) continue;
    count++;
    cc.push(file, String(tags.length), ...tags);
  }
  const args = ['-d', '-cc', [String(count), ...cc].join(' '), ...wxml, ...wxs, '-gn', '$gwx'];
  const res = spawnSync(compilerBinary('wcc'), args, { cwd: root, maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`wcc failed: ${res.stderr?.toString() || res.error?.message}`);
  // The output defines $gwx on the global it runs in (it expects `window`, installed by env/dom).
  const gwx = new Function(`${res.stdout.toString()}\n;return $gwx;`)() as Gwx;
  return (p: string) => gwx(p.startsWith('./') ? p : './' + p.replace(/^\//, ''));
}
