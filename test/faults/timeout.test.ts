/**
 * The orders function killed by its timeout at points from before to after the stock transaction
 * (bench/faults/timeout.ts, reduced size): no half order (order without what answers its retry or
 * without stock, stock without order), at most one order per requestId.
 */
import { runTimeout } from '../../bench/faults/timeout';

jest.setTimeout(120_000);

test('a checkout killed by the function timeout leaves no half order', async () => {
  const r = await runTimeout({ attempts: 16, workers: 4 });
  expect(r.halfOrders).toEqual([]);
  expect(r.duplicateOrders).toBe(0);
  // The sweep really timed checkouts out (otherwise this test would prove nothing).
  const timedOut = Object.entries(r.outcomes).filter(([k]) => k.startsWith('timed out')).reduce((n, [, v]) => n + v, 0);
  expect(timedOut).toBeGreaterThan(0);
  expect(Object.keys(r.outcomes).filter((k) => k.startsWith('other'))).toEqual([]);
});
