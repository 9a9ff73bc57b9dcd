/**
 * PayService: a cloudPay sandbox (`wx.wxPayApi`, JSON in/out, snake_case on the wire).
 *
 * Flow: cloudPay.unifiedOrder({..., functionName}) → payment params with
 * `package: 'prepay_id=<id>'` → the simulator's wx.requestPayment (or a test) POSTs
 * /_emulator/v1/pay/confirm {package, deliveries?} → we mark the order paid and deliver the
 * WeChat Pay notification to `functionName` (source wx_paycallback), `deliveries` times
 * (duplicates are normal on the real platform), returning what the callback answered.
 *
 * Refunds: cloudPay.refund records a refund (idempotent per out_refund_no, like WeChat Pay) that
 * succeeds at once unless the sandbox was told to refuse it (POST /pay/refunds:fail);
 * cloudPay.queryRefund reports it; POST /pay/refunds:notify delivers the refund result to the refund's
 * `functionName`. Every request is checked against the CloudPay contract first (./contract.ts).
 */
import { randomBytes, createHash } from 'node:crypto';
import type { Sqlite } from '../database/sqlite';
import type { ActiveInvocation, FunctionsService, InvokeResult } from '../functions/service';
import type { Doc } from '../util/ejson';
import { contractViolation, isContractApi } from './contract';

export interface PayOrder {
  outTradeNo: string;
  prepayId: string;
  body: string;
  totalFee: number;
  subMchId: string;
  envId: string;
  functionName?: string;
  openid?: string;
  appid: string;
  tradeType: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR';
  transactionId?: string;
  timeEnd?: string;
  createdAt: number;
  /** time_expire as epoch ms, when unifiedOrder gave one */
  expireAt?: number;
  attach?: string;
}

export interface PayRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  totalFee: number;
  refundFee: number;
  status: 'SUCCESS' | 'PROCESSING' | 'CHANGE' | 'REFUNDCLOSE';
  successTime?: string;
  functionName: string;
  envId: string;
  subMchId: string;
  createdAt: number;
}

/** The sandbox's merchant number (the local environment is bound to it). */
export const PAY_SANDBOX_MCH_ID = '1900000109';
/** WeChat Pay's rule: an order cannot be closed within 5 minutes of its creation. */
export const CLOSE_AFTER_MS = 5 * 60_000;
/** WeChat Pay's limit on partial refunds of one payment. */
export const MAX_REFUNDS_PER_PAYMENT = 50;

const nonce = () => randomBytes(16).toString('hex');
/** China time parts, as WeChat Pay writes its times */
function chinaParts(ms: number) {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return { y: d.getUTCFullYear(), M: p(d.getUTCMonth() + 1), d: p(d.getUTCDate()), h: p(d.getUTCHours()), m: p(d.getUTCMinutes()), s: p(d.getUTCSeconds()) };
}
/** yyyyMMddHHmmss, as WeChat Pay formats time_end */
function wxTime(ms: number): string {
  const t = chinaParts(ms);
  return `${t.y}${t.M}${t.d}${t.h}${t.m}${t.s}`;
}
/** yyyy-MM-dd HH:mm:ss, as WeChat Pay formats refund_success_time */
function wxRefundTime(ms: number): string {
  const t = chinaParts(ms);
  return `${t.y}-${t.M}-${t.d} ${t.h}:${t.m}:${t.s}`;
}

export type RouteReply = { status: number; body: unknown };

/** The time source of the sandbox (the 5-minute close rule, time_expire, times it reports). */
export interface PayClock {
  now(): number;
}

/** WeChat Pay's yyyyMMddHHmmss (China time) → epoch ms; undefined when absent or malformed. */
function parseWxTime(v: unknown): number | undefined {
  const m = typeof v === 'string' ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v) : null;
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
  return Number.isFinite(ms) ? ms : undefined;
}

export class PayService {
  /** Refunds to refuse next: out_trade_no (or '*' for any) → how many. */
  private readonly refuseRefunds = new Map<string, number>();

  constructor(
    private readonly db: Sqlite,
    private readonly functions: FunctionsService,
    private readonly appid: string,
    private readonly clock: PayClock,
    private readonly mchId = PAY_SANDBOX_MCH_ID,
  ) {
    // The sandbox's tables belong to this service: its orders and its refund ledger.
    this.db.exec('CREATE TABLE IF NOT EXISTS pay_orders (out_trade_no TEXT PRIMARY KEY, prepay_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)');
    this.db.exec('CREATE TABLE IF NOT EXISTS pay_refunds (out_refund_no TEXT PRIMARY KEY, out_trade_no TEXT NOT NULL, refund_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)');
  }

  private now(): number {
    return this.clock.now();
  }

  private load(where: 'out_trade_no' | 'prepay_id' | 'transaction_id', v: string): PayOrder | undefined {
    if (where === 'transaction_id') {
      const rows = this.db.prepare('SELECT body FROM pay_orders').all() as { body: string }[];
      return rows.map((r) => JSON.parse(r.body) as PayOrder).find((o) => o.transactionId === v);
    }
    const row = this.db.prepare(`SELECT body FROM pay_orders WHERE ${where} = ?`).get(v) as { body: string } | undefined;
    return row ? JSON.parse(row.body) : undefined;
  }
  private save(o: PayOrder) {
    this.db.prepare('INSERT OR REPLACE INTO pay_orders (out_trade_no, prepay_id, body) VALUES (?, ?, ?)').run(o.outTradeNo, o.prepayId, JSON.stringify(o));
  }
  private refundsOf(outTradeNo: string): PayRefund[] {
    const rows = this.db.prepare('SELECT body FROM pay_refunds WHERE out_trade_no = ? ORDER BY rowid').all(outTradeNo) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as PayRefund);
  }
  private loadRefund(where: 'out_refund_no' | 'refund_id', v: string): PayRefund | undefined {
    const row = this.db.prepare(`SELECT body FROM pay_refunds WHERE ${where} = ?`).get(v) as { body: string } | undefined;
    return row ? JSON.parse(row.body) : undefined;
  }
  private saveRefund(r: PayRefund) {
    this.db.prepare('INSERT OR REPLACE INTO pay_refunds (out_refund_no, out_trade_no, refund_id, body) VALUES (?, ?, ?, ?)').run(r.outRefundNo, r.outTradeNo, r.refundId, JSON.stringify(r));
  }
  /** The order a request names: transaction_id first (WeChat's own number), else out_trade_no. */
  private orderFor(data: Doc): PayOrder | undefined {
    if (typeof data.transaction_id === 'string' && data.transaction_id) return this.load('transaction_id', data.transaction_id);
    return typeof data.out_trade_no === 'string' ? this.load('out_trade_no', data.out_trade_no) : undefined;
  }

  /**
   * A payment as other emulated WeChat services see it (the order-shipping service checks that the
   * payment it is told about exists and was paid), with what has been refunded of it.
   */
  payment(key: { transactionId?: string; outTradeNo?: string }): (PayOrder & { refundedFee: number }) | undefined {
    const o = key.transactionId ? this.load('transaction_id', key.transactionId) : key.outTradeNo ? this.load('out_trade_no', key.outTradeNo) : undefined;
    if (!o) return undefined;
    const refundedFee = this.refundsOf(o.outTradeNo).filter((r) => r.status === 'SUCCESS').reduce((sum, r) => sum + r.refundFee, 0);
    return { ...o, refundedFee };
  }

  /** What WeChat's payment sheet shows for a `package` (amount and description), read-only. */
  sheet(pkg: string): { body: string; totalFee: number; state: PayOrder['state'] } | undefined {
    const o = this.load('prepay_id', pkg.replace(/^prepay_id=/, ''));
    return o && { body: o.body, totalFee: o.totalFee, state: o.state };
  }

  /** Handles one wx.wxPayApi call; returns the JSON object the SDK will camelCase. */
  handle(apiName: string, data: Doc, caller: ActiveInvocation | undefined): Doc {
    const fail = (code: string, msg: string) => ({ return_code: 'SUCCESS', return_msg: 'OK', result_code: 'FAIL', err_code: code, err_code_des: msg, nonce_str: nonce() });
    const base = { return_code: 'SUCCESS', return_msg: 'OK', appid: this.appid, mch_id: this.mchId, nonce_str: nonce(), sign: 'LOCALSIGN' };
    if (!isContractApi(apiName)) return { return_code: 'FAIL', return_msg: `cloudPay.${apiName} is not emulated` };
    const violation = contractViolation(apiName, data);
    if (violation) return { return_code: 'FAIL', return_msg: violation };
    switch (apiName) {
      case 'unifiedOrder': {
        const outTradeNo = data.out_trade_no as string;
        const existing = this.load('out_trade_no', outTradeNo);
        if (existing) {
          if (existing.state === 'SUCCESS') return fail('ORDERPAID', '该订单已支付');
          if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关');
          if (existing.totalFee !== data.total_fee || existing.body !== data.body) return fail('INVALID_REQUEST', '201 商户订单号重复');
          return this.unifiedReply(existing, base);
        }
        const o: PayOrder = {
          outTradeNo,
          prepayId: `wx${this.now().toString(16)}${nonce().slice(0, 16)}`,
          body: data.body,
          totalFee: data.total_fee,
          subMchId: String(data.sub_mch_id),
          envId: String(data.env_id),
          functionName: data.function_name,
          openid: typeof data.openid === 'string' ? data.openid : caller?.openid,
          appid: caller?.appid ?? this.appid,
          tradeType: String(data.trade_type ?? 'JSAPI'),
          state: 'NOTPAY',
          createdAt: this.now(),
          expireAt: parseWxTime(data.time_expire),
          attach: data.attach,
        };
        this.save(o);
        return this.unifiedReply(o, base);
      }
      case 'queryOrder': {
        const o = this.orderFor(data);
        if (!o) return fail('ORDERNOTEXIST', '订单不存在');
        const refunded = this.refundsOf(o.outTradeNo).length > 0;
        const state = o.state === 'SUCCESS' && refunded ? 'REFUND' : o.state;
        return {
          ...base,
          result_code: 'SUCCESS',
          sub_mch_id: o.subMchId,
          out_trade_no: o.outTradeNo,
          trade_state: state,
          trade_state_desc: state === 'SUCCESS' ? '支付成功' : state === 'REFUND' ? '转入退款' : state === 'CLOSED' ? '订单已关闭' : '订单未支付',
          total_fee: o.totalFee,
          cash_fee: o.state === 'SUCCESS' ? o.totalFee : undefined,
          transaction_id: o.transactionId,
          time_end: o.timeEnd,
          openid: o.openid,
          trade_type: o.tradeType,
          attach: o.attach,
        };
      }
      case 'closeOrder': {
        const o = this.load('out_trade_no', data.out_trade_no as string);
        if (!o) return fail('ORDERNOTEXIST', '订单不存在');
        if (o.state === 'SUCCESS') return fail('ORDERPAID', '订单已支付，不能发起关单');
        if (o.state === 'CLOSED') return { ...base, result_code: 'SUCCESS', sub_mch_id: o.subMchId };
        // Assumed code: WeChat Pay documents the rule but not the error it answers; SYSTEMERROR's
        // documented handling ("call again later") is what a caller must do here.
        if (this.now() - o.createdAt < CLOSE_AFTER_MS) return fail('SYSTEMERROR', '订单生成后5分钟内不能关单，请稍后再试');
        o.state = 'CLOSED';
        this.save(o);
        return { ...base, result_code: 'SUCCESS', sub_mch_id: o.subMchId };
      }
      case 'refund':
        return this.refund(data, base, fail);
      case 'queryRefund':
        return this.queryRefund(data, base, fail);
    }
  }

  private refund(data: Doc, base: Doc, fail: (code: string, msg: string) => Doc): Doc {
    const o = this.orderFor(data);
    if (!o) return fail('ORDERNOTEXIST', '订单不存在');
    if (o.state !== 'SUCCESS' || !o.transactionId) return fail('ERROR', '订单未支付，不能退款');
    if (data.total_fee !== o.totalFee) return fail('PARAM_ERROR', 'total_fee 与订单金额不一致');
    const outRefundNo = data.out_refund_no as string;
    const existing = this.loadRefund('out_refund_no', outRefundNo);
    if (existing) {
      // Re-submitting a refund number is how WeChat Pay wants a failed or unknown refund retried: the
      // same refund comes back, never a second one.
      if (existing.outTradeNo !== o.outTradeNo || existing.refundFee !== data.refund_fee) return fail('PARAM_ERROR', '订单金额或退款金额与之前请求不一致，请核实后再试');
      return this.refundReply(existing, base);
    }
    for (const key of [o.outTradeNo, '*']) {
      const left = this.refuseRefunds.get(key) ?? 0;
      if (left > 0) {
        if (left === 1) this.refuseRefunds.delete(key);
        else this.refuseRefunds.set(key, left - 1);
        return fail('SYSTEMERROR', '系统超时，请使用原退款单号重试');
      }
    }
    const earlier = this.refundsOf(o.outTradeNo);
    if (earlier.length >= MAX_REFUNDS_PER_PAYMENT) return fail('ERROR', `一笔订单最多退款${MAX_REFUNDS_PER_PAYMENT}次`);
    const refunded = earlier.reduce((sum, r) => sum + r.refundFee, 0);
    if (refunded + (data.refund_fee as number) > o.totalFee) return fail('ERROR', '累计退款金额大于支付金额');
    const at = this.now();
    const r: PayRefund = {
      outRefundNo,
      refundId: `50300${at}${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`,
      outTradeNo: o.outTradeNo,
      transactionId: o.transactionId,
      totalFee: o.totalFee,
      refundFee: data.refund_fee as number,
      status: 'SUCCESS',
      successTime: wxRefundTime(at),
      functionName: String(data.function_name),
      envId: String(data.env_id),
      subMchId: String(data.sub_mch_id),
      createdAt: at,
    };
    this.saveRefund(r);
    return this.refundReply(r, base);
  }

  private refundReply(r: PayRefund, base: Doc): Doc {
    return {
      ...base,
      result_code: 'SUCCESS',
      sub_mch_id: r.subMchId,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_fee: r.refundFee,
      total_fee: r.totalFee,
      cash_fee: r.totalFee,
      cash_refund_fee: r.refundFee,
    };
  }

  private queryRefund(data: Doc, base: Doc, fail: (code: string, msg: string) => Doc): Doc {
    // WeChat's priority: refund_id > out_refund_no > transaction_id > out_trade_no.
    let refunds: PayRefund[];
    if (typeof data.refund_id === 'string' && data.refund_id) refunds = [this.loadRefund('refund_id', data.refund_id)].filter((r): r is PayRefund => !!r);
    else if (typeof data.out_refund_no === 'string' && data.out_refund_no) refunds = [this.loadRefund('out_refund_no', data.out_refund_no)].filter((r): r is PayRefund => !!r);
    else {
      const o = this.orderFor(data);
      refunds = o ? this.refundsOf(o.outTradeNo) : [];
    }
    if (refunds.length === 0) return fail('REFUNDNOTEXIST', '退款订单查询失败');
    const offset = typeof data.offset === 'number' ? data.offset : 0;
    if (offset >= refunds.length && offset > 0) return fail('PARAM_ERROR', 'offset 超过退款单总笔数');
    const page = refunds.slice(offset, offset + 10);
    const first = refunds[0];
    // CloudPay answers WeChat Pay's numbered fields (refund_status_$n, ...) as lists.
    return {
      ...base,
      result_code: 'SUCCESS',
      sub_mch_id: first.subMchId,
      transaction_id: first.transactionId,
      out_trade_no: first.outTradeNo,
      total_fee: first.totalFee,
      cash_fee: first.totalFee,
      refund_fee: refunds.reduce((sum, r) => sum + r.refundFee, 0),
      refund_count: page.length,
      total_refund_count: refunds.length,
      out_refund_no_list: page.map((r) => r.outRefundNo),
      refund_id_list: page.map((r) => r.refundId),
      refund_fee_list: page.map((r) => r.refundFee),
      refund_status_list: page.map((r) => r.status),
      refund_success_time_list: page.map((r) => r.successTime ?? ''),
      refund_channel: page.map(() => 'ORIGINAL'),
      refund_account_list: page.map(() => 'REFUND_SOURCE_UNSETTLED_FUNDS'),
      refund_recv_accout_list: page.map(() => '支付用户的零钱'),
    };
  }

  private unifiedReply(o: PayOrder, base: Doc): Doc {
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${o.prepayId}`;
    return {
      ...base,
      sub_mch_id: o.subMchId,
      result_code: 'SUCCESS',
      trade_type: o.tradeType,
      prepay_id: o.prepayId,
      payment: {
        appId: o.appid,
        timeStamp,
        nonceStr,
        package: pkg,
        signType: 'MD5',
        paySign: createHash('md5').update(`${o.appid}${timeStamp}${nonceStr}${pkg}`).digest('hex').toUpperCase(),
      },
    };
  }

  /** Refuses the next `times` refunds of one order (or of any, without outTradeNo). */
  refuseNextRefunds(req: Doc): RouteReply {
    const times = Number(req.times ?? 1);
    if (!Number.isInteger(times) || times < 0 || times > 1000) return { status: 400, body: { error: { code: 'INVALID_PARAM', message: 'times must be an integer 0..1000' } } };
    const key = typeof req.outTradeNo === 'string' && req.outTradeNo ? req.outTradeNo : '*';
    if (times === 0) this.refuseRefunds.delete(key);
    else this.refuseRefunds.set(key, times);
    return { status: 200, body: { outTradeNo: key, times } };
  }

  /**
   * Delivers the refund result notification `deliveries` times to the function the refund named, as
   * the platform does (source wx_paycallback, fields decrypted and camelCased). `refundStatus` other than
   * SUCCESS (CHANGE, REFUNDCLOSE) also becomes the refund's state, as the platform's own outcome.
   */
  async notifyRefund(req: Doc): Promise<RouteReply> {
    const r = typeof req.outRefundNo === 'string' ? this.loadRefund('out_refund_no', req.outRefundNo) : undefined;
    if (!r) return { status: 404, body: { error: { code: 'REFUNDNOTEXIST', message: 'no refund with that outRefundNo' } } };
    if (req.refundStatus === 'CHANGE' || req.refundStatus === 'REFUNDCLOSE') {
      r.status = req.refundStatus;
      r.successTime = undefined;
      this.saveRefund(r);
    }
    const o = this.load('out_trade_no', r.outTradeNo);
    const event = {
      returnCode: 'SUCCESS',
      appid: o?.appid ?? this.appid,
      mchId: this.mchId,
      subAppid: o?.appid ?? this.appid,
      subMchId: r.subMchId,
      transactionId: r.transactionId,
      outTradeNo: r.outTradeNo,
      refundId: r.refundId,
      outRefundNo: r.outRefundNo,
      totalFee: r.totalFee,
      settlementTotalFee: r.totalFee,
      refundFee: r.refundFee,
      settlementRefundFee: r.refundFee,
      refundStatus: r.status,
      successTime: r.successTime,
      refundRecvAccout: '支付用户的零钱',
      refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
      refundRequestSource: 'API',
    };
    const answers = await this.deliver(r.functionName, event, Number(req.deliveries), { openid: o?.openid, appid: o?.appid ?? this.appid });
    return { status: 200, body: { outRefundNo: r.outRefundNo, refundId: r.refundId, state: r.status, event, deliveries: answers } };
  }

  /**
   * Calls a callback function `n` times in a row (1..20, default 1), like WeChat Pay's retried
   * notifications; 0 delivers none (a notification still on its way).
   */
  private async deliver(functionName: string | undefined, event: Doc, n: number, who: { openid?: string; appid: string }) {
    const count = n === 0 ? 0 : Math.max(1, Math.min(20, n || 1));
    const answers: Array<{ result?: unknown; error?: { code: string; message: string } }> = [];
    if (!functionName) return answers;
    for (let i = 0; i < count; i++) {
      const r: InvokeResult = await this.functions.invoke(functionName, { ...event, nonceStr: nonce() }, { openid: who.openid, appid: who.appid, source: 'wx_paycallback' });
      answers.push(r.ok ? { result: r.result } : { error: { code: r.error.code, message: r.error.message } });
    }
    return answers;
  }

  /**
   * Marks the order paid (first time only) and delivers the notification `deliveries` times,
   * sequentially, like WeChat Pay's retried notifications.
   */
  async confirm(req: { package?: string; prepayId?: string; outTradeNo?: string; deliveries?: number; resultCode?: 'SUCCESS' | 'FAIL' }): Promise<RouteReply> {
    const prepayId = req.prepayId ?? (typeof req.package === 'string' ? req.package.replace(/^prepay_id=/, '') : undefined);
    const o = prepayId ? this.load('prepay_id', prepayId) : req.outTradeNo ? this.load('out_trade_no', req.outTradeNo) : undefined;
    if (!o) return { status: 404, body: { error: { code: 'ORDERNOTEXIST', message: 'no unifiedOrder with that package/prepay_id' } } };
    if (o.state === 'CLOSED') return { status: 409, body: { error: { code: 'ORDERCLOSED', message: 'order is closed' } } };
    // time_expire is judged on the sandbox's clock, so a test can move past it instead of waiting.
    if (o.state === 'NOTPAY' && o.expireAt !== undefined && this.now() >= o.expireAt) {
      return { status: 409, body: { error: { code: 'ORDEREXPIRED', message: `order passed its time_expire (${wxTime(o.expireAt)})` } } };
    }
    const success = (req.resultCode ?? 'SUCCESS') === 'SUCCESS';
    if (o.state === 'NOTPAY') {
      o.state = success ? 'SUCCESS' : 'PAYERROR';
      if (success) {
        o.transactionId = `42000${this.now()}${Math.floor(Math.random() * 1e6).toString().padStart(6, '0')}`;
        o.timeEnd = wxTime(this.now());
      }
      this.save(o);
    }
    const event = {
      appid: o.appid,
      bankType: 'OTHERS',
      cashFee: o.totalFee,
      feeType: 'CNY',
      isSubscribe: 'N',
      mchId: this.mchId,
      nonceStr: nonce(),
      openid: o.openid,
      outTradeNo: o.outTradeNo,
      resultCode: o.state === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
      returnCode: 'SUCCESS',
      subAppid: o.appid,
      subIsSubscribe: 'N',
      subMchId: o.subMchId,
      subOpenid: o.openid,
      timeEnd: o.timeEnd,
      totalFee: o.totalFee,
      tradeType: o.tradeType,
      transactionId: o.transactionId,
      attach: o.attach,
      userInfo: { appId: o.appid, openId: o.openid },
    };
    const answers = await this.deliver(o.functionName, event, Number(req.deliveries), { openid: o.openid, appid: o.appid });
    return { status: 200, body: { outTradeNo: o.outTradeNo, transactionId: o.transactionId, state: o.state, event, deliveries: answers } };
  }
}
