import type { Address } from '../../../typings/domain';
import type { LoadStatus } from '../../behaviors/load-state';
import { loadWithState } from '../../behaviors/load-state';
import { addressMessage } from '../../domain/address';
import { call, errorText } from '../../services/api';
import { loadAddressBook, plainAddress } from '../../services/addresses';
import { onFormInput } from '../../behaviors/form-input';

const EMPTY_FORM: Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' };

/** Adds an address to the book, or edits one (`id`). The server applies the same address rule. */
Page({
  data: {
    status: 'ok' as LoadStatus,
    message: '',
    id: '',
    form: { ...EMPTY_FORM } as Address,
    makeDefault: false,
    saving: false,
  },

  async onLoad(query: Record<string, string | undefined>) {
    const id = query.id || '';
    wx.setNavigationBarTitle({ title: id ? '编辑收货地址' : '新增收货地址' });
    if (!id) return;
    this.setData({ id });
    const book = await loadWithState(this, { shown: false, notFound: '地址不存在或已删除', request: () => loadAddressBook() });
    if (!book) return;
    const saved = book.addresses.find((a) => a.id === id);
    if (!saved) {
      this.setData({ status: 'empty', message: '地址不存在或已删除' });
      return;
    }
    this.setData({ status: 'ok', form: plainAddress(saved), makeDefault: saved.isDefault });
  },

  onFormInput,

  onDefaultChange(e: WechatMiniprogram.SwitchChange) {
    this.setData({ makeDefault: e.detail.value });
  },

  async onSave() {
    if (this.data.saving) return;
    const problem = addressMessage(this.data.form);
    if (problem) {
      wx.showToast({ title: problem, icon: 'none' });
      return;
    }
    this.setData({ saving: true });
    const req: { address: Address; makeDefault: boolean; id?: string } = { address: this.data.form, makeDefault: this.data.makeDefault };
    if (this.data.id) req.id = this.data.id;
    const res = await call('orders', 'saveAddress', req);
    this.setData({ saving: false });
    if (!res.ok) {
      wx.showToast({ title: errorText(res.error), icon: 'none' });
      return;
    }
    wx.showToast({ title: '已保存', icon: 'success' });
    wx.navigateBack({ delta: 1 });
  },

  onBack() {
    wx.navigateBack({ delta: 1 });
  },

  onRetry() {
    this.onLoad({ id: this.data.id });
  },
});
