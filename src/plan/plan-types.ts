/** The validated, normalized plan that the rest of subplan works with (camelCase, defaults applied). */

export type AgentProgram =
  | { readonly kind: 'command'; readonly argv: readonly string[] }
  | { readonly kind: 'preset'; readonly preset: 'demo' };

export interface AgentDefinition {
  readonly program: AgentProgram;
  /** Kill the agent's process tree after this long. */
  readonly timeoutMs?: number;
  /** Extra attempts after a failed one. @default 0 */
  readonly retries: number;
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

export interface PhaseDefinition {
  readonly id: string;
  readonly prompt: string;
  /** Sorted by id, so merges of dependencies happen in a stable order. */
  readonly dependsOn: readonly string[];
  /** Globs relative to the repository root; empty means the whole repository. */
  readonly files: readonly string[];
  readonly estimateMs?: number;
  readonly agent: AgentDefinition;
  /** Present when the phase is cut into subplans. */
  readonly decompose?: DecomposeSettings;
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
  readonly onFailure: FailurePolicy;
  /** In file order. */
  readonly phases: readonly PhaseDefinition[];
}

/** Default concurrency: the machine's cores, at most 8. */
export function defaultMaxParallel(cores: number): number {
  return Math.max(1, Math.min(8, cores));
}
