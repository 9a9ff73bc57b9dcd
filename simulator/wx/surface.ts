// The honest API surface: what `wx` offers beyond the implemented groups. Stubs are APIs an app
// may call on any page (update checks, analytics, keep-screen-on) answered with the harmless default
// a phone with nothing to report gives; everything else is missing, and wx.canIUse says so, so apps
// take their fallback path instead of calling into nothing. Also the privacy rule production
// enforces: the location/address APIs fail unless app.json's `requiredPrivateInfos` declares them.
import { asyncApi, WxFail } from './convention';
import type { WxContext } from './context';
import { BUILTIN_NAMES } from '../render/builtins';
import { installPrivacyAuthorization } from './privacy';

type Wx = Record<string, unknown>;

/** Answers a phone gives when there is nothing to do. */
export function stubApis(): Wx {
  const ok = (name: string) => asyncApi(name, () => ({}));
  const noop = () => undefined;
  return {
    getUpdateManager: () => ({
      // no new version in a simulator: the check reports none, the other events never fire
      onCheckForUpdate: (cb: (r: { hasUpdate: boolean }) => void) => void setImmediate(() => cb({ hasUpdate: false })),
      onUpdateReady: noop,
      onUpdateFailed: noop,
      applyUpdate: noop,
    }),
    setBackgroundFetchToken: ok('setBackgroundFetchToken'),
    reportAnalytics: noop,
    reportEvent: noop,
    reportMonitor: noop,
    reportPerformance: noop,
    onMemoryWarning: noop,
    offMemoryWarning: noop,
    setKeepScreenOn: ok('setKeepScreenOn'),
    vibrateShort: ok('vibrateShort'),
    vibrateLong: ok('vibrateLong'),
    hideHomeButton: ok('hideHomeButton'),
    setEnableDebug: ok('setEnableDebug'),
  };
}
export const STUBBED = Object.keys(stubApis());

/** APIs that need an app.json `requiredPrivateInfos` entry (the 2022 location-interface rule). */
export const PRIVATE_INFO_APIS = ['getFuzzyLocation', 'getLocation', 'onLocationChange', 'chooseAddress', 'choosePoi', 'chooseLocation', 'startLocationUpdate', 'startLocationUpdateBackground'];

/** Wraps the private-info APIs so an undeclared one fails as on a phone. */
export function enforcePrivacy(wx: Wx, declared: string[] | undefined): void {
  for (const name of PRIVATE_INFO_APIS) {
    const impl = wx[name];
    if (typeof impl !== 'function' || declared?.includes(name)) continue;
    wx[name] = asyncApi(name, () => {
      throw new WxFail('the api need to be declared in the requiredPrivateInfos field in app.json/ext.json');
    });
  }
}

/**
 * wx.canIUse(schema): `api`, `api.param...`, `api.return...`, `component`, `component.attr...`.
 * True when the API exists here (implemented or stubbed) or the component is a built-in; the
 * deeper levels cannot be told apart and follow their API or component.
 */
export function canIUse(wx: Wx, schema: unknown): boolean {
  if (typeof schema !== 'string' || !schema) return false;
  const head = schema.split('.')[0];
  if (head in wx) return typeof wx[head] !== 'undefined';
  return BUILTIN_NAMES.includes(head);
}

/** Completes a `wx` object: stubs, canIUse over the final object, `env`, privacy rules. */
export function completeSurface(ctx: WxContext, wx: Wx): Wx {
  Object.assign(wx, stubApis(), { canIUse: (schema: unknown) => canIUse(wx, schema), env: { USER_DATA_PATH: 'http://usr' } });
  // Consent first, declarations outermost: an undeclared API fails at once, before any popup.
  installPrivacyAuthorization(ctx, wx);
  enforcePrivacy(wx, ctx.appJson.requiredPrivateInfos);
  return wx;
}
