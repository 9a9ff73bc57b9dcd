/**
 * The console's HTTP API, typed once: console/api.ts answers with these shapes and console/ui/client.ts
 * reads them. Types only, so both the Node side and the browser bundle can import this file.
 * Documents travel as relaxed EJSON (dates as {"$date": "..."}).
 */
import type { Attribution, Campaign, Fen, OrderLine, OrderStatus, Product, ShippingUpload } from '../typings/domain';
import type { ActionResponse, AttributionReport, CampaignReport, ReportTotals, ScanReportRow } from '../typings/api';

export type WireDoc = Record<string, unknown>;

export interface Problem {
  field: string;
  problem: string;
}

/** Every non-2xx answer. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: { problems?: Problem[] } };
}

export interface InfoResponse {
  envId: string;
  cloudUrl: string;
}

/* database panel */
export interface CollectionsResponse {
  collections: string[];
}
export interface DocsResponse {
  docs: WireDoc[];
  total: number;
  skip: number;
  limit: number;
}
export interface DocRequest {
  doc: WireDoc;
}

/* products */
export interface ProductSkuRow {
  skuId: string;
  specValues: string[];
  stock: number;
  price: Fen;
  /** Held by unpaid orders, and paid (the stock ledger's figures). */
  reserved: number;
  sold: number;
}
export interface ProductRow {
  _id: string;
  title: string;
  status: unknown;
  categoryId: unknown;
  ok: boolean;
  problems: Problem[];
  warnings: Problem[];
  price: Fen | null;
  stock: number | null;
  skus: ProductSkuRow[];
  /** The ledger's revision counter (bumped by every stock move and save). */
  revision: number;
}
export interface ProductsResponse {
  products: ProductRow[];
}
export interface ProductResponse {
  doc: WireDoc;
  problems: Problem[];
}
export interface SaveProductRequest {
  product: WireDoc;
}
export interface SaveProductResponse {
  product: Product;
  warnings: Problem[];
  revision: number;
}
export interface StockRequest {
  skuId: string;
  delta: number;
  /** Why (kept in the stock ledger); default 控制台调整. */
  reason?: string;
}
/** The SKU's ledger figures after the adjustment. */
export interface StockResponse {
  skuId: string;
  stock: number;
  reserved: number;
  sold: number;
  revision: number;
}
export interface CategoriesResponse {
  categories: WireDoc[];
}
export interface UploadRequest {
  name: string;
  base64: string;
  productId?: string;
  /** A product image: also write its card thumbnail next to it (admin/thumbnails.ts). */
  thumbnail?: boolean;
}
export interface UploadResponse {
  fileID: string;
  /** The card thumbnail's file id; absent when the image needs none (already card-sized) or none could be made. */
  thumb?: string;
}

/* orders */
export type MerchantEvent = 'ship' | 'confirmReceipt';

/** Query of GET /orders; dates are ISO dates or date-times (`to` includes its whole day). */
export interface OrdersQuery {
  status?: OrderStatus | '';
  id?: string;
  from?: string;
  to?: string;
  /** Orders attributed to this QR scene code. */
  scene?: string;
  campaign?: string;
  channel?: string;
  store?: string;
  /** A referral code, or `any` for every order that came through a share card. */
  referral?: string;
  skip?: number;
  limit?: number;
}

/** An order as the console lists it: no owner id; `events` are what the merchant may do next. */
export interface OrderRow {
  _id: string;
  status: OrderStatus | string;
  lines?: OrderLine[];
  total?: Fen;
  itemsTotal?: Fen;
  shippingFee?: Fen;
  address?: { name?: string; phone?: string; province?: string; city?: string; district?: string; detail?: string };
  attribution?: Attribution;
  trackingNo?: string;
  carrier?: string;
  /** Where the report to WeChat's order-shipping service stands (shipped orders). */
  shippingUpload?: ShippingUpload;
  createdAt?: unknown;
  paidAt?: unknown;
  events: MerchantEvent[];
  [field: string]: unknown;
}
export interface OrdersResponse {
  orders: OrderRow[];
  total: number;
}
export interface OrderEventRequest {
  event: MerchantEvent;
  /** With `ship`: a code from WeChat's delivery company list (miniprogram/domain/carriers.ts). */
  carrier?: string;
  trackingNo?: string;
}
export interface OrderEventResponse {
  order: WireDoc;
}

/* QR codes */
export type QrCreateRequest = { productId: string } | { campaign: string; channel: string; store?: string };
export interface QrCreateResponse {
  scene: string;
  fileID: string;
  created: boolean;
  title: string;
  fileName: string;
}

/** One code with what it brought in (the merchant function's scan report), named for the console. */
export interface QrCodeRow extends ScanReportRow {
  /** The product's title, or "campaign · channel · store". */
  title: string;
  fileName: string;
}
export interface QrCodesResponse {
  codes: QrCodeRow[];
  totals: ReportTotals;
}

/* reports: GET /reports?by=campaign|channel|store|referral|scene&from=<ms>&to=<ms>&campaign=&channel=&store=&referral=&scene= */
export type AttributionReportResponse = AttributionReport;

/* stock ledger: GET /ledger; POST /products/:id/rename {to} */
export type LedgerResponse = ActionResponse<'merchant', 'ledgerCheck'>;
export type RenameResponse = ActionResponse<'merchant', 'renameProduct'>;

/* function logs */
export interface LogRow {
  functionName?: string;
  openid?: string;
  trigger?: string;
  startedAt?: number;
  durationMs?: number;
  ok?: boolean;
  result?: unknown;
  error?: unknown;
  logs?: unknown;
}
export interface LogsResponse {
  logs: LogRow[];
}

/* campaigns */
/** GET /campaigns: the merchant's campaigns (merchant.listCampaigns) and their figures (merchant.campaignReport). */
export interface CampaignsResponse {
  campaigns: Campaign[];
  report: CampaignReport;
}
