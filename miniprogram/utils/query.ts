/** Builds `a=1&b=2` with each value URL-encoded (page paths carry ids and codes only). */
export function toQueryString(query: Record<string, string | number | undefined>): string {
  return Object.keys(query)
    .filter((key) => query[key] !== undefined && query[key] !== '')
    .map((key) => `${key}=${encodeURIComponent(String(query[key]))}`)
    .join('&');
}

export function pagePath(page: string, query: Record<string, string | number | undefined>): string {
  const qs = toQueryString(query);
  const path = page.charAt(0) === '/' ? page : `/${page}`;
  return qs ? `${path}?${qs}` : path;
}
