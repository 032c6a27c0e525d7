/**
 * Which ready task goes first. `planned` (the default, what users get) ranks tasks by a search
 * over simulated schedules that starts from the longest-path rule (see search-ranks.ts);
 * `longest-path` starts the task with the heaviest remaining chain; `fifo` starts tasks in the
 * order they became ready, ties in declaration order. The other two exist so benchmarks can
 * measure what each rule buys on the same runs; they are not offered in plans.
 */
import { remainingPathWeights } from './critical-path.js';
import { ReadyQueue } from './ready-queue.js';
import type { TaskGraph } from './task-graph.js';

export type ReadyOrder = 'planned' | 'longest-path' | 'fifo';

/** The part of a ready queue the scheduler and the simulation use. */
export interface ReadyTasks {
  readonly size: number;
  push(id: string): void;
  pop(): string | undefined;
  drain(): string[];
}

/**
 * A queue of ready tasks under `order`: highest of `ranks` first, except for FIFO. `ranks` lets
 * callers share one computation between queues.
 */
export function createReadyTasks(
  graph: TaskGraph,
  order: ReadyOrder,
  ranks: ReadonlyMap<string, number> = remainingPathWeights(graph),
): ReadyTasks {
  const declared = (id: string) => graph.indexOf(id);
  if (order !== 'fifo')
    return new ReadyQueue({ rank: (id) => ranks.get(id) ?? 0, order: declared });
  // Earlier arrival ranks higher; a task pushed again (a retry) arrives anew.
  const arrivals = new Map<string, number>();
  let arrival = 0;
  const queue = new ReadyQueue({ rank: (id) => -(arrivals.get(id) ?? 0), order: declared });
  return {
    get size() {
      return queue.size;
    },
    push(id) {
      arrivals.set(id, arrival++);
      queue.push(id);
    },
    pop: () => queue.pop(),
    drain: () => queue.drain(),
  };
}
