/**
 * Publishes a job's completion on the agent queue's event stream, as BullMQ does when a worker
 * finishes a job: how tests stand in for a worker that was presumed dead and finished after all.
 */
import { Redis } from 'ioredis';
import { AGENT_QUEUE, agentJobId } from '../../src/distributed/index.js';
import type { AgentJobResult } from '../../src/distributed/index.js';

export async function publishLateResult(
  redisSocket: string,
  result: AgentJobResult,
): Promise<void> {
  const client = new Redis({ path: redisSocket });
  try {
    await client.xadd(
      `bull:${AGENT_QUEUE}:events`,
      '*',
      'event',
      'completed',
      'jobId',
      agentJobId(result.runId, result.taskId, result.attempt),
      'returnvalue',
      JSON.stringify(result),
    );
  } finally {
    client.disconnect();
  }
}
