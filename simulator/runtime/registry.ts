// Turns the project's Page()/Component()/Behavior() definitions into j-component registrations
// backed by the official exparser, wiring each one to its wcc-compiled template and to the ids of
// the custom components it uses. A component of a package not loaded yet, declared with a
// componentPlaceholder (分包异步化), is first registered as its placeholder; once its package has
// loaded, the tag points at the real component and every live user re-renders, so each placeholder
// node is replaced by the real component with the same attributes and slot content.
import fs from 'fs';
import path from 'path';
import { framework, methodCaller, type ExNode } from '../render/framework';
import { BUILTIN_NAMES } from '../render/builtins';
import type { Gwx, TemplateGenerator } from '../build/wxml';
import type { ModuleSystem } from '../build/modules';
import type { PackageMap } from '../build/packages';
import type { PackageLoader } from './package-loader';
import { reportException } from './events';

type Def = Record<string, unknown>;

export interface Registered {
  id: string;
  /** absolute path without extension */
  file: string;
  kind: 'page' | 'component';
  /** Page() fields that are neither data nor functions: copied onto each instance */
  extras: Def;
}

/** A usingComponents entry shown as its placeholder until the other package has loaded. */
interface Deferred { tag: string; target: string }

interface Pending { file: string; tagName: string; using: Record<string, string>; template: TemplateGenerator; deferred: Deferred[]; result?: Registered }

const EMPTY_TEMPLATE: TemplateGenerator = () => ({ tag: 'wx-page', attr: {}, children: [] });
const PAGE_HOOKS = new Set(['data', 'behaviors', 'options', 'lifetimes', 'pageLifetimes', 'observers', 'relations', 'externalClasses', 'properties', 'methods']);

let idSeq = 0;

/**
 * Built-in behaviours j-component lacks. `wx://proxy-scroll-view` lets a component stand in for the
 * scroll-view inside it (Skyline's scroll proxying); on the WebView renderer it adds nothing, so an
 * empty behaviour is the faithful stand-in (t-pull-down-refresh declares it).
 */
const BUILTIN_BEHAVIORS: Record<string, Def> = { 'wx://proxy-scroll-view': {} };
const builtinIds = new Map<string, string>();
function builtinBehavior(b: unknown): unknown {
  if (typeof b !== 'string' || !(b in BUILTIN_BEHAVIORS)) return b;
  let id = builtinIds.get(b);
  if (!id) {
    id = framework().jComponent.behavior({ ...BUILTIN_BEHAVIORS[b] }) as string;
    builtinIds.set(b, id);
  }
  return id;
}

function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as unknown as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Def = {};
    for (const [k, val] of Object.entries(v as Def)) out[k] = deepClone(val);
    return out as T;
  }
  return v;
}
export { deepClone };

export class Registry {
  private byFile = new Map<string, Registered>();
  /** class prefix of each loaded file ("" for pages): wcsc's suffix slot for screenshots */
  readonly prefixes = new Map<string, string>();
  private pending: Pending | undefined;
  private ids = new Map<string, string>();
  private jsons = new Map<string, Record<string, unknown>>();
  /** live instances of each definition that still shows placeholders, by file */
  private waiting = new Map<string, Set<ExNode>>();

  constructor(
    private readonly root: string,
    private readonly gwx: Gwx,
    private readonly modules: ModuleSystem,
    private readonly globalUsing: Record<string, string>,
    private readonly generation: number,
    private readonly packages?: PackageMap,
    private readonly loader?: PackageLoader,
  ) {}

  /** The framework constructors the project's code calls. */
  constructors(): { Page: (d: Def) => void; Component: (d: Def) => void; Behavior: (d: Def) => unknown } {
    return {
      Page: (def) => this.define(def, 'page'),
      Component: (def) => this.define(def, 'component'),
      Behavior: (def) => framework().jComponent.behavior(Array.isArray(def.behaviors) ? { ...def, behaviors: def.behaviors.map(builtinBehavior) } : def),
    };
  }

  /** Ids are fixed per file before its script runs, so relations can name not-yet-loaded components. */
  private idFor(file: string): string {
    let id = this.ids.get(file);
    if (!id) {
      id = `g${this.generation}c${++idSeq}`;
      this.ids.set(file, id);
    }
    return id;
  }

  /** The page's own .json (window overrides such as navigationBarTitleText). */
  pageConfig(route: string): Record<string, unknown> {
    return this.jsons.get(path.join(this.root, route)) ?? {};
  }

  loadPage(route: string): Registered {
    // opening a page downloads its package, and then what its preloadRule names
    this.loader?.markLoaded(path.join(this.root, route));
    const page = this.load(path.join(this.root, route), 'page');
    this.loader?.preload(route);
    return page;
  }

  /** The app's custom tab bar component (custom-tab-bar/index), for app.json `tabBar.custom`. */
  loadTabBar(): Registered | undefined {
    const file = path.join(this.root, 'custom-tab-bar', 'index');
    return fs.existsSync(file + '.json') ? this.load(file, 'component', 'custom-tab-bar') : undefined;
  }

  private resolveUsing(from: string, spec: string): string | undefined {
    const candidates: string[] = [];
    if (spec.startsWith('/')) candidates.push(path.join(this.root, spec));
    else if (spec.startsWith('.')) candidates.push(path.resolve(path.dirname(from), spec));
    else {
      for (let dir = path.dirname(from); dir.startsWith(this.root); dir = path.dirname(dir)) {
        candidates.push(path.join(dir, 'miniprogram_npm', spec));
        if (dir === this.root) break;
      }
      // a bare path that is no npm package: relative to the using file, then to the root
      candidates.push(path.resolve(path.dirname(from), spec), path.join(this.root, spec));
    }
    for (const c of candidates) {
      if (fs.existsSync(c + '.json')) return c;
      if (fs.existsSync(path.join(c, 'index.json'))) return path.join(c, 'index');
    }
    return undefined;
  }

  private load(file: string, kind: 'page' | 'component', tagName = 'page'): Registered {
    const hit = this.byFile.get(file);
    if (hit) return hit;
    const jsonFile = file + '.json';
    const json = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { usingComponents?: Record<string, string>; componentPlaceholder?: Record<string, string> }) : {};
    this.jsons.set(file, json as Record<string, unknown>);
    const usingSpecs = { ...this.globalUsing, ...(json.usingComponents ?? {}) };
    const placeholders = json.componentPlaceholder ?? {};
    const rel = path.relative(this.root, file).split(path.sep).join('/');
    const using: Record<string, string> = {};
    const deferred: Deferred[] = [];
    for (const [tag, spec] of Object.entries(usingSpecs)) {
      if (spec.startsWith('plugin://')) continue;
      const target = this.resolveUsing(file, spec);
      if (!target) throw new Error(`Component is not found in path "${spec}" (using by "${rel}")`);
      const refused = this.packages?.refusal(file, target, 'component');
      if (refused && !placeholders[tag]) throw new Error(`Component "${tag}" of "${rel}" is not usable: ${refused}`);
      if (refused && this.loader && !this.loader.isLoaded(target)) {
        deferred.push({ tag, target });
        continue;
      }
      if (target === file) continue;
      using[tag] = this.load(target, 'component', tag).id;
    }
    for (const d of deferred) {
      // The placeholder renders at once, so it must be available now: a built-in component or a
      // usingComponents entry of this package or the main package, never another deferred one.
      const ph = placeholders[d.tag];
      const id = using[ph] ?? (BUILTIN_NAMES.includes(ph) ? ph : undefined);
      if (!id) throw new Error(`componentPlaceholder "${ph}" of "${d.tag}" in ${rel}.json is not available when "${rel}" renders: use a built-in component or one of its own or the main package's components`);
      using[d.tag] = id;
    }
    const template = this.gwx(rel + '.wxml') ?? EMPTY_TEMPLATE;
    const script = this.modules.resolve('./' + path.basename(file), path.dirname(file));
    if (!script) throw new Error(`${rel}.js (or .ts) not found`);
    const prev = this.pending;
    this.pending = { file, tagName, using, template, deferred };
    try {
      this.modules.load(script);
      const result = this.pending.result;
      if (!result) throw new Error(`${kind === 'page' ? 'Page' : 'Component'} is not constructed in ${rel}`);
      this.byFile.set(file, result);
      for (const d of deferred) void this.whenLoaded(file, using, d);
      return result;
    } finally {
      this.pending = prev;
    }
  }

  /** After the other package loaded: the tag names the real component and live users re-render. */
  private async whenLoaded(file: string, using: Record<string, string>, d: Deferred): Promise<void> {
    await this.loader?.load(d.target);
    try {
      using[d.tag] = this.load(d.target, 'component', d.tag).id;
      for (const node of this.waiting.get(file) ?? []) {
        const engine = node.__templateInstance;
        if (engine) engine.updateValues(node, methodCaller(node).data, [], [], []);
      }
    } catch (err) {
      reportException(err);
    }
  }

  /** A behaviour that keeps the live instances of `file` while it waits for deferred components. */
  private waitingBehavior(file: string): string {
    const live = this.waiting.get(file) ?? new Set<ExNode>();
    this.waiting.set(file, live);
    const nodeOf = (caller: { _exparserNode?: ExNode }) => caller._exparserNode ?? caller;
    return framework().jComponent.behavior({
      lifetimes: {
        created(this: { _exparserNode?: ExNode }) {
          live.add(nodeOf(this));
        },
        detached(this: { _exparserNode?: ExNode }) {
          live.delete(nodeOf(this));
        },
      },
    }) as string;
  }

  private define(def: Def, ctor: 'page' | 'component'): void {
    const p = this.pending;
    if (!p) throw new Error(`${ctor === 'page' ? 'Page' : 'Component'}() called outside of a page/component module`);
    const id = this.idFor(p.file);
    let definition: Def;
    const extras: Def = {};
    if (ctor === 'page') {
      // Page() -> exparser component: every function becomes a method (so lifecycle hooks and
      // handlers are reachable on the instance), other non-data fields are per-instance copies.
      const methods: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def)) {
        if (typeof v === 'function') methods[k] = v;
        else if (!PAGE_HOOKS.has(k)) extras[k] = v;
      }
      definition = { data: def.data ?? {}, methods, behaviors: def.behaviors, options: def.options };
    } else {
      definition = { ...def };
    }
    if (Array.isArray(definition.behaviors)) definition.behaviors = definition.behaviors.map(builtinBehavior);
    if (p.deferred.length) definition.behaviors = [...((definition.behaviors as unknown[]) ?? []), this.waitingBehavior(p.file)];
    // `hidden` works on custom component hosts too (display:none on the host), unless the
    // component declares its own `hidden` property.
    const props = { ...((definition.properties as Def) ?? {}) };
    if (!('hidden' in props) && ctor === 'component') {
      props.hidden = { type: Boolean, value: false, observer: '__hostHiddenChanged' };
      definition.properties = props;
      definition.methods = {
        ...((definition.methods as Def) ?? {}),
        __hostHiddenChanged(this: { $$?: Element }, v: boolean) {
          if (v) this.$$?.setAttribute('hidden', '');
          else this.$$?.removeAttribute('hidden');
        },
      };
    }
    if (definition.relations && typeof definition.relations === 'object') {
      // relations are keyed by component path (relative to this file); exparser wants ids.
      const mapped: Record<string, unknown> = {};
      for (const [key, rel] of Object.entries(definition.relations as Record<string, Def>)) {
        const target = key.startsWith('/') ? path.join(this.root, key) : path.resolve(path.dirname(p.file), key);
        const targetId = this.idFor(target);
        mapped[targetId] = { ...rel, target: targetId };
      }
      definition.relations = mapped;
    }
    const options = { ...((definition.options as Def) ?? {}), classPrefix: p.tagName === 'page' ? '' : p.tagName };
    framework().jComponent.register({
      ...definition,
      id,
      path: p.file,
      tagName: p.tagName,
      template: p.template,
      usingComponents: p.using,
      options,
    });
    this.prefixes.set(p.file, options.classPrefix);
    p.result = { id, file: p.file, kind: ctor, extras };
  }
}
