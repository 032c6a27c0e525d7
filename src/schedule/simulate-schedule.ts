/**
 * Plays a schedule forward with estimated durations and no processes: the order tasks would
 * start in and when, under the same ready queue and slot rules as the real scheduler. `subplan
 * plan` prints it; benchmarks compare it with other policies.
 */
import { remainingPathWeights } from './critical-path.js';
import { ReadyQueue } from './ready-queue.js';
import type { TaskGraph } from './task-graph.js';

export interface SimulatedTask {
  readonly id: string;
  readonly startMs: number;
  readonly finishMs: number;
}

export interface Simulation {
  readonly tasks: readonly SimulatedTask[];
  readonly makespanMs: number;
}

export type ReadyOrder = 'longest-path' | 'fifo';

export function simulateSchedule(
  graph: TaskGraph,
  maxParallel: number,
  options: { order?: ReadyOrder; durationMs?: (id: string) => number } = {},
): Simulation {
  const duration = options.durationMs ?? ((id: string) => graph.get(id).weightMs);
  const weights = remainingPathWeights(graph);
  let arrival = 0;
  const arrivals = new Map<string, number>();
  const rank =
    options.order === 'fifo'
      ? (id: string) => -(arrivals.get(id) ?? 0)
      : (id: string) => weights.get(id) ?? 0;
  const agents = new ReadyQueue({ rank, order: (id) => graph.indexOf(id) });
  const merges = new ReadyQueue({ rank, order: (id) => graph.indexOf(id) });
  const pending = new Map(graph.tasks().map((t) => [t.id, graph.dependencies(t.id).length]));
  const push = (id: string) => {
    arrivals.set(id, arrival++);
    (graph.kindOf(id) === 'agent' ? agents : merges).push(id);
  };
  for (const [id, count] of pending) if (count === 0) push(id);
  const running: { id: string; finishMs: number }[] = [];
  const result: SimulatedTask[] = [];
  let now = 0;
  let agentsRunning = 0;
  let mergeBusyUntil = -1;
  while (result.length < graph.size) {
    for (
      let id = agents.size > 0 && agentsRunning < maxParallel ? agents.pop() : undefined;
      id !== undefined;
    ) {
      agentsRunning++;
      running.push({ id, finishMs: now + duration(id) });
      result.push({ id, startMs: now, finishMs: now + duration(id) });
      id = agentsRunning < maxParallel ? agents.pop() : undefined;
    }
    if (mergeBusyUntil <= now) {
      const id = merges.pop();
      if (id !== undefined) {
        mergeBusyUntil = now + duration(id);
        running.push({ id, finishMs: mergeBusyUntil });
        result.push({ id, startMs: now, finishMs: mergeBusyUntil });
      }
    }
    if (running.length === 0) break;
    running.sort((a, b) => a.finishMs - b.finishMs);
    const next = running.shift();
    if (!next) break;
    now = next.finishMs;
    if (graph.kindOf(next.id) === 'agent') agentsRunning--;
    for (const successor of graph.successors(next.id)) {
      const left = (pending.get(successor) ?? 0) - 1;
      pending.set(successor, left);
      if (left === 0) push(successor);
    }
  }
  return { tasks: result, makespanMs: Math.max(0, ...result.map((t) => t.finishMs)) };
}
