// git per phase on a 1,000-file repository, two ways side by side in the same loop: a fresh phase
// (addWorktree, the agent's edit, commitChanges, mergeCommits + setBranch, removeWorktree) as a
// run's first tasks do it, and a recycled phase (resetWorktree of the worktree the previous phase
// used, edit, commit, merge; no remove) as a run's later tasks do it in steady state, each step
// timed. Beside them, the floors that explain the steps: the same `git worktree add`/`remove`
// argv run raw with execa, one git spawn (times the git processes a step starts, counted from
// git's trace2 log), and writing all 1,000 files with fs. Each round runs all three in one of the
// six orders, so neither variant always goes first. Ratios: fresh/recycled and library/floor per
// step, of medians and paired round by round. Then the full executor path (PiscinaExecutor:
// worktree, agent process, commit) beside the same steps called directly, and a raw pool round
// trip.
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

export const name = 'git';
export const description =
  'git per phase on a 1,000-file repository: fresh vs recycled worktree, library steps vs their floors, and the executor path per task';

const FILES = 1000;
const WARMUP = 2;
const PHASES = 16;
const SPAWNS_PER_PHASE = 3;
/** The fs floor is a reference for the disk, not a per-round pair: every other round suffices. */
const WRITE_ALL_EVERY = 2;
const EXECUTOR_TASKS = 6;
const RAW_ROUND_TRIPS = 300;
const TARGET_MEDIAN_MS = 150;
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
  const fixture = await createRepo({ files: FILES });
  try {
    const repo = await openRepo(fixture.dir);
    await excludeStateDir(repo);
    const sibling = await siblingCommit(repo, fixture);
    const recycledDir = await addRecycledWorktree(repo, fixture);
    const started = performance.now();
    const samples = await measurePhases(repo, fixture, { sibling, recycledDir });
    const fresh = median(samples.fresh.total ?? []);
    const recycled = median(samples.recycled.total ?? []);
    log(
      `  ${PHASES} rounds (${((performance.now() - started) / 1000).toFixed(1)} s): phase median ` +
        `fresh ${fresh.toFixed(1)} ms, recycled ${recycled.toFixed(1)} ms; raw worktree add ` +
        `${median(samples.rawAdd).toFixed(1)} ms, one git spawn ${median(samples.spawn).toFixed(1)} ms`,
    );
    // One extra phase of each kind, untimed, with git tracing on.
    const scratch = join(fixture.dir, '.subplan', 'trace-home');
    const index = PHASES + WARMUP;
    const processes = {
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
    const executor = await measureExecutor(repo, {
      head: fixture.head,
      tasks: EXECUTOR_TASKS,
      runId: RUN_ID,
      direct: (i) => libraryAgentStepsMs(repo, fixture, { id: `d${i}`, index: i, sibling }),
    });
    log(`  executor: median ${median(executor.roundTripMs).toFixed(1)} ms per task`);
    const rawDispatchUs = await measureRawDispatch(RAW_ROUND_TRIPS);

    const figures = computeFigures(samples, processes, executor, rawDispatchUs, {
      targetMedianMs: TARGET_MEDIAN_MS,
      executorTasks: EXECUTOR_TASKS,
    });
    const config = {
      files: FILES,
      warmup_rounds: WARMUP,
      rounds: PHASES,
      round_orders: ORDERS.map((order) => order.join(', ')),
      git_spawns_per_round: SPAWNS_PER_PHASE,
      write_all_files_every_rounds: WRITE_ALL_EVERY,
      executor_tasks: EXECUTOR_TASKS,
      raw_round_trips: RAW_ROUND_TRIPS,
    };
    return {
      config,
      figures,
      table: formatReport(figures, { files: FILES }),
      headline: headlines(figures, { files: FILES }),
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
 * @param {{ sibling: string, recycledDir: string }} options
 */
async function measurePhases(repo, fixture, { sibling, recycledDir }) {
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
  for (let i = 0; i < WARMUP + PHASES; i++) {
    const keep = i >= WARMUP;
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
