/** subplan as a library: the CLI is a thin client of these. */
export { loadPlan, readPlan, planJsonSchema } from './plan/index.js';
export type { Plan, PhaseDefinition, AgentDefinition } from './plan/index.js';
export { runPlan, planRun } from './run/index.js';
export type { RunPlanOptions, RunSummary, TaskSummary, PlanPreview } from './run/index.js';
export {
  SubplanError,
  PlanError,
  UsageError,
  RepoError,
  GitError,
  formatDiagnostic,
} from './core/index.js';
export type { RunEvent, TaskOutcome, RunStatus, Diagnostic } from './core/index.js';
export { BullmqExecutor, runWorker, parseRedisTarget } from './distributed/index.js';
export type { BullmqExecutorOptions, WorkerOptions, RedisTarget } from './distributed/index.js';
