/**
 * A shopper's address book: the rules of adding, editing, deleting and choosing the default, on a book
 * held as one value (the server keeps it as one document per shopper, so every change is one write and
 * two concurrent changes conflict instead of both passing the limit or leaving two defaults). Pure.
 */
import type { Address, SavedAddress } from '../../typings/domain';
import { checkAddress } from './address';

/** How many addresses a shopper may keep. */
export const ADDRESS_BOOK_LIMIT = 20;

export type StoredAddress = Omit<SavedAddress, 'isDefault'>;

export interface AddressBook {
  entries: StoredAddress[];
  /** The default entry's id ('' only for an empty book). */
  defaultId: string;
}

export type AddressBookProblem = 'ADDRESS_BOOK_FULL' | 'ADDRESS_NOT_FOUND';

export type BookChange = { ok: true; book: AddressBook; id: string } | { ok: false; problem: AddressBookProblem };

export const EMPTY_BOOK: AddressBook = { entries: [], defaultId: '' };

const ADDRESS_KEYS: (keyof Address)[] = ['name', 'phone', 'province', 'city', 'district', 'detail', 'postalCode'];

/** Same recipient, phone and place (after the address rule cleaned both). */
export function sameAddress(a: Address, b: Address): boolean {
  return ADDRESS_KEYS.every((key) => (a[key] || '') === (b[key] || ''));
}

function addressOf(entry: Address): Address {
  const out: Address = { name: entry.name, phone: entry.phone, province: entry.province, city: entry.city, district: entry.district, detail: entry.detail };
  if (entry.postalCode) out.postalCode = entry.postalCode;
  return out;
}

/** The entry's default is kept only while the entry exists; otherwise the most recently saved one is. */
function withDefault(entries: StoredAddress[], wanted: string): AddressBook {
  if (entries.some((e) => e.id === wanted)) return { entries, defaultId: wanted };
  const latest = entries.reduce<StoredAddress | null>((best, e) => (!best || e.updatedAt > best.updatedAt ? e : best), null);
  return { entries, defaultId: latest ? latest.id : '' };
}

/**
 * Adds `address` under `newId`, or refreshes the identical entry already there, or (with `id`) edits that
 * entry. `address` has passed the address rule.
 */
export function saveToBook(book: AddressBook, input: { id?: string; address: Address; makeDefault?: boolean }, newId: string, at: number): BookChange {
  const fields = addressOf(input.address);
  let id: string;
  let entries: StoredAddress[];
  if (input.id !== undefined) {
    if (!book.entries.some((e) => e.id === input.id)) return { ok: false, problem: 'ADDRESS_NOT_FOUND' };
    id = input.id;
    entries = book.entries.map((e) => (e.id === id ? { id, ...fields, createdAt: e.createdAt, updatedAt: at } : e));
  } else {
    const same = book.entries.find((e) => sameAddress(e, fields));
    if (same) {
      id = same.id;
      entries = book.entries.map((e) => (e.id === id ? { ...e, updatedAt: at } : e));
    } else {
      if (book.entries.length >= ADDRESS_BOOK_LIMIT) return { ok: false, problem: 'ADDRESS_BOOK_FULL' };
      id = newId;
      entries = book.entries.concat([{ id, ...fields, createdAt: at, updatedAt: at }]);
    }
  }
  return { ok: true, id, book: withDefault(entries, input.makeDefault || !book.defaultId ? id : book.defaultId) };
}

export function removeFromBook(book: AddressBook, id: string): BookChange {
  if (!book.entries.some((e) => e.id === id)) return { ok: false, problem: 'ADDRESS_NOT_FOUND' };
  return { ok: true, id, book: withDefault(book.entries.filter((e) => e.id !== id), book.defaultId) };
}

export function setBookDefault(book: AddressBook, id: string): BookChange {
  if (!book.entries.some((e) => e.id === id)) return { ok: false, problem: 'ADDRESS_NOT_FOUND' };
  return { ok: true, id, book: { entries: book.entries, defaultId: id } };
}

/** The book as shown: the default first, then the most recently saved. */
export function bookAddresses(book: AddressBook): SavedAddress[] {
  return book.entries
    .map((e) => ({ ...e, isDefault: e.id === book.defaultId }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const time = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);

/**
 * A stored book as read back. Documents can be edited by hand in the console: entries that no longer
 * pass the address rule, or lack an id, are left out rather than shown or shipped to.
 */
export function readBook(doc: unknown): AddressBook {
  if (!doc || typeof doc !== 'object') return EMPTY_BOOK;
  const raw = doc as { entries?: unknown; defaultId?: unknown };
  const entries: StoredAddress[] = [];
  for (const item of Array.isArray(raw.entries) ? raw.entries : []) {
    if (!item || typeof item !== 'object') continue;
    const e = item as Record<string, unknown>;
    const checked = checkAddress(e);
    if (!checked.ok || typeof e.id !== 'string' || !ENTRY_ID.test(e.id) || entries.some((x) => x.id === e.id)) continue;
    entries.push({ id: e.id, ...checked.address, createdAt: time(e.createdAt), updatedAt: time(e.updatedAt) });
  }
  return withDefault(entries, typeof raw.defaultId === 'string' ? raw.defaultId : '');
}
