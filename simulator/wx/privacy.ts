// The user-privacy authorization of the base library (docs/reference/wx-privacy-declarations.md):
// a user who has not agreed to the mini program's privacy guide makes every privacy API wait while
// wx.onNeedPrivacyAuthorization's listener shows the app's popup; `resolve({event: 'agree', buttonId})`
// (after that button, `open-type="agreePrivacyAuthorization"`, was tapped) lets the call go on,
// `resolve({event: 'disagree'})` fails it with errno 104. Consent is kept per user (openid), as
// WeChat keeps it per account; tests reset it with `__headless__.setPrivacyAgreed(false)`.
import { asyncApi, WxFail, type Opts, type Res } from './convention';
import type { WxContext } from './context';

type Wx = Record<string, unknown>;
type Resolve = (o?: { event?: unknown; buttonId?: unknown }) => void;
type Listener = (resolve: Resolve, info: { referrer: string }) => void;

/** Privacy APIs this simulator implements that wait for consent (a subset of WeChat's list). */
export const PRIVACY_AUTH_APIS = [
  'chooseAddress', 'getLocation', 'getFuzzyLocation', 'chooseLocation', 'choosePoi', 'startLocationUpdate', 'startLocationUpdateBackground',
  'chooseImage', 'chooseMedia', 'getClipboardData', 'setClipboardData', 'getUserProfile',
];

export const PRIVACY_NOT_AUTHORIZED = 'privacy permission is not authorized';
export const PRIVACY_ERRNO = 104;

const refused = () => new WxFail(PRIVACY_NOT_AUTHORIZED, { errno: PRIVACY_ERRNO });

/** Adds the privacy APIs to `wx` and makes the privacy APIs wait for consent. */
export function installPrivacyAuthorization(ctx: WxContext, wx: Wx): void {
  let listener: Listener | undefined;
  const agreed = () => ctx.state.privacyAgreed.has(ctx.state.openid);

  /** Resolves once the user agreed; throws the platform's refusal otherwise. */
  const authorize = (referrer: string): Promise<void> => {
    if (agreed()) return Promise.resolve();
    if (!listener) {
      // No custom popup registered: WeChat shows its own; the headless user answers by policy.
      if (ctx.state.privacyPopupAnswer === 'disagree') return Promise.reject(refused());
      ctx.state.privacyAgreed.add(ctx.state.openid);
      return Promise.resolve();
    }
    const current = listener;
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const answer: Resolve = (o) => {
        if (done || !o) return;
        if (o.event === 'agree') {
          done = true;
          // The base library checks that the named agree button was really tapped.
          if (typeof o.buttonId === 'string' && ctx.state.privacyButtons.has(o.buttonId) && agreed()) resolve();
          else reject(new WxFail(`${PRIVACY_NOT_AUTHORIZED} or buttonId is wrong`, { errno: PRIVACY_ERRNO }));
        } else if (o.event === 'disagree') {
          done = true;
          reject(refused());
        }
        // 'exposureAuthorization' only reports that the popup was shown.
      };
      ctx.state.native.history.push({ api: 'onNeedPrivacyAuthorization', options: { referrer } });
      current(answer, { referrer });
    });
  };

  for (const name of PRIVACY_AUTH_APIS) {
    const impl = wx[name];
    if (typeof impl !== 'function') continue;
    wx[name] = asyncApi(name, async (o: Opts) => {
      await authorize(name);
      const { success: _s, fail: _f, complete: _c, ...rest } = o;
      try {
        return (await (impl as (o: Opts) => Promise<Res>)(rest)) as Res;
      } catch (e) {
        const { errMsg, ...extra } = (e ?? {}) as Res;
        throw new WxFail(String(errMsg ?? '').replace(/^[^:]*:fail ?/, ''), extra);
      }
    });
  }

  Object.assign(wx, {
    onNeedPrivacyAuthorization: (fn: unknown) => {
      // One listener at a time: the latest registration is the one the base library calls.
      if (typeof fn === 'function') listener = fn as Listener;
    },
    getPrivacySetting: asyncApi('getPrivacySetting', () => ({ needAuthorization: !agreed(), privacyContractName: '《小程序隐私保护指引》' })),
    requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', async () => {
      await authorize('requirePrivacyAuthorize');
      return {};
    }),
    openPrivacyContract: asyncApi('openPrivacyContract', (o) => {
      ctx.state.native.history.push({ api: 'openPrivacyContract', options: o });
      return {};
    }),
  });
}
