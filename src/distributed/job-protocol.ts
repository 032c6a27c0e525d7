/**
 * What coordinator and workers say to each other through Redis: the queue's name, the job's data
 * and result, the progress messages that carry an agent's start, pid and output lines, and the
 * cancel channel. Plain JSON, so any version-matched subplan on any machine understands it.
 */
import type { AgentTaskRequest, AgentTaskResult } from '../execute/index.js';

/** One queue for every run on a Redis: workers need to know only the server. */
export const AGENT_QUEUE = 'subplan-agents';

/** Pub/sub channel: a message is `JOB_ID REASON`; the worker running that job kills its agent. */
export const CANCEL_CHANNEL = 'subplan:cancel';

/** Set beside the message, so a worker that picks the job up later (a re-delivery) sees it too. */
export function cancelKey(jobId: string): string {
  return `subplan:cancelled:${jobId}`;
}

/** `run:task:attempt`: adding a job that exists is a no-op, which makes re-enqueueing safe. */
export function agentJobId(runId: string, taskId: string, attempt: number): string {
  return `${runId}:${taskId}:${attempt}`;
}

export interface AgentJobData {
  /** As the coordinator built it: its paths are mapped to the worker's own directories. */
  readonly request: AgentTaskRequest;
  readonly attempt: number;
  /** Ref on the shared remote that holds the task's base commit. */
  readonly baseRef: string;
  /** The shared git remote, as the coordinator names it. */
  readonly remote: string;
}

export interface AgentJobResult {
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
  /** When the job was added (BullMQ's timestamp): tells a replaced job's result from its successor's. */
  readonly queuedAt: number;
  /** Unique per processing of the job: two results with different deliveries are a duplicate. */
  readonly delivery: string;
  readonly host: string;
  readonly result: AgentTaskResult;
  /** Ref on the shared remote holding the result commit, when the task succeeded. */
  readonly resultRef: string | null;
}

/** Sent as job progress; BullMQ relays it to the coordinator's QueueEvents in order. */
export type AgentJobProgress =
  | {
      readonly type: 'started';
      readonly startedAt: number;
      readonly host: string;
      readonly delivery: string;
    }
  | { readonly type: 'pid'; readonly pid: number; readonly host: string }
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly line: string };

export function baseRef(commit: string): string {
  return `refs/subplan/bases/${commit}`;
}

export function resultRef(
  runId: string,
  taskId: string,
  attempt: number,
  delivery: string,
): string {
  return `refs/subplan/results/${runId}/${taskId}/${attempt}-${delivery}`;
}
