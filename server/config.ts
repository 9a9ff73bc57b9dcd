/**
 * Runtime settings. Each can be set per deployment by an environment variable (function configuration
 * in the console) or, without redeploying, in the `config` collection's `orders` document.
 */
import { DEFAULT_AFTER_SALE_WINDOW_DAYS } from '../miniprogram/domain/after-sales';
import { db } from './cloud';
import { COLLECTIONS, getDoc } from './db';
import type { ReadAlongside } from './products';

/** The id of the shipping template's document in `config` (server/shipping.ts). */
export const SHIPPING_CONFIG_ID = 'shipping';

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
  return paymentWindowFrom(validMinutes(process.env.PAYMENT_WINDOW_MINUTES) !== null ? null : await ordersConfig());
}

/** The payment window from the `config/orders` document the caller read (null: none), with the same precedence. */
export function paymentWindowFrom(doc: Record<string, unknown> | null): number {
  const fromEnv = validMinutes(process.env.PAYMENT_WINDOW_MINUTES);
  if (fromEnv !== null) return Math.round(fromEnv * 60_000);
  if (process.env.PAYMENT_WINDOW_MINUTES) console.warn('[config] PAYMENT_WINDOW_MINUTES is not a number of minutes; ignored');
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

/** A duration a merchant may set in an environment variable or in the `config/orders` document. */
interface DurationSetting {
  env: string;
  field: string;
  unit: 'days' | 'hours';
  /** Smallest allowed value; `exclusive` when the value must be above it. */
  min: number;
  exclusive?: boolean;
  max: number;
  fallback: number;
}

const UNIT_MS = { days: 86_400_000, hours: 3_600_000 } as const;

/** Precedence: the environment variable, then `config/orders.<field>`, then the default. Invalid values are ignored (logged). */
async function durationMs(setting: DurationSetting): Promise<number> {
  return durationFrom(setting, validDuration(setting, process.env[setting.env]) !== null ? null : await ordersConfig());
}

function validDuration(setting: DurationSetting, value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const aboveMin = typeof n === 'number' && (setting.exclusive ? n > setting.min : n >= setting.min);
  return typeof n === 'number' && Number.isFinite(n) && aboveMin && n <= setting.max ? n : null;
}

function durationFrom(setting: DurationSetting, doc: Record<string, unknown> | null): number {
  const valid = (value: unknown) => validDuration(setting, value);
  const toMs = (n: number) => Math.round(n * UNIT_MS[setting.unit]);
  const fromEnv = valid(process.env[setting.env]);
  if (fromEnv !== null) return toMs(fromEnv);
  if (process.env[setting.env]) console.warn(`[config] ${setting.env} is not a number of ${setting.unit}; ignored`);
  if (doc && doc[setting.field] !== undefined) {
    const fromDoc = valid(doc[setting.field]);
    if (fromDoc !== null) return toMs(fromDoc);
    console.warn(`[config] config/orders.${setting.field} is not a number of ${setting.unit}; ignored`);
  }
  return toMs(setting.fallback);
}

/** How long after receipt (`completedAt`) a shopper may ask for after-sales (default 7 days). */
export function afterSaleWindowMs(): Promise<number> {
  return durationMs({ env: 'AFTER_SALE_WINDOW_DAYS', field: 'afterSaleWindowDays', unit: 'days', min: 0, max: 365, fallback: DEFAULT_AFTER_SALE_WINDOW_DAYS });
}

const ATTRIBUTION_WINDOW: DurationSetting = { env: 'ATTRIBUTION_WINDOW_HOURS', field: 'attributionWindowHours', unit: 'hours', min: 0, exclusive: true, max: 30 * 24, fallback: DEFAULT_ATTRIBUTION_WINDOW_HOURS };

/** How long a scan or share-card landing is credited with the shopper's orders (default 24 hours). */
export function attributionWindowMs(): Promise<number> {
  return durationMs(ATTRIBUTION_WINDOW);
}

/** The same from the `config/orders` document the caller read (null: none). */
export function attributionWindowFrom(doc: Record<string, unknown> | null): number {
  return durationFrom(ATTRIBUTION_WINDOW, doc);
}

/** The `config` documents a checkout needs. */
const CHECKOUT_CONFIG_IDS = ['orders', SHIPPING_CONFIG_ID];

export interface CheckoutConfig {
  orders: Record<string, unknown> | null;
  shipping: Record<string, unknown> | null;
}

/** The checkout's settings out of the `config` documents read (null for one that does not exist). */
export function checkoutConfigFrom(docs: readonly Record<string, unknown>[]): CheckoutConfig {
  const byId = (id: string) => docs.find((doc) => doc._id === id) ?? null;
  return { orders: byId('orders'), shipping: byId(SHIPPING_CONFIG_ID) };
}

/** The same read joined to another (server/products.ts loadPricedProducts `alongside`). */
export function checkoutConfigRead(): ReadAlongside {
  return { from: COLLECTIONS.config, pipeline: db().command.aggregate.pipeline().match({ _id: db().command.in(CHECKOUT_CONFIG_IDS) }).done() };
}

/**
 * The `config` documents a checkout needs (`orders`, `shipping`), in one request; null for one that does
 * not exist. A missing collection reads as no documents (the defaults apply).
 */
export async function checkoutConfig(): Promise<CheckoutConfig> {
  try {
    const { data } = await db().collection(COLLECTIONS.config).where({ _id: db().command.in(CHECKOUT_CONFIG_IDS) }).limit(2).get();
    return checkoutConfigFrom(data);
  } catch (error) {
    console.warn('[config] config unreadable, using defaults', (error as Error)?.message ?? error);
    return { orders: null, shipping: null };
  }
}
