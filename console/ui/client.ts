/**
 * The console's one HTTP client: a typed function per route of console/api.ts (shapes in
 * console/routes.ts). URLs are relative, so the console works under any mount prefix; state changes are
 * same-origin JSON, which is what security/guard.ts accepts.
 */
import type { AttributionReportRequest } from '../../typings/api';
import type {
  ApiErrorBody,
  AttributionReportResponse,
  LedgerResponse,
  RenameResponse,
  CategoriesResponse,
  CollectionsResponse,
  DocsResponse,
  InfoResponse,
  LogsResponse,
  OrderEventRequest,
  OrderEventResponse,
  OrdersQuery,
  OrdersResponse,
  Problem,
  ProductResponse,
  ProductsResponse,
  QrCodesResponse,
  QrCreateRequest,
  QrCreateResponse,
  SaveProductResponse,
  StockResponse,
  UploadRequest,
  UploadResponse,
  WireDoc,
} from '../routes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { problems?: Problem[] },
  ) {
    super(message);
  }
}

/**
 * How long a call may go unanswered before the console gives up on it (a cloud that hangs must not
 * leave a page loading forever): reads load pages; writes get longer (an upload makes thumbnails). The
 * server may set others on <html data-read-timeout-ms data-write-timeout-ms> (console/index.ts).
 */
export const DEFAULT_TIMEOUTS = { readMs: 20_000, writeMs: 120_000 };

function timeoutMs(method: string): number {
  const set = Number(method === 'GET' ? document.documentElement.dataset.readTimeoutMs : document.documentElement.dataset.writeTimeoutMs);
  return set > 0 ? set : method === 'GET' ? DEFAULT_TIMEOUTS.readMs : DEFAULT_TIMEOUTS.writeMs;
}

/** The reads of the page being drawn; app.ts ends them when the merchant leaves the page. */
let pageReads: AbortSignal | undefined;
export function setPageReads(signal: AbortSignal | undefined): void {
  pageReads = signal;
}

/**
 * One call; a non-2xx answer becomes an ApiError with the server's code and message, no answer within
 * the timeout a TIMEOUT (WRITE_TIMEOUT for a change, which may or may not have been made), and a read
 * of a page the merchant left LEFT_PAGE.
 */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const controller = new AbortController();
  const ms = timeoutMs(method);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  const page = method === 'GET' ? pageReads : undefined;
  const leave = () => controller.abort();
  page?.addEventListener('abort', leave);
  let res: Response;
  let data: unknown;
  try {
    if (page?.aborted) throw new DOMException('left the page', 'AbortError');
    res = await fetch(`api/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    data = await res.json().catch((error: unknown) => {
      if (controller.signal.aborted) throw error;
      return {};
    });
  } catch (error) {
    if (timedOut) throw new ApiError(0, method === 'GET' ? 'TIMEOUT' : 'WRITE_TIMEOUT', String(Math.max(1, Math.round(ms / 1000))));
    if (controller.signal.aborted) throw new ApiError(0, 'LEFT_PAGE', path);
    throw error;
  } finally {
    clearTimeout(timer);
    page?.removeEventListener('abort', leave);
  }
  if (!res.ok) {
    const err: Partial<ApiErrorBody['error']> = (data as Partial<ApiErrorBody>).error ?? {};
    throw new ApiError(res.status, err.code ?? 'ERROR', err.message ?? `HTTP ${res.status}`, err.details);
  }
  return data as T;
}

const seg = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const client = {
  info: () => request<InfoResponse>('GET', 'info'),

  collections: () => request<CollectionsResponse>('GET', 'collections'),
  addCollection: (name: string) => request<{ name: string }>('POST', 'collections', { name }),
  docs: (coll: string, params: { filter: string; skip: number; limit: number }) => request<DocsResponse>('GET', `collections/${seg(coll)}/docs${query(params)}`),
  addDoc: (coll: string, doc: unknown) => request<{ id: string }>('POST', `collections/${seg(coll)}/docs`, { doc }),
  replaceDoc: (coll: string, id: string, doc: unknown) => request<{ id: string }>('PUT', `collections/${seg(coll)}/docs/${seg(id)}`, { doc }),
  removeDoc: (coll: string, id: string) => request<{ deleted: number }>('DELETE', `collections/${seg(coll)}/docs/${seg(id)}`),

  products: () => request<ProductsResponse>('GET', 'products'),
  product: (id: string) => request<ProductResponse>('GET', `products/${seg(id)}`),
  saveProduct: (id: string | null, product: WireDoc) => request<SaveProductResponse>(id === null ? 'POST' : 'PUT', id === null ? 'products' : `products/${seg(id)}`, { product }),
  adjustStock: (id: string, skuId: string, delta: number) => request<StockResponse>('POST', `products/${seg(id)}/stock`, { skuId, delta }),
  categories: () => request<CategoriesResponse>('GET', 'categories'),
  upload: (body: UploadRequest) => request<UploadResponse>('POST', 'upload', body),

  orders: (q: OrdersQuery) => request<OrdersResponse>('GET', `orders${query({ ...q })}`),
  orderEvent: (id: string, body: OrderEventRequest) => request<OrderEventResponse>('POST', `orders/${seg(id)}/events`, body),

  qrCodes: () => request<QrCodesResponse>('GET', 'qrcodes'),
  createQr: (body: QrCreateRequest) => request<QrCreateResponse>('POST', 'qrcodes', body),
  qrPngUrl: (fileID: string, downloadName?: string) => `api/qrcodes/png${query({ fileID, name: downloadName })}`,
  qrSheetUrl: (items: { fileID: string; title: string; scene: string }[], lang: 'zh' | 'en') => `api/qrcodes/sheet${query({ items: JSON.stringify(items), lang })}`,

  logs: (params: { function?: string; limit?: number }) => request<LogsResponse>('GET', `logs${query(params)}`),

  ledger: () => request<LedgerResponse>('GET', 'ledger'),
  renameProduct: (id: string, to: string) => request<RenameResponse>('POST', `products/${seg(id)}/rename`, { to }),
  attributionReport: (q: AttributionReportRequest) => request<AttributionReportResponse>('GET', `reports${query({ ...q })}`),
};
