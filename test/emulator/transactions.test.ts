/**
 * Transactions through the real SDKs, with CloudBase's semantics (emulator/database/transactions.ts):
 * snapshot reads without locks, first writer wins, read skew → conflict, write skew allowed, the rule
 * for non-transactional writes, the 30 s lifetime on the local cloud's clock, commit and rollback.
 * Events are ordered by awaiting each call or by polling the emulator's transaction view, never by sleeping.
 */
import { useCloud, startCloud, until } from '../helpers/cloud';

const cloud = useCloud();
let seq = 0;
async function coll(docs: any[] = []) {
  const db = cloud.wx().database();
  const name = `tx${Date.now().toString(36)}${++seq}`;
  await db.createCollection(name);
  for (const d of docs) await db.collection(name).add({ data: d });
  return name;
}
/** node-sdk: a plain read outside any transaction */
const read = async (db: any, c: string, id: string) => (await db.collection(c).doc(id).get()).data[0];
const CONFLICT = {
  code: 'DATABASE_TRANSACTION_CONFLICT',
  message: '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.',
};

/** Retries a transaction on conflict, as callers must (wx-server-sdk's runTransaction does not retry write-time conflicts). */
async function withRetry<T>(db: any, work: (t: any) => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      return await db.runTransaction(work, 1);
    } catch (e: any) {
      if (!/TransactionConflict|TransactionNotExist/.test(`${e?.message} ${e?.errMsg}`)) throw e;
      // jittered backoff, so 90 contenders do not retry in lockstep
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }
  throw new Error('still conflicting after 500 attempts');
}

test('runTransaction: read, update, commit; the callback result is returned', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const c = await coll([{ _id: 'p3', stock: 2 }]);
  const res = await db.runTransaction(async (t: any) => {
    const { data } = await t.collection(c).doc('p3').get();
    await t.collection(c).doc('p3').update({ data: { stock: _.inc(-1) } });
    return { before: data.stock };
  });
  expect(res).toEqual({ before: 2 });
  expect((await db.collection(c).doc('p3').get()).data.stock).toBe(1);
});

test('snapshot read: a transaction keeps reading the database as of its first read; outside writes to what it only read go through at once', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: 'a', v: 1 }, { _id: 'b', v: 1 }]);
  const t = await db.startTransaction();
  expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 1 });
  // Reads take no lock: these plain writes complete while the transaction is open.
  await db.collection(c).doc('a').update({ v: 2 });
  await db.collection(c).doc('b').update({ v: 2 });
  await db.collection(c).add({ _id: 'c', v: 2 });
  expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 1 });
  expect((await t.collection(c).doc('b').get()).data).toEqual({ _id: 'b', v: 1 });
  expect((await t.collection(c).doc('c').get()).data).toBeNull();
  expect((await t.collection(c).where({}).get()).data.map((d: any) => d.v)).toEqual([1, 1]);
  expect(await read(db, c, 'a')).toEqual({ _id: 'a', v: 2 });
  await t.commit();
});

test('a transaction sees its own writes; nobody else does before commit, and plain reads are not blocked', async () => {
  const db = cloud.node().database();
  const _ = db.command;
  const a = await coll([{ _id: 'sku', stock: 5 }]);
  const b = await coll();
  const t = await db.startTransaction();
  await t.collection(a).doc('sku').update({ stock: _.inc(-2) });
  await t.collection(b).doc('order1').set({ qty: 2 });
  expect((await t.collection(a).doc('sku').get()).data.stock).toBe(3);
  expect(await read(db, a, 'sku')).toEqual({ _id: 'sku', stock: 5 });
  expect((await db.collection(b).count()).total).toBe(0);
  await t.commit();
  expect(await read(db, a, 'sku')).toEqual({ _id: 'sku', stock: 3 });
  expect(await read(db, b, 'order1')).toEqual({ _id: 'order1', qty: 2 });
});

test('read skew → conflict: writing a document changed outside after the snapshot fails, aborts the transaction and writes nothing', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: '1', v: 'one' }, { _id: '2', v: 'two' }]);
  const t = await db.startTransaction();
  await t.collection(c).doc('1').get();
  await db.collection(c).doc('1').set({ v: 'outside' });
  await db.collection(c).doc('2').set({ v: 'outside' });
  expect((await t.collection(c).doc('1').get()).data).toEqual({ _id: '1', v: 'one' });
  expect((await t.collection(c).doc('2').get()).data).toEqual({ _id: '2', v: 'two' });
  await t.collection(c).add({ _id: '3', v: 'mine' });
  await expect(t.collection(c).doc('1').update({ v: 'mine' })).rejects.toMatchObject(CONFLICT);
  // MongoDB aborts a transaction on a write conflict: it is gone, with its earlier writes.
  await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
  expect((await db.collection(c).get()).data).toEqual([
    { _id: '1', v: 'outside' },
    { _id: '2', v: 'outside' },
  ]);
});

test('first writer wins: the later writer of a document another open transaction wrote gets the conflict; the first commits', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: 'x', v: 0 }]);
  const t1 = await db.startTransaction();
  const t2 = await db.startTransaction();
  const seen = (await t1.collection(c).doc('x').get()).data;
  await t2.collection(c).doc('x').update({ v: 2 });
  await expect(t1.collection(c).doc('x').update({ v: seen.v + 1 })).rejects.toMatchObject(CONFLICT);
  await t2.commit();
  expect(await read(db, c, 'x')).toEqual({ _id: 'x', v: 2 });
  // Also between two inserts of one _id: the second transaction conflicts at once.
  const t3 = await db.startTransaction();
  const t4 = await db.startTransaction();
  await t3.collection(c).add({ _id: 'new', by: 't3' });
  await expect(t4.collection(c).add({ _id: 'new', by: 't4' })).rejects.toMatchObject(CONFLICT);
  await t3.commit();
  expect(await read(db, c, 'new')).toEqual({ _id: 'new', by: 't3' });
});

test('wx-server-sdk wraps a write-time conflict without `code`, so its runTransaction does not retry it', async () => {
  const wx = cloud.wx().database();
  const c = await coll([{ _id: 'w', v: 0 }]);
  const holder = await cloud.node().database().startTransaction();
  await holder.collection(c).doc('w').update({ v: 1 });
  let attempts = 0;
  const failure = await wx
    .runTransaction(async (t: any) => {
      attempts++;
      await t.collection(c).doc('w').update({ data: { v: 2 } });
    })
    .catch((e: any) => e);
  expect(attempts).toBe(1);
  expect(failure.code).toBeUndefined();
  expect(failure.errMsg).toContain('TransactionConflict');
  await holder.commit();
  expect(await read(cloud.node().database(), c, 'w')).toEqual({ _id: 'w', v: 1 });
});

test('write skew is allowed: two transactions that each read one document and write the other both commit', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: '1', category: 'A' }, { _id: '2', category: 'B' }]);
  const t1 = await db.startTransaction();
  const t2 = await db.startTransaction();
  const d1 = (await t1.collection(c).doc('1').get()).data;
  const d2 = (await t2.collection(c).doc('2').get()).data;
  await t1.collection(c).doc('2').set({ category: `${d1.category}+t1` });
  await t2.collection(c).doc('1').set({ category: `${d2.category}+t2` });
  await t1.commit();
  await t2.commit();
  expect((await db.collection(c).get()).data).toEqual([
    { _id: '1', category: 'B+t2' },
    { _id: '2', category: 'A+t1' },
  ]);
});

test('a plain write to a document an open transaction wrote waits for it to end, then applies on top (no lost update)', async () => {
  const db = cloud.node().database();
  const _ = db.command;
  const c = await coll([{ _id: 'n', v: 0 }]);
  const t = await db.startTransaction();
  await t.collection(c).doc('n').update({ v: 10 });
  const outside = db.collection(c).doc('n').update({ v: _.inc(1) });
  await until(() => cloud.transactions(), (v) => v.waiting.some((w: any) => w.coll === c && w.id === 'n'), 'the plain write to wait');
  expect(await read(db, c, 'n')).toEqual({ _id: 'n', v: 0 });
  await t.commit();
  expect((await outside).updated).toBe(1);
  expect(await read(db, c, 'n')).toEqual({ _id: 'n', v: 11 });
});

test('rollback releases the document to a waiting plain write; the rolled-back writes are gone', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: 'a', v: 1 }]);
  const t = await db.startTransaction();
  await t.collection(c).add({ _id: 'b', v: 2 });
  await t.collection(c).doc('a').update({ v: 100 });
  const outside = db.collection(c).where({ _id: 'a' }).update({ v: 5 });
  await until(() => cloud.transactions(), (v) => v.waiting.some((w: any) => w.coll === c), 'the plain write to wait');
  await t.rollback();
  expect((await outside).updated).toBe(1);
  expect((await db.collection(c).get()).data).toEqual([{ _id: 'a', v: 5 }]);
});

test('the lifetime runs on the local cloud clock: 30 s later the transaction is gone, its writes dropped, waiting writes released', async () => {
  const db = cloud.node().database();
  const c = await coll([{ _id: 'life', v: 0 }]);
  const t = await db.startTransaction();
  await t.collection(c).doc('life').update({ v: 1 });
  const outside = db.collection(c).doc('life').update({ v: 2 });
  await until(() => cloud.transactions(), (v) => v.waiting.some((w: any) => w.coll === c), 'the plain write to wait');
  try {
    await cloud.setClock({ advanceMs: 29_000 });
    expect((await cloud.transactions()).open.map((o: any) => o.id)).toContain(t._id);
    await cloud.setClock({ advanceMs: 1_000 });
    expect((await outside).updated).toBe(1);
    await expect(t.commit()).rejects.toMatchObject({
      code: 'DATABASE_TRANSACTION_FAIL',
      message: expect.stringContaining('transaction must be commit or abort in 30 seconds'),
    });
    expect(await read(db, c, 'life')).toEqual({ _id: 'life', v: 2 });
  } finally {
    await cloud.setClock({ reset: true });
  }
});

test('where().get() inside a transaction sees the snapshot plus its own writes', async () => {
  const db = cloud.wx().database();
  const c = await coll([{ _id: 'x', k: 1 }, { _id: 'y', k: 1 }]);
  const t = await db.startTransaction();
  await t.collection(c).doc('x').remove();
  await t.collection(c).add({ data: { _id: 'z', k: 1 } });
  const seen = await t.collection(c).where({ k: 1 }).get();
  expect(seen.data.map((d: any) => d._id).sort()).toEqual(['y', 'z']);
  await t.commit();
  expect((await db.collection(c).where({ k: 1 }).get()).data.map((d: any) => d._id).sort()).toEqual(['y', 'z']);
});

test('committing twice fails with DATABASE_TRANSACTION_FAIL (transaction no longer exists)', async () => {
  const db = cloud.node().database();
  const t = await db.startTransaction();
  await t.commit();
  await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
});

test('runTransaction: a user rollback(reason) rejects with the reason and writes nothing', async () => {
  const db = cloud.wx().database();
  const c = await coll([{ _id: 'r', v: 1 }]);
  await expect(
    db.runTransaction(async (t: any) => {
      await t.collection(c).doc('r').update({ data: { v: 2 } });
      await t.rollback('changed my mind');
    }),
  ).rejects.toBe('changed my mind');
  expect((await db.collection(c).doc('r').get()).data.v).toBe(1);
});

// One Node process has at most 100 SDK requests in flight (node-sdk's agent), so 90 here; the
// function runner's 200-checkout race is in functions.test.ts.
test('90 concurrent checkout transactions on one hot SKU, retried on conflict: exactly the stock is sold', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const sku = await coll([{ _id: 'hot', stock: 60 }]);
  const orders = await coll();
  const outcomes = await Promise.allSettled(
    Array.from({ length: 90 }, (_x, i) =>
      withRetry(db, async (t: any) => {
        const { data } = await t.collection(sku).doc('hot').get();
        if (data.stock < 1) throw new Error('SOLD_OUT');
        await t.collection(sku).doc('hot').update({ data: { stock: _.inc(-1) } });
        await t.collection(orders).add({ data: { i, sku: 'hot' } });
      }),
    ),
  );
  const soldOut = outcomes.filter((o) => o.status === 'rejected' && String((o as PromiseRejectedResult).reason?.message).includes('SOLD_OUT')).length;
  expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(60);
  expect(soldOut).toBe(30);
  expect((await db.collection(sku).doc('hot').get()).data.stock).toBe(0);
  expect((await db.collection(orders).count()).total).toBe(60);
  const { stats } = await cloud.transactions();
  expect(stats.conflicts).toBeGreaterThan(0);
}, 120_000);

describe('with a short wait for plain writes', () => {
  test('a plain write still blocked when outsideWriteWaitMs runs out fails with DATABASE_TRANSACTION_CONFLICT and writes nothing', async () => {
    const h = await startCloud({ outsideWriteWaitMs: 200 });
    try {
      const db = h.node().database();
      await db.createCollection('w');
      await db.collection('w').add({ _id: 'a', v: 0 });
      const holder = await db.startTransaction();
      await holder.collection('w').doc('a').update({ v: 1 });
      await expect(db.collection('w').doc('a').update({ v: 5 })).rejects.toMatchObject(CONFLICT);
      expect((await h.transactions()).stats.outsideTimeouts).toBe(1);
      await holder.commit();
      expect(await read(db, 'w', 'a')).toEqual({ _id: 'a', v: 1 });
    } finally {
      await h.stop();
    }
  });
});
