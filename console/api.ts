/**
 * The console's JSON API. Every cloud call goes through @cloudbase/node-sdk; logs and the collection
 * list come from the emulator's local endpoints. Documents travel as relaxed EJSON (dates as
 * {"$date": "..."}), so a raw edit round-trips exactly.
 */
import type { IncomingMessage } from 'node:http';
import { EJSON } from 'bson';
import type { OrderStatus, NoticeView } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { isOrderStatus, nextStatus, ORDER_TRANSITIONS, type OrderEvent } from '../miniprogram/domain/order-state';
import { invokeFunction, throwIfCode, type Cloud } from '../admin/cloud';
import { callAction } from '../server/call-action';
import { CARRIERS, TRACKING_NO } from '../miniprogram/domain/carriers';
import type { ActionName, ActionRequest, ActionResponse, ApiError, AttributionDimension, AttributionReportRequest, CampaignInput, FunctionName } from '../typings/api';
import { existsSync } from 'node:fs';
import { loadDatabaseConfig, DEFAULT_DATABASE_CONFIG } from '../admin/db-init';
import { codeTitle } from './ui/report-tables';
import { thumbnailFor } from '../admin/thumbnails';
import { campaignTarget, createSceneQr, downloadPng, printableSheet, productTarget, QrError, safeName } from '../admin/qr';
import type { AttributionReportResponse, CampaignsResponse, CollectionsResponse, DocsResponse, LogsResponse, OrderEventResponse, OrderRow, OrdersResponse, ProductResponse, ProductRow, ProductsResponse, QrCodeRow, QrCodesResponse, QrCreateResponse, SaveProductResponse, StockResponse, UploadResponse } from './routes';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export type ApiOut =
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'raw'; body: string | Buffer; contentType: string; headers?: Record<string, string> };

/** The events a merchant may apply from the console. Cancel/expire release stock: the orders function owns them. */
export const MERCHANT_EVENTS: readonly OrderEvent[] = ['ship', 'confirmReceipt'];

/** What the attribution report can group by (and filter on). */
const ATTRIBUTION_DIMENSIONS: readonly AttributionDimension[] = ['campaign', 'channel', 'store', 'referral', 'scene'];

const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const MAX_BODY = 12 * 1024 * 1024;

type Doc = Record<string, unknown>;

/** HTTP statuses for the functions' error codes, when the console relays a refusal. */

export class ConsoleApi {
  constructor(
    private readonly cloud: () => Cloud,
    private readonly cloudUrl: string,
    private readonly envId: string,
  ) {}

  async handle(req: IncomingMessage, path: string, query: URLSearchParams): Promise<ApiOut> {
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route = `${method} /${parts.map((p, i) => (i % 2 === 1 && parts[0] !== 'qrcodes' && parts[0] !== 'files' ? ':' : p)).join('/')}`;
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req);

    switch (route) {
      case 'GET /info':
        return json({ envId: this.envId, cloudUrl: this.cloudUrl });
      case 'GET /collections':
        return json({ collections: await this.collections() } satisfies CollectionsResponse);
      case 'POST /collections':
        return json(await this.addCollection(body), 201);
      case 'GET /collections/:/docs':
        return json(await this.listDocs(parts[1], query));
      case 'POST /collections/:/docs':
        return json(await this.addDoc(parts[1], body), 201);
      case 'PUT /collections/:/docs/:':
        return json(await this.replaceDoc(parts[1], parts[3], body));
      case 'DELETE /collections/:/docs/:':
        return json(await this.removeDoc(parts[1], parts[3]));
      case 'GET /products':
        return json(await this.products());
      case 'GET /products/:':
        return json(await this.product(parts[1]));
      case 'POST /products':
        return json(await this.saveProduct(null, body), 201);
      case 'PUT /products/:':
        return json(await this.saveProduct(parts[1], body));
      case 'POST /products/:/stock':
        return json(await this.adjustStock(parts[1], body));
      case 'POST /products/:/rename':
        return json(await this.call('merchant', 'renameProduct', { from: parts[1], to: isRecord(body) && typeof body.to === 'string' ? body.to : '' }));
      case 'GET /ledger':
        return json(await this.call('merchant', 'ledgerCheck', {}));
      case 'GET /carriers':
        return json({ carriers: Object.entries(CARRIERS).map(([code, name]) => ({ code, name })) });
      case 'GET /categories':
        return json({ categories: await this.categories() });
      case 'POST /upload':
        return json(await this.upload(body), 201);
      case 'GET /files':
        return this.file(query);
      case 'GET /orders':
        return json(await this.orders(query));
      case 'POST /orders/:/events':
        return json(await this.orderEvent(parts[1], body));
      case 'GET /qrcodes':
        return json(await this.qrCodes());
      case 'POST /qrcodes':
        return json(await this.createQr(body), 201);
      case 'GET /qrcodes/png':
        return this.qrPng(query);
      case 'GET /qrcodes/sheet':
        return this.qrSheet(query);
      case 'GET /reports':
        return json(await this.attributionReport(query));
      case 'GET /logs':
        return json(await this.logs(query));
      case 'GET /notices':
        return json(await this.call('merchant', 'notices', { ...(query.get('orderId') ? { orderId: query.get('orderId') as string } : {}), ...(query.get('state') ? { state: query.get('state') as NoticeView['state'] } : {}) }));
      case 'GET /after-sales':
        return json(await this.call('orders', 'merchantAfterSales', query.get('status') ? ({ status: query.get('status') } as ActionRequest<'orders', 'merchantAfterSales'>) : {}));
      case 'POST /after-sales/:/approve':
        return json(await this.call('orders', 'approveAfterSale', { afterSaleId: parts[1], mode: (isRecord(body) ? body.mode : undefined) as 'refund' }));
      case 'POST /after-sales/:/refuse':
        return json(await this.call('orders', 'refuseAfterSale', { afterSaleId: parts[1], reason: (isRecord(body) ? body.reason : undefined) as string }));
      case 'POST /after-sales/:/receive':
        return json(await this.call('orders', 'receiveReturn', { afterSaleId: parts[1] }));
      case 'POST /after-sales/:/refund':
        return json(await this.call('orders', 'refundAfterSale', { afterSaleId: parts[1] }));
      case 'GET /coupons':
        return json(await this.call('merchant', 'listCouponTemplates', {}));
      case 'POST /coupons':
        return json(await this.call('merchant', 'saveCouponTemplate', { template: member(body, 'template'), create: true }), 201);
      case 'PUT /coupons/:':
        return json(await this.call('merchant', 'saveCouponTemplate', { template: { ...member(body, 'template'), _id: parts[1] } }));
      case 'GET /flash-sales':
        return json(await this.call('merchant', 'flashSales', query.get('productId') ? { productId: query.get('productId') as string } : {}));
      case 'POST /flash-sales':
        return json(await this.call('merchant', 'scheduleFlashSale', body as ActionRequest<'merchant', 'scheduleFlashSale'>), 201);
      case 'POST /flash-sales/:/end':
        return json(await this.call('merchant', 'endFlashSale', { productId: parts[1], skuId: (isRecord(body) ? body.skuId : undefined) as string }));
      case 'GET /group-deals':
        return json(await this.call('merchant', 'groupDeals', {}));
      case 'POST /group-deals':
        return json(await this.call('merchant', 'saveGroupDeal', body as ActionRequest<'merchant', 'saveGroupDeal'>), 201);
      case 'GET /campaigns':
        return json(await this.campaigns());
      case 'POST /campaigns':
        return json(await this.call('merchant', 'saveCampaign', { campaign: campaignBody(body), create: true }), 201);
      case 'PUT /campaigns/:':
        return json(await this.call('merchant', 'saveCampaign', { campaign: { ...campaignBody(body), _id: parts[1] } }));
      case 'GET /stores':
        return json(await this.call('merchant', 'listStores', {}));
      case 'POST /stores':
        return json(await this.call('merchant', 'saveStore', { store: member(body, 'store'), create: true }), 201);
      case 'PUT /stores/:':
        return json(await this.call('merchant', 'saveStore', { store: { ...member(body, 'store'), _id: parts[1] } }));
      case 'POST /stores/:/qrcode':
        return json(await this.storeQr(parts[1]), 201);
      case 'GET /pickups':
        return json(await this.call('merchant', 'pickupOrders', query.get('storeId') ? { storeId: query.get('storeId') as string } : {}));
      case 'POST /pickup-verifications':
        return json(await this.call('merchant', 'verifyPickup', { code: isRecord(body) && typeof body.code === 'string' ? body.code : '' }));
      default:
        throw new HttpError(404, 'NOT_FOUND', `no API ${method} ${path}`);
    }
  }

  /* ------------------------------------------------------------ database panel */

  private async collections(): Promise<string[]> {
    try {
      const res = await fetch(`${this.cloudUrl}/_emulator/v1/health`);
      const body = (await res.json()) as { collections?: unknown };
      if (Array.isArray(body.collections)) return body.collections.map(String).sort();
    } catch {
      // fall through: the config's list
    }
    return existsSync(DEFAULT_DATABASE_CONFIG) ? loadDatabaseConfig().map((c) => c.name).sort() : [];
  }

  private async addCollection(body: unknown): Promise<{ name: string }> {
    const name = isRecord(body) ? body.name : undefined;
    if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
      throw new HttpError(400, 'INVALID_ARGUMENT', 'a collection name is 1-64 letters, digits, _ or -, starting with a letter or _');
    }
    const res = await this.cloud().db.createCollection(name);
    throwIfCode(res);
    return { name };
  }

  private async listDocs(coll: string, query: URLSearchParams): Promise<DocsResponse> {
    const filter = parseFilter(query.get('filter'));
    const skip = clampInt(query.get('skip'), 0, 1_000_000, 0);
    const limit = clampInt(query.get('limit'), 1, 100, 20);
    const sort = parseFilter(query.get('sort'));
    const order: Record<string, 1 | -1> = {};
    for (const [k, v] of Object.entries(sort)) order[k] = v === -1 || v === 'desc' ? -1 : 1;
    const base = this.cloud().db.collection(coll);
    let q = base.options({ raw: true }).where(filter);
    for (const [field, dir] of Object.entries(order)) q = q.orderBy(field, dir === -1 ? 'desc' : 'asc');
    const [page, count] = await Promise.all([
      wrap(q.skip(skip).limit(limit).get() as Promise<{ data?: Doc[] }>),
      wrap(base.options({ raw: true }).where(filter).count() as Promise<{ total?: number }>),
    ]);
    return { docs: (page.data ?? []).map(toWire), total: count.total ?? 0, skip, limit };
  }

  private async addDoc(coll: string, body: unknown): Promise<{ id: string }> {
    if (coll === 'products') {
      // A new product opens its stock ledger; the merchant function writes it.
      const doc = member(body, 'doc');
      const saved = await this.call('merchant', 'saveProduct', { product: doc, create: true, raw: true });
      return { id: String(saved.product._id) };
    }
    if (coll === 'orders') throw ordersByActionsOnly();
    const doc = fromWire(isRecord(body) ? body.doc : undefined);
    const res = await wrap(this.cloud().db.collection(coll).add(doc) as Promise<{ id?: string }>);
    return { id: String(res.id) };
  }

  private async replaceDoc(coll: string, id: string, body: unknown): Promise<{ id: string }> {
    const doc = fromWire(isRecord(body) ? body.doc : undefined);
    if (doc._id !== undefined && doc._id !== id) throw new HttpError(400, 'INVALID_ARGUMENT', `_id cannot change (the document is ${id})`);
    delete doc._id;
    if (coll === 'products') {
      // Stock figures are the ledger's and other fields are checked against the revision the editor
      // loaded: the merchant function refuses a changed stock, reserved or sold and a stale revision.
      const wire = member(body, 'doc');
      const revision = typeof wire.revision === 'number' ? wire.revision : undefined;
      await this.call('merchant', 'saveProduct', { product: { ...wire, _id: id }, raw: true, ...(revision !== undefined ? { revision } : {}) });
      return { id };
    }
    if (coll === 'orders') {
      // Written by the merchant function (the only writers of orders are functions).
      await this.call('merchant', 'editOrder', { orderId: id, doc: { ...member(body, 'doc'), _id: id } });
      return { id };
    }
    await wrap(this.cloud().db.collection(coll).doc(id).set(doc));
    return { id };
  }

  private async removeDoc(coll: string, id: string): Promise<{ deleted: number }> {
    if (coll === 'orders') throw ordersByActionsOnly();
    const res = await wrap(this.cloud().db.collection(coll).doc(id).remove() as Promise<{ deleted?: number }>);
    if (!res.deleted) throw new HttpError(404, 'NOT_FOUND', `no document ${id} in ${coll}`);
    return { deleted: res.deleted };
  }

  /* ------------------------------------------------------------------ products */

  private async products(): Promise<ProductsResponse> {
    const docs = await this.readAllDocs('products', { createdAt: -1 });
    return {
      products: docs.map((doc): ProductRow => {
        const result = normalizeProduct(doc);
        return {
          _id: String(doc._id),
          title: typeof doc.title === 'string' ? doc.title : '',
          status: doc.status,
          categoryId: doc.categoryId,
          ok: result.ok,
          problems: result.ok ? [] : result.problems,
          warnings: result.ok ? result.warnings : [],
          price: result.ok ? result.product.price : null,
          stock: result.ok ? result.product.skus.reduce((n, s) => n + s.stock, 0) : null,
          skus: result.ok ? result.product.skus.map((s, i) => ({ skuId: s.skuId, specValues: s.specValues, stock: s.stock, price: s.price, ...ledgerFigures((doc.skus as Doc[])[i]) })) : [],
          revision: typeof doc.revision === 'number' ? doc.revision : 0,
        };
      }),
    };
  }

  private async product(id: string): Promise<ProductResponse> {
    const res = await wrap(this.cloud().db.collection('products').doc(id).get() as Promise<{ data?: Doc[] }>);
    const doc = res.data?.[0];
    if (!doc) throw new HttpError(404, 'NOT_FOUND', `no product ${id}`);
    const result = normalizeProduct(doc);
    return { doc: toWire(doc), problems: result.ok ? [] : result.problems };
  }

  /**
   * Saves a product from the editor through the merchant function. The normalizer is the judge: an
   * invalid product is refused with its exact problems and nothing is written; a valid one is stored
   * normalized (price = lowest SKU). Stock is never taken from the editor for an existing SKU.
   */
  private async saveProduct(id: string | null, body: unknown): Promise<SaveProductResponse> {
    const input = isRecord(body) && isRecord(body.product) ? { ...body.product } : null;
    if (!input) throw new HttpError(400, 'INVALID_ARGUMENT', 'expected {"product": {...}}');
    if (id !== null) {
      if (input._id !== undefined && input._id !== id) throw new HttpError(400, 'INVALID_ARGUMENT', `_id cannot change (the product is ${id})`);
      input._id = id;
    }
    const revision = typeof input.revision === 'number' ? input.revision : undefined;
    const saved = await this.call('merchant', 'saveProduct', { product: input, ...(id === null ? { create: true } : {}), ...(revision !== undefined ? { revision } : {}) });
    return { product: saved.product as unknown as SaveProductResponse['product'], warnings: saved.warnings, revision: saved.revision };
  }

  /** A stock change of one SKU by a delta, recorded in the stock ledger (never below 0). */
  private async adjustStock(id: string, body: unknown): Promise<StockResponse> {
    const skuId = isRecord(body) ? body.skuId : undefined;
    const delta = isRecord(body) ? body.delta : undefined;
    const reason = isRecord(body) && typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : '控制台调整';
    if (typeof skuId !== 'string' || !skuId) throw new HttpError(400, 'INVALID_ARGUMENT', 'skuId is required');
    if (typeof delta !== 'number' || !Number.isSafeInteger(delta) || delta === 0) throw new HttpError(400, 'INVALID_ARGUMENT', 'delta must be a whole number other than 0');
    try {
      const result = await this.call('merchant', 'adjustStock', { productId: id, skuId, delta, reason });
      return { skuId, ...result.figures, revision: result.revision };
    } catch (error) {
      if (error instanceof HttpError && error.code === 'OUT_OF_STOCK') throw new HttpError(409, 'OUT_OF_STOCK', `cannot take ${-delta}: stock would go below 0`);
      throw error;
    }
  }

  /**
   * One action of the orders or merchant function, called with the environment's credentials (and the
   * merchant key): the function validates the request and writes; the console only relays.
   */
  private async call<F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, request: ActionRequest<F, A>): Promise<ActionResponse<F, A>> {
    const reply = await callAction(invokeFunction(this.cloud()), fn, action, request);
    if (reply.ok) return reply.data;
    throw merchantError(reply.error);
  }

  private async categories(): Promise<Doc[]> {
    try {
      return await this.readAllDocs('categories', { sort: 1 });
    } catch {
      return [];
    }
  }

  private async upload(body: unknown): Promise<UploadResponse> {
    if (!isRecord(body) || typeof body.name !== 'string' || typeof body.base64 !== 'string') {
      throw new HttpError(400, 'INVALID_ARGUMENT', 'expected {"name", "base64"}');
    }
    const ext = (/\.([A-Za-z0-9]{1,5})$/.exec(body.name)?.[1] ?? 'png').toLowerCase();
    if (!['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg'].includes(ext)) throw new HttpError(400, 'INVALID_ARGUMENT', `images only (png, jpg, gif, webp, svg), not .${ext}`);
    const folder = typeof body.productId === 'string' && body.productId ? safeName(body.productId) : 'uploads';
    const cloudPath = `products/${folder}/${Date.now().toString(36)}-${safeName(body.name.replace(/\.[^.]*$/, ''))}.${ext}`;
    const content = Buffer.from(body.base64, 'base64');
    const res = await this.cloud().app.uploadFile({ cloudPath, fileContent: content });
    throwIfCode(res);
    if (body.thumbnail !== true) return { fileID: res.fileID };
    const { thumb } = await thumbnailFor(this.cloud(), res.fileID, content);
    return thumb ? { fileID: res.fileID, thumb } : { fileID: res.fileID };
  }

  private async file(query: URLSearchParams): Promise<ApiOut> {
    const fileID = query.get('fileID');
    if (!fileID || !fileID.startsWith('cloud://')) throw new HttpError(400, 'INVALID_ARGUMENT', 'fileID must be a cloud:// file id');
    const png = await downloadPng(this.cloud(), fileID);
    return { kind: 'raw', body: png, contentType: contentTypeOf(fileID) };
  }

  /* -------------------------------------------------------------------- orders */

  private async orders(query: URLSearchParams): Promise<OrdersResponse> {
    const where: Doc = {};
    const status = query.get('status');
    if (status) {
      if (!isOrderStatus(status)) throw new HttpError(400, 'INVALID_ARGUMENT', `unknown status ${status}`);
      where.status = status;
    }
    const id = query.get('id');
    if (id) where._id = id;
    const { db } = this.cloud();
    const _ = db.command;
    // Attribution filters: the fields orders.create stored (decided on the server).
    for (const [param, field] of [['scene', 'sceneCode'], ['campaign', 'campaign'], ['channel', 'channel'], ['store', 'store']] as const) {
      const value = query.get(param)?.trim();
      if (value) where[`attribution.${field}`] = value;
    }
    const referral = query.get('referral')?.trim();
    if (referral) where['attribution.referralCode'] = referral === 'any' ? _.exists(true) : referral;
    const from = query.get('from');
    const to = query.get('to');
    if (from || to) {
      const range = [];
      if (from) range.push(_.gte(Date.parse(from)));
      if (to) range.push(_.lt(Date.parse(to) + 86_400_000));
      where.createdAt = range.length === 2 ? range[0].and(range[1]) : range[0];
    }
    const limit = clampInt(query.get('limit'), 1, 100, 50);
    const skip = clampInt(query.get('skip'), 0, 1_000_000, 0);
    const coll = db.collection('orders');
    const [page, count] = await Promise.all([
      wrap(coll.where(where).orderBy('createdAt', 'desc').skip(skip).limit(limit).get() as Promise<{ data?: Doc[] }>),
      wrap(coll.where(where).count() as Promise<{ total?: number }>),
    ]);
    return {
      orders: ((page as { data?: Doc[] }).data ?? []).map((o): OrderRow => {
        const { _openid, ...rest } = o;
        void _openid;
        const events = isOrderStatus(o.status) ? MERCHANT_EVENTS.filter((e) => nextStatus(o.status as OrderStatus, e) !== null) : [];
        return { ...(toWire(rest) as Omit<OrderRow, 'events'>), _id: String(o._id), status: String(o.status), events: events as OrderRow['events'] };
      }),
      total: (count as { total?: number }).total ?? 0,
    };
  }

  /**
   * A merchant's order action, done by a function through the one writer of order status (by
   * compare-and-set on the current status: two clicks can never ship twice).
   */
  private async orderEvent(id: string, body: unknown): Promise<OrderEventResponse> {
    const event = isRecord(body) ? body.event : undefined;
    if (typeof event !== 'string' || !(MERCHANT_EVENTS as readonly string[]).includes(event)) {
      throw new HttpError(400, 'INVALID_ARGUMENT', `event must be one of ${MERCHANT_EVENTS.join(', ')}`);
    }
    const rule = ORDER_TRANSITIONS[event as OrderEvent];
    try {
      const { order } = event === 'ship' ? await this.call('merchant', 'ship', shipment(id, body)) : await this.call('merchant', 'complete', { orderId: id });
      return { order: toWire(order as unknown as Doc) };
    } catch (error) {
      if (error instanceof HttpError && error.code === 'INVALID_STATE') {
        const status = (error.details as { status?: unknown } | undefined)?.status;
        throw new HttpError(409, 'INVALID_STATE', `order ${id} is ${String(status)}; "${event}" needs ${rule.from}`);
      }
      throw error;
    }
  }

  /* ------------------------------------------------------------------ campaigns */

  /** Every campaign with its figures (both from merchant actions, so a real environment answers the same). */
  private async campaigns(): Promise<CampaignsResponse> {
    const [{ campaigns }, report] = await Promise.all([this.call('merchant', 'listCampaigns', {}), this.call('merchant', 'campaignReport', {})]);
    return { campaigns, report };
  }

  /* ------------------------------------------------------------------- QR codes */

  private async createQr(body: unknown): Promise<QrCreateResponse> {
    if (!isRecord(body)) throw new HttpError(400, 'INVALID_ARGUMENT', 'expected a JSON object');
    if (typeof body.productId === 'string' && body.productId) {
      const id = body.productId;
      const res = await wrap(this.cloud().db.collection('products').doc(id).get() as Promise<{ data?: Doc[] }>);
      const doc = res.data?.[0];
      if (!doc) throw new HttpError(404, 'NOT_FOUND', `no product ${id}`);
      return this.sceneQr({ target: productTarget(id) }, typeof doc.title === 'string' ? doc.title : id, `product-${safeName(id)}.png`);
    }
    const campaign = typeof body.campaign === 'string' ? body.campaign.trim() : '';
    const channel = typeof body.channel === 'string' ? body.channel.trim() : '';
    const store = typeof body.store === 'string' ? body.store.trim() : '';
    if (!campaign || !channel) throw new HttpError(400, 'INVALID_ARGUMENT', 'a campaign code needs a campaign and a channel');
    const parts = [campaign, channel, store].filter(Boolean);
    return this.sceneQr({ target: campaignTarget(), campaign, channel, ...(store ? { store } : {}) }, parts.join(' · '), `campaign-${safeName(parts.join('-'))}.png`);
  }

  /** A store's code: it opens the home page and carries the store (what a pickup checkout starts from). */
  private storeQr(storeId: string): Promise<QrCreateResponse> {
    return this.sceneQr({ target: campaignTarget(), store: storeId }, storeId, `store-${safeName(storeId)}.png`);
  }

  /** Makes a code through the scenes function: its refusals keep their code, anything else is a bad gateway. */
  private async sceneQr(input: Parameters<typeof createSceneQr>[1], title: string, fileName: string): Promise<QrCreateResponse> {
    try {
      const code = await createSceneQr(this.cloud(), input);
      return { scene: code.scene, fileID: code.fileID, created: code.created, title, fileName };
    } catch (error) {
      if (error instanceof QrError) throw new HttpError(error.error.code === 'INVALID_ARGUMENT' ? 400 : 502, error.error.code, error.error.message);
      throw error;
    }
  }

  /** Every code with its scans, orders and revenue (the merchant function's scan report), named for the list. */
  private async qrCodes(): Promise<QrCodesResponse> {
    const report = await this.call('merchant', 'scanReport', {});
    return {
      totals: report.totals,
      codes: report.codes.map((code): QrCodeRow => {
        const title = codeTitle(code);
        return { ...code, title, fileName: code.productId ? `product-${safeName(code.productId)}.png` : `campaign-${safeName(title.replace(/ · /g, '-'))}.png` };
      }),
    };
  }

  /** Scans and orders by one attribution field (the merchant function's attribution report). */
  private attributionReport(query: URLSearchParams): Promise<AttributionReportResponse> {
    const by = query.get('by') ?? 'campaign';
    if (!(ATTRIBUTION_DIMENSIONS as readonly string[]).includes(by)) throw new HttpError(400, 'INVALID_ARGUMENT', `by must be one of ${ATTRIBUTION_DIMENSIONS.join(', ')}`);
    const request: AttributionReportRequest = { by: by as AttributionDimension };
    for (const key of ['from', 'to'] as const) {
      const value = query.get(key);
      if (!value) continue;
      if (!/^\d{1,15}$/.test(value)) throw new HttpError(400, 'INVALID_ARGUMENT', `${key} must be a time in ms`);
      request[key] = Number(value);
    }
    for (const key of ATTRIBUTION_DIMENSIONS) {
      const value = query.get(key)?.trim();
      if (value) request[key] = value;
    }
    return this.call('merchant', 'attributionReport', request);
  }

  private async qrPng(query: URLSearchParams): Promise<ApiOut> {
    const fileID = query.get('fileID');
    if (!fileID || !fileID.startsWith('cloud://')) throw new HttpError(400, 'INVALID_ARGUMENT', 'fileID must be a cloud:// file id');
    const png = await downloadPng(this.cloud(), fileID);
    const name = query.get('name');
    const headers: Record<string, string> = name ? { 'content-disposition': `attachment; filename="${safeName(name.replace(/\.png$/, ''))}.png"` } : {};
    return { kind: 'raw', body: png, contentType: 'image/png', headers };
  }

  /** A printable sheet of the given codes: ?items=[{fileID, title, scene}] (JSON)&lang=zh|en (default zh). */
  private qrSheet(query: URLSearchParams): ApiOut {
    let items: unknown;
    try {
      items = JSON.parse(query.get('items') ?? '[]');
    } catch {
      throw new HttpError(400, 'INVALID_ARGUMENT', 'items must be JSON');
    }
    if (!Array.isArray(items)) throw new HttpError(400, 'INVALID_ARGUMENT', 'items must be a list');
    const en = query.get('lang') === 'en';
    const cards = items.filter(isRecord).map((item) => ({
      title: String(item.title ?? ''),
      subtitle: `${en ? 'scene' : '场景值'} ${String(item.scene ?? '')}`,
      src: `png?fileID=${encodeURIComponent(String(item.fileID ?? ''))}`,
    }));
    const title = en ? `QR codes (${cards.length})` : `二维码（${cards.length} 个）`;
    return { kind: 'raw', body: printableSheet(title, cards), contentType: 'text/html; charset=utf-8' };
  }

  /* ---------------------------------------------------------------------- logs */

  private async logs(query: URLSearchParams): Promise<LogsResponse> {
    const params = new URLSearchParams();
    for (const key of ['function', 'openid', 'limit']) {
      const v = query.get(key);
      if (v) params.set(key, v);
    }
    const res = await fetch(`${this.cloudUrl}/_emulator/v1/logs?${params}`);
    if (!res.ok) throw new HttpError(502, 'UNAVAILABLE', `the local cloud answered ${res.status} for its logs`);
    const body = (await res.json()) as Partial<LogsResponse>;
    return { logs: body.logs ?? [] };
  }

  /* ------------------------------------------------------------------- helpers */

  private async readAllDocs(coll: string, order: Record<string, 1 | -1>): Promise<Doc[]> {
    const out: Doc[] = [];
    for (let skip = 0; skip < 20_000; skip += 1000) {
      let q = this.cloud().db.collection(coll).where({});
      for (const [field, dir] of Object.entries(order)) q = q.orderBy(field, dir === -1 ? 'desc' : 'asc');
      const res = await wrap(q.orderBy('_id', 'asc').skip(skip).limit(1000).get() as Promise<{ data?: Doc[] }>);
      const data = res.data ?? [];
      out.push(...data);
      if (data.length < 1000) break;
    }
    return out;
  }
}

/** Orders are created by checkout and changed by the order actions; the panel edits fields of existing ones. */
const ordersByActionsOnly = () => new HttpError(409, 'INVALID_STATE', 'orders are created by checkout and never deleted; change them through the order actions, or edit fields of an existing order');

/** The ship request from the console's body: a tracking number and a carrier from WeChat's list. */
function shipment(orderId: string, body: unknown): ActionRequest<'merchant', 'ship'> {
  const trackingNo = isRecord(body) && typeof body.trackingNo === 'string' ? body.trackingNo.trim() : '';
  if (!TRACKING_NO.test(trackingNo)) throw new HttpError(400, 'INVALID_ARGUMENT', 'a tracking number is 4-40 letters, digits or -');
  const carrier = isRecord(body) && typeof body.carrier === 'string' ? body.carrier : '';
  if (!(carrier in CARRIERS)) throw new HttpError(400, 'INVALID_ARGUMENT', `choose a carrier: one of ${Object.keys(CARRIERS).join(', ')} (GET carriers)`);
  return { orderId, carrier, trackingNo };
}

/** A function's refusal as the console's HTTP error (a refused product keeps its problems). */
/** The campaign in a console request; the merchant function validates every field. */
function campaignBody(body: unknown): CampaignInput {
  if (!isRecord(body) || !isRecord(body.campaign)) throw new HttpError(400, 'INVALID_ARGUMENT', 'expected {"campaign": {...}}');
  return body.campaign as unknown as CampaignInput;
}

function merchantError(error: ApiError): HttpError {
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  if (error.code === 'INVALID_ARGUMENT' && Array.isArray(problems)) {
    return new HttpError(422, 'INVALID_PRODUCT', (problems as { field: string; problem: string }[]).map((p) => `${p.field}: ${p.problem}`).join('; '), { problems });
  }
  const status: Record<string, number> = { INVALID_ARGUMENT: 400, NOT_FOUND: 404, CONFLICT: 409, OUT_OF_STOCK: 409, INVALID_STATE: 409, PERMISSION_DENIED: 403, UNAUTHENTICATED: 401, UNAVAILABLE: 503, TOO_MANY_ATTEMPTS: 429 };
  return new HttpError(status[error.code] ?? 502, error.code, error.detail ? `${error.message} (${error.detail})` : error.message, error.details);
}

/** A raw SKU's ledger figures for the listing (missing = 0). */
function ledgerFigures(sku: unknown): { reserved: number; sold: number } {
  const s = isRecord(sku) ? sku : {};
  return { reserved: typeof s.reserved === 'number' ? s.reserved : 0, sold: typeof s.sold === 'number' ? s.sold : 0 };
}

function json(body: unknown, status = 200): ApiOut {
  return { kind: 'json', body, status };
}

/** Awaits an SDK call and turns `{code, message}` results and SDK errors into HttpErrors. */
async function wrap<T>(promise: Promise<T>): Promise<T> {
  let res: T;
  try {
    res = await promise;
  } catch (error) {
    throw sdkError(error);
  }
  const r = res as { code?: unknown; message?: unknown };
  if (r && typeof r === 'object' && r.code) throw sdkError(r);
  return res;
}

function sdkError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
  const status = code.includes('NOT_EXIST') ? 404 : code.includes('INVALID') ? 400 : 502;
  return new HttpError(status, code, String(e.message ?? error));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'INVALID_ARGUMENT', `request body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'INVALID_ARGUMENT', `not valid JSON: ${(error as Error).message}`);
  }
}

/** A filter typed in the console: JSON (MongoDB-style operators allowed; dates as {"$date": ...}). */
function parseFilter(text: string | null): Doc {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = EJSON.parse(text, { relaxed: true });
  } catch (error) {
    throw new HttpError(400, 'INVALID_ARGUMENT', `the filter is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new HttpError(400, 'INVALID_ARGUMENT', 'the filter must be a JSON object, e.g. {"status": "on_shelf"}');
  return value;
}

/** Document → relaxed EJSON value (dates become {"$date": ISO}). */
function toWire(doc: Doc): Doc {
  return EJSON.serialize(doc, { relaxed: true }) as Doc;
}

/** Relaxed EJSON value from the editor → document (with Dates). */
function fromWire(value: unknown): Doc {
  if (!isRecord(value)) throw new HttpError(400, 'INVALID_ARGUMENT', 'the document must be a JSON object');
  let doc: unknown;
  try {
    doc = EJSON.deserialize(value, { relaxed: true });
  } catch (error) {
    throw new HttpError(400, 'INVALID_ARGUMENT', `not a valid document: ${(error as Error).message}`);
  }
  return doc as Doc;
}

function clampInt(text: string | null, min: number, max: number, fallback: number): number {
  const n = Number(text);
  if (text === null || text === '' || !Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

function contentTypeOf(fileID: string): string {
  const ext = (/\.([A-Za-z0-9]+)$/.exec(fileID)?.[1] ?? '').toLowerCase();
  return ({ png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"store": {...}}` → the object under the key; {} when missing, for the merchant function to refuse by field. */
function member(body: unknown, key: string): Record<string, unknown> {
  const value = isRecord(body) ? body[key] : undefined;
  return isRecord(value) ? value : {};
}
