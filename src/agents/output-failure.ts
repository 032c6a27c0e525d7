/**
 * The outcome of an agent stopped for its output: it printed past the limit, or its log could not
 * be written. Both are the task's failure: the agent's process tree is gone and its log says where
 * recording stopped. A log that failed for a full disk is also reported apart (`noSpace`), and the
 * coordinator stops the run for it instead, as for its own record.
 */
import type { TaskOutcome } from '../core/index.js';
import type { AgentExit } from './run-agent.js';

export function outputFailure(
  exit: Extract<AgentExit, { status: 'output-exceeded' | 'log-failed' }>,
): TaskOutcome {
  if (exit.status === 'output-exceeded') {
    return {
      status: 'failed',
      reason: 'output-limit',
      message: `the agent printed more than ${formatBytes(exit.limitBytes)} of output; it was stopped, and its log ends where the limit was reached`,
    };
  }
  return {
    status: 'failed',
    reason: 'log-failed',
    message: `the agent's log could not be written (${exit.message}); the agent was stopped`,
  };
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
