/**
 * Runs agent tasks on `subplan worker` processes anywhere, through a BullMQ queue on Redis. The
 * coordinator keeps the graph, the state and the merges; each agent task becomes one job whose id
 * is `run:task:attempt`, so adding it again (a resumed coordinator) attaches to the job that exists
 * instead of running the task twice. Before a job is added its base commit is on the shared
 * remote; before its result is handed on, the result commit is fetched back.
 *
 * Results, starts and output lines arrive through QueueEvents. Exactly one result is accepted per
 * job: the first; any later one (a worker that was thought dead finishing after all, a forged
 * or replayed event) is counted and ignored. The peak is measured from the workers' start
 * messages and the results, per job, so a re-delivered job is never counted twice.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage } from '../core/index.js';
import type { TaskOutcome } from '../core/index.js';
import type {
  AgentTaskHooks,
  AgentTaskRequest,
  AgentTaskResult,
  Executor,
} from '../execute/index.js';
import { createRepo } from '../git/index.js';
import { CoordinatorSync } from './coordinator-sync.js';
import { AGENT_QUEUE, CANCEL_CHANNEL, agentJobId, cancelKey } from './job-protocol.js';
import type { AgentJobData, AgentJobProgress, AgentJobResult } from './job-protocol.js';
import { bullmqConnection } from './redis-target.js';
import type { RedisTarget } from './redis-target.js';

/** BullMQ's lowest priority number is served first; it accepts up to this one. */
const MAX_PRIORITY = 2_097_151;
/** Finished jobs stay this long, so a resumed coordinator can still collect their results. */
const KEEP_FINISHED_S = 7 * 24 * 3600;

export interface BullmqExecutorOptions {
  readonly redis: RedisTarget;
  /** The git remote every worker can fetch from and push to. */
  readonly remote: string;
  /** Jobs active at once across all workers (`queue.setGlobalConcurrency`). */
  readonly maxParallel: number;
  /** Told about each result ignored because its job already had one. */
  readonly onDuplicate?: (info: { jobId: string; host: string }) => void;
  /** @default 'subplan-agents' */
  readonly queueName?: string;
}

interface PendingJob {
  readonly request: AgentTaskRequest;
  readonly hooks: AgentTaskHooks;
  readonly resolve: (result: AgentTaskResult) => void;
  started: boolean;
  log: WriteStream | undefined;
  /** Results of jobs queued before this were for a job that was replaced. */
  minQueuedAt: number;
}

export class BullmqExecutor implements Executor {
  readonly #options: BullmqExecutorOptions;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #publisher: Redis;
  readonly #sync: CoordinatorSync;
  readonly #ready: Promise<unknown>;
  readonly #openedAt = Date.now();
  readonly #pending = new Map<string, PendingJob>();
  /** Job id → the delivery whose result was accepted. */
  readonly #accepted = new Map<string, string>();
  readonly #attempts = new Map<string, number>();
  readonly #running = new Set<string>();
  #peak = 0;
  #sequence = 0;
  #duplicates = 0;

  constructor(options: BullmqExecutorOptions) {
    this.#options = options;
    const name = options.queueName ?? AGENT_QUEUE;
    const connection = bullmqConnection(options.redis);
    this.#queue = new Queue(name, { connection });
    this.#events = new QueueEvents(name, { connection });
    this.#publisher = new Redis(options.redis.options);
    this.#sync = new CoordinatorSync(options.remote);
    // Connection trouble is retried by ioredis; the jobs waiting on it say what failed.
    this.#queue.on('error', () => undefined);
    this.#events.on('error', () => undefined);
    this.#publisher.on('error', () => undefined);
    this.#events.on('completed', ({ jobId, returnvalue }) => {
      this.#onCompleted(jobId, parseJson(returnvalue) as AgentJobResult);
    });
    this.#events.on('failed', ({ jobId, failedReason }) => {
      this.#onFailed(jobId, failedReason);
    });
    this.#events.on('progress', ({ jobId, data }) => {
      this.#onProgress(jobId, parseJson(data) as AgentJobProgress);
    });
    // A stalled job goes back to the queue; it counts as running again when a worker starts it.
    this.#events.on('stalled', ({ jobId }) => this.#running.delete(jobId));
    this.#ready = Promise.all([
      this.#queue.waitUntilReady(),
      this.#events.waitUntilReady(),
      this.#queue.setGlobalConcurrency(options.maxParallel),
    ]);
  }

  async runAgentTask(
    request: AgentTaskRequest,
    hooks: AgentTaskHooks = {},
  ): Promise<AgentTaskResult> {
    await this.#ready;
    const taskKey = `${request.runId}:${request.taskId}`;
    const attempt = (this.#attempts.get(taskKey) ?? 0) + 1;
    this.#attempts.set(taskKey, attempt);
    const jobId = agentJobId(request.runId, request.taskId, attempt);
    if (hooks.signal?.aborted) return cancelledNow(hooks.signal);
    let baseRef: string;
    try {
      baseRef = await this.#sync.pushBase(createRepo(request.repo), request.baseCommit);
    } catch (error) {
      return failedNow(
        `cannot push the task's base to ${this.#options.remote}: ${errorMessage(error)}`,
      );
    }
    const done = new Promise<AgentTaskResult>((resolve) => {
      this.#pending.set(jobId, {
        request,
        hooks,
        resolve,
        started: false,
        log: undefined,
        minQueuedAt: 0,
      });
    });
    const onAbort = () => void this.#cancel(jobId, hooks.signal?.reason);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const data: AgentJobData = { request, attempt, baseRef, remote: this.#options.remote };
      await this.#enqueue(jobId, data);
      if (hooks.signal?.aborted) onAbort();
      return await done;
    } catch (error) {
      this.#settle(jobId, failedNow(`cannot enqueue the task: ${errorMessage(error)}`));
      return await done;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Adds the job, or attaches to the one a crashed coordinator left. A job from an earlier
   * session counts only if it defines the same work (a resume may run a changed phase) and, once
   * finished, only if it succeeded; anything else is stopped, removed and added again.
   */
  async #enqueue(jobId: string, data: AgentJobData): Promise<void> {
    const add = () =>
      this.#queue.add('agent', data, {
        jobId,
        // The scheduler hands tasks over in its rank order: earlier means more urgent.
        priority: Math.min(++this.#sequence, MAX_PRIORITY),
        attempts: 1,
        removeOnComplete: { age: KEEP_FINISHED_S },
        removeOnFail: { age: KEEP_FINISHED_S },
      });
    // A cancel left by an earlier session (Ctrl-C, then resume) must not cancel this one.
    await this.#publisher.del(cancelKey(jobId));
    await add();
    const job = await this.#queue.getJob(jobId);
    if (!job) return;
    const fromEarlierSession = job.timestamp < this.#openedAt;
    const result = job.returnvalue as AgentJobResult | null;
    const reusable =
      !fromEarlierSession ||
      (sameWork((job.data as AgentJobData).request, data.request) &&
        (!job.finishedOn || result?.result.outcome.status === 'succeeded'));
    if (!reusable) {
      await this.#retire(jobId);
      await add();
    } else if (job.finishedOn && result) {
      this.#onCompleted(jobId, result);
    } else if (job.finishedOn) {
      this.#onFailed(jobId, job.failedReason);
    }
  }

  /** Stops and removes a job an earlier session left; its late result is then ignored. */
  async #retire(jobId: string): Promise<void> {
    const pending = this.#pending.get(jobId);
    if (pending) pending.minQueuedAt = this.#openedAt;
    await this.#publisher.set(cancelKey(jobId), 'interrupted', 'EX', KEEP_FINISHED_S);
    await this.#publisher.publish(CANCEL_CHANNEL, `${jobId} interrupted`);
    // An active job is locked until its worker reports (or is found dead): wait for that.
    while ((await this.#queue.remove(jobId)) !== 1 && (await this.#queue.getJob(jobId))) {
      await sleep(200);
    }
    await this.#publisher.del(cancelKey(jobId));
  }

  async #cancel(jobId: string, reason: unknown): Promise<void> {
    const why = reason === 'fail-fast' ? 'fail-fast' : 'interrupted';
    // The key first: a worker that takes the job from now on sees it before starting the agent.
    await this.#publisher.set(cancelKey(jobId), why, 'EX', KEEP_FINISHED_S).catch(() => undefined);
    await this.#publisher.publish(CANCEL_CHANNEL, `${jobId} ${why}`).catch(() => undefined);
    // A job no worker took yet is simply taken back; an active one is locked and stays.
    const removed = await this.#queue.remove(jobId).catch(() => 0);
    if (removed === 1) {
      const now = Date.now();
      this.#settle(jobId, {
        outcome: { status: 'cancelled', reason: why },
        startedAt: now,
        finishedAt: now,
      });
    }
  }

  #onProgress(jobId: string, message: AgentJobProgress): void {
    const pending = this.#pending.get(jobId);
    if (!pending) return;
    switch (message.type) {
      case 'started':
        this.#running.add(jobId);
        this.#peak = Math.max(this.#peak, this.#running.size);
        if (!pending.started) pending.hooks.onStarted?.({ startedAt: message.startedAt });
        pending.started = true;
        return;
      case 'pid':
        // Not handed on: the pid lives on the worker's host, which kills it; recorded here as
        // this host's it could make a resumed coordinator kill an unrelated local process.
        return;
      case 'output':
        pending.hooks.onOutput?.(message.stream, message.line);
        pending.log ??= openLog(pending.request.logFile);
        // The same format as a local task's log, so `subplan logs` reads both alike.
        pending.log.write(
          message.stream === 'stderr' ? `[stderr] ${message.line}\n` : `${message.line}\n`,
        );
        return;
      default:
        return message satisfies never;
    }
  }

  #onCompleted(jobId: string, result: AgentJobResult): void {
    const accepted = this.#accepted.get(jobId);
    if (accepted !== undefined) {
      if (accepted !== result.delivery) {
        this.#duplicates++;
        this.#options.onDuplicate?.({ jobId, host: result.host });
      }
      return;
    }
    const pending = this.#pending.get(jobId);
    // A job of another coordinator, of an earlier session nobody waits for, or one replaced.
    if (!pending || result.queuedAt < pending.minQueuedAt) return;
    this.#accepted.set(jobId, result.delivery);
    this.#running.delete(jobId);
    void this.#collect(pending, result).then((collected) => this.#settle(jobId, collected));
  }

  /** The result as the scheduler needs it: a succeeded task's commit is in the local repo. */
  async #collect(pending: PendingJob, result: AgentJobResult): Promise<AgentTaskResult> {
    const { outcome } = result.result;
    if (outcome.status !== 'succeeded') return result.result;
    try {
      if (result.resultRef === null) throw new Error('the worker pushed no result ref');
      await this.#sync.fetchResult(
        createRepo(pending.request.repo),
        result.resultRef,
        outcome.commit,
        pending.request.branch,
      );
      return result.result;
    } catch (error) {
      return {
        ...result.result,
        outcome: failedOutcome(`cannot fetch the result from the remote: ${errorMessage(error)}`),
      };
    }
  }

  #onFailed(jobId: string, reason: string): void {
    if (this.#accepted.has(jobId) || !this.#pending.has(jobId)) return;
    this.#accepted.set(jobId, 'failed');
    this.#running.delete(jobId);
    this.#settle(jobId, failedNow(`the job failed on its worker: ${reason}`));
  }

  #settle(jobId: string, result: AgentTaskResult): void {
    const pending = this.#pending.get(jobId);
    if (!pending) return;
    this.#pending.delete(jobId);
    this.#accepted.set(jobId, this.#accepted.get(jobId) ?? 'local');
    this.#running.delete(jobId);
    pending.log?.end();
    pending.resolve(result);
  }

  /** Results ignored because their job already had one. */
  duplicateResults(): number {
    return this.#duplicates;
  }

  peakConcurrency(): number {
    return this.#peak;
  }

  runningCount(): number {
    return this.#running.size;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    this.#publisher.disconnect();
  }
}

function openLog(file: string): WriteStream {
  mkdirSync(dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  // A log that cannot be written loses lines, not the task; the events still carry them.
  stream.on('error', () => undefined);
  return stream;
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function failedOutcome(message: string): TaskOutcome {
  return { status: 'failed', reason: 'executor-failed', message };
}

function failedNow(message: string): AgentTaskResult {
  const now = Date.now();
  return { outcome: failedOutcome(message), startedAt: now, finishedAt: now };
}

function cancelledNow(signal: AbortSignal): AgentTaskResult {
  const now = Date.now();
  return {
    outcome: {
      status: 'cancelled',
      reason: signal.reason === 'fail-fast' ? 'fail-fast' : 'interrupted',
    },
    startedAt: now,
    finishedAt: now,
  };
}

/** Whether two requests for a task ask for the same work: same start, prompt, agent and files. */
function sameWork(a: AgentTaskRequest, b: AgentTaskRequest): boolean {
  return (
    a.baseCommit === b.baseCommit &&
    a.prompt === b.prompt &&
    JSON.stringify(a.argvTemplate) === JSON.stringify(b.argvTemplate) &&
    JSON.stringify(a.files) === JSON.stringify(b.files)
  );
}
