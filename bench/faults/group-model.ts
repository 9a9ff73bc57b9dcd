/**
 * Model-based random walk over group buying (拼团), through the real functions on the local cloud and
 * its clock: shoppers open groups and join them (alone and in bursts on one group), pay (the pay
 * sandbox, 1-3 deliveries), cancel, let payment windows and group windows run out (the clock moves,
 * the expiry and group timers run), the refunds timer runs, and the merchant tries to ship.
 *
 * After EVERY step, against the database: per group, its places are its unpaid and paid members'
 * orders (taken = seats = those orders, paid = paid seats) and never more than N; never more than N
 * orders of a group paid (grouping, paid, shipped, or refunded by the group's failure); a forming
 * group has no member that can ship, a formed one has every paid member `paid` and none waiting, a
 * settled failed one none waiting either; the merchant shipped only orders of formed groups; and the
 * product's stock + reserved + sold = its initial stock, reserved = the units of unpaid orders.
 * At the end (every window run out, the timers drained): WeChat Pay's own records show every member
 * of a failed group refunded exactly its payment, once, and every member of a formed group keeping it.
 */
import type { ActionName, ActionRequest, FunctionName, RawInvoke } from '../../typings/api';
import { callAction } from '../../server/call-action';
import { localMerchantKey, merchantEvent } from '../../admin/merchant-key';
import { ADDRESS, Client, rng, productDoc } from '../lib/cloud';

export interface GroupModelOptions {
  steps: number;
  seed: number;
  log?: (s: string) => void;
}

export interface GroupModelResult {
  seed: number;
  steps: number;
  ops: Record<string, number>;
  invariantChecks: number;
  violations: string[];
  groups: Record<string, number>;
  orders: Record<string, number>;
  /** members of failed groups refunded at WeChat, members of formed groups that kept their payment */
  refundedMembers: number;
  keptMembers: number;
  /** ship attempts the merchant made and those that went through */
  shipTried: number;
  shipped: number;
}

const USERS = ['oG_1', 'oG_2', 'oG_3', 'oG_4', 'oG_5', 'oG_6', 'oG_7', 'oG_8'];
const STOCK = 40;
const MIN = 60_000;

class Violation extends Error {}

export async function runGroupModel(client: Client, opts: GroupModelOptions): Promise<GroupModelResult> {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const log = opts.log ?? (() => undefined);
  const tag = `g${opts.seed.toString(36)}${Date.now().toString(36)}`;
  const productId = `gp-${tag}`;
  const ops: Record<string, number> = {};
  const violations: string[] = [];
  let checks = 0;
  let step = 0;
  let seq = 0;
  let shipTried = 0;
  const shippedIds = new Set<string>();
  const groupIds = new Set<string>();
  const orderIds = new Set<string>();

  const fail = (msg: string): never => {
    throw new Violation(`step ${step} (seed ${opts.seed}): ${msg}`);
  };
  const merchantInvoke: RawInvoke = async (fn, event) => {
    const r = await client.invoke(fn, merchantEvent(event as object, localMerchantKey()));
    if (r.error) fail(`${fn} invoke error ${r.error.code}: ${r.error.message}`);
    return r.result;
  };
  const asMerchant = <F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, req: ActionRequest<F, A>) => callAction(merchantInvoke, fn, action, req);
  const call = async (event: Record<string, unknown>, openid: string) => {
    const r = await client.invoke('orders', event, openid);
    if (r.error) fail(`orders.${String(event.action)} invoke error ${r.error.code}: ${r.error.message}`);
    return r.result as { ok: boolean; data?: any; error?: { code: string; message: string } };
  };
  const clock = async (change: Record<string, unknown>) => {
    const r = await client.local('POST', '/clock', change);
    if (r.status !== 200) throw new Error(`clock: ${JSON.stringify(r.json)}`);
  };
  const timer = async (name: string) => {
    const r = await client.fireTimer('orders', name);
    if (r.error || r.result?.ok === false) fail(`timer ${name} failed: ${JSON.stringify(r.error ?? r.result).slice(0, 300)}`);
  };

  await clock({ frozenAt: Date.UTC(2026, 6, 1, 2, 0, 0) });
  {
    const r = await asMerchant('merchant', 'saveProduct', { product: productDoc(productId, [{ skuId: 'g1', price: 3000, stock: STOCK }]), create: true });
    if (!r.ok) throw new Error(`group model: creating the product answered ${JSON.stringify(r.error)}`);
    const d = await asMerchant('merchant', 'saveGroupDeal', { productId, size: 3, windowHours: 1, prices: { g1: 2000 }, enabled: true });
    if (!d.ok) throw new Error(`group model: saving the deal answered ${JSON.stringify(d.error)}`);
  }

  const ordersOf = async () => (await client.all('orders', { 'group.groupId': client.db().command.exists(true), 'lines.productId': productId })) as any[];

  const check = async () => {
    const orders = await ordersOf();
    const groups = (await client.all('groups', { productId })) as any[];
    for (const g of groups) {
      const members = orders.filter((o) => o.group.groupId === g._id);
      const seats = Object.values(g.seats ?? {}) as any[];
      const holding = members.filter((o) => o.status === 'pending_payment' || o.status === 'grouping' || o.status === 'paid' || o.status === 'shipped' || (o.status === 'refunded' && o.groupFailedAt));
      const paidOrders = members.filter((o) => o.status !== 'pending_payment' && holding.includes(o));
      if (g.taken !== seats.length) fail(`group ${g._id}: taken ${g.taken}, ${seats.length} seats`);
      if (g.taken > g.size) fail(`group ${g._id}: ${g.taken} places of ${g.size}`);
      if (paidOrders.length > g.size) fail(`group ${g._id}: ${paidOrders.length} paid orders of ${g.size}`);
      if (g.paid !== seats.filter((s) => s.paid).length) fail(`group ${g._id}: paid ${g.paid}, paid seats ${seats.filter((s) => s.paid).length}`);
      if (g.paid !== paidOrders.length) fail(`group ${g._id}: paid ${g.paid}, paid orders ${paidOrders.length}`);
      // Unpaid orders in the group each hold their seat (a seat whose order is still being created is allowed only mid-step).
      for (const o of members.filter((m) => m.status === 'pending_payment')) {
        if (!seats.some((s) => s.orderId === o._id && !s.paid)) fail(`group ${g._id}: unpaid order ${o._id} holds no place`);
      }
      for (const s of seats) if (!members.some((o) => o._id === s.orderId && holding.includes(o))) fail(`group ${g._id}: a place held by ${s.orderId}, which holds nothing`);
      if (g.status === 'forming' && members.some((o) => o.status === 'paid' || o.status === 'shipped')) fail(`group ${g._id} is forming but has a member that can ship`);
      if (g.status === 'formed') {
        if (g.paid !== g.size) fail(`group ${g._id} formed with ${g.paid} of ${g.size} paid`);
        if (members.some((o) => o.status === 'grouping')) fail(`group ${g._id} formed but a member still waits`);
      }
      if (g.status === 'failed' && g.settled && members.some((o) => o.status === 'grouping')) fail(`group ${g._id} failed and settled but a member still waits`);
      for (const o of members) if (shippedIds.has(o._id) && g.status !== 'formed') fail(`order ${o._id} shipped from group ${g._id} (${g.status})`);
    }
    const product = await client.getDoc('products', productId);
    const sku = product.skus[0];
    const reserved = orders.filter((o) => o.status === 'pending_payment').length;
    const sold = orders.filter((o) => o.status === 'grouping' || o.status === 'paid' || o.status === 'shipped').length;
    if (sku.reserved !== reserved) fail(`reserved ${sku.reserved}, unpaid orders hold ${reserved}`);
    if (sku.sold !== sold) fail(`sold ${sku.sold}, paid orders hold ${sold}`);
    if (sku.stock + sku.reserved + sku.sold !== STOCK) fail(`stock ${sku.stock} + reserved ${sku.reserved} + sold ${sku.sold} ≠ ${STOCK}`);
    if (sku.stock < 0) fail(`stock below 0: ${sku.stock}`);
    checks += 1;
  };

  const formingGroups = async () => ((await client.all('groups', { productId, status: 'forming' })) as any[]).map((g) => g._id as string);
  const checkout = async (openid: string, event: Record<string, unknown>) => {
    const r = await call({ ...event, requestId: `${tag}-${(seq += 1)}`, skuId: 'g1', address: ADDRESS, expectedPrice: 2000 }, openid);
    if (r.ok) {
      orderIds.add(r.data.order._id);
      groupIds.add(r.data.groupId);
    } else if (!['INVALID_STATE', 'OUT_OF_STOCK'].includes(r.error!.code)) fail(`${String(event.action)} refused with ${r.error!.code}: ${r.error!.message}`);
    return r;
  };

  const actions: [number, string, () => Promise<void>][] = [
    [3, 'open', async () => void (await checkout(pick(USERS), { action: 'openGroup', productId }))],
    [5, 'join', async () => {
      const groups = await formingGroups();
      if (groups.length) await checkout(pick(USERS), { action: 'joinGroup', groupId: pick(groups) });
    }],
    [2, 'joinBurst', async () => {
      const groups = await formingGroups();
      if (!groups.length) return;
      const groupId = pick(groups);
      const users = USERS.filter(() => rand() < 0.6);
      await Promise.all(users.map((u) => checkout(u, { action: 'joinGroup', groupId })));
    }],
    [6, 'pay', async () => {
      const pending = (await ordersOf()).filter((o) => o.status === 'pending_payment');
      if (!pending.length) return;
      const o = pick(pending);
      const r = await call({ action: 'pay', orderId: o._id }, o._openid);
      if (!r.ok) return;
      const confirm = await client.confirmPay(r.data.payment.package, 1 + Math.floor(rand() * 3));
      for (const d of confirm.json.deliveries ?? []) if (d.result?.errcode !== 0) fail(`payment delivery for ${o._id} answered ${JSON.stringify(d.result)}`);
    }],
    [1, 'cancel', async () => {
      const pending = (await ordersOf()).filter((o) => o.status === 'pending_payment');
      const o = pending.length ? pick(pending) : null;
      if (o) await call({ action: 'cancel', orderId: o._id }, o._openid);
    }],
    [2, 'time', async () => {
      await clock({ advanceMs: (5 + Math.floor(rand() * 20)) * MIN });
      await timer('expireOrders');
    }],
    [2, 'settle', async () => timer('settleGroups')],
    [1, 'refunds', async () => timer('refunds')],
    [2, 'ship', async () => {
      const candidates = (await ordersOf()).filter((o) => ['grouping', 'paid', 'pending_payment'].includes(o.status));
      if (!candidates.length) return;
      const o = pick(candidates);
      shipTried += 1;
      const r = await asMerchant('merchant', 'ship', { orderId: o._id, carrier: 'SF', trackingNo: `SF${tag}${seq++}` });
      if (r.ok) shippedIds.add(o._id);
      if (r.ok !== (o.status === 'paid')) fail(`ship of a ${o.status} order ${r.ok ? 'went through' : 'was refused'}`);
    }],
  ];
  const weights = actions.reduce((s, a) => s + a[0], 0);

  try {
    await check();
    for (step = 1; step <= opts.steps; step += 1) {
      let r = rand() * weights;
      const action = actions.find((a) => (r -= a[0]) < 0) ?? actions[0];
      ops[action[1]] = (ops[action[1]] ?? 0) + 1;
      log(`step ${step}: ${action[1]}`);
      await action[2]();
      await check();
    }
    // Every window runs out; the timers settle and refund everything owed.
    await clock({ advanceMs: 2 * 60 * MIN });
    await timer('expireOrders');
    await timer('settleGroups');
    for (let i = 0; i < 3; i += 1) await timer('refunds');
    await check();
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    violations.push(error.message);
  }

  // The money, against WeChat Pay's records.
  let refundedMembers = 0;
  let keptMembers = 0;
  const pay = client.wx().cloudPay;
  const orders = await ordersOf();
  for (const o of orders) {
    const q = await pay.queryOrder({ sub_mch_id: '1900000109', nonce_str: 'gm', out_trade_no: o._id });
    const paid = q.resultCode === 'SUCCESS' && (q.tradeState === 'SUCCESS' || q.tradeState === 'REFUND') ? (q.totalFee as number) : 0;
    const rq = await pay.queryRefund({ sub_mch_id: '1900000109', nonce_str: 'gm', out_trade_no: o._id });
    const fees: number[] = rq.resultCode === 'SUCCESS' ? rq.refundFeeList : [];
    const refunded = fees.reduce((a, b) => a + b, 0);
    if (o.status === 'grouping') violations.push(`end: order ${o._id} still waits for its group`);
    if (o.status === 'refunded') {
      if (fees.length !== 1 || refunded !== paid || paid !== o.total) violations.push(`end: failed-group order ${o._id} paid ${paid}, refunds ${JSON.stringify(fees)}`);
      else refundedMembers += 1;
    }
    if (o.status === 'paid' || o.status === 'shipped') {
      if (paid !== o.total || refunded !== 0) violations.push(`end: formed-group order ${o._id} paid ${paid}, refunded ${refunded}`);
      else keptMembers += 1;
    }
    if ((o.status === 'expired' || o.status === 'cancelled') && refunded !== paid) violations.push(`end: closed order ${o._id} paid ${paid} but refunded ${refunded}`);
  }
  const groups: Record<string, number> = {};
  for (const g of await client.all('groups', { productId })) groups[g.status] = (groups[g.status] ?? 0) + 1;
  const byStatus: Record<string, number> = {};
  for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  await clock({ reset: true });
  return { seed: opts.seed, steps: opts.steps, ops, invariantChecks: checks, violations, groups, orders: byStatus, refundedMembers, keptMembers, shipTried, shipped: shippedIds.size };
}
