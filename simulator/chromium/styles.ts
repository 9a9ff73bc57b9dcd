// Page styles for the Chromium view: the official wcsc output per WXSS file (rpx computed at the
// 375 px device width, class-prefix slot filled per component) plus user-agent styles for wx-* tags
// close to the base library's.
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { compilerBinary } from '../build/wxml';

const wcscCache = new Map<string, { mtime: number; js: string }>();

const IMPORT = /@import\s+(?:url\(\s*)?(['"])([^'"]+)\1/g;

/**
 * `file` and every WXSS file it @imports, transitively, root-relative: wcsc inlines imports but
 * only finds those it is given on its command line (DevTools passes the whole project).
 */
export function importClosure(root: string, file: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    if (out.includes(rel)) return;
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    out.push(rel);
    for (const m of fs.readFileSync(abs, 'utf8').matchAll(IMPORT)) {
      const spec = m[2].endsWith('.wxss') ? m[2] : `${m[2]}.wxss`;
      const target = spec.startsWith('/') ? spec.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      visit(target);
    }
  };
  visit(file);
  return out;
}

function wcsc(root: string, file: string): string | undefined {
  const abs = path.join(root, file);
  if (!fs.existsSync(abs)) return undefined;
  const files = importClosure(root, file);
  const mtime = Math.max(...files.map((f) => fs.statSync(path.join(root, f)).mtimeMs));
  const hit = wcscCache.get(abs);
  if (hit && hit.mtime === mtime) return hit.js;
  const res = spawnSync(compilerBinary('wcsc'), ['-js', ...files], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`wcsc failed for ${file}: ${res.stderr.toString()}`);
  // The 2019 wcsc build leaves a literal "%s" line (its common-stylesheet slot) in -js output.
  const js = res.stdout.toString().replace(/^%s$/m, '');
  wcscCache.set(abs, { mtime, js });
  return js;
}

/** Scripts to run in the page: each defines its own setCssToHead and appends one <style>. */
export function styleScripts(root: string, files: { file: string; prefix: string }[]): string[] {
  const out: string[] = [];
  for (const { file, prefix } of files) {
    const js = wcsc(root, file);
    if (!js) continue;
    const suffix = prefix ? `${prefix}--` : '';
    out.push(`(function(){ var __wxAppSuffixCode__ = ${JSON.stringify(suffix)}; ${js}\n})();`);
  }
  return out;
}

export const UA_CSS = `
html, body { margin: 0; padding: 0; }
body { font-family: -apple-system, "Helvetica Neue", Helvetica, "PingFang SC", sans-serif; font-size: 16px; background: #fff; -webkit-text-size-adjust: none; }
[hidden] { display: none !important; }
page, wx-page-wrapper { display: block; }
wx-view, wx-scroll-view, wx-swiper, wx-form, wx-navigator, wx-rich-text, wx-picker, wx-checkbox-group, wx-radio-group, wx-movable-area, wx-cover-view, wx-picker-view, wx-label { display: block; }
wx-text, wx-icon { display: inline; }
wx-text { white-space: pre-wrap; }
wx-scroll-view { overflow: hidden; position: relative; }
wx-swiper { height: 150px; position: relative; overflow: hidden; }
wx-swiper-item { display: block; position: absolute; top: 0; left: 0; width: 100%; height: 100%; }
wx-image { display: inline-block; width: 320px; height: 240px; overflow: hidden; background-repeat: no-repeat; background-size: 100% 100%; }
wx-input { display: block; height: 1.4rem; min-height: 1.4rem; overflow: hidden; text-overflow: clip; white-space: nowrap; cursor: auto; }
wx-textarea { display: block; width: 300px; height: 150px; }
wx-button { position: relative; display: block; margin-left: auto; margin-right: auto; padding-left: 14px; padding-right: 14px; box-sizing: border-box; font-size: 18px; text-align: center; text-decoration: none; line-height: 2.55555556; border-radius: 5px; overflow: hidden; color: #000; background-color: #f8f8f8; width: 184px; font-weight: 700; }
wx-button[type="primary"] { color: #fff; background-color: #07c160; }
wx-button[disabled] { color: rgba(0, 0, 0, .3); }
wx-switch, wx-checkbox, wx-radio { display: inline-block; }
wx-switch { width: 52px; height: 32px; border-radius: 16px; background: #dfdfdf; }
wx-switch[checked] { background: #04BE02; }
wx-checkbox::before, wx-radio::before { content: ""; display: inline-block; width: 22px; height: 22px; border: 1px solid #d1d1d1; margin-right: 5px; vertical-align: middle; border-radius: 3px; }
wx-radio::before { border-radius: 50%; }
wx-checkbox[checked]::before, wx-radio[checked]::before { background: #09BB07; border-color: #09BB07; }
wx-navigator { cursor: pointer; }
.wx-input-placeholder { color: #808080; pointer-events: none; }
`;

/** Screenshots show the state a page settles in: no transition or animation caught mid-way. */
export const SETTLED_CSS = `*, *::before, *::after { transition: none !important; animation-duration: 0s !important; animation-delay: 0s !important; animation-iteration-count: 1 !important; animation-fill-mode: both !important; }`;
