import type { GroupDealView, GroupSkuView, GroupView } from '../../typings/api';
import type { Address } from '../../typings/domain';
import { loadWithState } from '../behaviors/load-state';
import type { LoadStatus } from '../behaviors/load-state';
import { checkAddress } from '../domain/address';
import { groupPagePath } from '../domain/group-page';
import { cleanNickname, NICKNAME_MAX } from '../domain/nickname';
import { formatFen } from '../domain/money';
import { call, errorText } from '../services/api';
import { payOrder } from '../services/pay-async';
import { cachedReferralCode } from '../services/referral';
import { newRequestId } from '../utils/id';
import { readStorage } from '../utils/storage';
import { HOME_PAGE, orderDetailUrl, switchToTab } from '../utils/routes';

/** Where the checkout page keeps the shopper's last address (reused here, never sent anywhere else). */
const ADDRESS_KEY = 'storefront.address.v1';

interface Slot {
  key: string;
  nickname: string;
  avatar: string;
  leader: boolean;
  paid: boolean;
  empty: boolean;
}

/** The members in their places, the places still open drawn empty. */
function slotsOf(group: GroupView): Slot[] {
  const slots: Slot[] = group.members.map((m, i) => ({ key: `m${i}`, nickname: m.nickname, avatar: m.avatar, leader: m.leader, paid: m.paid, empty: false }));
  const open = group.phase === 'forming' || group.phase === 'full';
  for (let i = slots.length; open && i < group.size; i += 1) slots.push({ key: `e${i}`, nickname: '待加入', avatar: '', leader: false, paid: false, empty: true });
  return slots;
}

function savedAddress(): Address | null {
  const checked = checkAddress(readStorage(ADDRESS_KEY));
  return checked.ok ? checked.address : null;
}

/**
 * A group (拼团): its product at the group price, the members by nickname and avatar, a countdown on the
 * cloud's clock, and what the shopper can do now (join, pay, invite friends through the share card).
 * Opened from a share card (`?groupId=`), or from a product (`?productId=`: open a new group, or join
 * one of its groups). The server decides prices, places and phases; this page only shows them.
 */
Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    mode: 'group' as 'group' | 'deal',
    group: null as GroupView | null,
    deal: null as GroupDealView | null,
    openGroups: [] as GroupView[],
    skus: [] as GroupSkuView[],
    skuId: '',
    priceText: '',
    regularText: '',
    slots: [] as Slot[],
    deadline: 0,
    nickname: '',
    avatar: '',
    nicknameMax: NICKNAME_MAX,
    busy: false,
  },

  groupId: '',
  productId: '',
  requestId: '',
  /** The avatar the shopper just chose (a local file), uploaded when they join. */
  avatarFile: '',

  onLoad(query: Record<string, string | undefined>) {
    this.groupId = query && query.groupId ? decodeURIComponent(query.groupId) : '';
    this.productId = query && query.productId ? decodeURIComponent(query.productId) : '';
    if (!this.groupId && !this.productId) {
      this.setData({ status: 'empty', message: '没有找到这个拼团' });
      return;
    }
    this.load();
    this.loadProfile();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    if (this.groupId) {
      const data = await loadWithState(this, { shown: !!this.data.group, notFound: '拼团不存在或已失效', request: () => call('orders', 'group', { groupId: this.groupId }) });
      if (!data) return;
      const sku = data.skus.find((s) => s.skuId === this.data.skuId) || data.skus[0];
      const live = data.group.phase === 'forming' || data.group.phase === 'full';
      this.setData({
        status: 'ok',
        mode: 'group',
        group: data.group,
        skus: data.skus,
        skuId: sku ? sku.skuId : '',
        priceText: sku ? formatFen(sku.price) : '',
        regularText: sku ? formatFen(sku.regularPrice) : '',
        slots: slotsOf(data.group),
        // The phone's clock may be off: count down the cloud's remaining time from now.
        deadline: live ? Date.now() + (data.group.expireAt - data.serverTime) : 0,
      });
      return;
    }
    const data = await loadWithState(this, { shown: !!this.data.deal, notFound: '该商品暂无拼团活动', request: () => call('orders', 'groupDeal', { productId: this.productId }) });
    if (!data) return;
    if (!data.deal) {
      this.setData({ status: 'empty', message: '该商品暂无拼团活动' });
      return;
    }
    const sku = data.deal.skus[0];
    this.setData({ status: 'ok', mode: 'deal', deal: data.deal, openGroups: data.groups, skus: data.deal.skus, skuId: sku ? sku.skuId : '', priceText: formatFen(data.deal.lowestPrice), regularText: sku ? formatFen(sku.regularPrice) : '' });
  },

  async loadProfile() {
    const res = await call('orders', 'myGroupProfile', {});
    if (res.ok && res.data.profile) this.setData({ nickname: res.data.profile.nickname, avatar: res.data.profile.avatar });
  },

  onRetry() {
    this.load();
  },

  onGoHome() {
    switchToTab(HOME_PAGE);
  },

  onPickSku(e: WechatMiniprogram.TouchEvent) {
    const skuId = String(e.currentTarget.dataset.sku || '');
    const sku = this.data.skus.find((s) => s.skuId === skuId);
    if (sku) this.setData({ skuId, priceText: formatFen(sku.price), regularText: formatFen(sku.regularPrice) });
  },

  /** WeChat's avatar chooser (`open-type="chooseAvatar"`): a local file, shown now and uploaded on joining. */
  onChooseAvatar(e: WechatMiniprogram.CustomEvent<{ avatarUrl: string }>) {
    const file = e.detail && e.detail.avatarUrl;
    if (!file) return;
    this.avatarFile = file;
    this.setData({ avatar: file });
  },

  /** WeChat's nickname input (`type="nickname"`): its own check runs on blur; ours runs on the server. */
  onNickname(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ nickname: cleanNickname(String(e.detail.value || '')) });
  },

  onOpenGroupPage(e: WechatMiniprogram.TouchEvent) {
    const groupId = String(e.currentTarget.dataset.group || '');
    if (groupId) wx.navigateTo({ url: groupPagePath(groupId) });
  },

  /** A group that takes no one any more: the same product, to open a new group. */
  onNewGroup() {
    const group = this.data.group;
    if (group) wx.redirectTo({ url: `/pages-group/index?productId=${encodeURIComponent(group.productId)}` });
  },

  onViewOrder() {
    const group = this.data.group;
    if (group && group.myOrderId) wx.navigateTo({ url: orderDetailUrl(group.myOrderId) });
  },

  /** The avatar as the server stores it: a cloud file (uploaded from the chooser), '' when none. */
  async avatarForProfile(): Promise<string> {
    if (!this.avatarFile) return /^cloud:\/\//.test(this.data.avatar) ? this.data.avatar : '';
    const cloud = wx.cloud as unknown as { uploadFile?: (o: { cloudPath: string; filePath: string }) => Promise<{ fileID: string }> };
    if (typeof cloud.uploadFile !== 'function') return '';
    try {
      const ext = (/\.(png|jpe?g|webp)$/i.exec(this.avatarFile) || ['.png'])[0];
      const uploaded = await cloud.uploadFile({ cloudPath: `avatars/${newRequestId()}${ext}`, filePath: this.avatarFile });
      this.avatarFile = '';
      return uploaded.fileID;
    } catch {
      return '';
    }
  },

  /** Opens a group (deal mode) or joins this one, then pays: the place is reserved before payment. */
  async onJoin() {
    if (this.data.busy) return;
    const nickname = cleanNickname(this.data.nickname);
    if (!nickname) {
      wx.showToast({ title: '请先填写昵称', icon: 'none' });
      return;
    }
    const address = savedAddress() || (await this.chooseAddress());
    if (!address) return;
    this.setData({ busy: true });
    try {
      const profile = await call('orders', 'saveGroupProfile', { nickname, avatar: await this.avatarForProfile() });
      if (!profile.ok) {
        wx.showToast({ title: errorText(profile.error), icon: 'none' });
        return;
      }
      this.setData({ nickname: profile.data.profile.nickname, avatar: profile.data.profile.avatar || this.data.avatar });
      if (!this.requestId) this.requestId = newRequestId();
      const sku = this.data.skus.find((s) => s.skuId === this.data.skuId);
      const base = { requestId: this.requestId, skuId: this.data.skuId, address, ...(sku ? { expectedPrice: sku.price } : {}) };
      const res = this.data.mode === 'deal' ? await call('orders', 'openGroup', { ...base, productId: this.productId }) : await call('orders', 'joinGroup', { ...base, groupId: this.groupId });
      if (!res.ok) {
        // Refused (full, ended, price changed): nothing was written, a new tap is a new request.
        this.requestId = '';
        wx.showToast({ title: errorText(res.error), icon: 'none' });
        this.load();
        return;
      }
      this.requestId = '';
      this.groupId = res.data.groupId;
      const paid = await payOrder(res.data.order._id);
      wx.showToast({ title: paid.outcome === 'paid' ? '支付成功' : paid.message, icon: paid.outcome === 'paid' ? 'success' : 'none' });
      await this.load();
    } finally {
      this.setData({ busy: false });
    }
  },

  /** Pays the shopper's own unpaid order in this group (its place is held until its window ends). */
  async onPay() {
    const group = this.data.group;
    if (!group || !group.myOrderId || this.data.busy) return;
    this.setData({ busy: true });
    // The group's result, then its shipment or refund: what a member waits to hear about.
    const paid = await payOrder(group.myOrderId, ['group', 'shipped', 'refund']);
    wx.showToast({ title: paid.message, icon: paid.outcome === 'paid' ? 'success' : 'none' });
    await this.load();
    this.setData({ busy: false });
  },

  async chooseAddress(): Promise<Address | null> {
    try {
      const r = await wx.chooseAddress();
      const checked = checkAddress({ name: r.userName, phone: r.telNumber, province: r.provinceName, city: r.cityName, district: r.countyName, detail: r.detailInfo });
      if (checked.ok) return checked.address;
      wx.showToast({ title: '收货地址不完整，请重新选择', icon: 'none' });
    } catch {
      wx.showToast({ title: '请选择收货地址后再参团', icon: 'none' });
    }
    return null;
  },

  onCountdownEnd() {
    this.load();
  },

  /** The share card friends join through: the group's page, with the sharer's referral code. */
  onShareAppMessage() {
    const group = this.data.group;
    const ref = cachedReferralCode();
    const path = group ? groupPagePath(group.groupId) : `/pages-group/index?productId=${encodeURIComponent(this.productId)}`;
    const left = group ? group.size - group.taken : 0;
    const title = group ? `${left > 0 ? `还差${left}人，` : ''}${this.data.priceText} 拼「${group.title}」` : '一起拼团更优惠';
    return { title, path: ref ? `${path}&ref=${encodeURIComponent(ref)}` : path };
  },
});
