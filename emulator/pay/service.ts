/**
 * PayService: a cloudPay sandbox (`wx.wxPayApi`, JSON in/out, snake_case on the wire).
 *
 * Flow: cloudPay.unifiedOrder({..., functionName}) → payment params with
 * `package: 'prepay_id=<id>'` → the simulator's wx.requestPayment (or a test) POSTs
 * /_emulator/v1/pay/confirm {package, deliveries?} → we mark the order paid and deliver the
 * WeChat Pay notification to `functionName` (source wx_paycallback), `deliveries` times
 * (duplicates are normal on the real platform), returning what the callback answered.
 */
import { randomBytes, createHash } from 'node:crypto';
import type { Sqlite } from '../database/sqlite';
import type { ActiveInvocation, FunctionsService, InvokeResult } from '../functions/service';
import type { Doc } from '../util/ejson';
import type { Clock } from '../util/clock';

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

const nonce = () => randomBytes(16).toString('hex');
/** yyyyMMddHHmmss in China time, as WeChat Pay formats time_end */
function wxTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
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
  constructor(
    private readonly db: Sqlite,
    private readonly functions: FunctionsService,
    private readonly appid: string,
    private readonly clock: Clock,
    private readonly mchId = '1900000109',
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS pay_orders (out_trade_no TEXT PRIMARY KEY, prepay_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)');
  }

  private load(where: 'out_trade_no' | 'prepay_id', v: string): PayOrder | undefined {
    const row = this.db.prepare(`SELECT body FROM pay_orders WHERE ${where} = ?`).get(v) as { body: string } | undefined;
    return row ? JSON.parse(row.body) : undefined;
  }
  private save(o: PayOrder) {
    this.db.prepare('INSERT OR REPLACE INTO pay_orders (out_trade_no, prepay_id, body) VALUES (?, ?, ?)').run(o.outTradeNo, o.prepayId, JSON.stringify(o));
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
    switch (apiName) {
      case 'unifiedOrder': {
        const outTradeNo = data.out_trade_no;
        if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,32}$/.test(outTradeNo)) return { return_code: 'FAIL', return_msg: 'out_trade_no invalid' };
        if (!Number.isInteger(data.total_fee) || data.total_fee <= 0) return { return_code: 'FAIL', return_msg: 'total_fee invalid' };
        if (typeof data.body !== 'string' || !data.body) return { return_code: 'FAIL', return_msg: 'body invalid' };
        const existing = this.load('out_trade_no', outTradeNo);
        if (existing) {
          if (existing.state === 'SUCCESS') return fail('ORDERPAID', '该订单已支付');
          if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关');
          if (existing.totalFee !== data.total_fee || existing.body !== data.body) return fail('INVALID_REQUEST', '201 商户订单号重复');
          return this.unifiedReply(existing, base);
        }
        const o: PayOrder = {
          outTradeNo,
          prepayId: `wx${this.clock.now().toString(16)}${nonce().slice(0, 16)}`,
          body: data.body,
          totalFee: data.total_fee,
          subMchId: String(data.sub_mch_id ?? ''),
          envId: String(data.env_id ?? ''),
          functionName: typeof data.function_name === 'string' ? data.function_name : undefined,
          openid: typeof data.openid === 'string' ? data.openid : caller?.openid,
          appid: caller?.appid ?? this.appid,
          tradeType: String(data.trade_type ?? 'JSAPI'),
          state: 'NOTPAY',
          createdAt: this.clock.now(),
          expireAt: parseWxTime(data.time_expire),
          attach: data.attach,
        };
        this.save(o);
        return this.unifiedReply(o, base);
      }
      case 'queryOrder': {
        const o = typeof data.out_trade_no === 'string' ? this.load('out_trade_no', data.out_trade_no) : undefined;
        if (!o) return fail('ORDERNOTEXIST', '订单不存在');
        return {
          ...base,
          result_code: 'SUCCESS',
          sub_mch_id: o.subMchId,
          out_trade_no: o.outTradeNo,
          trade_state: o.state,
          trade_state_desc: o.state === 'SUCCESS' ? '支付成功' : o.state === 'CLOSED' ? '订单已关闭' : '订单未支付',
          total_fee: o.totalFee,
          cash_fee: o.state === 'SUCCESS' ? o.totalFee : undefined,
          transaction_id: o.transactionId,
          time_end: o.timeEnd,
          openid: o.openid,
          trade_type: o.tradeType,
        };
      }
      case 'closeOrder': {
        const o = typeof data.out_trade_no === 'string' ? this.load('out_trade_no', data.out_trade_no) : undefined;
        if (!o) return fail('ORDERNOTEXIST', '订单不存在');
        if (o.state === 'SUCCESS') return fail('ORDERPAID', '订单已支付，不能发起关单');
        o.state = 'CLOSED';
        this.save(o);
        return { ...base, result_code: 'SUCCESS', sub_mch_id: o.subMchId };
      }
      default:
        return { return_code: 'FAIL', return_msg: `cloudPay.${apiName} is not emulated` };
    }
  }

  private unifiedReply(o: PayOrder, base: Doc): Doc {
    const timeStamp = String(Math.floor(this.clock.now() / 1000));
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

  /**
   * Marks the order paid (first time only) and delivers the notification `deliveries` times,
   * sequentially, like WeChat Pay's retried notifications.
   */
  async confirm(req: { package?: string; prepayId?: string; outTradeNo?: string; deliveries?: number; resultCode?: 'SUCCESS' | 'FAIL' }) {
    const prepayId = req.prepayId ?? (typeof req.package === 'string' ? req.package.replace(/^prepay_id=/, '') : undefined);
    const o = prepayId ? this.load('prepay_id', prepayId) : req.outTradeNo ? this.load('out_trade_no', req.outTradeNo) : undefined;
    if (!o) return { status: 404, body: { error: { code: 'ORDERNOTEXIST', message: 'no unifiedOrder with that package/prepay_id' } } };
    if (o.state === 'CLOSED') return { status: 409, body: { error: { code: 'ORDERCLOSED', message: 'order is closed' } } };
    // time_expire is judged on the local cloud's clock, so a test can move past it instead of waiting.
    if (o.state === 'NOTPAY' && o.expireAt !== undefined && this.clock.now() >= o.expireAt) {
      return { status: 409, body: { error: { code: 'ORDEREXPIRED', message: `order passed its time_expire (${wxTime(o.expireAt)})` } } };
    }
    const success = (req.resultCode ?? 'SUCCESS') === 'SUCCESS';
    if (o.state === 'NOTPAY') {
      o.state = success ? 'SUCCESS' : 'PAYERROR';
      if (success) {
        o.transactionId = `42000${this.clock.now()}${Math.floor(Math.random() * 1e6).toString().padStart(6, '0')}`;
        o.timeEnd = wxTime(this.clock.now());
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
    const n = Math.max(1, Math.min(20, Number(req.deliveries) || 1));
    const answers: Array<{ result?: unknown; error?: { code: string; message: string } }> = [];
    if (o.functionName) {
      for (let i = 0; i < n; i++) {
        const r: InvokeResult = await this.functions.invoke(o.functionName, { ...event, nonceStr: nonce() }, { openid: o.openid, appid: o.appid, source: 'wx_paycallback' });
        answers.push(r.ok ? { result: r.result } : { error: { code: r.error.code, message: r.error.message } });
      }
    }
    return { status: 200, body: { outTradeNo: o.outTradeNo, transactionId: o.transactionId, state: o.state, event, deliveries: answers } };
  }
}
