import type { AlreadyPaidDetails, OrderButton, ShopperOrder } from '../../../typings/api';
import { formatFen } from '../../domain/money';
import { call, errorText } from '../../services/api';

/**
 * An order as the list and detail pages render it (money stays in fen; components format it). The
 * status text, the after-sales summary and the buttons are the server's (server/order-presenter.ts).
 */
export interface OrderCard {
  _id: string;
  status: ShopperOrder['status'];
  statusText: string;
  title: string;
  image: string;
  count: number;
  total: number;
  createdAt: number;
  expireAt: number;
  /** What the shopper can do with the order now, for the order-actions bar. */
  buttons: OrderButton[];
  /** The order's after-sales in a few words ('' when none). */
  afterSalesText: string;
  /** WeChat Pay's transaction id (paid orders): identifies the order to WeChat's confirm-receipt component */
  transactionId: string;
  /** What the order's coupon took off, in words ('' without one). */
  couponText: string;
}

export function toOrderCard(order: ShopperOrder): OrderCard {
  const first = order.lines[0];
  const count = order.lines.reduce((n, l) => n + l.qty, 0);
  return {
    _id: order._id,
    status: order.status,
    statusText: order.statusText,
    title: first ? (order.lines.length > 1 ? `${first.title} 等 ${order.lines.length} 种商品` : first.title) : '订单',
    image: first ? first.image : '',
    count,
    total: order.total,
    createdAt: order.createdAt,
    expireAt: order.expireAt,
    buttons: order.buttons || [],
    afterSalesText: order.afterSalesText || '',
    transactionId: order.transactionId || '',
    couponText: order.coupon && order.coupon.discount > 0 ? `优惠券 -${formatFen(order.coupon.discount)}` : '',
  };
}

/** Whether the order offers a button of this type. */
export function hasButton(buttons: readonly OrderButton[], type: OrderButton['type']): boolean {
  return buttons.some((b) => b.type === type);
}

function confirmModal(title: string, content: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) });
  });
}

export async function cancelOrder(orderId: string): Promise<ShopperOrder | null> {
  if (!(await confirmModal('取消订单', '确定取消这个订单吗？'))) return null;
  const res = await call('orders', 'cancel', { orderId });
  if (!res.ok) {
    if (res.error.code === 'ALREADY_PAID') {
      // The payment went through before the cancel: say so, and show the order as the paid one it is.
      wx.showModal({ title: '订单已支付', content: res.error.message, showCancel: false });
      return (res.error.details as AlreadyPaidDetails).order;
    }
    wx.showToast({ title: errorText(res.error), icon: 'none' });
    return null;
  }
  wx.showToast({ title: '订单已取消', icon: 'none' });
  return res.data.order;
}

/** WeChat's confirm-receipt component answers from this mini program's appId (docs/reference/wx-order-confirm.md). */
export const ORDER_CONFIRM_APPID = 'wx1183b055aeec94d1';

type ConfirmAnswer = { status: 'success' | 'fail' | 'cancel'; errormsg?: string };

/** wx.openBusinessView is missing from the published typings. */
interface BusinessViewWx {
  openBusinessView?(options: { businessType: string; extraData: Record<string, string>; fail?: (err: { errMsg?: string }) => void }): void;
}
const businessWx = () => wx as unknown as BusinessViewWx;

/**
 * Opens WeChat's confirm-receipt component for a paid order. Its answer comes back when the shopper
 * returns (App.onShow / wx.onAppShow, referrerInfo from ORDER_CONFIRM_APPID), not in the call's success.
 */
function openOrderConfirm(transactionId: string): Promise<ConfirmAnswer> {
  return new Promise((resolve) => {
    const off = () => wx.offAppShow(onShow as unknown as WechatMiniprogram.OffAppShowCallback);
    const onShow: WechatMiniprogram.OnAppShowCallback = (options) => {
      const referrer = options && options.referrerInfo;
      if (!referrer || referrer.appId !== ORDER_CONFIRM_APPID) return;
      off();
      const data = (referrer.extraData || {}) as Partial<ConfirmAnswer>;
      const status = data.status === 'success' || data.status === 'cancel' ? data.status : 'fail';
      resolve({ status, errormsg: data.errormsg });
    };
    wx.onAppShow(onShow);
    (businessWx().openBusinessView as NonNullable<BusinessViewWx['openBusinessView']>)({
      businessType: 'weappOrderConfirm',
      extraData: { transaction_id: transactionId },
      fail: (err) => {
        off();
        resolve({ status: 'fail', errormsg: err && err.errMsg });
      },
    });
  });
}

/**
 * Confirm receipt. A paid order goes through WeChat's confirm-receipt component (required for the
 * payment to settle); the order follows its answer through `orders.confirmReceipt`. Without a
 * transaction id or on a client without the component, the shopper confirms in our own dialog.
 */
export async function confirmReceipt(orderId: string, transactionId = ''): Promise<ShopperOrder | null> {
  if (transactionId && typeof businessWx().openBusinessView === 'function') {
    const answer = await openOrderConfirm(transactionId);
    if (answer.status === 'cancel') return null;
    if (answer.status === 'fail') {
      wx.showToast({ title: answer.errormsg ? `确认收货失败：${answer.errormsg}` : '确认收货失败，请稍后重试', icon: 'none' });
      return null;
    }
  } else if (!(await confirmModal('确认收货', '确认已经收到商品了吗？'))) return null;
  const res = await call('orders', 'confirmReceipt', { orderId });
  if (!res.ok) {
    wx.showToast({ title: errorText(res.error), icon: 'none' });
    return null;
  }
  wx.showToast({ title: '已确认收货', icon: 'success' });
  return res.data.order;
}
