// Scheduling quality on a plan whose longest chain is declared last: 8 short independent phases
// first, then a chain of 4 long phases. Run for real with runPlan (sleeper agents, a temp repo),
// side by side and interleaved: (a) subplan's ready queue, longest remaining path first;
// (b) the same plan level by level (waves) through a gating executor around the same
// PiscinaExecutor; and, for reference, simulateSchedule's predictions for longest-path and
// fifo orders and this file's model of waves.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlan, runPlan } from '../../dist/index.js';
import { PiscinaExecutor } from '../../dist/execute/index.js';
import { buildTaskGraph, taskWeights } from '../../dist/run/index.js';
import {
  remainingPathWeights,
  scheduleBounds,
  simulateSchedule,
} from '../../dist/schedule/index.js';
import { createRepo } from '../fixtures/create-repo.js';
import { WaveExecutor, phaseDepths } from '../fixtures/wave-executor.js';
import { formatTable, median, round } from '../lib/measure.js';

export const name = 'schedule';
export const description =
  'scheduling quality: ready queue (longest path first) vs level-by-level waves, run for real';

const MAX_PARALLEL = 3;
const SHORT = { count: 8, ms: 300 };
const CHAIN = { count: 4, ms: 600 };
const REPETITIONS = 3;
/** Runs that do not succeed are kept in the figures but replaced, up to this many per variant. */
const EXTRA_ATTEMPTS = 2;
/** runPlan's own bound in the waves variant: wide, so the wave gate alone decides. */
const UNBOUNDED = 64;
const TARGET_RATIO = 1.1;

const sleepAgent = fileURLToPath(new URL('../fixtures/sleep-agent.js', import.meta.url));

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const fixture = await createRepo({ files: 20, prefix: 'subplan-bench-schedule-' });
  try {
    const planFile = join(fixture.dir, '.subplan', 'bench-schedule.yaml');
    await mkdir(join(fixture.dir, '.subplan'), { recursive: true });
    await writeFile(planFile, planYaml());
    const plan = await loadPlan(planFile);
    // As runPlan builds it for this plan: no phase decomposes, and every phase has an estimate.
    const graph = buildTaskGraph(plan, taskWeights(plan, new Map(), new Map()));
    const agentTasks = graph.tasks().filter((t) => t.kind === 'agent').length;
    const nominal = scheduleBounds(graph, MAX_PARALLEL);

    /** @type {Record<string, object[]>} */
    const runs = { ready_queue: [], waves: [] };
    /** @type {Record<string, object[]>} */
    const failedRuns = { ready_queue: [], waves: [] };
    const done = (/** @type {string} */ v) =>
      runs[v].length >= REPETITIONS ||
      runs[v].length + failedRuns[v].length >= REPETITIONS + EXTRA_ATTEMPTS;
    for (let r = 0; !done('ready_queue') || !done('waves'); r++) {
      // Alternate which variant goes first, so a noisy neighbour does not favour one.
      const order = r % 2 === 0 ? ['ready_queue', 'waves'] : ['waves', 'ready_queue'];
      for (const variant of order) {
        if (done(variant)) continue;
        /** @type {object[]} */
        const events = [];
        const onEvent = (/** @type {object} */ event) => void events.push(event);
        const summary =
          variant === 'ready_queue'
            ? await runReadyQueue(plan, fixture.dir, onEvent)
            : await runWaves(plan, fixture.dir, onEvent);
        const figures = describeRun(summary, events, graph, plan, nominal.lowerBoundMs, agentTasks);
        (summary.status === 'succeeded' ? runs : failedRuns)[variant].push(figures);
        log(
          `  ${variant} run ${r + 1}: ${figures.status}, makespan ${figures.makespan_ms} ms, peak ${figures.peak_concurrency}`,
        );
        for (const failure of figures.failures) log(`    ${failure}`);
      }
    }
    if (runs.ready_queue.length === 0 || runs.waves.length === 0) {
      throw new Error(
        `no successful run of a variant: ${JSON.stringify(failedRuns.ready_queue.concat(failedRuns.waves).map((r) => r.failures))}`,
      );
    }

    const variants = Object.fromEntries(
      Object.entries(runs).map(([variant, list]) => {
        // The run with the median makespan stands for the variant; every run is kept in `runs`.
        const sorted = [...list].sort((a, b) => a.makespan_ms - b.makespan_ms);
        const typical = sorted[Math.floor((sorted.length - 1) / 2)];
        return [
          variant,
          {
            median_makespan_ms: median(list.map((x) => x.makespan_ms)),
            typical,
            runs: list,
            failed_runs: failedRuns[variant],
          },
        ];
      }),
    );
    const readyQueue = variants.ready_queue;
    const waves = variants.waves;
    const simulation = {
      longest_path_ms: round(
        simulateSchedule(graph, MAX_PARALLEL, { order: 'longest-path' }).makespanMs,
        0,
      ),
      fifo_ms: round(simulateSchedule(graph, MAX_PARALLEL, { order: 'fifo' }).makespanMs, 0),
      waves_ms: round(simulateWaves(graph, plan), 0),
    };
    const figures = {
      nominal: {
        critical_path_ms: round(nominal.criticalPathMs, 0),
        work_ms: round(nominal.workMs, 0),
        lower_bound_ms: round(nominal.lowerBoundMs, 0),
        critical_path: nominal.criticalPath,
      },
      target: `ready queue makespan ≤ ${TARGET_RATIO} × lower bound of measured task durations (which include each task's own overhead)`,
      within_target: readyQueue.typical.ratio_to_measured_lower_bound <= TARGET_RATIO,
      runs_that_did_not_succeed: readyQueue.failed_runs.length + waves.failed_runs.length,
      ready_queue: readyQueue,
      waves,
      simulation: {
        ...simulation,
        longest_path_over_lower_bound: round(simulation.longest_path_ms / nominal.lowerBoundMs),
        fifo_over_lower_bound: round(simulation.fifo_ms / nominal.lowerBoundMs),
        waves_over_lower_bound: round(simulation.waves_ms / nominal.lowerBoundMs),
      },
      ratios: {
        waves_over_ready_queue: round(waves.median_makespan_ms / readyQueue.median_makespan_ms),
        predicted_waves_over_longest_path: round(simulation.waves_ms / simulation.longest_path_ms),
        predicted_fifo_over_longest_path: round(simulation.fifo_ms / simulation.longest_path_ms),
      },
    };
    const config = {
      max_parallel: MAX_PARALLEL,
      short_phases: SHORT,
      chain_phases: CHAIN,
      agent_tasks: agentTasks,
      repetitions: REPETITIONS,
      repo_files: 20,
      waves_run_plan_max_parallel: UNBOUNDED,
    };

    const row = (/** @type {string} */ label, v) => [
      label,
      String(v.median_makespan_ms),
      v.runs.map((x) => x.makespan_ms).join(' / '),
      v.typical.ratio_to_lower_bound.toFixed(2),
      String(v.typical.measured_lower_bound_ms),
      v.typical.ratio_to_measured_lower_bound.toFixed(2),
      String(v.typical.overhead_per_task_ms),
      String(v.typical.median_agent_task_overhead_ms),
      String(v.typical.chain_start_offset_ms),
      String(v.typical.peak_concurrency),
    ];
    const simRow = (/** @type {string} */ label, /** @type {number} */ ms) => [
      label,
      String(ms),
      '',
      (ms / nominal.lowerBoundMs).toFixed(2),
      '',
      '',
      '',
      '',
      '',
      '',
    ];
    const breakdown = (/** @type {string} */ label, v) => {
      const b = v.typical.breakdown;
      return `${label} (run of median makespan): setup ${b.setup_ms}, to first agent ${b.to_first_agent_start_ms}, chain tasks beyond their sleep ${b.chain_task_overhead_ms}, gaps between chain tasks ${b.chain_gaps_ms}, tail ${b.tail_ms} (result merge ${b.result_merge_ms}) ms`;
    };
    const failed = readyQueue.failed_runs.length + waves.failed_runs.length;
    const table = [
      `nominal lower bound ${figures.nominal.lower_bound_ms} ms = max(critical path ${figures.nominal.critical_path_ms}, work ${figures.nominal.work_ms} / ${MAX_PARALLEL}); ${agentTasks} agent tasks`,
      formatTable(
        [
          'variant',
          'makespan',
          'runs (ms)',
          '/LB',
          'measured LB',
          '/mLB',
          'overhead/task',
          'in-task overhead',
          'chain starts',
          'peak',
        ],
        [
          row('ready queue (runPlan)', readyQueue),
          row('waves (runPlan, gated)', waves),
          simRow('simulated longest-path', simulation.longest_path_ms),
          simRow('simulated fifo', simulation.fifo_ms),
          simRow('modelled waves', simulation.waves_ms),
        ],
      ),
      `waves / ready queue = ${figures.ratios.waves_over_ready_queue}x; ready queue within ${TARGET_RATIO}x of its measured lower bound: ${figures.within_target ? 'yes' : 'NO'} ` +
        `(${readyQueue.typical.ratio_to_measured_lower_bound}); overhead/task = (makespan − nominal LB) / ${agentTasks}; in-task = median agent duration − its sleep`,
      breakdown('ready queue', readyQueue),
      breakdown('waves', waves),
      ...(failed > 0
        ? [
            `runs that did not succeed (replaced, kept in the JSON): ${[...readyQueue.failed_runs, ...waves.failed_runs].flatMap((r) => r.failures).join('; ')}`,
          ]
        : []),
    ].join('\n');
    const headline = [
      `schedule: ready queue ${readyQueue.median_makespan_ms} ms = ${readyQueue.typical.ratio_to_lower_bound}x nominal LB ${figures.nominal.lower_bound_ms} ms ` +
        `(${readyQueue.typical.ratio_to_measured_lower_bound}x measured LB, target ≤ ${TARGET_RATIO}: ${figures.within_target ? 'met' : 'NOT met'}), ` +
        `overhead ${readyQueue.typical.overhead_per_task_ms} ms/task; waves ${waves.median_makespan_ms} ms = ${waves.typical.ratio_to_lower_bound}x; ` +
        `waves/ready queue ${figures.ratios.waves_over_ready_queue}x (predicted ${figures.ratios.predicted_waves_over_longest_path}x)` +
        (failed > 0 ? `; ${failed} run(s) failed and were replaced` : ''),
    ];
    return { config, figures, table, headline };
  } finally {
    await fixture.dispose();
  }
}

function planYaml() {
  const node = JSON.stringify(process.execPath);
  const agent = (/** @type {number} */ ms) =>
    `{ command: [${node}, ${JSON.stringify(sleepAgent)}, "${ms}", "{phase}"] }`;
  const lines = ['version: 1', 'name: bench-schedule', `max_parallel: ${MAX_PARALLEL}`, 'phases:'];
  for (let i = 1; i <= SHORT.count; i++) {
    lines.push(
      `  - { id: short-${i}, prompt: "short ${i}", estimate: ${SHORT.ms}ms, agent: ${agent(SHORT.ms)} }`,
    );
  }
  for (let i = 1; i <= CHAIN.count; i++) {
    const deps = i === 1 ? '' : `, depends_on: [chain-${i - 1}]`;
    lines.push(
      `  - { id: chain-${i}, prompt: "chain ${i}", estimate: ${CHAIN.ms}ms${deps}, agent: ${agent(CHAIN.ms)} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What users run: runPlan with its own PiscinaExecutor and ready queue. Every variant runs the
 * same plan on the same repository, so the result cache is off: each run must run its agents.
 */
function runReadyQueue(plan, repoDir, onEvent) {
  return runPlan({ plan, repoDir, env: process.env, onEvent, noCache: true });
}

/** The same runPlan and agents, with starts gated level by level. */
async function runWaves(plan, repoDir, onEvent) {
  const executor = new WaveExecutor({
    inner: new PiscinaExecutor({ maxParallel: MAX_PARALLEL }),
    plan,
    maxParallel: MAX_PARALLEL,
  });
  try {
    return await runPlan({
      plan,
      repoDir,
      env: process.env,
      maxParallel: UNBOUNDED,
      executor,
      onEvent,
      noCache: true,
    });
  } finally {
    await executor.close();
  }
}

/**
 * Figures of one run from its summary and events. Bounds are recomputed for max_parallel 3 in
 * both variants. `breakdown` follows the chain, the critical path: setup before the run-started
 * event, until the first agent starts, each chain task's time beyond its sleep, the gaps between
 * chain tasks, and the tail after the last agent (result merge, worktree cleanup).
 */
function describeRun(summary, events, graph, plan, nominalLowerBoundMs, agentTasks) {
  const byId = new Map(summary.tasks.map((t) => [t.id, t]));
  const duration = (/** @type {string} */ id) => byId.get(id)?.duration_ms ?? 0;
  const longest = new Map();
  let criticalPath = 0;
  let work = 0;
  for (const id of graph.topologicalOrder()) {
    const head = Math.max(0, ...graph.dependencies(id).map((d) => longest.get(d) ?? 0));
    longest.set(id, head + duration(id));
    criticalPath = Math.max(criticalPath, head + duration(id));
    if (graph.kindOf(id) === 'agent') work += duration(id);
  }
  const measuredLowerBound = Math.max(criticalPath, work / MAX_PARALLEL);
  const runStart = Date.parse(summary.started_at);
  const startOf = (/** @type {string} */ id) =>
    Date.parse(byId.get(id)?.started_at ?? '') - runStart;
  const agents = summary.tasks.filter((t) => t.kind === 'agent');
  // Waves check: no phase started before every phase of a lower depth had finished.
  const depth = phaseDepths(plan);
  const levelFinish = new Map();
  for (const t of agents)
    levelFinish.set(
      depth.get(t.id),
      Math.max(levelFinish.get(depth.get(t.id)) ?? 0, Date.parse(t.finished_at ?? '')),
    );
  const levelOrdered = agents.every((t) =>
    [...levelFinish].every(
      ([d, end]) => d >= depth.get(t.id) || Date.parse(t.started_at ?? '') >= end,
    ),
  );
  const at = (/** @type {string | null | undefined} */ iso) => Date.parse(iso ?? '');
  const chain = Array.from({ length: CHAIN.count }, (_, i) => byId.get(`chain-${i + 1}`));
  const runStarted = events.find((e) => e.type === 'run-started');
  const chainGaps = chain.slice(1).map((t, i) => at(t?.started_at) - at(chain[i]?.finished_at));
  const breakdown = {
    setup_ms: at(runStarted?.ts) - runStart,
    to_first_agent_start_ms: Math.min(...agents.map((t) => at(t.started_at))) - at(runStarted?.ts),
    chain_task_overhead_ms: chain.reduce((sum, t) => sum + (t?.duration_ms ?? 0) - CHAIN.ms, 0),
    chain_gaps_ms: chainGaps.reduce((a, b) => a + b, 0),
    tail_ms: at(summary.finished_at) - Math.max(...agents.map((t) => at(t.finished_at))),
    result_merge_ms: byId.get('result')?.duration_ms ?? null,
  };
  return {
    run_id: summary.run_id,
    status: summary.status,
    makespan_ms: summary.makespan_ms,
    lower_bound_ms: round(nominalLowerBoundMs, 0),
    ratio_to_lower_bound: round(summary.makespan_ms / nominalLowerBoundMs),
    measured_critical_path_ms: Math.round(criticalPath),
    measured_work_ms: Math.round(work),
    measured_lower_bound_ms: Math.round(measuredLowerBound),
    ratio_to_measured_lower_bound: round(summary.makespan_ms / measuredLowerBound),
    overhead_per_task_ms: Math.round((summary.makespan_ms - nominalLowerBoundMs) / agentTasks),
    median_agent_task_overhead_ms: Math.round(
      median(
        agents.map((t) => (t.duration_ms ?? 0) - (t.id.startsWith('chain') ? CHAIN.ms : SHORT.ms)),
      ),
    ),
    first_start_offset_ms: Math.min(...agents.map((t) => startOf(t.id))),
    chain_start_offset_ms: startOf('chain-1'),
    peak_concurrency: summary.peak_concurrency,
    level_ordered: levelOrdered,
    breakdown,
    failures: summary.tasks
      .filter((t) => t.status !== 'succeeded')
      .map((t) => `${t.id}: ${t.reason}`),
    statuses: Object.fromEntries(
      [...new Set(summary.tasks.map((t) => t.status))].map((s) => [
        s,
        summary.tasks.filter((t) => t.status === s).length,
      ]),
    ),
  };
}

/**
 * Predicted makespan of waves with estimated durations: each level is list-scheduled on
 * MAX_PARALLEL slots, longest remaining path first, and starts when the previous one ends;
 * merge tasks follow the level they close.
 */
function simulateWaves(graph, plan) {
  const depth = phaseDepths(plan);
  const weights = remainingPathWeights(graph);
  const levels = [...new Set(depth.values())].sort((a, b) => a - b);
  let now = 0;
  for (const level of levels) {
    const tasks = graph
      .tasks()
      .filter((t) => t.kind === 'agent' && depth.get(t.phase) === level)
      .sort((a, b) => (weights.get(b.id) ?? 0) - (weights.get(a.id) ?? 0));
    const slots = Array.from({ length: MAX_PARALLEL }, () => now);
    for (const task of tasks) {
      slots.sort((a, b) => a - b);
      slots[0] = (slots[0] ?? now) + task.weightMs;
    }
    now = Math.max(...slots);
  }
  const merges = graph.tasks().filter((t) => t.kind === 'merge');
  return now + merges.reduce((sum, t) => sum + t.weightMs, 0);
}
