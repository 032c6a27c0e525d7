/**
 * Ranks for the ready queue chosen by playing the schedule forward. Longest remaining path first
 * is a good rule, not the best one: on a graph whose chains and width both nearly fill the time
 * (critical path close to work / max_parallel), it can leave slots idle that another order fills.
 * With the task weights (estimates or durations from earlier runs), the search plays the schedule
 * under remaining-path ranks of randomly perturbed weights and keeps the ranks whose simulated
 * makespan is shortest; plain longest-path ranks are the first candidate, so it never does worse
 * on the estimates. Seeded, so a graph always gets the same ranks.
 */
import { seededRandom } from '../core/index.js';
import { remainingPathWeights, scheduleBounds } from './critical-path.js';
import { playSchedule } from './play-schedule.js';
import { createReadyTasks } from './ready-order.js';
import type { ReadyOrder } from './ready-order.js';
import type { TaskGraph } from './task-graph.js';

/** Simulated task starts the search may spend in all: its cost grows with the graph. */
const SEARCH_BUDGET_TASKS = 40_000;
const MAX_TRIES = 200;
const MIN_TRIES = 4;
/** Weights are moved by up to this fraction, up or down. */
const MAX_PERTURBATION = 0.5;

export interface RankSearch {
  readonly ranks: ReadonlyMap<string, number>;
  /** Simulated makespan under the chosen ranks. */
  readonly makespanMs: number;
  /** Simulated makespan under plain longest-remaining-path ranks. */
  readonly longestPathMs: number;
  readonly tries: number;
}

export function searchRanks(
  graph: TaskGraph,
  maxParallel: number,
  options: { tries?: number; seed?: number } = {},
): RankSearch {
  const duration = (id: string) => graph.get(id).weightMs;
  const play = (ranks: ReadonlyMap<string, number>) =>
    playSchedule(graph, maxParallel, () => createReadyTasks(graph, 'longest-path', ranks), duration)
      .makespanMs;
  const longestPath = remainingPathWeights(graph);
  const longestPathMs = play(longestPath);
  let best = { ranks: longestPath, makespanMs: longestPathMs };
  const tries =
    options.tries ??
    Math.max(
      MIN_TRIES,
      Math.min(MAX_TRIES, Math.floor(SEARCH_BUDGET_TASKS / Math.max(1, graph.size))),
    );
  // No order beats the bound: stop once it is reached.
  const bound = scheduleBounds(graph, maxParallel).lowerBoundMs;
  const next = seededRandom(options.seed ?? 1);
  let tried = 0;
  for (; tried < tries && best.makespanMs > bound; tried++) {
    const spread = MAX_PERTURBATION * next();
    const ranks = remainingPathWeights(
      graph,
      (id) => duration(id) * (1 + spread * (2 * next() - 1)),
    );
    const makespanMs = play(ranks);
    if (makespanMs < best.makespanMs) best = { ranks, makespanMs };
  }
  return { ranks: best.ranks, makespanMs: best.makespanMs, longestPathMs, tries: tried };
}

/** The ranks a ready queue under `order` uses (FIFO ignores them). */
export function readyRanks(
  graph: TaskGraph,
  order: ReadyOrder,
  maxParallel: number,
): ReadonlyMap<string, number> {
  return order === 'planned' ? searchRanks(graph, maxParallel).ranks : remainingPathWeights(graph);
}
