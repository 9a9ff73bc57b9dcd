/**
 * Geo queries (implemented beside mingo, which lacks them): geoNear, geoWithin, geoIntersects and
 * the geoNear aggregation stage, through wx-server-sdk.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();
// Guangzhou-ish points: roughly 0 m, ~1.1 km, ~11 km and ~111 km from the centre
const CENTER: [number, number] = [113.3, 23.1];
const STORES = [
  { _id: 's0', name: 'centre', lng: 113.3, lat: 23.1 },
  { _id: 's1', name: 'near', lng: 113.3, lat: 23.11 },
  { _id: 's2', name: 'town', lng: 113.3, lat: 23.2 },
  { _id: 's3', name: 'far', lng: 113.3, lat: 24.1 },
];

beforeAll(async () => {
  const db = cloud.wx().database();
  await db.createCollection('geo_places');
  for (const s of [...STORES].reverse()) await db.collection('geo_places').add({ data: { _id: s._id, name: s.name, open: s._id !== 's1', loc: db.Geo.Point(s.lng, s.lat) } });
});

test('geoNear filters by max/min distance (metres) and sorts nearest first', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const r = await db.collection('geo_places').where({ loc: _.geoNear({ geometry: db.Geo.Point(...CENTER), maxDistance: 20000, minDistance: 0 }) }).get();
  expect(r.data.map((d: any) => d._id)).toEqual(['s0', 's1', 's2']);
  expect(r.data[0].loc.latitude).toBeCloseTo(23.1);
  const ring = await db.collection('geo_places').where({ loc: _.geoNear({ geometry: db.Geo.Point(...CENTER), maxDistance: 200000, minDistance: 5000 }), open: true }).get();
  expect(ring.data.map((d: any) => d._id)).toEqual(['s2', 's3']);
});

test('geoWithin a polygon and within a centerSphere', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const { LineString, Point, Polygon } = db.Geo;
  const box = Polygon([LineString([Point(113.2, 23.0), Point(113.4, 23.0), Point(113.4, 23.15), Point(113.2, 23.15), Point(113.2, 23.0)])]);
  const inBox = await db.collection('geo_places').where({ loc: _.geoWithin({ geometry: box }) }).orderBy('_id', 'asc').get();
  expect(inBox.data.map((d: any) => d._id)).toEqual(['s0', 's1']);
  const circle = await db.collection('geo_places').where({ loc: _.geoWithin({ centerSphere: [[113.3, 23.1], 15000 / 6378100] }) }).orderBy('_id', 'asc').get();
  expect(circle.data.map((d: any) => d._id)).toEqual(['s0', 's1', 's2']);
});

test('geoIntersects with a polygon; count with a geo filter', async () => {
  const db = cloud.wx().database();
  const _ = db.command;
  const { LineString, Point, Polygon } = db.Geo;
  const north = Polygon([LineString([Point(113, 23.5), Point(114, 23.5), Point(114, 25), Point(113, 25), Point(113, 23.5)])]);
  expect((await db.collection('geo_places').where({ loc: _.geoIntersects({ geometry: north }) }).get()).data.map((d: any) => d._id)).toEqual(['s3']);
  expect((await db.collection('geo_places').where({ loc: _.geoNear({ geometry: Point(...CENTER), maxDistance: 2000 }) }).count()).total).toBe(2);
});

test('aggregate geoNear adds the distance field and sorts by it', async () => {
  const db = cloud.wx().database();
  const r = await db
    .collection('geo_places')
    .aggregate()
    .geoNear({ distanceField: 'distance', spherical: true, near: db.Geo.Point(...CENTER), maxDistance: 50000, key: 'loc', query: { open: true } })
    .project({ distance: 1 })
    .end();
  expect(r.list.map((d: any) => d._id)).toEqual(['s0', 's2']);
  expect(r.list[0].distance).toBe(0);
  expect(r.list[1].distance).toBeGreaterThan(10000);
  expect(r.list[1].distance).toBeLessThan(12000);
});
