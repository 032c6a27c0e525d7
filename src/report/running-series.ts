/**
 * Agents running over time, as a step series: one point per instant the count changes, holding
 * the count from that instant on. At equal times finishes count before starts, as for the peak in
 * the summary: a slot freed and taken within one millisecond was never two agents at once.
 */
export interface RunningPoint {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly running: number;
}

export function runningSeries(
  intervals: readonly { start: number; end: number }[],
): RunningPoint[] {
  const changes: [number, number][] = [];
  for (const { start, end } of intervals) changes.push([start, 1], [end, -1]);
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const points: RunningPoint[] = [];
  let running = 0;
  for (const [t, delta] of changes) {
    running += delta;
    const last = points.at(-1);
    if (last?.t === t) points[points.length - 1] = { t, running };
    else points.push({ t, running });
  }
  return points;
}
