/**
 * Our calls to CloudPay, each with every field WeChat's CloudPay reference marks required
 * (docs/reference/cloudpay.md). unifiedOrder takes camelCase names and the other four snake_case ones,
 * as the reference lists them (wx-server-sdk sends snake_case either way).
 *
 * CloudPay answers `errCode: 0` even when WeChat Pay refused: a call succeeded only when
 * `returnCode` and `resultCode` are both SUCCESS (`accepted`).
 */
import { randomBytes } from 'node:crypto';
import { cloudPay, currentEnv, wxContext } from './cloud';
import { subMchId } from './config';

export type CloudPayAnswer = Record<string, unknown>;

/** The function that receives payment and refund results (it routes them by their fields). */
export const PAY_CALLBACK_FUNCTION = 'orders';

/** nonce_str: random, at most 32 characters (we send 32 hex digits). */
export function nonceStr(): string {
  return randomBytes(16).toString('hex');
}

/** True when WeChat Pay did what was asked (both the call and the business result succeeded). */
export function accepted(answer: CloudPayAnswer): boolean {
  return answer.returnCode === 'SUCCESS' && answer.resultCode === 'SUCCESS';
}

/** Why WeChat Pay refused, for logs and records. */
export function refusal(answer: CloudPayAnswer): string {
  const why = answer.returnCode !== 'SUCCESS' ? answer.returnMsg : answer.errCodeDes ?? answer.returnMsg;
  return String(why ?? 'refused').slice(0, 200);
}

export async function unifiedOrder(order: { outTradeNo: string; body: string; totalFee: number; timeExpire: string }): Promise<CloudPayAnswer> {
  return cloudPay().unifiedOrder({
    functionName: PAY_CALLBACK_FUNCTION,
    envId: currentEnv(),
    subMchId: await subMchId(),
    nonceStr: nonceStr(),
    body: order.body,
    outTradeNo: order.outTradeNo,
    totalFee: order.totalFee,
    spbillCreateIp: wxContext().CLIENTIP || '127.0.0.1',
    tradeType: 'JSAPI',
    timeExpire: order.timeExpire,
  });
}

export async function queryOrder(outTradeNo: string): Promise<CloudPayAnswer> {
  return cloudPay().queryOrder({ sub_mch_id: await subMchId(), nonce_str: nonceStr(), out_trade_no: outTradeNo });
}

export async function closeOrder(outTradeNo: string): Promise<CloudPayAnswer> {
  return cloudPay().closeOrder({ sub_mch_id: await subMchId(), nonce_str: nonceStr(), out_trade_no: outTradeNo });
}

export interface RefundRequest {
  outTradeNo: string;
  /** WeChat Pay's number of the payment to refund; when given it decides (the reference's priority) */
  transactionId?: string;
  /** at most 64 characters; the same number for every retry of one refund */
  outRefundNo: string;
  totalFee: number;
  refundFee: number;
  /** at most 80 bytes */
  refundDesc?: string;
}

export async function refund(r: RefundRequest): Promise<CloudPayAnswer> {
  return cloudPay().refund({
    functionName: PAY_CALLBACK_FUNCTION,
    envId: currentEnv(),
    sub_mch_id: await subMchId(),
    nonce_str: nonceStr(),
    out_trade_no: r.outTradeNo,
    ...(r.transactionId ? { transaction_id: r.transactionId } : {}),
    out_refund_no: r.outRefundNo,
    total_fee: r.totalFee,
    refund_fee: r.refundFee,
    ...(r.refundDesc ? { refund_desc: r.refundDesc } : {}),
  });
}

export type RefundState = 'SUCCESS' | 'PROCESSING' | 'CHANGE' | 'REFUNDCLOSE' | 'NONE';

/**
 * Where WeChat Pay stands on one refund. NONE: no refund to report (never requested, refused, or the
 * query itself failed). wx-server-sdk overwrites WeChat Pay's `err_code` with its own `errCode: 0`, so
 * "not found" cannot be told from other refusals; it need not be: asking for the refund again under
 * the same number is safe either way (WeChat Pay never refunds one number twice).
 */
export async function queryRefund(outRefundNo: string): Promise<{ state: RefundState; refundId?: string; successTime?: string; detail?: string }> {
  let answer: CloudPayAnswer;
  try {
    answer = await cloudPay().queryRefund({ sub_mch_id: await subMchId(), nonce_str: nonceStr(), out_refund_no: outRefundNo });
  } catch (error) {
    return { state: 'NONE', detail: String((error as Error)?.message ?? error).slice(0, 200) };
  }
  if (!accepted(answer)) return { state: 'NONE', detail: refusal(answer) };
  // CloudPay turns WeChat Pay's numbered fields (refund_status_$n, ...) into lists.
  const numbers = Array.isArray(answer.outRefundNoList) ? (answer.outRefundNoList as unknown[]) : [];
  const index = numbers.indexOf(outRefundNo);
  if (index < 0) return { state: 'NONE', detail: 'refund number not in the answer' };
  const pick = (list: unknown): unknown => (Array.isArray(list) ? list[index] : undefined);
  const status = pick(answer.refundStatusList);
  const state: RefundState = status === 'SUCCESS' || status === 'PROCESSING' || status === 'CHANGE' || status === 'REFUNDCLOSE' ? status : 'NONE';
  const refundId = pick(answer.refundIdList);
  const successTime = pick(answer.refundSuccessTimeList);
  return {
    state,
    refundId: typeof refundId === 'string' ? refundId : undefined,
    successTime: typeof successTime === 'string' && successTime ? successTime : undefined,
    detail: state === 'NONE' ? `refund status ${String(status)}` : undefined,
  };
}
