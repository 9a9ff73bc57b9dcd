// The simulator core: one project, one simulated phone. Owns the compiled templates, the
// process-wide state (users, storage, native chrome) and the current app run, and implements the
// launch controls (cold start with any scene, hot start, user switch, QR scan) that tests reach
// through the `__headless__` global (miniProgram.evaluate) or the Tool.* extension methods.
import { readProject, activeCondition, type Project } from './build/project';
import { compileWxml, type Gwx } from './build/wxml';
import { AppRuntime } from './runtime/app';
import { CONNECTIONS, SimState, type EnterOptions } from './runtime/state';
import { parseQuery } from './runtime/url';
import { settle, track } from './runtime/settle';
import { setAssetRoot } from './render/assets';
import { installDom } from './env/dom';
import { setAppRoot } from './runtime/events';
import { auditTree } from './render/audit';

export interface SimulatorOptions {
  projectPath: string;
  cloudUrl?: string;
  openid?: string;
  autoModal?: 'confirm' | 'cancel';
  /** launch overrides (CLI flags / env), applied over the compile condition */
  launch?: Partial<LaunchRequest>;
}

export interface LaunchRequest {
  scene: number;
  path: string;
  /** object, or a query string ("a=1&scene=pid%3D2"); values stay URL-encoded as on a phone */
  query: Record<string, string> | string;
  shareTicket?: string;
  referrerInfo?: { appId?: string; extraData?: unknown };
}

export interface QrPayload { page: string; scene: string }

export class Simulator {
  readonly project: Project;
  readonly state: SimState;
  private gwx: Gwx;
  app!: AppRuntime;
  /** set when the last (re)launch threw, e.g. a syntax error in app.ts */
  launchError: Error | undefined;
  /** the picker the user last opened by tapping; answered with __headless__.selectPicker */
  openPicker: unknown;

  constructor(readonly options: SimulatorOptions) {
    installDom();
    this.project = readProject(options.projectPath);
    setAssetRoot(this.project.root);
    setAppRoot(this.project.root);
    this.gwx = compileWxml(this.project.root, this.project.appJson.usingComponents ?? {});
    this.state = new SimState({ openid: options.openid, cloudUrl: options.cloudUrl, autoModal: options.autoModal });
  }

  /** The launch DevTools would do: compile condition, then env/CLI overrides, else home + 1001. */
  defaultLaunch(): EnterOptions {
    const cond = activeCondition(this.project.config);
    const base: LaunchRequest = {
      scene: cond?.scene ? Number(cond.scene) : 1001,
      path: cond?.pathName ?? this.project.appJson.entryPagePath ?? this.project.pages[0],
      query: cond?.query ?? '',
      shareTicket: cond?.shareTicket,
      referrerInfo: cond?.referrerInfo,
    };
    return this.normalize({ ...base, ...(this.options.launch ?? {}) });
  }

  normalize(req: Partial<LaunchRequest>): EnterOptions {
    const query = typeof req.query === 'string' ? parseQuery(req.query) : { ...(req.query ?? {}) };
    const out: EnterOptions = {
      path: String(req.path ?? this.project.pages[0]).replace(/^\//, '').replace(/\?.*$/, ''),
      query,
      scene: Number(req.scene ?? 1001),
      referrerInfo: req.referrerInfo ?? {},
      apiCategory: 'default',
    };
    if (req.shareTicket) out.shareTicket = req.shareTicket;
    // "pages/x?y=1" as path: the query part joins the query like the compile condition would.
    const qi = String(req.path ?? '').indexOf('?');
    if (qi >= 0) Object.assign(out.query, parseQuery(String(req.path).slice(qi + 1)));
    return out;
  }

  /** Cold start: unload everything, fresh modules/App, App.onLaunch with these options. */
  async relaunch(req: Partial<LaunchRequest> = {}): Promise<EnterOptions> {
    const opts = Object.keys(req).length ? this.normalize(req) : this.defaultLaunch();
    this.app?.exit();
    this.state.native = SimState.freshNative();
    this.app = new AppRuntime(this.project, this.state, this.gwx, { __headless__: this.controls() });
    this.launchError = undefined;
    await this.app.launch(opts);
    return opts;
  }

  /** Hot start: background (page onHide, App.onHide), then App.onShow(new options) and the target page. */
  async hotStart(req: Partial<LaunchRequest>): Promise<EnterOptions> {
    const opts = this.normalize(req);
    this.app.background();
    await this.app.enterForeground(opts);
    return opts;
  }

  /** A scanned mini-program code: scene 1047 with `scene` in the query, URL-encoded. */
  async scanQr(payload: QrPayload, mode: 'cold' | 'hot' = 'cold'): Promise<EnterOptions> {
    const req = { scene: 1047, path: payload.page, query: { scene: encodeURIComponent(payload.scene) } };
    return mode === 'hot' ? this.hotStart(req) : this.relaunch(req);
  }

  /**
   * A share as WeChat makes it, from a `<button open-type="share">` or the ⋯ menu: the page's
   * onShareAppMessage, with a returned `promise` awaited for up to 3 s (then the plain fields are used).
   * The card's content is recorded as `native().lastShare`.
   */
  share(from: 'button' | 'menu', target?: { id?: string; dataset?: Record<string, unknown> }): Promise<Record<string, unknown> | null> {
    const work = (async () => {
      const raw = this.app.router.current()?.call('onShareAppMessage', target ? { from, target, webViewUrl: '' } : { from, webViewUrl: '' });
      let content: Record<string, unknown> | null = raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : null;
      const promise = content?.promise as PromiseLike<unknown> | undefined;
      if (content) delete content.promise;
      if (promise && typeof promise.then === 'function') {
        const late = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000).unref());
        const resolved = await Promise.race([Promise.resolve(promise).catch(() => undefined), late]);
        if (resolved && typeof resolved === 'object') content = { ...content, ...(resolved as Record<string, unknown>) };
      }
      this.state.native.lastShare = { from, result: content };
      return content;
    })();
    return track(work);
  }

  async switchUser(openid: string, opts: { relaunch?: boolean } = {}): Promise<void> {
    this.state.openid = openid;
    if (opts.relaunch) await this.relaunch();
  }

  /** The `__headless__` global inside AppService (reachable with miniProgram.evaluate). */
  controls(): Record<string, unknown> {
    return {
      relaunch: (req?: Partial<LaunchRequest>) => this.relaunch(req ?? {}).then(() => undefined),
      hotStart: (req: Partial<LaunchRequest>) => this.hotStart(req).then(() => undefined),
      enterForeground: (req: Partial<LaunchRequest>) => this.hotStart(req).then(() => undefined),
      relaunchApp: (req?: Partial<LaunchRequest>) => this.relaunch(req ?? {}).then(() => undefined),
      scanQr: (payload: QrPayload, mode?: 'cold' | 'hot') => this.scanQr(payload, mode).then(() => undefined),
      switchUser: (openid: string, opts?: { relaunch?: boolean }) => this.switchUser(openid, opts),
      shareFromMenu: () => this.share('menu'),
      getUser: () => this.state.openid,
      setCloudUrl: (url: string) => void (this.state.cloudUrl = url),
      setAutoModal: (policy?: 'confirm' | 'cancel') => void (this.state.autoModal = policy),
      /** The phone's connection while online (wx.getNetworkType): 'wifi' (the default), '4g', ... */
      setNetworkType: (type: string) => {
        const connection = CONNECTIONS.find((c) => c === type);
        if (!connection) throw new Error(`setNetworkType: "${type}" is none of ${CONNECTIONS.join(', ')}`);
        if (this.state.connection === connection) return;
        this.state.connection = connection;
        this.state.onNetworkChange?.();
      },
      setPaymentPolicy: (policy: 'confirm' | 'cancel' | 'pending') => void (this.state.paymentPolicy = policy),
      /** The current user's privacy consent: false = a user who never agreed (the popup shows again). */
      setPrivacyAgreed: (agreed: boolean) => void (agreed ? this.state.privacyAgreed.add(this.state.openid) : this.state.privacyAgreed.delete(this.state.openid)),
      setPrivacyPopupAnswer: (answer: 'agree' | 'disagree') => void (this.state.privacyPopupAnswer = answer),
      /** What the confirm-receipt component (wx.openBusinessView weappOrderConfirm) answers next. */
      setOrderConfirmAnswer: (answer: 'success' | 'cancel' | 'fail') => void (this.state.orderConfirmAnswer = answer),
      /** What the user answers in the subscribe-message dialog: one answer for every template, or per template id (`*` for the rest). */
      setSubscribeAnswer: (answer: 'accept' | 'reject' | 'ban' | Record<string, 'accept' | 'reject' | 'ban'>) =>
        void (this.state.subscribeAnswers = typeof answer === 'string' ? { '*': answer } : { '*': 'accept', ...answer }),
      native: () => JSON.parse(JSON.stringify(this.state.native)),
      advanceTime: (ms: number) => this.app.timers.advance(ms),
      reachBottom: () => void this.app.router.current()?.call('onReachBottom'),
      /** The last cold start's timing (AppRuntime.launchTiming): launch to the entry page's first render. */
      launchTiming: () => (this.app.launchTiming ? { ...this.app.launchTiming } : undefined),
      audit: () => {
        const page = this.app.router.current();
        if (!page) throw new Error('no page to audit');
        return { route: page.route, ...auditTree(page.container), setData: { ...page.setDataStats } };
      },
      pullDownRefresh: () => {
        // the user's pull gesture: indicator on, then the page hook (which should stop it)
        this.state.native.pullDownRefreshing = true;
        this.app.router.current()?.call('onPullDownRefresh');
      },
      tapActionSheet: (index: number) => this.state.native.actionSheet?.resolve({ tapIndex: index }),
      settle: () => settle(),
      selectPicker: (value: unknown) => {
        const node = this.openPicker as { __methodCaller?: { setData(d: unknown): void; triggerEvent(n: string, d: unknown): void } } | undefined;
        if (!node?.__methodCaller) throw new Error('no picker is open');
        this.openPicker = undefined;
        node.__methodCaller.setData({ value });
        node.__methodCaller.triggerEvent('change', { value });
      },
      cancelPicker: () => {
        const node = this.openPicker as { __methodCaller?: { triggerEvent(n: string, d: unknown): void } } | undefined;
        this.openPicker = undefined;
        node?.__methodCaller?.triggerEvent('cancel', {});
      },
    };
  }
}
