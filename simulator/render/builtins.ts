// Built-in components (view, input, switch, swiper, ...) registered into the official exparser as
// components with their public properties, so `__propPublic`, property(), observers and events
// behave like the base library's. Their user-visible default actions (toggle, submit, navigate)
// live in ./actions.ts; this file only declares state.
import { framework, type Caller } from './framework';
import { loadImage, loadRemoteImage } from './assets';
import { track } from '../runtime/settle';
import { renderRichText } from './rich-text';

type PropDef = { type: unknown; value?: unknown; observer?: string };

const str = (value = ''): PropDef => ({ type: String, value });
const num = (value = 0): PropDef => ({ type: Number, value });
const bool = (value = false): PropDef => ({ type: Boolean, value });
const any = (value: unknown = null): PropDef => ({ type: null, value });

const BUILTINS: Record<string, Record<string, PropDef>> = {
  view: { hoverClass: str('none'), hoverStopPropagation: bool(), hoverStartTime: num(50), hoverStayTime: num(400) },
  text: { selectable: bool(), userSelect: bool(), space: str(), decode: bool() },
  'rich-text': { nodes: any([]), space: str() },
  icon: { type: str(), size: any(23), color: str() },
  progress: { percent: num(), showInfo: bool() },
  button: {
    size: str('default'), type: str('default'), plain: bool(), disabled: bool(), loading: bool(),
    formType: str(), openType: str(), hoverClass: str('button-hover'), lang: str('en'), sessionFrom: str(),
    sendMessageTitle: str(), sendMessagePath: str(), sendMessageImg: str(), appParameter: str(), showMessageCard: bool(),
  },
  input: {
    value: str(), type: str('text'), password: bool(), placeholder: str(), placeholderStyle: str(), placeholderClass: str('input-placeholder'),
    disabled: bool(), maxlength: num(140), cursorSpacing: num(), autoFocus: bool(), focus: bool(), confirmType: str('done'),
    alwaysEmbed: bool(), confirmHold: bool(), cursor: num(-1), selectionStart: num(-1), selectionEnd: num(-1), adjustPosition: bool(true),
    holdKeyboard: bool(), name: str(),
  },
  textarea: {
    value: str(), placeholder: str(), placeholderStyle: str(), placeholderClass: str('textarea-placeholder'), disabled: bool(),
    maxlength: num(140), autoFocus: bool(), focus: bool(), autoHeight: bool(), fixed: bool(), cursorSpacing: num(), cursor: num(-1),
    showConfirmBar: bool(true), selectionStart: num(-1), selectionEnd: num(-1), adjustPosition: bool(true), holdKeyboard: bool(),
    disableDefaultPadding: bool(), confirmType: str('return'), confirmHold: bool(), name: str(),
  },
  form: { reportSubmit: bool(), reportSubmitTimeout: num() },
  switch: { checked: bool(), disabled: bool(), type: str('switch'), color: str('#04BE02'), name: str() },
  checkbox: { value: str(), disabled: bool(), checked: bool(), color: str('#09BB07') },
  'checkbox-group': { name: str() },
  radio: { value: str(), checked: bool(), disabled: bool(), color: str('#09BB07') },
  'radio-group': { name: str() },
  label: { for: str() },
  slider: { min: num(0), max: num(100), step: num(1), disabled: bool(), value: num(0), color: str(), selectedColor: str(), activeColor: str(), backgroundColor: str(), blockSize: num(28), blockColor: str(), showValue: bool(), name: str() },
  picker: {
    mode: str('selector'), disabled: bool(), range: any([]), rangeKey: str(), value: any(0), start: str(), end: str(),
    fields: str('day'), customItem: str(), headerText: str(), level: str('region'), name: str(),
  },
  'picker-view': { value: any([]), indicatorStyle: str(), indicatorClass: str(), maskStyle: str(), maskClass: str() },
  'picker-view-column': {},
  navigator: { url: str(), openType: str('navigate'), delta: num(1), target: str('self'), appId: str(), path: str(), hoverClass: str('navigator-hover'), extraData: any({}) },
  image: { src: str(), mode: str('scaleToFill'), lazyLoad: bool(), webp: bool(), showMenuByLongpress: bool(), fadeIn: bool() },
  swiper: {
    indicatorDots: bool(), indicatorColor: str('rgba(0, 0, 0, .3)'), indicatorActiveColor: str('#000000'), autoplay: bool(),
    current: num(0), currentItemId: str(), interval: num(5000), duration: num(500), circular: bool(), vertical: bool(),
    previousMargin: str('0px'), nextMargin: str('0px'), displayMultipleItems: num(1), easingFunction: str('default'),
  },
  'swiper-item': { itemId: str(), skipHiddenItemLayout: bool() },
  'scroll-view': {
    scrollX: bool(), scrollY: bool(), upperThreshold: num(50), lowerThreshold: num(50), scrollTop: any(0), scrollLeft: any(0),
    scrollIntoView: str(), scrollWithAnimation: bool(), enableBackToTop: bool(), enableFlex: bool(), refresherEnabled: bool(),
    refresherTriggered: bool(), enhanced: bool(), showScrollbar: bool(true), pagingEnabled: bool(), type: str('list'),
  },
  'movable-area': { scaleArea: bool() },
  'movable-view': { direction: str('none'), inertia: bool(), outOfBounds: bool(), x: num(), y: num(), damping: num(20), friction: num(2), disabled: bool(), scale: bool(), scaleMin: num(0.5), scaleMax: num(10), scaleValue: num(1), animation: bool(true) },
  'cover-view': { scrollTop: any(0) },
  'cover-image': { src: str() },
  video: { src: str(), autoplay: bool(), loop: bool(), muted: bool(), controls: bool(true), poster: str() },
  canvas: { type: str(), canvasId: str(), disableScroll: bool() },
  map: { longitude: num(), latitude: num(), scale: num(16), markers: any([]) },
  'web-view': { src: str() },
  'open-data': { type: str() },
  'official-account': {},
  ad: { unitId: str() },
  block: {},
  'page-meta': { backgroundTextStyle: str(), backgroundColor: str(), rootFontSize: str(), pageStyle: str(), scrollTop: str(), pageFontSize: str() },
  'navigation-bar': { title: str(), loading: bool(), frontColor: str(), backgroundColor: str() },
};

function ownerRoute(self: Caller): string {
  // The page that owns this node: walk up to the page root, whose caller carries `route`.
  let n = (self as Record<string, unknown>)._exparserNode as Record<string, unknown> | undefined;
  while (n) {
    const host = (n.ownerShadowRoot as Record<string, unknown> | undefined)?.__wxHost as Record<string, unknown> | undefined;
    if (!host) break;
    n = host;
  }
  return String(((n?.__methodCaller as Record<string, unknown> | undefined)?.route) ?? '');
}

const OBSERVERS: Record<string, Record<string, (this: Caller, v: never) => void>> = {
  image: {
    src(this: Caller, src: string) {
      // Fire load/error after the current render like the WebView's image decoder would.
      if (typeof src === 'string' && /^https?:/.test(src)) {
        const caller = this;
        void track(loadRemoteImage(src).then((r) => {
          if (caller.data.src !== src) return; // replaced meanwhile
          if ('error' in r) caller.triggerEvent('error', { errMsg: r.error });
          else caller.triggerEvent('load', { width: r.width, height: r.height });
        }));
        return;
      }
      const res = loadImage(src, ownerRoute(this));
      if (!res) return;
      setImmediate(() => {
        if ('error' in res) this.triggerEvent('error', { errMsg: res.error });
        else this.triggerEvent('load', { width: res.width, height: res.height });
      });
    },
  },
  text: {
    decode(this: Caller, on: boolean) {
      const dom = (this as Record<string, unknown>).$$ as (HTMLElement & { __decoding?: MutationObserver }) | undefined;
      if (!on || !dom || dom.__decoding) return;
      decodeEntities(dom);
      // text re-rendered later (setData) is decoded too
      dom.__decoding = new window.MutationObserver(() => decodeEntities(dom));
      dom.__decoding.observe(dom, { subtree: true, childList: true, characterData: true });
    },
  },
  'rich-text': {
    nodes(this: Caller, nodes: unknown) {
      const dom = (this as Record<string, unknown>).$$ as HTMLElement | undefined;
      if (dom) renderRichText(dom, nodes);
    },
  },
};

/** `<text decode>`: the entities the base library decodes (and only those). */
const ENTITIES: Record<string, string> = { '&nbsp;': '\u00a0', '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&ensp;': '\u2002', '&emsp;': '\u2003' };
function decodeEntities(root: Node): void {
  const walker = root.ownerDocument!.createTreeWalker(root, 4 /* SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const v = n.nodeValue ?? '';
    if (!v.includes('&')) continue;
    const decoded = v.replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, (m) => ENTITIES[m]);
    if (decoded !== v) n.nodeValue = decoded;
  }
}

export const BUILTIN_NAMES = Object.keys(BUILTINS);

let registered = false;

/** Registers every built-in under both ids j-component may look up ("view" and "wx-view"). */
export function registerBuiltins(): void {
  if (registered) return;
  registered = true;
  const { jComponent } = framework();
  for (const [name, props] of Object.entries(BUILTINS)) {
    const properties: Record<string, PropDef> = { ...props, hidden: { type: Boolean, value: false, observer: '__hiddenChanged' } };
    const definition = {
      template: name === 'rich-text' ? '<view></view>' : '<slot/>',
      properties,
      observers: OBSERVERS[name] ?? {},
      methods: {
        // `hidden` is display:none on the host; innerText and Chromium snapshots rely on it.
        __hiddenChanged(this: Caller, v: boolean) {
          const dom = (this as Record<string, unknown>).$$ as HTMLElement | undefined;
          if (!dom) return;
          if (v) dom.setAttribute('hidden', '');
          else dom.removeAttribute('hidden');
        },
      },
      options: { classPrefix: '' },
    };
    jComponent.register({ ...definition, id: name, tagName: `wx-${name}` });
    jComponent.register({ ...definition, id: `wx-${name}`, tagName: `wx-${name}` });
  }
}

export function builtinName(node: { $$?: Element }): string | undefined {
  const tag = node.$$?.tagName?.toLowerCase();
  if (!tag || !tag.startsWith('wx-')) return undefined;
  const name = tag.slice(3);
  return name in BUILTINS ? name : undefined;
}
