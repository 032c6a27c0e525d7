/**
 * How agent tasks are carried out, whatever runs them (a local Piscina pool, or remote workers
 * later). Requests are plain data, so they cross thread and machine boundaries unchanged.
 */
import type { TaskOutcome } from '../core/index.js';

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
  readonly files: readonly string[];
  /** Where the list of files is written for `{files_file}`; outside the worktree. */
  readonly filesFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly timeoutMs?: number;
  readonly killGraceMs?: number;
  readonly commitMessage: string;
}

export interface AgentTaskResult {
  readonly outcome: TaskOutcome;
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
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly line: string };

/** Messages to a worker about a task it is running. */
export type CoordinatorMessage = { readonly type: 'cancel' };
