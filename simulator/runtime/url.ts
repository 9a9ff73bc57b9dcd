// Mini-program URL handling: routes are root-relative without the leading slash and without
// extension; query values stay URL-encoded strings (as the base library passes them to onLoad).
import path from 'path';

export function parseQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!qs) return out;
  for (const part of qs.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    if (i < 0) out[part] = '';
    else out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

export function resolveUrl(url: string, currentRoute: string | undefined): { route: string; query: Record<string, string>; queryString: string } {
  const [rawPath, ...rest] = url.split('?');
  const queryString = rest.join('?');
  let route: string;
  if (rawPath.startsWith('/')) route = rawPath.slice(1);
  else route = path.posix.normalize(path.posix.join(path.posix.dirname(currentRoute ?? ''), rawPath));
  route = route.replace(/\.(html|js|ts|wxml)$/, '').replace(/^\.\//, '');
  return { route, query: parseQuery(queryString), queryString };
}
