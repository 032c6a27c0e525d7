/**
 * How agent tasks are carried out, whatever runs them (a local Piscina pool, or remote workers
 * later). Requests are plain data, so they cross thread and machine boundaries unchanged.
 */
import type { AgentUsage, OutputSignals, UsageFormat } from '../agents/index.js';
import type { CancelReason, TaskOutcome } from '../core/index.js';

export interface AgentTaskRequest {
  readonly runId: string;
  readonly taskId: string;
  readonly phase: string;
  readonly prompt: string;
  readonly repo: {
    readonly root: string;
    readonly commonDir: string;
    readonly config: readonly string[];
  };
  readonly worktree: string;
  /** The worktree exists from an earlier task of the run: reset it instead of adding one. */
  readonly reuseWorktree?: boolean;
  readonly branch: string;
  readonly baseCommit: string;
  /** argv with template fields, expanded inside the worker once the worktree exists. */
  readonly argvTemplate: readonly string[];
  /** A module agent: called in the worker instead of running `argvTemplate`. Absolute path. */
  readonly module?: string;
  readonly files: readonly string[];
  /** Where the list of files is written for `{files_file}`; outside the worktree. */
  readonly filesFile: string;
  /** Where the agent's environment is drawn from (see `envPass`); a remote worker uses its own. */
  readonly env: Readonly<Record<string, string>>;
  /** Variables passed from `env` beyond the minimal base. @default none */
  readonly envPass?: readonly string[];
  readonly envSet?: Readonly<Record<string, string>>;
  /** Paths (git pathspec globs) the agent writes for itself, never committed. */
  readonly scratch?: readonly string[];
  /** How cost and tokens are read from the agent's stdout. */
  readonly usage?: UsageFormat;
  /** The plan's `retry_on.output` patterns, watched in the agent's output. */
  readonly retryOutput?: readonly string[];
  readonly setup?: WorktreeSetupRequest;
  readonly scope?: ScopeRequest;
  readonly logFile: string;
  readonly timeoutMs?: number;
  readonly killGraceMs?: number;
  /** Most bytes of output the agent may print. @default DEFAULT_MAX_OUTPUT_BYTES */
  readonly maxOutputBytes?: number;
  readonly commitMessage: string;
}

export interface WorktreeSetupRequest {
  readonly commands: readonly (readonly string[])[];
  /** The user's checkout, where `copyFiles` are taken from. */
  readonly copyFrom: string;
  /** Repo-relative paths copied into the worktree; never committed. */
  readonly copyFiles: readonly string[];
  /** The recycled worktree already ran these commands: keep what they made, skip them. */
  readonly alreadyDone: boolean;
}

/** What the task may change; changes elsewhere are reported, or fail it when `strict`. */
export interface ScopeRequest {
  /** Exact files (a subplan's). */
  readonly files: readonly string[];
  /** Globs (the phase's files and `scope_extra`). */
  readonly globs: readonly string[];
  readonly strict: boolean;
}

export interface AgentTaskResult {
  readonly outcome: TaskOutcome;
  /** What the agent said about its work, where its CLI reports it. */
  readonly usage?: AgentUsage;
  /** Read from a failed attempt's output, to decide on a retry. */
  readonly signals?: OutputSignals;
  /** Committed files outside the task's scope. */
  readonly outOfScope?: readonly string[];
  /** The worktree keeps what setup made and can skip setup for a task with the same setup. */
  readonly setupReusable?: boolean;
  /** The agent's log could not be written for a full disk (the error's message): not its fault. */
  readonly noSpace?: string;
  /** Epoch ms when the task took its slot in the worker. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface AgentTaskHooks {
  /** Aborting stops the agent's process tree; the result is then `cancelled`. */
  readonly signal?: AbortSignal;
  readonly onStarted?: (info: { startedAt: number }) => void;
  /** The agent's process exists; `pid` leads its process group. */
  readonly onSpawn?: (pid: number) => void;
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface Executor {
  runAgentTask(request: AgentTaskRequest, hooks?: AgentTaskHooks): Promise<AgentTaskResult>;
  /** Most agent tasks seen running at once, measured where they run. */
  peakConcurrency(): number;
  /** Tasks running right now, measured where they run. */
  runningCount(): number;
  close(): Promise<void>;
}

/** Messages from a worker about a task it is running. */
export type WorkerMessage =
  | { readonly type: 'started'; readonly startedAt: number }
  | { readonly type: 'pid'; readonly pid: number }
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  /** The last message of a task: everything it posted before has arrived. */
  | { readonly type: 'end' };

/** Messages to a worker about a task it is running. */
export type CoordinatorMessage = {
  readonly type: 'cancel';
  /** Why, as the scheduler gave it: the task's outcome says `cancelled` with this reason. */
  readonly reason: CancelReason;
};
