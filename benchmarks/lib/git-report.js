// The git suite's printed report: a table of steps per variant beside their floors, fresh beside
// recycled, the executor path, and the summary lines.
import { formatTable, round } from './measure.js';

/** @typedef {ReturnType<typeof import('./git-figures.js').computeFigures>} Figures */

const LABELS = {
  add: 'worktree add (addWorktree)',
  reset: 'resetWorktree (used worktree)',
  edit: "edit one file (the agent's)",
  commit: 'commitChanges',
  merge: 'mergeCommits + setBranch',
  remove: 'removeWorktree',
  total: 'phase total',
};
const VARIANT_LABELS = {
  fresh: 'fresh phase: a new worktree, removed after',
  recycled: "recycled phase: the previous phase's worktree",
};

const ms = (/** @type {number | null | undefined} */ v) => (v == null ? '' : v.toFixed(1));
const times = (/** @type {number | null | undefined} */ v) => (v == null ? '' : `${v.toFixed(2)}x`);

/** @param {Figures} figures @param {{ files: number }} options */
export function formatReport(figures, { files }) {
  /** @type {(string | number)[][]} */
  const rows = [];
  for (const [variant, v] of Object.entries(figures.variants)) {
    rows.push([VARIANT_LABELS[/** @type {keyof typeof VARIANT_LABELS} */ (variant)]]);
    for (const [s, step] of Object.entries(v.steps)) {
      rows.push([
        `  ${LABELS[/** @type {keyof typeof LABELS} */ (s)] ?? s}`,
        ms(step.library_ms.median),
        ms(step.library_ms.p90),
        step.git_processes ? `${step.git_processes.spawned} (${step.git_processes.total})` : '',
        step.floor ?? 'none: no library code',
        ms(step.floor_ms),
        times(step.library_over_floor),
        times(step.paired_library_over_floor),
      ]);
      if (s !== 'add') continue;
      const fs = figures.floors.write_all_files_ms;
      const label = `write ${files.toLocaleString('en-US')} files (fs, n=${fs.n})`;
      rows.push([
        '',
        '',
        '',
        '',
        label,
        ms(fs.median),
        times(figures.ratios.add_over_write_all_files),
      ]);
    }
  }
  const target = figures.target_median_ms;
  const verdictLine = (/** @type {'fresh' | 'recycled'} */ variant) => {
    const v = figures.variants[variant];
    return (
      `${variant} phase median ${v.phase_ms.median} ms, p90 ${v.phase_ms.p90} ms vs target < ${target} ms median per phase: ` +
      `${verdict(v.within_target)}; its floors alone take ${v.phase_floor_ms} ms (${v.floors_within_target ? 'within' : 'above'} the target).`
    );
  };
  const c = figures.fresh_over_recycled;
  const compareRow = (/** @type {string} */ label, /** @type {keyof typeof c} */ key) => [
    label,
    ms(c[key].fresh_ms.median),
    ms(c[key].fresh_ms.p90),
    ms(c[key].recycled_ms.median),
    ms(c[key].recycled_ms.p90),
    times(c[key].of_medians),
    times(c[key].paired),
  ];
  const spawn = figures.floors.git_spawn_ms;
  const e = figures.executor;
  return [
    formatTable(
      ['step (ms)', 'library', 'p90', 'git procs', 'floor', 'floor', 'lib/floor', 'paired'],
      rows,
      { left: [4] },
    ),
    verdictLine('fresh'),
    verdictLine('recycled'),
    `medians of ${figures.variants.fresh.phase_ms.n} rounds; git procs = started by the step (all, with git's own children); ` +
      `one git spawn = median ${spawn.median} ms (n=${spawn.n}); paired = median over rounds of library / the floors measured beside it`,
    '',
    formatTable(
      ['fresh vs recycled (ms)', 'fresh', 'p90', 'recycled', 'p90', 'fresh/rec', 'paired'],
      [
        compareRow('phase total', 'phase'),
        compareRow('worktree: add+remove vs reset', 'worktree'),
        compareRow('commitChanges', 'commit'),
        compareRow('mergeCommits + setBranch', 'merge'),
      ],
    ),
    'paired = median over rounds of fresh / recycled measured in the same round; the edit (no git) is left out',
    '',
    formatTable(
      ['executor (ms)', 'median', 'p90'],
      [
        [
          'executor task (touch agent, new worktree)',
          ms(e.round_trip_ms.median),
          ms(e.round_trip_ms.p90),
        ],
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

/** The suite's summary lines. @param {Figures} figures @param {{ files: number }} options */
export function headlines(figures, { files }) {
  const target = figures.target_median_ms;
  const { fresh, recycled } = figures.variants;
  const phase = (/** @type {typeof fresh} */ v) =>
    `median ${v.phase_ms.median} ms, p90 ${v.phase_ms.p90} ms (target < ${target} ms: ${verdict(v.within_target)})`;
  const c = figures.fresh_over_recycled;
  const pair = (/** @type {{ of_medians: number, paired: number }} */ x) =>
    `${x.of_medians.toFixed(2)}/${x.paired.toFixed(2)}x`;
  const overFloor = (/** @type {typeof fresh} */ v, /** @type {string[]} */ steps) =>
    steps
      .map((s) => {
        const step = v.steps[s];
        const r = step?.library_over_floor;
        const p = step?.paired_library_over_floor;
        return `${s === 'total' ? 'phase' : s} ${r?.toFixed(2)}/${p?.toFixed(2)}x`;
      })
      .join(', ');
  const { floors, executor: e } = figures;
  return [
    `git: fresh phase (${fresh.steps_timed}) ${phase(fresh)}; recycled phase (${recycled.steps_timed}) ${phase(recycled)}; ` +
      `fresh/recycled (of medians/paired): phase ${pair(c.phase)}, worktree add+remove/reset ${pair(c.worktree)}, ` +
      `commit ${pair(c.commit)}, merge ${pair(c.merge)}`,
    `git: library/floor (of medians/paired): fresh ${overFloor(fresh, ['add', 'commit', 'merge', 'remove', 'total'])}; ` +
      `recycled ${overFloor(recycled, ['reset', 'commit', 'merge', 'total'])}; ` +
      `floors: raw worktree add ${floors.raw_worktree_add_ms.median} ms, ${files.toLocaleString('en-US')} files written ${floors.write_all_files_ms.median} ms, ` +
      `one git spawn ${floors.git_spawn_ms.median} ms, fresh phase ${fresh.phase_floor_ms} ms, recycled phase ${recycled.phase_floor_ms} ms`,
    `git: executor task (new worktree) ${e.round_trip_ms.median} ms = ${figures.ratios.executor_over_direct_steps}x the direct steps, ` +
      `${figures.ratios.executor_over_raw_dispatch}x a raw dispatch (${round(e.raw_dispatch_mean_us, 0)} µs)`,
  ];
}

/** @param {boolean} met */
function verdict(met) {
  return met ? 'met' : 'NOT met';
}
