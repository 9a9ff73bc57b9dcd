// The page stack with base-library semantics: limit 10, tabBar instances kept alive across
// switchTab, lifecycle order (onHide/onUnload of the old page before the new page loads), and the
// real errMsg reasons for invalid routes.
import { WxFail } from '../wx/convention';
import type { PageInstance } from './page';
import { resolveUrl } from './url';
import { EventChannel } from './event-channel';

export const STACK_LIMIT = 10;

export interface RouterHost {
  pages: string[];
  tabPages: string[];
  createPage(route: string, query: Record<string, string>): PageInstance;
  /** flushes rendering; called before onReady */
  afterRender(): Promise<void>;
}

export class Router {
  stack: PageInstance[] = [];
  private tabs = new Map<string, PageInstance>();

  constructor(private readonly host: RouterHost) {}

  current(): PageInstance | undefined {
    return this.stack[this.stack.length - 1];
  }

  private check(api: string, url: unknown): { route: string; query: Record<string, string> } {
    if (typeof url !== 'string' || !url) throw new WxFail('parameter error: parameter.url should be String instead of Undefined;');
    const { route, query } = resolveUrl(url, this.current()?.route);
    if (!this.host.pages.includes(route)) throw new WxFail(`page "${route}" is not found`);
    void api;
    return { route, query };
  }

  private isTab(route: string): boolean {
    return this.host.tabPages.includes(route);
  }

  /** Creates the page first (its script may throw), then runs `leave` for the old page and loads. */
  private async open(route: string, query: Record<string, string>, channel = new EventChannel(), leave?: () => void): Promise<PageInstance> {
    const page = this.host.createPage(route, query);
    leave?.();
    (page.caller as Record<string, unknown>).getOpenerEventChannel = () => channel;
    this.stack.push(page);
    if (this.isTab(route)) this.tabs.set(route, page);
    page.load();
    await this.host.afterRender();
    page.ready();
    return page;
  }

  /** Removes a page from the stack; tab pages stay alive (hidden) unless `destroyTabs`. */
  private drop(page: PageInstance, destroyTabs: boolean): void {
    if (this.isTab(page.route) && !destroyTabs && this.tabs.get(page.route) === page) {
      page.hide();
      return;
    }
    if (this.tabs.get(page.route) === page) this.tabs.delete(page.route);
    page.unload();
  }

  async launch(route: string, query: Record<string, string>): Promise<void> {
    await this.open(route, query);
  }

  async navigateTo(url: unknown, events?: Record<string, unknown>): Promise<EventChannel> {
    const { route, query } = this.check('navigateTo', url);
    if (this.isTab(route)) throw new WxFail('can not navigateTo a tabbar page');
    if (this.stack.length >= STACK_LIMIT) throw new WxFail('webview count limit exceed');
    const [opener, pageSide] = EventChannel.pair(events);
    const old = this.current();
    await this.open(route, query, pageSide, () => old?.hide());
    return opener;
  }

  async redirectTo(url: unknown): Promise<void> {
    const { route, query } = this.check('redirectTo', url);
    if (this.isTab(route)) throw new WxFail('can not redirectTo a tabbar page');
    await this.open(route, query, undefined, () => {
      const old = this.stack.pop();
      if (old) this.drop(old, true);
    });
  }

  async navigateBack(delta: unknown): Promise<void> {
    const n = Math.max(1, Number(delta) || 1);
    if (this.stack.length <= 1) throw new WxFail('cannot navigate back at first page.');
    const pops = Math.min(n, this.stack.length - 1);
    for (let i = 0; i < pops; i++) {
      const page = this.stack.pop();
      if (page) this.drop(page, true);
    }
    this.current()?.show();
  }

  async reLaunch(url: unknown): Promise<void> {
    const { route, query } = this.check('reLaunch', url);
    this.unloadAll();
    await this.open(route, query);
  }

  async switchTab(url: unknown): Promise<void> {
    if (typeof url !== 'string' || !url) throw new WxFail('parameter error: parameter.url should be String instead of Undefined;');
    const { route } = resolveUrl(url, this.current()?.route);
    if (!this.host.pages.includes(route)) throw new WxFail(`page "${route}" is not found`);
    if (!this.isTab(route)) throw new WxFail('can not switch to no-tabBar page');
    const cur = this.current();
    if (cur && cur.route === route && this.stack.length === 1) return;
    // Non-tab pages unload; the current tab page is hidden but kept.
    while (this.stack.length) {
      const page = this.stack.pop() as PageInstance;
      if (this.isTab(page.route) && this.tabs.get(page.route) === page) {
        if (page === cur) page.hide();
      } else page.unload();
    }
    const existing = this.tabs.get(route);
    if (existing) {
      this.stack.push(existing);
      existing.show();
      return;
    }
    await this.open(route, {});
  }

  /** Stack pages plus hidden tab pages that are kept alive. */
  alivePages(): PageInstance[] {
    return [...new Set([...this.stack, ...this.tabs.values()])].filter((p) => p.alive);
  }

  unloadAll(): void {
    while (this.stack.length) (this.stack.pop() as PageInstance).unload();
    for (const page of this.tabs.values()) page.unload();
    this.tabs.clear();
  }
}
