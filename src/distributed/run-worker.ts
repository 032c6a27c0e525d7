/**
 * The `subplan worker` loop: takes agent jobs from the queue, up to `concurrency` at once, and for
 * each fetches the base from the shared remote, runs the agent with the same code as the local
 * executor (`runAgentTask`), pushes the result commit under a ref of its own and returns it.
 * Starts, output lines and the result travel back as job progress and the job's return value.
 *
 * A cancel message (pub/sub) or key (for a job picked up later) kills the job's agent tree.
 * Stopping the worker closes it without completing its jobs, then kills their agents: the jobs
 * stall and BullMQ hands them to another worker. A worker killed outright loses its lock the
 * same way, after `stallTimeoutMs`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { definedEntries, errorMessage } from '../core/index.js';
import { runAgentTask } from '../execute/index.js';
import type { AgentTaskReport, AgentTaskResult } from '../execute/index.js';
import { AGENT_QUEUE, CANCEL_CHANNEL, cancelKey, resultRef } from './job-protocol.js';
import type { AgentJobData, AgentJobProgress, AgentJobResult } from './job-protocol.js';
import { bullmqConnection, checkRedis } from './redis-target.js';
import type { RedisTarget } from './redis-target.js';
import { WorkerRepo } from './worker-repo.js';

export interface WorkerOptions {
  readonly redis: RedisTarget;
  /** This worker's own directory: a bare repository, worktrees, file lists and logs. */
  readonly workdir: string;
  /** Jobs at once on this worker. @default 4 */
  readonly concurrency?: number;
  /** The environment agents run with (this machine's). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the worker; its unfinished jobs go to other workers. */
  readonly signal?: AbortSignal;
  /** How long a silent worker keeps its jobs before they are re-delivered. @default 30000 */
  readonly stallTimeoutMs?: number;
  /** One line per job started and finished, for the person watching the worker. */
  readonly onLine?: (line: string) => void;
  /** Told once the worker takes jobs. */
  readonly onReady?: () => void;
  /** @default 'subplan-agents' */
  readonly queueName?: string;
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  await checkRedis(options.redis);
  const workerRepo = await WorkerRepo.open(options.workdir);
  const host = hostname();
  const env = definedEntries(options.env);
  const say = options.onLine ?? (() => undefined);
  const controllers = new Map<string, AbortController>();
  const commands = new Redis(options.redis.options);
  const subscriber = new Redis(options.redis.options);
  for (const client of [commands, subscriber]) client.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const [jobId, reason] = message.split(' ');
    if (jobId !== undefined) controllers.get(jobId)?.abort(reason);
  });
  await subscriber.subscribe(CANCEL_CHANNEL);

  const process = async (job: Job<AgentJobData>): Promise<AgentJobResult> => {
    const { request, attempt, baseRef, remote } = job.data;
    const jobId = job.id ?? '';
    const delivery = randomBytes(4).toString('hex');
    const reply = (result: AgentTaskResult, ref: string | null): AgentJobResult => ({
      runId: request.runId,
      taskId: request.taskId,
      attempt,
      queuedAt: job.timestamp,
      delivery,
      host,
      result,
      resultRef: ref,
    });
    const cancelled = await commands.get(cancelKey(jobId));
    if (cancelled !== null) {
      const now = Date.now();
      const reason = cancelled === 'fail-fast' ? 'fail-fast' : 'interrupted';
      return reply(
        { outcome: { status: 'cancelled', reason }, startedAt: now, finishedAt: now },
        null,
      );
    }
    const controller = new AbortController();
    controllers.set(jobId, controller);
    // Progress messages keep their order, and all of them are sent before the result.
    let sent: Promise<unknown> = Promise.resolve();
    const send = (message: AgentJobProgress) => {
      sent = sent.then(() => job.updateProgress(message)).catch(() => undefined);
    };
    const startedAt = Date.now();
    send({ type: 'started', startedAt, host, delivery });
    say(`${request.runId} ${request.taskId}: started (attempt ${attempt})`);
    try {
      const local = workerRepo.localRequest(request, delivery, env);
      let report: AgentTaskReport;
      try {
        await workerRepo.fetchBase(remote, baseRef, request.baseCommit);
        report = await runAgentTask(local, {
          signal: controller.signal,
          onPid: (pid) => send({ type: 'pid', pid, host }),
          onOutput: (stream, line) => send({ type: 'output', stream, line }),
        });
      } catch (error) {
        report = {
          outcome: failed(`cannot fetch the task's base from ${remote}: ${errorMessage(error)}`),
        };
      }
      let ref: string | null = null;
      if (report.outcome.status === 'succeeded') {
        ref = resultRef(request.runId, request.taskId, attempt, delivery);
        try {
          await workerRepo.pushResult(remote, report.outcome.commit, ref);
          workerRepo.recycle(local.worktree);
        } catch (error) {
          report = {
            ...report,
            outcome: failed(`cannot push the result to ${remote}: ${errorMessage(error)}`),
          };
          ref = null;
        }
      }
      await sent;
      say(`${request.runId} ${request.taskId}: ${report.outcome.status}`);
      return reply({ ...report, startedAt, finishedAt: Date.now() }, ref);
    } finally {
      controllers.delete(jobId);
    }
  };

  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const worker = new Worker<AgentJobData, AgentJobResult>(
    options.queueName ?? AGENT_QUEUE,
    process,
    {
      connection: bullmqConnection(options.redis),
      concurrency: options.concurrency ?? 4,
      lockDuration: stallTimeoutMs,
      stalledInterval: Math.max(500, Math.round(stallTimeoutMs / 2)),
      // A job whose worker died once (or twice) is worth another try.
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('error', (error) => say(`worker error: ${error.message}`));
  const stopped = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const running = worker.run();
  await worker.waitUntilReady();
  options.onReady?.();
  await stopped;
  // Close without completing, then kill the agents: the jobs stall and go to another worker.
  await worker.close(true);
  for (const controller of controllers.values()) controller.abort('interrupted');
  await running.catch(() => undefined);
  await workerRepo.removeIdle();
  await subscriber.quit().catch(() => undefined);
  await commands.quit().catch(() => undefined);
}

function failed(message: string) {
  return { status: 'failed', reason: 'executor-failed', message } as const;
}
