/**
 * The one event vocabulary. The orchestrator emits these; state files, reporters and tests read
 * them. Field names are snake_case because this is the public wire format of `--json` and
 * `events.ndjson`; one type serves both sides so they cannot drift.
 */
import type { RunStatus, TaskOutcome } from './outcome.js';

export type TaskKind = 'agent' | 'merge';

interface EventBase {
  /** ISO-8601 with milliseconds. */
  readonly ts: string;
  readonly run_id: string;
}

export interface RunStartedEvent extends EventBase {
  readonly type: 'run-started';
  readonly plan: string;
  readonly plan_file: string;
  readonly repo: string;
  readonly base_commit: string;
  readonly max_parallel: number;
  /** Set when the run was started with the result cache off; `resume` keeps it off. */
  readonly no_cache?: boolean;
  /** Hash of the canonical plan, agents and base commit; `resume` compares it. */
  readonly plan_fingerprint: string;
  /** Per phase, so a changed plan can name what changed. */
  readonly phase_fingerprints: Readonly<Record<string, string>>;
  readonly task_count: number;
  /** Every task of the run, in graph order, so readers know the whole run from its first line. */
  readonly tasks: readonly {
    readonly id: string;
    readonly phase: string;
    readonly kind: TaskKind;
    readonly depends_on: readonly string[];
  }[];
}

export interface TaskQueuedEvent extends EventBase {
  readonly type: 'task-queued';
  readonly task: string;
  readonly phase: string;
  readonly kind: TaskKind;
}

export interface TaskStartedEvent extends EventBase {
  readonly type: 'task-started';
  readonly task: string;
  readonly phase: string;
  readonly attempt: number;
  readonly branch: string;
  readonly worktree: string;
  readonly base_commit: string;
}

/** The agent's process exists: its pid leads its process group, which `resume` kills if orphaned. */
export interface AgentSpawnedEvent extends EventBase {
  readonly type: 'agent-spawned';
  readonly task: string;
  readonly phase: string;
  readonly pid: number;
  readonly host: string;
}

/** A stopped run continues: `kept` tasks keep their results, the others run again. */
export interface RunResumedEvent extends EventBase {
  readonly type: 'run-resumed';
  readonly kept: readonly string[];
  readonly rerun: readonly string[];
  readonly max_parallel: number;
  readonly plan_fingerprint: string;
  readonly phase_fingerprints: Readonly<Record<string, string>>;
}

export interface TaskOutputEvent extends EventBase {
  readonly type: 'task-output';
  readonly task: string;
  readonly phase: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface TaskFinishedEvent extends EventBase {
  readonly type: 'task-finished';
  readonly task: string;
  readonly phase: string;
  readonly kind: TaskKind;
  readonly attempt: number;
  readonly outcome: TaskOutcome;
  /** Why it did not succeed, in a sentence; null when it did. */
  readonly reason: string | null;
  /** True when the result came from the cache and no agent ran. */
  readonly cached?: boolean;
  /** Absent for tasks that never started (skipped, cancelled while queued). */
  readonly started_at?: string;
  readonly duration_ms?: number;
  /** What the agent's CLI reported spending, over all attempts of this session. */
  readonly cost_usd?: number;
  readonly tokens?: { readonly input: number; readonly output: number };
  /** The agent's last answer, as its CLI reported it (shortened). */
  readonly final_message?: string;
  /** Committed files outside the task's scope. */
  readonly out_of_scope?: readonly string[];
}

export interface MergeStartedEvent extends EventBase {
  readonly type: 'merge-started';
  readonly task: string;
  readonly phase: string;
  readonly branch: string;
  readonly sources: readonly string[];
}

export interface MergeFinishedEvent extends EventBase {
  readonly type: 'merge-finished';
  readonly task: string;
  readonly phase: string;
  readonly branch: string;
  readonly outcome: TaskOutcome;
  readonly duration_ms: number;
  /** Conflicts the resolver agent resolved on the way, in merge order. */
  readonly resolved_conflicts?: readonly {
    readonly source: string;
    readonly files: readonly string[];
  }[];
}

/** A phase's verify commands start on its merged result (`attempt` 2 follows the fix agent). */
export interface VerifyStartedEvent extends EventBase {
  readonly type: 'verify-started';
  readonly task: string;
  readonly phase: string;
  readonly attempt: number;
  readonly commit: string;
  readonly commands: readonly (readonly string[])[];
}

export interface VerifyFinishedEvent extends EventBase {
  readonly type: 'verify-finished';
  readonly task: string;
  readonly phase: string;
  readonly attempt: number;
  readonly commit: string;
  readonly passed: boolean;
  /** The command that failed; null when all passed. */
  readonly failed_command: readonly string[] | null;
  /** Why it failed, in a sentence (`exited with code 1`); null when all passed. */
  readonly failure: string | null;
  readonly duration_ms: number;
}

export interface WarningEvent extends EventBase {
  readonly type: 'warning';
  readonly message: string;
  readonly task?: string;
  /** Set when the warning announces a retry of the task's failed attempt, after this wait. */
  readonly retry_in_ms?: number;
}

export interface RunFinishedEvent extends EventBase {
  readonly type: 'run-finished';
  readonly status: RunStatus;
  readonly result_branch: string | null;
  readonly peak_concurrency: number;
  readonly makespan_ms: number;
}

export type RunEvent =
  | RunStartedEvent
  | TaskQueuedEvent
  | TaskStartedEvent
  | AgentSpawnedEvent
  | TaskOutputEvent
  | TaskFinishedEvent
  | MergeStartedEvent
  | MergeFinishedEvent
  | VerifyStartedEvent
  | VerifyFinishedEvent
  | WarningEvent
  | RunResumedEvent
  | RunFinishedEvent;

export type RunEventType = RunEvent['type'];

/** Distributes Omit over the union so each member keeps its own fields. */
export type RunEventInput = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'ts' | 'run_id'>
    : never
  : never;

/** Receives events as they happen; must not throw. */
export type EventSink = (event: RunEvent) => void;
