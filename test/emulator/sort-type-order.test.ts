/**
 * Sorting a field that holds values of several types follows MongoDB's type order (null/missing <
 * numbers < dates), whether or not the field is indexed: listings page on "after this key", so the
 * order and the range operators must agree as they do in CloudBase.
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startCloud, useCloud } from '../helpers/cloud';

const cloud = useCloud({});
const T = 1_700_000_000_000;

test('dates sort after every number, missing before; range operators stay within their type', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const products = db.collection('products'); // createdAt is indexed there (status_createdAt)
  await products.doc('d1').set({ data: { status: 'x', createdAt: new Date(T + 1000) } });
  await products.doc('d2').set({ data: { status: 'x', createdAt: new Date(T + 2000) } });
  await products.doc('n1').set({ data: { status: 'x', createdAt: T + 5000 } });
  await products.doc('z1').set({ data: { status: 'x' } });
  const ids = async (where: object, dir: 'asc' | 'desc') =>
    (await products.where(where).orderBy('createdAt', dir).orderBy('_id', 'asc').get()).data.map((d: { _id: string }) => d._id);
  expect(await ids({ status: 'x' }, 'desc')).toEqual(['d2', 'd1', 'n1', 'z1']);
  expect(await ids({ status: 'x' }, 'asc')).toEqual(['z1', 'n1', 'd1', 'd2']);
  expect(await ids({ status: 'x', createdAt: _.lt(new Date(T + 2000)) }, 'desc')).toEqual(['d1']);
  expect(await ids({ status: 'x', createdAt: _.gte(-Number.MAX_VALUE) }, 'desc')).toEqual(['n1']);
  expect(await ids({ status: 'x', createdAt: _.eq(null) }, 'desc')).toEqual(['z1']);
});

test('a page of a descending sort starts with the dates, however the numbers and strings compare to their epoch', async () => {
  const db = cloud.wx().database();
  const products = db.collection('products');
  // the number is above the dates' epoch ms and the string is text: read in index order, both would
  // come before any date and fill the page without one
  await products.doc('p-date-old').set({ data: { status: 'y', createdAt: new Date(T - 9000) } });
  await products.doc('p-num').set({ data: { status: 'y', createdAt: T * 2 } });
  await products.doc('p-str').set({ data: { status: 'y', createdAt: '2026-12-01' } });
  await products.doc('p-date').set({ data: { status: 'y', createdAt: new Date(T + 10_000) } }); // the latest date of this file
  const page = async (dir: 'asc' | 'desc', limit: number) =>
    (await products.where({ status: 'y' }).orderBy('createdAt', dir).orderBy('_id', 'asc').limit(limit).get()).data.map((d: { _id: string }) => d._id);
  // numbers < strings < dates (MongoDB's BSON comparison order)
  expect(await page('desc', 4)).toEqual(['p-date', 'p-date-old', 'p-str', 'p-num']);
  expect(await page('desc', 1)).toEqual(['p-date']);
  expect(await page('desc', 2)).toEqual(['p-date', 'p-date-old']);
  expect(await page('asc', 1)).toEqual(['p-num']);
  expect(await page('asc', 2)).toEqual(['p-num', 'p-str']);
  // without the status condition (the whole collection, the first test's documents too)
  const all = (await products.orderBy('createdAt', 'desc').limit(1).get()).data.map((d: { _id: string }) => d._id);
  expect(all).toEqual(['p-date']);
});

test('dates already on disk count too: after a restart the page still starts with the date', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-sort-dates-'));
  try {
    let c = await startCloud({ dataDir });
    const write = c.wx().database().collection('products');
    await write.doc('r-num').set({ data: { status: 'r', createdAt: T * 2 } });
    await write.doc('r-date').set({ data: { status: 'r', createdAt: new Date(T) } });
    await c.stop();
    c = await startCloud({ dataDir });
    try {
      const got = await c.wx().database().collection('products').where({ status: 'r' }).orderBy('createdAt', 'desc').limit(1).get();
      expect(got.data.map((d: { _id: string }) => d._id)).toEqual(['r-date']);
    } finally {
      await c.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
