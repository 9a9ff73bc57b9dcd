import type { CampaignView, ProductSummary } from '../../typings/api';
import { loadWithState } from '../behaviors/load-state';
import type { LoadStatus } from '../behaviors/load-state';
import { CAMPAIGN_PAGE, campaignPagePath } from '../domain/campaign-page';
import { call } from '../services/api';
import { forwardCodeToLanding } from '../services/entry';
import { chinaDateTime } from '../domain/china-time';
import { HOME_PAGE, switchToTab } from '../utils/routes';

/**
 * A campaign's page: banner, intro, its products, and its coupons (the coupon-claim component). Opened
 * by a campaign QR code (through the landing page) or by its path pasted into an Official Account
 * article or menu. Opening it tells the server which campaign and launch scene; the server decides
 * whether that is a visit and whether it is attributed (server/campaigns.ts).
 */
Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    campaign: null as CampaignView | null,
    products: [] as ProductSummary[],
    period: '',
    /** A campaign not started yet says when it starts ('' otherwise). */
    phaseText: '',
  },

  campaignId: '',
  visited: false,

  onLoad(query: Record<string, string | undefined>) {
    if (forwardCodeToLanding(query)) return;
    this.campaignId = query && query.id ? decodeURIComponent(query.id) : '';
    if (!this.campaignId) {
      this.setData({ status: 'empty', message: '没有找到这个活动' });
      return;
    }
    this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    const data = await loadWithState(this, { shown: !!this.data.campaign, notFound: '活动不存在或已下线', request: () => call('catalog', 'campaign', { campaignId: this.campaignId }) });
    if (!data) return;
    const { campaign, products } = data;
    // An ended campaign says so in its own block (with the way home) instead.
    const phaseText = campaign.phase === 'upcoming' ? `活动将于 ${chinaDateTime(campaign.startAt)} 开始` : '';
    this.setData({ status: 'ok', message: '', campaign, products, period: `${chinaDateTime(campaign.startAt)} – ${chinaDateTime(campaign.endAt)}`, phaseText });
    wx.setNavigationBarTitle({ title: campaign.title });
    this.reportVisit();
  },

  /**
   * Once per opening. The launch scene goes with it only when this page is where the shopper entered
   * (an article link, a menu); reached from inside the app, the visit carries no scene.
   */
  reportVisit() {
    if (this.visited) return;
    this.visited = true;
    const enter = typeof wx.getEnterOptionsSync === 'function' ? wx.getEnterOptionsSync() : undefined;
    const entered = !!enter && (enter.path || '').replace(/^\//, '') === CAMPAIGN_PAGE && enter.query && enter.query.id === this.campaignId;
    const scene = entered && enter && typeof enter.scene === 'number' ? enter.scene : undefined;
    call('scenes', 'campaignVisit', scene !== undefined ? { campaignId: this.campaignId, scene } : { campaignId: this.campaignId });
  },

  onRetry() {
    this.load();
  },

  onGoHome() {
    switchToTab(HOME_PAGE);
  },

  onShareAppMessage() {
    const campaign = this.data.campaign;
    return { title: campaign ? campaign.title : '活动', path: `/${campaignPagePath(this.campaignId)}` };
  },
});
