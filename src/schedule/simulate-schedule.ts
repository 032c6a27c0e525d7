/**
 * Plays a schedule forward with estimated durations and no processes: the order tasks would
 * start in and when, under the same ready queue and slot rules as the real scheduler. `subplan
 * plan` prints it; benchmarks compare it with other policies.
 */
import { playSchedule } from './play-schedule.js';
import type { Simulation } from './play-schedule.js';
import { createReadyTasks } from './ready-order.js';
import type { ReadyOrder } from './ready-order.js';
import { readyRanks } from './search-ranks.js';
import type { TaskGraph } from './task-graph.js';

export type { Simulation, SimulatedTask } from './play-schedule.js';

export function simulateSchedule(
  graph: TaskGraph,
  maxParallel: number,
  options: { order?: ReadyOrder; durationMs?: (id: string) => number } = {},
): Simulation {
  const duration = options.durationMs ?? ((id: string) => graph.get(id).weightMs);
  const order = options.order ?? 'planned';
  const ranks = readyRanks(graph, order, maxParallel);
  return playSchedule(graph, maxParallel, () => createReadyTasks(graph, order, ranks), duration);
}
