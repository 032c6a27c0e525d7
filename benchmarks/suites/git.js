// git per phase on a 1,000-file repository: the library's steps (dist/git: addWorktree, the
// agent's edit, commitChanges, mergeCommits + setBranch, removeWorktree) side by side with the
// floors that explain them, measured in the same loop and alternating which goes first: the same
// `git worktree add`/`remove` argv run raw with execa, one git spawn (times the git processes a
// step starts, counted from git's trace2 log), and writing all 1,000 files with fs. Ratios are
// library/floor per step, of medians and paired round by round. Then the full executor path
// (PiscinaExecutor: worktree, agent process, commit) beside the same steps called directly, and
// a raw pool round trip.
import { join } from 'node:path';
import { excludeStateDir, openRepo } from '../../dist/git/index.js';
import { createRepo } from '../fixtures/create-repo.js';
import {
  RUN_ID,
  STEPS,
  gitSpawnMs,
  libraryAgentStepsMs,
  libraryPhase,
  rawWorktreeFloor,
  siblingCommit,
  writeAllFilesMs,
} from '../fixtures/git-phase.js';
import { measureExecutor, measureRawDispatch } from '../lib/executor-path.js';
import { countGitProcesses, sumProcesses } from '../lib/git-trace.js';
import { describe, formatTable, median, round } from '../lib/measure.js';

export const name = 'git';
export const description =
  'git per phase on a 1,000-file repository: library steps vs their floors, and the executor path per task';

const FILES = 1000;
const WARMUP = 2;
const PHASES = 16;
const SPAWNS_PER_PHASE = 3;
/** The fs floor is a reference for the disk, not a per-round pair: every other round suffices. */
const WRITE_ALL_EVERY = 2;
const EXECUTOR_TASKS = 6;
const RAW_ROUND_TRIPS = 300;
const TARGET_MEDIAN_MS = 150;

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const fixture = await createRepo({ files: FILES });
  try {
    const repo = await openRepo(fixture.dir);
    await excludeStateDir(repo);
    const sibling = await siblingCommit(repo, fixture);
    const samples = await measurePhases(repo, fixture, sibling);
    log(
      `  ${PHASES} phases: median ${median(samples.library.total).toFixed(1)} ms through the library, ` +
        `raw worktree add ${median(samples.rawAdd).toFixed(1)} ms, one git spawn ${median(samples.spawn).toFixed(1)} ms`,
    );
    // One extra phase of each kind, untimed, with git tracing on.
    const scratch = join(fixture.dir, '.subplan', 'trace-home');
    const processes = {
      library: await countGitProcesses(scratch, (mark) =>
        libraryPhase(repo, fixture, { id: 'trace', index: PHASES + WARMUP, sibling, mark }),
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

    const figures = computeFigures(samples, processes, executor, rawDispatchUs);
    const config = {
      files: FILES,
      warmup_phases: WARMUP,
      phases: PHASES,
      git_spawns_per_phase: SPAWNS_PER_PHASE,
      executor_tasks: EXECUTOR_TASKS,
      raw_round_trips: RAW_ROUND_TRIPS,
    };
    return { config, figures, table: formatReport(figures), headline: headlines(figures) };
  } finally {
    await fixture.dispose();
  }
}

/**
 * The timed loop: each round runs one phase through the library and one pass of the floors,
 * alternating which goes first so a noisy neighbour does not favour either side.
 * @param {import('../../dist/git/index.js').Repo} repo
 * @param {Awaited<ReturnType<typeof createRepo>>} fixture @param {string} sibling
 */
async function measurePhases(repo, fixture, sibling) {
  /** @type {Record<string, number[]>} */
  const library = {};
  const samples = {
    library,
    /** @type {number[]} */ rawAdd: [],
    /** @type {number[]} */ rawRemove: [],
    /** @type {number[]} */ spawn: [],
    /** Median of each round's spawns, paired with that round's library phase. */
    /** @type {number[]} */ spawnRound: [],
    /** @type {number[]} */ writeAll: [],
    conflicts: 0,
  };
  for (let i = 0; i < WARMUP + PHASES; i++) {
    const keep = i >= WARMUP;
    const throughLibrary = async () => {
      const times = await libraryPhase(repo, fixture, { id: `p${i}`, index: i, sibling });
      if (times.status !== 'merged') samples.conflicts++;
      if (keep) for (const s of [...STEPS, 'total']) (library[s] ??= []).push(times[s] ?? NaN);
    };
    const floors = async () => {
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
    };
    for (const part of i % 2 === 0 ? [throughLibrary, floors] : [floors, throughLibrary])
      await part();
  }
  return samples;
}

/**
 * Per step: the library's times, its git processes, its floor, and library/floor both as a ratio
 * of medians and paired (the median of each round's library time over the floors measured next
 * to it, which cancels the load drifting on a shared machine). Floors: raw add and remove for
 * the worktree steps, (git processes the step starts) × one spawn for commit and merge, none for
 * the edit (no library code), and for the phase the floors plus the edit.
 * @param {Awaited<ReturnType<typeof measurePhases>>} samples
 * @param {Record<'library' | 'floor', Record<string, { spawned: number, total: number }>>} processes
 * @param {Awaited<ReturnType<typeof measureExecutor>>} executor @param {number} rawDispatchUs
 */
function computeFigures(samples, processes, executor, rawDispatchUs) {
  const lib = samples.library;
  const spawnFloor = (/** @type {string} */ step) => {
    const n = processes.library[step]?.spawned ?? 0;
    return { floor: `${n} × one git spawn`, series: samples.spawnRound.map((ms) => n * ms) };
  };
  /** @type {Record<string, { floor: string, series: number[] }>} */
  const floorOf = {
    add: { floor: 'raw `git worktree add` (execa)', series: samples.rawAdd },
    commit: spawnFloor('commit'),
    merge: spawnFloor('merge'),
    remove: { floor: 'raw `git worktree remove` (execa)', series: samples.rawRemove },
  };
  floorOf.total = {
    floor: 'the floors plus the edit',
    series: samples.rawAdd.map((_, i) =>
      STEPS.reduce((sum, s) => sum + (floorOf[s]?.series[i] ?? lib[s]?.[i] ?? 0), 0),
    ),
  };
  const steps = Object.fromEntries(
    [...STEPS, 'total'].map((s) => {
      const values = lib[s] ?? [];
      const floor = floorOf[s];
      const libraryMs = describe(values);
      const floorMs = floor ? round(median(floor.series)) : null;
      const paired = floor ? median(values.map((v, i) => v / (floor.series[i] ?? NaN))) : null;
      return [
        s,
        {
          library_ms: libraryMs,
          git_processes: s === 'total' ? sumProcesses(processes.library) : processes.library[s],
          floor: floor?.floor ?? null,
          floor_ms: floorMs,
          library_over_floor: floorMs ? round(libraryMs.median / floorMs) : null,
          paired_library_over_floor: paired === null ? null : round(paired),
        },
      ];
    }),
  );
  const floors = {
    raw_worktree_add_ms: describe(samples.rawAdd),
    raw_worktree_remove_ms: describe(samples.rawRemove),
    git_spawn_ms: describe(samples.spawn),
    write_all_files_ms: describe(samples.writeAll),
  };
  const phase = steps.total?.library_ms ?? describe([]);
  const floorSum = steps.total?.floor_ms ?? NaN;
  const executorMedian = median(executor.roundTripMs);
  const directMedian = median(executor.directMs);
  const pick = (/** @type {'library_over_floor' | 'paired_library_over_floor'} */ key) =>
    Object.fromEntries(Object.entries(steps).map(([s, v]) => [s, v[key]]));
  return {
    target_median_ms: TARGET_MEDIAN_MS,
    within_target: phase.median < TARGET_MEDIAN_MS,
    floors_within_target: floorSum < TARGET_MEDIAN_MS,
    phase_ms: phase,
    steps,
    floors,
    git_processes_per_step: processes,
    merge_conflicts: samples.conflicts,
    executor: {
      agent: 'touch (one new file per task)',
      tasks: EXECUTOR_TASKS,
      round_trip_ms: describe(executor.roundTripMs),
      in_worker_ms: describe(executor.inWorkerMs),
      statuses: executor.statuses,
      direct_add_edit_commit_ms: describe(executor.directMs),
      raw_dispatch_mean_us: round(rawDispatchUs),
    },
    ratios: {
      phase_median_over_target: round(phase.median / TARGET_MEDIAN_MS),
      library_over_floor: pick('library_over_floor'),
      paired_library_over_floor: pick('paired_library_over_floor'),
      add_over_write_all_files: round(median(lib.add ?? []) / floors.write_all_files_ms.median),
      executor_over_direct_steps: round(executorMedian / directMedian),
      paired_executor_over_direct_steps: round(
        median(executor.roundTripMs.map((ms, i) => ms / (executor.directMs[i] ?? NaN))),
      ),
      executor_over_raw_dispatch: round((executorMedian * 1000) / rawDispatchUs),
    },
  };
}

const LABELS = {
  add: 'worktree add (addWorktree)',
  edit: "edit one file (the agent's)",
  commit: 'commitChanges',
  merge: 'mergeCommits + setBranch',
  remove: 'removeWorktree',
  total: 'phase total',
};

/** @param {ReturnType<typeof computeFigures>} figures */
function formatReport(figures) {
  const ms = (/** @type {number | null | undefined} */ v) => (v == null ? '' : v.toFixed(1));
  const times = (/** @type {number | null | undefined} */ v) =>
    v == null ? '' : `${v.toFixed(2)}x`;
  const rows = Object.entries(figures.steps).map(([s, v]) => [
    LABELS[/** @type {keyof typeof LABELS} */ (s)] ?? s,
    ms(v.library_ms.median),
    ms(v.library_ms.p90),
    v.git_processes ? `${v.git_processes.spawned} (${v.git_processes.total})` : '',
    v.floor ?? 'none: no library code',
    ms(v.floor_ms),
    times(v.library_over_floor),
    times(v.paired_library_over_floor),
  ]);
  const fs = figures.floors.write_all_files_ms;
  const fsLabel = `write ${FILES.toLocaleString('en-US')} files (fs, n=${fs.n})`;
  rows.splice(1, 0, [
    '',
    '',
    '',
    '',
    fsLabel,
    ms(fs.median),
    times(figures.ratios.add_over_write_all_files),
    '',
  ]);
  const spawn = figures.floors.git_spawn_ms;
  const e = figures.executor;
  return [
    formatTable(
      ['step (ms)', 'library', 'p90', 'git procs', 'floor', 'floor', 'lib/floor', 'paired'],
      rows,
      { left: [4] },
    ),
    `phase median ${figures.phase_ms.median} ms vs target < ${TARGET_MEDIAN_MS} ms median per phase: ${verdict(figures.within_target)}; ` +
      `the floors alone take ${figures.steps.total?.floor_ms} ms (${figures.floors_within_target ? 'within' : 'above'} the target).`,
    `medians of ${figures.phase_ms.n} phases; git procs = started by the step (all, with git's own children); ` +
      `one git spawn = median ${spawn.median} ms (n=${spawn.n}); paired = median over rounds of library / the floors measured beside it`,
    '',
    formatTable(
      ['executor (ms)', 'median', 'p90'],
      [
        ['executor task (touch agent)', ms(e.round_trip_ms.median), ms(e.round_trip_ms.p90)],
        ['  inside the worker', ms(e.in_worker_ms.median), ms(e.in_worker_ms.p90)],
        [
          '  library add+edit+commit, beside it',
          ms(e.direct_add_edit_commit_ms.median),
          ms(e.direct_add_edit_commit_ms.p90),
        ],
        ['  raw pool round trip', (e.raw_dispatch_mean_us / 1000).toFixed(3), ''],
      ],
    ),
    `executor/direct steps ${figures.ratios.executor_over_direct_steps}x (paired ${figures.ratios.paired_executor_over_direct_steps}x); executor/raw dispatch ${figures.ratios.executor_over_raw_dispatch}x`,
  ].join('\n');
}

/** @param {ReturnType<typeof computeFigures>} figures */
function headlines(figures) {
  const r = figures.ratios.library_over_floor;
  const p = figures.ratios.paired_library_over_floor;
  const both = (/** @type {string} */ s) => `${s} ${r[s]?.toFixed(2)}/${p[s]?.toFixed(2)}x`;
  const { phase_ms: phase, floors, executor: e } = figures;
  return [
    `git: phase median ${phase.median} ms, p90 ${phase.p90} ms (target < ${TARGET_MEDIAN_MS} ms: ${verdict(figures.within_target)}); ` +
      `library/floor (of medians/paired): ${['add', 'commit', 'merge', 'remove'].map(both).join(', ')}, ${both('total').replace('total', 'phase')}; ` +
      `floors: raw worktree add ${floors.raw_worktree_add_ms.median} ms, ${FILES.toLocaleString('en-US')} files written ${floors.write_all_files_ms.median} ms, ` +
      `one git spawn ${floors.git_spawn_ms.median} ms, phase ${figures.steps.total?.floor_ms} ms`,
    `git: executor task ${e.round_trip_ms.median} ms = ${figures.ratios.executor_over_direct_steps}x the direct steps, ` +
      `${figures.ratios.executor_over_raw_dispatch}x a raw dispatch (${round(e.raw_dispatch_mean_us, 0)} µs)`,
  ];
}

/** @param {boolean} met */
function verdict(met) {
  return met ? 'met' : 'NOT met';
}
