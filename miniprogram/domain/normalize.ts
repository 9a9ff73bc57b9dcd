import type { FieldProblem, Product, ProductThumb, ShelfStatus, Sku, SpecDimension } from '../../typings/domain';
import { MAX_FEN } from './money';
import { SEARCH_TERM_LIMITS } from './search-terms';
import { idProblem } from './ids';

/**
 * Turns a product document as it sits in the database (merchants edit these by hand in the cloud
 * console) into a valid Product, or into the precise list of what is wrong with it. Never throws.
 */
export type NormalizeResult =
  | { ok: true; product: Product; warnings: FieldProblem[] }
  | { ok: false; productId: string | null; problems: FieldProblem[] };

export const SHELF_STATUSES: readonly ShelfStatus[] = ['on_shelf', 'off_shelf'];
export const LIMITS = { title: 100, description: 5000, images: 20, specs: 3, specValues: 30, skus: 200, stock: 1_000_000 };

const KNOWN_FIELDS = new Set([
  '_id', '_openid', 'title', 'description', 'categoryId', 'images', 'specs', 'skus', 'status', 'sales', 'price',
  'createdAt', 'updatedAt', 'revision', 'contentRevision', 'renamedFrom',
  // Units checkouts hold while they write their orders (server/stock-holds.ts).
  'holds',
  // Search: the merchant's terms, and the keyword index computed from them and the product's text.
  'searchTerms', 'keywords',
  // Card-sized copies of the images (merchant tools write them; a bad entry is dropped, the image shows instead).
  'thumbs',
]);
/** `reserved` (held by unpaid orders) and `sold` (paid) are the stock ledger's; missing means 0. */
const KNOWN_SKU_FIELDS = new Set(['skuId', 'specValues', 'price', 'originalPrice', 'stock', 'reserved', 'sold']);

export function normalizeProduct(doc: unknown): NormalizeResult {
  const problems: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const fail = (field: string, problem: string) => problems.push({ field, problem });

  if (!isRecord(doc)) {
    return { ok: false, productId: null, problems: [{ field: '', problem: `expected a document (object), got ${describe(doc)}` }] };
  }
  const id = nonEmptyString(doc._id);
  if (id === null) fail('_id', `must be a non-empty string, got ${describe(doc._id)}`);
  else if (idProblem(id)) fail('_id', idProblem(id) as string);

  const title = nonEmptyString(doc.title);
  if (title === null) fail('title', `is required (non-empty text), got ${describe(doc.title)}`);
  else if (title.length > LIMITS.title) fail('title', `is ${title.length} characters; at most ${LIMITS.title}`);

  let description = '';
  if (doc.description !== undefined && doc.description !== null) {
    if (typeof doc.description !== 'string') fail('description', `must be text, got ${describe(doc.description)}`);
    else if (doc.description.length > LIMITS.description) fail('description', `is longer than ${LIMITS.description} characters`);
    else description = doc.description;
  }

  const categoryId = nonEmptyString(doc.categoryId);
  if (categoryId === null) fail('categoryId', `is required (non-empty text), got ${describe(doc.categoryId)}`);

  const images = normalizeImages(doc.images, fail);
  const specs = normalizeSpecs(doc.specs, fail);
  const skus = specs === null ? null : normalizeSkus(doc.skus, specs, fail, warnings);

  let status: ShelfStatus | null = null;
  if (typeof doc.status === 'string' && (SHELF_STATUSES as readonly string[]).includes(doc.status)) {
    status = doc.status as ShelfStatus;
  } else {
    fail('status', `must be one of ${SHELF_STATUSES.join(', ')}, got ${describe(doc.status)}`);
  }

  let sales = 0;
  if (doc.sales !== undefined && doc.sales !== null) {
    if (isNonNegativeInteger(doc.sales)) sales = doc.sales;
    else fail('sales', `must be a whole number ≥ 0, got ${describe(doc.sales)}`);
  }

  // A bad search term only costs findability, never the sale: a warning, and the term is left out.
  const searchTerms = normalizeSearchTerms(doc.searchTerms, (field, problem) => warnings.push({ field, problem: `${problem}; left out of search` }));
  if (doc.revision !== undefined && doc.revision !== null && !isNonNegativeInteger(doc.revision)) {
    fail('revision', `must be a whole number ≥ 0 (the product's revision counter), got ${describe(doc.revision)}`);
  }

  const createdAt = toMillis(doc.createdAt);
  const updatedAt = toMillis(doc.updatedAt);
  if (createdAt === null) fail('createdAt', `must be a date or a timestamp in ms, got ${describe(doc.createdAt)}`);
  if (updatedAt === null) fail('updatedAt', `must be a date or a timestamp in ms, got ${describe(doc.updatedAt)}`);

  for (const key of Object.keys(doc)) {
    if (!KNOWN_FIELDS.has(key)) warnings.push({ field: key, problem: 'unknown field, ignored' });
  }

  if (problems.length > 0 || id === null || title === null || categoryId === null || images === null || specs === null || skus === null || status === null) {
    return { ok: false, productId: id, problems };
  }

  const price = Math.min(...skus.map((sku) => sku.price));
  if (doc.price !== undefined && doc.price !== price) {
    warnings.push({ field: 'price', problem: `is ${describe(doc.price)} but the lowest SKU price is ${price}; listings sort by the stored value` });
  }
  const product: Product = {
    _id: id,
    title,
    description,
    categoryId,
    images,
    specs,
    skus,
    status,
    sales,
    price,
    createdAt: createdAt != null ? createdAt : 0,
    updatedAt: updatedAt != null ? updatedAt : createdAt != null ? createdAt : 0,
  };
  if (searchTerms.length > 0) product.searchTerms = searchTerms;
  const thumbs = normalizeThumbs(doc.thumbs, images, (field, problem) => warnings.push({ field, problem: `${problem}; the card shows the image itself` }));
  if (thumbs.length > 0) product.thumbs = thumbs;
  return { ok: true, product, warnings };
}

type Fail = (field: string, problem: string) => void;

function normalizeImages(value: unknown, fail: Fail): string[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    fail('images', `needs at least one image URL or fileID, got ${describe(value)}`);
    return null;
  }
  if (value.length > LIMITS.images) fail('images', `has ${value.length} images; at most ${LIMITS.images}`);
  const images: string[] = [];
  value.forEach((image, i) => {
    const url = nonEmptyString(image);
    if (url === null) fail(`images[${i}]`, `must be a URL or cloud fileID, got ${describe(image)}`);
    else images.push(url);
  });
  return images.length === value.length ? images : null;
}

/**
 * Optional thumbnails, one per image at most: `{ image, thumb }` where `image` is one of the product's
 * images. Anything else (a thumb of an image since removed, a number, a missing field) only costs the
 * small picture, never the sale: a warning, and the card falls back to the image.
 */
function normalizeThumbs(value: unknown, images: string[], warn: Fail): ProductThumb[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warn('thumbs', `must be a list of {image, thumb}, got ${describe(value)}`);
    return [];
  }
  const thumbs: ProductThumb[] = [];
  value.forEach((entry, i) => {
    const image = isRecord(entry) ? nonEmptyString(entry.image) : null;
    const thumb = isRecord(entry) ? nonEmptyString(entry.thumb) : null;
    if (image === null || thumb === null) warn(`thumbs[${i}]`, `must be {image, thumb} with two file ids, got ${describe(entry)}`);
    else if (!images.includes(image)) warn(`thumbs[${i}].image`, `${describe(image)} is not one of the product's images`);
    else if (thumbs.some((t) => t.image === image)) warn(`thumbs[${i}].image`, `${describe(image)} has a thumbnail already`);
    else thumbs.push({ image, thumb });
  });
  return thumbs;
}

/** Optional merchant search terms: a list of short texts, trimmed, without repeats. */
function normalizeSearchTerms(value: unknown, warn: Fail): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warn('searchTerms', `must be a list of words, got ${describe(value)}`);
    return [];
  }
  const terms: string[] = [];
  value.forEach((term, i) => {
    const text = nonEmptyString(term);
    if (i >= SEARCH_TERM_LIMITS.count) warn(`searchTerms[${i}]`, `is beyond the first ${SEARCH_TERM_LIMITS.count} terms`);
    else if (text === null) warn(`searchTerms[${i}]`, `must be non-empty text, got ${describe(term)}`);
    else if (text.length > SEARCH_TERM_LIMITS.length) warn(`searchTerms[${i}]`, `is ${text.length} characters; at most ${SEARCH_TERM_LIMITS.length}`);
    else if (!terms.includes(text)) terms.push(text);
  });
  return terms;
}

function normalizeSpecs(value: unknown, fail: Fail): SpecDimension[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    fail('specs', `must be a list of {name, values}, got ${describe(value)}`);
    return null;
  }
  if (value.length > LIMITS.specs) fail('specs', `has ${value.length} dimensions; at most ${LIMITS.specs}`);
  const specs: SpecDimension[] = [];
  const names = new Set<string>();
  let broken = false;
  value.forEach((dim, i) => {
    const name = isRecord(dim) ? nonEmptyString(dim.name) : null;
    if (!isRecord(dim) || name === null) {
      fail(`specs[${i}].name`, `is required (non-empty text), got ${describe(isRecord(dim) ? dim.name : dim)}`);
      broken = true;
      return;
    }
    if (names.has(name)) fail(`specs[${i}].name`, `"${name}" appears twice`);
    names.add(name);
    const values = dim.values;
    if (!Array.isArray(values) || values.length === 0 || values.length > LIMITS.specValues) {
      fail(`specs[${i}].values`, `must list 1 to ${LIMITS.specValues} values, got ${describe(values)}`);
      broken = true;
      return;
    }
    const seen = new Set<string>();
    values.forEach((v, j) => {
      const text = nonEmptyString(v);
      if (text === null) fail(`specs[${i}].values[${j}]`, `must be non-empty text, got ${describe(v)}`);
      else if (seen.has(text)) fail(`specs[${i}].values[${j}]`, `"${text}" appears twice`);
      else seen.add(text);
    });
    specs.push({ name, values: [...seen] });
  });
  return broken ? null : specs;
}

function normalizeSkus(value: unknown, specs: SpecDimension[], fail: Fail, warnings: FieldProblem[]): Sku[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    fail('skus', `needs at least one SKU, got ${describe(value)}`);
    return null;
  }
  if (value.length > LIMITS.skus) fail('skus', `has ${value.length} SKUs; at most ${LIMITS.skus}`);
  const skus: Sku[] = [];
  const ids = new Set<string>();
  const combos = new Set<string>();
  value.forEach((raw, i) => {
    const at = `skus[${i}]`;
    if (!isRecord(raw)) {
      fail(at, `must be an object, got ${describe(raw)}`);
      return;
    }
    let ok = true;
    const skuId = nonEmptyString(raw.skuId);
    if (skuId === null) {
      fail(`${at}.skuId`, `is required (non-empty text), got ${describe(raw.skuId)}`);
      ok = false;
    } else if (ids.has(skuId)) {
      fail(`${at}.skuId`, `"${skuId}" is used by another SKU`);
      ok = false;
    } else if (idProblem(skuId)) {
      fail(`${at}.skuId`, idProblem(skuId) as string);
      ok = false;
    } else ids.add(skuId);

    const specValues = raw.specValues || [];
    if (!Array.isArray(specValues) || specValues.length !== specs.length) {
      fail(`${at}.specValues`, `must give one value for each of the ${specs.length} spec dimensions, got ${describe(specValues)}`);
      ok = false;
    } else {
      const invalid = specValues.filter((v, d) => {
        const known = typeof v === 'string' && specs[d].values.includes(v);
        if (!known) fail(`${at}.specValues[${d}]`, `${describe(v)} is not a value of "${specs[d].name}" (${specs[d].values.join(', ')})`);
        return !known;
      });
      if (invalid.length > 0) ok = false;
      const combo = JSON.stringify(specValues);
      if (invalid.length === 0 && combos.has(combo)) {
        fail(`${at}.specValues`, `the combination ${specValues.join(' / ') || '(none)'} is used by another SKU`);
        ok = false;
      }
      combos.add(combo);
    }

    const priceProblem = fenProblem(raw.price, true);
    if (priceProblem) {
      fail(`${at}.price`, priceProblem);
      ok = false;
    }
    if (raw.originalPrice !== undefined && raw.originalPrice !== null) {
      const originalProblem = fenProblem(raw.originalPrice, false);
      if (originalProblem) {
        fail(`${at}.originalPrice`, originalProblem);
        ok = false;
      }
    }
    if (raw.stock === undefined || raw.stock === null) {
      fail(`${at}.stock`, 'is missing; set a whole number ≥ 0');
      ok = false;
    } else if (!isNonNegativeInteger(raw.stock) || raw.stock > LIMITS.stock) {
      fail(`${at}.stock`, `must be a whole number from 0 to ${LIMITS.stock}, got ${describe(raw.stock)}`);
      ok = false;
    }
    for (const field of ['reserved', 'sold'] as const) {
      const value = raw[field];
      if (value !== undefined && value !== null && !isNonNegativeInteger(value)) {
        fail(`${at}.${field}`, `must be a whole number ≥ 0 (kept by the stock ledger), got ${describe(value)}`);
        ok = false;
      }
    }
    for (const key of Object.keys(raw)) {
      if (!KNOWN_SKU_FIELDS.has(key)) warnings.push({ field: `${at}.${key}`, problem: 'unknown field, ignored' });
    }
    if (ok && skuId !== null) {
      const sku: Sku = { skuId, specValues: specValues as string[], price: raw.price as number, stock: raw.stock as number };
      if (typeof raw.originalPrice === 'number') sku.originalPrice = raw.originalPrice;
      skus.push(sku);
    }
  });
  return skus.length === value.length ? skus : null;
}

/** Why a value is not a valid amount in fen, or null when it is. */
function fenProblem(value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) return required ? 'is missing; set the price in fen (1250 = ¥12.50)' : null;
  if (typeof value === 'string') {
    const yuan = /^\s*\d+(\.\d{1,2})?\s*$/.test(value) ? Math.round(Number(value) * 100) : null;
    return `must be a number in fen, got the text ${JSON.stringify(value)}${yuan !== null ? ` (for ¥${value.trim()} write ${yuan})` : ''}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number in fen, got ${describe(value)}`;
  if (!Number.isInteger(value)) return `must be whole fen (1250 = ¥12.50), got ${value}`;
  if (value < 1) return `must be at least 1 fen, got ${value}`;
  if (value > MAX_FEN) return `is above the maximum of ${MAX_FEN} fen`;
  return null;
}

function toMillis(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
