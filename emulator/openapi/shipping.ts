/**
 * WeChat's order-shipping service (小程序发货信息管理服务) as the local cloud answers it:
 * `wxa.sec.order.uploadShippingInfo` and `wxa.sec.order.getOrder` (docs/reference/wx-shipping-info.md).
 * An upload is checked as WeChat documents it (required fields and their formats, RFC 3339 upload
 * time, one parcel in unified mode, at most 15 parcels and express only when split, tracking number and
 * carrier for express, a contact for SF), against the pay sandbox (the payment must exist and be paid,
 * the payer must be its payer), and against the one re-shipment a payment allows. Accepted uploads are
 * kept per payment (SQLite) and listed at GET /_emulator/v1/openapi/shipping; a fault switch makes the
 * next uploads fail, before they are recorded (`error`) or after (`lost`: WeChat has it, the answer
 * never arrives).
 */
import type { Sqlite } from '../database/sqlite';
import { PAY_SANDBOX_MCH_ID, type PayOrder } from '../pay/service';
import type { WxaError } from './wxacode';

/** What the shipping service needs of the pay sandbox (looked up lazily: pay starts after open API). */
export interface PaymentsView {
  payment(key: { transactionId?: string; outTradeNo?: string }): (PayOrder & { refundedFee: number }) | undefined;
}

/** order_state: 1 waiting for shipment, 2 shipped, 3 receipt confirmed, 4 settled, 5 refunded. */
type OrderState = 1 | 2 | 3 | 4 | 5;

export interface ShippingUploadRecord {
  at: string;
  request: Record<string, unknown>;
}

export interface ShippingRecord {
  outTradeNo: string;
  transactionId: string;
  orderState: OrderState;
  deliveryMode: number;
  logisticsType: number;
  shippingList: Record<string, unknown>[];
  uploadTime: string;
  /** the payment's one re-shipment is spent */
  reshipUsed: boolean;
  /** every upload WeChat accepted for this payment, in order */
  uploads: ShippingUploadRecord[];
}

export type ShippingFault = 'error' | 'lost';

const MAX_PARCELS = 15;
const ITEM_DESC_MAX = 120;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const PAYMENT_NOT_FOUND = 10060001;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function rid(): string {
  return Math.random().toString(16).slice(2, 10);
}
function error(errcode: number, message: string): WxaError {
  return { errcode, errmsg: `${message} rid: ${rid()}` };
}
const formatError = (why: string) => error(47001, `data format error: ${why}`);

export class ShippingService {
  private faults: { mode: ShippingFault; times: number } | null = null;

  constructor(private readonly db: Sqlite, private readonly payments: () => PaymentsView) {
    this.db.exec('CREATE TABLE IF NOT EXISTS openapi_shipping (out_trade_no TEXT PRIMARY KEY, body TEXT NOT NULL)');
  }

  records(): ShippingRecord[] {
    return (this.db.prepare('SELECT body FROM openapi_shipping ORDER BY rowid').all() as { body: string }[]).map((r) => JSON.parse(r.body) as ShippingRecord);
  }

  private record(outTradeNo: string): ShippingRecord | undefined {
    const row = this.db.prepare('SELECT body FROM openapi_shipping WHERE out_trade_no = ?').get(outTradeNo) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ShippingRecord) : undefined;
  }

  private save(r: ShippingRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO openapi_shipping (out_trade_no, body) VALUES (?, ?)').run(r.outTradeNo, JSON.stringify(r));
  }

  /** Makes the next `times` uploads fail (`error`: refused before anything is kept; `lost`: kept, answer lost). */
  failNext(mode: ShippingFault, times: number): void {
    this.faults = times > 0 ? { mode, times } : null;
  }

  private takeFault(): ShippingFault | null {
    if (!this.faults) return null;
    const { mode } = this.faults;
    this.faults.times -= 1;
    if (this.faults.times <= 0) this.faults = null;
    return mode;
  }

  /**
   * The payment an order_key (or get_order's fields) names, if WeChat's service would know it: paid.
   * By merchant number: the sandbox's (service provider) or the payment's sub-merchant.
   */
  private paid(key: { transactionId?: unknown; mchid?: unknown; outTradeNo?: unknown }) {
    const payments = this.payments();
    let found = text(key.transactionId) ? payments.payment({ transactionId: key.transactionId }) : text(key.outTradeNo) ? payments.payment({ outTradeNo: key.outTradeNo }) : undefined;
    if (found && !text(key.transactionId) && ![PAY_SANDBOX_MCH_ID, found.subMchId].includes(String(key.mchid))) found = undefined;
    return found && found.state === 'SUCCESS' && found.transactionId ? found : undefined;
  }

  upload(p: Record<string, unknown>): WxaError | Record<string, unknown> {
    const problem = this.formatProblem(p);
    if (problem) return problem;
    const key = p.orderKey as Record<string, unknown>;
    const payment = this.paid(key.order_number_type === 2 ? { transactionId: key.transaction_id } : { mchid: key.mchid, outTradeNo: key.out_trade_no });
    if (!payment) return error(PAYMENT_NOT_FOUND, '支付单不存在');
    if ((p.payer as Record<string, unknown>).openid !== payment.openid) return formatError('payer.openid is not the payment\'s payer');
    const existing = this.record(payment.outTradeNo);
    if (payment.refundedFee >= payment.totalFee || (existing && existing.orderState >= 3)) return error(10060004, '支付单处于不可发货的状态');
    if (existing && existing.orderState === 2) {
      if (existing.reshipUsed) return error(10060003, '支付单已使用重新发货机会');
      if (Date.parse(String(p.uploadTime)) <= Date.parse(existing.uploadTime)) return formatError('upload_time must be later than the previous upload');
    }
    const fault = this.takeFault();
    if (fault === 'error') return error(-1, 'system error');
    const request = { order_key: p.orderKey, logistics_type: p.logisticsType, delivery_mode: p.deliveryMode, ...(p.isAllDelivered !== undefined ? { is_all_delivered: p.isAllDelivered } : {}), shipping_list: p.shippingList, upload_time: p.uploadTime, payer: p.payer };
    const complete = p.deliveryMode === 1 || p.isAllDelivered === true;
    this.save({
      outTradeNo: payment.outTradeNo,
      transactionId: payment.transactionId!,
      orderState: complete ? 2 : 1,
      deliveryMode: Number(p.deliveryMode),
      logisticsType: Number(p.logisticsType),
      shippingList: p.shippingList as Record<string, unknown>[],
      uploadTime: String(p.uploadTime),
      // A second upload for a shipped payment is its one re-shipment.
      reshipUsed: existing?.reshipUsed === true || existing?.orderState === 2,
      uploads: [...(existing?.uploads ?? []), { at: new Date().toISOString(), request }],
    });
    if (fault === 'lost') return error(-1, 'system error');
    return { errcode: 0, errmsg: 'ok' };
  }

  /** What WeChat documents an upload must carry; null when it does. */
  private formatProblem(p: Record<string, unknown>): WxaError | null {
    const key = p.orderKey;
    if (!isObject(key)) return formatError('order_key is required');
    if (key.order_number_type === 2 ? !text(key.transaction_id) : key.order_number_type === 1 ? !text(key.mchid) || !text(key.out_trade_no) : true) {
      return formatError('order_key needs order_number_type 2 with transaction_id, or 1 with mchid and out_trade_no');
    }
    if (![1, 2, 3, 4].includes(p.logisticsType as number)) return formatError('logistics_type must be 1, 2, 3 or 4');
    if (![1, 2].includes(p.deliveryMode as number)) return formatError('delivery_mode must be 1 (unified) or 2 (split)');
    if (p.deliveryMode === 2 && typeof p.isAllDelivered !== 'boolean') return formatError('is_all_delivered is required in split mode');
    if (!isObject(p.payer) || !text(p.payer.openid)) return formatError('payer.openid is required');
    const list = p.shippingList;
    if (!Array.isArray(list) || list.length === 0 || !list.every(isObject)) return formatError('shipping_list must be a non-empty array of objects');
    if (p.deliveryMode === 1 && list.length !== 1) return error(268485228, '统一发货模式下，物流信息列表长度必须为1');
    if (p.deliveryMode === 2 && (p.logisticsType !== 1 || list.length > MAX_PARCELS)) return formatError(`split shipments are express only, at most ${MAX_PARCELS} parcels`);
    for (const [i, item] of list.entries()) {
      if (!text(item.item_desc) || [...item.item_desc].length > ITEM_DESC_MAX) return formatError(`shipping_list[${i}].item_desc is required, at most ${ITEM_DESC_MAX} characters`);
      if (p.logisticsType !== 1) continue;
      if (!text(item.tracking_no) || !text(item.express_company)) return formatError(`shipping_list[${i}] needs tracking_no and express_company for express delivery`);
      if (item.express_company === 'SF') {
        const contact = isObject(item.contact) ? item.contact : {};
        const phones = [contact.consignor_contact, contact.receiver_contact].filter(text);
        if (phones.length === 0) return formatError(`shipping_list[${i}].contact is required for SF`);
        if (!phones.every((v) => /\d{4}$/.test(v))) return formatError(`shipping_list[${i}].contact must keep its last 4 digits unmasked`);
      }
    }
    if (typeof p.uploadTime !== 'string' || !RFC3339.test(p.uploadTime) || Number.isNaN(Date.parse(p.uploadTime))) return error(268485216, '上传时间非法，请按照 RFC 3339 格式填写');
    return null;
  }

  getOrder(p: Record<string, unknown>): WxaError | Record<string, unknown> {
    if (!text(p.transactionId) && !(text(p.merchantId) && text(p.merchantTradeNo))) return formatError('transaction_id, or merchant_id and merchant_trade_no, is required');
    const payment = this.paid({ transactionId: p.transactionId, mchid: p.merchantId, outTradeNo: p.merchantTradeNo });
    if (!payment) return error(PAYMENT_NOT_FOUND, '支付单不存在');
    const r = this.record(payment.outTradeNo);
    const refunded = payment.refundedFee >= payment.totalFee;
    return {
      errcode: 0,
      errmsg: 'ok',
      order: {
        transaction_id: payment.transactionId,
        merchant_id: PAY_SANDBOX_MCH_ID,
        sub_merchant_id: payment.subMchId,
        merchant_trade_no: payment.outTradeNo,
        description: payment.body,
        paid_amount: payment.totalFee,
        openid: payment.openid,
        trade_create_time: Math.floor(payment.createdAt / 1000),
        order_state: refunded ? 5 : r?.orderState ?? 1,
        in_complaint: false,
        ...(r
          ? {
              shipping: {
                delivery_mode: r.deliveryMode,
                logistics_type: r.logisticsType,
                finish_shipping: r.orderState >= 2,
                finish_shipping_count: r.orderState >= 2 ? (r.reshipUsed ? 2 : 1) : 0,
                shipping_list: r.shippingList.map((s) => ({ tracking_no: s.tracking_no, express_company: s.express_company, goods_desc: s.item_desc, upload_time: r.uploadTime })),
              },
            }
          : {}),
      },
    };
  }
}
