/**
 * Runtime settings. Each can be set per deployment by an environment variable (function configuration
 * in the console) or, without redeploying, in the `config` collection's `orders` document.
 */
import { DEFAULT_AFTER_SALE_WINDOW_DAYS } from '../miniprogram/domain/after-sales';
import { COLLECTIONS, getDoc } from './db';

export const DEFAULT_PAYMENT_WINDOW_MINUTES = 15;

/**
 * How long one run of an every-minute sweep (order expiry, owed refunds) keeps starting batches: well
 * inside the orders function's 60 s timeout (cloudfunctions/orders/config.json), so its last transaction
 * finishes; what is left waits for the next minute.
 */
export const SWEEP_BUDGET_MS = 20_000;
const MAX_PAYMENT_WINDOW_MINUTES = 24 * 60;

function validMinutes(value: unknown): number | null {
  const minutes = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 && minutes <= MAX_PAYMENT_WINDOW_MINUTES ? minutes : null;
}

async function ordersConfig(): Promise<Record<string, unknown> | null> {
  try {
    return await getDoc(COLLECTIONS.config, 'orders');
  } catch (error) {
    // No config collection yet: the defaults apply.
    console.warn('[config] orders config unreadable, using defaults', (error as Error)?.message ?? error);
    return null;
  }
}

/**
 * How long an unpaid order holds its stock. Precedence: env PAYMENT_WINDOW_MINUTES, then
 * config/orders.paymentWindowMinutes, then 15 minutes. Invalid values are ignored (logged).
 */
export async function paymentWindowMs(): Promise<number> {
  const fromEnv = validMinutes(process.env.PAYMENT_WINDOW_MINUTES);
  if (fromEnv !== null) return Math.round(fromEnv * 60_000);
  if (process.env.PAYMENT_WINDOW_MINUTES) console.warn('[config] PAYMENT_WINDOW_MINUTES is not a number of minutes; ignored');
  const doc = await ordersConfig();
  if (doc && doc.paymentWindowMinutes !== undefined) {
    const fromDoc = validMinutes(doc.paymentWindowMinutes);
    if (fromDoc !== null) return Math.round(fromDoc * 60_000);
    console.warn('[config] config/orders.paymentWindowMinutes is not a number of minutes; ignored');
  }
  return DEFAULT_PAYMENT_WINDOW_MINUTES * 60_000;
}

/** The sub-merchant id cloudPay needs (WX_PAY_SUB_MCH_ID, or config/orders.subMchId). */
export async function subMchId(): Promise<string> {
  if (process.env.WX_PAY_SUB_MCH_ID) return process.env.WX_PAY_SUB_MCH_ID;
  const doc = await ordersConfig();
  return typeof doc?.subMchId === 'string' ? doc.subMchId : '';
}

/**
 * Whether a shopper's OPENID belongs to a merchant: listed in the `config` collection's `merchants`
 * document (`{ openids: [...] }`), edited in the console. Server-side calls need no entry (see handler).
 */
export async function isMerchantOpenid(openid: string): Promise<boolean> {
  const doc = await getDoc(COLLECTIONS.config, 'merchants').catch(() => null);
  return Array.isArray(doc?.openids) && doc.openids.includes(openid);
}

const MAX_AFTER_SALE_WINDOW_DAYS = 365;

/**
 * How long after receipt (`completedAt`) a shopper may ask for after-sales. Precedence: env
 * AFTER_SALE_WINDOW_DAYS, then config/orders.afterSaleWindowDays, then 7 days. Invalid values are
 * ignored (logged).
 */
export async function afterSaleWindowMs(): Promise<number> {
  const valid = (value: unknown): number | null => {
    const days = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof days === 'number' && Number.isFinite(days) && days >= 0 && days <= MAX_AFTER_SALE_WINDOW_DAYS ? days : null;
  };
  const fromEnv = valid(process.env.AFTER_SALE_WINDOW_DAYS);
  if (fromEnv !== null) return Math.round(fromEnv * 86_400_000);
  if (process.env.AFTER_SALE_WINDOW_DAYS) console.warn('[config] AFTER_SALE_WINDOW_DAYS is not a number of days; ignored');
  const doc = await ordersConfig();
  if (doc && doc.afterSaleWindowDays !== undefined) {
    const fromDoc = valid(doc.afterSaleWindowDays);
    if (fromDoc !== null) return Math.round(fromDoc * 86_400_000);
    console.warn('[config] config/orders.afterSaleWindowDays is not a number of days; ignored');
  }
  return DEFAULT_AFTER_SALE_WINDOW_DAYS * 86_400_000;
}
