import type { FlashSaleView, ProductDetail, SkuView } from '../../../typings/api';
import type { SpecDimension } from '../../../typings/domain';
import { MAX_QTY_PER_LINE } from '../../domain/cart';
import { specText } from '../../domain/product';
import { loadWithState } from '../../behaviors/load-state';
import type { LoadStatus } from '../../behaviors/load-state';
import { call } from '../../services/api';
import { addItem, cartCount, lineKey, loadCart } from '../../services/cart';
import { setCheckoutDraft } from '../../services/checkout';
import { forwardCodeToLanding, recordReferral } from '../../services/entry';
import { cachedReferralCode, fetchReferralCode } from '../../services/referral';
import { HOME_PAGE, pageUrl, PAGES, productUrl, switchToTab } from '../../utils/routes';
import { toCombos } from '../utils/sku';

interface ProductView {
  title: string;
  images: string[];
  specs: SpecDimension[];
  sales: number;
  onShelf: boolean;
}

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    product: null as ProductView | null,
    /** The SKU picker's compact view of the SKUs (see toCombos); prices stay off the view. */
    combos: [] as number[][],
    description: '',
    skuId: '',
    price: 0,
    originalPrice: 0,
    /** Shown while no SKU is picked: "¥9.90 起". */
    fromPrice: true,
    available: 0,
    pickText: '',
    qty: 1,
    maxQty: 1,
    cartCount: 0,
    deepLanding: false,
    /** the product whose coupons coupon-claim offers */
    claimProductId: '',
    /** The product's flash sales and the cloud's clock when they were read (the flash-bar component). */
    flashSales: [] as FlashSaleView[],
    serverTime: 0,
  },

  productId: '',
  skus: [] as SkuView[],
  /** The card-sized picture a cart line shows (not rendered here: the page shows the full images). */
  cover: '',
  shownBefore: false,

  onLoad(query: Record<string, string | undefined>) {
    const q = query || {};
    if (!q.id && forwardCodeToLanding(q)) return;
    this.productId = q.id ? decodeURIComponent(q.id) : '';
    if (q.ref) {
      const enter = typeof wx.getEnterOptionsSync === 'function' ? wx.getEnterOptionsSync() : undefined;
      recordReferral(q.ref, enter ? enter.scene : undefined);
    }
    // Opened straight from a card or code: no page below to go back to.
    this.setData({ deepLanding: getCurrentPages().length <= 1, claimProductId: this.productId });
    fetchReferralCode();
    this.load();
  },

  onShow() {
    this.setData({ cartCount: cartCount() });
    // Coming back (e.g. from a checkout refused as sold out): stock and prices may have changed meanwhile.
    if (this.shownBefore) this.load();
    this.shownBefore = true;
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  onShareAppMessage() {
    const product = this.data.product;
    const base = { title: product ? product.title : '好物推荐', imageUrl: product && product.images[0] ? product.images[0] : undefined };
    const code = cachedReferralCode();
    if (code || !this.productId) return { ...base, path: productUrl(this.productId, code) };
    // The code is still loading: WeChat waits up to 3 s for this promise, then uses the plain path.
    return {
      ...base,
      path: productUrl(this.productId, null),
      promise: fetchReferralCode().then((ref) => ({ ...base, path: productUrl(this.productId, ref) })),
    };
  },

  onShareTimeline() {
    const product = this.data.product;
    const code = cachedReferralCode();
    const query = code ? `id=${encodeURIComponent(this.productId)}&ref=${encodeURIComponent(code)}` : `id=${encodeURIComponent(this.productId)}`;
    return { title: product ? product.title : '好物推荐', query, imageUrl: product && product.images[0] ? product.images[0] : undefined };
  },

  async load() {
    if (!this.productId) {
      this.setData({ status: 'empty', message: '没有找到这个商品' });
      return;
    }
    const productId = this.productId;
    const data = await loadWithState(this, { shown: !!this.data.product, notFound: '商品不存在或已删除', request: () => call('catalog', 'get', { productId }) });
    if (data) this.show(data.product);
    if (data) this.setData({ flashSales: data.flashSales || [], serverTime: data.serverTime || 0 });
  },

  show(p: ProductDetail) {
    this.skus = p.skus;
    this.cover = p.cover || p.images[0] || '';
    const onShelf = p.status === 'on_shelf';
    const prices = p.skus.map((s) => s.price);
    wx.setNavigationBarTitle({ title: p.title.slice(0, 16) });
    // Three smaller updates instead of one: a long description (up to 5000 characters) or a
    // 200-SKU product would otherwise push a single setData past the 16 KB budget.
    this.setData({
      status: 'ok',
      product: { title: p.title, images: p.images, specs: p.specs, sales: p.sales, onShelf },
      price: prices.length ? Math.min.apply(null, prices) : p.price,
      originalPrice: 0,
      fromPrice: true,
      skuId: '',
      pickText: p.specs.length ? `请选择 ${p.specs.map((s) => s.name).join(' ')}` : '',
      available: p.skus.reduce((sum, s) => sum + (onShelf ? s.available : 0), 0),
    });
    this.setData({ combos: toCombos(p.specs, p.skus.map((s) => ({ specValues: s.specValues, available: onShelf ? s.available : 0 }))) });
    this.setData({ description: p.description });
    // On a reload the picker keeps the shopper's pick (and sends no change for it): show that SKU's fresh state.
    const kept = this.pickedBefore ? p.skus.find((s) => s.skuId === this.pickedBefore) : undefined;
    if (kept) this.selectSku(kept);
  },

  /** The SKU id picked before the last reload. */
  pickedBefore: '',

  selectSku(sku: SkuView) {
    const product = this.data.product;
    if (!product) return;
    const available = product.onShelf ? sku.available : 0;
    const maxQty = Math.max(1, Math.min(available, MAX_QTY_PER_LINE));
    this.pickedBefore = sku.skuId;
    this.setData({
      skuId: sku.skuId,
      price: sku.price,
      originalPrice: sku.originalPrice || 0,
      fromPrice: false,
      available,
      pickText: specText(sku) ? `已选 ${specText(sku)}` : '',
      maxQty,
      qty: Math.min(this.data.qty, maxQty),
    });
  },

  onSkuChange(e: WechatMiniprogram.CustomEvent<{ picked: (string | null)[]; index: number }>) {
    const { index, picked } = e.detail;
    const sku: SkuView | undefined = index >= 0 ? this.skus[index] : undefined;
    const product = this.data.product;
    if (!sku || !product) {
      const missing = product ? product.specs.filter((_, d) => !picked[d]).map((s) => s.name) : [];
      this.pickedBefore = '';
      this.setData({ skuId: '', fromPrice: true, originalPrice: 0, pickText: missing.length ? `请选择 ${missing.join(' ')}` : '' });
      return;
    }
    this.selectSku(sku);
  },

  onQtyChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
    this.setData({ qty: e.detail.value });
  },

  /** The picked SKU if it can be bought in the chosen quantity; otherwise tells the shopper why not. */
  pickedSku(): SkuView | null {
    const product = this.data.product;
    if (!product || !product.onShelf) {
      wx.showToast({ title: '商品已下架', icon: 'none' });
      return null;
    }
    const sku = this.skus.find((s: SkuView) => s.skuId === this.data.skuId);
    if (!sku) {
      wx.showToast({ title: this.data.pickText || '请选择规格', icon: 'none' });
      return null;
    }
    if (sku.available <= 0) {
      wx.showToast({ title: '该规格已售罄', icon: 'none' });
      return null;
    }
    return sku;
  },

  onAddToCart() {
    const sku = this.pickedSku();
    const product = this.data.product;
    if (!sku || !product) return;
    // The cart merges lines of the same SKU: keep the merged quantity within what is in stock.
    const key = lineKey({ productId: this.productId, skuId: sku.skuId });
    const inCart = loadCart().reduce((n, line) => (lineKey(line) === key ? n + line.qty : n), 0);
    if (inCart + this.data.qty > sku.available) {
      wx.showToast({ title: inCart > 0 ? `购物车里已有 ${inCart} 件，库存不足` : '库存不足', icon: 'none' });
      return;
    }
    try {
      addItem({
        productId: this.productId,
        skuId: sku.skuId,
        qty: this.data.qty,
        seenPrice: sku.price,
        title: product.title,
        image: this.cover,
        specText: specText(sku),
      });
    } catch {
      wx.showToast({ title: '购物车已满，请先结算或删除部分商品', icon: 'none' });
      return;
    }
    this.setData({ cartCount: cartCount() });
    wx.showToast({ title: '已加入购物车', icon: 'success' });
  },

  onBuyNow() {
    const sku = this.pickedSku();
    const product = this.data.product;
    if (!sku || !product) return;
    setCheckoutDraft({ source: 'buy_now', lines: [{ productId: this.productId, skuId: sku.skuId, qty: this.data.qty, expectedPrice: sku.price }] });
    wx.navigateTo({ url: pageUrl(PAGES.checkout) });
  },

  onPreview(e: WechatMiniprogram.TouchEvent) {
    const product = this.data.product;
    if (!product) return;
    wx.previewImage({ urls: product.images, current: String(e.currentTarget.dataset.src || product.images[0]) });
  },

  onGoCart() {
    switchToTab(PAGES.cart);
  },

  onGoHome() {
    switchToTab(HOME_PAGE);
  },

  onRetry() {
    this.load();
  },
});
