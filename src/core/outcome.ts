/**
 * What happened to a task. Expected failures are values of this union, recorded in events and
 * state; every reader switches on `status` (and `reason`) exhaustively.
 */

export type FailureReason =
  | 'verify-failed'
  | 'exit-non-zero'
  | 'timeout'
  | 'killed-by-signal'
  | 'spawn-failed'
  | 'output-limit'
  | 'log-failed'
  | 'conflict-markers'
  | 'branch-moved'
  | 'worktree-failed'
  | 'commit-failed'
  | 'executor-failed'
  | 'setup-failed'
  | 'module-failed'
  | 'out-of-scope';

export type CancelReason = 'fail-fast' | 'interrupted' | 'budget';

export type TaskOutcome =
  | { readonly status: 'succeeded'; readonly commit: string }
  | {
      readonly status: 'failed';
      readonly reason: FailureReason;
      readonly message: string;
      readonly exitCode?: number;
      readonly signal?: string;
    }
  | {
      readonly status: 'conflict';
      readonly files: readonly string[];
      readonly sources: readonly string[];
      /** Why the resolver agent's attempt was not accepted, when one ran. */
      readonly resolverFailure?: string;
    }
  | { readonly status: 'cancelled'; readonly reason: CancelReason }
  | {
      readonly status: 'skipped';
      readonly reason: 'dependency-failed';
      readonly dependency: string;
    };

export type TaskStatus = TaskOutcome['status'];

/** The final state of a run. */
export type RunStatus = 'succeeded' | 'failed' | 'conflict' | 'interrupted';
