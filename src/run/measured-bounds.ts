/**
 * Bounds from what actually happened: the longest chain of measured task durations and the
 * agent work spread over `max_parallel`. Benchmarks divide the makespan by their maximum.
 */
import type { SettledTask, TaskGraph } from '../schedule/index.js';

export function measuredBounds(
  graph: TaskGraph,
  settled: ReadonlyMap<string, SettledTask>,
  maxParallel: number,
): { criticalPathMs: number; workMs: number; lowerBoundMs: number } {
  const duration = (id: string): number => {
    const s = settled.get(id);
    return s?.startedAt !== undefined && s.finishedAt !== undefined
      ? s.finishedAt - s.startedAt
      : 0;
  };
  const longest = new Map<string, number>();
  let criticalPathMs = 0;
  let workMs = 0;
  for (const id of graph.topologicalOrder()) {
    let head = 0;
    for (const dependency of graph.dependencies(id))
      head = Math.max(head, longest.get(dependency) ?? 0);
    const total = head + duration(id);
    longest.set(id, total);
    criticalPathMs = Math.max(criticalPathMs, total);
    if (graph.kindOf(id) === 'agent') workMs += duration(id);
  }
  return { criticalPathMs, workMs, lowerBoundMs: Math.max(criticalPathMs, workMs / maxParallel) };
}
