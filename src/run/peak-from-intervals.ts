/**
 * The most intervals open at once. At equal times a finish counts before a start: a slot freed
 * and taken within the same millisecond was not two tasks at once.
 */
export function peakFromIntervals(intervals: readonly { start: number; end: number }[]): number {
  const points: [number, number][] = [];
  for (const { start, end } of intervals) points.push([start, 1], [end, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of points) {
    running += delta;
    peak = Math.max(peak, running);
  }
  return peak;
}
