// Page.* domain: selectors, page data, page methods, window properties.
import { settle } from '../runtime/settle';
import { querySelectorAll, matchesSelf } from '../render/selector';
import type { PageInstance } from '../runtime/page';
import { xpathAll } from '../render/xpath';
import { describe } from './elements';
import { safeGet } from './path';
import { findPage, ProtocolError, type Handler } from './context';

function xpath(root: unknown, expr: unknown) {
  try {
    return xpathAll(root, String(expr));
  } catch (err) {
    throw new ProtocolError(err instanceof Error ? err.message : String(err));
  }
}

function select(scope: unknown, selector: unknown) {
  try {
    return querySelectorAll(scope, String(selector));
  } catch (err) {
    throw new ProtocolError(err instanceof Error ? err.message : String(err));
  }
}

/** The page's tree, then its custom tab bar (drawn over the page, selectable as `custom-tab-bar`). */
function selectInPage(page: PageInstance, selector: unknown) {
  const hits = select(page.node.shadowRoot, selector);
  if (page.tabBar && matchesSelf(page.tabBar, String(selector))) hits.push(page.tabBar);
  return hits;
}

export const pageHandlers: Record<string, Handler> = {
  'Page.getElement': (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    const hit = selectInPage(page, p.selector)[0];
    if (!hit) throw new ProtocolError(`element not found: ${String(p.selector)}`);
    return describe(hit);
  },
  'Page.getElements': (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    return { elements: selectInPage(page, p.selector).map(describe) };
  },
  'Page.getData': (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    const data = { ...page.caller.data };
    delete data.__webviewId__;
    return { data: safeGet(JSON.parse(JSON.stringify(data)), p.path) };
  },
  'Page.setData': async (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    await new Promise<void>((resolve) => page.caller.setData((p.data as Record<string, unknown>) ?? {}, resolve));
    await settle();
    return {};
  },
  'Page.callMethod': async (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    const method = String(p.method);
    const fn = page.caller[method];
    if (typeof fn !== 'function') throw new ProtocolError(`page.${method} not exists`);
    const result = await (fn as (...a: unknown[]) => unknown).apply(page.caller, (p.args as unknown[]) ?? []);
    await settle();
    return { result };
  },
  'Page.getWindowProperties': async (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    const names = (p.names as string[]) ?? [];
    // Page scroll position is simulator state (pageScrollTo), not something the mirror has.
    const scroll = ['document.body.scrollTop', 'document.documentElement.scrollTop'];
    if (names.every((n) => scroll.includes(n))) return { properties: names.map(() => Number((page.caller as Record<string, unknown>).__scrollTop ?? 0)) };
    const layout = await ctx.layout();
    return { properties: await layout.windowProperties(page, names) };
  },
  'Page.getElementByXpath': (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    const hit = xpath(page.node, p.selector)[0];
    if (!hit) throw new ProtocolError(`element not found: ${String(p.selector)}`);
    return describe(hit);
  },
  'Page.getElementsByXpath': (p, ctx) => {
    const page = findPage(ctx, p.pageId);
    return { elements: xpath(page.node, p.selector).map(describe) };
  },
};
