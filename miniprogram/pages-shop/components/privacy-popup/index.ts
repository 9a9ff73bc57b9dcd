/**
 * The privacy popup WeChat requires before a privacy API (the shipping address picker, location, ...)
 * runs for a user who has not agreed to the store's privacy guide. The base library asks for it through
 * `wx.onNeedPrivacyAuthorization`; the private call waits until the user agrees (a button with
 * `open-type="agreePrivacyAuthorization"`, then `resolve({ event: 'agree', buttonId })`) or refuses
 * (`resolve({ event: 'disagree' })`, and the call fails with "privacy permission is not authorized").
 * Put one on every page that calls a privacy API; the page on top owns the listener.
 */
type PrivacyResolve = (answer: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void;

const AGREE_BUTTON_ID = 'privacy-agree';

/** What the base library offers (its published typings give the listener a plain result object). */
interface PrivacyWx {
  onNeedPrivacyAuthorization?(listener: (resolve: PrivacyResolve, info?: { referrer?: string }) => void): void;
  openPrivacyContract?(options: Record<string, unknown>): void;
}
const privacyWx = () => wx as unknown as PrivacyWx;

/** The waiting private call of each popup instance (one at a time). */
const pendingOf = new WeakMap<object, PrivacyResolve>();

Component({
  options: { addGlobalClass: true },
  data: { visible: false, referrer: '' },
  lifetimes: {
    attached() {
      this.listen();
    },
    detached() {
      // A page closed with the popup open: the waiting call is refused, not left hanging.
      const resolve = pendingOf.get(this);
      pendingOf.delete(this);
      if (resolve) resolve({ event: 'disagree' });
    },
  },
  pageLifetimes: {
    show() {
      this.listen();
    },
  },
  methods: {
    listen() {
      // Base library 2.32.3+; older clients run the API without asking.
      const api = privacyWx();
      if (typeof api.onNeedPrivacyAuthorization !== 'function') return;
      api.onNeedPrivacyAuthorization((resolve, info) => {
        // A second private call while the popup is open: the earlier one is refused, the new one waits.
        const earlier = pendingOf.get(this);
        if (earlier) earlier({ event: 'disagree' });
        pendingOf.set(this, resolve);
        this.setData({ visible: true, referrer: (info && info.referrer) || '' });
        resolve({ event: 'exposureAuthorization' });
      });
    },

    answer(event: 'agree' | 'disagree') {
      const resolve = pendingOf.get(this);
      pendingOf.delete(this);
      if (this.data.visible) this.setData({ visible: false });
      if (!resolve) return;
      resolve(event === 'agree' ? { event, buttonId: AGREE_BUTTON_ID } : { event });
      this.triggerEvent(event, {});
    },

    onAgree() {
      this.answer('agree');
    },

    onDisagree() {
      this.answer('disagree');
    },

    onOpenContract() {
      const api = privacyWx();
      if (typeof api.openPrivacyContract === 'function') api.openPrivacyContract({});
    },

    noop() {},
  },
});
