// Which packages of the app are on the "phone": the main package from the start, a subpackage once
// one of its pages opened or once something asked for it asynchronously (require.async, a component
// behind a componentPlaceholder). Loading takes a moment, like a download, and is tracked so that a
// protocol reply waits for it (settle) instead of a test sleeping.
import type { PackageMap } from '../build/packages';
import { track } from './settle';

/** A subpackage "download": long enough that the placeholder is really rendered first. */
export const SIMULATED_LOAD_MS = 20;

export class PackageLoader {
  private readonly loaded = new Set<string>(['']);
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly packages: PackageMap,
    private readonly loadMs = SIMULATED_LOAD_MS,
  ) {}

  /** Whether the package shipping `file` is available now. */
  isLoaded(file: string): boolean {
    return this.loaded.has(this.packages.packageOf(file).root);
  }

  /** A page of the package opened: its package came with it. */
  markLoaded(file: string): void {
    this.loaded.add(this.packages.packageOf(file).root);
  }

  /** Resolves once the package shipping `file` is available; never synchronously. */
  load(file: string): Promise<void> {
    const root = this.packages.packageOf(file).root;
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
