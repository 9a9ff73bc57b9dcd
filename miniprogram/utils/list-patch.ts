/**
 * setData patches that turn the rendered list `prev` into `next` while keeping every patch under
 * `budget` bytes of JSON: unchanged items are not sent, changed ones go by path key (`lines[3]`),
 * and a list that shrank or was reordered is replaced in chunks (first chunk by value, the rest by
 * path key). Returns at least one patch (possibly empty) so callers can attach their other fields.
 */
export function listPatches<T extends { key: string }>(field: string, prev: readonly T[], next: readonly T[], budget = 8 * 1024): Record<string, unknown>[] {
  const patches: Record<string, unknown>[] = [];
  let current: Record<string, unknown> = {};
  let size = 0;
  const push = (key: string, value: unknown) => {
    const bytes = utf8Length(JSON.stringify(value)) + key.length + 4;
    if (size > 0 && size + bytes > budget) {
      patches.push(current);
      current = {};
      size = 0;
    }
    current[key] = value;
    size += bytes;
  };
  const sameOrder = next.length >= prev.length && prev.every((item, i) => item.key === next[i].key);
  if (!sameOrder) {
    // Replacement: the first chunk sets the array itself (dropping old items), the rest extend it.
    let first = 0;
    let firstSize = 0;
    while (first < next.length) {
      const bytes = utf8Length(JSON.stringify(next[first])) + 1;
      if (first > 0 && firstSize + bytes > budget) break;
      firstSize += bytes;
      first += 1;
    }
    push(field, next.slice(0, first));
    for (let i = first; i < next.length; i += 1) push(`${field}[${i}]`, next[i]);
  } else {
    for (let i = 0; i < next.length; i += 1) {
      if (i >= prev.length || JSON.stringify(prev[i]) !== JSON.stringify(next[i])) push(`${field}[${i}]`, next[i]);
    }
  }
  patches.push(current);
  return patches;
}

/** Bytes of a string in UTF-8 (what the 16 KB budget counts), without Buffer or TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
