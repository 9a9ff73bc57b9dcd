// Lazily started layout/paint mode (docs/reference/automator-protocol.md §8.5): the current page's composed DOM is mirrored into
// headless Chromium with the official wcsc CSS, then measured or screenshotted there. The mirror is
// rebuilt only when the jsdom tree changed (MutationObserver), so repeated queries are cheap.
import type { Browser, Page } from 'playwright-core';
import type { Simulator } from '../simulator';
import type { PageInstance } from '../runtime/page';
import type { LayoutService } from '../protocol/context';
import type { ExNode } from '../render/framework';
import { SCREEN } from '../wx/system';
import { setLayoutProvider } from '../wx/query';
import { launchChromium } from './browser';
import { buildMirror, mirrorDocument, sid } from './mirror';
import { SETTLED_CSS } from './styles';

export class ChromiumLayout implements LayoutService {
  private shown: { page: PageInstance; version: number } | undefined;
  private version = 0;
  private observer: MutationObserver;

  private constructor(
    private readonly sim: Simulator,
    private readonly browser: Browser,
    private readonly tab: Page,
  ) {
    // Any DOM change in the simulator invalidates the mirror.
    this.observer = new window.MutationObserver(() => this.version++);
    this.observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true, attributeFilter: undefined });
    setLayoutProvider(() => undefined);
  }

  static async start(sim: Simulator): Promise<ChromiumLayout> {
    const browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: SCREEN.width, height: SCREEN.height - SCREEN.statusBarHeight - SCREEN.navHeight }, deviceScaleFactor: SCREEN.pixelRatio });
    const tab = await context.newPage();
    return new ChromiumLayout(sim, browser, tab);
  }

  /** Mirrors `page` into Chromium unless it is already showing this page at this DOM version. */
  private async sync(page: PageInstance): Promise<void> {
    if (this.shown && this.shown.page === page && this.shown.version === this.version) return;
    const mirror = buildMirror(this.sim, page);
    this.version++; // stamping data-sid attributes is itself a mutation
    await this.tab.setContent(mirrorDocument({ ...mirror, styles: [] }, `<style>${SETTLED_CSS}</style>`));
    for (const script of mirror.styles) await this.tab.addScriptTag({ content: script });
    this.shown = { page, version: this.version };
  }

  private selectorFor(node: ExNode): string {
    return `[data-sid="${sid(node)}"]`;
  }

  async screenshot(): Promise<string> {
    const page = this.sim.app.router.current();
    if (!page) throw new Error('no page to capture');
    await this.sync(page);
    const buf = await this.tab.screenshot({ type: 'png' });
    return buf.toString('base64');
  }

  async domProperties(page: PageInstance, node: ExNode, names: string[]): Promise<unknown[]> {
    const sel = this.selectorFor(node);
    await this.sync(page);
    return this.tab.evaluate(
      ({ sel, names }) => {
        const el = document.querySelector(sel) as unknown as Record<string, unknown> | null;
        return names.map((n) => (el ? el[n] : null));
      },
      { sel, names },
    );
  }

  async offset(page: PageInstance, node: ExNode): Promise<{ left: number; top: number }> {
    const sel = this.selectorFor(node);
    await this.sync(page);
    return this.tab.evaluate((sel) => {
      const el = document.querySelector(sel);
      if (!el) return { left: 0, top: 0 };
      const r = el.getBoundingClientRect();
      return { left: r.left + window.scrollX, top: r.top + window.scrollY };
    }, sel);
  }

  async styles(page: PageInstance, node: ExNode, names: string[]): Promise<string[]> {
    const sel = this.selectorFor(node);
    await this.sync(page);
    return this.tab.evaluate(
      ({ sel, names }) => {
        const el = document.querySelector(sel);
        if (!el) return names.map(() => '');
        const cs = getComputedStyle(el);
        return names.map((n) => (n.includes('-') ? cs.getPropertyValue(n) : String((cs as unknown as Record<string, unknown>)[n] ?? '')));
      },
      { sel, names },
    );
  }

  async windowProperties(page: PageInstance, names: string[]): Promise<unknown[]> {
    await this.sync(page);
    return this.tab.evaluate((names) => names.map((n) => n.split('.').reduce<unknown>((o, k) => (o == null ? undefined : (o as Record<string, unknown>)[k]), window)), names);
  }

  async close(): Promise<void> {
    this.observer.disconnect();
    await this.browser.close();
  }
}
