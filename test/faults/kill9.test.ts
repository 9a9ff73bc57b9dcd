/**
 * kill -9 of the local cloud (emulator/cli.ts as a child process) in the middle of ~20 concurrent
 * checkouts, restart on the same --data: every acknowledged order and payment is there, stock + sold =
 * initial for every SKU, and retrying the in-flight checkouts creates at most one order per requestId.
 * Reduced size of bench/faults/kill9.ts (the bench runs more buyers and a later kill).
 */
import { runKill9 } from '../../bench/faults/kill9';

jest.setTimeout(150_000);

test('kill -9 during 20 concurrent checkouts loses no acknowledged order and keeps stock + sold = initial', async () => {
  const r = await runKill9({ lanes: 20, killAfter: 30, seed: 3 });
  expect(r.acknowledgedOrders).toBeGreaterThanOrEqual(30);
  // The kill landed on work: checkouts in flight and payments acknowledged; no call failed before it.
  expect(r.inFlightAtKill).toBeGreaterThan(0);
  expect(r.acknowledgedPayments).toBeGreaterThan(0);
  expect(r.errorsBeforeKill).toEqual({});
  expect(r.lostAcknowledgedOrders).toBe(0);
  expect(r.lostAcknowledgedPayments).toBe(0);
  expect(r.missingIdempotencyRecords).toBe(0);
  expect(r.stockViolations).toEqual([]);
  expect(r.duplicateOrdersAfterRetry).toBe(0);
  expect(r.stockViolationsAfterRetry).toEqual([]);
  expect(r.orphanHoldsAfterRetry).toBe(0);
  expect(r.newCheckoutsAfterRestart).toBe(3);
});
