/**
 * The CloudPay request contract the sandbox enforces, field by field, as WeChat's CloudPay reference
 * lists it (docs/reference/cloudpay.md has the table with its sources). Names are the wire names:
 * wx-server-sdk turns camelCase keys into snake_case before sending, so `nonceStr` and `nonce_str`
 * arrive alike.
 *
 * A request that breaks the contract is answered `return_code: FAIL` with a `return_msg` naming the
 * first offending field. The real platform's wording varies by field and is not documented; ours is
 * `缺少参数 <field>` (missing) or `参数格式校验错误 <field>: <why>` (malformed) — tests rely only on the
 * field name appearing in it.
 */
import { isIP } from 'node:net';
import type { Doc } from '../util/ejson';

type Kind = 'string' | 'int' | 'ip' | 'time';

interface FieldRule {
  /** maximum length; strings count UTF-8 bytes, as WeChat Pay's String(n) does */
  max?: number;
  kind?: Kind;
  /** allowed characters, e.g. the merchant order number's digits, letters, `_` and `-` */
  chars?: RegExp;
  required?: boolean;
}

export type PayApi = 'unifiedOrder' | 'queryOrder' | 'closeOrder' | 'refund' | 'queryRefund';

const TRADE_NO = /^[0-9A-Za-z_-]+$/;

const CALLBACK: Record<string, FieldRule> = {
  function_name: { required: true, max: 128 },
  env_id: { required: true, max: 128 },
};

const COMMON: Record<string, FieldRule> = {
  sub_mch_id: { required: true, max: 32 },
  nonce_str: { required: true, max: 32 },
  sub_appid: { max: 32 },
};

const FIELDS: Record<PayApi, Record<string, FieldRule>> = {
  unifiedOrder: {
    ...CALLBACK,
    ...COMMON,
    device_info: { max: 32 },
    body: { required: true, max: 128 },
    detail: { max: 6000 },
    attach: { max: 127 },
    out_trade_no: { required: true, max: 32, chars: TRADE_NO },
    fee_type: { max: 16 },
    total_fee: { required: true, kind: 'int' },
    spbill_create_ip: { required: true, max: 64, kind: 'ip' },
    time_start: { kind: 'time' },
    time_expire: { kind: 'time' },
    goods_tag: { max: 32 },
    trade_type: { max: 16 },
    product_id: { max: 32 },
    limit_pay: { max: 32 },
    openid: { max: 128 },
    sub_openid: { max: 128 },
    receipt: { max: 8 },
    scene_info: { max: 256 },
  },
  queryOrder: {
    ...COMMON,
    transaction_id: { max: 32 },
    out_trade_no: { max: 32, chars: TRADE_NO },
  },
  closeOrder: {
    ...COMMON,
    out_trade_no: { required: true, max: 32, chars: TRADE_NO },
  },
  refund: {
    ...CALLBACK,
    ...COMMON,
    transaction_id: { max: 32 },
    out_trade_no: { max: 32, chars: TRADE_NO },
    out_refund_no: { required: true, max: 64, chars: TRADE_NO },
    total_fee: { required: true, kind: 'int' },
    refund_fee: { required: true, kind: 'int' },
    refund_fee_type: { max: 8 },
    refund_desc: { max: 80 },
    refund_account: { max: 30 },
  },
  queryRefund: {
    ...COMMON,
    transaction_id: { max: 28 },
    out_trade_no: { max: 32, chars: TRADE_NO },
    out_refund_no: { max: 64, chars: TRADE_NO },
    refund_id: { max: 32 },
    offset: { kind: 'int' },
  },
};

/** Groups of which at least one field must be present. */
const ONE_OF: Partial<Record<PayApi, string[]>> = {
  queryOrder: ['transaction_id', 'out_trade_no'],
  refund: ['transaction_id', 'out_trade_no'],
  queryRefund: ['refund_id', 'out_refund_no', 'transaction_id', 'out_trade_no'],
};

export const missing = (field: string) => `缺少参数 ${field}`;
export const malformed = (field: string, why: string) => `参数格式校验错误 ${field}: ${why}`;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function check(field: string, rule: FieldRule, v: unknown): string | null {
  const kind = rule.kind ?? 'string';
  if (kind === 'int') {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return malformed(field, 'must be an integer (fen)');
    if (v < 0 || (field !== 'offset' && v === 0)) return malformed(field, 'must be positive');
    return null;
  }
  if (typeof v !== 'string') return malformed(field, 'must be a string');
  if (rule.max !== undefined && Buffer.byteLength(v, 'utf8') > rule.max) return malformed(field, `longer than ${rule.max}`);
  if (rule.chars && !rule.chars.test(v)) return malformed(field, 'has characters other than digits, letters, _ and -');
  if (kind === 'ip' && isIP(v) === 0) return malformed(field, 'is not an IPv4 or IPv6 address');
  if (kind === 'time' && !/^\d{14}$/.test(v)) return malformed(field, 'is not yyyyMMddHHmmss');
  return null;
}

/** The first contract violation of a request, as the `return_msg` to answer, or null when it is valid. */
export function contractViolation(api: PayApi, data: Doc): string | null {
  const fields = FIELDS[api];
  for (const [field, rule] of Object.entries(fields)) {
    const v = data[field];
    if (!present(v)) {
      if (rule.required) return missing(field);
      continue;
    }
    const problem = check(field, rule, v);
    if (problem) return problem;
  }
  const group = ONE_OF[api];
  if (group && !group.some((f) => present(data[f]))) return missing(group.join('/'));
  return null;
}

export function isContractApi(api: string): api is PayApi {
  return Object.prototype.hasOwnProperty.call(FIELDS, api);
}

/** Required fields of an API (wire names), for docs and tests. */
export function requiredFields(api: PayApi): string[] {
  return Object.entries(FIELDS[api])
    .filter(([, rule]) => rule.required)
    .map(([field]) => field);
}
