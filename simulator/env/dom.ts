// Installs a jsdom window as the process globals BEFORE miniprogram-exparser / j-component load:
// exparser creates its backing DOM nodes through the global `document`, and Node >= 18 ships its
// own Event/CustomEvent which jsdom's dispatchEvent rejects, so those must be jsdom's too.
import { JSDOM } from 'jsdom';

let installed: JSDOM | undefined;

export function installDom(): JSDOM {
  if (installed) return installed;
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    pretendToBeVisual: true,
    url: 'https://servicewechat.com/',
  });
  const g = globalThis as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  g.window = dom.window;
  g.document = dom.window.document;
  for (const name of ['Event', 'CustomEvent', 'Node', 'Element', 'HTMLElement', 'DocumentFragment', 'MutationObserver', 'getComputedStyle', 'navigator']) {
    try {
      Object.defineProperty(g, name, { value: win[name], configurable: true, writable: true });
    } catch {
      /* some globals (navigator) are getters on Node 21+; the window copy is enough then */
    }
  }
  // j-component's touch path constructs `new Touch(...)`; jsdom has no Touch.
  class Touch {
    constructor(init: Record<string, unknown>) {
      Object.assign(this, init);
    }
  }
  g.Touch = Touch;
  win.Touch = Touch;
  // wcc output checks this to pick its template engine generation.
  win.__webview_engine_version__ = 0.02;
  installed = dom;
  return dom;
}
