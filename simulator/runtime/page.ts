// One live page: an exparser root component rendered into its own container, plus the
// base-library page fields (route, options, __wxWebviewId__) on the method caller (`this`).
import { framework, methodCaller, isComponent, type Caller, type ExNode } from '../render/framework';
import { deepClone, type Registered } from './registry';
import { callHook } from './events';
import { emptySetDataStats, recordSetData, type SetDataStats } from '../render/audit';

let webviewSeq = 0;

export class PageInstance {
  readonly webviewId = ++webviewSeq;
  readonly root: ExNode;
  readonly node: ExNode;
  readonly caller: Caller;
  readonly container: HTMLElement;
  /** this tab page's own instance of the custom tab bar (app.json `tabBar.custom`) */
  readonly tabBar: ExNode | undefined;
  alive = true;
  /** the page's own setData calls (their payload sizes), for the audit */
  readonly setDataStats: SetDataStats = emptySetDataStats();

  constructor(
    readonly route: string,
    readonly query: Record<string, string>,
    readonly reg: Registered,
    tabBarReg?: Registered,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    const { jComponent, exparser } = framework();
    this.root = jComponent.create(reg.id, {});
    this.node = this.root._exparserNode;
    this.caller = methodCaller(this.node);
    const setData = this.caller.setData;
    const stats = this.setDataStats;
    this.caller.setData = function (this: Caller, data: Record<string, unknown>, cb?: () => void) {
      recordSetData(stats, data);
      return setData.call(this, data, cb);
    };
    const c = this.caller as Record<string, unknown>;
    for (const [k, v] of Object.entries(reg.extras)) c[k] = deepClone(v);
    c.route = route;
    c.__route__ = route;
    c.options = query;
    c.__wxWebviewId__ = this.webviewId;
    c.__wxExparserNodeId__ = `page-${this.webviewId}`;
    c.is = route;
    this.container = document.createElement('wx-page-wrapper');
    this.container.setAttribute('data-route', route);
    document.body.appendChild(this.container);
    this.container.appendChild(this.root.dom);
    // The base library gives every tab page its own custom tab bar, rendered over the page's
    // bottom edge and reachable with this.getTabBar().
    if (tabBarReg) {
      const bar = jComponent.create(tabBarReg.id, {});
      this.tabBar = bar._exparserNode;
      this.container.appendChild(bar.dom);
    }
    c.getTabBar = () => (this.tabBar ? methodCaller(this.tabBar) : null);
    exparser.Element.pretendAttached(this.node);
    if (this.tabBar) exparser.Element.pretendAttached(this.tabBar);
  }

  /** onLoad -> onShow; the caller then settles and calls ready(). */
  load(): void {
    this.call('onLoad', this.query);
    this.show();
  }

  ready(): void {
    const visit = (node: ExNode): void => {
      if (isComponent(node) && node.shadowRoot) visit(node.shadowRoot);
      for (const child of node.childNodes ?? []) if (child.childNodes) visit(child);
      if (isComponent(node)) node.triggerLifeTime('ready', []);
    };
    visit(this.node);
    if (this.tabBar) visit(this.tabBar);
    this.call('onReady');
  }

  show(): void {
    this.container.style.display = '';
    this.call('onShow');
    this.pageLifetime('show');
  }

  hide(): void {
    this.call('onHide');
    this.pageLifetime('hide');
    this.container.style.display = 'none';
  }

  unload(): void {
    if (!this.alive) return;
    this.alive = false;
    this.call('onUnload');
    framework().exparser.Element.pretendDetached(this.node);
    if (this.tabBar) framework().exparser.Element.pretendDetached(this.tabBar);
    this.container.remove();
  }

  /** Calls a page hook. Like the base library, an exception in app code is reported (console,
   *  App.onError, the automator's exceptionThrown) and the page carries on. */
  call(method: string, ...args: unknown[]): unknown {
    return callHook(this.caller as Record<string, unknown>, method, args, (err) => this.onError(err));
  }

  /** pageLifetimes: exparser propagates a page lifetime from the page root to every component. */
  private pageLifetime(name: string): void {
    this.node.triggerPageLifeTime(name, []);
    this.tabBar?.triggerPageLifeTime(name, []);
  }
}
