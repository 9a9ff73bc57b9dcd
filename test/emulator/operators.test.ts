/**
 * Operator sweep: query, update and aggregation operators through the real @cloudbase/node-sdk,
 * each expected value taken from the MongoDB or CloudBase documentation example cited above it
 * (no MongoDB server runs here, so the documentation is the oracle; none of these values was
 * read off the local cloud's own output).
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
let db: any;
let _: any;
let $: any;

beforeAll(() => {
  db = cloud.node().database();
  _ = db.command;
  $ = _.aggregate;
});

let seq = 0;
async function collectionWith(docs: object[]): Promise<any> {
  const name = `ops_${++seq}`;
  await db.createCollection(name);
  if (docs.length) await db.collection(name).add(docs);
  return db.collection(name);
}

/** Projects one expression over one document and returns its value. */
async function evalExpr(doc: object, expr: unknown): Promise<unknown> {
  const coll = await collectionWith([doc]);
  const r = await coll.aggregate().project({ _id: 0, v: expr }).end();
  return r.data[0].v;
}

describe('aggregation: date', () => {
  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/week/ (Behavior table)
  test.each([
    ['2016-01-01T00:00:00Z', undefined, 0], // { $week: new Date("Jan 1, 2016") } → 0
    ['2016-01-04T00:00:00Z', undefined, 1], // { $week: { date: new Date("2016-01-04") } } → 1
    ['1998-11-01T00:00:00Z', undefined, 44], // { $week: ISODate("1998-11-01T00:00:00Z") } → 44 (a Sunday)
    ['1998-11-01T00:00:00Z', '-0500', 43], // same date, timezone "-0500" → 43
  ])('$week %s tz %s → %d', async (iso, timezone, want) => {
    const date = new Date(iso);
    expect(await evalExpr({ date }, timezone ? { $week: { date: '$date', timezone } } : $.week('$date'))).toBe(want);
  });

  // https://docs.cloudbase.net/en/api-reference/server/node-sdk/database/aggregate/operators/week
  test('$.week on ISODate("2019-05-14T09:38:51.686Z") → 19 (CloudBase example)', async () => {
    expect(await evalExpr({ date: new Date('2019-05-14T09:38:51.686Z') }, $.week('$date'))).toBe(19);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/dateToString/ — "%U: week of
  // year (00-53)", the same numbering as $week; the 1998-11-01 Sunday is week 44 (see above).
  test('$dateToString %U uses $week numbering', async () => {
    expect(await evalExpr({ date: new Date('1998-11-01T00:00:00Z') }, $.dateToString({ date: '$date', format: '%Y-%U' }))).toBe('1998-44');
  });
});

describe('aggregation: strings', () => {
  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexOfCP/ (Behavior table)
  test.each([
    [['cafeteria', 'e'], 3],
    [['cafétéria', 'é'], 3],
    [['cafétéria', 'e'], -1],
    [['cafétéria', 't'], 4],
    [['foo.bar.fi', '.', 5], 7],
  ])('$indexOfCP %j → %d', async (args, want) => {
    expect(await evalExpr({}, $.indexOfCP(args))).toBe(want);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexOfBytes/ (Behavior table)
  test.each([
    [['cafeteria', 'e'], 3],
    [['cafétéria', 'é'], 3],
    [['cafétéria', 'e'], -1],
    [['cafétéria', 't'], 5],
    [['foo.bar.fi', '.', 5], 7],
  ])('$indexOfBytes %j → %d', async (args, want) => {
    expect(await evalExpr({}, $.indexOfBytes(args))).toBe(want);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/substr/ — inventory example:
  // quarter "13Q1" → yearSubstring {$substr: ["$quarter", 0, 2]} "13", quarterSubstring
  // {$substr: ["$quarter", 2, -1]} "Q1" (a negative length takes the rest of the string).
  test('$substr with a negative length takes the rest (inventory example)', async () => {
    const coll = await collectionWith([{ item: 'ABC1', quarter: '13Q1' }, { item: 'ABC2', quarter: '13Q4' }, { item: 'XYZ1', quarter: '14Q2' }]);
    const r = await coll
      .aggregate()
      .project({ _id: 0, item: 1, yearSubstring: $.substr(['$quarter', 0, 2]), quarterSubstring: $.substr(['$quarter', 2, -1]) })
      .end();
    expect(r.data).toEqual([
      { item: 'ABC1', yearSubstring: '13', quarterSubstring: 'Q1' },
      { item: 'ABC2', yearSubstring: '13', quarterSubstring: 'Q4' },
      { item: 'XYZ1', yearSubstring: '14', quarterSubstring: 'Q2' },
    ]);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/substrBytes/ — same inventory
  // example: {$substrBytes: ["$quarter", 2, -1]} on "13Q4" → "Q4".
  test('$substrBytes with a negative length takes the rest', async () => {
    expect(await evalExpr({ quarter: '13Q4' }, $.substrBytes(['$quarter', 2, -1]))).toBe('Q4');
  });
});

describe('aggregation: arithmetic', () => {
  // https://www.mongodb.com/docs/v3.4/reference/operator/aggregation/trunc/ — the one-operand form
  // { $trunc: <number> }: { $trunc: 7.80 } → 7, { $trunc: -2.3 } → -2; still accepted beside
  // https://www.mongodb.com/docs/manual/reference/operator/aggregation/trunc/ ([<number>, <place>],
  // <place> optional, default 0).
  test.each([
    [7.8, 7],
    [-2.3, -2],
  ])('$trunc with one operand: %d → %d', async (n, want) => {
    expect(await evalExpr({ n }, { $trunc: '$n' })).toBe(want);
    expect(await evalExpr({ n }, $.trunc(['$n', 0]))).toBe(want);
  });
});

describe('query', () => {
  // https://www.mongodb.com/docs/manual/reference/operator/query/elemMatch/ — survey example:
  // { results: { $elemMatch: { product: "xyz", score: { $gte: 8 } } } } matches only _id 3; the
  // operator "matches documents that contain an array field with at least one element that matches
  // all the specified query criteria" — a plain number has no `score` field, so it never matches.
  test('$elemMatch with field conditions matches embedded documents only', async () => {
    const coll = await collectionWith([
      { _id: 1, results: [{ product: 'abc', score: 10 }, { product: 'xyz', score: 5 }] },
      { _id: 2, results: [{ product: 'abc', score: 8 }, { product: 'xyz', score: 7 }] },
      { _id: 3, results: [{ product: 'abc', score: 7 }, { product: 'xyz', score: 8 }] },
      { _id: 4, results: [{ product: 'abc', score: 7 }, { product: 'def', score: 8 }] },
      { _id: 9, results: [8, 9, 10] },
    ]);
    const r = await coll.where({ results: _.elemMatch({ product: 'xyz', score: _.gte(8) }) }).get();
    expect(r.data.map((d: any) => d._id)).toEqual([3]);
    const scores = await coll.where({ results: _.elemMatch({ score: _.gte(8) }) }).get();
    expect(scores.data.map((d: any) => d._id)).toEqual([1, 2, 3, 4]);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/query/elemMatch/ — scores example:
  // { results: { $elemMatch: { $gte: 80, $lt: 85 } } } over [82, 85, 88] and [75, 88, 89] → _id 1.
  test('$elemMatch with operator conditions still matches plain values', async () => {
    const coll = await collectionWith([
      { _id: 1, results: [82, 85, 88] },
      { _id: 2, results: [75, 88, 89] },
    ]);
    const r = await coll.where({ results: _.elemMatch({ $gte: 80, $lt: 85 }) }).get();
    expect(r.data.map((d: any) => d._id)).toEqual([1]);
  });

  // https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/ — the definition's
  // example schema requires name, major, gpa and address, with name a string and address an object
  // holding a string zipcode; $nor of the same schema selects the documents that do not satisfy it.
  test('$jsonSchema selects the documents that satisfy the schema (bsonType included)', async () => {
    const schema = {
      required: ['name', 'major', 'gpa', 'address'],
      properties: {
        name: { bsonType: 'string' },
        address: { bsonType: 'object', required: ['zipcode'], properties: { street: { bsonType: 'string' }, zipcode: { bsonType: 'string' } } },
      },
    };
    const coll = await collectionWith([
      { _id: 'ok', name: 'Alice', major: 'History', gpa: 3.2, address: { street: '1 Main', zipcode: '63109' } },
      { _id: 'no-address', name: 'Bob', major: 'Math', gpa: 3.0 },
      { _id: 'numeric-zip', name: 'Carol', major: 'Art', gpa: 3.5, address: { zipcode: 63109 } },
      { _id: 'name-not-string', name: 42, major: 'Art', gpa: 3.5, address: { zipcode: '63109' } },
    ]);
    const yes = await coll.where(_.jsonSchema(schema)).get();
    expect(yes.data.map((d: any) => d._id)).toEqual(['ok']);
    const no = await coll.where(_.nor([_.jsonSchema(schema)])).get();
    expect(no.data.map((d: any) => d._id)).toEqual(['no-address', 'numeric-zip', 'name-not-string']);
  });
});

describe('update', () => {
  // https://www.mongodb.com/docs/manual/reference/operator/update/inc/ — "Use of the $inc operator on
  // a field with a null value will generate an error"; $inc "accepts positive and negative values"
  // and only applies to numeric fields. A refused update writes nothing.
  test.each([
    ['text', '100'],
    ['null', null],
  ])('$inc on a %s field is refused and writes nothing', async (_label, sales) => {
    const coll = await collectionWith([{ _id: 'p1', sales, stock: 5 }]);
    await expect(coll.doc('p1').update({ sales: _.inc(1), stock: _.inc(-1) })).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    const after = await coll.doc('p1').get();
    expect(after.data[0]).toMatchObject({ sales, stock: 5 });
  });

  // https://www.mongodb.com/docs/manual/reference/operator/update/inc/ — the products example:
  // { $inc: { quantity: -2, "metrics.orders": 1 } } on quantity 10, metrics.orders 2 → 8 and 3.
  test('$inc on numbers (products example)', async () => {
    const coll = await collectionWith([{ _id: 1, sku: 'abc123', quantity: 10, metrics: { orders: 2, ratings: 3.5 } }]);
    await coll.doc(1).update({ quantity: _.inc(-2), 'metrics.orders': _.inc(1) });
    expect((await coll.doc(1).get()).data[0]).toMatchObject({ quantity: 8, metrics: { orders: 3, ratings: 3.5 } });
  });

  // https://www.mongodb.com/docs/manual/reference/operator/update/set/ — "Set Elements in Arrays":
  // { $set: { "tags.1": "rain gear", "ratings.0.rating": 2 } } on tags ["apparel", "clothing"] and
  // ratings [{ by: "Customer007", rating: 4 }] → tags ["apparel", "rain gear"], ratings[0].rating 2.
  test('$set through array indexes (products example)', async () => {
    const coll = await collectionWith([{ _id: 100, tags: ['apparel', 'clothing'], ratings: [{ by: 'Customer007', rating: 4 }] }]);
    await coll.doc(100).update({ 'tags.1': 'rain gear', 'ratings.0.rating': 2 });
    expect((await coll.doc(100).get()).data[0]).toMatchObject({ tags: ['apparel', 'rain gear'], ratings: [{ by: 'Customer007', rating: 2 }] });
  });

  // https://www.mongodb.com/docs/manual/reference/error-codes/ — PathNotViable (28): a field name
  // cannot continue a path through an array ("ratings.rating" has no element to create it in;
  // https://www.mongodb.com/docs/manual/core/document/#dot-notation reaches array elements by index).
  test('$set by field name through an array is refused, not ignored', async () => {
    const coll = await collectionWith([{ _id: 100, ratings: [{ by: 'Customer007', rating: 4 }] }]);
    await expect(coll.doc(100).update({ 'ratings.rating': 2 })).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect((await coll.doc(100).get()).data[0].ratings).toEqual([{ by: 'Customer007', rating: 4 }]);
  });

  // https://docs.cloudbase.net/api-reference/server/node-sdk/database/collection#updateandreturn —
  // updateAndReturn reports the matched document (updated: 1) with its new value; an unchanged value
  // is still a match (findAndModify semantics).
  test('updateAndReturn with an unchanged value reports updated: 1', async () => {
    const coll = await collectionWith([{ a: 1 }]);
    const r = await coll.where({ a: 1 }).updateAndReturn({ a: 1 });
    expect(r.updated).toBe(1);
    expect(r.doc).toMatchObject({ a: 1 });
  });
});
