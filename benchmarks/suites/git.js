// git per phase on 1,000- and 10,000-file repositories, two ways side by side in the same loop: a fresh phase
// (addWorktree, the agent's edit, commitChanges, mergeCommits + setBranch, removeWorktree) as a
// run's first tasks do it, and a recycled phase (resetWorktree of the worktree the previous phase
// used, edit, commit, merge; no remove) as a run's later tasks do it in steady state, each step
// timed. Beside them, the floors that explain the steps: the same `git worktree add`/`remove`
// argv run raw with execa, one git spawn (times the git processes a step starts, counted from
// git's trace2 log), and writing all 1,000 files with fs. Each round runs all three in one of the
// six orders, so neither variant always goes first. Ratios: fresh/recycled and library/floor per
// step, of medians and paired round by round. Then the full executor path (PiscinaExecutor:
// worktree, agent process, commit) beside the same steps called directly (1k files only), a raw
// pool round trip, and the overhead per agent task in steady state that the targets speak of:
// dispatch + reset + commit + merge.
import { join } from 'node:path';
import { excludeStateDir, openRepo } from '../../dist/git/index.js';
import { createRepo } from '../fixtures/create-repo.js';
import {
  RECYCLED_STEPS,
  RUN_ID,
  STEPS,
  addRecycledWorktree,
  gitSpawnMs,
  libraryAgentStepsMs,
  libraryPhase,
  rawWorktreeFloor,
  recycledPhase,
  siblingCommit,
  writeAllFilesMs,
} from '../fixtures/git-phase.js';
import { measureExecutor, measureRawDispatch } from '../lib/executor-path.js';
import { computeFigures } from '../lib/git-figures.js';
import { formatReport, headlines } from '../lib/git-report.js';
import { countGitProcesses } from '../lib/git-trace.js';
import { median } from '../lib/measure.js';
import { metric } from '../lib/metrics.js';

export const name = 'git';
export const description =
  'git per phase on 1,000- and 10,000-file repositories: fresh vs recycled worktree, library steps vs their floors, the executor path and the overhead per agent task';

/**
 * Repository sizes and how hard each is measured: six rounds run each order once; at 10k files
 * a fresh worktree costs seconds, so fewer rounds, and the executor path (a fresh worktree per
 * task) is measured at 1k only. git processes per step do not depend on the size: counted once.
 */
const SIZES = [
  { files: 1000, warmup: 1, rounds: 6, executorTasks: 6 },
  { files: 10_000, warmup: 0, rounds: 2, executorTasks: 0 },
];
const SPAWNS_PER_PHASE = 3;
/** The fs floor is a reference for the disk, not a per-round pair: every other round suffices. */
const WRITE_ALL_EVERY = 2;
const RAW_ROUND_TRIPS = 300;
const TARGET_MEDIAN_MS = 150;
/** Overhead per agent task in steady state (dispatch, worktree, commit, merge) at 1k files. */
const TARGET_TASK_OVERHEAD_MS = 100;
/**
 * The order of the three parts of a round, by round: every order once in six rounds, fresh
 * before recycled in every other round, so a noisy neighbour or a warm cache favours neither.
 */
const ORDERS = /** @type {const} */ ([
  ['fresh', 'recycled', 'floors'],
  ['recycled', 'fresh', 'floors'],
  ['floors', 'fresh', 'recycled'],
  ['floors', 'recycled', 'fresh'],
  ['fresh', 'floors', 'recycled'],
  ['recycled', 'floors', 'fresh'],
]);

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const rawDispatchUs = await measureRawDispatch(RAW_ROUND_TRIPS);
  const bySize = [];
  /** @type {Parameters<typeof computeFigures>[1] | undefined} */
  let processes;
  for (const size of SIZES) {
    log(`  ${size.files.toLocaleString('en-US')} files:`);
    const measured = await measureSize(size, rawDispatchUs, log, processes);
    processes = measured.processes;
    bySize.push({ size, figures: measured.figures });
  }
  const figures = Object.fromEntries(
    bySize.map(({ size, figures: f }) => [`files_${size.files}`, f]),
  );
  const metrics = Object.assign(
    {},
    ...bySize.map(({ size, figures: f }) => sizeMetrics(size.files, f)),
  );
  return {
    config: {
      sizes: SIZES,
      round_orders: ORDERS.map((order) => order.join(', ')),
      git_spawns_per_round: SPAWNS_PER_PHASE,
      write_all_files_every_rounds: WRITE_ALL_EVERY,
      raw_round_trips: RAW_ROUND_TRIPS,
      target_task_overhead_ms: TARGET_TASK_OVERHEAD_MS,
    },
    figures,
    metrics,
    table: bySize
      .map(({ size, figures: f }) =>
        [
          `${size.files.toLocaleString('en-US')} files`,
          formatReport(f, { files: size.files }),
          overheadLine(f),
        ].join('\n'),
      )
      .join('\n\n'),
    headline: bySize.flatMap(({ size, figures: f }) => [
      ...headlines(f, { files: size.files }).map((l) => l.replace(/^git:/, `git ${size.files}:`)),
      `git ${size.files}: ${overheadLine(f)}`,
    ]),
  };
}

/**
 * What runPlan adds around an agent in steady state: the dispatch round trip, resetting a used
 * worktree, committing and the merge that takes the branch in (the agent's own edit left out).
 * @param {ReturnType<typeof computeFigures>} f
 */
function taskOverhead(f) {
  const steps = f.variants.recycled.steps;
  const ms =
    f.executor.raw_dispatch_mean_us / 1000 +
    (steps.reset?.library_ms.median ?? NaN) +
    (steps.commit?.library_ms.median ?? NaN) +
    (steps.merge?.library_ms.median ?? NaN);
  return Math.round(ms * 10) / 10;
}

/** @param {ReturnType<typeof computeFigures>} f */
function overheadLine(f) {
  const ms = taskOverhead(f);
  return `overhead per agent task (dispatch + reset + commit + merge, medians) ${ms} ms (target ≤ ${TARGET_TASK_OVERHEAD_MS} ms at 1k files: ${ms <= TARGET_TASK_OVERHEAD_MS ? 'met' : 'NOT met'})`;
}

/** @param {number} files @param {ReturnType<typeof computeFigures>} f */
function sizeMetrics(files, f) {
  const k = `files_${files}`;
  const spawn = `${k}.git_spawn_ms`;
  const row = `${files.toLocaleString('en-US')}`;
  return {
    [spawn]: metric(f.floors.git_spawn_ms.median, {
      unit: 'ms',
      better: 'lower',
      description: 'one git process: the floor the other times are compared per',
    }),
    [`${k}.task_overhead_ms`]: metric(taskOverhead(f), {
      unit: 'ms',
      better: 'lower',
      per: spawn,
      ...(files === 1000 && { target: TARGET_TASK_OVERHEAD_MS }),
      description: `overhead per agent task at ${row} files: dispatch + reset + commit + merge (medians)`,
      scaling: { table: 'files', row, key: files, column: 'overhead per agent task' },
    }),
    [`${k}.recycled_phase_ms`]: metric(f.variants.recycled.phase_ms.median, {
      unit: 'ms',
      better: 'lower',
      per: spawn,
    }),
    [`${k}.fresh_phase_ms`]: metric(f.variants.fresh.phase_ms.median, {
      unit: 'ms',
      better: 'lower',
      scaling: { table: 'files', row, key: files, column: 'fresh worktree phase' },
    }),
    [`${k}.fresh_add_over_raw`]: metric(
      f.variants.fresh.steps.add?.paired_library_over_floor ?? NaN,
      {
        unit: 'x',
        better: 'lower',
      },
    ),
    [`${k}.recycled_phase_over_floor`]: metric(
      f.variants.recycled.steps.total?.paired_library_over_floor ?? NaN,
      { unit: 'x', better: 'lower' },
    ),
  };
}

/**
 * @param {{ files: number, warmup: number, rounds: number, executorTasks: number }} size
 * @param {number} rawDispatchUs @param {(line: string) => void} log
 * @param {Parameters<typeof computeFigures>[1]} [counted] git processes per step, when known
 */
async function measureSize(size, rawDispatchUs, log, counted) {
  const fixture = await createRepo({ files: size.files });
  try {
    const repo = await openRepo(fixture.dir);
    await excludeStateDir(repo);
    const sibling = await siblingCommit(repo, fixture);
    const recycledDir = await addRecycledWorktree(repo, fixture);
    const started = performance.now();
    const samples = await measurePhases(repo, fixture, { sibling, recycledDir, ...size });
    const fresh = median(samples.fresh.total ?? []);
    const recycled = median(samples.recycled.total ?? []);
    log(
      `  ${size.rounds} rounds (${((performance.now() - started) / 1000).toFixed(1)} s): phase median ` +
        `fresh ${fresh.toFixed(1)} ms, recycled ${recycled.toFixed(1)} ms; raw worktree add ` +
        `${median(samples.rawAdd).toFixed(1)} ms, one git spawn ${median(samples.spawn).toFixed(1)} ms`,
    );
    // One extra phase of each kind, untimed, with git tracing on.
    const scratch = join(fixture.dir, '.subplan', 'trace-home');
    const index = size.rounds + size.warmup;
    const processes = counted ?? {
      fresh: await countGitProcesses(scratch, (mark) =>
        libraryPhase(repo, fixture, { id: 'trace', index, sibling, mark }),
      ),
      recycled: await countGitProcesses(scratch, (mark) =>
        recycledPhase(repo, fixture, {
          id: 'trace-recycled',
          index: index + 1,
          sibling,
          dir: recycledDir,
          mark,
        }),
      ),
      floor: await countGitProcesses(scratch, (mark) =>
        rawWorktreeFloor(fixture, { id: 'trace-floor', mark }),
      ),
    };
    const executor =
      size.executorTasks > 0
        ? await measureExecutor(repo, {
            head: fixture.head,
            tasks: size.executorTasks,
            runId: RUN_ID,
            direct: (i) => libraryAgentStepsMs(repo, fixture, { id: `d${i}`, index: i, sibling }),
          })
        : { roundTripMs: [], inWorkerMs: [], directMs: [], statuses: {} };
    if (size.executorTasks > 0)
      log(`  executor: median ${median(executor.roundTripMs).toFixed(1)} ms per task`);
    return {
      processes,
      figures: computeFigures(samples, processes, executor, rawDispatchUs, {
        targetMedianMs: TARGET_MEDIAN_MS,
        executorTasks: size.executorTasks,
      }),
    };
  } finally {
    // The recycled worktree goes with the repository, as a run's worktrees go when it ends.
    await fixture.dispose();
  }
}

/**
 * The timed loop: each round runs one fresh phase, one recycled phase (in the worktree the
 * previous round's recycled phase left) and one pass of the floors, in the round's order.
 * @param {import('../../dist/git/index.js').Repo} repo
 * @param {Awaited<ReturnType<typeof createRepo>>} fixture
 * @param {{ sibling: string, recycledDir: string, warmup: number, rounds: number }} options
 */
async function measurePhases(repo, fixture, { sibling, recycledDir, warmup, rounds }) {
  const samples = {
    /** @type {Record<string, number[]>} ms per step of the fresh phases, and `total` */
    fresh: {},
    /** @type {Record<string, number[]>} ms per step of the recycled phases, and `total` */
    recycled: {},
    /** @type {number[]} */ rawAdd: [],
    /** @type {number[]} */ rawRemove: [],
    /** @type {number[]} */ spawn: [],
    /** Median of each round's spawns, paired with that round's phases. */
    /** @type {number[]} */ spawnRound: [],
    /** @type {number[]} */ writeAll: [],
    conflicts: { fresh: 0, recycled: 0 },
  };
  for (let i = 0; i < warmup + rounds; i++) {
    const keep = i >= warmup;
    /**
     * @param {'fresh' | 'recycled'} variant @param {readonly string[]} steps
     * @param {Record<string, number | string>} times
     */
    const record = (variant, steps, times) => {
      if (times.status !== 'merged') samples.conflicts[variant]++;
      if (!keep) return;
      for (const s of [...steps, 'total']) {
        const ms = times[s];
        (samples[variant][s] ??= []).push(typeof ms === 'number' ? ms : NaN);
      }
    };
    const parts = {
      fresh: async () =>
        record(
          'fresh',
          STEPS,
          await libraryPhase(repo, fixture, { id: `p${i}`, index: i, sibling }),
        ),
      recycled: async () =>
        record(
          'recycled',
          RECYCLED_STEPS,
          await recycledPhase(repo, fixture, { id: `r${i}`, index: i, sibling, dir: recycledDir }),
        ),
      floors: async () => {
        const raw = await rawWorktreeFloor(fixture, { id: `f${i}` });
        const spawns = [];
        for (let k = 0; k < SPAWNS_PER_PHASE; k++) spawns.push(await gitSpawnMs(fixture));
        const writeAll = i % WRITE_ALL_EVERY === 0 ? await writeAllFilesMs(fixture, `f${i}`) : null;
        if (!keep) return;
        samples.rawAdd.push(raw.add ?? NaN);
        samples.rawRemove.push(raw.remove ?? NaN);
        samples.spawn.push(...spawns);
        samples.spawnRound.push(median(spawns));
        if (writeAll !== null) samples.writeAll.push(writeAll);
      },
    };
    for (const part of ORDERS[i % ORDERS.length] ?? []) await parts[part]();
  }
  return samples;
}
