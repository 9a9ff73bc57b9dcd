/**
 * The one id rule for products, SKUs, categories and orders: the API refuses any other id, so the
 * console, the import and the normalizer apply the same rule (an id the API refuses can never be bought).
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const ID_RULE_TEXT = '1-64 letters, digits, _ or -';

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Why `value` is not an id by the rule, or null when it is one. */
export function idProblem(value: unknown): string | null {
  if (isValidId(value)) return null;
  if (typeof value !== 'string' || value === '') return `must be an id (${ID_RULE_TEXT})`;
  return `${JSON.stringify(value)} is not an id (${ID_RULE_TEXT}); the mini program cannot open or buy it`;
}

/** A valid id close to a bad one (other characters become -, cut to 64), or '' when nothing is left. */
export function suggestId(value: string): string {
  return value.trim().replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}
