import { db, type TxCollections } from './cloud';
import { AppError } from './errors';

/** The most documents one `get()` from a cloud function returns (docs/reference/platform-limits.md §9.1): the page of reads that walk a collection. */
export const PAGE = 1000;

/** Every collection the functions use (declared in database.config.json). */
export const COLLECTIONS = {
  products: 'products',
  categories: 'categories',
  orders: 'orders',
  idempotency: 'idempotency',
  payments: 'payments',
  scenes: 'scenes',
  referrals: 'referrals',
  config: 'config',
  afterSales: 'after_sales',
  /** Every QR scan and share-card landing, per OPENID: what orders are attributed to (server/attribution.ts). */
  scans: 'scans',
  stockMoves: 'stock_moves',
  /** Coupons (server/coupons.ts): the merchant's templates, shoppers' coupons, claims per shopper and template. */
  couponTemplates: 'coupon_templates',
  coupons: 'coupons',
  couponClaims: 'coupon_claims',
  /** One document per SKU with a flash sale: its price, window, limit and what is left of its allotment. */
  flashSales: 'flash_sales',
  /** Units each shopper holds in a flash sale's paid and unpaid orders (the per-shopper limit). */
  flashBuyers: 'flash_buyers',
  /** Campaigns the merchant defines (server/campaigns.ts). */
  campaigns: 'campaigns',
  /** Every opening of a campaign's page, per OPENID with the server's time and the launch scene. */
  campaignVisits: 'campaign_visits',
  /** One document per user image sent to WeChat's image check, with its verdict (server/image-check.ts). */
  mediaChecks: 'media_checks',
  /** One document per shopper: their saved shipping addresses and which is the default (server/addresses.ts). */
  addressBooks: 'address_books',
  /** Subscribe-message notices per order, kind and subject, with their attempts (server/notify.ts). */
  notices: 'notices',
  /** What shoppers answered in the subscribe dialog, per shopper and template (a hint for merchants). */
  noticeGrants: 'notice_grants',
  /** Retail stores (server/stores.ts): their QR codes carry the store; pickup orders are collected there. */
  stores: 'stores',
  /** Wrong pickup codes per verifier and per order in the current window (server/pickup.ts). */
  pickupAttempts: 'pickup_attempts',
  /** Group buying (server/groups.ts): the merchant's deal per product, the groups, members' nickname and avatar. */
  groupDeals: 'group_deals',
  groups: 'groups',
  groupProfiles: 'group_profiles',
} as const;

/**
 * True for the errors a transaction reports when another one holds the same documents. They arrive in
 * different shapes: the raw `{code}` from commit, or wrapped by wx-server-sdk (numeric errCode, the
 * original text in the message) when the conflict is reported on a read or write inside the callback.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return typeof error === 'string' && /TransactionConflict|DATABASE_TRANSACTION_CONFLICT/.test(error);
  const e = error as { code?: unknown; message?: unknown; errMsg?: unknown };
  if (e.code === 'DATABASE_TRANSACTION_CONFLICT') return true;
  const text = `${typeof e.message === 'string' ? e.message : ''} ${typeof e.errMsg === 'string' ? e.errMsg : ''}`;
  return /TransactionConflict|DATABASE_TRANSACTION_CONFLICT/.test(text);
}

/** True for a create (`add`) refused because a document with its `_id` exists. */
export function isDuplicate(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { message?: unknown; errMsg?: unknown };
  return /E11000|duplicate key/i.test(`${typeof e.message === 'string' ? e.message : ''} ${typeof e.errMsg === 'string' ? e.errMsg : ''}`);
}

/** A transaction that outlived the platform's 30 s limit; safe to retry from scratch. */
function isTransactionGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; errMsg?: unknown };
  if (e.code === 'DATABASE_TRANSACTION_FAIL') return true;
  const text = `${typeof e.message === 'string' ? e.message : ''} ${typeof e.errMsg === 'string' ? e.errMsg : ''}`;
  return /TransactionNotExist|DATABASE_TRANSACTION_FAIL/.test(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff: spreads contending retries apart instead of retrying in lockstep. */
export function backoffMs(attempt: number, baseMs = 20, capMs = 1000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.floor(Math.random() * ceiling) + 1;
}

export interface RetryOptions {
  /** Give up (UNAVAILABLE) when the next attempt would start after this many ms from now. */
  budgetMs: number;
  /** Longest wait between attempts (default 1 s). */
  backoffCapMs?: number;
}

/**
 * Runs `work` in a transaction, retrying on conflict with jittered backoff until the budget is spent.
 *
 * The retry has to be ours. CloudBase reports a conflict at the write that loses (first writer wins),
 * and wx-server-sdk hands that error to the callback without `code`; its runTransaction retries only
 * errors whose `code` is DATABASE_TRANSACTION_CONFLICT, so it gives up on exactly these. Its own retry
 * would also re-run at once, without backoff, and it sends a rollback after every failed attempt: after
 * a conflict that is a request for nothing, because the conflict already ended the transaction (the
 * rollback fails with DATABASE_TRANSACTION_FAIL, docs/reference/cloudbase-transactions.md). So attempts
 * are started, committed and rolled back here, and a conflicted or expired attempt is not rolled back.
 * Every failed attempt is over before we wait and start a new one. The budget is measured with
 * Date.now(), so it follows the local cloud's clock in tests. `work` must only use `tx` and have no
 * other side effects, because it can run several times. An AppError thrown by `work` rolls back and
 * reaches the caller as is.
 */
export async function withTransaction<T>(work: (tx: TxCollections) => Promise<T>, options: RetryOptions = { budgetMs: 8000 }): Promise<T> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await attemptTransaction(work);
      // Contention is worth seeing in the logs (hot SKUs); quiet otherwise.
      if (attempt > 0) console.log(`[tx] committed after ${attempt + 1} attempts (${Date.now() - started} ms)`);
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (!isTransactionConflict(error) && !isTransactionGone(error)) throw error;
      const wait = backoffMs(attempt, 20, options.backoffCapMs);
      if (Date.now() + wait >= deadline) {
        console.warn(`[tx] gave up after ${attempt + 1} conflicting attempts (${Date.now() - started} ms)`);
        throw new AppError('UNAVAILABLE', '当前购买人数较多，请稍后重试', { reason: 'TRANSACTION_CONTENTION', attempts: attempt + 1 });
      }
      await sleep(wait);
    }
  }
}

/** One attempt: start, `work`, commit; rolled back when `work` fails, unless the failure already ended it. */
async function attemptTransaction<T>(work: (tx: TxCollections) => Promise<T>): Promise<T> {
  const tx = await db().startTransaction();
  let result: T;
  try {
    result = await work(tx);
  } catch (error) {
    if (!isTransactionConflict(error) && !isTransactionGone(error)) {
      // Releases the locks of what `work` wrote before it failed; the original error is what matters.
      await tx.rollback().catch((rollbackError: unknown) => console.warn('[tx] rollback failed', (rollbackError as Error)?.message ?? rollbackError));
    }
    throw error;
  }
  await tx.commit();
  return result;
}

/** Reads one document inside a transaction; null when it does not exist. */
export async function txGet(tx: TxCollections, collection: string, id: string): Promise<Record<string, unknown> | null> {
  const result = await tx.collection(collection).doc(id).get();
  const data = result?.data;
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/** Reads one document outside a transaction; null when it does not exist. */
export async function getDoc(collection: string, id: string): Promise<Record<string, unknown> | null> {
  const result = await db().collection(collection).doc(id).get();
  const data = result?.data;
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/** `set` refuses `_id` in the data (it is the document key); strip it from a whole-document write. */
export function withoutId<T extends { _id?: unknown }>(doc: T): Omit<T, '_id'> {
  const { _id: _ignored, ...rest } = doc;
  void _ignored;
  return rest;
}
