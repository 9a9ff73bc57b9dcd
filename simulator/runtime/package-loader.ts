// Which packages of the app are on the "phone": the main package from the start, a subpackage once
// one of its pages opened, once a page whose preloadRule names it opened on a network the rule allows
// (`network: "wifi"`, the default, only on Wi-Fi; "all" on any connection), or once something asked for
// it asynchronously (require.async, a component behind a componentPlaceholder). Loading takes a moment, like a download, and is tracked so that a
// protocol reply waits for it (settle) instead of a test sleeping.
import { subpackagesOf, trimSlashes, type PackageMap } from '../build/packages';
import type { AppJson } from '../build/project';
import { track } from './settle';

/** A subpackage "download": long enough that the placeholder is really rendered first. */
export const SIMULATED_LOAD_MS = 20;

export class PackageLoader {
  private readonly loaded = new Set<string>(['']);
  private readonly inflight = new Map<string, Promise<void>>();

  private readonly roots = new Map<string, string>();

  constructor(
    private readonly packages: PackageMap,
    private readonly appJson: AppJson,
    /** what wx.getNetworkType answers now ('none' offline) */
    private readonly networkType: () => string,
    private readonly loadMs = SIMULATED_LOAD_MS,
  ) {
    // preloadRule names a package by `name` or `root`; `__APP__` is the main package
    for (const s of subpackagesOf(appJson)) {
      const root = trimSlashes(s.root);
      this.roots.set(root, root);
      if (s.name) this.roots.set(s.name, root);
    }
  }

  /** Whether the package shipping `file` is available now. */
  isLoaded(file: string): boolean {
    return this.loaded.has(this.packages.packageOf(file).root);
  }

  /** A page of the package opened: its package came with it. */
  markLoaded(file: string): void {
    this.loaded.add(this.packages.packageOf(file).root);
  }

  /** The page opened: start downloading what its preloadRule names, if the rule allows the current network. */
  preload(route: string): void {
    const rule = this.appJson.preloadRule?.[route];
    const type = this.networkType();
    if (!rule || type === 'none' || (rule.network !== 'all' && type !== 'wifi')) return;
    for (const id of rule.packages ?? []) {
      const root = this.roots.get(id);
      if (root !== undefined) void this.loadRoot(root);
    }
  }

  /** Resolves once the package shipping `file` is available; never synchronously. */
  load(file: string): Promise<void> {
    return this.loadRoot(this.packages.packageOf(file).root);
  }

  private loadRoot(root: string): Promise<void> {
    if (this.loaded.has(root)) return Promise.resolve();
    let p = this.inflight.get(root);
    if (!p) {
      p = track(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            this.loaded.add(root);
            this.inflight.delete(root);
            resolve();
          }, this.loadMs),
        ),
      );
      this.inflight.set(root, p);
    }
    return p;
  }
}
