/**
 * Geo query operators, which mingo does not implement: $nearSphere/$near (metres, results
 * sorted by distance), $geoWithin ($geometry Polygon/MultiPolygon, $centerSphere) and
 * $geoIntersects (Point/Polygon). Documents hold GeoJSON, as the SDKs store db.Geo values.
 * The geo parts are taken out of the filter; mingo evaluates the rest.
 */
import type { Doc } from '../util/ejson';
import { Errors } from '../util/errors';

const EARTH_RADIUS_M = 6378100;
const RAD = Math.PI / 180;
const GEO_OPS = new Set(['$nearSphere', '$near', '$geoWithin', '$geoIntersects']);

type LngLat = [number, number];
export interface GeoFilter {
  rest: Doc;
  predicates: Array<(doc: Doc) => boolean>;
  near?: { field: string; point: LngLat };
}

function getPath(doc: Doc, path: string): unknown {
  return path.split('.').reduce<any>((cur, k) => (cur == null ? undefined : cur[k]), doc);
}

function pointOf(v: unknown): LngLat | undefined {
  const g = v as { type?: string; coordinates?: unknown } | undefined;
  if (g && g.type === 'Point' && Array.isArray(g.coordinates) && g.coordinates.length >= 2) return [Number(g.coordinates[0]), Number(g.coordinates[1])];
  if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number') return [v[0], v[1] as number];
  return undefined;
}

/**
 * Great-circle distance the way MongoDB computes it (S2): both points on the unit sphere, the angle
 * between them as atan2(|a × b|, a · b), times the radius MongoDB uses, 6378.1 km. The haversine
 * formula gives the same distance up to the last bits; CloudBase's own test compares the exact double.
 */
export function distanceMetres(a: LngLat, b: LngLat): number {
  const [ax, ay, az] = unitVector(a);
  const [bx, by, bz] = unitVector(b);
  const cx = ay * bz - az * by;
  const cy = az * bx - ax * bz;
  const cz = ax * by - ay * bx;
  return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz) * EARTH_RADIUS_M;
}

function unitVector([lng, lat]: LngLat): [number, number, number] {
  const phi = lat * RAD;
  const theta = lng * RAD;
  const cosPhi = Math.cos(phi);
  return [Math.cos(theta) * cosPhi, Math.sin(theta) * cosPhi, Math.sin(phi)];
}

function inRing(p: LngLat, ring: LngLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point inside a GeoJSON Polygon (outer ring minus holes) or MultiPolygon. */
function inGeometry(p: LngLat, g: any): boolean {
  if (!g || typeof g !== 'object') return false;
  const polys: LngLat[][][] = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polys.some((rings) => Array.isArray(rings) && rings.length > 0 && inRing(p, rings[0]) && !rings.slice(1).some((h) => inRing(p, h)));
}

function condition(field: string, op: string, spec: any, out: GeoFilter) {
  if (op === '$nearSphere' || op === '$near') {
    const center = pointOf(spec?.$geometry ?? spec);
    if (!center) throw Errors.invalidParam(`${op} requires a $geometry Point`);
    const max = spec.$maxDistance !== undefined ? Number(spec.$maxDistance) : Infinity;
    const min = spec.$minDistance !== undefined ? Number(spec.$minDistance) : 0;
    out.near = { field, point: center };
    out.predicates.push((doc) => {
      const p = pointOf(getPath(doc, field));
      if (!p) return false;
      const d = distanceMetres(center, p);
      return d >= min && d <= max;
    });
  } else if (op === '$geoWithin') {
    if (spec?.$centerSphere) {
      const [c, radians] = spec.$centerSphere;
      const center = pointOf(c);
      if (!center) throw Errors.invalidParam('$centerSphere requires [[lng, lat], radius]');
      out.predicates.push((doc) => {
        const p = pointOf(getPath(doc, field));
        return !!p && distanceMetres(center, p) <= Number(radians) * EARTH_RADIUS_M;
      });
    } else {
      const g = spec?.$geometry;
      out.predicates.push((doc) => {
        const p = pointOf(getPath(doc, field));
        return !!p && inGeometry(p, g);
      });
    }
  } else if (op === '$geoIntersects') {
    const g = spec?.$geometry;
    out.predicates.push((doc) => {
      const p = pointOf(getPath(doc, field));
      if (!p) return false;
      if (g?.type === 'Point') {
        const q = pointOf(g);
        return !!q && q[0] === p[0] && q[1] === p[1];
      }
      return inGeometry(p, g);
    });
  }
}

/** Splits geo conditions (top level and inside a top-level $and) out of a filter; undefined if none. */
export function extractGeo(filter: Doc): GeoFilter | undefined {
  const hasGeo = (cond: unknown) => !!cond && typeof cond === 'object' && !Array.isArray(cond) && Object.keys(cond as Doc).some((k) => GEO_OPS.has(k));
  const top = Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && hasGeo(v));
  const inAnd = Array.isArray(filter.$and) && filter.$and.some((c: Doc) => c && Object.entries(c).some(([k, v]) => !k.startsWith('$') && hasGeo(v)));
  if (top.length === 0 && !inAnd) return undefined;
  const out: GeoFilter = { rest: {}, predicates: [] };
  const strip = (obj: Doc): Doc => {
    const kept: Doc = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('$') || !hasGeo(v)) {
        kept[k] = v;
        continue;
      }
      const other: Doc = {};
      for (const [op, spec] of Object.entries(v as Doc)) {
        if (GEO_OPS.has(op)) condition(k, op, spec, out);
        else other[op] = spec;
      }
      if (Object.keys(other).length) kept[k] = other;
    }
    return kept;
  };
  out.rest = strip(filter);
  if (Array.isArray(out.rest.$and)) out.rest.$and = out.rest.$and.map((c: Doc) => (c && typeof c === 'object' ? strip(c) : c));
  return out;
}

/** The $geoNear aggregation stage (must be first): filter, sort by distance, add distanceField. */
export function geoNearStage(docs: Doc[], spec: Doc): Doc[] {
  const center = pointOf(spec.near?.$geometry ?? spec.near);
  if (!center) throw Errors.invalidParam('$geoNear requires near');
  const key = typeof spec.key === 'string' ? spec.key : undefined;
  const max = spec.maxDistance !== undefined ? Number(spec.maxDistance) : Infinity;
  const min = spec.minDistance !== undefined ? Number(spec.minDistance) : 0;
  const field = typeof spec.distanceField === 'string' ? spec.distanceField : 'distance';
  const mult = spec.distanceMultiplier !== undefined ? Number(spec.distanceMultiplier) : 1;
  const findPoint = (d: Doc): LngLat | undefined => {
    if (key) return pointOf(getPath(d, key));
    for (const v of Object.values(d)) {
      const p = pointOf(v);
      if (p && (v as any)?.type === 'Point') return p;
    }
    return undefined;
  };
  return docs
    .map((d) => {
      const p = findPoint(d);
      return p ? { d, dist: distanceMetres(center, p) } : undefined;
    })
    .filter((x): x is { d: Doc; dist: number } => !!x && x.dist >= min && x.dist <= max)
    .sort((a, b) => a.dist - b.dist)
    .map(({ d, dist }) => ({ ...d, [field]: dist * mult }));
}
