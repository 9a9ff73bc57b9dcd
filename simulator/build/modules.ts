// The mini-program module system: per-file compilation (TS and ESM JS -> CommonJS with esbuild,
// like DevTools' per-file TypeScript plugin), mini-program `require` resolution (relative,
// root-absolute "/x", and `miniprogram_npm` lookup) and execution with the framework globals
// injected as wrapper parameters. `require.async(path)` and `require(path, callback, onError)` load
// a module of another package once that package has loaded (分包异步化); a plain require across
// packages is refused (build/packages.ts).
import fs from 'fs';
import path from 'path';
import vm from 'vm';
import { transformSync } from 'esbuild';
import type { PackageMap } from './packages';
import type { PackageLoader } from '../runtime/package-loader';

export type FrameworkGlobals = Record<string, unknown>;

interface ModuleRecord { exports: unknown; loaded: boolean }

/** What require.async rejects with and require's error callback gets, as the base library words it. */
export interface AsyncRequireError { mod: string; errMsg: string }

const EXTS = ['', '.ts', '.js', '.json', '/index.ts', '/index.js'];
const compiledCache = new Map<string, { mtime: number; code: string }>();

function compile(file: string): string {
  const stat = fs.statSync(file);
  const hit = compiledCache.get(file);
  if (hit && hit.mtime === stat.mtimeMs) return hit.code;
  const source = fs.readFileSync(file, 'utf8');
  const { code } = transformSync(source, {
    loader: file.endsWith('.ts') ? 'ts' : 'js',
    format: 'cjs',
    target: 'es2020',
    sourcefile: file,
    sourcemap: 'inline',
  });
  compiledCache.set(file, { mtime: stat.mtimeMs, code });
  return code;
}

export class ModuleSystem {
  private cache = new Map<string, ModuleRecord>();

  constructor(
    private readonly root: string,
    private readonly globals: () => FrameworkGlobals,
    /** app.json subpackage boundaries; without it every file may require every other */
    private readonly packages?: PackageMap,
    /** when packages load; without it every package counts as loaded */
    private readonly loader?: PackageLoader,
  ) {}

  /** How many script and JSON files this run has evaluated. */
  loadedCount(): number {
    return this.cache.size;
  }

  /** Resolves a mini-program module specifier relative to `fromDir`; undefined if absent. */
  resolve(spec: string, fromDir: string): string | undefined {
    const candidates: string[] = [];
    if (spec.startsWith('/')) candidates.push(path.join(this.root, spec));
    else if (spec.startsWith('.')) candidates.push(path.resolve(fromDir, spec));
    else {
      // Bare specifier: miniprogram_npm directories from the requiring file up to the root,
      // then a root-relative path (the base library accepts "utils/x" from app.js).
      for (let dir = fromDir; dir.startsWith(this.root); dir = path.dirname(dir)) {
        candidates.push(path.join(dir, 'miniprogram_npm', spec));
        if (dir === this.root) break;
      }
      candidates.push(path.resolve(fromDir, spec));
    }
    for (const base of candidates) {
      for (const ext of EXTS) {
        const file = base + ext;
        if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
      }
      // "x.js" as compiled: the TypeScript source x.ts
      const ts = base.replace(/\.js$/, '.ts');
      if (ts !== base && fs.existsSync(ts) && fs.statSync(ts).isFile()) return ts;
    }
    return undefined;
  }

  require(spec: string, fromDir: string): unknown {
    const file = this.resolve(spec, fromDir);
    if (!file) throw new Error(`module "${spec}" is not defined (required from ${path.relative(this.root, fromDir) || '/'})`);
    const refused = this.packages?.refusal(path.join(fromDir, '_'), file, 'require');
    if (refused) throw new Error(`module "${spec}" is not defined: ${refused}`);
    return this.load(file);
  }

  /** require.async: any package's module, once its package has loaded. */
  requireAsync(spec: string, fromDir: string): Promise<unknown> {
    const file = this.resolve(spec, fromDir);
    const failed = (err: unknown): AsyncRequireError => ({ mod: spec, errMsg: `module "${spec}" is not defined${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}` });
    if (!file) return Promise.reject(failed(undefined));
    return (this.loader?.load(file) ?? Promise.resolve()).then(
      () => {
        try {
          return this.load(file);
        } catch (err) {
          throw failed(err);
        }
      },
    );
  }

  /** The mini program's `require` for code in `dir`: sync, or async with callbacks, plus `.async`. */
  private requireFor(dir: string) {
    const req = (spec: string, onLoad?: unknown, onError?: unknown): unknown => {
      if (typeof onLoad !== 'function' && typeof onError !== 'function') return this.require(spec, dir);
      this.requireAsync(spec, dir).then(
        (exports) => (typeof onLoad === 'function' ? onLoad(exports) : undefined),
        (err: AsyncRequireError) => (typeof onError === 'function' ? onError(err) : undefined),
      );
      return undefined;
    };
    return Object.assign(req, { async: (spec: string) => this.requireAsync(spec, dir) });
  }

  load(file: string): unknown {
    const cached = this.cache.get(file);
    if (cached) return cached.exports;
    if (file.endsWith('.json')) {
      const rec = { exports: JSON.parse(fs.readFileSync(file, 'utf8')), loaded: true };
      this.cache.set(file, rec);
      return rec.exports;
    }
    const module = { exports: {} as unknown, loaded: false };
    this.cache.set(file, module);
    const g = this.globals();
    const names = Object.keys(g);
    const wrapper = `(function (require, module, exports, __filename, __dirname, ${names.join(', ')}) {${compile(file)}\n})`;
    const fn = vm.runInThisContext(wrapper, { filename: file }) as (...args: unknown[]) => void;
    const dir = path.dirname(file);
    const localRequire = this.requireFor(dir);
    try {
      fn(localRequire, module, module.exports, file, dir, ...names.map((n) => g[n]));
    } catch (err) {
      this.cache.delete(file);
      throw err;
    }
    module.loaded = true;
    return module.exports;
  }
}
