// The package boundaries of app.json `subpackages`, enforced as WeChat enforces them, so that code
// which would break on a phone (or be refused by DevTools) fails here too:
//   - a file in subpackage A may require (and use components from) the main package and A, never B;
//   - the main package may not require or use anything inside a subpackage;
//   - an independent subpackage uses only its own files;
//   - tabBar pages live in the main package, subpackage roots do not nest, and preloadRule names
//     existing pages and packages;
//   - except asynchronously (分包异步化): a component of another package may be used when the using
//     json names a componentPlaceholder for it, which renders until that package has loaded; a module
//     of another package may be loaded with require.async(path) or require(path, callback). A plain
//     synchronous require across packages stays an error.
// Source: https://developers.weixin.qq.com/miniprogram/dev/framework/subpackages/basic.html (引用原则,
// 打包原则), .../subpackages/preload.html, .../subpackages/async.html and
// .../custom-component/placeholder.html; docs/reference/platform-limits.md (section 1) and
// docs/reference/subpackage-async.md.
import path from 'path';
import type { AppJson } from './project';

export interface SubpackageDecl {
  root: string;
  name?: string;
  pages: string[];
  independent?: boolean;
}

export interface PackageInfo {
  /** '' for the main package, else the subpackage root (no slashes at either end) */
  root: string;
  independent: boolean;
}

const MAIN: PackageInfo = { root: '', independent: false };

export function subpackagesOf(appJson: AppJson): SubpackageDecl[] {
  return [...(appJson.subpackages ?? []), ...(appJson.subPackages ?? [])] as SubpackageDecl[];
}

/** A root or page path without slashes at either end, as app.json may write them either way. */
export const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, '');

/** app.json problems DevTools refuses to compile, as messages (empty when none). */
export function checkAppJsonPackages(appJson: AppJson & { preloadRule?: Record<string, { packages?: string[] }> }): string[] {
  const problems: string[] = [];
  const subs = subpackagesOf(appJson);
  const roots = subs.map((s) => trimSlashes(s.root));
  roots.forEach((r, i) =>
    roots.forEach((o, j) => {
      if (i !== j && (r + '/').startsWith(o + '/')) problems.push(`app.json: subpackage root "${r}" lies inside subpackage root "${o}"`);
    }),
  );
  const inSub = (page: string) => roots.find((r) => trimSlashes(page).startsWith(r + '/'));
  for (const item of appJson.tabBar?.list ?? []) {
    const r = inSub(item.pagePath);
    if (r) problems.push(`app.json: tabBar page "${item.pagePath}" must be in the main package, not in subpackage "${r}"`);
  }
  for (const page of appJson.pages) {
    const r = inSub(page);
    if (r) problems.push(`app.json: page "${page}" is listed in pages but lies inside subpackage root "${r}"`);
  }
  const allPages = [...appJson.pages, ...subs.flatMap((s) => s.pages.map((p) => `${trimSlashes(s.root)}/${p}`))];
  const packageIds = new Set<string>(['__APP__', ...subs.flatMap((s) => [trimSlashes(s.root), ...(s.name ? [s.name] : [])])]);
  for (const [page, rule] of Object.entries(appJson.preloadRule ?? {})) {
    if (!allPages.includes(trimSlashes(page))) problems.push(`app.json: preloadRule page "${page}" is not a page of the app`);
    for (const pkg of rule.packages ?? []) if (!packageIds.has(pkg)) problems.push(`app.json: preloadRule["${page}"] names package "${pkg}", which is no subpackage name or root`);
  }
  return problems;
}

export class PackageMap {
  private readonly subs: PackageInfo[];

  constructor(
    private readonly root: string,
    appJson: AppJson,
  ) {
    this.subs = subpackagesOf(appJson).map((s) => ({ root: trimSlashes(s.root), independent: !!s.independent }));
  }

  /** The package a file (absolute path) is shipped in. */
  packageOf(file: string): PackageInfo {
    const rel = path.relative(this.root, file).split(path.sep).join('/');
    return this.subs.find((s) => rel === s.root || rel.startsWith(s.root + '/')) ?? MAIN;
  }

  /**
   * Why `from` may not reach `target` synchronously (a require or a usingComponents entry), or
   * undefined when it may. A refused reference may still be made asynchronously, as the message says.
   */
  refusal(from: string, target: string, what: 'require' | 'component'): string | undefined {
    const a = this.packageOf(from);
    const b = this.packageOf(target);
    if (a.root === b.root) return undefined;
    if (b === MAIN && !a.independent) return undefined;
    const rel = (f: string) => path.relative(this.root, f).split(path.sep).join('/');
    const name = (p: PackageInfo) => (p === MAIN ? 'the main package' : `subpackage "${p.root}"`);
    const verb = what === 'require' ? 'require' : 'use the component';
    const hint = what === 'require' ? 'load it with require.async(path) or require(path, callback)' : 'declare a componentPlaceholder for it to load it asynchronously';
    return `${rel(from)} (${name(a)}) cannot ${verb} ${rel(target)} (${name(b)}): a package may only use its own files${a.independent ? '' : ' and the main package\'s'} (or ${hint})`;
  }
}
