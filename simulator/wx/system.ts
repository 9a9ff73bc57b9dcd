// Device info of the simulated phone: an iPhone 6/7/8-sized screen (375 x 667, DPR 2), the
// geometry the rpx conversion and Chromium screenshots use.
import { asyncApi } from './convention';
import type { WxContext } from './context';

/** The base library version reported when the project names none. */
export const DEFAULT_SDK_VERSION = '3.5.8';

export const SCREEN = { width: 375, height: 667, pixelRatio: 2, statusBarHeight: 20, navHeight: 44, tabBarHeight: 50 };

export function systemApis(ctx: WxContext): Record<string, unknown> {
  const windowInfo = () => {
    const hasTab = (ctx.appJson.tabBar?.list ?? []).some((t) => t.pagePath.replace(/^\//, '') === ctx.router.current()?.route);
    const windowHeight = SCREEN.height - SCREEN.statusBarHeight - SCREEN.navHeight - (hasTab ? SCREEN.tabBarHeight : 0);
    return {
      pixelRatio: SCREEN.pixelRatio,
      screenWidth: SCREEN.width,
      screenHeight: SCREEN.height,
      windowWidth: SCREEN.width,
      windowHeight,
      statusBarHeight: SCREEN.statusBarHeight,
      safeArea: { left: 0, right: SCREEN.width, top: SCREEN.statusBarHeight, bottom: SCREEN.height, width: SCREEN.width, height: SCREEN.height - SCREEN.statusBarHeight },
      screenTop: SCREEN.statusBarHeight + SCREEN.navHeight,
    };
  };
  const deviceInfo = () => ({ brand: 'devtools', model: 'iPhone 6/7/8', system: 'iOS 10.0.1', platform: 'devtools', benchmarkLevel: 1 });
  const appBase = () => ({ SDKVersion: ctx.libVersion ?? DEFAULT_SDK_VERSION, version: '8.0.5', language: 'zh_CN', theme: 'light', enableDebug: false, host: { env: 'WeChat' } });
  const systemInfo = () => ({ ...deviceInfo(), ...windowInfo(), ...appBase(), fontSizeSetting: 16 });
  return {
    getSystemInfoSync: systemInfo,
    getSystemInfo: asyncApi('getSystemInfo', systemInfo),
    getSystemInfoAsync: asyncApi('getSystemInfoAsync', systemInfo),
    getWindowInfo: windowInfo,
    getDeviceInfo: deviceInfo,
    getAppBaseInfo: appBase,
    getAccountInfoSync: () => ({ miniProgram: { appId: ctx.state.appid, envVersion: 'develop', version: '' } }),
  };
}
