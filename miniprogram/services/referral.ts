import { readStorage, writeStorageLater } from '../utils/storage';
import { call } from './api';

/**
 * The shopper's own referral code for share cards, fetched once and cached. Share handlers are
 * synchronous, so pages warm this up in onLoad and fall back to the share `promise` if it is late.
 */
const STORAGE_KEY = 'storefront.referral.v1';
let code: string | null = null;
let pending: Promise<string | null> | null = null;

export function cachedReferralCode(): string | null {
  if (code) return code;
  const stored = readStorage(STORAGE_KEY);
  if (typeof stored === 'string' && stored) code = stored;
  return code;
}

export function fetchReferralCode(): Promise<string | null> {
  const cached = cachedReferralCode();
  if (cached) return Promise.resolve(cached);
  if (pending) return pending;
  pending = call('scenes', 'referralCode', {}).then((res) => {
    pending = null;
    if (!res.ok) return null;
    code = res.data.referralCode;
    writeStorageLater(STORAGE_KEY, code);
    return code;
  });
  return pending;
}

export function resetReferralCache(): void {
  code = null;
  pending = null;
}

/** The last share card reported in this run, so the same entry seen twice (launch and page) is one landing. */
let reportedLanding = '';

/**
 * Tells the server a share card brought this shopper (scenes.shareLanding): the server records it with
 * its own time and decides whether it credits the sharer. Fire and forget: attribution never blocks
 * or fails an entry.
 */
export function reportShareLanding(referralCode: string): void {
  if (!referralCode || referralCode === reportedLanding) return;
  reportedLanding = referralCode;
  void call('scenes', 'shareLanding', { referralCode }).then((res) => {
    if (!res.ok) reportedLanding = '';
  });
}
