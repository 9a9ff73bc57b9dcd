/**
 * The one place that touches `wx-server-sdk` directly. Its published typings return
 * `Promise | void | string` from most calls, so this file narrows them to the small surface the
 * functions use; everything else in server/ codes against these interfaces.
 */
// A plain require: the SDK's exports are a live CommonJS object (services register onto it).
import cloud = require('wx-server-sdk');

export type AnyDoc = Record<string, unknown>;

export interface UpdateResult {
  stats: { updated: number };
}

export interface DocRef {
  get(): Promise<{ data: AnyDoc | null }>;
  set(options: { data: AnyDoc }): Promise<unknown>;
  update(options: { data: AnyDoc }): Promise<UpdateResult>;
  remove(): Promise<unknown>;
}

export interface Query {
  where(condition: AnyDoc): Query;
  orderBy(field: string, direction: 'asc' | 'desc'): Query;
  skip(offset: number): Query;
  limit(max: number): Query;
  field(projection: Record<string, boolean>): Query;
  get(): Promise<{ data: AnyDoc[] }>;
  update(options: { data: AnyDoc }): Promise<UpdateResult>;
  count(): Promise<{ total: number }>;
}

export interface Collection extends Query {
  doc(id: string): DocRef;
  add(options: { data: AnyDoc }): Promise<{ _id: string }>;
}

/** The aggregation stages the checkout's read uses (one request: `end()`). */
export interface LookupAggregation {
  match(query: AnyDoc): LookupAggregation;
  limit(n: number): LookupAggregation;
  /** Joins documents of `from` whose `foreignField` equals this document's `localField`, as the array `as`. */
  lookup(spec: { from: string; localField: string; foreignField: string; as: string }): LookupAggregation;
  /** Joins what `pipeline` (a constant sub-pipeline on `from`) finds to every document, as the array `as`. */
  lookup(spec: { from: string; pipeline: unknown[]; as: string }): LookupAggregation;
  end(): Promise<{ list: AnyDoc[] }>;
}

/** A collection's aggregation pipeline (not in wx-server-sdk's typings of `collection`). */
export function aggregation(name: string): LookupAggregation {
  return (db().collection(name) as unknown as { aggregate(): LookupAggregation }).aggregate();
}

/** What a transaction offers: single-document operations only (platform-limits §8). */
export interface TxCollections {
  collection(name: string): { doc(id: string): DocRef };
}

export interface Command {
  inc(n: number): unknown;
  in(values: unknown[]): unknown;
  lt(value: unknown): unknown;
  lte(value: unknown): unknown;
  gte(value: unknown): unknown;
  remove(): unknown;
  /** An array field holding every one of `values` (MongoDB $all). */
  all(values: unknown[]): unknown;
  gt(value: unknown): unknown;
  eq(value: unknown): unknown;
  or(conditions: unknown[]): unknown;
  and(conditions: unknown[]): unknown;
  /** The field is present (true) or absent (false). */
  exists(present: boolean): unknown;
  /** Replaces a field's whole value (an object is not merged field by field). */
  set(value: unknown): unknown;
  neq(value: unknown): unknown;
  /** Appends the elements of `values` to an array field. */
  push(values: unknown[]): unknown;
  /** Removes the elements of an array field that match `condition`. */
  pull(condition: unknown): unknown;
  aggregate: { pipeline(): SubPipeline };
}

/** A sub-pipeline for `lookup` (`done()` gives its stages). */
export interface SubPipeline {
  match(query: AnyDoc): SubPipeline;
  sort(spec: Record<string, 1 | -1>): SubPipeline;
  limit(n: number): SubPipeline;
  done(): unknown[];
}

export interface Db {
  collection(name: string): Collection;
  command: Command;
  RegExp(options: { regexp: string; options?: string }): unknown;
  /** One request (database.startTransaction); the transaction's calls, commit and rollback are one request each. */
  startTransaction(): Promise<Transaction>;
}

export interface Transaction extends TxCollections {
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}

export interface WxContext {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  ENV?: string;
  SOURCE?: string;
  CLIENTIP?: string;
}

/** `cloud.cloudPay` is not in wx-server-sdk's typings; this is the part we call. */
export interface CloudPay {
  unifiedOrder(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  refund(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  queryOrder(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  closeOrder(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  queryRefund(params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface WxacodeResult {
  buffer?: Buffer;
  contentType?: string;
  errCode?: number;
  errMsg?: string;
}

let initialised = false;
let database: Db | null = null;

function ensureInit(): void {
  if (initialised) return;
  // DYNAMIC_CURRENT_ENV: the environment the function is deployed in (or the emulator's, locally).
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  initialised = true;
}

export function db(): Db {
  ensureInit();
  if (!database) {
    // A missing document is a normal answer for us (idempotency keys, lookups), not an exception.
    database = cloud.database({ throwOnNotFound: false } as never) as unknown as Db;
  }
  return database;
}

export function wxContext(): WxContext {
  ensureInit();
  return cloud.getWXContext() as WxContext;
}

export function cloudPay(): CloudPay {
  ensureInit();
  return (cloud as unknown as { cloudPay: CloudPay }).cloudPay;
}

export async function getUnlimitedQrCode(params: { scene: string; page: string; checkPath: boolean; width?: number }): Promise<WxacodeResult> {
  ensureInit();
  return (await cloud.openapi.wxacode.getUnlimited(params)) as WxacodeResult;
}

/** What `security.msgSecCheck` (version 2) answers through the SDK (docs/reference/wx-content-security.md). */
export interface MsgSecCheckResult {
  errCode?: number;
  errMsg?: string;
  result?: { suggest?: string; label?: number };
  detail?: unknown[];
}

export async function msgSecCheck(params: { openid: string; scene: number; content: string; version: 2 }): Promise<MsgSecCheckResult> {
  ensureInit();
  return (await cloud.openapi.security.msgSecCheck(params as never)) as MsgSecCheckResult;
}

/** WeChat's order-shipping service by cloud call (docs/reference/wx-shipping-info.md); errors throw with `errCode`. */
interface ShippingApi {
  uploadShippingInfo(params: Record<string, unknown>): Promise<{ errCode?: number; errMsg?: string }>;
  getOrder(params: Record<string, unknown>): Promise<{ errCode?: number; errMsg?: string; order?: { orderState?: number; shipping?: { shippingList?: { trackingNo?: string }[] } } }>;
}

function shippingApi(): ShippingApi {
  ensureInit();
  return (cloud.openapi as unknown as { wxa: { sec: { order: ShippingApi } } }).wxa.sec.order;
}

export async function uploadShippingInfo(params: Record<string, unknown>): Promise<{ errCode?: number; errMsg?: string }> {
  return shippingApi().uploadShippingInfo(params);
}

export async function getShippingOrder(params: { transaction_id: string } | { merchant_id: string; merchant_trade_no: string }): ReturnType<ShippingApi['getOrder']> {
  return shippingApi().getOrder(params);
}

export async function uploadFile(cloudPath: string, fileContent: Buffer): Promise<string> {
  ensureInit();
  const result = await cloud.uploadFile({ cloudPath, fileContent });
  return result.fileID;
}

/** The current environment id, for cloudPay's callback routing. */
export function currentEnv(): string {
  return wxContext().ENV ?? process.env.TCB_ENV ?? process.env.SCF_NAMESPACE ?? '';
}

/** `security.mediaCheckAsync` (version 2) through the SDK: the trace id of the check (docs/reference/wx-media-check.md). */
export async function mediaCheckAsync(params: { mediaUrl: string; mediaType: 1 | 2; version: 2; openid: string; scene: number }): Promise<{ traceId?: string; errCode?: number; errMsg?: string }> {
  ensureInit();
  return (await cloud.openapi.security.mediaCheckAsync(params as never)) as { traceId?: string; errCode?: number; errMsg?: string };
}

/** A temporary download link of a cloud file, valid `maxAgeS` seconds; null when the file does not exist. */
export async function tempFileUrl(fileID: string, maxAgeS: number): Promise<string | null> {
  ensureInit();
  const result = (await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: maxAgeS }] } as never)) as { fileList?: { tempFileURL?: string; status?: number }[] };
  const url = result.fileList?.[0]?.tempFileURL;
  return typeof url === 'string' && url ? url : null;
}

/** `subscribeMessage.send` by cloud call (docs/reference/wx-subscribe-message.md); a refusal throws with `errCode`. */
export async function sendSubscribeMessage(params: { touser: string; templateId: string; page: string; data: Record<string, { value: string }>; miniprogramState: string; lang: 'zh_CN' }): Promise<{ errCode?: number; msgid?: number | string }> {
  ensureInit();
  return (await cloud.openapi.subscribeMessage.send(params as never)) as { errCode?: number; msgid?: number | string };
}
