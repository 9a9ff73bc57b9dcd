/**
 * Import/export of collections in the WeChat console's JSON Lines format.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();

test('export writes one relaxed-EJSON document per line (dates as {"$date": ISO})', async () => {
  const db = cloud.wx().database();
  await db.createCollection('exp');
  await db.collection('exp').add({ data: [{ _id: 'a', n: 1, at: new Date('2024-01-02T03:04:05.000Z'), tags: ['x'] }, { _id: 'b', f: 1.5, nested: { k: null } }] });
  const res = await fetch(`${cloud.url}/_emulator/v1/database/exp:export`);
  const text = await res.text();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toEqual([
    { _id: 'a', n: 1, at: { $date: '2024-01-02T03:04:05Z' }, tags: ['x'] },
    { _id: 'b', f: 1.5, nested: { k: null } },
  ]);
});

test('import (console format) creates the collection; documents read back with real Dates', async () => {
  const jsonl = [
    '{"_id":"p1","name":"Tea","price":120,"createdAt":{"$date":"2024-01-01T00:00:00.000Z"}}',
    '{"name":"No id","price":5}',
    '',
    '{"_id":"p3","name":"Pot","price":300}',
  ].join('\n');
  const r = await cloud.local('POST', '/database/imported:import', jsonl);
  expect(r.json).toEqual({ imported: 3, errors: [] });
  const db = cloud.wx().database();
  const p1 = (await db.collection('imported').doc('p1').get()).data;
  expect(p1.createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
  expect((await db.collection('imported').count()).total).toBe(3);
});

test('import reports bad lines and keeps the good ones; re-import upserts by _id', async () => {
  const r = await cloud.local('POST', '/database/imp2:import', '{"_id":"a","v":1}\n{oops\n[1,2]\n{"_id":"b","v":2}\n');
  expect(r.json.imported).toBe(2);
  expect(r.json.errors.map((e: any) => e.line)).toEqual([2, 3]);
  await cloud.local('POST', '/database/imp2:import', '{"_id":"a","v":10}\n');
  const db = cloud.wx().database();
  expect((await db.collection('imp2').doc('a').get()).data.v).toBe(10);
  const strict = await cloud.local('POST', '/database/imp2:import?mode=insert', '{"_id":"a","v":11}\n');
  expect(strict.json.imported).toBe(0);
  expect(strict.json.errors).toHaveLength(1);
});

test('export → import round-trips a collection exactly', async () => {
  const db = cloud.wx().database();
  await db.createCollection('rt_src');
  await db.collection('rt_src').add({ data: Array.from({ length: 25 }, (_, i) => ({ _id: `d${i}`, i, at: new Date(1700000000000 + i), big: 3e9 + i, f: i / 4, arr: [i, { k: `v${i}` }] })) });
  const text = await (await fetch(`${cloud.url}/_emulator/v1/database/rt_src:export`)).text();
  await cloud.local('POST', '/database/rt_dst:import', text);
  const a = (await db.collection('rt_src').orderBy('_id', 'asc').limit(100).get()).data;
  const b = (await db.collection('rt_dst').orderBy('_id', 'asc').limit(100).get()).data;
  expect(b).toEqual(a);
  expect((await cloud.local('GET', '/database/missing_coll:export')).status).toBe(404);
});

test('DELETE /_emulator/v1/database/<coll> empties a collection but keeps it', async () => {
  const db = cloud.wx().database();
  await db.createCollection('to_clear');
  await db.collection('to_clear').add({ data: [{ a: 1 }, { a: 2 }] });
  const r = await cloud.local('DELETE', '/database/to_clear');
  expect(r.json).toEqual({ deleted: 2 });
  expect((await db.collection('to_clear').count()).total).toBe(0);
  expect((await cloud.local('DELETE', '/database/never_created')).status).toBe(404);
});
