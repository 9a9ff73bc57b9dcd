// Native chrome modelled as state (docs/reference/automator-protocol.md §9.2): toasts, loading, navigation bar, tab bar and share menu
// update SimState.native; modal / action sheet stay pending until Tool.native answers them (or the
// configured auto-answer policy / a mock applies).
import { asyncApi, WxFail, type Res } from './convention';
import type { WxContext } from './context';

export function uiApis(ctx: WxContext): Record<string, unknown> {
  const n = () => ctx.state.native;
  const record = (api: string, options: unknown) => n().history.push({ api, options });
  const tabIndex = (o: Record<string, unknown>) => {
    const count = ctx.appJson.tabBar?.list.length ?? 0;
    const i = Number(o.index);
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new WxFail('tabbar item not found');
    return i;
  };
  const simple = (api: string, fn: (o: Record<string, unknown>) => void) =>
    asyncApi(api, (o) => {
      record(api, o);
      fn(o);
      return {};
    });
  return {
    showToast: simple('showToast', (o) => {
      const toast = { title: String(o.title ?? ''), icon: o.icon as string | undefined, visible: true };
      n().toast = toast;
      // Toast and loading are one view on WeChat: the later call replaces the earlier.
      if (n().loading) n().loading!.visible = false;
      // WeChat hides a toast after `duration` ms (default 1500); a later toast replaces it.
      const duration = Number(o.duration ?? 1500);
      setTimeout(() => (toast.visible = false), Number.isFinite(duration) && duration >= 0 ? duration : 1500).unref();
    }),
    hideToast: simple('hideToast', () => n().toast && (n().toast!.visible = false)),
    showLoading: simple('showLoading', (o) => {
      n().loading = { title: String(o.title ?? ''), visible: true };
      if (n().toast) n().toast!.visible = false;
    }),
    hideLoading: simple('hideLoading', () => n().loading && (n().loading!.visible = false)),
    showModal: asyncApi('showModal', (o) => {
      record('showModal', o);
      if (ctx.state.autoModal) return { confirm: ctx.state.autoModal === 'confirm', cancel: ctx.state.autoModal === 'cancel', content: o.editable ? '' : undefined };
      return new Promise<Res>((resolve, reject) => {
        n().modal = {
          kind: 'modal',
          options: o,
          resolve: (v) => {
            n().modal = undefined;
            resolve(v);
          },
          reject: (reason) => {
            n().modal = undefined;
            reject(new WxFail(reason));
          },
        };
      });
    }),
    showActionSheet: asyncApi('showActionSheet', (o) => {
      record('showActionSheet', o);
      return new Promise<Res>((resolve, reject) => {
        n().actionSheet = {
          kind: 'actionSheet',
          options: o,
          resolve: (v) => {
            n().actionSheet = undefined;
            resolve(v);
          },
          reject: (reason) => {
            n().actionSheet = undefined;
            reject(new WxFail(reason));
          },
        };
      });
    }),
    setNavigationBarTitle: simple('setNavigationBarTitle', (o) => {
      const title = String(o.title ?? '');
      n().navigationBar.title = title;
      const page = ctx.router.current();
      if (page) n().pageTitles[page.webviewId] = title;
    }),
    setNavigationBarColor: simple('setNavigationBarColor', (o) => {
      n().navigationBar.frontColor = o.frontColor as string;
      n().navigationBar.backgroundColor = o.backgroundColor as string;
    }),
    showNavigationBarLoading: () => void (n().navigationBar.loading = true),
    hideNavigationBarLoading: () => void (n().navigationBar.loading = false),
    setTabBarBadge: simple('setTabBarBadge', (o) => (n().tabBar.badges[tabIndex(o)] = String(o.text ?? ''))),
    removeTabBarBadge: simple('removeTabBarBadge', (o) => delete n().tabBar.badges[tabIndex(o)]),
    showTabBarRedDot: simple('showTabBarRedDot', (o) => (n().tabBar.redDots[tabIndex(o)] = true)),
    hideTabBarRedDot: simple('hideTabBarRedDot', (o) => delete n().tabBar.redDots[tabIndex(o)]),
    showTabBar: simple('showTabBar', () => (n().tabBar.hidden = false)),
    hideTabBar: simple('hideTabBar', () => (n().tabBar.hidden = true)),
    showShareMenu: simple('showShareMenu', (o) => (n().shareMenu = { shown: true, withShareTicket: !!o.withShareTicket, menus: o.menus as string[] | undefined })),
    hideShareMenu: simple('hideShareMenu', () => (n().shareMenu = { shown: false })),
    updateShareMenu: simple('updateShareMenu', (o) => Object.assign(n().shareMenu, o)),
    pageScrollTo: simple('pageScrollTo', (o) => {
      // No scrolling layout here: record the position and deliver onPageScroll like a scroll would.
      const page = ctx.router.current();
      if (!page) return;
      const scrollTop = Number(o.scrollTop ?? 0);
      (page.caller as Record<string, unknown>).__scrollTop = scrollTop;
      page.call('onPageScroll', { scrollTop });
    }),
    startPullDownRefresh: simple('startPullDownRefresh', () => {
      n().pullDownRefreshing = true;
      ctx.router.current()?.call('onPullDownRefresh');
    }),
    stopPullDownRefresh: () => void (n().pullDownRefreshing = false),
    nextTick: (fn: () => void) => void Promise.resolve().then(fn),
    hideKeyboard: () => undefined,
    vibrateShort: asyncApi('vibrateShort', () => ({})),
    vibrateLong: asyncApi('vibrateLong', () => ({})),
    previewImage: simple('previewImage', () => undefined),
    makePhoneCall: simple('makePhoneCall', () => undefined),
    openLocation: simple('openLocation', () => undefined),
    getLocation: asyncApi('getLocation', () => ({ latitude: 23.099994, longitude: 113.32452, speed: -1, accuracy: 65, altitude: 0, verticalAccuracy: 65, horizontalAccuracy: 65 })),
    // Pickers of native media/codes have no headless UI: they cancel unless a test mocks them.
    chooseImage: asyncApi('chooseImage', () => Promise.reject(new WxFail('cancel'))),
    chooseMedia: asyncApi('chooseMedia', () => Promise.reject(new WxFail('cancel'))),
    scanCode: asyncApi('scanCode', () => Promise.reject(new WxFail('cancel'))),
    getMenuButtonBoundingClientRect: () => ({ width: 87, height: 32, top: 24, right: 368, bottom: 56, left: 281 }),
    setClipboardData: asyncApi('setClipboardData', (o) => ((n() as unknown as Record<string, unknown>).clipboard = o.data, {})),
    getClipboardData: asyncApi('getClipboardData', () => ({ data: (n() as unknown as Record<string, unknown>).clipboard ?? '' })),
  };
}
