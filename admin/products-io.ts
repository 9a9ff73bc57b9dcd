/**
 * Product import and export: parsing CSV / JSON / JSON Lines into product documents, validating every
 * one with the domain normalizer (a report of line, field, problem), and writing all of them or none.
 *
 * CSV layout (one row per SKU; rows with the same `_id` are one product, whose product columns are
 * taken from its first row):
 *   _id, title, description, categoryId, images (separated by `|`), status (on_shelf | off_shelf,
 *   default on_shelf), sales, skuId (default `<_id>-s<n>`), spec:<name> (one column per spec dimension,
 *   e.g. `spec:颜色`, `spec:尺码`), price and originalPrice in yuan ("59.00", parsed exactly to fen),
 *   stock, specOrder (optional: the product's dimension names in their order, separated by `|`, when it
 *   differs from the columns' order; export writes it so a file imports back unchanged), searchTerms
 *   (optional: words the product is also found by, separated by `|`), stockDelta (optional: units to
 *   add to, or with a minus sign take from, an existing SKU's stock).
 * `stock` is only a new SKU's starting stock: an existing SKU's stock changes only by `stockDelta`, so an
 * export → edit → import round trip never overwrites what shoppers bought meanwhile.
 * JSON: an array of product documents (prices in fen, as stored). JSON Lines: one document per line
 * (dates may be `{"$date": ...}`, as the cloud console exports them). Either may carry
 * `"stockDelta": {"<skuId>": n}` on a product.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { EJSON } from 'bson';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { FieldProblem, Product } from '../typings/domain';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { fenToYuanString, parseYuan } from '../miniprogram/domain/money';
import type { ImportItem, ImportOutcome } from '../typings/api';
import { dataOf } from '../server/call-action';
import { chunk, pool, throwIfCode, type Cloud } from './cloud';
import { callMerchant } from './merchant-client';

export interface RowProblem {
  /** 1-based line in the file where the offending record (or SKU row) is. */
  line: number;
  field: string;
  problem: string;
  productId?: string | null;
}

export interface ParsedRecord {
  line: number;
  doc: Record<string, unknown>;
  /** CSV only: line of each SKU row, by SKU index. */
  skuLines?: number[];
  /** CSV only: problems found while reading cells (e.g. a price that is not an amount in yuan). */
  cellProblems?: RowProblem[];
  /** CSV only: spec column names by dimension index. */
  specColumns?: string[];
  /** skuId → units to add to an existing SKU's stock (the `stockDelta` column / field). */
  stockDelta?: Record<string, number>;
}

export type FileFormat = 'csv' | 'json' | 'jsonl';

export function formatOf(file: string): FileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new Error(`unsupported file type "${ext || file}": use .csv, .json or .jsonl`);
}

export function readProductFile(file: string): { records: ParsedRecord[]; problems: RowProblem[] } {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  return parseProductText(text, formatOf(file));
}

export function parseProductText(text: string, format: FileFormat): { records: ParsedRecord[]; problems: RowProblem[] } {
  if (format === 'csv') return parseCsvProducts(text);
  if (format === 'jsonl') return parseJsonLines(text);
  return parseJsonArray(text);
}

function parseJsonLines(text: string): { records: ParsedRecord[]; problems: RowProblem[] } {
  const records: ParsedRecord[] = [];
  const problems: RowProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      const doc = EJSON.parse(raw, { relaxed: true }) as unknown;
      if (!isRecord(doc)) problems.push({ line, field: '', problem: 'expected one JSON object per line' });
      else records.push({ line, doc });
    } catch (error) {
      problems.push({ line, field: '', problem: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return { records, problems };
}

function parseJsonArray(text: string): { records: ParsedRecord[]; problems: RowProblem[] } {
  let value: unknown;
  try {
    value = EJSON.parse(text, { relaxed: true });
  } catch (error) {
    return { records: [], problems: [{ line: 1, field: '', problem: `not valid JSON: ${(error as Error).message}` }] };
  }
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.products) ? value.products : null;
  if (!list) return { records: [], problems: [{ line: 1, field: '', problem: 'expected an array of products (or {"products": [...]})' }] };
  const lines = elementLines(text, Array.isArray(value) ? 1 : 2);
  const records: ParsedRecord[] = [];
  const problems: RowProblem[] = [];
  list.forEach((doc: unknown, i: number) => {
    const line = lines[i] ?? 1;
    if (!isRecord(doc)) problems.push({ line, field: '', problem: `item ${i + 1} is not an object` });
    else records.push({ line, doc });
  });
  return { records, problems };
}

/** Line where each element of the array at nesting `depth` starts (1 = top-level array). */
function elementLines(text: string, depth: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let level = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\n') line += 1;
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (expectElement && !/\s/.test(ch) && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      level += 1;
      if (ch === '[' && level === depth) expectElement = true;
    } else if (ch === ']' || ch === '}') {
      level -= 1;
      expectElement = false;
    } else if (ch === ',' && level === depth) expectElement = true;
  }
  return lines;
}

const CSV_PRODUCT_COLUMNS = ['title', 'description', 'categoryId', 'images', 'status', 'sales', 'searchTerms'];

function parseCsvProducts(text: string): { records: ParsedRecord[]; problems: RowProblem[] } {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { columns: true, info: true, bom: true, skip_empty_lines: true }) as typeof rows;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { records: [], problems: [{ line: e.lines ?? 1, field: '', problem: `not valid CSV: ${e.message}` }] };
  }
  const header = rows.length > 0 ? Object.keys(rows[0].record) : parseCsvHeader(text);
  const problems: RowProblem[] = [];
  for (const required of ['_id', 'price', 'stock']) {
    if (!header.includes(required)) problems.push({ line: 1, field: required, problem: `the header has no "${required}" column` });
  }
  if (problems.length > 0) return { records: [], problems };
  const specColumns = header.filter((h) => h.startsWith('spec:'));
  const byId = new Map<string, ParsedRecord>();
  const records: ParsedRecord[] = [];
  const specOrders = new Map<string, { line: number; names: string[] }>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const id = (record._id ?? '').trim();
    if (!id) {
      problems.push({ line, field: '_id', problem: 'is required: rows with the same _id are the SKUs of one product' });
      continue;
    }
    let rec = byId.get(id);
    if (!rec) {
      const doc: Record<string, unknown> = { _id: id };
      const order = (record.specOrder ?? '').trim();
      if (order) specOrders.set(id, { line, names: order.split('|').map((n) => n.trim()) });
      for (const col of CSV_PRODUCT_COLUMNS) {
        const cell = record[col]?.trim();
        if (cell === undefined || cell === '') continue;
        if (col === 'images' || col === 'searchTerms') doc[col] = cell.split('|').map((s) => s.trim()).filter(Boolean);
        else if (col === 'sales') doc.sales = /^\d+$/.test(cell) ? Number(cell) : cell;
        else doc[col] = cell;
      }
      if (doc.status === undefined) doc.status = 'on_shelf';
      doc.specs = specColumns.map((c) => ({ name: c.slice('spec:'.length), values: [] as string[] }));
      doc.skus = [];
      rec = { line, doc, skuLines: [], cellProblems: [], specColumns };
      byId.set(id, rec);
      records.push(rec);
    }
    const doc = rec.doc as { specs: { name: string; values: string[] }[]; skus: Record<string, unknown>[] };
    const k = doc.skus.length;
    const specValues = specColumns.map((c, d) => {
      const v = (record[c] ?? '').trim();
      if (v && !doc.specs[d].values.includes(v)) doc.specs[d].values.push(v);
      return v;
    });
    const sku: Record<string, unknown> = { skuId: (record.skuId ?? '').trim() || `${id}-s${k + 1}`, specValues };
    const price = yuanCell(record.price, true);
    if (price.problem) rec.cellProblems!.push({ line, field: 'price', problem: price.problem, productId: id });
    else sku.price = price.fen;
    const original = yuanCell(record.originalPrice, false);
    if (original.problem) rec.cellProblems!.push({ line, field: 'originalPrice', problem: original.problem, productId: id });
    else if (original.fen !== undefined) sku.originalPrice = original.fen;
    const stock = (record.stock ?? '').trim();
    sku.stock = /^-?\d+$/.test(stock) ? Number(stock) : stock === '' ? undefined : stock;
    const delta = (record.stockDelta ?? '').trim();
    if (delta !== '') {
      if (!/^[+-]?\d{1,7}$/.test(delta)) rec.cellProblems!.push({ line, field: 'stockDelta', problem: `${JSON.stringify(delta)} is not a whole number of units (e.g. 5 or -3)`, productId: id });
      else if (Number(delta) !== 0) rec.stockDelta = { ...(rec.stockDelta ?? {}), [String(sku.skuId)]: Number(delta) };
    }
    doc.skus.push(sku);
    rec.skuLines!.push(line);
  }
  // A product's spec dimensions are the spec columns it fills in (the CSV may hold other products' too).
  for (const rec of records) {
    const doc = rec.doc as { specs: { name: string; values: string[] }[]; skus: { specValues: string[] }[] };
    const used = doc.specs.map((dim) => dim.values.length > 0);
    doc.specs = doc.specs.filter((_, d) => used[d]);
    for (const sku of doc.skus) sku.specValues = sku.specValues.filter((_, d) => used[d]);
    rec.specColumns = specColumns.filter((_, d) => used[d]);
    const order = specOrders.get(String(rec.doc._id));
    if (!order) continue;
    const names = doc.specs.map((dim) => dim.name);
    if (order.names.length !== names.length || !order.names.every((n) => names.includes(n))) {
      problems.push({ line: order.line, field: 'specOrder', problem: `must name the product's spec columns (${names.join('|')}) once each`, productId: String(rec.doc._id) });
      continue;
    }
    const from = order.names.map((n) => names.indexOf(n));
    doc.specs = from.map((d) => doc.specs[d]);
    for (const sku of doc.skus) sku.specValues = from.map((d) => sku.specValues[d]);
    rec.specColumns = from.map((d) => (rec.specColumns as string[])[d]);
  }
  return { records, problems };
}

function parseCsvHeader(text: string): string[] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  try {
    const rows = parseCsv(first, { bom: true, trim: true }) as string[][];
    return rows[0] ?? [];
  } catch {
    return [];
  }
}

function yuanCell(cell: string | undefined, required: boolean): { fen?: number; problem?: string } {
  const text = (cell ?? '').trim();
  if (text === '') return required ? { problem: 'is missing; write the price in yuan, e.g. 59.00' } : {};
  const fen = parseYuan(text);
  if (fen === null) return { problem: `${JSON.stringify(text)} is not an amount in yuan (at most two decimals, e.g. 59.00)` };
  return { fen };
}

function jsonDelta(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const out: Record<string, number> = {};
  for (const [skuId, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || Math.abs(n) > 1_000_000) return null;
    if (n !== 0) out[skuId] = n;
  }
  return out;
}

export interface ValidationResult {
  products: Product[];
  /** productId → its stock deltas, for the products that have any. */
  stockDeltas: Map<string, Record<string, number>>;
  problems: RowProblem[];
  warnings: RowProblem[];
}

/**
 * Validates every record with normalizeProduct. Missing `createdAt`/`updatedAt` become `now`; JSON
 * products without `_id` get a generated one. Duplicate ids in the file are problems.
 */
export function validateRecords(records: ParsedRecord[], now = Date.now(), newId = defaultId): ValidationResult {
  const products: Product[] = [];
  const problems: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const stockDeltas = new Map<string, Record<string, number>>();
  const seen = new Map<string, number>();
  for (const rec of records) {
    const doc = { ...rec.doc };
    if (doc.stockDelta !== undefined) {
      const delta = jsonDelta(doc.stockDelta);
      if (delta === null) problems.push({ line: rec.line, field: 'stockDelta', problem: 'must map SKU ids to whole numbers of units, e.g. {"s1": 5}', productId: typeof doc._id === 'string' ? doc._id : null });
      else rec.stockDelta = delta;
      delete doc.stockDelta;
    }
    if (doc._id === undefined || doc._id === null || doc._id === '') doc._id = newId();
    if (doc.createdAt === undefined || doc.createdAt === null) doc.createdAt = now;
    if (doc.updatedAt === undefined || doc.updatedAt === null) doc.updatedAt = now;
    const id = typeof doc._id === 'string' ? doc._id : null;
    const result = normalizeProduct(doc);
    const cellProblems = rec.cellProblems ?? [];
    // A price cell that could not be read leaves the SKU without a price: report the cell, not the gap.
    const covered = new Set(cellProblems.map((p) => `${p.line}|price`));
    problems.push(...cellProblems);
    if (id !== null) {
      const first = seen.get(id);
      if (first !== undefined) problems.push({ line: rec.line, field: '_id', problem: `"${id}" is used again (first on line ${first})`, productId: id });
      else seen.set(id, rec.line);
    }
    if (!result.ok) {
      for (const p of result.problems) {
        const mapped = mapProblem(rec, p);
        if (mapped.field === 'price' && covered.has(`${mapped.line}|price`)) continue;
        problems.push({ ...mapped, productId: id });
      }
    } else {
      for (const w of result.warnings) warnings.push({ ...mapProblem(rec, w), productId: id });
      products.push(result.product);
      if (rec.stockDelta && Object.keys(rec.stockDelta).length > 0) stockDeltas.set(result.product._id, rec.stockDelta);
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { products, stockDeltas, problems, warnings };
}

/** For CSV, turns `skus[2].price` into the SKU row's line and its column. */
function mapProblem(rec: ParsedRecord, p: FieldProblem): RowProblem {
  if (!rec.skuLines) return { line: rec.line, field: p.field, problem: p.problem };
  const m = /^skus\[(\d+)\](?:\.(\w+))?(?:\[(\d+)\])?/.exec(p.field);
  if (m) {
    const line = rec.skuLines[Number(m[1])] ?? rec.line;
    if (m[2] === 'specValues' && m[3] !== undefined) return { line, field: rec.specColumns?.[Number(m[3])] ?? p.field, problem: p.problem };
    return { line, field: m[2] ?? p.field, problem: p.problem };
  }
  const s = /^specs\[(\d+)\]/.exec(p.field);
  if (s) return { line: rec.line, field: rec.specColumns?.[Number(s[1])] ?? p.field, problem: p.problem };
  return { line: rec.line, field: p.field, problem: p.problem };
}

let idCounter = 0;
function defaultId(): string {
  idCounter += 1;
  return `p${Date.now().toString(36)}${idCounter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface WriteOptions {
  /** Update products whose id already exists, in place (default: an existing id is refused). */
  upsert?: boolean;
  /** Makes stock deltas idempotent: the same key (the file's digest) applies a product's delta once. */
  importKey?: string;
  stockDeltas?: Map<string, Record<string, number>>;
  onProgress?: (done: number, total: number) => void;
  batchSize?: number;
  concurrency?: number;
  /** Test hook: fail the import after this many products were sent. */
  failAfter?: number;
}

export class ImportFailed extends Error {
  constructor(
    message: string,
    /** Products written before the failure (created or updated). */
    readonly written: number,
  ) {
    super(message);
  }
}

/** Ids among `ids` that exist in `collection`. */
export async function existingIds(cloud: Cloud, collection: string, ids: string[]): Promise<Set<string>> {
  const _ = cloud.db.command;
  const found = new Set<string>();
  // 500 ids per query: small enough for an index lookup (the local cloud pushes `$in` of ≤ 500 down to SQL).
  await pool(chunk(ids, 500), 4, async (part) => {
    const res = (await cloud.db.collection(collection).where({ _id: _.in(part) }).field({ _id: true }).limit(1000).get()) as { data?: { _id: string }[] };
    throwIfCode(res);
    for (const d of res.data ?? []) found.add(d._id);
  });
  return found;
}

export interface WriteResult {
  inserted: number;
  updated: number;
  /** Products the merchant function refused (e.g. a delta that would take stock below 0). */
  refused: ImportOutcome[];
}

/**
 * Writes the products through the merchant function, in batches: new products are created with their
 * stock as the opening balance, existing ones (with `upsert`) are updated in place, keeping what
 * shoppers reserved and bought; their stock moves only by the file's deltas. Nothing is deleted, so a
 * product is never missing mid-checkout. A failed batch stops the import (ImportFailed); running the
 * same file again with `upsert` finishes it, and with the same `importKey` no delta is applied twice.
 */
export async function writeProducts(cloud: Cloud, products: Product[], options: WriteOptions = {}): Promise<WriteResult> {
  const total = products.length;
  let sent = 0;
  let done = 0;
  const result: WriteResult = { inserted: 0, updated: 0, refused: [] };
  try {
    await pool(chunk(products, options.batchSize ?? 100), options.concurrency ?? 4, async (batch) => {
      sent += batch.length;
      if (options.failAfter !== undefined && sent > options.failAfter) throw new Error(`simulated write failure after ${options.failAfter} products`);
      const items: ImportItem[] = batch.map((product) => {
        const delta = options.stockDeltas?.get(product._id);
        return { product: product as unknown as Record<string, unknown>, ...(delta ? { stockDelta: delta } : {}) };
      });
      const reply = await callMerchant(cloud, 'importProducts', { items, ...(options.upsert ? { upsert: true } : {}), ...(options.importKey ? { importKey: options.importKey } : {}) });
      const { outcomes } = dataOf(reply);
      for (const outcome of outcomes) {
        if (outcome.result === 'created') result.inserted += 1;
        else if (outcome.result === 'updated' || outcome.result === 'unchanged') result.updated += 1;
        else result.refused.push(outcome);
      }
      done += batch.length;
      options.onProgress?.(done, total);
    });
  } catch (error) {
    throw new ImportFailed(`import stopped: ${(error as Error).message}`, result.inserted + result.updated);
  }
  return result;
}

/* ------------------------------------------------------------------ export */

export const PRODUCT_CSV_COLUMNS = ['_id', 'title', 'description', 'categoryId', 'images', 'status', 'sales', 'skuId', 'price', 'originalPrice', 'stock', 'specOrder', 'searchTerms', 'stockDelta'];

/** Products as CSV, one row per SKU (the import layout). Broken documents are exported as far as they can be read. */
export function productsToCsv(docs: Record<string, unknown>[]): string {
  const dims: string[] = [];
  for (const d of docs) {
    const specs = Array.isArray(d.specs) ? d.specs : [];
    for (const s of specs) if (isRecord(s) && typeof s.name === 'string' && !dims.includes(s.name)) dims.push(s.name);
  }
  const header = [...PRODUCT_CSV_COLUMNS.slice(0, 8), ...dims.map((n) => `spec:${n}`), ...PRODUCT_CSV_COLUMNS.slice(8)];
  const rows: unknown[][] = [header];
  for (const d of docs) {
    const specs = (Array.isArray(d.specs) ? d.specs : []).filter(isRecord);
    const skus = (Array.isArray(d.skus) && d.skus.length > 0 ? d.skus : [{}]).map((s) => (isRecord(s) ? s : {}));
    const names = specs.map((s) => s.name).filter((n): n is string => typeof n === 'string');
    // Only when the columns' order would reorder this product's dimensions.
    const specOrder = names.join('|') === dims.filter((n) => names.includes(n)).join('|') ? '' : names.join('|');
    skus.forEach((sku) => {
      const specValues = Array.isArray(sku.specValues) ? sku.specValues : [];
      const spec = dims.map((name) => {
        const at = specs.findIndex((s) => s.name === name);
        return at >= 0 ? cell(specValues[at]) : '';
      });
      rows.push([
        cell(d._id),
        cell(d.title),
        cell(d.description),
        cell(d.categoryId),
        Array.isArray(d.images) ? d.images.map(cell).join('|') : cell(d.images),
        cell(d.status),
        cell(d.sales),
        cell(sku.skuId),
        ...spec,
        yuan(sku.price),
        yuan(sku.originalPrice),
        cell(sku.stock),
        specOrder,
        Array.isArray(d.searchTerms) ? d.searchTerms.map(cell).join('|') : cell(d.searchTerms),
        '',
      ]);
    });
  }
  return stringifyCsv(rows);
}

function yuan(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'number' && Number.isSafeInteger(value) ? fenToYuanString(value) : cell(value);
}

export const ORDER_CSV_COLUMNS = ['_id', 'status', 'createdAt', 'paidAt', 'shippedAt', 'trackingNo', 'itemsTotal', 'shippingFee', 'total', 'lines', 'name', 'phone', 'address', 'remark', 'campaign', 'channel', 'store', 'sceneCode'];

/** Orders as CSV, one row per order; amounts in yuan, times as ISO text, no owner id. */
export function ordersToCsv(docs: Record<string, unknown>[]): string {
  const rows: unknown[][] = [ORDER_CSV_COLUMNS];
  for (const o of docs) {
    const address = isRecord(o.address) ? o.address : {};
    const attribution = isRecord(o.attribution) ? o.attribution : {};
    const lines = (Array.isArray(o.lines) ? o.lines : []).filter(isRecord).map((l) => `${cell(l.title)}${l.specText ? ` (${cell(l.specText)})` : ''} ×${cell(l.qty)}`);
    rows.push([
      cell(o._id),
      cell(o.status),
      isoTime(o.createdAt),
      isoTime(o.paidAt),
      isoTime(o.shippedAt),
      cell(o.trackingNo),
      yuan(o.itemsTotal),
      yuan(o.shippingFee),
      yuan(o.total),
      lines.join('; '),
      cell(address.name),
      cell(address.phone),
      [address.province, address.city, address.district, address.detail].filter((s) => typeof s === 'string' && s).join(' '),
      cell(o.remark),
      cell(attribution.campaign),
      cell(attribution.channel),
      cell(attribution.store),
      cell(attribution.sceneCode),
    ]);
  }
  return stringifyCsv(rows);
}

/** One document per line, EJSON relaxed (dates as {"$date": ...}), as the cloud console imports. */
export function toJsonLines(docs: Record<string, unknown>[]): string {
  return docs.map((d) => EJSON.stringify(d, { relaxed: true })).join('\n') + (docs.length > 0 ? '\n' : '');
}

function isoTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  return cell(value);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
