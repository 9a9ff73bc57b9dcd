/**
 * Database actions through the real SDKs (wx-server-sdk and @cloudbase/node-sdk) only.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
let seq = 0;
/** a fresh collection per test keeps cases independent */
async function fresh(db: any, docs: any[] = []) {
  const name = `t${Date.now().toString(36)}${++seq}`;
  await db.createCollection(name);
  for (const d of docs) await db.collection(name).add({ data: d });
  return db.collection(name);
}
const PRODUCTS = [
  { _id: 'p1', name: 'Tea', price: 120, stock: 5, tags: ['hot'], createdAt: new Date('2024-01-01') },
  { _id: 'p2', name: 'Cup', price: 20, stock: 0, tags: [], createdAt: new Date('2024-01-02') },
  { _id: 'p3', name: 'Pot', price: 300, stock: 2, tags: ['new', 'hot'], createdAt: new Date('2024-01-03') },
  { _id: 'p4', name: 'Set', price: 150, stock: 9, tags: ['new'], createdAt: new Date('2024-01-04') },
];

describe('database via wx-server-sdk', () => {
  test('add returns a 32-hex _id and get round-trips types (Date, serverDate, numbers, nested, GeoPoint)', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db);
    const before = Date.now();
    const { _id } = await c.add({ data: { at: new Date(0), big: 3e9, f: 1.5, nested: { a: [1, 'x', null] }, created: db.serverDate({ offset: 60000 }), loc: db.Geo.Point(113.3, 23.1) } });
    expect(_id).toMatch(/^[0-9a-f]{32}$/);
    const { data } = await c.doc(_id).get();
    expect(data.at).toBeInstanceOf(Date);
    expect(data.at.getTime()).toBe(0);
    expect(data.big).toBe(3e9);
    expect(data.f).toBe(1.5);
    expect(data.nested).toEqual({ a: [1, 'x', null] });
    expect(data.created).toBeInstanceOf(Date);
    expect(data.created.getTime()).toBeGreaterThanOrEqual(before + 60000 - 5);
    expect(data.created.getTime()).toBeLessThan(Date.now() + 60000 + 5);
    expect(data.loc.longitude).toBeCloseTo(113.3);
    expect(data.loc.latitude).toBeCloseTo(23.1);
  });

  test('where + orderBy desc + skip + limit', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, PRODUCTS);
    const r = await c.where({ price: _.gt(100) }).orderBy('price', 'desc').skip(1).limit(2).get();
    expect(r.errMsg).toBe('collection.get:ok');
    expect(r.data.map((d: any) => d._id)).toEqual(['p4', 'p1']);
    expect(r.data[0].createdAt).toBeInstanceOf(Date);
  });

  test('orderBy on several keys follows call order', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, [
      { _id: 'a', g: 1, n: 'b' },
      { _id: 'b', g: 2, n: 'a' },
      { _id: 'c', g: 1, n: 'c' },
      { _id: 'd', g: 2, n: 'z' },
    ]);
    const r = await c.orderBy('g', 'desc').orderBy('n', 'asc').get();
    expect(r.data.map((d: any) => d._id)).toEqual(['b', 'd', 'a', 'c']);
  });

  test('default limit is 100 and the maximum is 1000', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db);
    await c.add({ data: Array.from({ length: 1100 }, (_, i) => ({ i })) });
    expect((await c.get()).data).toHaveLength(100);
    expect((await c.limit(5000).get()).data).toHaveLength(1000);
    expect((await c.skip(1050).limit(1000).get()).data).toHaveLength(50);
  });

  test('field() projection returns only the requested fields (plus _id), $slice works', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, PRODUCTS);
    const r = await c.where({ _id: 'p3' }).field({ name: true, tags: _.project.slice(1) }).get();
    expect(r.data).toEqual([{ _id: 'p3', name: 'Pot', tags: ['new'] }]);
    const excl = await c.doc('p1').field({ tags: false, createdAt: false }).get();
    expect(excl.data).toEqual({ _id: 'p1', name: 'Tea', price: 120, stock: 5 });
  });

  test('count with and without a query', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, PRODUCTS);
    expect((await c.count()).total).toBe(4);
    const r = await c.where({ stock: _.gt(0) }).count();
    expect(r).toEqual({ total: 3, errMsg: 'collection.count:ok' });
  });

  test('RegExp, db.RegExp, _.or, _.in, _.nin, _.exists, _.elemMatch, _.neq', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, PRODUCTS);
    const ids = async (q: any) => (await c.where(q).orderBy('_id', 'asc').get()).data.map((d: any) => d._id);
    expect(await ids({ name: /^t/i })).toEqual(['p1']);
    expect(await ids({ name: db.RegExp({ regexp: 'ot$', options: 'i' }) })).toEqual(['p3']);
    expect(await ids(_.or([{ price: _.lt(100) }, { price: _.gt(200) }]))).toEqual(['p2', 'p3']);
    expect(await ids({ _id: _.in(['p1', 'p4', 'zz']) })).toEqual(['p1', 'p4']);
    expect(await ids({ _id: _.nin(['p1', 'p4']) })).toEqual(['p2', 'p3']);
    expect(await ids({ tags: _.elemMatch(_.eq('new')) })).toEqual(['p3', 'p4']);
    expect(await ids({ stock: _.neq(0), price: _.gt(100).and(_.lt(200)) })).toEqual(['p1', 'p4']);
    expect(await ids({ missing: _.exists(false), tags: 'hot' })).toEqual(['p1', 'p3']);
  });

  test('nested objects in queries are matched as dot paths; Date comparison', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, [
      { _id: 'x', meta: { a: { b: 1 }, c: 2 }, at: new Date('2024-05-01') },
      { _id: 'y', meta: { a: { b: 2 } }, at: new Date('2023-05-01') },
    ]);
    expect((await c.where({ meta: { a: { b: 1 } } }).get()).data.map((d: any) => d._id)).toEqual(['x']);
    expect((await c.where({ at: _.gte(new Date('2024-01-01')) }).get()).data.map((d: any) => d._id)).toEqual(['x']);
  });

  test('serverDate in a query operand resolves to the server clock', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, [
      { _id: 'old', expireAt: new Date(Date.now() - 60_000) },
      { _id: 'future', expireAt: new Date(Date.now() + 3600_000) },
    ]);
    const r = await c.where({ expireAt: _.lt(db.serverDate()) }).get();
    expect(r.data.map((d: any) => d._id)).toEqual(['old']);
  });

  test('doc().get() of a missing document rejects; where() returns []', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db);
    await expect(c.doc('nope').get()).rejects.toMatchObject({ errMsg: expect.stringContaining('does not exist') });
    expect((await c.where({ _id: 'nope' }).get()).data).toEqual([]);
  });

  test('doc().update with inc/set/remove/mul/max/min and dot paths', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, [{ _id: 'd', n: 2, m: 3, hi: 5, lo: 5, legacy: true, meta: { seen: false, keep: 1 } }]);
    const r = await c.doc('d').update({ data: { n: _.inc(3), m: _.mul(2), hi: _.max(9), lo: _.min(1), legacy: _.remove(), meta: { seen: true }, obj: _.set({ a: 1 }) } });
    expect(r).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    const { data } = await c.doc('d').get();
    expect(data).toEqual({ _id: 'd', n: 5, m: 6, hi: 9, lo: 1, meta: { seen: true, keep: 1 }, obj: { a: 1 } });
  });

  test('array update commands: push (each/position/slice/sort), pull, pullAll, addToSet, pop, shift, unshift', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, [{ _id: 'a', t: [3, 1], u: [1, 2, 3, 2], s: ['x'], q: [1, 2, 3], r: [1, 2, 3], w: [5], v: [1, 2, 3] }]);
    await c.doc('a').update({
      data: {
        t: _.push({ each: [2, 5, 4], sort: 1, slice: 3 }),
        u: _.pull(2),
        s: _.addToSet('x'),
        q: _.pop(),
        r: _.shift(),
        w: _.unshift([1, 2]),
        v: _.pullAll([1, 3]),
      },
    });
    const { data } = await c.doc('a').get();
    expect(data.t).toEqual([1, 2, 3]);
    expect(data.u).toEqual([1, 3]);
    expect(data.s).toEqual(['x']);
    expect(data.q).toEqual([1, 2]);
    expect(data.r).toEqual([2, 3]);
    expect(data.w).toEqual([1, 2, 5]);
    expect(data.v).toEqual([2]);
    await c.doc('a').update({ data: { s: _.addToSet({ $each: ['y', 'x', 'z'] }), t: _.pull(_.gt(1)) } });
    const again = (await c.doc('a').get()).data;
    expect(again.s).toEqual(['x', 'y', 'z']);
    expect(again.t).toEqual([1]);
  });

  test('stats.updated counts modified documents (0 when nothing changes, 0 for a missing doc)', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, [{ _id: 'a', v: 1 }]);
    expect((await c.doc('a').update({ data: { v: 1 } })).stats.updated).toBe(0);
    expect((await c.doc('a').update({ data: { v: 2 } })).stats.updated).toBe(1);
    expect((await c.doc('missing').update({ data: { v: 2 } })).stats.updated).toBe(0);
  });

  test('where().update updates every match; multi:false only the first', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, PRODUCTS);
    const r = await c.where({ price: _.gt(100) }).update({ data: { flagged: true } });
    expect(r).toEqual({ stats: { updated: 3 }, errMsg: 'collection.update:ok' });
    const one = await c.where({ price: _.gt(0) }).update({ data: { price: _.inc(1) }, multi: false });
    expect(one.stats.updated).toBe(1);
    expect((await c.where({ flagged: true }).count()).total).toBe(3);
  });

  test('set() replaces the whole document, and creates it when missing (upsert)', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, [{ _id: 'a', x: 1, y: 2 }]);
    const r1 = await c.doc('a').set({ data: { z: 3 } });
    expect(r1).toMatchObject({ _id: 'a', stats: { updated: 1, created: 0 } });
    expect((await c.doc('a').get()).data).toEqual({ _id: 'a', z: 3 });
    const r2 = await c.doc('new-id').set({ data: { qty: 1, at: new Date(0) } });
    expect(r2).toMatchObject({ _id: 'new-id', stats: { updated: 0, created: 1 } });
    expect((await c.doc('new-id').get()).data.at).toEqual(new Date(0));
  });

  test('remove: doc and where (regex), counts reported', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, PRODUCTS);
    expect(await c.doc('p2').remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
    expect((await c.doc('p2').remove()).stats.removed).toBe(0);
    const r = await c.where({ name: db.RegExp({ regexp: '^[ts]', options: 'i' }) }).remove();
    expect(r.stats.removed).toBe(2);
    expect((await c.count()).total).toBe(1);
  });

  test('add with an explicit duplicate _id fails', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, [{ _id: 'dup' }]);
    await expect(c.add({ data: { _id: 'dup', x: 1 } })).rejects.toMatchObject({ errCode: expect.any(Number) });
    expect((await c.count()).total).toBe(1);
  });

  test('array add inserts several documents and returns their ids', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db);
    const r = await c.add({ data: [{ a: 1 }, { _id: 'fixed', a: 2 }] });
    expect(r._ids).toHaveLength(2);
    expect(r._ids[1]).toBe('fixed');
    expect((await c.count()).total).toBe(2);
  });

  test('aggregate: match + group + sort; lookup into another collection', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const $ = db.command.aggregate;
    const c = await fresh(db, PRODUCTS);
    const g = await c.aggregate().match({ price: _.gte(100) }).group({ _id: null, total: $.sum('$price') }).end();
    expect(g.list).toEqual([{ _id: null, total: 570 }]);
    const orders = await fresh(db, [{ productId: 'p1', qty: 2 }, { productId: 'p1', qty: 1 }, { productId: 'p3', qty: 4 }]);
    const l = await c
      .aggregate()
      .lookup({ from: orders.collectionName, localField: '_id', foreignField: 'productId', as: 'orders' })
      .project({ n: $.size('$orders') })
      .sort({ n: -1, _id: 1 })
      .limit(2)
      .end();
    expect(l.list).toEqual([{ _id: 'p1', n: 2 }, { _id: 'p3', n: 1 }]);
  });

  test('aggregate: count, skip, unwind, sortByCount', async () => {
    const db = cloud.wx().database();
    const c = await fresh(db, PRODUCTS);
    expect((await c.aggregate().count('n').end()).list).toEqual([{ n: 4 }]);
    const tags = await c.aggregate().unwind('$tags').sortByCount('$tags').end();
    expect(tags.list).toEqual(expect.arrayContaining([{ _id: 'hot', count: 2 }, { _id: 'new', count: 2 }]));
    expect((await c.aggregate().sort({ price: 1 }).skip(3).end()).list.map((d: any) => d._id)).toEqual(['p3']);
  });

  test('unknown collection → DATABASE_COLLECTION_NOT_EXIST (-502005)', async () => {
    const db = cloud.wx().database();
    await expect(db.collection('nope_nope').get()).rejects.toMatchObject({ errCode: -502005, errMsg: expect.stringContaining('collection not exists') });
    await expect(db.collection('nope_nope').add({ data: { a: 1 } })).rejects.toMatchObject({ errCode: -502005 });
  });

  test('createCollection twice reports an error the second time', async () => {
    const db = cloud.wx().database();
    const name = `dup_${Date.now()}`;
    await expect(db.createCollection(name)).resolves.toMatchObject({ errMsg: 'createCollection:ok' });
    await expect(db.createCollection(name)).rejects.toBeTruthy();
  });

  test('50 parallel conditional decrements on stock 20: exactly 20 succeed, stock ends at 0', async () => {
    const db = cloud.wx().database();
    const _ = db.command;
    const c = await fresh(db, [{ _id: 'sku', stock: 20 }]);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => c.where({ _id: 'sku', stock: _.gte(1) }).update({ data: { stock: _.inc(-1) } })),
    );
    expect(results.filter((r: any) => r.stats.updated === 1)).toHaveLength(20);
    expect(results.filter((r: any) => r.stats.updated === 0)).toHaveLength(30);
    expect((await c.doc('sku').get()).data.stock).toBe(0);
  });

  test('collections from database.config.json exist at startup', async () => {
    const db = cloud.wx().database();
    for (const name of ['products', 'categories', 'orders', 'idempotency', 'scenes', 'referrals', 'payments', 'config']) {
      await expect(db.collection(name).count()).resolves.toMatchObject({ total: expect.any(Number) });
    }
  });
});

describe('database via @cloudbase/node-sdk', () => {
  test('add/get/update/remove with node-sdk result shapes', async () => {
    const app = cloud.node();
    const db = app.database();
    const _ = db.command;
    await db.createCollection(`node_${Date.now()}`);
    const name = `nodec_${Date.now()}`;
    await db.createCollection(name);
    const c = db.collection(name);
    const added = await c.add({ name: 'a', n: 1 });
    expect(added.id).toMatch(/^[0-9a-f]{32}$/);
    const got = await c.doc(added.id).get();
    expect(got.data).toEqual([{ _id: added.id, name: 'a', n: 1 }]);
    const up = await c.where({ n: _.gte(1) }).update({ n: _.inc(5) });
    expect(up.updated).toBe(1);
    expect((await c.where({ n: 6 }).count()).total).toBe(1);
    expect((await c.doc(added.id).remove()).deleted).toBe(1);
  });

  test('updateAndReturn returns the document after the update', async () => {
    const db = cloud.node().database();
    const _ = db.command;
    const name = `uar_${Date.now()}`;
    await db.createCollection(name);
    await db.collection(name).add({ _id: 'k', v: 1 });
    const r = await db.collection(name).where({ _id: 'k' }).updateAndReturn({ v: _.inc(41) });
    expect(r.updated).toBe(1);
    expect(r.doc).toEqual({ _id: 'k', v: 42 });
  });

  test('ObjectId query values are matched against their hex string', async () => {
    const db = cloud.node().database();
    const name = `oid_${Date.now()}`;
    await db.createCollection(name);
    await db.collection(name).add({ _id: '5f1a2b3c4d5e6f7a8b9c0d1e', x: 1 });
    const r = await db.collection(name).where({ _id: db.ObjectId({ id: '5f1a2b3c4d5e6f7a8b9c0d1e' }) }).get();
    expect(r.data).toEqual([{ _id: '5f1a2b3c4d5e6f7a8b9c0d1e', x: 1 }]);
  });
});
