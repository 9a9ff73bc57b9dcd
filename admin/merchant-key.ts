/**
 * The merchant tools' side of the merchant key (server/merchant-key.ts is the functions' side): every
 * function call a merchant tool makes goes through `merchantEvent`, which adds the key the target
 * environment expects. A real environment's key comes from MERCHANT_KEY in the tool's environment
 * (the same value cloudbaserc.json deploys to the functions, from .env.local); the local cloud runs its
 * functions with LOCAL_MERCHANT_KEY unless MERCHANT_KEY is set, so `npm start` and the tests need no
 * set-up. The key never goes into the mini program.
 */
import { MERCHANT_KEY_ENV, MERCHANT_KEY_FIELD, MIN_MERCHANT_KEY_LENGTH } from '../server/merchant-key';
import { UsageError, type CloudTarget } from './cloud';

/**
 * The local cloud's key. Not a secret: whoever can reach the local cloud can already write its
 * database with any credentials (its guard, not this key, protects it). Never configure it on a real
 * environment.
 */
export const LOCAL_MERCHANT_KEY = 'local-cloud-merchant-key-not-a-secret';

/** The key the local cloud gives its functions (MERCHANT_KEY wins, so a test can run with its own). */
export function localMerchantKey(): string {
  return process.env[MERCHANT_KEY_ENV] || LOCAL_MERCHANT_KEY;
}

/** The environment variables the local cloud sets on every function (the ones cloudbaserc.json declares). */
export function localFunctionEnv(): Record<string, string> {
  return { [MERCHANT_KEY_ENV]: localMerchantKey() };
}

/** The key for calls to a target: MERCHANT_KEY, or the local cloud's own key. A real environment without one is a usage error. */
export function merchantKeyFor(target: CloudTarget): string {
  if (target.kind === 'local') return localMerchantKey();
  const key = process.env[MERCHANT_KEY_ENV];
  if (!key || key.length < MIN_MERCHANT_KEY_LENGTH) {
    throw new UsageError(
      `--env ${target.envId} needs the merchant key: set ${MERCHANT_KEY_ENV} (at least ${MIN_MERCHANT_KEY_LENGTH} characters) to the value deployed with cloudbaserc.json (docs/DEPLOYMENT.md, "Merchant key")`,
    );
  }
  return key;
}

/** A function event with the merchant key added: the one way a merchant tool proves itself to a function. */
export function merchantEvent<E extends object>(event: E, key: string): E & { [MERCHANT_KEY_FIELD]: string } {
  return { ...event, [MERCHANT_KEY_FIELD]: key } as E & { [MERCHANT_KEY_FIELD]: string };
}
