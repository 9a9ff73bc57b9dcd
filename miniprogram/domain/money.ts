import type { Fen } from '../../typings/domain';

/** Largest amount we accept anywhere: 100 million yuan. Keeps every sum far inside safe integers. */
export const MAX_FEN: Fen = 100_000_000_00;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_FEN;
}

/** unitPrice × qty, refusing anything that is not whole fen. */
export function multiplyFen(unitPrice: Fen, qty: number): Fen {
  if (!isFen(unitPrice)) throw new RangeError(`not an amount in fen: ${unitPrice}`);
  if (!Number.isSafeInteger(qty) || qty < 0) throw new RangeError(`not a quantity: ${qty}`);
  const total = unitPrice * qty;
  if (!Number.isSafeInteger(total)) throw new RangeError('amount overflow');
  return total;
}

export function sumFen(amounts: readonly Fen[]): Fen {
  let total = 0;
  for (const amount of amounts) {
    if (!isFen(amount)) throw new RangeError(`not an amount in fen: ${amount}`);
    total += amount;
  }
  return total;
}

/** 1250 → "12.50". Display only. */
export function fenToYuanString(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}

/** 1250 → "¥12.50". Display only. */
export function formatFen(fen: Fen): string {
  return `¥${fenToYuanString(fen)}`;
}

/**
 * Parses what a person typed as yuan ("12.5", "12.50", "¥12") into fen, exactly (no floating point).
 * Returns null for anything that is not a non-negative amount with at most two decimals.
 */
export function parseYuan(text: string): Fen | null {
  const match = /^\s*¥?\s*(\d{1,10})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
  return isFen(fen) ? fen : null;
}
