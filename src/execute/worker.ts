/**
 * Piscina worker entry: one agent task per call. Several calls share a thread at once
 * (`concurrentTasksPerWorker`), since each mostly waits on its agent's process. The task's port
 * carries the agent's pid and output to the coordinator and a cancel request back.
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { ConcurrencyProbe } from './concurrency-probe.js';
import type {
  AgentTaskRequest,
  AgentTaskResult,
  CoordinatorMessage,
  WorkerMessage,
} from './executor.js';
import { runAgentTask } from './run-agent-task.js';

export interface WorkerTask {
  readonly request: AgentTaskRequest;
  readonly port: MessagePort;
}

const probe = new ConcurrencyProbe((workerData as { probe: SharedArrayBuffer }).probe);

export default async function runWorkerTask({
  request,
  port,
}: WorkerTask): Promise<AgentTaskResult> {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const controller = new AbortController();
  port.on('message', (message: CoordinatorMessage) => {
    if (message.type === 'cancel') controller.abort(message.reason);
  });
  probe.enter();
  const startedAt = Date.now();
  try {
    post({ type: 'started', startedAt });
    const report = await runAgentTask(request, {
      signal: controller.signal,
      onPid: (pid) => post({ type: 'pid', pid }),
      onOutput: (stream, line) => post({ type: 'output', stream, line }),
    });
    return { ...report, startedAt, finishedAt: Date.now() };
  } finally {
    probe.exit();
    post({ type: 'end' });
    port.close();
  }
}
