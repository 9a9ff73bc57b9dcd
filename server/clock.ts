/** Wall-clock milliseconds. One seam so tests of pure helpers can pass their own `now`. */
export function now(): number {
  return Date.now();
}
