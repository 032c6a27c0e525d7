/**
 * What the live terminal view shows, computed from the run's events alone: the running tasks with
 * their latest output line, the counts, the peak, and an estimate of the time left. Pure and
 * clock-free: callers pass the current time to `snapshot`, so tests replay events and read the
 * view without timers or a terminal.
 */
import stripAnsi from 'strip-ansi';
import { unreachable } from '../core/index.js';
import type { RunEvent, TaskKind, TaskStatus } from '../core/index.js';
import { estimateRemainingMs } from './live-eta.js';
import type { EtaTask } from './live-eta.js';

/** A task that has started and not finished. */
export interface LiveTask {
  readonly id: string;
  readonly phase: string;
  readonly kind: TaskKind;
  readonly startedAtMs: number;
  readonly attempt: number;
  /** The agent's latest output line, control characters removed; undefined before it says anything. */
  readonly lastLine: string | undefined;
}

/** How many of the run's tasks are in each state. */
export interface LiveCounts {
  /** Finished successfully, cached ones included. */
  readonly done: number;
  readonly running: number;
  /** Known to the run, not started yet (waiting for dependencies or a free slot). */
  readonly queued: number;
  /** Failed or stopped by a merge conflict. */
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: number;
  /** Of `done`, the results reused from an identical earlier task. */
  readonly cached: number;
}

/** Everything the live view shows, at one moment. */
export interface LiveView {
  readonly runId: string | undefined;
  readonly running: readonly LiveTask[];
  readonly counts: LiveCounts;
  readonly maxParallel: number | undefined;
  /** Most agents running at once so far. */
  readonly peak: number;
  /** The time the view was taken at, for the running tasks' own elapsed times. */
  readonly nowMs: number;
  readonly elapsedMs: number;
  /** Undefined when no remaining task has a known duration. */
  readonly etaMs: number | undefined;
}

interface KnownTask {
  readonly phase: string;
  readonly kind: TaskKind;
  readonly dependsOn: readonly string[];
}

type FinishedAs = 'done' | 'failed' | 'skipped' | 'cancelled';

/** Folds the run's events into what the live view shows; `snapshot` reads it at a given time. */
export class LiveViewModel {
  readonly #tasks = new Map<string, KnownTask>();
  readonly #running = new Map<string, LiveTask>();
  readonly #finished = new Map<string, FinishedAs>();
  readonly #cached = new Set<string>();
  #expectedMs: ReadonlyMap<string, number> = new Map();
  #runId: string | undefined;
  #startedAtMs: number | undefined;
  #maxParallel: number | undefined;
  #peak = 0;

  /** Durations of tasks in earlier runs, by task id, for the estimate of the time left. */
  setExpectedDurations(durations: ReadonlyMap<string, number>): void {
    this.#expectedMs = durations;
  }

  apply(event: RunEvent): void {
    const at = Date.parse(event.ts);
    this.#runId ??= event.run_id;
    this.#startedAtMs ??= at;
    switch (event.type) {
      case 'run-started':
        this.#maxParallel = event.max_parallel;
        for (const task of event.tasks)
          this.#tasks.set(task.id, {
            phase: task.phase,
            kind: task.kind,
            dependsOn: task.depends_on,
          });
        return;
      case 'run-resumed':
        // A resumed run names its tasks without their phases or edges: enough to count them.
        this.#maxParallel = event.max_parallel;
        for (const id of [...event.kept, ...event.rerun])
          this.#tasks.set(id, { phase: id, kind: 'agent', dependsOn: [] });
        for (const id of event.kept) this.#finished.set(id, 'done');
        return;
      case 'task-started':
        this.#start(event.task, event.phase, 'agent', at, event.attempt);
        return;
      case 'merge-started':
        this.#start(event.task, event.phase, 'merge', at, 1);
        return;
      case 'task-output': {
        const task = this.#running.get(event.task);
        const line = cleanLine(event.line);
        if (task && line !== '') this.#running.set(event.task, { ...task, lastLine: line });
        return;
      }
      case 'task-finished':
        this.#running.delete(event.task);
        this.#finished.set(event.task, finishedAs(event.outcome.status));
        if (event.cached) this.#cached.add(event.task);
        if (!this.#tasks.has(event.task))
          this.#tasks.set(event.task, { phase: event.phase, kind: event.kind, dependsOn: [] });
        return;
      case 'task-queued':
      case 'agent-spawned':
      case 'merge-finished':
      case 'verify-started':
      case 'verify-finished':
      case 'warning':
      case 'run-finished':
        return;
      default:
        return unreachable(event);
    }
  }

  snapshot(nowMs: number): LiveView {
    const running = [...this.#running.values()];
    const finished = [...this.#finished.values()];
    const count = (as: FinishedAs) => finished.filter((f) => f === as).length;
    const queued = [...this.#tasks.keys()].filter(
      (id) => !this.#running.has(id) && !this.#finished.has(id),
    ).length;
    return {
      runId: this.#runId,
      running,
      counts: {
        done: count('done'),
        running: running.length,
        queued,
        failed: count('failed'),
        skipped: count('skipped'),
        cancelled: count('cancelled'),
        cached: this.#cached.size,
      },
      maxParallel: this.#maxParallel,
      peak: this.#peak,
      nowMs,
      elapsedMs: this.#startedAtMs === undefined ? 0 : Math.max(0, nowMs - this.#startedAtMs),
      etaMs: this.#eta(nowMs),
    };
  }

  #start(id: string, phase: string, kind: TaskKind, at: number, attempt: number): void {
    this.#running.set(id, { id, phase, kind, startedAtMs: at, attempt, lastLine: undefined });
    if (!this.#tasks.has(id)) this.#tasks.set(id, { phase, kind, dependsOn: [] });
    // Merges run in the coordinator, not in an agent slot: max_parallel bounds agents only.
    const agents = [...this.#running.values()].filter((task) => task.kind === 'agent').length;
    this.#peak = Math.max(this.#peak, agents);
  }

  #eta(nowMs: number): number | undefined {
    const remaining: EtaTask[] = [];
    for (const [id, task] of this.#tasks) {
      if (this.#finished.has(id)) continue;
      const running = this.#running.get(id);
      remaining.push({
        id,
        kind: task.kind,
        dependsOn: task.dependsOn,
        expectedMs: this.#expectedMs.get(id),
        running: running !== undefined,
        elapsedMs: running ? Math.max(0, nowMs - running.startedAtMs) : 0,
      });
    }
    return estimateRemainingMs(remaining, this.#maxParallel ?? 1);
  }
}

function finishedAs(status: TaskStatus): FinishedAs {
  switch (status) {
    case 'succeeded':
      return 'done';
    case 'failed':
    case 'conflict':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'cancelled':
      return 'cancelled';
    default:
      return unreachable(status);
  }
}

/**
 * One printable line: an agent's colors and cursor moves must not move the view's cursor, so
 * escape sequences and control characters go, and tabs become spaces. Of a line redrawn with
 * carriage returns (a progress bar), the last non-empty part is kept, as a terminal would show it.
 */
export function cleanLine(line: string): string {
  const parts = stripAnsi(line).split('\r');
  const shown = parts.findLast((part) => part.trim() !== '') ?? '';
  return Array.from(shown, (char) => (char === '\t' ? '  ' : isControl(char) ? '' : char))
    .join('')
    .trimEnd();
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
