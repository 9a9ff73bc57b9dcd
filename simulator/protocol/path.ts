// licia safeGet-style data paths ("a.b[0].c"), as R uses for Page.getData / Element.getData.
export function safeGet(obj: unknown, path: unknown): unknown {
  if (typeof path !== 'string' || !path) return obj;
  const keys = path.replace(/\[(\w+)\]/g, '.$1').split('.').filter(Boolean);
  let cur: unknown = obj;
  for (const k of keys) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
