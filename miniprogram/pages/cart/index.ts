import type { CheckLineResult } from '../../../typings/api';
import type { LoadStatus } from '../../behaviors/load-state';
import { call, errorText } from '../../services/api';
import { lineKey, loadCart, removeLines, saveCart, updateLine } from '../../services/cart';
import { setCheckoutDraft } from '../../services/checkout';
import { forwardCodeToLanding } from '../../services/entry';
import { buildCartView } from '../../utils/cart-view';
import { listPatches } from '../../utils/list-patch';
import type { LineView, ProblemView } from '../../utils/cart-view';
import { HOME_PAGE, pageUrl, PAGES, productUrl, switchToTab } from '../../utils/routes';

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    lines: [] as LineView[],
    problems: [] as ProblemView[],
    total: 0,
    selectedCount: 0,
    allSelected: false,
    checking: false,
    checkError: '',
  },

  checks: {} as Record<string, CheckLineResult>,
  checkGeneration: 0,

  onLoad(query: Record<string, string | undefined>) {
    forwardCodeToLanding(query);
  },

  onShow() {
    this.render();
    this.revalidate();
  },

  onPullDownRefresh() {
    this.revalidate().then(() => wx.stopPullDownRefresh());
  },

  render() {
    const items = loadCart();
    if (items.length === 0) {
      this.setData({ status: 'empty', message: '购物车是空的', lines: [], problems: [], total: 0, selectedCount: 0, allSelected: false });
      return;
    }
    const view = buildCartView(items, this.checks);
    // A full cart is ~15 KB of lines: send only what changed, in chunks, never the whole list at once.
    const patches = listPatches('lines', this.data.lines, view.lines).concat(listPatches('problems', this.data.problems, view.problems));
    const last = patches[patches.length - 1];
    Object.assign(last, { status: 'ok', message: '', total: view.total, selectedCount: view.selectedCount, allSelected: view.allSelected });
    for (const patch of patches) if (Object.keys(patch).length > 0) this.setData(patch);
  },

  /** Re-checks every line against current stock and prices (inventory.check) each time the tab shows. */
  async revalidate() {
    const items = loadCart();
    if (items.length === 0) return;
    const generation = ++this.checkGeneration;
    this.setData({ checking: true, checkError: '' });
    const res = await call('inventory', 'check', {
      lines: items.map((i) => ({ productId: i.productId, skuId: i.skuId, qty: i.qty, seenPrice: i.seenPrice })),
    });
    if (generation !== this.checkGeneration) return;
    if (!res.ok) {
      this.setData({ checking: false, checkError: `${errorText(res.error)}，价格和库存可能不是最新的` });
      return;
    }
    const checks: Record<string, CheckLineResult> = {};
    for (const check of res.data.lines) checks[lineKey(check)] = check;
    this.checks = checks;
    // Keep the display snapshot fresh for the next cold start.
    const refreshed = loadCart().map((item) => {
      const check = checks[lineKey(item)];
      return check && check.title ? { ...item, title: check.title, image: check.image, specText: check.specText } : item;
    });
    saveCart(refreshed);
    this.setData({ checking: false });
    this.render();
  },

  onToggle(e: WechatMiniprogram.TouchEvent) {
    const key = String(e.currentTarget.dataset.key);
    const line = loadCart().find((l) => lineKey(l) === key);
    if (!line) return;
    updateLine(key, { selected: !line.selected });
    this.render();
  },

  onToggleAll() {
    const okKeys = this.data.lines.map((l) => l.key);
    const select = !this.data.allSelected;
    const next = loadCart().map((item) => ({ ...item, selected: select && okKeys.indexOf(lineKey(item)) >= 0 }));
    saveCart(next);
    this.render();
  },

  onQtyChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
    const key = String((e.currentTarget.dataset as { key?: string }).key);
    updateLine(key, { qty: e.detail.value });
    const check = this.checks[key];
    if (check) check.qty = e.detail.value;
    this.render();
  },

  onRemove(e: WechatMiniprogram.TouchEvent) {
    const key = String(e.currentTarget.dataset.key);
    wx.showModal({
      title: '删除商品',
      content: '确定从购物车删除该商品吗？',
      success: (r) => {
        if (!r.confirm) return;
        removeLines([key]);
        delete this.checks[key];
        this.render();
      },
    });
  },

  onClearProblems() {
    const keys = this.data.problems.filter((p) => p.kind === 'gone').map((p) => p.key);
    if (keys.length === 0) return;
    removeLines(keys);
    this.render();
  },

  /** Shopper accepts the new price: the line moves back to the buyable group. */
  onAcceptPrice(e: WechatMiniprogram.TouchEvent) {
    const key = String(e.currentTarget.dataset.key);
    const problem = this.data.problems.find((p) => p.key === key);
    if (!problem || !problem.newPrice) return;
    updateLine(key, { seenPrice: problem.newPrice });
    const check = this.checks[key];
    if (check) {
      check.seenPrice = problem.newPrice;
      check.problems = check.problems.filter((p) => p.code !== 'PRICE_CHANGED');
    }
    this.render();
  },

  /** Short of stock: buy what is left. */
  onReduceQty(e: WechatMiniprogram.TouchEvent) {
    const key = String(e.currentTarget.dataset.key);
    const problem = this.data.problems.find((p) => p.key === key);
    if (!problem || problem.available <= 0) return;
    updateLine(key, { qty: problem.available });
    this.revalidate();
  },

  onOpenProduct(e: WechatMiniprogram.TouchEvent) {
    const id = String(e.currentTarget.dataset.id);
    wx.navigateTo({ url: productUrl(id) });
  },

  onCheckout() {
    const keys = this.data.lines.filter((l) => l.selected).map((l) => l.key);
    if (keys.length === 0) {
      wx.showToast({ title: '请选择要结算的商品', icon: 'none' });
      return;
    }
    const items = loadCart().filter((item) => keys.indexOf(lineKey(item)) >= 0);
    setCheckoutDraft({
      source: 'cart',
      lines: items.map((i) => ({ productId: i.productId, skuId: i.skuId, qty: i.qty, expectedPrice: i.seenPrice })),
    });
    wx.navigateTo({ url: pageUrl(PAGES.checkout) });
  },

  onGoShopping() {
    switchToTab(HOME_PAGE);
  },

  onRetry() {
    this.revalidate();
  },
});
