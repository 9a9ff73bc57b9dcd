/**
 * Model-based random walk over creates, cancels, expiries, payments, repeated notifications, after-sales
 * and the merchant's actions (shipping, stock adjustments, cancels) racing shoppers, through the real
 * functions (bench/faults/model.ts, reduced size): the stock invariant (stock + reserved + sold =
 * initial + adjustments, never negative, each figure as the model says) is checked after every step,
 * the stock ledger and the money at WeChat at the end. The bench (`npm run bench`) runs the same walk
 * with more steps. Coupons ride along: claimed within their limits, used by one order at a time, back
 * once when that order is cancelled, expires or is refunded in full.
 */
import { Client, startChild, type ChildCloud } from '../../bench/lib/cloud';
import { runModel } from '../../bench/faults/model';
import { runGroupModel } from '../../bench/faults/group-model';
import { localFunctionEnv } from '../../admin/merchant-key';

jest.setTimeout(120_000);

let emu: ChildCloud;
beforeAll(async () => {
  emu = await startChild({ functionEnv: localFunctionEnv() });
});
afterAll(async () => {
  await emu?.stop();
});

test.each([1, 2])('seed %i: 50 random steps keep stock + reserved + sold = initial + adjustments after every step, the ledger and the money', async (seed) => {
  const r = await runModel(Client.of(emu), { steps: 50, seed, fullEvery: 25 });
  expect(r.violations).toEqual([]);
  expect(r.steps).toBe(50);
  // one stock check before the walk and after each step, and the money check at the end
  expect(r.invariantChecks).toBe(52);
  // every refund WeChat executed is a refunded payment record or a refunded after-sales request
  const afterSalesRefunded = r.afterSales.refunded ?? 0;
  expect(r.money.refundsAtWechat).toBe(r.money.refundedRecords + afterSalesRefunded);
  expect(r.ledger).toEqual({ checkedSkus: 4, problems: 0, unopened: 0 });
  expect(r.orders).toBeGreaterThan(0);
  // coupons: checked before the walk, after every step and after the last sweep; some orders used one
  expect(r.coupons.checks).toBe(52);
  expect(r.coupons.claimed).toBeGreaterThanOrEqual(5);
  expect(r.coupons.used).toBeGreaterThan(0);
});

test('group buying: 60 random steps never let more than N members of a group pay, refund every member of a group that ends short, and keep the stock', async () => {
  const r = await runGroupModel(Client.of(emu), { steps: 60, seed: 7 });
  console.log(`group walk: ${JSON.stringify({ ops: r.ops, groups: r.groups, orders: r.orders, refundedMembers: r.refundedMembers, keptMembers: r.keptMembers, shipTried: r.shipTried, shipped: r.shipped })}`);
  expect(r.violations).toEqual([]);
  // one check before the walk, one after each step, one after the windows ran out
  expect(r.invariantChecks).toBe(62);
  // the walk reached both ends of a group and the merchant was refused while a group formed
  expect((r.groups.formed ?? 0) + (r.groups.failed ?? 0)).toBeGreaterThan(0);
  expect(r.refundedMembers + r.keptMembers).toBeGreaterThan(0);
  expect(r.shipTried).toBeGreaterThan(r.shipped);
});
