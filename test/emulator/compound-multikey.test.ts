/**
 * Compound indexes holding one array field (MongoDB's compound multikey indexes), read through their
 * entries in sort order (emulator/database/compound-keys.ts): every query answers the same documents in
 * the same order as an emulator without indexes (pure query engine), over keyset pages, ties on the sort
 * key, documents missing the sort key or the array, scalar values in the array field, several required
 * elements ($all), and after writes that change the elements, only the sort key, or remove documents.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCloud, type CloudHandle } from '../helpers/cloud';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-cmk-'));
const databaseConfig = path.join(dir, 'database.config.json');
fs.writeFileSync(
  databaseConfig,
  JSON.stringify({
    collections: [
      {
        name: 'items',
        indexes: [
          { fields: { status: 1, tags: 1, rank: -1 } },
          { fields: { status: 1, cat: 1, tags: 1, rank: -1 } },
          { fields: { status: 1, tags: 1, at: -1 } },
        ],
      },
    ],
  }),
);

let indexed: CloudHandle;
let plain: CloudHandle;
const N = 240;
const LETTERS = ['a', 'b', 'c'];

function item(i: number): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    _id: `i${String((i * 37) % N).padStart(3, '0')}`, // ids not in insertion order
    status: i % 11 === 0 ? 'off' : 'on',
    cat: `c${i % 3}`,
    rank: i % 7, // many ties
    at: new Date(Date.UTC(2025, 0, 1) + (i % 9) * 3_600_000),
  };
  const tags = LETTERS.filter((_, bit) => (i >> bit) & 1);
  if (i % 19 === 0) doc.tags = 'a'; // a scalar where others hold arrays: equality still matches it
  else if (i % 23 !== 0) doc.tags = tags; // (and some documents have no tags at all)
  if (i % 13 === 0) delete doc.rank;
  else if (i % 17 === 0) doc.rank = null;
  return doc;
}

beforeAll(async () => {
  [indexed, plain] = await Promise.all([startCloud({ databaseConfig }), startCloud({ databaseConfig, useIndexes: false })]);
  for (const h of [indexed, plain]) await h.wx().database().collection('items').add({ data: Array.from({ length: N }, (_, i) => item(i)) });
}, 60000);
afterAll(async () => {
  await Promise.all([indexed?.stop(), plain?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

type Dir = 'asc' | 'desc';

/** Keyset "after (rank, _id)" for numbers and null, as the storefront's listings spell it. */
function after(_: any, dir: Dir, idDir: Dir, pos: { rank: number | null; id: string } | null): any {
  const idAfter = idDir === 'asc' ? _.gt : _.lt;
  if (!pos) return _.or([{ rank: _.eq(null) }, { rank: _.gte(-Number.MAX_VALUE) }]);
  if (pos.rank === null) {
    const sameNull = { rank: _.eq(null), _id: idAfter(pos.id) };
    return dir === 'asc' ? _.or([sameNull, { rank: _.gte(-Number.MAX_VALUE) }]) : _.or([sameNull]);
  }
  const same = { rank: pos.rank, _id: idAfter(pos.id) };
  return dir === 'asc' ? _.or([same, { rank: _.gt(pos.rank) }]) : _.or([same, { rank: _.lt(pos.rank) }, { rank: _.eq(null) }]);
}

/** Every keyset page of `where` in (rank dir, _id idDir), 7 per page: the pages' ids. */
async function pages(h: CloudHandle, where: (_: any) => Record<string, unknown>, dir: Dir, idDir: Dir): Promise<string[][]> {
  const db = h.wx().database();
  const _ = db.command;
  const out: string[][] = [];
  let pos: { rank: number | null; id: string } | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const { data }: { data: any[] } = await db.collection('items').where(_.and([where(_), after(_, dir, idDir, pos)])).orderBy('rank', dir).orderBy('_id', idDir).limit(7).get();
    if (data.length === 0) return out;
    out.push(data.map((d: any) => d._id));
    const last: any = data[data.length - 1];
    pos = { rank: last.rank ?? null, id: last._id };
  }
  throw new Error('pages did not end');
}

const wheres: Array<[string, (_: any) => Record<string, unknown>]> = [
  ['one element', () => ({ status: 'on', tags: 'a' })],
  ['$all of two elements', (_) => ({ status: 'on', tags: _.all(['b', 'a']) })],
  ['$all of three elements with a category', (_) => ({ status: 'on', cat: 'c1', tags: _.all(['a', 'b', 'c']) })],
  ['category and one element', () => ({ status: 'on', cat: 'c2', tags: 'c' })],
];

describe.each(wheres)('%s', (_name, where) => {
  test.each([
    ['desc', 'asc'],
    ['desc', 'desc'],
    ['asc', 'asc'],
  ] as Array<[Dir, Dir]>)('keyset pages by rank %s, _id %s: same documents, same order, as without indexes', async (dir, idDir) => {
    const a = await pages(indexed, where, dir, idDir);
    const b = await pages(plain, where, dir, idDir);
    expect(a.flat().length).toBeGreaterThan(7); // more than one page
    expect(a).toEqual(b);
    expect(new Set(a.flat()).size).toBe(a.flat().length);
  });
});

test('the pages are read through the entries, in order (no sort of all matches)', async () => {
  const explain = async (query: unknown, sort: unknown) => (await indexed.local('POST', '/database/items:explain', { query, sort })).json;
  const one = await explain({ $and: [{ status: 'on', cat: 'c2', tags: 'c' }, { $or: [{ rank: { $lt: 3 } }, { rank: null }] }] }, { rank: -1, _id: 1 });
  expect(one.sql).toContain('"mk_items_tags" AS e');
  expect(one.plan.join(' | ')).toMatch(/SEARCH e USING COVERING INDEX mk_items_tags_status_cat_tags_rank \(c0=\? AND c\d=\? AND v=\?\)/);
  expect(one.plan.join(' | ')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  // Several elements: one bounds the walk, each other one is a lookup of the same document's entry.
  const all = await explain({ status: 'on', tags: { $all: ['a', 'b', 'c'] } }, { rank: -1, _id: -1 });
  expect(all.sql.match(/EXISTS/g)).toHaveLength(2);
  expect(all.plan.join(' | ')).toMatch(/SEARCH o USING PRIMARY KEY \(doc_id=\? AND v=\?\)/);
  expect(all.plan.join(' | ')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  // Without a sort the entries bring no order: natural order through the docs table.
  expect((await explain({ status: 'on', tags: 'a' }, undefined)).sql).not.toContain('mk_items_tags');
  // And without indexes, no entries at all.
  const none = (await plain.local('POST', '/database/items:explain', { query: { status: 'on', tags: 'a' }, sort: { rank: -1 } })).json;
  expect(none.sql).not.toContain('mk_');
});

test('ties on the sort key without _id in the sort come in natural order, as without indexes', async () => {
  const q = (h: CloudHandle) => h.wx().database().collection('items').where({ status: 'on', tags: 'b' }).orderBy('rank', 'desc').limit(40).get();
  const a = (await q(indexed)).data.map((d: any) => d._id);
  expect(a.length).toBe(40);
  expect(a).toEqual((await q(plain)).data.map((d: any) => d._id));
});

test('a sort key holding dates is sorted by the query engine (dates after every number), same result', async () => {
  const q = (h: CloudHandle) => h.wx().database().collection('items').where({ status: 'on', tags: 'a' }).orderBy('at', 'desc').orderBy('_id', 'asc').limit(30).get();
  const a = (await q(indexed)).data;
  expect(a.length).toBe(30);
  expect(a).toEqual((await q(plain)).data);
});

test('entries follow writes: new elements, a changed sort key only, removed documents', async () => {
  for (const h of [indexed, plain]) {
    const c = h.wx().database().collection('items');
    const _ = h.wx().database().command;
    await c.doc('i001').update({ data: { tags: ['a', 'b', 'c', 'z'], rank: 99 } });
    await c.doc('i002').update({ data: { rank: 100 } }); // elements unchanged
    await c.where({ rank: 3 }).update({ data: { rank: _.inc(10) } });
    await c.doc('i005').remove();
    await c.add({ data: { _id: 'new', status: 'on', cat: 'c0', tags: ['z', 'a'], rank: 5 } });
  }
  for (const [, where] of wheres) expect(await pages(indexed, where, 'desc', 'asc')).toEqual(await pages(plain, where, 'desc', 'asc'));
  const z = async (h: CloudHandle) => (await pages(h, () => ({ status: 'on', tags: 'z' }), 'desc', 'asc')).flat();
  expect(await z(indexed)).toEqual(['i001', 'new']);
  expect(await z(plain)).toEqual(['i001', 'new']);
});

test('a second array field in the index (which MongoDB refuses) stops the entries serving it; results stay right', async () => {
  for (const h of [indexed, plain]) await h.wx().database().collection('items').add({ data: { _id: 'two-arrays', status: 'on', cat: ['c0', 'c1'], tags: ['a'], rank: 50 } });
  const { json } = await indexed.local('POST', '/database/items:explain', { query: { status: 'on', cat: 'c2', tags: 'c' }, sort: { rank: -1, _id: 1 } });
  expect(json.plan.join(' | ')).not.toMatch(/status_cat_tags_rank/);
  expect(json.plan.join(' | ')).toMatch(/SEARCH e USING COVERING INDEX mk_items_tags_status_tags_rank/); // still one array field
  for (const [, where] of wheres) expect(await pages(indexed, where, 'desc', 'asc')).toEqual(await pages(plain, where, 'desc', 'asc'));
});
