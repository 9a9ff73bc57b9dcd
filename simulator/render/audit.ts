// The "体验评分" (Audits) panel's WXML rules, measured on a live page: how many nodes the page's
// rendered tree holds (every element, component hosts and their internals included), how deep it
// goes and the most children one node has; and how big each setData payload was. DevTools' rules:
// fewer than 1,000 nodes, depth under 30, at most 60 children per node
// (https://developers.weixin.qq.com/miniprogram/dev/framework/audits/scoring.md).

export interface TreeAudit {
  nodes: number;
  depth: number;
  maxChildren: number;
  /** the element with the most children: its tag and class, to find it */
  widest: string;
}

/** Walks the rendered tree under `root` (the page's own element is depth 1). */
export function auditTree(root: Element): TreeAudit {
  const out: TreeAudit = { nodes: 0, depth: 0, maxChildren: 0, widest: '' };
  const stack: [Element, number][] = [[root, 1]];
  while (stack.length) {
    const [el, depth] = stack.pop()!;
    out.nodes += 1;
    if (depth > out.depth) out.depth = depth;
    const kids = el.children;
    if (kids.length > out.maxChildren) {
      out.maxChildren = kids.length;
      out.widest = `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''}`;
    }
    for (let i = 0; i < kids.length; i += 1) stack.push([kids[i], depth + 1]);
  }
  return out;
}

export interface SetDataStats {
  calls: number;
  /** bytes of the largest payload (UTF-8 JSON, what crosses to the view layer) */
  maxBytes: number;
  lastBytes: number;
  totalBytes: number;
}

export function emptySetDataStats(): SetDataStats {
  return { calls: 0, maxBytes: 0, lastBytes: 0, totalBytes: 0 };
}

export function recordSetData(stats: SetDataStats, data: unknown): void {
  let bytes = 0;
  try {
    bytes = Buffer.byteLength(JSON.stringify(data) ?? '', 'utf8');
  } catch {
    bytes = 0; // a cyclic payload fails in setData itself
  }
  stats.calls += 1;
  stats.lastBytes = bytes;
  stats.totalBytes += bytes;
  if (bytes > stats.maxBytes) stats.maxBytes = bytes;
}
