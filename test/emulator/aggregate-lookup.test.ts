/**
 * Aggregate `$lookup` reads only the joined documents that can match (emulator/database/lookup.ts).
 * Every pipeline goes through the real SDKs and must equal the query engine's join against the
 * WHOLE joined collections (the reference below), read back through the SDK in natural order.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { useCloud } from '../helpers/cloud';
import { aggregate } from '../../emulator/database/mongo';
import { runPipeline } from '../../emulator/database/lookup';
import { DocumentStore } from '../../emulator/database/store';
import { openSqlite } from '../../emulator/database/sqlite';
import { decode, encode } from '../../emulator/util/ejson';

const cloud = useCloud();
let seq = 0;

async function fresh(db: any, docs: any[] = [], name = `lk${Date.now().toString(36)}${++seq}`) {
  await db.createCollection(name).catch(() => undefined);
  for (const d of docs) await db.collection(name).add({ data: d });
  return name;
}

/** Every collection name a pipeline names in a `from`, at any depth. */
function namesIn(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => namesIn(x, out));
  else if (v && typeof v === 'object' && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'from' && typeof x === 'string') out.add(x);
      namesIn(x, out);
    }
  }
  return out;
}

async function whole(db: any, name: string): Promise<any[]> {
  try {
    return (await db.collection(name).limit(1000).get()).data;
  } catch {
    return []; // a collection that does not exist joins nothing
  }
}

/** The join over whole collections, as the local cloud computed every lookup before narrowing. */
async function reference(db: any, coll: string, pipeline: any[]): Promise<any[]> {
  const colls = new Map<string, any[]>();
  for (const name of namesIn(pipeline)) colls.set(name, await whole(db, name));
  const out = aggregate(await whole(db, coll), pipeline, { collectionResolver: (name) => colls.get(name) ?? [] });
  // as the wire carries it (the engine can leave `undefined` in an array, which travels as null)
  return out.map((d) => decode(encode(d), new Date()));
}

/** The pipeline built through the SDK's stage methods (wx-server-sdk's aggregate() takes no raw stages). */
function sdkAggregate(db: any, coll: string, pipeline: any[]): any {
  return pipeline.reduce((agg, stage) => {
    const [key] = Object.keys(stage);
    return agg[key.slice(1)](stage[key]);
  }, db.collection(coll).aggregate());
}

/** Runs the pipeline through wx-server-sdk and @cloudbase/node-sdk; both must equal the reference. */
async function check(coll: string, pipeline: any[]): Promise<any[]> {
  const db = cloud.wx().database();
  const expected = await reference(db, coll, pipeline);
  const viaWx = (await sdkAggregate(db, coll, pipeline).end()).list;
  expect(viaWx).toEqual(expected);
  const viaNode = (await sdkAggregate(cloud.node().database(), coll, pipeline).end()).data;
  expect(viaNode).toEqual(expected);
  return viaWx;
}

const PRODUCTS = [
  { _id: 'p1', name: 'Tea', tags: ['hot', 'new'], campaign: 'c1', n: 1 },
  { _id: 'p2', name: 'Cup', tags: [], campaign: null, n: '1' },
  { _id: 'p3', name: 'Pot', tags: ['hot'], n: 2, at: new Date('2024-01-01T00:00:00Z') },
  { _id: 'p4', name: 'Set', tags: 'new', campaign: 'c2', n: 3 },
];
const SALES = [
  { _id: 's1', productId: 'p1', price: 90, campaignId: 'c1', tag: 'hot' },
  { _id: 's2', productId: 'p3', price: 250, tag: 'new', n: 2 },
  { _id: 's3', productId: 'p1', price: 80, tag: null, n: '1' },
  { _id: 's4', productId: ['p2', 'p4'], price: 10, n: 1 },
  { _id: 's5', price: 5, campaignId: null },
  { _id: 's6', productId: null, price: 6, at: new Date('2024-01-01T00:00:00Z') },
  { _id: 's7', productId: 'p9', price: 7, tag: ['hot', null] },
  { _id: 's8', productId: [], price: 8, nested: { k: ['p1', 'p3'] } },
];

describe('aggregate $lookup through the SDKs equals the join over whole collections', () => {
  let products: string;
  let sales: string;
  beforeAll(async () => {
    const db = cloud.wx().database();
    // flash_sales is declared with an index on productId (database.config.json): the narrowed read goes through it.
    sales = await fresh(db, SALES, 'flash_sales');
    products = await fresh(db, PRODUCTS);
  });

  test('equality form after a $match, including array, null and missing foreign values', async () => {
    const out = await check(products, [{ $match: { _id: { $in: ['p1', 'p2', 'p3'] } } }, { $lookup: { from: sales, localField: '_id', foreignField: 'productId', as: 'sales' } }]);
    expect(out.map((p) => [p._id, p.sales.map((s: any) => s._id)])).toEqual([
      ['p1', ['s1', 's3']],
      ['p2', ['s4']],
      ['p3', ['s2']],
    ]);
  });

  test('array localField matches each element; [] matches nothing; a scalar matches array foreign values', async () => {
    const out = await check(products, [{ $lookup: { from: sales, localField: 'tags', foreignField: 'tag', as: 'byTag' } }]);
    expect(out.find((p) => p._id === 'p2').byTag).toEqual([]);
    expect(out.find((p) => p._id === 'p1').byTag.map((s: any) => s._id)).toEqual(['s1', 's7', 's2']);
  });

  test('missing or null localField matches foreign documents whose field is missing, null or holds null', async () => {
    const out = await check(products, [{ $lookup: { from: sales, localField: 'campaign', foreignField: 'campaignId', as: 'c' } }]);
    expect(out.find((p) => p._id === 'p3').c.map((s: any) => s._id)).toEqual(['s2', 's3', 's4', 's5', 's6', 's7', 's8']);
    await check(products, [{ $lookup: { from: sales, localField: 'nothing', foreignField: 'tag', as: 'c' } }]);
  });

  test('values of different types never join (1 vs "1"), dates join by value', async () => {
    await check(products, [{ $lookup: { from: sales, localField: 'n', foreignField: 'n', as: 'byN' } }]);
    const out = await check(products, [{ $lookup: { from: sales, localField: 'at', foreignField: 'at', as: 'byAt' } }]);
    expect(out.find((p) => p._id === 'p3').byAt.map((s: any) => s._id)).toEqual(['s6']);
  });

  test('dotted foreignField and _id foreignField', async () => {
    await check(products, [{ $lookup: { from: sales, localField: '_id', foreignField: 'nested.k', as: 'x' } }]);
    await check(sales, [{ $lookup: { from: products, localField: 'productId', foreignField: '_id', as: 'p' } }]);
  });

  test('a lookup after $unwind and $group joins on the grouped keys; chained lookups read the previous join', async () => {
    const out = await check(products, [
      { $unwind: '$tags' },
      { $group: { _id: '$tags', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
      { $lookup: { from: sales, localField: '_id', foreignField: 'tag', as: 'sales' } },
    ]);
    expect(out.map((g) => g._id)).toEqual(['hot', 'new']);
    await check(products, [
      { $lookup: { from: sales, localField: '_id', foreignField: 'productId', as: 'sales' } },
      { $lookup: { from: products, localField: 'sales.productId', foreignField: '_id', as: 'back' } },
      { $project: { sales: 0 } },
    ]);
  });

  test('pipeline form without let: the leading constant $match narrows, the rest of the sub-pipeline still runs', async () => {
    const out = await check(products, [
      { $match: { _id: 'p1' } },
      { $lookup: { from: sales, pipeline: [{ $match: { price: { $gte: 10 } } }, { $sort: { price: -1 } }, { $limit: 2 }, { $project: { price: 1 } }], as: 'top' } },
    ]);
    expect(out[0].top).toEqual([{ _id: 's2', price: 250 }, { _id: 's1', price: 90 }]);
    await check(products, [{ $lookup: { from: sales, pipeline: [{ $match: { $or: [{ productId: 'p1' }, { tag: null }] } }], as: 'x' } }]);
    await check(products, [{ $lookup: { from: sales, pipeline: [{ $match: {} }], as: 'x' } }]);
    // values the wire carries as EJSON reach the store decoded: a date, a regular expression
    const dated = await check(products, [{ $match: { _id: 'p1' } }, { $lookup: { from: sales, pipeline: [{ $match: { at: { $lte: new Date('2025-01-01T00:00:00Z') } } }], as: 'x' } }]);
    expect(dated[0].x.map((s: any) => s._id)).toEqual(['s6']);
    const matched = await check(products, [{ $match: { _id: 'p1' } }, { $lookup: { from: sales, pipeline: [{ $match: { tag: /^h/ } }], as: 'x' } }]);
    expect(matched[0].x.map((s: any) => s._id)).toEqual(['s1', 's7']);
    await check(products, [{ $lookup: { from: sales, pipeline: [{ $sort: { price: 1 } }, { $match: { price: { $lt: 9 } } }], as: 'x' } }]);
  });

  test('let and $expr pipelines, and localField with a pipeline, read as before', async () => {
    const out = await check(products, [
      { $lookup: { from: sales, let: { pid: '$_id' }, pipeline: [{ $match: { $expr: { $eq: ['$productId', '$$pid'] } } }, { $project: { _id: 1 } }], as: 'mine' } },
    ]);
    expect(out.find((p) => p._id === 'p1').mine).toEqual([{ _id: 's1' }, { _id: 's3' }]);
    await check(products, [{ $lookup: { from: sales, let: {}, pipeline: [{ $match: { price: { $lt: 9 } } }], as: 'x' } }]);
    await check(products, [{ $lookup: { from: sales, pipeline: [{ $match: { $and: [{ price: { $gt: 1 } }, { $expr: { $gt: ['$price', 50] } }] } }], as: 'x' } }]);
    await check(products, [{ $lookup: { from: sales, localField: '_id', foreignField: 'productId', pipeline: [{ $match: { price: { $gt: 50 } } }], as: 'x' } }]);
  });

  test('a lookup nested in a sub-pipeline', async () => {
    const out = await check(products, [
      { $match: { _id: { $in: ['p1', 'p3'] } } },
      {
        $lookup: {
          from: sales,
          pipeline: [{ $match: { price: { $gt: 50 } } }, { $lookup: { from: products, localField: 'productId', foreignField: '_id', as: 'product' } }, { $project: { 'product.name': 1 } }],
          as: 'expensive',
        },
      },
    ]);
    expect(out[0].expensive).toEqual([{ _id: 's1', product: [{ name: 'Tea' }] }, { _id: 's2', product: [{ name: 'Pot' }] }, { _id: 's3', product: [{ name: 'Tea' }] }]);
  });

  test('a collection that does not exist joins nothing, in both forms', async () => {
    const out = await check(products, [
      { $lookup: { from: 'no_such_collection', localField: '_id', foreignField: 'productId', as: 'a' } },
      { $lookup: { from: 'no_such_collection', pipeline: [{ $match: { x: 1 } }], as: 'b' } },
    ]);
    expect(out.every((p) => p.a.length === 0 && p.b.length === 0)).toBe(true);
  });

  test('an invalid operator in the joined $match is still reported as an invalid operator', async () => {
    const db = cloud.wx().database();
    await expect(sdkAggregate(db, products, [{ $lookup: { from: sales, pipeline: [{ $match: { price: { $nope: 1 } } }], as: 'x' } }]).end()).rejects.toMatchObject({
      errMsg: expect.stringContaining('[InvalidParameter.InvalidOperator] unknown query operator $nope'),
    });
  });
});

describe('the checkout-shaped aggregate', () => {
  const pipeline = (orderId: string, openid: string) => [
    { $match: { _id: { $in: ['cp1', 'cp2'] } } },
    { $lookup: { from: 'flash_sales', localField: '_id', foreignField: 'productId', as: 'flash' } },
    { $lookup: { from: 'idempotency', pipeline: [{ $match: { _id: orderId } }], as: 'done' } },
    { $lookup: { from: 'config', pipeline: [{ $match: { _id: { $in: ['orders', 'shipping'] } } }], as: 'config' } },
    { $lookup: { from: 'scans', pipeline: [{ $match: { _openid: openid, at: { $gte: 0 } } }, { $sort: { at: -1 } }, { $limit: 1 }], as: 'scan' } },
  ];

  test('sees documents written between requests (nothing is cached)', async () => {
    const db = cloud.wx().database();
    const products = await fresh(db, [{ _id: 'cp1', price: 100 }, { _id: 'cp2', price: 200 }]);
    await fresh(db, [{ _id: 'orders', cap: 5 }, { _id: 'shipping', fee: 0 }, { _id: 'other' }], 'config');
    await fresh(db, [], 'idempotency');
    await fresh(db, [{ _openid: 'oA', at: 10, scene: 's10' }, { _openid: 'oB', at: 30, scene: 'b' }, { _openid: 'oA', at: 20, scene: 's20' }], 'scans');
    let out = await check(products, pipeline('ord1', 'oA'));
    expect(out.map((p) => [p._id, p.flash.length, p.done.length, p.config.map((c: any) => c._id), p.scan[0]?.scene])).toEqual([
      ['cp1', 0, 0, ['orders', 'shipping'], 's20'],
      ['cp2', 0, 0, ['orders', 'shipping'], 's20'],
    ]);
    await db.collection('idempotency').add({ data: { _id: 'ord1', result: 'x' } });
    await db.collection('scans').add({ data: { _openid: 'oA', at: 40, scene: 's40' } });
    await db.collection('flash_sales').add({ data: { _id: 'f-cp2', productId: 'cp2', price: 150 } });
    await db.collection('config').doc('orders').update({ data: { cap: 6 } });
    out = await check(products, pipeline('ord1', 'oA'));
    expect(out.map((p) => [p._id, p.flash.map((f: any) => f._id), p.done[0]?.result, p.config[0].cap, p.scan[0].scene])).toEqual([
      ['cp1', [], 'x', 6, 's40'],
      ['cp2', ['f-cp2'], 'x', 6, 's40'],
    ]);
  });
});

describe('narrowed joins equal whole-collection joins for generated documents (store over SQLite, indexed and not)', () => {
  let dir: string;
  let sqlite: ReturnType<typeof openSqlite>;
  let store: DocumentStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookup-prop-'));
    sqlite = openSqlite(dir, 'normal');
    store = new DocumentStore(sqlite, { collections: [{ name: 'local' }, { name: 'foreign', indexes: [{ fields: { k: 1 } }, { fields: { s: 1 } }] }] }, true);
  });
  afterAll(() => {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const scalar = fc.constantFrom<unknown>('a', 'b', '1', 1, 2, 0, true, false, null, new Date(0), new Date(1));
  const value = fc.oneof(
    { weight: 5, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }) },
    { weight: 1, arbitrary: fc.record({ x: scalar }) },
  );
  /** a document whose fields may each be missing */
  const doc = fc.record({ k: value, s: fc.constantFrom('a', 'b', 1, null), o: fc.record({ k: value }, { requiredKeys: [] }) }, { requiredKeys: [] });
  const field = fc.constantFrom('k', 's', 'o.k', 'o', 'none');
  const lookup = fc.oneof(
    fc.record({ localField: field, foreignField: field }).map((f) => ({ $lookup: { from: 'foreign', ...f, as: 'j' } })),
    fc.record({ v: scalar, w: scalar }).map(({ v, w }) => ({ $lookup: { from: 'foreign', pipeline: [{ $match: { $or: [{ k: v }, { s: { $in: [w] } }] } }, { $sort: { s: 1 } }], as: 'j' } })),
    fc.record({ v: scalar }).map(({ v }) => ({ $lookup: { from: 'foreign', pipeline: [{ $match: { k: { $gte: v } } }], as: 'j' } })),
  );

  test('the same documents in the same order', () => {
    const source = { has: (c: string) => store.hasCollection(c), all: (c: string) => store.all(c), find: (c: string, f: any) => store.find(c, f) };
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 6 }), fc.array(doc, { maxLength: 10 }), lookup, (locals, foreigns, stage) => {
        store.clearCollection('local');
        store.clearCollection('foreign');
        locals.forEach((d, i) => store.insert('local', { _id: `l${i}`, ...d }));
        foreigns.forEach((d, i) => store.insert('foreign', { _id: `f${i}`, ...d }));
        const input = store.all('local');
        const pipeline = [{ $sort: { _id: -1 } }, stage];
        const expected = aggregate(input, pipeline, { collectionResolver: (c) => store.all(c) });
        expect(runPipeline(store.all('local'), pipeline, source)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
