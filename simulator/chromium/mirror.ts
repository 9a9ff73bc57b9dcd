// A static HTML mirror of one page's composed DOM: every node stamped with a stable data-sid,
// component state that lives only in exparser data reflected as attributes (checked, disabled,
// input text, swiper position, local images inlined), plus the wcsc style programs that paint it.
// Used by the Chromium layout mode and by the browser preview.
import fs from 'fs';
import path from 'path';
import type { Simulator } from '../simulator';
import type { PageInstance } from '../runtime/page';
import { methodCaller, type ExNode } from '../render/framework';
import { builtinName } from '../render/builtins';
import { assetFile } from '../render/assets';
import { styleScripts, UA_CSS } from './styles';
import { SCREEN } from '../wx/system';

let sidSeq = 0;
const sidOf = new WeakMap<Element, string>();
const nodeOfSid = new Map<string, WeakRef<ExNode>>();

export function sid(node: ExNode): string {
  const el = node.$$ as Element;
  let s = sidOf.get(el);
  if (!s) {
    s = String(++sidSeq);
    sidOf.set(el, s);
    nodeOfSid.set(s, new WeakRef(node));
  }
  // Only when missing: a redundant setAttribute is still a DOM mutation, and the preview and the
  // layout mode both treat mutations as "the page changed".
  if (el.getAttribute('data-sid') !== s) el.setAttribute('data-sid', s);
  return s;
}

export function nodeBySid(s: string): ExNode | undefined {
  return nodeOfSid.get(s)?.deref();
}

function walk(node: ExNode, fn: (n: ExNode) => void): void {
  fn(node);
  for (const c of node.__wxSlotChildren ?? node.childNodes ?? []) if (c.childNodes || c.__wxSlotChildren) walk(c, fn);
}

/** background-size for each fitting <image mode>; the cropping modes other than aspectFill are shown as it. */
const IMAGE_MODES: Record<string, string> = { scaleToFill: '100% 100%', aspectFit: 'contain', aspectFill: 'cover', widthFix: '100% 100%', heightFix: '100% 100%' };

export interface Mirror { html: string; styles: string[]; uaCss: string }

export interface MirrorOptions {
  /** Text fields as real inputs (the browser preview). */
  liveInputs?: boolean;
  /** `<image lazy-load>` carries its picture in `data-lazy-bg` for the preview page to fetch when near. */
  lazyImages?: boolean;
}

export function buildMirror(sim: Simulator, page: PageInstance, opts: MirrorOptions = {}): Mirror {
  walk(page.node, (n) => n.$$ && sid(n));
  const clone = page.container.cloneNode(true) as HTMLElement;
  clone.style.display = '';
  walk(page.node, (n) => {
    const name = builtinName(n);
    if (!n.$$ || (!name && !n.id)) return;
    const el = clone.querySelector(`[data-sid="${sidOf.get(n.$$)}"]`) as HTMLElement | null;
    if (!el) return;
    // The wxml id, so the mirrored page can be inspected (and tested) by the ids the app uses.
    if (n.id) el.id = String(n.id);
    if (!name) return;
    const d = methodCaller(n).data as Record<string, unknown>;
    for (const k of ['checked', 'disabled']) if (d[k] === true) el.setAttribute(k, '');
    if (typeof d.type === 'string' && d.type) el.setAttribute('type', d.type);
    if (name === 'input' || name === 'textarea') {
      if (opts.liveInputs) {
        const field = el.ownerDocument.createElement(name === 'input' ? 'input' : 'textarea') as HTMLInputElement;
        field.setAttribute('value', String(d.value ?? ''));
        if (name === 'textarea') field.textContent = String(d.value ?? '');
        field.setAttribute('placeholder', String(d.placeholder ?? ''));
        field.setAttribute('data-input-sid', sidOf.get(n.$$) as string);
        field.setAttribute('style', 'width:100%;height:100%;border:0;font:inherit;background:transparent;outline:none');
        el.textContent = '';
        el.appendChild(field);
      } else if (!el.textContent) {
        if (d.value !== undefined && d.value !== null && String(d.value) !== '') el.textContent = String(d.value);
        else if (d.placeholder) {
          // the placeholder is drawn in the placeholder style (grey unless placeholder-style /
          // placeholder-class say otherwise), never as if it were typed text
          const ph = el.ownerDocument.createElement('span');
          ph.className = ['wx-input-placeholder', String(d.placeholderClass ?? '')].join(' ').trim();
          ph.setAttribute('style', String(d.placeholderStyle ?? ''));
          ph.textContent = String(d.placeholder);
          el.appendChild(ph);
        }
      }
    }
    if (name === 'image' && typeof d.src === 'string') {
      // How <image mode> fits the picture into its box (aspectFill crops, aspectFit letterboxes).
      const fit = IMAGE_MODES[String(d.mode ?? 'scaleToFill')] ?? IMAGE_MODES.scaleToFill;
      el.style.backgroundSize = fit;
      el.style.backgroundRepeat = 'no-repeat';
      el.style.backgroundPosition = 'center';
      const picture = imagePicture(sim, d.src);
      // A lazy image in the browser preview is fetched by the preview page once it comes near the
      // screen (WeChat's rule, see lazyImageInRange in simulator/preview/ui/lazy-images.ts); the layout
      // mode paints everything (its screenshots show the first screen).
      if (picture && opts.lazyImages && d.lazyLoad === true) el.setAttribute('data-lazy-bg', picture);
      else if (picture) el.style.backgroundImage = picture;
    }
    if (name === 'swiper') {
      const current = Number(d.current) || 0;
      const items = Array.from(el.querySelectorAll('wx-swiper-item')) as HTMLElement[];
      items.forEach((it, i) => (it.style.transform = `translate(${(i - current) * 100}%, 0)`));
    }
    if (name === 'scroll-view') {
      el.style.overflowY = d.scrollY ? 'auto' : 'hidden';
      el.style.overflowX = d.scrollX ? 'auto' : 'hidden';
    }
  });
  return { html: clone.outerHTML, styles: styleScripts(sim.project.root, styleFiles(sim, page)), uaCss: UA_CSS };
}

/** The CSS background of an <image src>, or null when there is nothing to show (or it cannot be resolved). */
function imagePicture(sim: Simulator, src: string): string | null {
  const file = assetFile(src);
  if (file) return `url(data:image/${path.extname(file).slice(1) || 'png'};base64,${fs.readFileSync(file).toString('base64')})`;
  if (/^https?:/.test(src)) return `url(${JSON.stringify(src)})`;
  // Base64 pictures (a QR code made on the server) show as they are, as on a phone.
  if (/^data:image\/(png|jpe?g|gif);base64,[A-Za-z0-9+/=]+$/.test(src)) return `url(${JSON.stringify(src)})`;
  if (src.startsWith('cloud://') && sim.state.cloudUrl) return `url(${JSON.stringify(cloudFileUrl(sim, src))})`;
  return null;
}

/** A cloud fileID renders on a phone as the stored file: the local cloud serves it by fileID. */
export function cloudFileUrl(sim: Simulator, fileID: string): string {
  return `${sim.state.cloudUrl}/_emulator/v1/storage/file?fileID=${encodeURIComponent(fileID)}`;
}

function styleFiles(sim: Simulator, page: PageInstance): { file: string; prefix: string }[] {
  const root = sim.project.root;
  const files = [{ file: 'app.wxss', prefix: '' }];
  for (const [abs, prefix] of sim.app.registry.prefixes) {
    if (prefix === '' && abs !== path.join(root, page.route)) continue; // other pages' styles
    files.push({ file: path.relative(root, abs).split(path.sep).join('/') + '.wxss', prefix });
  }
  return files;
}

/**
 * Sizes come from the phone, not from the monitor: wcsc's default converts rpx with
 * `window.screen.width`, which in a desktop browser is the monitor (1920 px makes 1 rpx 2.56 px).
 * Its `__transformRpx__` hook gets the base library's rule at the simulated device width instead.
 */
export const DEVICE_RPX_SCRIPT = `window.__checkDeviceWidth__=function(){};window.__transformRpx__=function(n){if(n===0)return 0;n=Math.floor(n/750*${SCREEN.width}+1e-4);return n===0?1:n;};`;

/** A complete standalone document (wcsc programs inlined as scripts). */
export function mirrorDocument(m: Mirror, extraHead = ''): string {
  const scripts = m.styles.map((s) => `<script>${s.replace(/<\/script/gi, '<\\/script')}</script>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${m.uaCss}</style><script>${DEVICE_RPX_SCRIPT}</script>${scripts}${extraHead}</head><body>${m.html}</body></html>`;
}
