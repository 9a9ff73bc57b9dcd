// One run of the mini program (cold start to exit): module system, component registry, App
// instance, router and wx. A cold start (relaunch) builds a new AppRuntime; the SimState
// (storage per user, native chrome) carries over like on a phone.
import { EventEmitter } from 'events';
import { ModuleSystem, type FrameworkGlobals } from '../build/modules';
import { PackageMap } from '../build/packages';
import type { Gwx } from '../build/wxml';
import type { Project } from '../build/project';
import { framework } from '../render/framework';
import { registerBuiltins } from '../render/builtins';
import { createWx, type Wx } from '../wx';
import { Registry } from './registry';
import { PackageLoader } from './package-loader';
import { PageInstance } from './page';
import { Router } from './router';
import { track, settle } from './settle';
import { callHook, makeConsole, reportException } from './events';
import { AppTimers } from './timers';
import type { EnterOptions, SimState } from './state';

type AppDef = Record<string, unknown> & { globalData?: Record<string, unknown> };

let generationSeq = 0;
let errorListenerInstalled = false;
let currentApp: AppRuntime | undefined;

export function activeApp(): AppRuntime | undefined {
  return currentApp;
}

export class AppRuntime {
  readonly generation = ++generationSeq;
  readonly modules: ModuleSystem;
  readonly registry: Registry;
  readonly router: Router;
  readonly wx: Wx;
  readonly console = makeConsole();
  readonly appEvents = new EventEmitter();
  readonly timers = new AppTimers((err) => {
    reportException(err);
    this.reportError(err);
  });
  appInstance: AppDef | undefined;
  exited = false;
  /**
   * Cold start timing, in ms from the start of launch (app.js about to load): `firstRenderMs` when the
   * entry page has loaded its scripts and components, rendered and run onReady; `settledMs` when its
   * first cloud calls have answered and their data is rendered (the catalog's first products).
   * `modules` counts the script files evaluated by then. Wall-clock on this machine, for comparison
   * within one run, not a phone's figure.
   */
  launchTiming: { route: string; firstRenderMs: number; settledMs: number; modules: number } | undefined;
  private globals: FrameworkGlobals;

  constructor(
    readonly project: Project,
    readonly state: SimState,
    gwx: Gwx,
    extraGlobals: FrameworkGlobals = {},
  ) {
    registerBuiltins();
    installErrorListener();
    this.router = new Router({
      pages: project.pages,
      tabPages: project.tabPages,
      createPage: (route, query) => {
        try {
          const tabBar = project.appJson.tabBar?.custom && project.tabPages.includes(route) ? this.registry.loadTabBar() : undefined;
          return new PageInstance(route, query, this.registry.loadPage(route), tabBar, (err) => this.reportError(err));
        } catch (err) {
          // a page whose script throws while loading: surface it like DevTools' console does
          reportException(err);
          throw err;
        }
      },
      afterRender: () => new Promise((r) => setImmediate(r)),
    });
    this.wx = createWx({ state, router: this.router, track, appJson: project.appJson, root: project.root, appEvents: this.appEvents, libVersion: project.config.libVersion,
      returnFromOtherApp: async (opts) => {
        if (this.exited) return;
        this.background();
        await this.enterForeground(opts);
      },
    });
    const packages = new PackageMap(project.root, project.appJson);
    // SIM_SUBPACKAGE_LOAD_MS: a slower "download", to look at placeholders in the preview
    const loader = new PackageLoader(packages, project.appJson, () => state.networkType(), Number(process.env.SIM_SUBPACKAGE_LOAD_MS) || undefined);
    this.modules = new ModuleSystem(project.root, () => this.globals, packages, loader);
    this.registry = new Registry(project.root, gwx, this.modules, project.appJson.usingComponents ?? {}, this.generation, packages, loader);
    const ctors = this.registry.constructors();
    this.globals = {
      App: (def: AppDef) => {
        this.appInstance = def;
      },
      Page: ctors.Page,
      Component: ctors.Component,
      Behavior: ctors.Behavior,
      wx: this.wx,
      getApp: () => this.appInstance,
      getCurrentPages: () => this.router.stack.map((p) => p.caller),
      requirePlugin: (name: string) => {
        throw new Error(`plugin "${name}" is not supported by the simulator`);
      },
      console: this.console,
      ...this.timers.globals(),
      __wxConfig: { envVersion: 'develop', platform: 'devtools', pages: project.pages },
      // AppService is no Node process: libraries that sniff for Node (`typeof process`) must take
      // their mini-program path, as on a phone.
      process: undefined,
      Buffer: undefined,
      ...extraGlobals,
    };
  }

  /** Globals visible to App.callFunction (evaluate) as well. */
  frameworkGlobals(): FrameworkGlobals {
    return this.globals;
  }

  callApp(hook: string, ...args: unknown[]): unknown {
    return callHook(this.appInstance as Record<string, unknown> | undefined, hook, args, (err) => this.reportError(err));
  }

  reportError(err: unknown): void {
    const msg = err instanceof Error ? err.stack ?? err.message : String(err);
    if (typeof this.appInstance?.onError === 'function') (this.appInstance.onError as (m: string) => void).call(this.appInstance, msg);
    this.appEvents.emit('Error', msg);
  }

  /** Cold start: App.onLaunch -> App.onShow -> first page onLoad -> onShow -> onReady. */
  async launch(opts: EnterOptions): Promise<void> {
    currentApp = this;
    const started = performance.now();
    this.state.launchOptions = { ...opts, query: { ...opts.query } };
    this.state.enterOptions = { ...opts, query: { ...opts.query } };
    const appScript = this.modules.resolve('./app', this.project.root);
    if (appScript) this.modules.load(appScript);
    this.callApp('onLaunch', clone(opts));
    this.callApp('onShow', clone(opts));
    let route = opts.path.replace(/^\//, '');
    if (!this.project.pages.includes(route)) {
      if (route) this.callApp('onPageNotFound', { path: route, query: opts.query, isEntryPage: true });
      route = this.project.appJson.entryPagePath?.replace(/^\//, '') ?? this.project.pages[0];
    }
    await this.router.launch(route, opts.query);
    const firstRenderMs = performance.now() - started;
    await settle();
    this.launchTiming = { route, firstRenderMs, settledMs: performance.now() - started, modules: this.modules.loadedCount() };
  }

  /** Hot start: App.onShow(new options) -> current page onShow; optionally lands on a page. */
  async enterForeground(opts: EnterOptions): Promise<void> {
    this.state.enterOptions = { ...opts, query: { ...opts.query } };
    this.callApp('onShow', clone(opts));
    this.appEvents.emit('AppShow', clone(opts));
    const target = opts.path.replace(/^\//, '');
    const cur = this.router.current();
    if (target && cur && cur.route !== target && this.project.pages.includes(target)) {
      const qs = Object.entries(opts.query).map(([k, v]) => `${k}=${v}`).join('&');
      const url = '/' + target + (qs ? '?' + qs : '');
      // Like the client: a tab target is switched to, other targets relaunch the page stack.
      if (this.project.tabPages.includes(target)) await this.router.switchTab(url);
      else await this.router.reLaunch(url);
    } else cur?.show();
    await settle();
  }

  background(): void {
    this.router.current()?.hide();
    this.callApp('onHide');
    this.appEvents.emit('AppHide');
  }

  exit(): void {
    if (this.exited) return;
    this.exited = true;
    this.router.unloadAll();
    this.timers.clearAll();
    if (currentApp === this) currentApp = undefined;
  }
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function installErrorListener(): void {
  if (errorListenerInstalled) return;
  errorListenerInstalled = true;
  // exparser catches exceptions in handlers/lifetimes/observers and reports them here; real
  // DevTools surfaces them as App.exceptionThrown and App.onError.
  framework().exparser.addGlobalErrorListener((err: unknown) => {
    reportException(err);
    currentApp?.reportError(err);
    return false;
  });
}

