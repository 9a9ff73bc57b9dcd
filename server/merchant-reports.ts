/**
 * The merchant's reports (the `merchant` function, merchant callers only): what each QR code brought in,
 * and scans and orders grouped by where they came from. Orders are summed by the database (one
 * aggregation per report, grouped by the attribution the server decided at checkout), so a report costs
 * the same few requests however many orders there are, locally and in a real environment.
 */
import type { ActionRequest, ActionResponse, AttributionDimension, AttributionRow, OrderFigures, ReportTotals, ScanReportRow } from '../typings/api';
import type { OrderStatus, SceneTarget } from '../typings/domain';
import { db, type AnyDoc } from './cloud';
import { COLLECTIONS, PAGE } from './db';

type Req<A extends 'scanReport' | 'attributionReport'> = ActionRequest<'merchant', A>;
type Res<A extends 'scanReport' | 'attributionReport'> = ActionResponse<'merchant', A>;

/** Orders whose money was received and kept (a cancelled or refunded order is not revenue). */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'completed'];

/** Groups a report returns at most (codes, campaigns, referral codes…); more is not a report one reads. */
const MAX_GROUPS = 5000;

/** The field of an order's `attribution` (and of a `scans` record) each dimension groups by. */
const FIELD: Record<AttributionDimension, 'campaign' | 'channel' | 'store' | 'referralCode' | 'sceneCode'> = {
  campaign: 'campaign',
  channel: 'channel',
  store: 'store',
  referral: 'referralCode',
  scene: 'sceneCode',
};

const zero = (): ReportTotals => ({ scans: 0, orders: 0, paidOrders: 0, revenue: 0 });

function add(into: ReportTotals, more: Partial<ReportTotals>): ReportTotals {
  into.scans += more.scans ?? 0;
  into.orders += more.orders ?? 0;
  into.paidOrders += more.paidOrders ?? 0;
  into.revenue += more.revenue ?? 0;
  return into;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const count = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : 0);

interface AggregateCommand {
  sum(value: unknown): unknown;
  cond(spec: { if: unknown; then: unknown; else: unknown }): unknown;
  in(args: unknown[]): unknown;
}

interface Aggregation {
  match(query: AnyDoc): Aggregation;
  group(spec: AnyDoc): Aggregation;
  limit(n: number): Aggregation;
  end(): Promise<{ list: AnyDoc[] }>;
}

function aggregate(collection: string): Aggregation {
  return (db().collection(collection) as unknown as { aggregate(): Aggregation }).aggregate();
}

function aggregateCommand(): AggregateCommand {
  return (db().command as unknown as { aggregate: AggregateCommand }).aggregate;
}

/** Orders matching `match`, summed per value of `groupBy` (an attribution path); null = orders without it. */
async function orderFigures(match: AnyDoc, groupBy: string): Promise<Map<string | null, OrderFigures>> {
  const $ = aggregateCommand();
  const paid = $.in(['$status', [...PAID_STATUSES]]);
  const { list } = await aggregate(COLLECTIONS.orders)
    .match(match)
    .group({ _id: `$${groupBy}`, orders: $.sum(1), paidOrders: $.sum($.cond({ if: paid, then: 1, else: 0 })), revenue: $.sum($.cond({ if: paid, then: '$total', else: 0 })) })
    .limit(MAX_GROUPS)
    .end();
  return new Map(list.map((g) => [text(g._id), { orders: count(g.orders), paidOrders: count(g.paidOrders), revenue: count(g.revenue) }]));
}

/** Scan records matching `match`, counted per value of `groupBy`; null = scans without it. */
async function scanCounts(match: AnyDoc, groupBy: string): Promise<Map<string | null, number>> {
  const $ = aggregateCommand();
  const { list } = await aggregate(COLLECTIONS.scans).match(match).group({ _id: `$${groupBy}`, scans: $.sum(1) }).limit(MAX_GROUPS).end();
  return new Map(list.map((g) => [text(g._id), count(g.scans)]));
}

async function readAll(collection: string, order: [string, 'asc' | 'desc']): Promise<AnyDoc[]> {
  const out: AnyDoc[] = [];
  for (let skip = 0; skip < 50 * PAGE; skip += PAGE) {
    const { data } = await db().collection(collection).where({}).orderBy(order[0], order[1]).orderBy('_id', 'asc').skip(skip).limit(PAGE).get();
    out.push(...data);
    if (data.length < PAGE) break;
  }
  return out;
}

async function titles(productIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const _ = db().command;
  for (let i = 0; i < productIds.length; i += 100) {
    const { data } = await db().collection(COLLECTIONS.products).where({ _id: _.in(productIds.slice(i, i + 100)) }).field({ _id: true, title: true }).limit(100).get();
    for (const doc of data) out.set(String(doc._id), typeof doc.title === 'string' ? doc.title : '');
  }
  return out;
}

/** Every code the scenes function made (newest first), with its scans and the orders attributed to it. */
export async function scanReport(_req: Req<'scanReport'>): Promise<Res<'scanReport'>> {
  const _ = db().command;
  const [scenes, figures] = await Promise.all([
    readAll(COLLECTIONS.scenes, ['createdAt', 'desc']),
    orderFigures({ 'attribution.sceneCode': _.exists(true) } as AnyDoc, 'attribution.sceneCode'),
  ]);
  const rows = scenes.filter((doc) => typeof doc.scene === 'string' && doc.target !== null && typeof doc.target === 'object');
  const productOf = (doc: AnyDoc): string | null => {
    const query = (doc.target as { query?: unknown }).query;
    const id = query !== null && typeof query === 'object' ? (query as AnyDoc).id : undefined;
    return !text(doc.campaign) && typeof id === 'string' && id ? id : null;
  };
  const names = await titles([...new Set(rows.map(productOf).filter((id): id is string => id !== null))]);
  const totals = zero();
  const codes = rows.map((doc): ScanReportRow => {
    const target = doc.target as { page?: unknown; query?: unknown };
    const query = target.query !== null && typeof target.query === 'object' ? Object.fromEntries(Object.entries(target.query as AnyDoc).map(([k, v]) => [k, String(v)])) : {};
    const productId = productOf(doc);
    const scene = String(doc.scene);
    const row: ScanReportRow = {
      scene,
      fileID: text(doc.fileID) ?? '',
      kind: productId ? 'product' : 'campaign',
      target: { page: String(target.page ?? ''), query } as SceneTarget,
      productId,
      productTitle: productId ? (names.get(productId) ?? null) : null,
      campaign: text(doc.campaign),
      channel: text(doc.channel),
      store: text(doc.store),
      createdAt: typeof doc.createdAt === 'number' ? doc.createdAt : null,
      lastScanAt: typeof doc.lastScanAt === 'number' ? doc.lastScanAt : null,
      scans: count(doc.scans),
      ...(figures.get(scene) ?? { orders: 0, paidOrders: 0, revenue: 0 }),
    };
    add(totals, row);
    return row;
  });
  return { codes, totals };
}

/**
 * Scans and orders per value of one attribution field. Orders are counted by their server-decided
 * attribution and creation time; scans by the `scans` records (QR scans, or share-card landings for
 * `referral`) and their time. Filters apply to both.
 */
export async function attributionReport(req: Req<'attributionReport'>): Promise<Res<'attributionReport'>> {
  const _ = db().command;
  const { from, to } = req;
  const period = from !== undefined && to !== undefined ? (_.gte(from) as { and(other: unknown): unknown }).and(_.lt(to)) : from !== undefined ? _.gte(from) : to !== undefined ? _.lt(to) : undefined;
  const orderMatch: AnyDoc = period ? { createdAt: period } : {};
  const scanMatch: AnyDoc = { kind: req.by === 'referral' ? 'share' : 'qr', ...(period ? { at: period } : {}) };
  for (const dimension of Object.keys(FIELD) as AttributionDimension[]) {
    const value = req[dimension];
    if (!value) continue;
    const field = FIELD[dimension];
    const wanted = dimension === 'referral' && value === 'any' ? _.exists(true) : value;
    orderMatch[`attribution.${field}`] = wanted;
    scanMatch[field] = wanted;
  }
  const field = FIELD[req.by];
  const [figures, scans] = await Promise.all([orderFigures(orderMatch, `attribution.${field}`), scanCounts(scanMatch, field)]);
  const keys = new Set([...figures.keys(), ...scans.keys()].filter((key): key is string => key !== null));
  const rows = [...keys].map((key): AttributionRow => ({ key, scans: scans.get(key) ?? 0, ...(figures.get(key) ?? { orders: 0, paidOrders: 0, revenue: 0 }) }));
  rows.sort((a, b) => b.revenue - a.revenue || b.paidOrders - a.paidOrders || b.scans - a.scans || a.key.localeCompare(b.key));
  const none = add({ ...zero(), scans: scans.get(null) ?? 0 }, figures.get(null) ?? {});
  const totals = rows.reduce((sum, row) => add(sum, row), add(zero(), none));
  return { by: req.by, rows, none, totals };
}
