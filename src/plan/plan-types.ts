/** The validated, normalized plan that the rest of subplan works with (camelCase, defaults applied). */

export type PresetName = 'demo' | 'claude' | 'codex' | 'aider' | 'gemini';

export type AgentProgram =
  | { readonly kind: 'command'; readonly argv: readonly string[] }
  | { readonly kind: 'preset'; readonly preset: PresetName; readonly model?: string }
  /** `path` is absolute. */
  | { readonly kind: 'module'; readonly path: string };

export interface AgentDefinition {
  readonly program: AgentProgram;
  /** Appended to the program's own argv. */
  readonly extraArgs: readonly string[];
  /** Names of variables passed through from subplan's environment. */
  readonly envPass: readonly string[];
  readonly envSet: Readonly<Record<string, string>>;
  /** Kill the agent's process tree after this long. */
  readonly timeoutMs?: number;
  /** Extra attempts after a failed one. @default 0 */
  readonly retries: number;
  /** Which failures are retried; absent means every failure. */
  readonly retryOn?: {
    readonly exitCodes: readonly number[];
    readonly output: readonly string[];
  };
  /** Rate-limit answers wait and retry without counting as failures. */
  readonly rateLimit: { readonly retries: number; readonly waitMs: number };
}

export type ScopeMode = 'report' | 'strict';

/** How each worktree is prepared before its agent runs. */
export interface WorktreeSetup {
  /** Commands (argv arrays) run in the worktree, in order. */
  readonly commands: readonly (readonly string[])[];
  /** Globs of files copied from the user's checkout into the worktree. */
  readonly copy: readonly string[];
}

export type DecomposeStrategyName = 'auto' | 'directory' | 'imports' | 'cochange';

/** How a decomposing phase is cut (plan defaults with the phase's overrides applied). */
export interface DecomposeSettings {
  /** @default 25 */
  readonly maxFiles: number;
  /** @default 3 */
  readonly minFiles: number;
  /** @default 60000 */
  readonly maxTokens: number;
  /** @default 5 */
  readonly maxDepth: number;
  /** @default 8 */
  readonly maxChildren: number;
  /** @default 'auto' */
  readonly strategy: DecomposeStrategyName;
}

/**
 * Commands run on a phase's merged result before its dependents start, and the agent that gets
 * one attempt to repair a failure.
 */
export interface VerifyGate {
  /** argv arrays, run in order; the first that fails stops the rest. */
  readonly commands: readonly (readonly string[])[];
  readonly fix?: AgentDefinition;
}

/** What a conflicted merge does. Absent on a plan means `fail`. */
export type MergePolicy =
  | { readonly onConflict: 'fail' }
  | { readonly onConflict: 'agent'; readonly resolver: AgentDefinition };

export interface PhaseDefinition {
  readonly id: string;
  readonly prompt: string;
  /** Sorted by id, so merges of dependencies happen in a stable order. */
  readonly dependsOn: readonly string[];
  /** Globs relative to the repository root; empty means the whole repository. */
  readonly files: readonly string[];
  readonly estimateMs?: number;
  /** Present when the phase has verify commands. */
  readonly verify?: VerifyGate;
  readonly agent: AgentDefinition;
  /** Present when the phase is cut into subplans. */
  readonly decompose?: DecomposeSettings;
  readonly setup: WorktreeSetup;
  /** @default 'report' */
  readonly scope: ScopeMode;
  /** Globs an agent may change beyond its task's files. */
  readonly scopeExtra: readonly string[];
}

export type FailurePolicy = 'continue' | 'fail-fast';

export interface Plan {
  readonly version: 1;
  readonly name: string;
  /** Absolute path of the plan file. */
  readonly file: string;
  /** @default 'HEAD' */
  readonly base: string;
  /** Absent when the plan leaves it to the machine. */
  readonly maxParallel?: number;
  /** Present when conflicts run a resolver agent; absent means a conflict stops the merge. */
  readonly merge?: MergePolicy;
  readonly onFailure: FailurePolicy;
  /** Stop starting agent tasks once this much (USD) is spent. */
  readonly budgetUsd?: number;
  /** In file order. */
  readonly phases: readonly PhaseDefinition[];
}

/** Default concurrency: the machine's cores, at most 8. */
export function defaultMaxParallel(cores: number): number {
  return Math.max(1, Math.min(8, cores));
}
