// Scheduling quality, run for real: random plan-shaped graphs (phases with random dependencies,
// some cut into subplan trees, heavy-tailed task durations) run through runPlan with short
// sleeper agents in a 1,000-file repository, four ways side by side on the same plans:
// subplan's ready queue (longest remaining path first) with estimates known (the durations of an
// earlier run, as users get them) and without (no history: equal weights); first-in-first-out;
// and level-by-level waves. Each run's makespan is divided by the lower bound
// max(critical path, agent work / max_parallel) of its own measured task durations, which keeps
// the per-task overhead out of the scheduler's figure; the bound of the nominal sleeps is beside
// it. The bound is not always reachable: ancestryBoundMs (ancestors' work must end before a
// task starts) is a tighter bound no schedule beats, reported beside it. Then the seed scenario,
// one phase of 15 subplans at max_parallel 10, against its ideal.
// Targets: ready queue ≤ 1.05 × the bound with estimates, ≤ 1.15 × without. Six plans are a
// small sample, so the suite also plays many more plans (and draws of their durations) through
// simulateSchedule with no overhead at all: what the orders can reach on this kind of graph,
// beside what the real runs reach on this machine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlan, runPlan } from '../../dist/index.js';
import { seededRandom } from '../../dist/core/index.js';
import { PiscinaExecutor } from '../../dist/execute/index.js';
import { buildTaskGraph, prepareGraph } from '../../dist/run/index.js';
import { openRepo, resolveCommit } from '../../dist/git/index.js';
import {
  TaskGraph,
  ancestryBoundMs,
  scheduleBounds,
  simulateSchedule,
} from '../../dist/schedule/index.js';
import { recordDurations, runPaths } from '../../dist/state/index.js';
import { createRepo } from '../fixtures/create-repo.js';
import { taskDurationMs } from '../fixtures/task-durations.js';
import { WaveExecutor } from '../fixtures/wave-executor.js';
import { formatTable, median, round } from '../lib/measure.js';
import { metric } from '../lib/metrics.js';

export const name = 'schedule';
export const description =
  'scheduling quality on random plan graphs, run for real: ready queue (with and without estimates) vs FIFO vs waves, and the seed scenario';

const SEEDS = [1, 2, 3, 4, 5, 6];
/** The simulated population: random plans, each with several draws of its durations. */
const POPULATION = { plans: 24, draws: 3 };
const MAX_PARALLEL = 4;
const SEED_SCENARIO = { seed: 0, leaves: 15, maxParallel: 10 };
const TARGETS = { known: 1.05, unknown: 1.15 };
/** runPlan's own bound in the waves variant: wide, so the wave gate alone decides. */
const UNBOUNDED = 64;
const VARIANTS = /** @type {const} */ ([
  'ready_queue_known',
  'ready_queue_unknown',
  'fifo',
  'waves',
]);
const LABELS = {
  ready_queue_known: 'ready queue, estimates known',
  ready_queue_unknown: 'ready queue, no estimates',
  fifo: 'first in, first out',
  waves: 'level-by-level waves',
};

const agentScript = fileURLToPath(new URL('../fixtures/pareto-agent.js', import.meta.url));

/** @param {{ log: (line: string) => void }} context */
export async function run({ log }) {
  const fixture = await createRepo({ files: 1000, prefix: 'subplan-bench-schedule-' });
  try {
    const planDir = join(fixture.dir, '.subplan', 'bench-plans');
    await mkdir(planDir, { recursive: true });
    let unique = 0;
    /** A plan file for `yaml` with its own name; `name` given, runs share duration history. */
    const writePlan = async (/** @type {(name: string) => string} */ yaml, name) => {
      const planName = name ?? `bench-unknown-${unique++}`;
      const file = join(planDir, `${planName}.yaml`);
      await writeFile(file, yaml(planName));
      return loadPlan(file);
    };

    // Runs leave their worktrees in a pool the next run starts in. One unmeasured run first, so
    // every measured one, whichever variant runs first, finds as many as it has slots.
    await warmUp(
      fixture.dir,
      await writePlan((planName) => planYaml(planName, 1, randomShape(1), MAX_PARALLEL)),
      MAX_PARALLEL,
    );
    const graphs = [];
    for (const seed of SEEDS) {
      const shape = randomShape(seed);
      const yaml = (/** @type {string} */ planName) =>
        planYaml(planName, seed, shape, MAX_PARALLEL);
      const known = await writePlan(yaml, `bench-known-${seed}`);
      const predicted = await predictRatios(fixture.dir, known, seed, MAX_PARALLEL);
      /** @type {Record<string, object>} */
      const runs = {};
      // Without estimates first: its measured durations become the history of the known plan.
      const unknownRun = await measure(
        fixture.dir,
        await writePlan(yaml),
        seed,
        'ready_queue',
        MAX_PARALLEL,
      );
      runs.ready_queue_unknown = unknownRun.figures;
      await recordDurations(runPaths(fixture.dir, 'x').stateDir, known.name, unknownRun.durations);
      for (const variant of rotate(['ready_queue_known', 'fifo', 'waves'], seed)) {
        const policy = variant === 'ready_queue_known' ? 'ready_queue' : variant;
        runs[variant] = (await measure(fixture.dir, known, seed, policy, MAX_PARALLEL)).figures;
      }
      for (const v of VARIANTS) {
        const r = runs[v];
        log(
          `  seed ${seed} ${v}: ${r.status}, ${r.agent_tasks} agent tasks, makespan ${r.makespan_ms} ms = ${r.over_lower_bound}x measured LB, ${r.over_nominal_lower_bound}x nominal LB, peak ${r.peak_concurrency}`,
        );
      }
      log(
        `  seed ${seed} predicted with the sleeps and no overhead: planned ${predicted.planned}x, longest path ${predicted.longest_path}x, no estimates ${predicted.no_estimates}x, FIFO ${predicted.fifo}x the bound; the tighter bound is ${predicted.ancestry_bound_over_lower_bound}x it`,
      );
      graphs.push({ seed, phases: shape.length, shape, predicted, runs });
    }

    const population = await predictPopulation(fixture.dir, writePlan);
    log(
      `  predicted over ${population.instances} plan × duration draws, no overhead: estimates known ${population.planned.mean_over_lower_bound}x (max ${population.planned.max_over_lower_bound}), no estimates ${population.no_estimates.mean_over_lower_bound}x (max ${population.no_estimates.max_over_lower_bound}); tight bound ${population.ancestry_bound_over_lower_bound}x the simple one`,
    );

    const seedShape = [{ id: 'seed', dependsOn: [], leaves: SEED_SCENARIO.leaves }];
    const seedYaml = (/** @type {string} */ planName) =>
      planYaml(planName, SEED_SCENARIO.seed, seedShape, SEED_SCENARIO.maxParallel);
    const seedKnown = await writePlan(seedYaml, 'bench-seed-known');
    await warmUp(fixture.dir, await writePlan(seedYaml), SEED_SCENARIO.maxParallel);
    const seedUnknown = await measure(
      fixture.dir,
      await writePlan(seedYaml),
      SEED_SCENARIO.seed,
      'ready_queue',
      SEED_SCENARIO.maxParallel,
    );
    await recordDurations(
      runPaths(fixture.dir, 'x').stateDir,
      seedKnown.name,
      seedUnknown.durations,
    );
    const seedRun = await measure(
      fixture.dir,
      seedKnown,
      SEED_SCENARIO.seed,
      'ready_queue',
      SEED_SCENARIO.maxParallel,
    );
    log(
      `  seed scenario: ${seedRun.figures.agent_tasks} subplans, makespan ${seedRun.figures.makespan_ms} ms = ${seedRun.figures.over_lower_bound}x measured LB, ${seedRun.figures.over_nominal_lower_bound}x ideal`,
    );

    return report(
      graphs,
      {
        known: seedRun.figures,
        unknown: seedUnknown.figures,
      },
      population,
    );
  } finally {
    await fixture.dispose();
  }
}

/** The figures, table, headline and metrics from every run. */
function report(graphs, seedScenario, population) {
  const across = Object.fromEntries(
    VARIANTS.map((v) => {
      const runs = graphs.map((g) => g.runs[v]);
      return [
        v,
        {
          mean_over_lower_bound: round(geometricMean(runs.map((r) => r.over_lower_bound))),
          max_over_lower_bound: round(Math.max(...runs.map((r) => r.over_lower_bound))),
          mean_over_ancestry_bound: round(geometricMean(runs.map((r) => r.over_ancestry_bound))),
          max_over_ancestry_bound: round(Math.max(...runs.map((r) => r.over_ancestry_bound))),
          mean_over_nominal_lower_bound: round(
            geometricMean(runs.map((r) => r.over_nominal_lower_bound)),
          ),
          mean_simulated_over_lower_bound: round(
            geometricMean(runs.map((r) => r.simulated_over_lower_bound)),
          ),
          mean_span_over_lower_bound: round(
            geometricMean(runs.map((r) => r.scheduled_span_ms / r.lower_bound_ms)),
          ),
          median_task_overhead_ms: round(median(runs.map((r) => r.median_task_overhead_ms)), 1),
          median_first_agent_ms: median(runs.map((r) => r.first_agent_ms)),
          runs_not_succeeded: runs.filter((r) => r.status !== 'succeeded').length,
        },
      ];
    }),
  );
  const known = across.ready_queue_known;
  const unknown = across.ready_queue_unknown;
  const predicted = {
    planned: round(geometricMean(graphs.map((g) => g.predicted.planned))),
    longest_path: round(geometricMean(graphs.map((g) => g.predicted.longest_path))),
    ancestry_bound: round(
      geometricMean(graphs.map((g) => g.predicted.ancestry_bound_over_lower_bound)),
    ),
    no_estimates: round(geometricMean(graphs.map((g) => g.predicted.no_estimates))),
    fifo: round(geometricMean(graphs.map((g) => g.predicted.fifo))),
  };
  const meanTasks = Math.round(
    graphs.reduce((sum, g) => sum + g.runs.ready_queue_known.agent_tasks, 0) / graphs.length,
  );
  const ratio = (/** @type {string} */ v) =>
    round(across[v].mean_over_lower_bound / known.mean_over_lower_bound);
  const seedKnown = seedScenario.known;
  const figures = {
    targets: {
      known: `ready queue makespan ≤ ${TARGETS.known} × max(critical path, work / max_parallel) of measured durations, with estimates`,
      unknown: `≤ ${TARGETS.unknown} × the same bound without estimates`,
    },
    within_target_known: known.max_over_lower_bound <= TARGETS.known,
    within_target_unknown: unknown.max_over_lower_bound <= TARGETS.unknown,
    // The same targets against the bound schedules can reach (ancestors' work first).
    within_target_known_tight: known.max_over_ancestry_bound <= TARGETS.known,
    within_target_unknown_tight: unknown.max_over_ancestry_bound <= TARGETS.unknown,
    across_graphs: across,
    predicted_over_nominal_lower_bound: predicted,
    over_ready_queue_known: {
      fifo: ratio('fifo'),
      waves: ratio('waves'),
      ready_queue_unknown: ratio('ready_queue_unknown'),
    },
    graphs,
    predicted_population: population,
    seed_scenario: {
      leaves: SEED_SCENARIO.leaves,
      max_parallel: SEED_SCENARIO.maxParallel,
      ideal_ms: seedKnown.nominal_lower_bound_ms,
      known: seedKnown,
      unknown: seedScenario.unknown,
      within_target: seedKnown.over_lower_bound <= TARGETS.known,
    },
  };
  const rows = VARIANTS.map((v) => [
    LABELS[v],
    across[v].mean_over_lower_bound.toFixed(2),
    across[v].max_over_lower_bound.toFixed(2),
    graphs.map((g) => g.runs[v].over_lower_bound.toFixed(2)).join(' / '),
    across[v].mean_over_ancestry_bound.toFixed(2),
    across[v].max_over_ancestry_bound.toFixed(2),
    across[v].mean_span_over_lower_bound.toFixed(2),
    across[v].mean_simulated_over_lower_bound.toFixed(2),
    across[v].mean_over_nominal_lower_bound.toFixed(2),
    graphs.map((g) => g.runs[v].makespan_ms).join(' / '),
    String(across[v].median_task_overhead_ms),
    String(across[v].median_first_agent_ms),
  ]);
  const table = [
    `${graphs.length} random plans (${graphs.map((g) => `${g.phases} phases, ${g.runs.ready_queue_known.agent_tasks} agent tasks`).join('; ')}), max_parallel ${MAX_PARALLEL}`,
    formatTable(
      [
        'variant',
        'mean /LB',
        'max /LB',
        'per plan',
        'mean /tight LB',
        'max /tight LB',
        'span /LB',
        'simulated /LB',
        'mean /nominal LB',
        'makespans (ms)',
        'task overhead ms',
        'first agent ms',
      ],
      rows,
    ),
    `predicted with the sleeps and no overhead (simulateSchedule, machine-independent): planned ${graphs.map((g) => g.predicted.planned.toFixed(2)).join(' / ')}, longest path ${graphs.map((g) => g.predicted.longest_path.toFixed(2)).join(' / ')}, no estimates ${graphs.map((g) => g.predicted.no_estimates.toFixed(2)).join(' / ')}, FIFO ${graphs.map((g) => g.predicted.fifo.toFixed(2)).join(' / ')} × the nominal bound; the tight bound is ${graphs.map((g) => g.predicted.ancestry_bound_over_lower_bound.toFixed(2)).join(' / ')} × it`,
    `LB = max(critical path, agent work / max_parallel) of each run's measured task durations; tight LB = the larger bound counting that a task's ancestors' work ends before it starts (ancestryBoundMs); span = first agent start to last task end (no setup, no teardown); simulated = the ready queue played with the measured durations and no gaps; nominal LB = the bound of the sleeps; task overhead = median agent duration − its sleep; first agent = from the runPlan call to the first agent process`,
    `seed scenario (1 phase, ${SEED_SCENARIO.leaves} subplans, max_parallel ${SEED_SCENARIO.maxParallel}): makespan ${seedKnown.makespan_ms} ms = ${seedKnown.over_lower_bound}x measured LB, ${seedKnown.over_nominal_lower_bound}x ideal (${seedKnown.nominal_lower_bound_ms} ms); without estimates ${seedScenario.unknown.over_lower_bound}x / ${seedScenario.unknown.over_nominal_lower_bound}x`,
  ].join('\n');
  const met = (/** @type {boolean} */ ok) => (ok ? 'met' : 'NOT met');
  const tightBounds = graphs.map((g) => g.predicted.ancestry_bound_over_lower_bound);
  const headline = [
    `schedule: ready queue ${known.mean_over_lower_bound}x LB with estimates (max ${known.max_over_lower_bound}, target ≤ ${TARGETS.known}: ${met(figures.within_target_known)}), ` +
      `${unknown.mean_over_lower_bound}x without (max ${unknown.max_over_lower_bound}, target ≤ ${TARGETS.unknown}: ${met(figures.within_target_unknown)}); ` +
      `FIFO ${across.fifo.mean_over_lower_bound}x, waves ${across.waves.mean_over_lower_bound}x`,
    `schedule: against the tight bound ${known.mean_over_ancestry_bound}x with estimates (max ${known.max_over_ancestry_bound}: ${met(figures.within_target_known_tight)}), ${unknown.mean_over_ancestry_bound}x without (max ${unknown.max_over_ancestry_bound}: ${met(figures.within_target_unknown_tight)})`,
    `schedule: what these ${graphs.length} plans allow (the sleeps, no overhead): no schedule ends below ${round(Math.max(...tightBounds))}x LB on the hardest, ${tightBounds.filter((b) => b > TARGETS.known).length} of ${graphs.length} have a tight bound above ${TARGETS.known}; a first run's order (equal weights) reaches ${predicted.no_estimates}x`,
    `schedule: seed scenario ${seedKnown.over_lower_bound}x measured LB, ${seedKnown.over_nominal_lower_bound}x its ideal ${seedKnown.nominal_lower_bound_ms} ms`,
    `schedule: simulated with no overhead over ${population.instances} plan × duration draws: estimates known ${population.planned.mean_over_lower_bound}x LB (${met(population.planned.within_target)}; ${Math.round(population.planned.share_within_target * 100)}% of draws within), no estimates ${population.no_estimates.mean_over_lower_bound}x (${met(population.no_estimates.within_target)}; ${Math.round(population.no_estimates.share_within_target * 100)}% within); the tight bound is ${population.ancestry_bound_over_lower_bound}x LB`,
  ];
  const tasksRow = `${meanTasks} (random plans, max_parallel ${MAX_PARALLEL})`;
  const seedRow = `${SEED_SCENARIO.leaves} (seed: 1 phase, max_parallel ${SEED_SCENARIO.maxParallel})`;
  const cell = (
    /** @type {string} */ row,
    /** @type {number} */ key,
    /** @type {string} */ column,
  ) => ({
    scaling: /** @type {const} */ ({ table: 'tasks', row, key, column }),
  });
  const metrics = {
    'random.ready_queue_known.over_lower_bound': metric(known.mean_over_lower_bound, {
      description: 'makespan / LB, random plans, estimates known',
      unit: 'x',
      better: 'lower',
      target: TARGETS.known,
      ...cell(tasksRow, meanTasks, 'makespan / LB, estimates known'),
    }),
    'random.ready_queue_unknown.over_lower_bound': metric(unknown.mean_over_lower_bound, {
      description: 'makespan / LB, random plans, no estimates',
      unit: 'x',
      better: 'lower',
      target: TARGETS.unknown,
      ...cell(tasksRow, meanTasks, 'makespan / LB, no estimates'),
    }),
    'random.ready_queue_known.over_ancestry_bound': metric(known.mean_over_ancestry_bound, {
      description: 'makespan / the tight bound (ancestors first), random plans, estimates known',
      unit: 'x',
      better: 'lower',
      target: TARGETS.known,
      ...cell(tasksRow, meanTasks, 'makespan / tight LB, estimates known'),
    }),
    'random.ready_queue_unknown.over_ancestry_bound': metric(unknown.mean_over_ancestry_bound, {
      description: 'makespan / the tight bound, random plans, no estimates',
      unit: 'x',
      better: 'lower',
      target: TARGETS.unknown,
      ...cell(tasksRow, meanTasks, 'makespan / tight LB, no estimates'),
    }),
    'random.fifo.over_lower_bound': metric(across.fifo.mean_over_lower_bound, {
      unit: 'x',
      better: 'lower',
      ...cell(tasksRow, meanTasks, 'FIFO'),
    }),
    'random.waves.over_lower_bound': metric(across.waves.mean_over_lower_bound, {
      unit: 'x',
      better: 'lower',
      ...cell(tasksRow, meanTasks, 'waves'),
    }),
    'random.ready_queue_known.span_over_lower_bound': metric(known.mean_span_over_lower_bound, {
      unit: 'x',
      better: 'lower',
      description: 'makespan without setup and teardown, over the bound',
    }),
    'random.ready_queue_known.simulated_over_lower_bound': metric(
      known.mean_simulated_over_lower_bound,
      {
        unit: 'x',
        better: 'lower',
        description: 'list scheduling with no overhead, over the bound',
      },
    ),
    'predicted.longest_path_over_lower_bound': metric(predicted.longest_path, {
      unit: 'x',
      better: 'lower',
      description: 'the ready queue on these graphs with the sleeps as durations and no overhead',
      ...cell(tasksRow, meanTasks, 'predicted, no overhead'),
    }),
    'predicted.planned_over_lower_bound': metric(predicted.planned, {
      unit: 'x',
      better: 'lower',
      description: 'the searched order on these graphs with the sleeps and no overhead',
    }),
    'predicted.ancestry_bound_over_lower_bound': metric(predicted.ancestry_bound, {
      unit: 'x',
      // A property of the graphs, not of subplan: it changes only when the plans do.
      better: 'lower',
      description: 'how far above the simple bound any schedule of these graphs must end',
    }),
    'predicted.no_estimates_over_lower_bound': metric(predicted.no_estimates, {
      unit: 'x',
      better: 'lower',
      description:
        'the ready queue on these graphs with equal weights (a first run), the sleeps as durations and no overhead',
    }),
    'predicted.fifo_over_lower_bound': metric(predicted.fifo, {
      unit: 'x',
      better: 'lower',
    }),
    'random.fifo_over_ready_queue': metric(figures.over_ready_queue_known.fifo, {
      unit: 'x',
      better: 'higher',
      description: 'what longest-path-first buys over FIFO',
    }),
    'random.waves_over_ready_queue': metric(figures.over_ready_queue_known.waves, {
      unit: 'x',
      better: 'higher',
    }),
    'random.first_agent_ms': metric(known.median_first_agent_ms, {
      unit: 'ms',
      better: 'lower',
      description: 'from the runPlan call to the first agent process (median, estimates known)',
    }),
    'random.task_overhead_ms': metric(known.median_task_overhead_ms, {
      unit: 'ms',
      better: 'lower',
      ...cell(tasksRow, meanTasks, 'overhead per task'),
    }),
    'population.planned_over_lower_bound': metric(population.planned.mean_over_lower_bound, {
      description: `simulated makespan / LB, no overhead, ${population.instances} random plans × draws, estimates known`,
      unit: 'x',
      better: 'lower',
      target: TARGETS.known,
    }),
    'population.no_estimates_over_lower_bound': metric(
      population.no_estimates.mean_over_lower_bound,
      {
        description: `simulated makespan / LB, no overhead, ${population.instances} random plans × draws, no estimates`,
        unit: 'x',
        better: 'lower',
        target: TARGETS.unknown,
      },
    ),
    'population.ancestry_bound_over_lower_bound': metric(
      population.ancestry_bound_over_lower_bound,
      {
        unit: 'x',
        // A property of the graphs, not of subplan.
        better: 'lower',
        description: 'how far above the simple bound any schedule of these plans must end',
      },
    ),
    'seed.over_lower_bound': metric(seedKnown.over_lower_bound, {
      description: 'makespan / LB, seed scenario, estimates known',
      unit: 'x',
      better: 'lower',
      target: TARGETS.known,
      ...cell(seedRow, SEED_SCENARIO.leaves, 'makespan / LB, estimates known'),
    }),
    'seed.unknown_over_lower_bound': metric(seedScenario.unknown.over_lower_bound, {
      description: 'makespan / LB, seed scenario, no estimates',
      unit: 'x',
      better: 'lower',
      target: TARGETS.unknown,
      ...cell(seedRow, SEED_SCENARIO.leaves, 'makespan / LB, no estimates'),
    }),
    'seed.over_ideal': metric(seedKnown.over_nominal_lower_bound, {
      unit: 'x',
      better: 'lower',
      ...cell(seedRow, SEED_SCENARIO.leaves, 'makespan / ideal of the sleeps'),
    }),
    'seed.task_overhead_ms': metric(seedKnown.median_task_overhead_ms, {
      unit: 'ms',
      better: 'lower',
      ...cell(seedRow, SEED_SCENARIO.leaves, 'overhead per task'),
    }),
  };
  const config = {
    seeds: SEEDS,
    max_parallel: MAX_PARALLEL,
    seed_scenario: SEED_SCENARIO,
    repo_files: 1000,
    waves_run_plan_max_parallel: UNBOUNDED,
    durations: 'Pareto (task-durations.js), a pure function of (seed, task id)',
  };
  return { config, figures, table, headline, metrics };
}

/**
 * An unmeasured run that leaves `maxParallel` worktrees in the pool.
 * @param {string} repoDir @param {object} plan @param {number} maxParallel
 */
async function warmUp(repoDir, plan, maxParallel) {
  const summary = await runPlan({ plan, repoDir, env: process.env, noCache: true, maxParallel });
  if (summary.status !== 'succeeded')
    throw new Error(`warm-up run ${summary.run_id} ${summary.status}`);
}

/**
 * One run of `plan` under a policy, with its figures and its agent durations (for the history).
 * @param {string} repoDir @param {object} plan @param {number} seed
 * @param {'ready_queue' | 'fifo' | 'waves'} policy @param {number} maxParallel
 */
async function measure(repoDir, plan, seed, policy, maxParallel) {
  /** @type {object[]} */
  const events = [];
  // Every variant runs the same plan on the same repository: each must run its agents.
  const common = { plan, repoDir, env: process.env, noCache: true };
  const calledAt = Date.now();
  let summary;
  if (policy === 'waves') {
    const executor = new WaveExecutor({
      inner: new PiscinaExecutor({ maxParallel }),
      plan,
      maxParallel,
    });
    try {
      summary = await runPlan({
        ...common,
        maxParallel: UNBOUNDED,
        executor,
        onEvent: (event) => {
          if (event.type === 'run-started') executor.expect(event.tasks);
          events.push(event);
        },
      });
    } finally {
      await executor.close();
    }
  } else {
    summary = await runPlan({
      ...common,
      maxParallel,
      ...(policy === 'fifo' && { readyOrder: 'fifo' }),
      onEvent: (event) => void events.push(event),
    });
  }
  const started = events.find((e) => e.type === 'run-started');
  const nominal = nominalBounds(started?.tasks ?? [], seed, maxParallel);
  const agents = summary.tasks.filter((t) => t.kind === 'agent');
  const measuredGraph = graphOfMeasured(started?.tasks ?? [], summary.tasks);
  const simulatedMs = simulateSchedule(measuredGraph, maxParallel).makespanMs;
  const ancestryMs = ancestryBoundMs(measuredGraph, maxParallel);
  const figures = {
    run_id: summary.run_id,
    status: summary.status,
    agent_tasks: agents.length,
    all_tasks: summary.tasks.length,
    makespan_ms: summary.makespan_ms,
    lower_bound_ms: summary.lower_bound_ms,
    critical_path_ms: summary.critical_path_ms,
    over_lower_bound: round(summary.makespan_ms / summary.lower_bound_ms),
    // No schedule of these measured durations ends before this: ancestors' work comes first.
    ancestry_bound_ms: Math.round(ancestryMs),
    over_ancestry_bound: round(summary.makespan_ms / ancestryMs),
    nominal_lower_bound_ms: Math.round(nominal.lowerBoundMs),
    over_nominal_lower_bound: round(summary.makespan_ms / nominal.lowerBoundMs),
    // The ready queue's own order played with this run's measured durations and no gaps: how
    // far list scheduling on this graph stays above the bound even when nothing else costs.
    simulated_over_lower_bound: round(simulatedMs / summary.lower_bound_ms),
    // From the first agent start to the last task's end: the makespan without the run's setup
    // (repository, decomposition) and teardown (removing worktrees).
    scheduled_span_ms: scheduledSpan(summary.tasks),
    // The run's fixed start: repository, graph, lock, ranks and the executor's threads, until
    // the first agent process exists.
    first_agent_ms: firstAgentMs(events, calledAt),
    median_task_overhead_ms: Math.round(
      median(agents.map((t) => (t.duration_ms ?? 0) - taskDurationMs(seed, t.id))),
    ),
    peak_concurrency: summary.peak_concurrency,
    failures: summary.tasks
      .filter((t) => t.status !== 'succeeded')
      .map((t) => `${t.id}: ${t.reason}`),
  };
  if (summary.status !== 'succeeded')
    throw new Error(
      `${policy} run ${summary.run_id} ${summary.status}: ${figures.failures.join('; ')}`,
    );
  const durations = new Map(agents.map((t) => [t.id, t.duration_ms ?? 0]));
  return { figures, durations };
}

/**
 * Many random plans, each with several draws of its durations, played by simulateSchedule with
 * no overhead: the ready queue with the durations known (planned ranks), with none (the equal
 * weights a plan without history gets, as the scheduler ranks them) and FIFO, each over the bound
 * of the draw's durations. Machine-independent: what the orders reach on such graphs at best.
 * @param {string} repoDir
 * @param {(yaml: (name: string) => string, name?: string) => Promise<object>} writePlan
 */
async function predictPopulation(repoDir, writePlan) {
  const repo = await openRepo(repoDir);
  /** @type {Record<'planned' | 'no_estimates' | 'fifo' | 'ancestry', number[]>} */
  const ratios = { planned: [], no_estimates: [], fifo: [], ancestry: [] };
  for (let seed = 1; seed <= POPULATION.plans; seed++) {
    const shape = randomShape(seed);
    const plan = await writePlan(
      (planName) => planYaml(planName, seed, shape, MAX_PARALLEL),
      `bench-population-${seed}`,
    );
    const { equal, withSleeps } = await planGraphs(repo, plan);
    for (let draw = 0; draw < POPULATION.draws; draw++) {
      // Draw 0 is the sleeps the measured runs of this seed use.
      const known = withSleeps(draw === 0 ? seed : seed * 1000 + draw);
      const bound = scheduleBounds(known, MAX_PARALLEL).lowerBoundMs;
      const actual = (/** @type {string} */ id) => known.get(id).weightMs;
      ratios.planned.push(simulateSchedule(known, MAX_PARALLEL).makespanMs / bound);
      ratios.no_estimates.push(
        simulateSchedule(equal, MAX_PARALLEL, { durationMs: actual }).makespanMs / bound,
      );
      ratios.fifo.push(simulateSchedule(known, MAX_PARALLEL, { order: 'fifo' }).makespanMs / bound);
      ratios.ancestry.push(ancestryBoundMs(known, MAX_PARALLEL) / bound);
    }
  }
  const summary = (/** @type {number[]} */ values, /** @type {number} */ target = Infinity) => ({
    // Three decimals: at two, 1.154 would show as 1.15 and pass for within a 1.15 target.
    mean_over_lower_bound: round(geometricMean(values), 3),
    max_over_lower_bound: round(Math.max(...values)),
    within_target: geometricMean(values) <= target,
    share_within_target: round(values.filter((r) => r <= target).length / values.length),
  });
  return {
    plans: POPULATION.plans,
    draws: POPULATION.draws,
    instances: POPULATION.plans * POPULATION.draws,
    max_parallel: MAX_PARALLEL,
    planned: summary(ratios.planned, TARGETS.known),
    no_estimates: summary(ratios.no_estimates, TARGETS.unknown),
    fifo: summary(ratios.fifo),
    ancestry_bound_over_lower_bound: round(geometricMean(ratios.ancestry)),
    // How far the searched order stays above a bound no schedule beats, on average.
    planned_over_ancestry_bound: round(
      geometricMean(ratios.planned.map((r, i) => r / (ratios.ancestry[i] ?? 1))),
    ),
  };
}

/**
 * The plan's task graph as runPlan builds it: with equal weights, as a plan without history gets
 * them (`equal`), and weighted by the sleeps of a duration seed (`withSleeps`).
 * @param {import('../../dist/git/index.js').Repo} repo @param {object} plan
 */
async function planGraphs(repo, plan) {
  const baseCommit = await resolveCommit(repo, plan.base);
  const { graph, trees } = await prepareGraph({ plan, repo, baseCommit, history: new Map() });
  const agentIds = graph
    .tasks()
    .filter((t) => t.kind === 'agent')
    .map((t) => t.id);
  return {
    equal: graph,
    withSleeps: (/** @type {number} */ durationSeed) =>
      buildTaskGraph(
        plan,
        new Map(agentIds.map((id) => [id, taskDurationMs(durationSeed, id)])),
        trees,
      ),
  };
}

/**
 * The plan's graph with the nominal sleeps as weights, played by simulateSchedule in each order,
 * over its nominal bound: what each policy gets on this graph on a machine with no overhead.
 * @param {string} repoDir @param {object} plan @param {number} seed @param {number} maxParallel
 */
export async function predictRatios(repoDir, plan, seed, maxParallel) {
  const { equal, withSleeps } = await planGraphs(await openRepo(repoDir), plan);
  const graph = withSleeps(seed);
  const bound = scheduleBounds(graph, maxParallel).lowerBoundMs;
  const ratio = (/** @type {'planned' | 'longest-path' | 'fifo'} */ order) =>
    round(simulateSchedule(graph, maxParallel, { order }).makespanMs / bound);
  const ancestry = ancestryBoundMs(graph, maxParallel);
  const actual = (/** @type {string} */ id) => graph.get(id).weightMs;
  return {
    lower_bound_ms: Math.round(bound),
    ancestry_bound_over_lower_bound: round(ancestry / bound),
    planned: ratio('planned'),
    longest_path: ratio('longest-path'),
    // The order a first run gets (equal weights), the sleeps revealed only as tasks run.
    no_estimates: round(
      simulateSchedule(equal, maxParallel, { durationMs: actual }).makespanMs / bound,
    ),
    fifo: ratio('fifo'),
  };
}

/**
 * The run's graph with its measured task durations as weights.
 * @param {readonly { id: string, kind: string, phase: string, depends_on: readonly string[] }[]} tasks
 * @param {readonly { id: string, duration_ms: number | null }[]} summaryTasks
 */
function graphOfMeasured(tasks, summaryTasks) {
  const measured = new Map(summaryTasks.map((t) => [t.id, t.duration_ms ?? 0]));
  return new TaskGraph(
    tasks.map((t) =>
      t.kind === 'agent'
        ? {
            kind: 'agent',
            id: t.id,
            phase: t.phase,
            startFrom: t.depends_on[0] ?? null,
            weightMs: measured.get(t.id) ?? 0,
          }
        : {
            kind: 'merge',
            id: t.id,
            phase: t.phase,
            sources: t.depends_on,
            weightMs: measured.get(t.id) ?? 0,
          },
    ),
  );
}

/** Milliseconds from `calledAt` to the first agent-spawned event. @param {object[]} events @param {number} calledAt */
function firstAgentMs(events, calledAt) {
  const spawned = events.find((e) => e.type === 'agent-spawned');
  return spawned ? Date.parse(spawned.ts) - calledAt : 0;
}

/** @param {readonly { started_at: string | null, finished_at: string | null, kind: string }[]} tasks */
function scheduledSpan(tasks) {
  const starts = tasks.filter((t) => t.started_at).map((t) => Date.parse(t.started_at ?? ''));
  const ends = tasks.filter((t) => t.finished_at).map((t) => Date.parse(t.finished_at ?? ''));
  return Math.max(...ends) - Math.min(...starts);
}

/**
 * max(critical path, work / max_parallel) of the nominal sleeps, merges counted as zero, over
 * the tasks and dependencies of the run-started event.
 * @param {readonly { id: string, kind: string, depends_on: readonly string[] }[]} tasks
 * @param {number} seed @param {number} maxParallel
 */
function nominalBounds(tasks, seed, maxParallel) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map();
  const finishOf = (/** @type {string} */ id) => {
    if (!finish.has(id)) {
      const t = byId.get(id);
      const own = t?.kind === 'agent' ? taskDurationMs(seed, id) : 0;
      finish.set(id, own + Math.max(0, ...(t?.depends_on ?? []).map(finishOf)));
    }
    return finish.get(id);
  };
  const criticalPathMs = Math.max(0, ...tasks.map((t) => finishOf(t.id)));
  const workMs = tasks
    .filter((t) => t.kind === 'agent')
    .reduce((sum, t) => sum + taskDurationMs(seed, t.id), 0);
  return { criticalPathMs, workMs, lowerBoundMs: Math.max(criticalPathMs, workMs / maxParallel) };
}

/**
 * A random plan shape: 5 to 7 phases, each depending on up to two earlier ones, about half of
 * them cut into a tree of 2 to 10 subplans (one directory of 10 files each).
 * @param {number} seed @returns {{ id: string, dependsOn: string[], leaves: number }[]}
 */
export function randomShape(seed) {
  const next = seededRandom(seed);
  const count = 5 + Math.floor(next() * 3);
  const phases = [];
  for (let k = 0; k < count; k++) {
    const dependsOn = phases
      .filter(() => next() < 0.35)
      .slice(-2)
      .map((p) => p.id);
    const leaves = next() < 0.6 ? 2 + Math.floor(next() * 9) : 1;
    phases.push({ id: `p${k}`, dependsOn, leaves });
  }
  return phases;
}

/**
 * The plan: phase k works on module m<k> of the fixture repository; a phase with more than one
 * leaf is decomposed by directory into one subplan per directory.
 * @param {string} planName @param {number} seed
 * @param {{ id: string, dependsOn: string[], leaves: number }[]} shape @param {number} maxParallel
 */
export function planYaml(planName, seed, shape, maxParallel) {
  const agent = `{ command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(agentScript)}, "${seed}", "{subplan}"] }`;
  const lines = [
    'version: 1',
    `name: ${planName}`,
    `max_parallel: ${maxParallel}`,
    `agent: ${agent}`,
    'decompose: { max_files_per_subplan: 10, min_files_per_subplan: 2, max_children: 16, strategy: directory }',
    'phases:',
  ];
  shape.forEach((phase, k) => {
    // More than ten leaves spill into the next module (the seed scenario's 15).
    const dirs = Array.from(
      { length: phase.leaves },
      (_, i) => `"src/m${k + Math.floor(i / 10)}/d${i % 10}/**"`,
    );
    const deps = phase.dependsOn.length > 0 ? `, depends_on: [${phase.dependsOn.join(', ')}]` : '';
    const scope =
      phase.leaves > 1 ? `, files: [${dirs.join(', ')}], decompose: true` : `, files: [${dirs[0]}]`;
    lines.push(`  - { id: ${phase.id}, prompt: "phase ${phase.id}"${deps}${scope} }`);
  });
  return `${lines.join('\n')}\n`;
}

/** @template T @param {T[]} list @param {number} by */
function rotate(list, by) {
  const n = by % list.length;
  return [...list.slice(n), ...list.slice(0, n)];
}

/** @param {number[]} values */
function geometricMean(values) {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}
