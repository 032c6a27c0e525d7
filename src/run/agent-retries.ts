/**
 * Whether and when a failed agent attempt runs again. A rate-limit answer (see OutputWatch) waits
 * and retries without counting as a failure, up to the agent's `rate_limit.retries`, with a wait
 * that doubles; other failures use the agent's `retries`, filtered by `retry_on` when given, with
 * exponential backoff and jitter.
 */
import type { AgentTaskResult } from '../execute/index.js';
import type { AgentDefinition } from '../plan/index.js';
import { defaultRetryDelayMs } from '../schedule/index.js';
import type { AgentTaskNode, TaskAttempt } from '../schedule/index.js';

/** Longest wait after a rate-limit answer. */
const MAX_RATE_LIMIT_WAIT_MS = 10 * 60_000;

export class AgentRetries {
  readonly #agentOf: (task: AgentTaskNode) => AgentDefinition;
  readonly #delayMs: (attempt: number) => number;
  readonly #failures = new Map<string, number>();
  readonly #waits = new Map<string, number>();
  readonly #last = new Map<string, AgentTaskResult>();
  readonly #rateLimited = new Set<string>();

  constructor(options: {
    agentOf: (task: AgentTaskNode) => AgentDefinition;
    /** Backoff before a counted retry. @default exponential from 500 ms with jitter */
    delayMs?: (attempt: number) => number;
  }) {
    this.#agentOf = options.agentOf;
    this.#delayMs = options.delayMs ?? defaultRetryDelayMs;
  }

  noteAttempt(taskId: string, result: AgentTaskResult): void {
    this.#last.set(taskId, result);
  }

  /** True when the last retry decided for the task was for a rate limit. */
  wasRateLimited(taskId: string): boolean {
    return this.#rateLimited.has(taskId);
  }

  /** Rate-limit waits the task has left after the ones already decided. */
  rateLimitRetriesLeft(task: AgentTaskNode): number {
    return Math.max(0, this.#agentOf(task).rateLimit.retries - (this.#waits.get(task.id) ?? 0));
  }

  delayAfter(task: AgentTaskNode, failed: TaskAttempt): number | undefined {
    const agent = this.#agentOf(task);
    const signals = this.#last.get(task.id)?.signals;
    this.#rateLimited.delete(task.id);
    if (signals?.rateLimited) {
      const waits = (this.#waits.get(task.id) ?? 0) + 1;
      if (waits <= agent.rateLimit.retries) {
        this.#waits.set(task.id, waits);
        this.#rateLimited.add(task.id);
        const base = Math.min(MAX_RATE_LIMIT_WAIT_MS, agent.rateLimit.waitMs * 2 ** (waits - 1));
        return base * (0.75 + Math.random() * 0.5);
      }
    }
    if (!isRetryable(agent, failed, signals?.retryMatched === true)) return undefined;
    const failures = (this.#failures.get(task.id) ?? 0) + 1;
    if (failures > agent.retries) return undefined;
    this.#failures.set(task.id, failures);
    return this.#delayMs(failures);
  }
}

function isRetryable(agent: AgentDefinition, failed: TaskAttempt, outputMatched: boolean): boolean {
  if (failed.outcome.status !== 'failed') return false;
  if (!agent.retryOn) return true;
  const exitCode = failed.outcome.exitCode;
  return outputMatched || (exitCode !== undefined && agent.retryOn.exitCodes.includes(exitCode));
}
