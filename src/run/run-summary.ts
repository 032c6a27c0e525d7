/** The summary object: the last line of `--json` and the run's `summary.json`. */
import type { RunStatus, TaskKind, TaskStatus } from '../core/index.js';

export const SUMMARY_SCHEMA_VERSION = 1;

export interface TaskSummary {
  readonly id: string;
  readonly phase: string;
  readonly kind: TaskKind;
  readonly status: TaskStatus;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly attempts: number;
  readonly branch: string | null;
  readonly commit: string | null;
  /** Why it did not succeed, in a sentence; null when it did. */
  readonly reason: string | null;
  /** True when the result came from the cache and no agent ran. */
  readonly cached: boolean;
  /** Conflicted files of a merge. */
  readonly conflict_files?: readonly string[];
  /** What the agent's CLI reported, where it does. */
  readonly cost_usd?: number;
  readonly tokens?: { readonly input: number; readonly output: number };
  /** Committed files outside the task's scope. */
  readonly out_of_scope?: readonly string[];
}

export interface RunSummary {
  readonly type: 'summary';
  readonly schema_version: typeof SUMMARY_SCHEMA_VERSION;
  readonly run_id: string;
  readonly plan: string;
  readonly status: RunStatus;
  readonly base_commit: string;
  readonly result_branch: string | null;
  readonly max_parallel: number;
  /** Measured inside the workers (shared-memory counter). */
  readonly peak_concurrency: number;
  /** Rebuilt from task start and finish times; agrees with `peak_concurrency`. */
  readonly peak_concurrency_events: number;
  readonly started_at: string;
  readonly finished_at: string;
  readonly makespan_ms: number;
  /** Longest chain of measured task durations through the graph. */
  readonly critical_path_ms: number;
  /** `max(critical_path_ms, agent work / max_parallel)`. */
  readonly lower_bound_ms: number;
  /** Reported by agents in this session; absent when no agent reports cost. */
  readonly cost_usd?: number;
  readonly tasks: readonly TaskSummary[];
}
