/**
 * The merchant key: the proof a server-side call (admin CLI, console, an operator) carries, because a
 * call without an OPENID says nothing about who made it (docs/reference/merchant-identity.md §2). The
 * functions read the key from their environment variable MERCHANT_KEY (cloudbaserc.json); the merchant
 * tools send it as the event field `merchantKey` (admin/merchant-key.ts `merchantEvent`). The handler
 * takes it out of the event before anything else looks at the event, so it is never validated, stored
 * or logged with the request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isPlainObject } from './validate';

/** The functions' environment variable holding the key (and the merchant tools' one). */
export const MERCHANT_KEY_ENV = 'MERCHANT_KEY';
/** The event field that carries the key. */
export const MERCHANT_KEY_FIELD = 'merchantKey';
/** Shorter keys are guessable: a function configured with one accepts no key at all. */
export const MIN_MERCHANT_KEY_LENGTH = 32;

/**
 * What the event proves: `none` (no key sent), `valid`, `invalid` (a key that is not this
 * environment's), or `unconfigured` (a key was sent but the function has no usable MERCHANT_KEY).
 */
export type MerchantProof = 'none' | 'valid' | 'invalid' | 'unconfigured';

/** The key this function accepts, or null when MERCHANT_KEY is missing or too short (fail closed). */
export function configuredMerchantKey(env: NodeJS.ProcessEnv = process.env): string | null {
  const key = env[MERCHANT_KEY_ENV];
  return typeof key === 'string' && key.length >= MIN_MERCHANT_KEY_LENGTH ? key : null;
}

/** Equal keys, compared in constant time (digests first, so the lengths do not leak either). */
export function sameKey(sent: string, expected: string): boolean {
  const a = createHash('sha256').update(sent, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Takes the key out of an event: the event without it, and what it proved. */
export function takeMerchantKey(event: unknown, env: NodeJS.ProcessEnv = process.env): { event: unknown; proof: MerchantProof } {
  if (!isPlainObject(event) || !Object.prototype.hasOwnProperty.call(event, MERCHANT_KEY_FIELD)) return { event, proof: 'none' };
  const { [MERCHANT_KEY_FIELD]: sent, ...rest } = event;
  const expected = configuredMerchantKey(env);
  if (expected === null) return { event: rest, proof: 'unconfigured' };
  return { event: rest, proof: typeof sent === 'string' && sameKey(sent, expected) ? 'valid' : 'invalid' };
}
