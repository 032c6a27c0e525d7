/**
 * Starting a run: resolve the base, cut the trees, build the graph, take the run's lock and hand
 * it all to a RunSession. `resume-run.ts` continues a stopped one.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createRunId, systemClock } from '../core/index.js';
import type { Clock, EventSink } from '../core/index.js';
import { PiscinaExecutor } from '../execute/index.js';
import type { Executor } from '../execute/index.js';
import { excludeStateDir, openRepo, pruneWorktrees, resolveCommit } from '../git/index.js';
import { defaultMaxParallel } from '../plan/index.js';
import type { Plan } from '../plan/index.js';
import type { ReadyOrder } from '../schedule/index.js';
import { acquireRunLock, readDurationHistory, runPaths } from '../state/index.js';
import { prepareGraph } from './prepare-graph.js';
import { RunSession } from './run-session.js';
import type { RunSummary } from './run-summary.js';

export interface RunPlanOptions {
  readonly plan: Plan;
  /** Any directory inside the repository. */
  readonly repoDir: string;
  /** Overrides the plan's `max_parallel`. */
  readonly maxParallel?: number;
  /** Overrides the plan's `on_failure` with `fail-fast`. */
  readonly failFast?: boolean;
  /** The environment agents inherit (minus git's variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborting interrupts the run: agents are killed, the status is `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onEvent?: EventSink;
  readonly clock?: Clock;
  /** Grace between SIGTERM and SIGKILL for agents. @default 2000 */
  readonly killGraceMs?: number;
  /** Most bytes of output one agent may print before it is stopped. @default 50 MiB */
  readonly maxOutputBytes?: number;
  /** Wait before a retry. @default exponential from 500 ms */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Runs agent tasks. @default a PiscinaExecutor sized for `max_parallel` */
  readonly executor?: Executor;
  /** Makes the executor once `max_parallel` is known (remote workers); closed when the run ends. */
  readonly createExecutor?: (setup: { readonly maxParallel: number }) => Executor;
  /** Run every agent even when an identical earlier task's result could be reused. @default false */
  readonly noCache?: boolean;
  /** Which ready task starts first; benchmarks compare the others with it. @default 'planned' */
  readonly readyOrder?: ReadyOrder;
}

export async function runPlan(options: RunPlanOptions): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const repo = await openRepo(options.repoDir);
  const runId = createRunId(startedAt);
  const paths = runPaths(repo.root, runId);
  // A base that does not resolve stops the run before anything is written.
  const baseCommit = await resolveCommit(repo, options.plan.base);
  const [history] = await Promise.all([
    readDurationHistory(paths.stateDir, options.plan.name),
    excludeStateDir(repo),
    pruneWorktrees(repo),
  ]);
  const maxParallel =
    options.maxParallel ?? options.plan.maxParallel ?? defaultMaxParallel(availableParallelism());
  const { graph, warnings } = await prepareGraph({ plan: options.plan, repo, baseCommit, history });
  await mkdir(paths.runDir, { recursive: true });
  const lock = await acquireRunLock(paths.runDir, runId);
  try {
    const executor =
      options.executor ??
      options.createExecutor?.({ maxParallel }) ??
      new PiscinaExecutor({ maxParallel });
    try {
      const session = new RunSession({
        ...options,
        repo,
        baseCommit,
        runId,
        paths,
        maxParallel,
        graph,
        executor,
        clock,
        warnings,
      });
      return await session.execute(startedAt);
    } finally {
      if (!options.executor) await executor.close();
    }
  } finally {
    await lock.release();
  }
}
