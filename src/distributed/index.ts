export { BullmqExecutor } from './bullmq-executor.js';
export type { BullmqExecutorOptions } from './bullmq-executor.js';
export { runWorker } from './run-worker.js';
export type { WorkerOptions } from './run-worker.js';
export { parseRedisTarget, checkRedis } from './redis-target.js';
export type { RedisTarget } from './redis-target.js';
export { AGENT_QUEUE, CANCEL_CHANNEL, agentJobId } from './job-protocol.js';
export type { AgentJobResult } from './job-protocol.js';
