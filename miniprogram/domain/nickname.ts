/**
 * A group member's nickname as stored and shown. Apart from the group rules (groups.ts) so the group
 * page, which only cleans what the shopper typed, does not load them.
 */

export const NICKNAME_MAX = 20;

/** A nickname as stored and shown: trimmed, at most 20 characters; empty when nothing is left. */
export function cleanNickname(value: string): string {
  return [...value.replace(/\s+/g, ' ').trim()].slice(0, NICKNAME_MAX).join('');
}
