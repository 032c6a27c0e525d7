/**
 * The state of a run is a reduction of its events: `reduceRunState(state, event)` is the only
 * place that knows how an event changes it. The orchestrator writes the result to `state.json`;
 * `status` reads it, and rebuilds it from `events.ndjson` when the file is missing, so the two can
 * never tell different stories.
 */
import { unreachable } from '../core/index.js';
import type { RunEvent, RunStatus, TaskKind, TaskStatus } from '../core/index.js';

export const STATE_SCHEMA_VERSION = 1;

export type TaskStateStatus = 'pending' | 'queued' | 'running' | TaskStatus;

export interface TaskState {
  readonly id: string;
  readonly phase: string;
  readonly kind: TaskKind;
  readonly depends_on: readonly string[];
  readonly status: TaskStateStatus;
  readonly attempts: number;
  readonly branch: string | null;
  readonly worktree: string | null;
  readonly base_commit: string | null;
  readonly commit: string | null;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly reason: string | null;
  /** The agent's process group while it runs, and the host it runs on. */
  readonly pid: number | null;
  readonly host: string | null;
  /** Spent by the task's agent over every session of the run, as its CLI reported it. */
  readonly cost_usd?: number;
  /** Its result was an identical earlier task's, reused without running the agent. */
  readonly cached?: boolean;
}

export interface RunState {
  readonly schema_version: typeof STATE_SCHEMA_VERSION;
  readonly run_id: string;
  readonly plan: string;
  readonly plan_file: string;
  readonly repo: string;
  readonly base_commit: string;
  readonly max_parallel: number;
  /** The run was started with --no-cache. */
  readonly no_cache?: boolean;
  readonly plan_fingerprint: string;
  readonly phase_fingerprints: Readonly<Record<string, string>>;
  readonly status: 'running' | RunStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly updated_at: string;
  readonly result_branch: string | null;
  readonly peak_concurrency: number | null;
  /** In graph order. */
  readonly tasks: readonly TaskState[];
  /**
   * How many lines of `events.ndjson` this state folds, in `state.json`: a reader folds the later
   * ones, since the file is rewritten a few times a second, not after every event.
   */
  readonly events_applied?: number;
}

/** Applies one event. Events before `run-started` have nothing to apply to and return undefined. */
export function reduceRunState(state: RunState | undefined, event: RunEvent): RunState | undefined {
  if (event.type === 'run-started') {
    return {
      schema_version: STATE_SCHEMA_VERSION,
      run_id: event.run_id,
      plan: event.plan,
      plan_file: event.plan_file,
      repo: event.repo,
      base_commit: event.base_commit,
      max_parallel: event.max_parallel,
      ...(event.no_cache === true && { no_cache: true }),
      plan_fingerprint: event.plan_fingerprint,
      phase_fingerprints: event.phase_fingerprints,
      status: 'running',
      started_at: event.ts,
      finished_at: null,
      updated_at: event.ts,
      result_branch: null,
      peak_concurrency: null,
      tasks: event.tasks.map((task) => ({
        ...task,
        status: 'pending',
        attempts: 0,
        branch: null,
        worktree: null,
        base_commit: null,
        commit: null,
        started_at: null,
        finished_at: null,
        duration_ms: null,
        reason: null,
        pid: null,
        host: null,
      })),
    };
  }
  if (!state) return undefined;
  const next = { ...state, updated_at: event.ts };
  switch (event.type) {
    case 'task-queued':
      return withTask(next, event.task, (task) => ({ ...task, status: 'queued' }));
    case 'task-started':
      return withTask(next, event.task, (task) => ({
        ...task,
        status: 'running',
        attempts: event.attempt,
        branch: event.branch,
        worktree: event.worktree,
        base_commit: event.base_commit,
        started_at: event.ts,
        finished_at: null,
        duration_ms: null,
      }));
    case 'merge-started':
      return withTask(next, event.task, (task) => ({
        ...task,
        status: 'running',
        attempts: 1,
        branch: event.branch,
        started_at: event.ts,
      }));
    case 'task-finished':
      return withTask(next, event.task, (task) => ({
        ...task,
        status: event.outcome.status,
        attempts: event.attempt,
        commit: event.outcome.status === 'succeeded' ? event.outcome.commit : null,
        started_at: event.started_at ?? task.started_at,
        finished_at: event.started_at === undefined ? null : event.ts,
        duration_ms: event.duration_ms ?? null,
        reason: event.reason,
        pid: null,
        host: null,
        cached: event.cached === true,
        ...(event.cost_usd !== undefined && { cost_usd: (task.cost_usd ?? 0) + event.cost_usd }),
      }));
    case 'run-finished':
      return {
        ...next,
        status: event.status,
        finished_at: event.ts,
        result_branch: event.result_branch,
        peak_concurrency: event.peak_concurrency,
      };
    case 'agent-spawned':
      return withTask(next, event.task, (task) => ({ ...task, pid: event.pid, host: event.host }));
    case 'run-resumed': {
      const kept = new Set(event.kept);
      return {
        ...next,
        status: 'running',
        finished_at: null,
        result_branch: null,
        max_parallel: event.max_parallel,
        plan_fingerprint: event.plan_fingerprint,
        phase_fingerprints: event.phase_fingerprints,
        tasks: next.tasks.map((task) =>
          kept.has(task.id)
            ? task
            : { ...task, status: 'pending', pid: null, host: null, reason: null, commit: null },
        ),
      };
    }
    case 'task-output':
    case 'merge-finished':
    case 'verify-started':
    case 'verify-finished':
    case 'warning':
      return state;
    default:
      return unreachable(event);
  }
}

/** Rebuilds a run's state from all of its events. */
export function stateFromEvents(events: readonly RunEvent[]): RunState | undefined {
  let state: RunState | undefined;
  for (const event of events) state = reduceRunState(state, event);
  return state;
}

function withTask(state: RunState, id: string, change: (task: TaskState) => TaskState): RunState {
  return { ...state, tasks: state.tasks.map((task) => (task.id === id ? change(task) : task)) };
}
