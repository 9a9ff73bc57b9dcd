/**
 * Two local control endpoints (not part of CloudBase), kept apart from the hub's routing so that each
 * is one function of (method, body) → reply:
 *   GET  /_emulator/v1/clock                 → the local cloud's time
 *   POST /_emulator/v1/clock {reset?, offsetMs?, frozenAt?, freeze?, advanceMs?} → moves it
 *   GET  /_emulator/v1/database/transactions → open transactions, waiting writes, counters
 */
import type { Clock, ClockChange } from './util/clock';
import type { TransactionManager } from './database/transactions';
import type { Doc } from './util/ejson';

export interface ControlReply {
  status: number;
  body: unknown;
}

const notAllowed = (method: string, path: string): ControlReply => ({
  status: 405,
  body: { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} ${path}` } },
});

export async function clockControl(method: string, readJson: () => Promise<Doc>, clock: Clock): Promise<ControlReply> {
  if (method === 'GET') return { status: 200, body: clock.state() };
  if (method !== 'POST') return notAllowed(method, '/_emulator/v1/clock');
  const change = (await readJson()) as ClockChange;
  try {
    return { status: 200, body: clock.set(change) };
  } catch (e) {
    return { status: 400, body: { error: { code: 'INVALID_PARAM', message: (e as Error).message } } };
  }
}

export function transactionsControl(method: string, txns: TransactionManager): ControlReply {
  if (method !== 'GET') return notAllowed(method, '/_emulator/v1/database/transactions');
  return { status: 200, body: txns.describe() };
}
