import type { SceneTarget } from '../../../typings/domain';
import { call, errorText } from '../../services/api';
import type { LoadStatus } from '../../behaviors/load-state';
import { recordScene, sceneCodeFromQuery } from '../../services/entry';
import { currentRoute, HOME_PAGE, LINKABLE_PAGES, pageUrl, switchToTab, TAB_PAGES } from '../../utils/routes';
import type { PageRoute, TabPage } from '../../utils/routes';

/** A code that cannot be used is its own state (with a way home), not an error to retry. */
type Status = Exclude<LoadStatus, 'ok' | 'empty'> | 'invalid';

/**
 * Where QR codes land: decodes the code (mini program code `scene`, or plain QR `q`), resolves it with
 * scenes.resolve, records its attribution and replaces itself with the target page. A code that
 * cannot be read or has expired gets a friendly page with a way home, never a blank screen.
 */
Page({
  data: {
    status: 'loading' as Status,
    message: '',
  },

  scene: '',

  onLoad(query: Record<string, string | undefined>) {
    const code = sceneCodeFromQuery(query || {});
    if (!code || !code.ok) {
      this.setData({ status: 'invalid', message: '无法识别这个二维码' });
      return;
    }
    this.scene = code.value;
    this.resolve();
  },

  async resolve() {
    this.setData({ status: 'loading', message: '' });
    const res = await call('scenes', 'resolve', { scene: this.scene });
    if (!res.ok) {
      if (res.error.code === 'UNAVAILABLE' || res.error.code === 'INTERNAL') this.setData({ status: 'error', message: errorText(res.error) });
      else this.setData({ status: 'invalid', message: '二维码已失效或不存在' });
      return;
    }
    const { target, attribution } = res.data;
    const enter = typeof wx.getEnterOptionsSync === 'function' ? wx.getEnterOptionsSync() : undefined;
    recordScene(attribution || {}, this.scene, enter && enter.scene ? enter.scene : undefined);
    this.go(target);
  },

  go(target: SceneTarget) {
    const page = currentRoute((target.page || '').replace(/^\//, '')) as PageRoute;
    if (LINKABLE_PAGES.indexOf(page) < 0) {
      this.setData({ status: 'invalid', message: '二维码指向的页面不存在' });
      return;
    }
    if (TAB_PAGES.indexOf(page) >= 0) {
      switchToTab(page as TabPage);
      return;
    }
    wx.redirectTo({
      url: pageUrl(page, target.query || {}),
      fail: () => this.setData({ status: 'invalid', message: '页面打开失败' }),
    });
  },

  onGoHome() {
    switchToTab(HOME_PAGE);
  },

  onRetry() {
    this.resolve();
  },
});
