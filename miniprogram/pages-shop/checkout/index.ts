import type { ActionRequest, CheckLineResult, CouponOffer, LineFailure, OrderLineRequest, PriceChange } from '../../../typings/api';
import type { Address, OrderView } from '../../../typings/domain';
import type { LoadStatus } from '../../behaviors/load-state';
import { call, errorText } from '../../services/api';
import { lineKey, removeLines } from '../../services/cart';
import { clearCheckoutDraft, getCheckoutDraft } from '../../services/checkout';
import { getAttribution } from '../../services/entry';
import { payOrder, payResultUrl } from '../services/pay';
import { addressProblem, cleanAddress, fromWechatAddress } from '../utils/address';
import { newRequestId } from '../../utils/id';
import { formatFen } from '../../domain/money';
import { couponState, isCouponRefusal } from '../utils/coupon-view';
import { pageUrl, PAGES, switchToTab } from '../../utils/routes';
import { checkoutAddress, rememberAddress } from '../services/addresses';
import { isPrivacyRefused, isUserCancel } from '../../utils/wx-error';
import { onFormInput } from '../../behaviors/form-input';
import type { FulfilmentChoice } from '../components/pickup-choice/index';

interface SummaryLine {
  key: string;
  title: string;
  image: string;
  specText: string;
  qty: number;
  unitPrice: number;
  /** The price the shopper saw before, when it differs from the current one (0 = unchanged). */
  oldPrice: number;
  problem: string;
}

/** "满¥99包邮，还差¥20.10" / "已包邮" under the fee, from what the server quoted. */
function shippingHint(itemsTotal: number, fee: number, freeFrom: number | null | undefined): string {
  if (freeFrom === null || freeFrom === undefined || itemsTotal === 0) return '';
  if (itemsTotal >= freeFrom) return `已满${formatFen(freeFrom)}，免运费`;
  // Already free where it ships (a free region): nothing to reach.
  if (fee === 0) return '';
  return `满${formatFen(freeFrom)}免运费，还差${formatFen(freeFrom - itemsTotal)}`;
}
const EMPTY_FORM: Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' };

Page({
  data: {
    status: 'loading' as LoadStatus,
    message: '',
    address: null as Address | null,
    manual: false,
    form: { ...EMPTY_FORM } as Address,
    lines: [] as SummaryLine[],
    itemsTotal: 0,
    shippingFee: 0,
    /** the free-shipping hint under the fee ('' = none) */
    shippingHint: '',
    total: 0,
    priceChanged: false,
    blocked: false,
    remark: '',
    submitting: false,
    /** the coupons that apply and the one priced in (coupon-picker) */
    coupon: { offers: [] as CouponOffer[], id: '', discount: 0 },
    /** store pickup chosen (pickup-choice): no address, no shipping fee */
    pickup: false,
  },
  /** The pickup-choice's answer; null = express delivery. */
  pickupChoice: null as FulfilmentChoice | null,
  /** The shopper's coupon choice: undefined = the best one (the server's proposal), null = none. */
  couponChoice: undefined as string | null | undefined,

  source: 'cart' as 'cart' | 'buy_now',
  requestLines: [] as OrderLineRequest[],
  /**
   * Idempotency key of this checkout. Made once and reused for every retry of the same order, so a
   * double tap or a timed-out call that did reach the server cannot make two orders. Replaced only
   * after the server refused the order outright (nothing was written).
   */
  requestId: '',
  submitLock: false,

  onLoad() {
    const draft = getCheckoutDraft();
    if (!draft || draft.lines.length === 0) {
      this.setData({ status: 'empty', message: '没有要结算的商品' });
      return;
    }
    this.source = draft.source;
    this.requestLines = draft.lines.map((l) => ({ ...l }));
    this.requestId = newRequestId();
    this.loadAddress();
  },

  /** Starts from the address book's default (the fee depends on where it ships), then prices the order. */
  async loadAddress() {
    const address = await checkoutAddress();
    if (address && !this.data.address) this.setData({ address });
    this.quote();
  },

  /** Picks an address from the shopper's address book (pages-me). */
  onOpenAddressBook() {
    wx.navigateTo({ url: pageUrl(PAGES.addresses, { select: 1 }), events: { select: (address: Address) => this.setAddress(address) } });
  },

  /** Server-priced summary (orders.quote): the page never computes what the shopper pays. */
  async quote() {
    if (this.data.status !== 'ok') this.setData({ status: 'loading' });
    const req: ActionRequest<'orders', 'quote'> = { lines: this.requestLines.map((l) => ({ productId: l.productId, skuId: l.skuId, qty: l.qty })) };
    // The fee depends on where the order ships: the server prices it for the chosen address's province.
    if (this.data.address) req.province = this.data.address.province;
    if (this.pickupChoice) req.fulfilment = 'pickup';
    if (this.couponChoice !== undefined) Object.assign(req, this.couponChoice === null ? { noCoupon: true } : { couponId: this.couponChoice });
    const res = await call('orders', 'quote', req);
    if (!res.ok) {
      this.setData({ status: 'error', message: errorText(res.error) });
      return;
    }
    if (res.data.couponProblem) wx.showToast({ title: res.data.couponProblem, icon: 'none' });
    this.setData({ shippingHint: shippingHint(res.data.itemsTotal, res.data.shippingFee, res.data.freeShippingFrom), coupon: couponState(res.data) });
    this.showQuote(res.data.lines, res.data.itemsTotal, res.data.shippingFee, res.data.total);
  },

  showQuote(checks: CheckLineResult[], itemsTotal: number, shippingFee: number, total: number) {
    let priceChanged = false;
    let blocked = false;
    const lines: SummaryLine[] = this.requestLines.map((req, i) => {
      const check = checks.find((c) => c.productId === req.productId && c.skuId === req.skuId) || checks[i];
      const unitPrice = check && check.currentPrice !== null ? check.currentPrice : 0;
      const changed = req.expectedPrice !== undefined && check && check.currentPrice !== null && req.expectedPrice !== check.currentPrice;
      if (changed) priceChanged = true;
      const problems = check ? check.problems.filter((p) => p.code !== 'PRICE_CHANGED') : [];
      if (!check || problems.length > 0 || check.currentPrice === null) blocked = true;
      return {
        key: lineKey(req),
        title: (check && check.title) || '商品',
        image: (check && check.image) || '',
        specText: (check && check.specText) || '',
        qty: req.qty,
        unitPrice,
        oldPrice: changed && req.expectedPrice !== undefined ? req.expectedPrice : 0,
        problem: check ? problems.map((p) => p.message).join('；') : '商品信息获取失败',
      };
    });
    this.setData({ status: 'ok', message: '', lines, itemsTotal, shippingFee, total, priceChanged, blocked });
  },

  /** The shopper has seen the new prices and agrees to pay them. */
  onAcceptPrices() {
    this.data.lines.forEach((line, i) => {
      if (line.oldPrice) this.requestLines[i].expectedPrice = line.unitPrice;
    });
    this.setData({ priceChanged: false, lines: this.data.lines.map((l) => ({ ...l, oldPrice: 0 })) });
  },

  async onChooseAddress() {
    try {
      const r = await wx.chooseAddress();
      const address = fromWechatAddress(r);
      this.setAddress(address);
    } catch (err) {
      if (isPrivacyRefused(err)) {
        // Refused in the privacy popup: WeChat will not hand over the address; typing it is still possible.
        wx.showToast({ title: '未同意隐私保护指引，请手动填写地址', icon: 'none' });
        this.onManualAddress();
        return;
      }
      if (isUserCancel(err)) return;
      // Not authorised, not supported (PC, some simulators) or failed: let the shopper type it.
      this.onManualAddress();
    }
  },

  onManualAddress() {
    this.setData({ manual: true, form: this.data.address ? { ...this.data.address } : { ...EMPTY_FORM } });
  },

  onFormInput,

  onSaveManual() {
    const problem = addressProblem(this.data.form);
    if (problem) {
      wx.showToast({ title: problem, icon: 'none' });
      return;
    }
    this.setAddress(cleanAddress(this.data.form));
    this.setData({ manual: false });
  },

  onCancelManual() {
    this.setData({ manual: false });
  },

  setAddress(address: Address) {
    const regionChanged = !this.data.address || this.data.address.province !== address.province;
    this.setData({ address });
    rememberAddress(address);
    if (regionChanged && this.data.status === 'ok') this.quote();
  },

  onRemarkInput(e: WechatMiniprogram.Input) {
    this.setData({ remark: e.detail.value.slice(0, 200) });
  },

  async onSubmit() {
    // The lock is plain instance state so a second tap in the same tick is already refused.
    if (this.submitLock || this.data.status !== 'ok') return;
    const address = this.data.address;
    const pickup = this.pickupChoice;
    const problem = pickup ? pickup.problem : addressProblem(address);
    if (problem || (!address && !pickup)) {
      wx.showToast({ title: problem || '请填写收货地址', icon: 'none' });
      return;
    }
    if (this.data.blocked) {
      wx.showToast({ title: '部分商品无法购买，请返回修改', icon: 'none' });
      return;
    }
    if (this.data.priceChanged) {
      wx.showModal({ title: '价格有变动', content: '部分商品价格已变化，请确认新价格后再提交', showCancel: false });
      return;
    }
    this.submitLock = true;
    this.setData({ submitting: true });
    const req: ActionRequest<'orders', 'create'> = {
      requestId: this.requestId,
      lines: this.requestLines.map((l) => ({ ...l })),
      ...(pickup && pickup.request ? { pickup: pickup.request } : { address: address as Address }),
    };
    const remark = this.data.remark.trim();
    if (remark) req.remark = remark;
    const attribution = getAttribution();
    if (attribution) req.attribution = attribution;
    if (this.data.coupon.id) req.couponId = this.data.coupon.id;
    const res = await call('orders', 'create', req);
    if (!res.ok) {
      this.submitLock = false;
      this.setData({ submitting: false });
      this.onCreateFailed(res.error.code, res.error.message, res.error.details);
      return;
    }
    this.afterCreated(res.data.order);
  },

  onCreateFailed(code: string, message: string, details: unknown) {
    if (code === 'UNAVAILABLE' || code === 'INTERNAL') {
      // Maybe the order was written: keep the same requestId so a retry returns that order.
      wx.showToast({ title: `${message}，请重试`, icon: 'none' });
      return;
    }
    this.requestId = newRequestId();
    if (isCouponRefusal(code, details)) {
      // The coupon went (used elsewhere, expired): price the order again with the best one left.
      this.couponChoice = undefined;
      wx.showModal({ title: '优惠券不可用', content: message, showCancel: false });
      this.quote();
      return;
    }
    if (code === 'PRICE_CHANGED' && Array.isArray(details)) {
      const changes = details as PriceChange[];
      const lines = this.data.lines.map((line, i) => {
        const req = this.requestLines[i];
        const change = changes.find((c) => c.productId === req.productId && c.skuId === req.skuId);
        if (!change) return line;
        return { ...line, oldPrice: change.expectedPrice, unitPrice: change.currentPrice };
      });
      this.setData({ lines, priceChanged: true });
      wx.showModal({ title: '价格有变动', content: '部分商品价格刚刚发生变化，请确认新价格后再提交', showCancel: false });
      this.quote();
      return;
    }
    if ((code === 'OUT_OF_STOCK' || code === 'INVALID_ARGUMENT') && Array.isArray(details) && details.length && (details[0] as LineFailure).problems) {
      const failures = details as LineFailure[];
      const lines = this.data.lines.map((line, i) => {
        const failure = failures.find((f) => f.index === i);
        return failure ? { ...line, problem: failure.problems.map((p) => p.message).join('；') } : line;
      });
      this.setData({ lines, blocked: true });
      wx.showToast({ title: '部分商品库存不足', icon: 'none' });
      return;
    }
    wx.showModal({ title: '下单失败', content: message || '请稍后重试', showCancel: false });
  },

  async afterCreated(order: OrderView) {
    if (this.source === 'cart') removeLines(this.requestLines.map((l) => lineKey(l)));
    clearCheckoutDraft();
    const result = await payOrder(order._id);
    wx.redirectTo({ url: payResultUrl(order._id, result.outcome) });
  },

  onFulfilmentChange(e: WechatMiniprogram.CustomEvent<FulfilmentChoice>) {
    const wasPickup = !!this.pickupChoice;
    this.pickupChoice = e.detail.fulfilment === 'pickup' ? e.detail : null;
    if (wasPickup !== !!this.pickupChoice) {
      this.setData({ pickup: !!this.pickupChoice });
      this.quote();
    }
  },

  onCouponChange(e: WechatMiniprogram.CustomEvent<{ couponId: string | null }>) {
    this.couponChoice = e.detail.couponId;
    this.quote();
  },

  onBack() {
    wx.navigateBack({ fail: () => switchToTab(PAGES.cart) });
  },

  onRetry() {
    this.quote();
  },
});
