export { PiscinaExecutor } from './piscina-executor.js';
export type { PiscinaExecutorOptions } from './piscina-executor.js';
export { ConcurrencyProbe } from './concurrency-probe.js';
export { runAgentTask } from './run-agent-task.js';
export type { AgentTaskReport, AgentTaskContext } from './run-agent-task.js';
export type {
  Executor,
  AgentTaskRequest,
  AgentTaskResult,
  AgentTaskHooks,
  WorkerMessage,
  CoordinatorMessage,
  ScopeRequest,
  WorktreeSetupRequest,
} from './executor.js';
