/**
 * CloudBase timer-trigger cron: SEVEN fields — second minute hour day month weekday year —
 * evaluated in UTC+8 (China time), as the WeChat docs specify. When both day and weekday are
 * restricted, either may match (classic cron rule).
 */
const RANGES: Array<[number, number]> = [
  [0, 59], // second
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 7], // weekday (0 and 7 = Sunday)
  [1970, 2199], // year
];
const NAMES: Record<string, number> = {
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
  SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6,
};

export interface Cron {
  fields: Array<Set<number> | null>; // null = '*'
  source: string;
}

function num(s: string): number {
  const v = NAMES[s.toUpperCase()] ?? Number(s);
  if (!Number.isInteger(v)) throw new Error(`bad cron value "${s}"`);
  return v;
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 7) throw new Error(`cron "${expr}" must have 7 fields (sec min hour day month weekday year)`);
  const fields = parts.map((p, i) => {
    if (p === '*' || p === '?') return null;
    const [lo, hi] = RANGES[i];
    const set = new Set<number>();
    for (const item of p.split(',')) {
      const [range, stepS] = item.split('/');
      const step = stepS ? Number(stepS) : 1;
      if (!Number.isInteger(step) || step < 1) throw new Error(`bad cron step in "${item}"`);
      let a: number, b: number;
      if (range === '*') [a, b] = [lo, hi];
      else if (range.includes('-')) [a, b] = range.split('-').map(num) as [number, number];
      else [a, b] = [num(range), stepS ? hi : num(range)];
      if (a < lo || b > hi || a > b) throw new Error(`cron value out of range in "${item}"`);
      for (let v = a; v <= b; v += step) set.add(i === 5 && v === 7 ? 0 : v);
    }
    return set;
  });
  return { fields, source: expr };
}

/** Does the cron fire at this instant (second resolution)? */
export function cronMatches(c: Cron, at: Date): boolean {
  const t = new Date(at.getTime() + 8 * 3600_000); // UTC+8 wall clock read with getUTC*
  const vals = [t.getUTCSeconds(), t.getUTCMinutes(), t.getUTCHours(), t.getUTCDate(), t.getUTCMonth() + 1, t.getUTCDay(), t.getUTCFullYear()];
  const ok = (i: number) => c.fields[i] === null || c.fields[i]!.has(vals[i]);
  for (const i of [0, 1, 2, 4, 6]) if (!ok(i)) return false;
  const dom = c.fields[3], dow = c.fields[5];
  if (dom && dow) return ok(3) || ok(5);
  return ok(3) && ok(5);
}
