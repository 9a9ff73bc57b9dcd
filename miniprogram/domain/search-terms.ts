/**
 * Search terms: the one tokenizer used both to index a product (its `keywords` field) and to read
 * what a shopper typed, so a query matches a product exactly when every query token is among the
 * product's keywords (`_.all` over an indexed array field).
 *
 * Why character n-grams and not a word segmenter: a dictionary segmenter (jieba and its ports) either
 * ships a native binary (which neither the mini program nor a bundled cloud function can load) or a
 * multi-megabyte dictionary, and it would still miss what shoppers type: it keeps 马克杯 as one word,
 * so 杯 or 克杯 would find nothing. Character unigrams and bigrams need no dictionary, behave the same
 * in every runtime, and find any run of Chinese characters that appears in the product's text. What
 * n-grams cannot find is a word the product's text does not contain (杯子, 水杯 for a 马克杯): that is
 * what the merchant's search terms (`searchTerms`) are for; they are indexed like the title.
 *
 * Index side: each run of Chinese characters gives its single characters and its bigrams; each latin
 * or digit word gives itself lowercased plus its letter and number parts (iPhone15 → iphone15, iphone,
 * 15; 1.5L → 1.5l, 1.5, l). Query side: a one-character run gives that character, a longer run its
 * bigrams; a latin word gives itself. Text is NFKC-normalized first, so full-width ＩＰｈｏｎｅ is iphone.
 */
import type { Product } from '../../typings/domain';

/** At most this many keywords per product (a 100-character Chinese title gives about 200). */
export const MAX_KEYWORDS = 600;
/** At most this many tokens are read from one query: enough for any real search, bounded work. */
export const MAX_QUERY_TOKENS = 12;
/** Merchant search terms: how many, and how long each. */
export const SEARCH_TERM_LIMITS = { count: 20, length: 20 };

// Han ideographs (basic block, extension A, compatibility ideographs) and latin/digit words, where
// a word may hold decimal points (1.5L, 15.6) but no other punctuation.
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;
const WORD = /[0-9a-z]+(?:\.[0-9a-z]+)*/g;
const WORD_PARTS = /[0-9]+(?:\.[0-9]+)*|[a-z]+/g;
/** Latin words longer than this are cut: no one types them, and they would bloat the index. */
const MAX_WORD = 32;

function prepare(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function hanRuns(text: string): string[] {
  return text.match(HAN) || [];
}

function latinWords(text: string): string[] {
  // Han characters separate words too (iPhone手机壳 → iphone).
  return (text.replace(HAN, ' ').match(WORD) || []).map((w) => w.slice(0, MAX_WORD));
}

function bigrams(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(chars[i] + chars[i + 1]);
  return out;
}

/** Every keyword one piece of product text contributes to the index. */
export function indexTokens(text: string): string[] {
  const s = prepare(text);
  const out = new Set<string>();
  for (const run of hanRuns(s)) {
    for (const ch of Array.from(run)) out.add(ch);
    for (const bg of bigrams(run)) out.add(bg);
  }
  for (const word of latinWords(s)) {
    out.add(word);
    for (const part of word.match(WORD_PARTS) || []) out.add(part);
  }
  return [...out];
}

/**
 * The tokens a query must all match, in the order typed, without repeats. Empty when the query holds
 * nothing searchable (only punctuation or symbols): such a search finds nothing.
 */
export function queryTokens(query: string): string[] {
  const s = prepare(query);
  const out = new Set<string>();
  for (const run of hanRuns(s)) {
    const chars = Array.from(run);
    if (chars.length === 1) out.add(chars[0]);
    else for (const bg of bigrams(run)) out.add(bg);
  }
  for (const word of latinWords(s)) out.add(word);
  return [...out].slice(0, MAX_QUERY_TOKENS);
}

/** What a product is found by: its title, its category's name, its spec values and the merchant's search terms. */
export interface SearchableText {
  title: string;
  categoryName?: string;
  specs: Pick<Product, 'specs'>['specs'];
  searchTerms?: string[];
}

/** The `keywords` array stored in a product document, sorted so an unchanged product yields an equal array. */
export function productKeywords(p: SearchableText): string[] {
  const texts = [p.title, p.categoryName || '', ...p.specs.flatMap((d) => d.values), ...(p.searchTerms || [])];
  const out = new Set<string>();
  for (const text of texts) for (const token of indexTokens(text)) out.add(token);
  // Cut before sorting, so a long product keeps the keywords of its title (read first).
  return [...out].slice(0, MAX_KEYWORDS).sort();
}

/** A product document ready to store: the product plus its `keywords`, computed from the category names known. */
export function withKeywords<P extends Pick<Product, 'title' | 'categoryId' | 'specs' | 'searchTerms'>>(product: P, categoryNames: ReadonlyMap<string, string>): P & { keywords: string[] } {
  return { ...product, keywords: productKeywords({ ...product, categoryName: categoryNames.get(product.categoryId) }) };
}

/** Same keywords in the same order (as productKeywords gives them): a stored index that is still current. */
export function sameKeywords(stored: unknown, fresh: string[]): boolean {
  return Array.isArray(stored) && stored.length === fresh.length && stored.every((k, i) => k === fresh[i]);
}
