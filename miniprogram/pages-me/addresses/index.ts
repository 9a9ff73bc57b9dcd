import type { AddressBookView, Envelope } from '../../../typings/api';
import type { SavedAddress } from '../../../typings/domain';
import type { LoadStatus } from '../../behaviors/load-state';
import { loadWithState } from '../../behaviors/load-state';
import { checkAddress, wechatAddressFields } from '../../domain/address';
import { call, errorText } from '../../services/api';
import { loadAddressBook, plainAddress } from '../../services/addresses';
import { pageUrl, PAGES } from '../../utils/routes';
import { isPrivacyRefused, isUserCancel } from '../../utils/wx-error';

type Row = SavedAddress & { regionText: string };

const toRow = (a: SavedAddress): Row => ({ ...a, regionText: `${a.province}${a.city}${a.district}${a.detail}` });

/**
 * The shopper's address book: add, import from WeChat, edit, delete, choose the default. Opened with
 * `select=1` (from the checkout), a tap on an address hands it back to the opener instead.
 */
Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    rows: [] as Row[],
    limit: 20,
    full: false,
    select: false,
    busy: false,
  },

  onLoad(query: Record<string, string | undefined>) {
    const select = query.select === '1';
    this.setData({ select });
    if (select) wx.setNavigationBarTitle({ title: '选择收货地址' });
  },

  onShow() {
    // Back from the edit page: show what it saved.
    this.load(this.data.status === 'ok');
  },

  async onPullDownRefresh() {
    await this.load(true);
    wx.stopPullDownRefresh();
  },

  async load(shown: boolean) {
    const book = await loadWithState(this, { shown, notFound: '还没有收货地址', request: () => loadAddressBook() });
    if (book) this.show(book);
  },

  show(book: AddressBookView) {
    const rows = book.addresses.map(toRow);
    this.setData({ rows, limit: book.limit, full: rows.length >= book.limit, status: rows.length ? 'ok' : 'empty', message: rows.length ? '' : '还没有收货地址' });
  },

  rowOf(e: WechatMiniprogram.TouchEvent): Row | undefined {
    const id = String(e.currentTarget.dataset.id || '');
    return this.data.rows.find((r) => r.id === id);
  },

  onTapAddress(e: WechatMiniprogram.TouchEvent) {
    const row = this.rowOf(e);
    if (!row) return;
    if (!this.data.select) {
      this.onEdit(e);
      return;
    }
    const opener = this.getOpenerEventChannel();
    if (opener && opener.emit) opener.emit('select', plainAddress(row));
    wx.navigateBack({ delta: 1 });
  },

  onEdit(e: WechatMiniprogram.TouchEvent) {
    const row = this.rowOf(e);
    if (row) wx.navigateTo({ url: pageUrl(PAGES.addressEdit, { id: row.id }) });
  },

  onAdd() {
    if (this.data.full) {
      wx.showToast({ title: `最多保存${this.data.limit}个地址，请先删除不用的地址`, icon: 'none' });
      return;
    }
    wx.navigateTo({ url: pageUrl(PAGES.addressEdit) });
  },

  /** One change of the book on the server; the page shows the book the server answers. */
  async change(run: () => Promise<Envelope<AddressBookView>>, done: string): Promise<boolean> {
    if (this.data.busy) return false;
    this.setData({ busy: true });
    const res = await run();
    this.setData({ busy: false });
    if (!res.ok) {
      wx.showToast({ title: errorText(res.error), icon: 'none' });
      if (res.error.code === 'NOT_FOUND') this.load(true);
      return false;
    }
    this.show(res.data);
    if (done) wx.showToast({ title: done, icon: 'success' });
    return true;
  },

  onSetDefault(e: WechatMiniprogram.TouchEvent) {
    const row = this.rowOf(e);
    if (!row || row.isDefault) return;
    this.change(() => call('orders', 'setDefaultAddress', { id: row.id }), '已设为默认');
  },

  onDelete(e: WechatMiniprogram.TouchEvent) {
    const row = this.rowOf(e);
    if (!row) return;
    wx.showModal({
      title: '删除地址',
      content: `确定删除 ${row.name} ${row.regionText}？`,
      confirmText: '删除',
      confirmColor: '#e4393c',
      success: (r) => {
        if (r.confirm) this.change(() => call('orders', 'removeAddress', { id: row.id }), '已删除');
      },
    });
  },

  /** Imports an address from WeChat's address picker (a privacy API: the popup asks first). */
  async onImport() {
    let picked: WechatMiniprogram.ChooseAddressSuccessCallbackResult;
    try {
      picked = await wx.chooseAddress();
    } catch (err) {
      if (isUserCancel(err)) return;
      wx.showToast({ title: isPrivacyRefused(err) ? '未同意隐私保护指引，请手动新增地址' : '无法获取微信地址，请手动新增', icon: 'none' });
      return;
    }
    const checked = checkAddress(wechatAddressFields(picked));
    if (!checked.ok) {
      wx.showToast({ title: '微信地址不完整，请手动新增', icon: 'none' });
      return;
    }
    this.change(() => call('orders', 'saveAddress', { address: checked.address }), '已导入');
  },

  onRetry() {
    this.load(false);
  },
});
