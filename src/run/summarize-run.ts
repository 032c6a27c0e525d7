/**
 * The summary of a run from how its tasks settled: statuses, the peak rebuilt from start and
 * finish times (next to the peak the workers measured), measured bounds, and one line per task.
 * Pure: the session hands in what it recorded, so the rules of the summary live in one place.
 */
import { isoTime, unreachable } from '../core/index.js';
import type { CancelReason, RunStatus, TaskOutcome } from '../core/index.js';
import { resultBranch } from '../git/index.js';
import type { SettledTask, TaskGraph } from '../schedule/index.js';
import { RESULT_TASK } from './build-task-graph.js';
import { measuredBounds } from './measured-bounds.js';
import { peakFromIntervals } from './peak-from-intervals.js';
import { SUMMARY_SCHEMA_VERSION } from './run-summary.js';
import type { RunSummary, TaskSummary } from './run-summary.js';

export interface RunRecord {
  readonly graph: TaskGraph;
  readonly runId: string;
  readonly plan: string;
  readonly baseCommit: string;
  readonly maxParallel: number;
  readonly settled: ReadonlyMap<string, SettledTask>;
  readonly branches: ReadonlyMap<string, string>;
  /** Attempts that failed and were retried: they held slots too. */
  readonly failedAttempts: readonly { start: number; end: number }[];
  /** Tasks kept from an earlier session of a resumed run: they did not run in this one. */
  readonly kept: ReadonlySet<string>;
  /** The peak the workers' shared counter saw. */
  readonly probePeak: number;
  readonly interrupted: boolean;
  /** What agents reported about their tasks: cost, tokens, files outside their scope. */
  readonly reports?: ReadonlyMap<string, AgentTaskExtras>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface AgentTaskExtras {
  readonly cost_usd?: number;
  readonly tokens?: { readonly input: number; readonly output: number };
  readonly final_message?: string;
  readonly out_of_scope?: readonly string[];
}

export function summarizeRun(record: RunRecord): RunSummary {
  const { graph, settled } = record;
  const tasks = graph.tasks().map((task): TaskSummary => {
    const entry = settled.get(task.id);
    const outcome: TaskOutcome = entry?.outcome ?? { status: 'cancelled', reason: 'interrupted' };
    const started = entry?.startedAt;
    const finished = entry?.finishedAt;
    return {
      id: task.id,
      phase: task.phase,
      kind: task.kind,
      status: outcome.status,
      started_at: started === undefined ? null : isoTime(started),
      finished_at: finished === undefined || started === undefined ? null : isoTime(finished),
      duration_ms:
        started === undefined || finished === undefined ? null : Math.round(finished - started),
      attempts: entry?.attempts ?? 0,
      branch: record.branches.get(task.id) ?? null,
      commit: outcome.status === 'succeeded' ? outcome.commit : null,
      reason: describeOutcome(outcome),
      cached: entry?.cached === true,
      ...(outcome.status === 'conflict' && { conflict_files: outcome.files }),
      ...summaryExtras(record.reports?.get(task.id)),
    };
  });
  const costs = [...(record.reports?.values() ?? [])].flatMap((r) =>
    r.cost_usd === undefined ? [] : [r.cost_usd],
  );
  // The peak from events covers this session only, like the workers' counter.
  const intervals = [...settled.entries()]
    .filter(([id, s]) => graph.kindOf(id) === 'agent' && !s.cached && !record.kept.has(id))
    .flatMap(([, s]) =>
      s.startedAt !== undefined && s.finishedAt !== undefined
        ? [{ start: s.startedAt, end: s.finishedAt }]
        : [],
    );
  const bounds = measuredBounds(graph, settled, record.maxParallel);
  return {
    type: 'summary',
    schema_version: SUMMARY_SCHEMA_VERSION,
    run_id: record.runId,
    plan: record.plan,
    status: runStatus(
      tasks.map((task) => task.status),
      record.interrupted,
    ),
    base_commit: record.baseCommit,
    result_branch:
      settled.get(RESULT_TASK)?.outcome.status === 'succeeded' ? resultBranch(record.runId) : null,
    max_parallel: record.maxParallel,
    peak_concurrency: record.probePeak,
    peak_concurrency_events: peakFromIntervals([...intervals, ...record.failedAttempts]),
    started_at: isoTime(record.startedAt),
    finished_at: isoTime(record.finishedAt),
    makespan_ms: Math.round(record.finishedAt - record.startedAt),
    critical_path_ms: Math.round(bounds.criticalPathMs),
    lower_bound_ms: Math.round(bounds.lowerBoundMs),
    ...(costs.length > 0 && { cost_usd: roundCost(costs.reduce((a, b) => a + b, 0)) }),
    tasks,
  };
}

function summaryExtras(extras: AgentTaskExtras | undefined): Partial<TaskSummary> {
  if (!extras) return {};
  return {
    ...(extras.cost_usd !== undefined && { cost_usd: roundCost(extras.cost_usd) }),
    ...(extras.tokens && { tokens: extras.tokens }),
    ...(extras.out_of_scope &&
      extras.out_of_scope.length > 0 && { out_of_scope: extras.out_of_scope }),
  };
}

/** Cents are not enough for cheap calls; more digits are noise. */
export function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** Interrupted wins; then a failure (or a cancellation, which only follows one); then a conflict. */
function runStatus(statuses: readonly TaskSummary['status'][], interrupted: boolean): RunStatus {
  if (interrupted) return 'interrupted';
  if (statuses.includes('failed') || statuses.includes('cancelled')) return 'failed';
  if (statuses.includes('conflict')) return 'conflict';
  return statuses.every((status) => status === 'succeeded') ? 'succeeded' : 'failed';
}

/** How long each agent task took when it really ran, for the next run's priorities. */
export function agentDurations(
  graph: TaskGraph,
  settled: ReadonlyMap<string, SettledTask>,
): Map<string, number> {
  const durations = new Map<string, number>();
  for (const [id, entry] of settled) {
    if (graph.kindOf(id) !== 'agent' || entry.outcome.status !== 'succeeded' || entry.cached)
      continue;
    if (entry.startedAt === undefined || entry.finishedAt === undefined) continue;
    durations.set(id, entry.finishedAt - entry.startedAt);
  }
  return durations;
}

/** One sentence on why a task did not succeed. */
export function describeOutcome(outcome: TaskOutcome): string | null {
  switch (outcome.status) {
    case 'succeeded':
      return null;
    case 'failed':
      return outcome.message;
    case 'conflict':
      return `merging ${outcome.sources.join(', ')} conflicts in ${outcome.files.join(', ')}${outcome.resolverFailure ? `; the resolver did not resolve it: ${outcome.resolverFailure}` : ''}`;
    case 'cancelled':
      return describeCancel(outcome.reason);
    case 'skipped':
      return `skipped because ${outcome.dependency} did not succeed`;
    default:
      return unreachable(outcome);
  }
}

function describeCancel(reason: CancelReason): string {
  switch (reason) {
    case 'fail-fast':
      return 'cancelled after another task failed (fail-fast)';
    case 'budget':
      return 'not started: the run spent its budget (budget_usd)';
    case 'interrupted':
      return 'cancelled by an interrupt';
    default:
      return unreachable(reason);
  }
}
