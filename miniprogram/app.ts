import { CLOUD_ENV_ID } from './config';
import { refreshBadgeAsync } from './services/cart';
import { markRouted, recordReferral, routeForEntry, SHARE_CARD_SCENES, wasRouted } from './services/entry';
import { reportShareLanding } from './services/referral';
import type { EnterOptionsLike } from './services/entry';

interface StorefrontApp {
  globalData: { hotStarts: number };
  shown: boolean;
  handleEntry(options: EnterOptionsLike, hot: boolean): void;
}

App<StorefrontApp>({
  globalData: { hotStarts: 0 },
  shown: false,

  onLaunch(options) {
    wx.cloud.init({ env: CLOUD_ENV_ID, traceUser: true });
    this.handleEntry(options as EnterOptionsLike, false);
  },

  onShow(options) {
    // The first onShow belongs to the cold start that onLaunch already handled.
    const hot = this.shown;
    this.shown = true;
    if (hot) {
      this.globalData.hotStarts += 1;
      // The enter options of THIS entry (a new scan or card while the app was in the background).
      const enter = typeof wx.getEnterOptionsSync === 'function' ? (wx.getEnterOptionsSync() as EnterOptionsLike) : undefined;
      this.handleEntry(enter && enter.scene ? enter : (options as EnterOptionsLike), true);
    }
    refreshBadgeAsync();
  },

  handleEntry(options, hot) {
    const query = options.query || {};
    if (SHARE_CARD_SCENES.indexOf(options.scene || 0) >= 0 && query.ref && recordReferral(query.ref, options.scene)) reportShareLanding(query.ref);
    if (!hot) {
      // A cold start opens options.path itself; pages that receive a raw code forward it to the landing page.
      markRouted(options);
      return;
    }
    const route = routeForEntry(options);
    if (!route || wasRouted(options)) return;
    markRouted(options);
    // Deferred so a client that already re-launched to the entry page (real WeChat does on a new
    // path) is not routed twice: only re-launch when the top page is not already that page.
    setTimeout(() => {
      const pages = getCurrentPages();
      const top = pages[pages.length - 1];
      const target = route.split('?')[0].replace(/^\//, '');
      if (top && top.route === target && sameQuery(top.options as Record<string, string>, route)) return;
      wx.reLaunch({ url: route });
    }, 0);
  },
});

function sameQuery(current: Record<string, string> | undefined, route: string): boolean {
  const qs = route.split('?')[1] || '';
  if (!current) return qs === '';
  return qs.split('&').filter(Boolean).every((pair) => {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const value = decodeURIComponent(pair.slice(eq + 1));
    return current[key] === value || current[key] === pair.slice(eq + 1);
  });
}
