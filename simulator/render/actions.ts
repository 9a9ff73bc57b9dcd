// Default actions of built-in components after a tap (the part exparser does not provide):
// switch/checkbox/radio toggling with group change events, form submit/reset, navigator routes,
// button open-type share, label forwarding. Also the scripted interactions the automator calls
// through Element.callFunction (input.input, swiper.swipeTo, scroll-view.scrollTo, ...).
import { isComponent, isTextNode, methodCaller, type ExNode } from './framework';
import { builtinName } from './builtins';
import { composedParent, trigger } from './events';
import { tagOf } from './selector';

export interface ActionHost {
  navigate(openType: string, url: string, delta: number): void;
  share(from: 'button', target: ExNode): void;
  openPicker(node: ExNode): void;
  /** a tap on `open-type="agreePrivacyAuthorization"`: the user agrees to the privacy guide */
  agreePrivacy?(buttonId: string): void;
  layoutHeight?(node: ExNode): { viewport: number; content: number; viewportW: number; contentW: number } | undefined;
}

const data = (n: ExNode) => methodCaller(n).data as Record<string, unknown>;
const set = (n: ExNode, d: Record<string, unknown>) => methodCaller(n).setData(d);

function ancestors(node: ExNode): ExNode[] {
  const out: ExNode[] = [];
  for (let n: ExNode | undefined = node; n; n = composedParent(n)) out.push(n);
  return out;
}

function closest(node: ExNode, name: string): ExNode | undefined {
  return ancestors(node).find((n) => builtinName(n) === name);
}

/** Composed descendants (light children + shadow content), used for form fields and groups. */
function composedDescendants(node: ExNode): ExNode[] {
  const out: ExNode[] = [];
  const visit = (n: ExNode) => {
    const kids = isComponent(n) && n.shadowRoot && !builtinName(n) ? [n.shadowRoot, ...n.childNodes] : n.childNodes ?? [];
    for (const c of kids) {
      if (isTextNode(c)) continue;
      if (isComponent(c)) out.push(c);
      visit(c);
    }
  };
  visit(node);
  return out;
}

function groupValue(group: ExNode): unknown {
  const kind = builtinName(group) === 'checkbox-group' ? 'checkbox' : 'radio';
  const items = composedDescendants(group).filter((n) => builtinName(n) === kind);
  const checked = items.filter((n) => data(n).checked).map((n) => String(data(n).value ?? ''));
  return kind === 'checkbox' ? checked : checked[0] ?? '';
}

function activate(node: ExNode, host: ActionHost): void {
  const name = builtinName(node);
  const d = data(node);
  if (d.disabled) return;
  switch (name) {
    case 'switch': {
      const next = !d.checked;
      set(node, { checked: next });
      trigger(node, 'change', { value: next });
      break;
    }
    case 'checkbox': {
      const next = !d.checked;
      set(node, { checked: next });
      const group = closest(node, 'checkbox-group');
      if (group) trigger(group, 'change', { value: groupValue(group) });
      break;
    }
    case 'radio': {
      if (d.checked) break;
      const group = closest(node, 'radio-group');
      if (group) for (const r of composedDescendants(group)) if (builtinName(r) === 'radio' && r !== node) set(r, { checked: false });
      set(node, { checked: true });
      if (group) trigger(group, 'change', { value: groupValue(group) });
      break;
    }
    case 'button': {
      if (d.formType === 'submit' || d.formType === 'reset') {
        const form = closest(node, 'form');
        if (form) (d.formType === 'submit' ? submitForm : resetForm)(form, node);
      }
      if (d.openType === 'share') host.share('button', node);
      else if (d.openType === 'agreePrivacyAuthorization') {
        host.agreePrivacy?.(node.id ?? '');
        trigger(node, 'agreeprivacyauthorization', {});
      }
      else if (typeof d.openType === 'string' && OPEN_TYPE_EVENTS[d.openType]) {
        const [event, detail] = OPEN_TYPE_EVENTS[d.openType];
        trigger(node, event, { ...detail });
      }
      break;
    }
    case 'navigator':
      host.navigate(String(d.openType || 'navigate'), String(d.url ?? ''), Number(d.delta) || 1);
      break;
    case 'picker':
      host.openPicker(node);
      break;
    case 'label': {
      const scope = composedParent(node);
      const forId = String(d.for ?? '');
      const target = forId && scope ? composedDescendants(scope).find((n) => n.id === forId) : composedDescendants(node).find((n) => ['switch', 'checkbox', 'radio', 'button'].includes(builtinName(n) ?? ''));
      if (target) activate(target, host);
      break;
    }
    default:
  }
}

/** Events of the other open-types, with the simulator's fixed answers (mock at app level to vary). */
const OPEN_TYPE_EVENTS: Record<string, [string, Record<string, unknown>]> = {
  getPhoneNumber: ['getphonenumber', { errMsg: 'getPhoneNumber:ok', code: 'sim_phone_code' }],
  getRealtimePhoneNumber: ['getrealtimephonenumber', { errMsg: 'getRealtimePhoneNumber:ok', code: 'sim_phone_code' }],
  getUserInfo: ['getuserinfo', { errMsg: 'getUserInfo:ok', userInfo: { nickName: '微信用户', avatarUrl: '', gender: 0, language: 'zh_CN', city: '', province: '', country: '' }, rawData: '', signature: '' }],
  chooseAvatar: ['chooseavatar', { avatarUrl: 'wxfile://tmp/sim-avatar.png' }],
  contact: ['contact', { errMsg: 'enterContact:ok', path: '', query: {} }],
  openSetting: ['opensetting', { errMsg: 'openSetting:ok', authSetting: {} }],
  launchApp: ['error', { errMsg: 'launchApp:fail not supported in the simulator' }],
};

const ACTIVATABLE = new Set(['switch', 'checkbox', 'radio', 'button', 'navigator', 'picker', 'label']);

/** Runs the default action of the nearest activatable built-in around the tapped node. */
export function tapDefaultAction(target: ExNode, host: ActionHost): void {
  const hit = ancestors(target).find((n) => ACTIVATABLE.has(builtinName(n) ?? ''));
  if (hit) activate(hit, host);
}

/**
 * Whether a tap on `target` is swallowed before reaching bind/catch handlers. Never: on the
 * base library a disabled <button> still delivers `tap` to its handlers (a known pitfall that
 * component libraries work around); `disabled` only blocks the built-in's own action (form
 * submit/reset, open-type), which activate() checks.
 */
export function tapBlocked(_target: ExNode): boolean {
  return false;
}

export function formValues(form: ExNode): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const n of composedDescendants(form)) {
    const name = builtinName(n);
    const d = data(n);
    const key = String(d.name ?? '') || String(attr(n, 'name') ?? '');
    if (!key) continue;
    switch (name) {
      case 'input':
      case 'textarea':
      case 'slider':
      case 'picker':
        value[key] = d.value;
        break;
      case 'switch':
        value[key] = !!d.checked;
        break;
      case 'checkbox-group':
      case 'radio-group':
        value[key] = groupValue(n);
        break;
      default:
        // custom form fields (behaviors: ['wx://form-field']) expose name/value properties
        if (!name && 'value' in d) value[key] = d.value;
    }
  }
  return value;
}

function attr(n: ExNode, name: string): unknown {
  return ((n._vt?.attrs ?? []) as { name: string; value: unknown }[]).find((a) => a.name === name)?.value;
}

function submitForm(form: ExNode, button: ExNode): void {
  trigger(form, 'submit', { value: formValues(form), target: { id: button.id, dataset: { ...(button.dataset ?? {}) } } });
}

function resetForm(form: ExNode, button: ExNode): void {
  for (const n of composedDescendants(form)) {
    switch (builtinName(n)) {
      case 'input':
      case 'textarea':
        set(n, { value: '' });
        break;
      case 'switch':
      case 'checkbox':
      case 'radio':
        set(n, { checked: false });
        break;
      case 'slider':
        set(n, { value: Number(data(n).min) || 0 });
        break;
      case 'picker':
        set(n, { value: data(n).mode === 'multiSelector' ? [] : 0 });
        break;
      default:
    }
  }
  trigger(form, 'reset', { target: { id: button.id, dataset: { ...(button.dataset ?? {}) } } });
}

// ---- Element.callFunction implementations ----

export function inputText(node: ExNode, value: unknown): void {
  const d = data(node);
  let v = String(value ?? '');
  const max = Number(d.maxlength);
  if (max >= 0 && v.length > max) v = v.slice(0, max);
  if (d.type === 'number') v = v.replace(/[^0-9]/g, '');
  if (d.type === 'digit') v = v.replace(/[^0-9.]/g, '');
  set(node, { value: v });
  trigger(node, 'input', { value: v, cursor: v.length, keyCode: 0 });
}

export function swipeTo(node: ExNode, index: unknown): void {
  const i = Number(index) || 0;
  const items = (node.childNodes as ExNode[]).flatMap(function flat(c: ExNode): ExNode[] {
    return builtinName(c) === 'swiper-item' ? [c] : c.__virtual ? (c.childNodes as ExNode[]).flatMap(flat) : [];
  });
  const itemId = items[i] ? String(data(items[i]).itemId ?? '') : '';
  set(node, { current: i });
  trigger(node, 'transition', { dx: 0, dy: 0 });
  trigger(node, 'change', { current: i, currentItemId: itemId, source: 'touch' });
  trigger(node, 'animationfinish', { current: i, currentItemId: itemId, source: 'touch' });
}

function px(style: string | null | undefined, prop: string): number | undefined {
  const m = new RegExp(`(?:^|;)\\s*${prop}\\s*:\\s*([0-9.]+)\\s*(rpx|px)`).exec(style ?? '');
  if (!m) return undefined;
  return m[2] === 'rpx' ? (Number(m[1]) * 375) / 750 : Number(m[1]);
}

/** Scroll geometry: real layout when Chromium is active, else inline-style estimation. */
export function scrollMetrics(node: ExNode, host: ActionHost): { viewport: number; content: number; viewportW: number; contentW: number } {
  const real = host.layoutHeight?.(node);
  if (real) return real;
  const dom = node.$$ as HTMLElement;
  const viewport = px(dom.getAttribute('style'), 'height') ?? 0;
  const viewportW = px(dom.getAttribute('style'), 'width') ?? 375;
  let content = 0;
  let contentW = 0;
  for (const child of Array.from(dom.children)) {
    content += px(child.getAttribute('style'), 'height') ?? 0;
    contentW += px(child.getAttribute('style'), 'width') ?? 0;
  }
  return { viewport, content, viewportW, contentW };
}

export function scrollTo(node: ExNode, x: unknown, y: unknown, host: ActionHost): void {
  const d = data(node);
  const m = scrollMetrics(node, host);
  const prevTop = Number(node.__scrollTop ?? 0);
  const prevLeft = Number(node.__scrollLeft ?? 0);
  const top = Math.max(0, Math.min(Number(y) || 0, Math.max(0, m.content - m.viewport)));
  const left = Math.max(0, Math.min(Number(x) || 0, Math.max(0, m.contentW - m.viewportW)));
  node.__scrollTop = top;
  node.__scrollLeft = left;
  if (top === prevTop && left === prevLeft) return;
  trigger(node, 'scroll', { scrollTop: top, scrollLeft: left, scrollHeight: m.content, scrollWidth: m.contentW, deltaX: left - prevLeft, deltaY: top - prevTop });
  const lower = Number(d.lowerThreshold ?? 50);
  const upper = Number(d.upperThreshold ?? 50);
  if (d.scrollY && top > prevTop && top + m.viewport >= m.content - lower) trigger(node, 'scrolltolower', { direction: 'bottom' });
  if (d.scrollY && top < prevTop && top <= upper) trigger(node, 'scrolltoupper', { direction: 'top' });
  if (d.scrollX && left > prevLeft && left + m.viewportW >= m.contentW - lower) trigger(node, 'scrolltolower', { direction: 'right' });
  if (d.scrollX && left < prevLeft && left <= upper) trigger(node, 'scrolltoupper', { direction: 'left' });
}

export function slideTo(node: ExNode, value: unknown): void {
  const d = data(node);
  const v = Math.max(Number(d.min), Math.min(Number(d.max), Number(value) || 0));
  set(node, { value: v });
  trigger(node, 'changing', { value: v });
  trigger(node, 'change', { value: v });
}

export function moveTo(node: ExNode, x: unknown, y: unknown): void {
  set(node, { x: Number(x) || 0, y: Number(y) || 0 });
  trigger(node, 'change', { x: Number(x) || 0, y: Number(y) || 0, source: '' });
}

export { tagOf };
