/**
 * An idempotency key for orders.create (≤ 64 chars). It only has to be unique per shopper, so time
 * plus randomness is enough; the mini program has no crypto.randomUUID everywhere.
 */
export function newRequestId(now: number = Date.now()): string {
  let rand = '';
  for (let i = 0; i < 4; i += 1) rand += Math.floor(Math.random() * 0x100000000).toString(36);
  return `r${now.toString(36)}${rand}`.slice(0, 64);
}
