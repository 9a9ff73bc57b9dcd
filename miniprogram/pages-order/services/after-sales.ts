import type { ShopperAfterSale } from '../../../typings/api';
import type { AfterSaleView } from '../../../typings/domain';
import { chinaDateTime } from '../../domain/china-time';

/** One after-sales request as the order detail renders it (money in fen; the price component formats it). */
export interface AfterSaleCard {
  _id: string;
  status: AfterSaleView['status'];
  statusText: string;
  /** e.g. "纯棉T恤 白 × 1；马克杯 × 2" */
  itemsText: string;
  refundFee: number;
  shippingRefund: number;
  reason: string;
  refuseReason: string;
  /** What happens next, for the shopper. */
  hint: string;
  createdText: string;
}

const HINTS: Partial<Record<AfterSaleView['status'], string>> = {
  requested: '等待商家处理',
  return_pending: '请将商品寄回商家，商家收货后退款',
  received: '商家已收到退货，即将退款',
  refunding: '退款处理中，将原路退回',
  refunded: '退款已原路退回',
};

export function toAfterSaleCard(view: ShopperAfterSale): AfterSaleCard {
  return {
    _id: view._id,
    status: view.status,
    statusText: view.statusText,
    itemsText: view.lines.map((l) => `${l.title}${l.specText ? ` ${l.specText}` : ''} × ${l.qty}`).join('；'),
    refundFee: view.refundFee,
    shippingRefund: view.shippingRefund,
    reason: view.reason,
    refuseReason: view.refuseReason || '',
    hint: HINTS[view.status] || '',
    createdText: chinaDateTime(view.createdAt),
  };
}
