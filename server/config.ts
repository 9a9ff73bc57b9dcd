/**
 * Runtime settings. Each can be set per deployment by an environment variable (function configuration
 * in the console) or, without redeploying, in the `config` collection's `orders` document.
 */
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

export const DEFAULT_ATTRIBUTION_WINDOW_HOURS = 24;
const MAX_ATTRIBUTION_WINDOW_HOURS = 30 * 24;

function validHours(value: unknown): number | null {
  const hours = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof hours === 'number' && Number.isFinite(hours) && hours > 0 && hours <= MAX_ATTRIBUTION_WINDOW_HOURS ? hours : null;
}

/**
 * How long a scan or share-card landing is credited with the shopper's orders. Precedence: env
 * ATTRIBUTION_WINDOW_HOURS, then config/orders.attributionWindowHours, then 24 hours. Invalid values
 * are ignored (logged).
 */
export async function attributionWindowMs(): Promise<number> {
  const fromEnv = validHours(process.env.ATTRIBUTION_WINDOW_HOURS);
  if (fromEnv !== null) return Math.round(fromEnv * 3_600_000);
  if (process.env.ATTRIBUTION_WINDOW_HOURS) console.warn('[config] ATTRIBUTION_WINDOW_HOURS is not a number of hours; ignored');
  const doc = await ordersConfig();
  if (doc && doc.attributionWindowHours !== undefined) {
    const fromDoc = validHours(doc.attributionWindowHours);
    if (fromDoc !== null) return Math.round(fromDoc * 3_600_000);
    console.warn('[config] config/orders.attributionWindowHours is not a number of hours; ignored');
  }
  return DEFAULT_ATTRIBUTION_WINDOW_HOURS * 3_600_000;
}
