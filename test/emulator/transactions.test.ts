/**
 * Transactions through the real SDKs: runTransaction, startTransaction/commit/rollback,
 * isolation, lock waiting (hot document), deadlock and lock-timeout conflicts.
 */
import { useCloud, startCloud } from '../helpers/cloud';

const cloud = useCloud();
let seq = 0;
async function coll(db: any, docs: any[] = []) {
  const name = `tx${Date.now().toString(36)}${++seq}`;
  await db.createCollection(name);
  for (const d of docs) await db.collection(name).add({ data: d });
  return name;
}

test('runTransaction: read, update, commit; the callback result is returned', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const c = await coll(db, [{ _id: 'p3', stock: 2 }]);
  const res = await db.runTransaction(async (t: any) => {
    const { data } = await t.collection(c).doc('p3').get();
    await t.collection(c).doc('p3').update({ data: { stock: _.inc(-1) } });
    return { before: data.stock };
  });
  expect(res).toEqual({ before: 2 });
  expect((await db.collection(c).doc('p3').get()).data.stock).toBe(1);
});

test('20 parallel runTransaction increments of one document add exactly 20', async () => {
  const db = cloud.wx().database();
  const c = await coll(db, [{ _id: 'ctr', n: 0 }]);
  await Promise.all(
    Array.from({ length: 20 }, () =>
      db.runTransaction(async (t: any) => {
        const { data } = await t.collection(c).doc('ctr').get();
        await t.collection(c).doc('ctr').update({ data: { n: data.n + 1 } });
      }),
    ),
  );
  expect((await db.collection(c).doc('ctr').get()).data.n).toBe(20);
});

// One Node process can have at most 100 SDK requests in flight (node-sdk's agent: maxSockets 100), so
// in-process contention is tested with 90 transactions; 200 concurrent checkouts run through the
// function runner in functions.test.ts.
test('90 concurrent checkout transactions on one hot SKU serialize and never oversell', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const sku = await coll(db, [{ _id: 'hot', stock: 60 }]);
  const orders = await coll(db);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 90 }, (_x, i) =>
      db.runTransaction(async (t: any) => {
        const { data } = await t.collection(sku).doc('hot').get();
        if (data.stock < 1) throw new Error('SOLD_OUT');
        await t.collection(sku).doc('hot').update({ data: { stock: _.inc(-1) } });
        await t.collection(orders).add({ data: { i, sku: 'hot' } });
      }),
    ),
  );
  const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
  const soldOut = outcomes.filter((o) => o.status === 'rejected' && String((o as PromiseRejectedResult).reason?.message ?? (o as any).reason).includes('SOLD_OUT')).length;
  expect(ok).toBe(60);
  expect(soldOut).toBe(30);
  expect((await db.collection(sku).doc('hot').get()).data.stock).toBe(0);
  expect((await db.collection(orders).count()).total).toBe(60);
}, 60000);

test('startTransaction + rollback discards every write', async () => {
  const db = cloud.wx().database();
  const c = await coll(db, [{ _id: 'a', v: 1 }]);
  const t = await db.startTransaction();
  await t.collection(c).add({ data: { _id: 'b', v: 2 } });
  await t.collection(c).doc('a').update({ data: { v: 100 } });
  await t.rollback();
  expect((await db.collection(c).count()).total).toBe(1);
  expect((await db.collection(c).doc('a').get()).data.v).toBe(1);
});

test('startTransaction + commit applies writes across collections atomically; invisible before commit', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const a = await coll(db, [{ _id: 'sku', stock: 5 }]);
  const b = await coll(db);
  const t = await db.startTransaction();
  await t.collection(a).doc('sku').update({ data: { stock: _.inc(-2) } });
  await t.collection(b).doc('order1').set({ data: { qty: 2 } });
  // The transaction sees its own writes…
  expect((await t.collection(a).doc('sku').get()).data.stock).toBe(3);
  // …but nobody else does yet (reads are not blocked by the lock).
  expect((await db.collection(b).count()).total).toBe(0);
  expect((await db.collection(a).where({ _id: 'sku' }).get()).data[0].stock).toBe(5);
  await t.commit();
  expect((await db.collection(a).doc('sku').get()).data.stock).toBe(3);
  expect((await db.collection(b).doc('order1').get()).data).toEqual({ _id: 'order1', qty: 2 });
});

test('transaction doc.remove and where().get() inside the transaction see own writes', async () => {
  const db = cloud.wx().database();
  const c = await coll(db, [{ _id: 'x', k: 1 }, { _id: 'y', k: 1 }]);
  const t = await db.startTransaction();
  await t.collection(c).doc('x').remove();
  await t.collection(c).add({ data: { _id: 'z', k: 1 } });
  const seen = await t.collection(c).where({ k: 1 }).get();
  expect(seen.data.map((d: any) => d._id).sort()).toEqual(['y', 'z']);
  await t.commit();
  expect((await db.collection(c).where({ k: 1 }).get()).data.map((d: any) => d._id).sort()).toEqual(['y', 'z']);
});

test('an ordinary write to a locked document waits for commit instead of being lost', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const c = await coll(db, [{ _id: 'n', v: 0 }]);
  const t = await db.startTransaction();
  const { data } = await t.collection(c).doc('n').get();
  let outsideDone = false;
  const outside = db
    .collection(c)
    .doc('n')
    .update({ data: { v: _.inc(1) } })
    .then((r: any) => {
      outsideDone = true;
      return r;
    });
  await new Promise((r) => setTimeout(r, 150));
  expect(outsideDone).toBe(false);
  await t.collection(c).doc('n').update({ data: { v: data.v + 10 } });
  await t.commit();
  expect((await outside).stats.updated).toBe(1);
  expect((await db.collection(c).doc('n').get()).data.v).toBe(11);
});

test('deadlock between two transactions: the second waiter is doomed (its commit conflicts), the first commits', async () => {
  const db = cloud.node().database();
  const c = await coll(cloud.wx().database(), [{ _id: 'A', v: 0 }, { _id: 'B', v: 0 }]);
  const t1 = await db.startTransaction();
  const t2 = await db.startTransaction();
  await t1.collection(c).doc('A').get();
  await t2.collection(c).doc('B').get();
  const t1WaitsForB = t1.collection(c).doc('B').get();
  await new Promise((r) => setTimeout(r, 50));
  // t2 -> A would close the cycle: t2 releases its locks and reads without locking…
  const seen = await t2.collection(c).doc('A').get();
  expect(seen.data).toEqual({ _id: 'A', v: 0 });
  await t2.collection(c).doc('A').update({ v: 99 });
  // …so t1 gets B and can finish.
  await t1WaitsForB;
  await t1.collection(c).doc('A').update({ v: 1 });
  await t1.collection(c).doc('B').update({ v: 1 });
  await t1.commit();
  await expect(t2.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: expect.stringContaining('deadlock') });
  const r = await db.collection(c).get();
  expect(r.data.map((d: any) => d.v)).toEqual([1, 1]);
});

test('committing twice fails with DATABASE_TRANSACTION_FAIL (transaction no longer exists)', async () => {
  const db = cloud.node().database();
  const t = await db.startTransaction();
  await t.commit();
  await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
});

test('runTransaction: a user rollback(reason) rejects with the reason and writes nothing', async () => {
  const db = cloud.wx().database();
  const c = await coll(db, [{ _id: 'r', v: 1 }]);
  await expect(
    db.runTransaction(async (t: any) => {
      await t.collection(c).doc('r').update({ data: { v: 2 } });
      await t.rollback('changed my mind');
    }),
  ).rejects.toBe('changed my mind');
  expect((await db.collection(c).doc('r').get()).data.v).toBe(1);
});

describe('with a short lock wait', () => {
  test('a lock wait that times out makes the commit fail with DATABASE_TRANSACTION_CONFLICT', async () => {
    const h = await startCloud({ lockWaitMs: 200 });
    try {
      const db = h.node().database();
      await h.wx().database().createCollection('w');
      await db.collection('w').add({ _id: 'a', v: 0 });
      const holder = await db.startTransaction();
      await holder.collection('w').doc('a').get();
      const t2 = await db.startTransaction();
      const t0 = Date.now();
      await t2.collection('w').doc('a').get();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
      await t2.collection('w').doc('a').update({ v: 5 });
      await expect(t2.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: expect.stringContaining('timed out') });
      await holder.commit();
      expect((await db.collection('w').doc('a').get()).data[0].v).toBe(0);
    } finally {
      await h.stop();
    }
  });

  test.each(['wx-server-sdk', '@cloudbase/node-sdk'])('%s runTransaction retries after a lock timeout and succeeds', async (which) => {
    const h = await startCloud({ lockWaitMs: 200 });
    try {
      const wx = which === 'wx-server-sdk';
      const db = (wx ? h.wx() : h.node()).database();
      await h.wx().database().createCollection('w');
      await h.node().database().collection('w').add({ _id: 'a', v: 0 });
      const holder = await h.node().database().startTransaction();
      await holder.collection('w').doc('a').get();
      let attempts = 0;
      setTimeout(() => void holder.commit(), 350);
      await db.runTransaction(async (t: any) => {
        attempts++;
        const { data } = await t.collection('w').doc('a').get();
        const v = Array.isArray(data) ? data[0].v : data.v;
        await t.collection('w').doc('a').update(wx ? { data: { v: v + 1 } } : { v: v + 1 });
      });
      expect(attempts).toBeGreaterThan(1);
      expect((await h.node().database().collection('w').doc('a').get()).data[0].v).toBe(1);
    } finally {
      await h.stop();
    }
  });
});
