/**
 * Runs agent tasks on a Piscina pool. Threads are sized by the machine (at most one per core),
 * and each thread runs several tasks at once, because a task mostly waits on a child process:
 * `max_parallel` 64 costs a few isolates, not 64. The scheduler enforces the bound; the pool only
 * needs room for it. Tasks are never given Piscina's `signal` (an abortable task gets a thread
 * to itself): cancellation kills the agent's process group instead.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { killTree } from '../agents/index.js';
import { unreachable } from '../core/index.js';
import type { CancelReason } from '../core/index.js';
import { ConcurrencyProbe } from './concurrency-probe.js';
import type {
  AgentTaskHooks,
  AgentTaskRequest,
  AgentTaskResult,
  CoordinatorMessage,
  Executor,
  WorkerMessage,
} from './executor.js';

export interface PiscinaExecutorOptions {
  /** Tasks that may run at once; the pool makes room for this many. */
  readonly maxParallel: number;
  /** Worker threads. @default min(cores, maxParallel) */
  readonly threads?: number;
  /** The worker module (tests use one that fails on purpose). @default this package's worker */
  readonly workerFile?: URL;
}

export class PiscinaExecutor implements Executor {
  readonly #pool: Piscina;
  readonly #probe = new ConcurrencyProbe();
  readonly threads: number;
  readonly tasksPerThread: number;

  constructor(options: PiscinaExecutorOptions) {
    this.threads = Math.max(
      1,
      Math.min(options.threads ?? availableParallelism(), options.maxParallel),
    );
    this.tasksPerThread = Math.ceil(options.maxParallel / this.threads);
    const fromSource = import.meta.url.endsWith('.ts');
    this.#pool = new Piscina({
      filename: (
        options.workerFile ??
        // A build loads its worker as one bundled file (scripts/bundle-worker.js): a new thread
        // starts its first agent sooner.
        new URL(fromSource ? './worker-source-loader.mjs' : './worker.bundle.js', import.meta.url)
      ).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      concurrentTasksPerWorker: this.tasksPerThread,
      // Queue room for the bound; the scheduler never submits more than maxParallel.
      maxQueue: Math.max(1, options.maxParallel),
      idleTimeout: 60_000,
      workerData: { probe: this.#probe.buffer },
      // Piscina loads the worker with require() first. On Node 20.19+ that is require(esm), and
      // two tasks arriving at a fresh thread at once can crash V8 ("IsGraphAsync must be used on
      // an instantiated module", seen under the tsx loader). Without require(esm) Piscina falls
      // back to import(), which is safe.
      execArgv: [...process.execArgv, '--no-experimental-require-module'],
    });
  }

  async runAgentTask(
    request: AgentTaskRequest,
    hooks: AgentTaskHooks = {},
  ): Promise<AgentTaskResult> {
    const { port1, port2 } = new MessageChannel();
    let pid: number | undefined;
    let startedAt: number | undefined;
    let ended: () => void = () => undefined;
    const end = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const onMessage = (message: WorkerMessage) => {
      switch (message.type) {
        case 'started':
          startedAt = message.startedAt;
          hooks.onStarted?.({ startedAt: message.startedAt });
          return;
        case 'pid':
          pid = message.pid;
          hooks.onSpawn?.(message.pid);
          return;
        case 'output':
          hooks.onOutput?.(message.stream, message.line);
          return;
        case 'end':
          ended();
          return;
        default:
          unreachable(message);
      }
    };
    port1.on('message', onMessage);
    const onAbort = () => {
      const given: unknown = hooks.signal?.reason;
      const reason: CancelReason =
        given === 'fail-fast' || given === 'budget' ? given : 'interrupted';
      port1.postMessage({ type: 'cancel', reason } satisfies CoordinatorMessage);
      // Also from here: a worker busy elsewhere must not delay the kill.
      if (pid !== undefined) void killTree(pid, { graceMs: request.killGraceMs ?? 2000 });
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal?.aborted) onAbort();
    try {
      const result = (await this.#pool.run(
        { request, port: port2 },
        { transferList: [port2] },
      )) as AgentTaskResult;
      // The result comes back on Piscina's own channel, which can overtake the output still
      // queued on this port; closing the port then would drop the agent's last lines.
      await end;
      return result;
    } catch (error) {
      // The thread died (an uncaught error, process.exit in it): nothing there will stop the
      // agent it started, so this does. Its last messages (the agent's pid among them) may still
      // wait on the port, behind Piscina's news of the death: take them first.
      for (let next = receiveMessageOnPort(port1); next; next = receiveMessageOnPort(port1))
        onMessage(next.message as WorkerMessage);
      if (pid !== undefined) await killTree(pid, { graceMs: request.killGraceMs ?? 2000 });
      // Nor will it leave the probe: a task that started there counted itself in.
      if (startedAt !== undefined) this.#probe.exit();
      const now = Date.now();
      return {
        outcome: {
          status: 'failed',
          reason: 'executor-failed',
          message: `the worker running this task failed: ${error instanceof Error ? error.message : String(error)}`,
        },
        startedAt: startedAt ?? now,
        finishedAt: now,
      };
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      port1.close();
    }
  }

  peakConcurrency(): number {
    return this.#probe.peak;
  }

  runningCount(): number {
    return this.#probe.running;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
