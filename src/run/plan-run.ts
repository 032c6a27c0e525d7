/**
 * The dry run behind `subplan plan`: the task graph, the order a run would start tasks in (a
 * simulation with the same queue rules), the estimated critical path and the lower bound. It
 * reads the repository and changes nothing.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { subplanTreeJson } from '../decompose/index.js';
import type { SubplanNodeJson } from '../decompose/index.js';
import { openRepo, resolveCommit } from '../git/index.js';
import { defaultMaxParallel } from '../plan/index.js';
import type { Plan } from '../plan/index.js';
import { scheduleBounds, simulateSchedule } from '../schedule/index.js';
import { readDurationHistory } from '../state/index.js';
import { prepareGraph } from './prepare-graph.js';

export interface PlanPreview {
  readonly type: 'plan';
  readonly schema_version: 1;
  readonly plan: string;
  readonly base_commit: string;
  readonly max_parallel: number;
  readonly critical_path_ms: number;
  readonly lower_bound_ms: number;
  readonly work_ms: number;
  readonly estimated_makespan_ms: number;
  readonly critical_path: readonly string[];
  /** Trees of decomposed phases. */
  readonly trees: readonly { readonly phase: string; readonly root: SubplanNodeJson }[];
  readonly warnings: readonly string[];
  readonly tasks: readonly {
    readonly id: string;
    readonly phase: string;
    readonly kind: 'agent' | 'merge';
    readonly depends_on: readonly string[];
    readonly weight_ms: number;
    readonly weight_source: 'estimate' | 'history' | 'default' | 'merge';
    readonly start_ms: number;
    readonly finish_ms: number;
  }[];
}

export async function planRun(options: {
  plan: Plan;
  repoDir: string;
  maxParallel?: number;
}): Promise<PlanPreview> {
  const repo = await openRepo(options.repoDir);
  const baseCommit = await resolveCommit(repo, options.plan.base);
  const maxParallel =
    options.maxParallel ?? options.plan.maxParallel ?? defaultMaxParallel(availableParallelism());
  const history = await readDurationHistory(join(repo.root, '.subplan'), options.plan.name);
  const { graph, trees, warnings } = await prepareGraph({
    plan: options.plan,
    repo,
    baseCommit,
    history,
  });
  const bounds = scheduleBounds(graph, maxParallel);
  const simulation = simulateSchedule(graph, maxParallel);
  const estimates = new Map(options.plan.phases.map((p) => [p.id, p.estimateMs]));
  const timing = new Map(simulation.tasks.map((t) => [t.id, t]));
  const ordered = [...graph.tasks()].sort(
    (a, b) =>
      (timing.get(a.id)?.startMs ?? 0) - (timing.get(b.id)?.startMs ?? 0) ||
      graph.indexOf(a.id) - graph.indexOf(b.id),
  );
  return {
    type: 'plan',
    schema_version: 1,
    plan: options.plan.name,
    base_commit: baseCommit,
    max_parallel: maxParallel,
    critical_path_ms: Math.round(bounds.criticalPathMs),
    lower_bound_ms: Math.round(bounds.lowerBoundMs),
    work_ms: Math.round(bounds.workMs),
    estimated_makespan_ms: Math.round(simulation.makespanMs),
    critical_path: bounds.criticalPath,
    trees: [...trees].map(([phase, root]) => ({ phase, root: subplanTreeJson(root) })),
    warnings,
    tasks: ordered.map((task) => ({
      id: task.id,
      phase: task.phase,
      kind: task.kind,
      depends_on: graph.dependencies(task.id),
      weight_ms: Math.round(task.weightMs),
      weight_source:
        task.kind === 'merge'
          ? 'merge'
          : estimates.get(task.phase) !== undefined
            ? 'estimate'
            : history.has(task.id)
              ? 'history'
              : 'default',
      start_ms: Math.round(timing.get(task.id)?.startMs ?? 0),
      finish_ms: Math.round(timing.get(task.id)?.finishMs ?? 0),
    })),
  };
}
