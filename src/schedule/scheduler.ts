/**
 * Drives a TaskGraph to completion. Not level-by-level waves: a task starts as soon as its
 * dependencies have succeeded and, for agent tasks, one of `maxParallel` slots is free. Among
 * ready tasks the highest ranked goes first: longest remaining path, refined by a search over
 * simulated schedules (search-ranks.ts). Merge tasks take no slot; they
 * run on the coordinator one at a time, because they all write refs of the same repository.
 *
 * Failure policy: `continue` lets independent work finish and skips the dependents of a failed
 * task; `fail-fast` aborts running tasks and cancels everything not yet started. An abort of
 * `signal` (Ctrl-C) stops the same way with reason `interrupted`.
 */
import { unreachable } from '../core/index.js';
import type { CancelReason, TaskOutcome } from '../core/index.js';
import { createReadyTasks } from './ready-order.js';
import { readyRanks } from './search-ranks.js';
import type { ReadyOrder, ReadyTasks } from './ready-order.js';
import type { AgentTaskNode, MergeTaskNode, TaskGraph, TaskNode } from './task-graph.js';

/** One attempt at a task, as the runner reports it. Times are epoch milliseconds. */
export interface TaskAttempt {
  readonly outcome: TaskOutcome;
  /** The result was reused from an earlier identical task; no agent ran. */
  readonly cached?: boolean;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

/** The final word on a task. */
export interface SettledTask extends TaskAttempt {
  readonly attempts: number;
}

export interface TaskRunner {
  /** Runs one attempt; when `signal` aborts, the runner stops the agent and reports `cancelled`. */
  runAgent(task: AgentTaskNode, attempt: number, signal: AbortSignal): Promise<TaskAttempt>;
  /** `signal` aborts on fail-fast or an interrupt, for the agents a merge may run (a resolver). */
  runMerge(task: MergeTaskNode, signal: AbortSignal): Promise<TaskAttempt>;
}

export interface ScheduleOptions {
  readonly graph: TaskGraph;
  readonly maxParallel: number;
  readonly failurePolicy: 'continue' | 'fail-fast';
  readonly runner: TaskRunner;
  /** Extra attempts allowed after a failed one. @default none */
  readonly retriesOf?: (task: AgentTaskNode) => number;
  /** Wait before attempt `n + 1`. @default exponential from 500 ms with jitter */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * Decides retries instead of `retriesOf` and `retryDelayMs`: the wait before trying the failed
   * task again, or undefined to let the failure stand.
   */
  readonly retryAfter?: (
    task: AgentTaskNode,
    failed: TaskAttempt,
    attempt: number,
  ) => number | undefined;
  /**
   * Asked before each agent task starts: a reason stops starting tasks (running ones finish,
   * the rest are cancelled with that reason), as when a budget is spent.
   */
  readonly haltReason?: () => CancelReason | undefined;
  /** Aborting it interrupts the run: running agents are stopped, the rest cancelled. */
  readonly signal?: AbortSignal;
  /** Tasks that already succeeded (a resumed run): they are not run again. */
  readonly completed?: ReadonlyMap<string, SettledTask>;
  readonly onQueued?: (task: TaskNode) => void;
  readonly onRetry?: (
    task: AgentTaskNode,
    failed: TaskAttempt,
    attempt: number,
    delayMs: number,
  ) => void;
  readonly onSettled?: (task: TaskNode, settled: SettledTask) => void;
  /** Which ready task starts first; the others are for benchmarks. @default 'planned' */
  readonly readyOrder?: ReadyOrder;
}

export function defaultRetryDelayMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

/** Runs every task of the graph once (plus retries) and returns how each one ended. */
export function runSchedule(options: ScheduleOptions): Promise<Map<string, SettledTask>> {
  return new Schedule(options).run();
}

class Schedule {
  readonly #options: ScheduleOptions;
  readonly #graph: TaskGraph;
  readonly #pending = new Map<string, number>();
  readonly #attempts = new Map<string, number>();
  readonly #settled = new Map<string, SettledTask>();
  readonly #running = new Map<string, AbortController>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  readonly #agents: ReadyTasks;
  readonly #merges: ReadyTasks;
  #runningAgents = 0;
  #mergeRunning = false;
  #stopReason: CancelReason | undefined;
  #finish: () => void = () => {};
  /** A bug in the bookkeeping: the whole schedule rejects rather than hanging. */
  #crash: (error: unknown) => void = () => {};

  constructor(options: ScheduleOptions) {
    this.#options = options;
    this.#graph = options.graph;
    const order = options.readyOrder ?? 'planned';
    const ranks = readyRanks(options.graph, order, options.maxParallel);
    this.#agents = createReadyTasks(options.graph, order, ranks);
    this.#merges = createReadyTasks(options.graph, order, ranks);
  }

  run(): Promise<Map<string, SettledTask>> {
    return new Promise((resolve, reject) => {
      this.#finish = () => resolve(this.#settled);
      this.#crash = reject;
      const signal = this.#options.signal;
      const onAbort = () => this.#stop('interrupted');
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = this.#finish;
      this.#finish = () => {
        signal?.removeEventListener('abort', onAbort);
        done();
      };
      for (const task of this.#graph.tasks()) {
        this.#pending.set(task.id, this.#graph.dependencies(task.id).length);
      }
      for (const [id, settled] of this.#options.completed ?? []) {
        this.#settled.set(id, settled);
        for (const successor of this.#graph.successors(id)) {
          this.#pending.set(successor, (this.#pending.get(successor) ?? 0) - 1);
        }
      }
      for (const task of this.#graph.tasks()) {
        if (this.#pending.get(task.id) === 0 && !this.#settled.has(task.id)) this.#enqueue(task);
      }
      if (signal?.aborted) this.#stop('interrupted');
      this.#pump();
      this.#checkDone();
    });
  }

  #enqueue(task: TaskNode): void {
    this.#options.onQueued?.(task);
    (task.kind === 'agent' ? this.#agents : this.#merges).push(task.id);
  }

  #pump(): void {
    if (this.#stopReason !== undefined) return;
    while (this.#runningAgents < this.#options.maxParallel) {
      if (this.#agents.size > 0) {
        const halt = this.#options.haltReason?.();
        if (halt) {
          this.#stop(halt, { abortRunning: false });
          return;
        }
      }
      const id = this.#agents.pop();
      if (id === undefined) break;
      this.#startAgent(this.#graph.get(id) as AgentTaskNode);
    }
    if (!this.#mergeRunning) {
      const id = this.#merges.pop();
      if (id !== undefined) this.#startMerge(this.#graph.get(id) as MergeTaskNode);
    }
  }

  #startAgent(task: AgentTaskNode): void {
    const attempt = (this.#attempts.get(task.id) ?? 0) + 1;
    this.#attempts.set(task.id, attempt);
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    this.#runningAgents++;
    this.#options.runner
      .runAgent(task, attempt, controller.signal)
      .catch((error: unknown) => crashed(error))
      .then((result) => {
        this.#runningAgents--;
        this.#running.delete(task.id);
        this.#afterAttempt(task, attempt, result);
      })
      .catch((error: unknown) => this.#crash(error));
  }

  #startMerge(task: MergeTaskNode): void {
    this.#mergeRunning = true;
    this.#attempts.set(task.id, 1);
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    this.#options.runner
      .runMerge(task, controller.signal)
      .catch((error: unknown) => crashed(error))
      .then((result) => {
        this.#mergeRunning = false;
        this.#running.delete(task.id);
        this.#afterAttempt(task, 1, result);
      })
      .catch((error: unknown) => this.#crash(error));
  }

  #retryDelay(task: TaskNode, attempt: number, result: TaskAttempt): number | undefined {
    if (task.kind !== 'agent' || result.outcome.status !== 'failed' || this.#stopReason)
      return undefined;
    if (this.#options.retryAfter) return this.#options.retryAfter(task, result, attempt);
    const retries = this.#options.retriesOf?.(task) ?? 0;
    if (attempt > retries) return undefined;
    return (this.#options.retryDelayMs ?? defaultRetryDelayMs)(attempt);
  }

  #afterAttempt(task: TaskNode, attempt: number, result: TaskAttempt): void {
    const delay = this.#retryDelay(task, attempt, result);
    if (task.kind === 'agent' && delay !== undefined) {
      this.#options.onRetry?.(task, result, attempt + 1, delay);
      this.#retryTimers.set(
        task.id,
        setTimeout(() => {
          this.#retryTimers.delete(task.id);
          if (this.#stopReason)
            this.#settle(task, { outcome: { status: 'cancelled', reason: this.#stopReason } });
          else this.#agents.push(task.id);
          this.#pump();
          this.#checkDone();
        }, delay),
      );
    } else {
      this.#settle(task, result);
    }
    this.#pump();
    this.#checkDone();
  }

  #settle(task: TaskNode, result: TaskAttempt): void {
    if (this.#settled.has(task.id)) return;
    const settled: SettledTask = { ...result, attempts: this.#attempts.get(task.id) ?? 0 };
    this.#settled.set(task.id, settled);
    this.#options.onSettled?.(task, settled);
    const status = result.outcome.status;
    switch (status) {
      case 'succeeded':
        for (const successor of this.#graph.successors(task.id)) {
          const left = (this.#pending.get(successor) ?? 0) - 1;
          this.#pending.set(successor, left);
          if (left === 0 && !this.#settled.has(successor)) {
            if (this.#stopReason)
              this.#settle(this.#graph.get(successor), {
                outcome: { status: 'cancelled', reason: this.#stopReason },
              });
            else this.#enqueue(this.#graph.get(successor));
          }
        }
        return;
      case 'failed':
      case 'conflict':
        if (this.#options.failurePolicy === 'fail-fast') this.#stop('fail-fast');
        this.#skipDescendants(task.id);
        return;
      case 'cancelled':
      case 'skipped':
        this.#skipDescendants(task.id);
        return;
      default:
        return unreachable(status);
    }
  }

  #skipDescendants(id: string): void {
    for (const descendant of this.#graph.descendants(id)) {
      if (this.#settled.has(descendant)) continue;
      const outcome: TaskOutcome = this.#stopReason
        ? { status: 'cancelled', reason: this.#stopReason }
        : { status: 'skipped', reason: 'dependency-failed', dependency: id };
      this.#settled.set(descendant, { outcome, attempts: 0 });
      this.#options.onSettled?.(this.#graph.get(descendant), { outcome, attempts: 0 });
    }
  }

  #stop(reason: CancelReason, how: { abortRunning: boolean } = { abortRunning: true }): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    if (how.abortRunning) for (const controller of this.#running.values()) controller.abort(reason);
    for (const [id, timer] of this.#retryTimers) {
      clearTimeout(timer);
      this.#retryTimers.delete(id);
      this.#settle(this.#graph.get(id), { outcome: { status: 'cancelled', reason } });
    }
    const queued = [...this.#agents.drain(), ...this.#merges.drain()];
    for (const id of queued)
      this.#settle(this.#graph.get(id), { outcome: { status: 'cancelled', reason } });
    // Tasks still waiting on dependencies are cancelled now, unless a running task may yet settle them.
    for (const task of this.#graph.tasks()) {
      if (this.#settled.has(task.id) || this.#running.has(task.id)) continue;
      this.#settled.set(task.id, { outcome: { status: 'cancelled', reason }, attempts: 0 });
      this.#options.onSettled?.(task, { outcome: { status: 'cancelled', reason }, attempts: 0 });
    }
    this.#checkDone();
  }

  #checkDone(): void {
    if (this.#settled.size === this.#graph.size && this.#running.size === 0) this.#finish();
  }
}

function crashed(error: unknown): TaskAttempt {
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: { status: 'failed', reason: 'executor-failed', message } };
}
