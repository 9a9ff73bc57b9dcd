/**
 * Model-based random walk over creates, cancels, expiries, payments and repeated notifications through
 * the real functions (bench/faults/model.ts, reduced size): the stock invariant
 * (stock + reserved + sold = initial, never negative, sales consistent) is checked after every step.
 * The bench (`npm run bench`) runs the same walk with thousands of steps.
 */
import { Client, startChild, type ChildCloud } from '../../bench/lib/cloud';
import { runModel } from '../../bench/faults/model';

jest.setTimeout(120_000);

let emu: ChildCloud;
beforeAll(async () => {
  emu = await startChild({});
});
afterAll(async () => {
  await emu?.stop();
});

test.each([1, 2])('seed %i: 50 random steps keep stock + reserved + sold = initial after every step', async (seed) => {
  const r = await runModel(Client.of(emu), { steps: 50, seed, fullEvery: 25 });
  expect(r.violations).toEqual([]);
  expect(r.steps).toBe(50);
  // one stock check before the walk and after each step, and the money check at the end
  expect(r.invariantChecks).toBe(52);
  expect(r.money.refundsAtWechat).toBe(r.money.refundedRecords);
  expect(r.orders).toBeGreaterThan(0);
});
