/**
 * Long lists on a phone: the real catalog page in the simulator, the real functions on the local cloud.
 * - Scrolled to 500 products, the page stays within DevTools' audit rules (< 1,000 nodes counting
 *   component internals, depth < 30, ≤ 60 children per node) and every setData stays ≤ 16 KB.
 * - The catalog changed mid-scroll (added, taken off the shelf, re-ranked by direct database writes) in
 *   each sort: the session shows no product twice and skips none whose sort key did not change.
 */
import { startCloud, type CloudHandle } from '../helpers/cloud';
import { productDoc, rng } from '../support';
import { startSimulator, type MiniProgram, type Page } from './harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const __headless__: any;

jest.setTimeout(240_000);

const SETDATA_LIMIT = 16 * 1024;
const T0 = Date.UTC(2026, 0, 1);
/** The page's CARD_ROW_RPX (a grid row: card + gap) at a 375 px wide phone. */
const ROW_PX = 516 / 2;

interface Audit {
  route: string;
  nodes: number;
  depth: number;
  maxChildren: number;
  widest: string;
  setData: { calls: number; maxBytes: number };
}

let cloud: CloudHandle;
let sim: { mp: MiniProgram; close(): Promise<void> };

async function importProducts(docs: Record<string, unknown>[]): Promise<void> {
  const r = await cloud.local('POST', '/database/products:import', docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  expect(r.status).toBe(200);
}

/** 400 products in c1, 100 in c2 (the category the mid-scroll sessions browse). */
function catalogDoc(i: number, random: () => number): Record<string, unknown> {
  const id = `p${String(i).padStart(4, '0')}`;
  const price = 100 * (1 + Math.floor(random() * 50));
  return productDoc(id, [{ skuId: 's', price, stock: 10 }], {
    title: `长列表商品 ${i} 号 纯棉基础款`,
    categoryId: i % 5 === 0 ? 'c2' : 'c1',
    sales: Math.floor(random() * 30),
    createdAt: T0 + Math.floor(random() * 400) * 60_000,
  });
}

const audit = (): Promise<Audit> => sim.mp.evaluate(() => __headless__.audit());

function expectWithinRules(a: Audit): void {
  expect({ nodes: a.nodes < 1000, depth: a.depth < 30, children: a.maxChildren <= 60, setData: a.setData.maxBytes <= SETDATA_LIMIT }).toEqual({
    nodes: true,
    depth: true,
    children: true,
    setData: true,
  });
}

async function catalog(): Promise<Page> {
  const page = await sim.mp.currentPage();
  if (!page || page.path !== 'pages/catalog/index') throw new Error(`expected the catalog, on ${page?.path}`);
  return page;
}

/** Ids of the groups on screen now, by group index. */
async function shownGroups(page: Page): Promise<Map<number, string[]>> {
  const groups = (await page.data('groups')) as { key: string; rows: { _id: string }[] | null }[];
  const out = new Map<number, string[]>();
  groups.forEach((g, i) => g.rows && out.set(i, g.rows.map((r) => r._id)));
  return out;
}

/** Loads until the catalog has no more, auditing after every page. */
async function scrollToEnd(page: Page, onPage?: (a: Audit) => void): Promise<number> {
  for (let guard = 0; guard < 400; guard += 1) {
    if (await page.data('noMore')) break;
    await sim.mp.evaluate(() => __headless__.reachBottom());
    onPage?.(await audit());
  }
  return (await page.data('count')) as number;
}

/** The whole list as the shopper sees it scrolling from the top to the end: every group, in order. */
async function sweep(page: Page): Promise<string[]> {
  const seen = new Map<number, string[]>();
  // A group is taller than the three screens around the viewport that are rendered: steps of three
  // screens see every group.
  const screens = Math.ceil((((await page.data('count')) as number) / 2) * ROW_PX / 603) + 3;
  for (let s = 0; s <= screens; s += 3) {
    await sim.mp.callWxMethod('pageScrollTo', { scrollTop: s * 603, duration: 0 });
    for (const [i, ids] of await shownGroups(page)) seen.set(i, ids);
  }
  return [...seen.keys()].sort((a, b) => a - b).flatMap((i) => seen.get(i)!);
}

beforeAll(async () => {
  cloud = await startCloud({ functionsDir: 'cloudfunctions' });
  const random = rng(22);
  await importProducts(Array.from({ length: 500 }, (_, i) => catalogDoc(i, random)));
  const categories = [{ _id: 'c1', name: '上衣', sort: 1 }, { _id: 'c2', name: '裤装', sort: 2 }];
  const r = await cloud.local('POST', '/database/categories:import', categories.map((c) => JSON.stringify(c)).join('\n') + '\n');
  expect(r.status).toBe(200);
  sim = await startSimulator(cloud.url, 'o_long_lists');
});

afterAll(async () => {
  await sim?.close();
  await cloud?.stop();
});

test('scrolled to 500 products, the catalog stays within the audit rules and setData ≤ 16 KB', async () => {
  const page = await catalog();
  const first = await audit();
  expectWithinRules(first);
  const audits: Audit[] = [];
  const count = await scrollToEnd(page, (a) => audits.push(a));
  expect(count).toBe(500);
  for (const a of audits) expectWithinRules(a);
  const last = audits[audits.length - 1];
  console.log(`catalog at 500 products: ${last.nodes} nodes, depth ${last.depth}, at most ${last.maxChildren} children (${last.widest}), largest setData ${last.setData.maxBytes} B over ${last.setData.calls} calls (at 20 products: ${first.nodes} nodes)`);
  // The shopper flicks back to the top: the first products are there again, the page still light.
  await sim.mp.callWxMethod('pageScrollTo', { scrollTop: 0, duration: 0 });
  const top = await shownGroups(page);
  expect(top.get(0)?.length).toBe(20);
  expectWithinRules(await audit());
  // A group left out keeps its place: the spacers plus the groups on screen are the whole list's height.
  const space = ((await page.data('spaceAbove')) as number) + ((await page.data('spaceBelow')) as number);
  const onScreen = [...top.values()].reduce((n, ids) => n + Math.ceil(ids.length / 2), 0);
  expect(space / 516 + onScreen).toBe(250);
});

test('a group of cards is as tall as the spacer that stands in for it (laid out in Chromium)', async () => {
  const page = await catalog();
  const group = await page.$('#g0');
  expect(group).toBeTruthy();
  const size = await group!.size();
  expect(size.height).toBe(10 * ROW_PX);
});

describe.each(['newest', 'sales', 'price_asc', 'price_desc'] as const)('sort %s, the catalog changing mid-scroll', (sort) => {
  test('no product shown twice, none skipped whose sort key did not change', async () => {
    const random = rng(sort.length * 31);
    const db = cloud.wx().database();
    const _ = db.command;
    const field = sort === 'newest' ? 'createdAt' : sort === 'sales' ? 'sales' : 'price';
    // The sort bar: 价格 toggles ascending → descending.
    await sim.mp.evaluate(() => __headless__.relaunch({ scene: 1001, path: 'pages/catalog/index', query: {} }));
    let page = await catalog();
    await (await page.$('.category[data-id="c2"]'))!.tap();
    if (sort !== 'newest') {
      const target = sort === 'sales' ? 'sales' : 'price_asc';
      await (await page.$(`.sort[data-sort="${target}"]`))!.tap();
      if (sort === 'price_desc') await (await page.$('.sort[data-sort="price_asc"]'))!.tap();
    }
    page = await catalog();
    expect(await page.data('sort')).toBe(sort);
    expect(await page.data('categoryId')).toBe('c2');

    const inC2 = await db.collection('products').where({ categoryId: 'c2', status: 'on_shelf' }).field({ _id: true }).limit(1000).get();
    const before = new Set<string>(inC2.data.map((d: { _id: string }) => d._id));
    expect(before.size).toBe(100);
    const changed = new Set<string>();
    for (let step = 0; step < 3; step += 1) {
      await sim.mp.evaluate(() => __headless__.reachBottom());
      // The merchant, meanwhile: one product added, one taken off the shelf, one re-ranked.
      const id = `new-${sort}-${step}`;
      const { _id: unused, ...data } = catalogDoc(1000 + step * 5, random);
      void unused;
      await db.collection('products').doc(id).set({ data });
      changed.add(id);
      const pool = [...before].filter((p) => !changed.has(p));
      const off = pool[Math.floor(random() * pool.length)];
      await db.collection('products').doc(off).update({ data: { status: 'off_shelf' } });
      changed.add(off);
      const moved = pool.filter((p) => p !== off)[Math.floor(random() * (pool.length - 1))];
      const bump = field === 'createdAt' ? T0 + Math.floor(random() * 400) * 60_000 : field === 'sales' ? _.inc(7) : 100 * (1 + Math.floor(random() * 50));
      await db.collection('products').doc(moved).update({ data: { [field]: bump } });
      changed.add(moved);
    }
    await scrollToEnd(page, expectWithinRules);
    const shown = await sweep(page);
    expect(shown.length).toBe(new Set(shown).size);
    expect(shown.length).toBe(await page.data('count'));
    const unchanged = [...before].filter((p) => !changed.has(p) && !p.startsWith('new-'));
    const missing = unchanged.filter((p) => !shown.includes(p));
    expect(missing).toEqual([]);
    // Put the catalog back for the next sort: on the shelf again, the extra products removed.
    for (const p of changed) {
      if (p.startsWith('new-')) await db.collection('products').doc(p).remove();
      else await db.collection('products').doc(p).update({ data: { status: 'on_shelf' } });
    }
  });
});
