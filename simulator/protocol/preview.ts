// Stand-in extension methods used by the browser preview (simulator/preview.ts): a snapshot of
// the current page as a standalone document, and user input mapped back onto exparser nodes.
import { settle } from '../runtime/settle';
import { buildMirror, mirrorDocument, nodeBySid } from '../chromium/mirror';
import { inputText, tapDefaultAction, tapBlocked } from '../render/actions';
import { dispatch } from '../render/events';
import { actionHost } from './element';
import { ProtocolError, type Handler } from './context';

let version = 0;
let observer: MutationObserver | undefined;
function domVersion(): number {
  if (!observer) {
    observer = new window.MutationObserver(() => version++);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  return version;
}

// In the preview document: forward taps and typing to the parent frame.
const BRIDGE = `<script>
document.addEventListener('click', function (e) {
  var el = e.target.closest && e.target.closest('[data-sid]');
  if (el && !(e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) parent.postMessage({ type: 'tap', sid: el.getAttribute('data-sid') }, '*');
}, true);
document.addEventListener('change', function (e) {
  var sid = e.target.getAttribute && e.target.getAttribute('data-input-sid');
  if (sid) parent.postMessage({ type: 'input', sid: sid, value: e.target.value }, '*');
}, true);
</script>`;

export const previewHandlers: Record<string, Handler> = {
  'Tool.previewSnapshot': (_p, ctx) => {
    const app = ctx.sim.app;
    const page = app.router.current();
    const v = domVersion();
    if (!page) return { version: v, route: '', html: '' };
    const mirror = buildMirror(ctx.sim, page, { liveInputs: true });
    const pageJson = app.registry.pageConfig(page.route);
    const window = { ...(ctx.sim.project.appJson.window ?? {}), ...pageJson };
    return {
      version: domVersion(),
      route: page.route,
      stackDepth: app.router.stack.length,
      title: ctx.sim.state.native.navigationBar.title ?? window.navigationBarTitleText ?? '',
      tabBar: ctx.sim.project.appJson.tabBar ?? null,
      isTab: ctx.sim.project.tabPages.includes(page.route),
      native: JSON.parse(JSON.stringify(ctx.sim.state.native)),
      html: mirrorDocument(mirror, BRIDGE),
    };
  },
  'Tool.previewTap': async (p, ctx) => {
    const node = nodeBySid(String(p.sid));
    if (!node) throw new ProtocolError('element destroyed');
    if (!tapBlocked(node)) {
      dispatch(node, 'tap', { x: 0, y: 0 });
      tapDefaultAction(node, actionHost(ctx));
    }
    await settle();
    return {};
  },
  'Tool.previewInput': async (p) => {
    const node = nodeBySid(String(p.sid));
    if (!node) throw new ProtocolError('element destroyed');
    inputText(node, p.value);
    await settle();
    return {};
  },
};
