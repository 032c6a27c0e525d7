// The git suite's figures: per variant (fresh and recycled phase), each step's times beside its
// floor; fresh/recycled per step; the floors themselves; the executor path.
import { RECYCLED_STEPS, STEPS } from '../fixtures/git-phase.js';
import { sumProcesses } from './git-trace.js';
import { describe, median, round } from './measure.js';

/**
 * @typedef {Record<string, { spawned: number, total: number }>} Processes git processes per step
 * @typedef {{ floor: string, series: number[] }} Floor a floor's name and its value per round
 */

/**
 * Floors: raw add and remove for the fresh worktree steps, (git processes the step starts) × one
 * spawn for reset, commit and merge, none for the edit (no library code), and for the phase the
 * floors plus the edit. Ratios library/floor and fresh/recycled come both as a ratio of medians
 * and paired (the median over rounds of the ratio within a round, which cancels the load drifting
 * on a shared machine).
 * @param {{ fresh: Record<string, number[]>, recycled: Record<string, number[]>, rawAdd: number[],
 *   rawRemove: number[], spawn: number[], spawnRound: number[], writeAll: number[],
 *   conflicts: { fresh: number, recycled: number } }} samples
 * @param {Record<'fresh' | 'recycled' | 'floor', Processes>} processes
 * @param {{ roundTripMs: number[], inWorkerMs: number[], directMs: number[], statuses: Record<string, number> }} executor
 * @param {number} rawDispatchUs
 * @param {{ targetMedianMs: number, executorTasks: number }} options
 */
export function computeFigures(samples, processes, executor, rawDispatchUs, options) {
  const target = options.targetMedianMs;
  const spawnFloor = (/** @type {Processes} */ counts, /** @type {string} */ step) => {
    const n = counts[step]?.spawned ?? 0;
    return { floor: `${n} × one git spawn`, series: samples.spawnRound.map((ms) => n * ms) };
  };
  const fresh = variantFigures({
    description: 'a new worktree per phase, removed after it, as a run did before recycling',
    steps: STEPS,
    times: samples.fresh,
    processes: processes.fresh,
    floorOf: {
      add: { floor: 'raw `git worktree add` (execa)', series: samples.rawAdd },
      commit: spawnFloor(processes.fresh, 'commit'),
      merge: spawnFloor(processes.fresh, 'merge'),
      remove: { floor: 'raw `git worktree remove` (execa)', series: samples.rawRemove },
    },
    target,
    conflicts: samples.conflicts.fresh,
  });
  const recycled = variantFigures({
    description:
      "the previous phase's worktree (on its commit: the base plus one edited file) reset to the base on a new branch; not removed",
    steps: RECYCLED_STEPS,
    times: samples.recycled,
    processes: processes.recycled,
    floorOf: {
      reset: spawnFloor(processes.recycled, 'reset'),
      commit: spawnFloor(processes.recycled, 'commit'),
      merge: spawnFloor(processes.recycled, 'merge'),
    },
    target,
    conflicts: samples.conflicts.recycled,
  });
  const f = samples.fresh;
  const r = samples.recycled;
  const freshWorktree = (f.add ?? []).map((ms, i) => ms + (f.remove?.[i] ?? NaN));
  const comparison = {
    phase: compare(f.total, r.total),
    worktree: { fresh: 'add + remove', recycled: 'reset', ...compare(freshWorktree, r.reset) },
    commit: compare(f.commit, r.commit),
    merge: compare(f.merge, r.merge),
  };
  const floors = {
    raw_worktree_add_ms: describe(samples.rawAdd),
    raw_worktree_remove_ms: describe(samples.rawRemove),
    git_spawn_ms: describe(samples.spawn),
    write_all_files_ms: describe(samples.writeAll),
  };
  const executorMedian = median(executor.roundTripMs);
  const directMedian = median(executor.directMs);
  return {
    target_median_ms: target,
    variants: { fresh, recycled },
    fresh_over_recycled: comparison,
    floors,
    git_processes_per_step: processes,
    executor: {
      agent: 'touch (one new file per task)',
      worktree: 'fresh (runAgentTask without reuseWorktree)',
      tasks: options.executorTasks,
      round_trip_ms: describe(executor.roundTripMs),
      in_worker_ms: describe(executor.inWorkerMs),
      statuses: executor.statuses,
      direct_add_edit_commit_ms: describe(executor.directMs),
      raw_dispatch_mean_us: round(rawDispatchUs),
    },
    ratios: {
      fresh_phase_median_over_target: round(fresh.phase_ms.median / target),
      recycled_phase_median_over_target: round(recycled.phase_ms.median / target),
      fresh_over_recycled_phase: comparison.phase.of_medians,
      paired_fresh_over_recycled_phase: comparison.phase.paired,
      add_over_write_all_files: round(median(f.add ?? []) / floors.write_all_files_ms.median),
      executor_over_direct_steps: round(executorMedian / directMedian),
      paired_executor_over_direct_steps: round(
        median(executor.roundTripMs.map((ms, i) => ms / (executor.directMs[i] ?? NaN))),
      ),
      executor_over_raw_dispatch: round((executorMedian * 1000) / rawDispatchUs),
    },
  };
}

/**
 * One variant: per step its times, git processes, floor and library/floor; the phase's verdict.
 * @param {{ description: string, steps: readonly string[], times: Record<string, number[]>,
 *   processes: Processes, floorOf: Record<string, Floor>, target: number, conflicts: number }} options
 */
function variantFigures({ description, steps, times, processes, floorOf, target, conflicts }) {
  const rounds = times.total ?? [];
  /** @type {Record<string, Floor>} */
  const floorsOf = {
    ...floorOf,
    total: {
      floor: 'the floors plus the edit',
      series: rounds.map((_, i) =>
        steps.reduce((sum, s) => sum + (floorOf[s]?.series[i] ?? times[s]?.[i] ?? 0), 0),
      ),
    },
  };
  const perStep = Object.fromEntries(
    [...steps, 'total'].map((s) => {
      const values = times[s] ?? [];
      const floor = floorsOf[s];
      const libraryMs = describe(values);
      const floorMs = floor ? round(median(floor.series)) : null;
      const paired = floor ? median(values.map((v, i) => v / (floor.series[i] ?? NaN))) : null;
      return [
        s,
        {
          library_ms: libraryMs,
          git_processes: s === 'total' ? sumProcesses(processes) : processes[s],
          floor: floor?.floor ?? null,
          floor_ms: floorMs,
          library_over_floor: floorMs ? round(libraryMs.median / floorMs) : null,
          paired_library_over_floor: paired === null ? null : round(paired),
        },
      ];
    }),
  );
  const phase = describe(rounds);
  const floorMs = perStep.total?.floor_ms ?? NaN;
  return {
    description,
    steps_timed: steps.join(', '),
    phase_ms: phase,
    within_target: phase.median < target,
    phase_floor_ms: floorMs,
    floors_within_target: floorMs < target,
    merge_conflicts: conflicts,
    steps: perStep,
  };
}

/**
 * Fresh beside recycled for one step (rounds paired by index).
 * @param {number[] | undefined} fresh @param {number[] | undefined} recycled
 */
function compare(fresh = [], recycled = []) {
  return {
    fresh_ms: describe(fresh),
    recycled_ms: describe(recycled),
    of_medians: round(median(fresh) / median(recycled)),
    paired: round(median(fresh.map((ms, i) => ms / (recycled[i] ?? NaN)))),
  };
}
