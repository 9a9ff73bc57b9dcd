/**
 * Group buying (拼团) on the server. Rules are pure in miniprogram/domain/groups.ts.
 *
 * - A deal (`group_deals`, one per product) is the merchant's: group prices per SKU, size N, window.
 * - A group (`groups`) holds its places as `seats`, one per member, keyed by a digest of the member's
 *   OPENID and the group (so the same shopper cannot take two places and nothing a client gets names
 *   them). `taken` counts seats, `paid` the paid ones.
 * - Opening writes the group with its leader's seat in the checkout's transaction (a new document, no
 *   one else writes it). Joining reserves a place first by one conditional update of the group
 *   (`taken < size`, still forming, this shopper not seated): however many shoppers ask for the last
 *   place, the database lets exactly one update through. The order is then created in its own
 *   transaction; when that fails the place is given back.
 * - An unpaid order that is cancelled or expires gives its place back (order-store.releaseOrder), so at
 *   most N orders of a group can ever be paid.
 * - A payment of a group order is counted by the payment callback in its transaction
 *   (`countGroupPaymentTx`): the order waits in `grouping` (it cannot ship) until the N-th payment,
 *   which forms the group and moves every member to `paid`.
 * - The `settleGroups` timer fails groups whose window ended short and refunds every paid member in
 *   full: the order goes `grouping → refunded`, its units back to stock, and its payment record becomes
 *   an owed refund that the refunds timer pays back (server/refunds.ts), each step once.
 */
import type { ActionRequest, ActionResponse } from '../typings/api';
import type { GroupDeal, GroupMember, GroupStatus, OrderGroup, OrderLine, OrderView } from '../typings/domain';
import { canJoin, cleanNickname, dealProblems, groupMessage, groupPhase, GROUP_RULES, JOIN_REFUSALS, lowestGroupPrice, withGroupPrices, type GroupFigures } from '../miniprogram/domain/groups';
import { normalizeProduct, type NormalizeResult } from '../miniprogram/domain/normalize';
import { priceOrder, type PricingResult, type ShippingContext } from '../miniprogram/domain/pricing';
import { specText } from '../miniprogram/domain/product';
import { db, type AnyDoc, type TxCollections } from './cloud';
import { now } from './clock';
import { attributionWindowFrom, checkoutConfig, paymentWindowFrom, SWEEP_BUDGET_MS } from './config';
import { checkText, SEC_SCENE } from './content-security';
import { COLLECTIONS, getDoc, txGet, withTransaction } from './db';
import { AppError, invalid, invalidState, notFound } from './errors';
import { digestId, fingerprint, orderIdFor } from './ids';
import { applyTransitionTx, asOrder, toView, type StoredOrder, type TransitionExtra } from './order-store';
import { owedRefundFields } from './refunds';
import { createCheckoutOrderTx } from './order-document';
import { templateFrom } from './shipping';
import { reserveTx, returnToStockTx } from './stock-ledger';
import { creditedScan, latestScan } from './attribution';
import { checkImage, imageStates } from './image-check';
import { mayShowImage } from '../miniprogram/domain/image-check';
import { notifyGroupResult } from './notify';

type Req<A extends keyof GroupActions> = ActionRequest<'orders', A>;
type Res<A extends keyof GroupActions> = ActionResponse<'orders', A>;
type GroupActions = Pick<import('../typings/api').OrdersApi, 'groupDeal' | 'group' | 'openGroup' | 'joinGroup' | 'saveGroupProfile' | 'myGroupProfile'>;

/** One member's place in a group. */
interface Seat {
  orderId: string;
  skuId: string;
  /** The member's profile document (nickname, avatar), a digest of the OPENID. */
  profileId: string;
  leader: boolean;
  paid: boolean;
  at: number;
}

interface StoredGroup extends GroupFigures {
  _id: string;
  productId: string;
  title: string;
  image: string;
  windowMs: number;
  createdAt: number;
  settled: boolean;
  seats: Record<string, Seat>;
  formedAt?: number;
  failedAt?: number;
}

const GROUP_CHECKOUT_BUDGET_MS = 12_000;

export function seatKey(groupId: string, openid: string): string {
  return `m${digestId(`group-seat\u0000${groupId}\u0000${openid}`, 16)}`;
}

export function profileIdFor(openid: string): string {
  return `U${digestId(`group-profile\u0000${openid}`, 23)}`;
}

function groupIdFor(orderId: string): string {
  return `G${digestId(`group\u0000${orderId}`, 23)}`;
}

function asGroup(doc: AnyDoc | null): StoredGroup | null {
  if (!doc || typeof doc._id !== 'string' || typeof doc.size !== 'number' || typeof doc.taken !== 'number') return null;
  return { ...(doc as unknown as StoredGroup), seats: (doc.seats && typeof doc.seats === 'object' ? doc.seats : {}) as Record<string, Seat> };
}

/* ------------------------------------------------------------------ the merchant's deal */

function asDeal(doc: AnyDoc | null): GroupDeal | null {
  if (!doc || typeof doc.size !== 'number' || !doc.prices || typeof doc.prices !== 'object') return null;
  return {
    productId: String(doc._id),
    size: doc.size,
    windowHours: typeof doc.windowHours === 'number' ? doc.windowHours : GROUP_RULES.defaultWindowHours,
    prices: doc.prices as Record<string, number>,
    enabled: doc.enabled === true,
    updatedAt: typeof doc.updatedAt === 'number' ? doc.updatedAt : 0,
  };
}

export async function loadDeal(productId: string): Promise<GroupDeal | null> {
  return asDeal(await getDoc(COLLECTIONS.groupDeals, productId));
}

/** merchant.saveGroupDeal: the product's deal, checked against the product as it is now. */
export async function saveGroupDeal(req: ActionRequest<'merchant', 'saveGroupDeal'>): Promise<ActionResponse<'merchant', 'saveGroupDeal'>> {
  const doc = await getDoc(COLLECTIONS.products, req.productId);
  const product = doc ? normalizeProduct(doc) : undefined;
  if (!product) throw notFound('商品不存在');
  if (!product.ok) throw invalid('商品资料有误，请先修正商品', product.problems);
  const problems = dealProblems(req, product.product);
  const reasons = problems.join('；');
  if (problems.length > 0) throw invalid(`拼团设置有误：${reasons}`, { reasons: problems });
  const deal: GroupDeal = {
    productId: req.productId,
    size: req.size,
    windowHours: req.windowHours ?? GROUP_RULES.defaultWindowHours,
    prices: req.prices,
    enabled: req.enabled,
    updatedAt: now(),
  };
  const { productId, ...data } = deal;
  // `set` replaces the prices map as a whole (SKUs taken out of the deal are gone).
  await db().collection(COLLECTIONS.groupDeals).doc(productId).set({ data });
  return { deal };
}

/** merchant.groupDeals: every deal, with its groups' figures. */
export async function listGroupDeals(): Promise<ActionResponse<'merchant', 'groupDeals'>> {
  const { data } = await db().collection(COLLECTIONS.groupDeals).limit(100).get();
  return { deals: data.map((doc) => asDeal(doc)).filter((d): d is GroupDeal => d !== null) };
}

/* ------------------------------------------------------------------ what shoppers see */

/** orders.groupDeal: a product's deal at its group prices and its groups open to join. */
export async function groupDeal(req: Req<'groupDeal'>): Promise<Res<'groupDeal'>> {
  const at = now();
  const deal = await loadDeal(req.productId);
  const doc = deal?.enabled ? await getDoc(COLLECTIONS.products, req.productId) : null;
  const product = doc ? normalizeProduct(doc) : null;
  if (!deal || !product?.ok) return { deal: null, groups: [], serverTime: at };
  const skus = product.product.skus
    .filter((sku) => deal.prices[sku.skuId] !== undefined)
    .map((sku) => ({ skuId: sku.skuId, specText: specText(sku), price: deal.prices[sku.skuId], regularPrice: sku.price, stock: sku.stock }));
  const _ = db().command;
  const { data } = await db()
    .collection(COLLECTIONS.groups)
    .where({ productId: req.productId, status: 'forming', expireAt: _.gt(at) })
    .orderBy('expireAt', 'asc')
    .limit(20)
    .get();
  const open = data.map(asGroup).filter((g): g is StoredGroup => g !== null && canJoin(g, at)).slice(0, 5);
  const groups = await Promise.all(open.map((g) => viewOf(g, null, at)));
  return { deal: { productId: deal.productId, title: product.product.title, image: product.product.images[0] ?? '', size: deal.size, windowHours: deal.windowHours, lowestPrice: lowestGroupPrice(deal) ?? 0, skus }, groups, serverTime: at };
}

async function membersOf(group: StoredGroup): Promise<GroupMember[]> {
  const seats = Object.values(group.seats).sort((a, b) => Number(b.leader) - Number(a.leader) || a.at - b.at);
  const profiles = await Promise.all(seats.map((seat) => getDoc(COLLECTIONS.groupProfiles, seat.profileId)));
  const avatars = profiles.map((profile) => (typeof profile?.avatar === 'string' ? String(profile.avatar) : ''));
  // Other members see an avatar once WeChat's image check passed it (server/image-check.ts).
  const checked = await imageStates(avatars.filter(Boolean));
  const shown = new Set(checked.filter(mayShowImage).map((image) => image.fileID));
  return seats.map((seat, i) => ({
    nickname: typeof profiles[i]?.nickname === 'string' && profiles[i]?.nickname ? String(profiles[i]?.nickname) : seat.leader ? '团长' : '团员',
    avatar: shown.has(avatars[i]) ? avatars[i] : '',
    leader: seat.leader,
    paid: seat.paid,
  }));
}

async function viewOf(group: StoredGroup, openid: string | null, at: number): Promise<Res<'group'>['group']> {
  const mine = openid ? group.seats[seatKey(group._id, openid)] : undefined;
  return {
    groupId: group._id,
    productId: group.productId,
    title: group.title,
    image: group.image,
    size: group.size,
    taken: group.taken,
    paid: group.paid,
    phase: groupPhase(group, at),
    message: groupMessage(group, at),
    expireAt: group.expireAt,
    members: await membersOf(group),
    joined: mine !== undefined,
    ...(mine ? { myOrderId: mine.orderId } : {}),
    myPaid: mine?.paid === true,
    windowHours: Math.round(group.windowMs / 3_600_000),
  };
}

/** orders.group: one group as the caller sees it (their own place marked), on the cloud's clock. */
export async function group(openid: string, req: Req<'group'>): Promise<Res<'group'>> {
  const found = asGroup(await getDoc(COLLECTIONS.groups, req.groupId));
  if (!found) throw notFound('拼团不存在或已失效');
  const at = now();
  const [view, deal] = await Promise.all([viewOf(found, openid, at), loadDeal(found.productId)]);
  const doc = deal?.enabled ? await getDoc(COLLECTIONS.products, found.productId) : null;
  const product = doc ? normalizeProduct(doc) : null;
  const skus = deal && product?.ok
    ? product.product.skus.filter((sku) => deal.prices[sku.skuId] !== undefined).map((sku) => ({ skuId: sku.skuId, specText: specText(sku), price: deal.prices[sku.skuId], regularPrice: sku.price, stock: sku.stock }))
    : [];
  return { group: view, skus, serverTime: at };
}

/* ------------------------------------------------------------------ profile */

/**
 * Whether an avatar may be stored: a cloud storage file of this environment (what the page uploads
 * from the avatar chooser). The image check of content security belongs here.
 */
export async function acceptAvatar(openid: string, avatar: string): Promise<string> {
  if (avatar === '') return '';
  if (!/^cloud:\/\/[A-Za-z0-9._-]+\/[A-Za-z0-9._/-]{1,200}$/.test(avatar)) throw invalid('头像无效，请重新选择', undefined, { issues: [{ path: 'avatar', problem: 'must be a cloud:// file of this environment' }] });
  // WeChat's image check answers later (server/image-check.ts); members see the avatar once it passed.
  await checkImage(openid, avatar, SEC_SCENE.profile);
  return avatar;
}

/** orders.saveGroupProfile: the nickname (content-checked) and avatar other members see. */
export async function saveGroupProfile(openid: string, req: Req<'saveGroupProfile'>): Promise<Res<'saveGroupProfile'>> {
  const nickname = cleanNickname(req.nickname);
  if (!nickname) throw invalid('请填写昵称', undefined, { issues: [{ path: 'nickname', problem: 'is empty' }] });
  await checkText(openid, nickname, SEC_SCENE.profile, { path: 'nickname', label: '昵称' });
  const avatar = await acceptAvatar(openid, req.avatar);
  const profile = { nickname, avatar };
  await db().collection(COLLECTIONS.groupProfiles).doc(profileIdFor(openid)).set({ data: { ...profile, _openid: openid, updatedAt: now() } });
  return { profile };
}

export async function myGroupProfile(openid: string): Promise<Res<'myGroupProfile'>> {
  const doc = await getDoc(COLLECTIONS.groupProfiles, profileIdFor(openid));
  return { profile: doc ? { nickname: String(doc.nickname ?? ''), avatar: String(doc.avatar ?? '') } : null };
}

/* ------------------------------------------------------------------ open and join */

type CheckoutReq = Req<'openGroup'> | Req<'joinGroup'>;

function checkoutFingerprint(kind: 'open' | 'join', target: string, req: CheckoutReq): string {
  return fingerprint({ group: kind, target, skuId: req.skuId, address: req.address, expectedPrice: req.expectedPrice ?? null });
}

interface Replayed {
  order: OrderView;
  groupId: string;
}

async function replay(record: AnyDoc, print: string): Promise<Replayed> {
  if (record.fingerprint !== print) throw new AppError('CONFLICT', '该请求编号已用于另一笔不同的订单', { requestId: record.requestId });
  const order = asOrder(await getDoc(COLLECTIONS.orders, String(record.orderId)));
  const stored = (record.response as { order: OrderView }).order;
  const view = order ? toView(order as unknown as AnyDoc) : stored;
  return { order: view, groupId: (view.group as OrderGroup).groupId };
}

/** Maps a refused group pricing to the contract's errors. Throws. */
function refusePricing(result: Exclude<PricingResult, { ok: true }>): never {
  if (result.reason === 'PRICE_CHANGED') throw new AppError('PRICE_CHANGED', '拼团价有变动，请确认后重新提交', result.changes);
  if (result.reason === 'LINE_PROBLEMS') {
    if (result.outOfStock) throw new AppError('OUT_OF_STOCK', '库存不足', result.failures);
    throw invalid('该商品暂不能购买', result.failures);
  }
  throw invalid('订单中没有商品');
}

function priceGroupLine(normalized: NormalizeResult | undefined, deal: GroupDeal, req: CheckoutReq, shipping: ShippingContext): Extract<PricingResult, { ok: true }> {
  const atGroupPrice = normalized?.ok ? { ...normalized, product: withGroupPrices(normalized.product, deal) } : normalized;
  const priced = priceOrder([{ productId: deal.productId, skuId: req.skuId, qty: 1, ...(req.expectedPrice !== undefined ? { expectedPrice: req.expectedPrice } : {}) }], () => atGroupPrice, shipping);
  if (!priced.ok) refusePricing(priced);
  return priced;
}

function activeDealFor(deal: GroupDeal | null, skuId: string): GroupDeal {
  if (!deal || !deal.enabled) throw invalidState('该商品暂无拼团活动');
  if (deal.prices[skuId] === undefined) throw invalid('该规格不参加拼团', undefined, { issues: [{ path: 'skuId', problem: 'has no group price' }] });
  return deal;
}

interface CheckoutPlan {
  openid: string;
  orderId: string;
  print: string;
  req: CheckoutReq;
  deal: GroupDeal;
  group: OrderGroup;
  /** The order's payment window ends here at the latest (the group's end). */
  expireBy: number | null;
  /** Written in the order's transaction (opening: the new group with its leader's seat). */
  beforeOrder?: (tx: TxCollections, at: number, product: AnyDoc) => Promise<void>;
}

/** The order of a group checkout, with its idempotency record, in one transaction with its stock. */
async function createGroupOrder(plan: CheckoutPlan): Promise<Replayed> {
  const { openid, orderId, req, deal } = plan;
  // The settings and the shopper's latest scan in two requests at once, as orders.create reads them.
  const [settings, scan] = await Promise.all([checkoutConfig(), latestScan(openid)]);
  const shipping: ShippingContext = { template: templateFrom(settings.shipping), province: req.address.province };
  const windowMs = paymentWindowFrom(settings.orders);
  const attribution = creditedScan(openid, scan, now(), attributionWindowFrom(settings.orders));
  return withTransaction(
    async (tx) => {
      const raw = await txGet(tx, COLLECTIONS.products, deal.productId);
      const priced = priceGroupLine(raw ? normalizeProduct(raw) : undefined, deal, req, shipping);
      await reserveTx(tx, { _id: orderId, lines: priced.lines }, new Map([[deal.productId, raw as AnyDoc]]));
      const existing = await txGet(tx, COLLECTIONS.idempotency, orderId);
      if (existing) throw new AlreadyCreated(existing);
      const at = now();
      if (plan.beforeOrder) await plan.beforeOrder(tx, at, raw as AnyDoc);
      const expireAt = Math.min(at + windowMs, plan.expireBy ?? at + windowMs);
      const response = await createCheckoutOrderTx(
        tx,
        { orderId, openid, requestId: req.requestId, priced, address: req.address, remark: '', attribution, expireAt, group: plan.group },
        at,
        plan.print,
      );
      return { order: response.order, groupId: plan.group.groupId };
    },
    { budgetMs: GROUP_CHECKOUT_BUDGET_MS },
  ).catch(async (error: unknown) => {
    if (error instanceof AlreadyCreated) return replay(error.record, plan.print);
    throw error;
  });
}

class AlreadyCreated extends Error {
  constructor(readonly record: AnyDoc) {
    super('order already created for this requestId');
  }
}

/** orders.openGroup: a new group with the caller as its leader, and the leader's order (unpaid). */
export async function openGroup(openid: string, req: Req<'openGroup'>): Promise<Res<'openGroup'>> {
  const orderId = orderIdFor(openid, req.requestId);
  const print = checkoutFingerprint('open', req.productId, req);
  const stored = await getDoc(COLLECTIONS.idempotency, orderId);
  if (stored) return replay(stored, print);
  const deal = activeDealFor(await loadDeal(req.productId), req.skuId);
  const groupId = groupIdFor(orderId);
  const windowMs = deal.windowHours * 3_600_000;
  const key = seatKey(groupId, openid);
  return createGroupOrder({
    openid,
    orderId,
    print,
    req,
    deal,
    group: { groupId, size: deal.size, leader: true },
    expireBy: null,
    beforeOrder: async (tx, at, product) => {
      const normalized = normalizeProduct(product);
      const seat: Seat = { orderId, skuId: req.skuId, profileId: profileIdFor(openid), leader: true, paid: false, at };
      const doc: Omit<StoredGroup, '_id'> = {
        productId: deal.productId,
        title: normalized.ok ? normalized.product.title : '',
        image: normalized.ok ? (normalized.product.images[0] ?? '') : '',
        size: deal.size,
        windowMs,
        status: 'forming',
        taken: 1,
        paid: 0,
        expireAt: at + windowMs,
        createdAt: at,
        settled: false,
        seats: { [key]: seat },
      };
      await tx.collection(COLLECTIONS.groups).doc(groupId).set({ data: doc as unknown as AnyDoc });
    },
  });
}

/**
 * orders.joinGroup: reserves one of the group's places for the caller (one conditional update: still
 * forming, in its window, a place left, the caller not in it yet), then creates the caller's order.
 * A place that was reserved but whose order could not be created is given back.
 */
export async function joinGroup(openid: string, req: Req<'joinGroup'>): Promise<Res<'joinGroup'>> {
  const orderId = orderIdFor(openid, req.requestId);
  const print = checkoutFingerprint('join', req.groupId, req);
  const stored = await getDoc(COLLECTIONS.idempotency, orderId);
  if (stored) return replay(stored, print);
  const found = asGroup(await getDoc(COLLECTIONS.groups, req.groupId));
  if (!found) throw notFound('拼团不存在或已失效');
  const deal = activeDealFor(await loadDeal(found.productId), req.skuId);
  const key = seatKey(found._id, openid);
  const held = found.seats[key];
  if (held && held.orderId !== orderId) throw invalidState('您已在该团中，请勿重复参团', { phase: groupPhase(found, now()), orderId: held.orderId });
  if (!held) await reservePlace(found, key, { orderId, skuId: req.skuId, profileId: profileIdFor(openid), leader: false, paid: false, at: now() });
  try {
    return await createGroupOrder({ openid, orderId, print, req, deal, group: { groupId: found._id, size: found.size, leader: false }, expireBy: found.expireAt });
  } catch (error) {
    // Created meanwhile by a retry of this very request: its order holds the place.
    const raced = await getDoc(COLLECTIONS.idempotency, orderId);
    if (raced) return replay(raced, print);
    await givePlaceBack(found._id, key, orderId);
    throw error;
  }
}

/** The conditional update that reserves a place; refuses (throws) when the group takes no one now. */
async function reservePlace(found: StoredGroup, key: string, seat: Seat): Promise<void> {
  const _ = db().command;
  const at = now();
  const result = await db()
    .collection(COLLECTIONS.groups)
    .where({ _id: found._id, status: 'forming', expireAt: _.gt(at), taken: _.lt(found.size), [`seats.${key}`]: _.exists(false) })
    .update({ data: { taken: _.inc(1), seats: { [key]: seat } } });
  if (result.stats.updated === 1) return;
  const latest = asGroup(await getDoc(COLLECTIONS.groups, found._id));
  if (latest?.seats[key]) throw invalidState('您已在该团中，请勿重复参团', { phase: groupPhase(latest, at), orderId: latest.seats[key].orderId });
  // A full group may hold a place whose order never came (its checkout died in between): free it for the next try.
  if (latest && groupPhase(latest, at) === 'full') await freeStalePlaces(latest, at);
  const phase = latest ? groupPhase(latest, at) : 'failed';
  throw invalidState(JOIN_REFUSALS[phase === 'forming' ? 'full' : phase], { phase });
}

async function givePlaceBack(groupId: string, key: string, orderId: string): Promise<void> {
  const _ = db().command;
  await db()
    .collection(COLLECTIONS.groups)
    .where({ _id: groupId, [`seats.${key}.orderId`]: orderId, [`seats.${key}.paid`]: false })
    .update({ data: { taken: _.inc(-1), seats: { [key]: _.remove() } } });
}

/** How long a reserved place may wait for its order before it counts as abandoned (well past a checkout's 30 s). */
const PLACE_WITHOUT_ORDER_MS = 2 * 60_000;

/** Gives back the places reserved more than two minutes ago whose order does not exist. */
async function freeStalePlaces(found: StoredGroup, at: number): Promise<void> {
  for (const [key, seat] of Object.entries(found.seats)) {
    if (seat.paid || at - seat.at < PLACE_WITHOUT_ORDER_MS) continue;
    if (!(await getDoc(COLLECTIONS.orders, seat.orderId))) await givePlaceBack(found._id, key, seat.orderId);
  }
}

/**
 * An unpaid group order was cancelled or expired (in the release's transaction): its place goes back
 * to the group, so someone else can take it.
 */
export async function releasePlaceTx(tx: TxCollections, order: Pick<StoredOrder, '_id' | '_openid' | 'group'>): Promise<void> {
  if (!order.group) return;
  const found = asGroup(await txGet(tx, COLLECTIONS.groups, order.group.groupId));
  const key = seatKey(order.group.groupId, order._openid);
  const seat = found?.seats[key];
  if (!found || !seat || seat.orderId !== order._id || seat.paid) return;
  const _ = db().command;
  await tx.collection(COLLECTIONS.groups).doc(found._id).update({ data: { taken: _.inc(-1), seats: { [key]: _.remove() } } });
}

/* ------------------------------------------------------------------ payments */

/**
 * The payment callback found a paid notification for an unpaid group order (inside its transaction,
 * which has read the order). Counts the payment: the order moves to `grouping`, or, as the group's last
 * payment, to `paid` with every other member (`groupFormed`). False when the group takes no payment any
 * more (it failed, or the order lost its place): the caller then closes the order and owes the refund.
 */
export async function countGroupPaymentTx(tx: TxCollections, order: StoredOrder, at: number, extra: TransitionExtra): Promise<boolean> {
  if (!order.group) return false;
  const found = asGroup(await txGet(tx, COLLECTIONS.groups, order.group.groupId));
  const key = seatKey(order.group.groupId, order._openid);
  const seat = found?.seats[key];
  if (!found || found.status !== 'forming' || !seat || seat.orderId !== order._id || seat.paid) return false;
  const paid = found.paid + 1;
  if (paid < found.size) {
    await applyTransitionTx(tx, order, 'payGroup', at, extra);
    await tx.collection(COLLECTIONS.groups).doc(found._id).update({ data: { paid, seats: { [key]: { paid: true } } } });
    return true;
  }
  await applyTransitionTx(tx, order, 'pay', at, extra);
  for (const [other, member] of Object.entries(found.seats)) {
    if (other === key || !member.paid) continue;
    const waiting = asOrder(await txGet(tx, COLLECTIONS.orders, member.orderId));
    if (waiting) await applyTransitionTx(tx, waiting, 'groupFormed', at);
  }
  const status: GroupStatus = 'formed';
  await tx.collection(COLLECTIONS.groups).doc(found._id).update({ data: { paid, status, formedAt: at, settled: true, seats: { [key]: { paid: true } } } });
  return true;
}

/** After a payment counted toward a group: once it formed, each paid member hears so (once per order, server/notify.ts). */
export async function announceIfFormed(groupId: string): Promise<void> {
  const found = asGroup(await getDoc(COLLECTIONS.groups, groupId));
  if (found?.status !== 'formed') return;
  for (const seat of Object.values(found.seats)) if (seat.paid) await notifyGroupResult({ orderId: seat.orderId, groupId, formed: true });
}

/* ------------------------------------------------------------------ the end of a window */

export interface GroupSweepSummary {
  scanned: number;
  failed: number;
  refunded: number;
  errors: number;
}

const BATCH = 50;

/**
 * The every-minute timer: a group whose window ended short fails, and each of its paid members is
 * refunded in full (once: the order's status and the payment record move by compare-and-set in one
 * transaction). A group is left for the next run until every member is settled.
 */
export async function settleDueGroups(): Promise<GroupSweepSummary> {
  const started = now();
  const summary: GroupSweepSummary = { scanned: 0, failed: 0, refunded: 0, errors: 0 };
  const seen = new Set<string>();
  const _ = db().command;
  while (now() - started < SWEEP_BUDGET_MS) {
    const { data } = await db().collection(COLLECTIONS.groups).where({ settled: false, expireAt: _.lte(now()) }).orderBy('expireAt', 'asc').limit(BATCH).get();
    const due = data.filter((doc) => typeof doc._id === 'string' && !seen.has(doc._id as string));
    if (due.length === 0) break;
    for (const doc of due) {
      const groupId = doc._id as string;
      seen.add(groupId);
      summary.scanned += 1;
      try {
        const outcome = await settleGroup(groupId);
        summary.failed += outcome.failedNow ? 1 : 0;
        summary.refunded += outcome.refunded;
      } catch (error) {
        summary.errors += 1;
        console.error(`[orders.settleGroups] group ${groupId} not settled this run`, error);
      }
    }
    if (data.length < BATCH) break;
  }
  if (summary.scanned > 0) console.log(`[orders.settleGroups] ${JSON.stringify(summary)}`);
  return summary;
}

async function settleGroup(groupId: string): Promise<{ failedNow: boolean; refunded: number }> {
  const at = now();
  const failedNow = await withTransaction(async (tx) => {
    const found = asGroup(await txGet(tx, COLLECTIONS.groups, groupId));
    if (!found || found.status !== 'forming' || found.expireAt > at) return false;
    const status: GroupStatus = 'failed';
    await tx.collection(COLLECTIONS.groups).doc(groupId).update({ data: { status, failedAt: at } });
    return true;
  });
  const found = asGroup(await getDoc(COLLECTIONS.groups, groupId));
  if (!found || found.status !== 'failed') return { failedNow, refunded: 0 };
  let refunded = 0;
  for (const seat of Object.values(found.seats)) {
    if (!seat.paid || !(await refundMember(seat.orderId))) continue;
    refunded += 1;
    await notifyGroupResult({ orderId: seat.orderId, groupId, formed: false });
  }
  await db().collection(COLLECTIONS.groups).where({ _id: groupId, settled: false }).update({ data: { settled: true } });
  return { failedNow, refunded };
}

/**
 * A paid member of a failed group: the order is refunded in full (`grouping → refunded`), its units go
 * back to stock, and its payment record owes the refund (the refunds timer pays it back under the
 * record's own refund number). False when the order was settled before.
 */
async function refundMember(orderId: string): Promise<boolean> {
  return withTransaction(async (tx) => {
    const order = asOrder(await txGet(tx, COLLECTIONS.orders, orderId));
    if (!order || order.status !== 'grouping') return false;
    const paymentId = typeof order.paymentId === 'string' ? order.paymentId : null;
    const payment = paymentId ? await txGet(tx, COLLECTIONS.payments, paymentId) : null;
    const at = now();
    if (!(await applyTransitionTx(tx, order, 'groupFail', at))) return false;
    await returnToStockTx(tx, order._id, order.lines as OrderLine[]);
    if (payment && paymentId && payment.status === 'paid') {
      const fee = Number(payment.totalFee);
      await tx.collection(COLLECTIONS.payments).doc(paymentId).update({ data: { status: 'refund_required', reason: 'GROUP_FAILED', orderStatus: 'grouping', ...owedRefundFields(paymentId, fee, 'GROUP_FAILED', at), updatedAt: at } });
    } else {
      console.error(`[orders.settleGroups] order ${orderId} has no paid payment record to refund`);
    }
    return true;
  });
}
