import { readStorage, writeStorage } from './storage';

/** The shopper's recent searches on this device, newest first. */
const KEY = 'storefront.recentSearches.v1';
export const MAX_RECENT_SEARCHES = 10;

export function recentSearches(): string[] {
  const stored = readStorage(KEY);
  if (!Array.isArray(stored)) return [];
  return stored.filter((s): s is string => typeof s === 'string' && s.trim() !== '').slice(0, MAX_RECENT_SEARCHES);
}

/** Puts a search first (once), keeps the newest ten; returns the list as it is now. */
export function rememberSearch(keyword: string): string[] {
  const text = keyword.trim();
  if (!text) return recentSearches();
  const list = [text, ...recentSearches().filter((s) => s !== text)].slice(0, MAX_RECENT_SEARCHES);
  writeStorage(KEY, list);
  return list;
}

export function clearRecentSearches(): void {
  writeStorage(KEY, []);
}
