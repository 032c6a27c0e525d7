export { loadPlan, readPlan, parsePlanBytes, MAX_PLAN_BYTES } from './load-plan.js';
export type { PlanParseResult, LoadPlanOptions } from './load-plan.js';
export type { RepoSymlink } from './check-symlinks.js';
export type { AgentProgramRef, FindProgram } from './check-programs.js';
export { repoPathProblem } from './check-paths.js';
export { planJsonSchema, PlanFileSchema, AGENT_PRESETS, DECOMPOSE_STRATEGIES } from './schema.js';
export type { PlanFile } from './schema.js';
export { defaultMaxParallel } from './plan-types.js';
export { TEMPLATE_FIELDS, PROMPT_FIELDS } from './template-fields.js';
export type { TemplateField } from './template-fields.js';
export type {
  Plan,
  PhaseDefinition,
  AgentDefinition,
  AgentProgram,
  PresetName,
  ScopeMode,
  WorktreeSetup,
  FailurePolicy,
  DecomposeSettings,
  DecomposeStrategyName,
  VerifyGate,
  MergePolicy,
} from './plan-types.js';
