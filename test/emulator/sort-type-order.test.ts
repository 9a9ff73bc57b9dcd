/**
 * Sorting a field that holds values of several types follows MongoDB's type order (null/missing <
 * numbers < dates), whether or not the field is indexed: listings page on "after this key", so the
 * order and the range operators must agree as they do in CloudBase.
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 */
import { useCloud } from '../helpers/cloud';

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
