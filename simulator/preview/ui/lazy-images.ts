/**
 * `<image lazy-load>` as WeChat loads it: the picture is fetched only once the image comes within three
 * screens above or below what its scroller shows, and the page or a scroll-view are the scrollers it
 * watches (docs/reference/cloudbase-image-processing.md §4). Once fetched it stays, as on a phone.
 *
 * The mirror (simulator/chromium/mirror.ts) leaves a lazy image's picture in `data-lazy-bg`; this module
 * moves it to the element's background when the rule says so, after every render and every scroll.
 */

/** Screens beyond the visible one, in each direction along the scroller, that an image is loaded ahead. */
export const LAZY_SCREENS = 3;

export interface Box { top: number; bottom: number; left: number; right: number }

/** True when `image` lies within `view` stretched by LAZY_SCREENS of its own height above and below (width for a horizontal scroller). */
export function lazyImageInRange(image: Box, view: Box, horizontal = false): boolean {
  const h = view.bottom - view.top;
  const w = view.right - view.left;
  const reach = { top: view.top - (horizontal ? 0 : LAZY_SCREENS * h), bottom: view.bottom + (horizontal ? 0 : LAZY_SCREENS * h), left: view.left - (horizontal ? LAZY_SCREENS * w : 0), right: view.right + (horizontal ? LAZY_SCREENS * w : 0) };
  return image.bottom >= reach.top && image.top <= reach.bottom && image.right >= reach.left && image.left <= reach.right;
}

const SHOWN = 'data-lazy-shown';

function boxOf(el: Element): Box {
  const r = el.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
}

/** The image's scroll-views (innermost first) with their direction; the page is checked after them. */
function scrollViewsOf(el: Element): { el: Element; horizontal: boolean }[] {
  const out: { el: Element; horizontal: boolean }[] = [];
  for (let sv = el.parentElement?.closest('wx-scroll-view'); sv; sv = sv.parentElement?.closest('wx-scroll-view')) {
    const style = (sv as HTMLElement).style;
    out.push({ el: sv, horizontal: style.overflowX === 'auto' && style.overflowY !== 'auto' });
  }
  return out;
}

/** Shows every lazy picture of the page that is now within range; returns how many started loading. */
export function revealLazyImages(doc: Document): number {
  const win = doc.defaultView;
  if (!win) return 0;
  const page: Box = { top: 0, bottom: win.innerHeight, left: 0, right: win.innerWidth };
  let started = 0;
  for (const el of Array.from(doc.querySelectorAll<HTMLElement>('[data-lazy-bg]'))) {
    const picture = el.getAttribute('data-lazy-bg') as string;
    if (el.getAttribute(SHOWN) === picture) continue;
    const box = boxOf(el);
    // An image nobody can see (display: none, a closed panel) has no box and is not loaded.
    if (box.bottom === box.top && box.left === box.right) continue;
    const inRange = scrollViewsOf(el).every((sv) => lazyImageInRange(box, boxOf(sv.el), sv.horizontal)) && lazyImageInRange(box, page);
    if (!inRange) continue;
    el.style.backgroundImage = picture;
    el.setAttribute(SHOWN, picture);
    started += 1;
  }
  return started;
}

/**
 * For morphdom's onBeforeElUpdated: a lazy image already shown keeps its picture when the page renders
 * again with the same picture (the new snapshot does not carry it), so it is not dropped and refetched.
 */
export function keepShownPicture(from: Element, to: Element): void {
  const picture = to.getAttribute('data-lazy-bg');
  if (picture && from.getAttribute(SHOWN) === picture) {
    (to as HTMLElement).style.backgroundImage = picture;
    to.setAttribute(SHOWN, picture);
  }
}
