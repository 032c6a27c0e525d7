/**
 * Remaining-path weights: for each task, its own weight plus the heaviest chain of successors.
 * The ready queue starts the task with the longest remaining path first, which keeps long chains
 * from starting late behind short work. One pass over the reversed topological order.
 */
import type { TaskGraph } from './task-graph.js';

export function remainingPathWeights(
  graph: TaskGraph,
  weightOf: (id: string) => number = (id) => graph.get(id).weightMs,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const id of graph.topologicalOrder().reverse()) {
    let heaviestTail = 0;
    for (const successor of graph.successors(id))
      heaviestTail = Math.max(heaviestTail, weights.get(successor) ?? 0);
    weights.set(id, weightOf(id) + heaviestTail);
  }
  return weights;
}

export interface ScheduleBounds {
  /** Longest chain of task weights through the graph. */
  readonly criticalPathMs: number;
  /** Sum of agent task weights. */
  readonly workMs: number;
  /** `max(critical path, work / max_parallel)`: no schedule can finish sooner. */
  readonly lowerBoundMs: number;
  /** Task ids along the critical path, first to last. */
  readonly criticalPath: readonly string[];
}

export function scheduleBounds(graph: TaskGraph, maxParallel: number): ScheduleBounds {
  const weights = remainingPathWeights(graph);
  let criticalPathMs = 0;
  let start: string | undefined;
  for (const task of graph.tasks()) {
    if (graph.dependencies(task.id).length > 0) continue;
    const weight = weights.get(task.id) ?? 0;
    if (weight > criticalPathMs || start === undefined) {
      criticalPathMs = Math.max(criticalPathMs, weight);
      start = task.id;
    }
  }
  const criticalPath: string[] = [];
  let current = start;
  while (current !== undefined) {
    criticalPath.push(current);
    let next: string | undefined;
    for (const successor of graph.successors(current)) {
      if (next === undefined || (weights.get(successor) ?? 0) > (weights.get(next) ?? 0))
        next = successor;
    }
    current = next;
  }
  const workMs = graph
    .tasks()
    .reduce((sum, task) => sum + (task.kind === 'agent' ? task.weightMs : 0), 0);
  return {
    criticalPathMs,
    workMs,
    lowerBoundMs: Math.max(criticalPathMs, workMs / maxParallel),
    criticalPath,
  };
}
