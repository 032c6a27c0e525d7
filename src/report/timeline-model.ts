/**
 * What a run looked like over time, rebuilt from its events alone: every task with when it ran,
 * on which worker slot, how it ended, whether the cache served it and whether it lies on the
 * critical path; the number of agents running over time; the run's bounds. Pure, so the HTML
 * report, the trace export and tests all read one model.
 *
 * Times are epoch milliseconds. An agent task holds a slot from its `task-started` event to its
 * `task-finished` one; an attempt that is retried ends at the warning that announces the retry.
 * A resumed run's log holds every session, so tasks kept from an earlier session keep their
 * times from it.
 */
import { unreachable } from '../core/index.js';
import type { RunEvent, RunStatus, TaskKind, TaskOutcome, TaskStatus } from '../core/index.js';
import { assignSlots } from './assign-slots.js';
import { measuredCriticalPath } from './measured-critical-path.js';
import { runningSeries } from './running-series.js';
import type { RunningPoint } from './running-series.js';

/** A task's place in the run: how it ended, or `running`/`waiting` while the run goes on. */
export type TimelineTaskStatus = TaskStatus | 'running' | 'waiting';

/** One stretch of time a task held a slot: an attempt, or the task's only run. */
export interface TimelineInterval {
  readonly start: number;
  readonly end: number;
  /** The agent slot (0-based); null for merges, which run on the coordinator. */
  readonly slot: number | null;
}

export interface TimelineTask {
  readonly id: string;
  readonly phase: string;
  readonly kind: TaskKind;
  readonly depends_on: readonly string[];
  readonly status: TimelineTaskStatus;
  /** The last attempt; null when the task never started. */
  readonly run: TimelineInterval | null;
  /** Earlier attempts that failed and were retried, or were cut by a crash. */
  readonly earlier_attempts: readonly TimelineInterval[];
  readonly attempts: number;
  readonly cached: boolean;
  readonly branch: string | null;
  /** Why it did not succeed, in a sentence; null when it did. */
  readonly reason: string | null;
  readonly critical: boolean;
}

export interface TimelineModel {
  readonly run_id: string;
  readonly plan: string;
  /** `running` when the log has no `run-finished` after its last start or resume. */
  readonly status: RunStatus | 'running';
  readonly max_parallel: number;
  readonly started_at: number;
  readonly finished_at: number;
  /** Agent slots used: the peak of agents running at once. */
  readonly slot_count: number;
  readonly peak_running: number;
  readonly tasks: readonly TimelineTask[];
  /** Agents running over time, one point per change. */
  readonly running: readonly RunningPoint[];
  readonly critical_path: readonly string[];
  readonly critical_path_ms: number;
}

interface TaskRecord {
  id: string;
  phase: string;
  kind: TaskKind;
  depends_on: readonly string[];
  open: number | undefined;
  intervals: { start: number; end: number }[];
  final: { start: number; end: number } | undefined;
  outcome: TaskOutcome | undefined;
  attempts: number;
  cached: boolean;
  branch: string | null;
  reason: string | null;
}

/** Builds the model of a run from its events, in log order. */
export function buildTimelineModel(events: readonly RunEvent[]): TimelineModel {
  const first = events[0];
  if (first?.type !== 'run-started') throw new Error('a run log starts with run-started');
  const tasks = new Map<string, TaskRecord>();
  const record = (id: string, phase: string, kind: TaskKind): TaskRecord => {
    let task = tasks.get(id);
    if (!task) {
      task = blankTask(id, phase, kind, []);
      tasks.set(id, task);
    }
    return task;
  };
  for (const task of first.tasks)
    tasks.set(task.id, blankTask(task.id, task.phase, task.kind, task.depends_on));

  let maxParallel = first.max_parallel;
  let status: RunStatus | 'running' = 'running';
  let lastTs = Date.parse(first.ts);
  const finishedAt: number[] = [];
  for (const event of events) {
    const ts = Date.parse(event.ts);
    switch (event.type) {
      case 'run-started':
      case 'task-queued':
      case 'agent-spawned':
      case 'task-output':
      case 'merge-finished':
      case 'verify-started':
      case 'verify-finished':
        break;
      case 'run-resumed':
        // Attempts still open were cut by the crash or Ctrl-C that stopped the last session.
        for (const task of tasks.values()) closeOpen(task, lastTs);
        maxParallel = event.max_parallel;
        status = 'running';
        break;
      case 'task-started': {
        const task = record(event.task, event.phase, 'agent');
        closeOpen(task, ts);
        task.open = ts;
        task.branch = event.branch;
        task.attempts = Math.max(task.attempts, event.attempt);
        break;
      }
      case 'merge-started': {
        const task = record(event.task, event.phase, 'merge');
        task.open = ts;
        task.branch = event.branch;
        break;
      }
      case 'warning':
        // A retried attempt ends where its retry is announced; other warnings about a task (its
        // scope, its output) come while it is still running.
        if (event.task !== undefined && event.retry_in_ms !== undefined) {
          const task = tasks.get(event.task);
          if (task?.kind === 'agent') closeOpen(task, ts);
        }
        break;
      case 'task-finished': {
        const task = record(event.task, event.phase, event.kind);
        if (task.final) task.intervals.push(task.final);
        const start = event.started_at === undefined ? task.open : Date.parse(event.started_at);
        task.open = undefined;
        task.final =
          start === undefined
            ? undefined
            : { start, end: event.duration_ms === undefined ? ts : start + event.duration_ms };
        task.outcome = event.outcome;
        task.cached = event.cached === true;
        task.reason = event.reason;
        task.attempts = Math.max(task.attempts, event.attempt);
        break;
      }
      case 'run-finished':
        for (const task of tasks.values()) closeOpen(task, ts);
        status = event.status;
        finishedAt.push(ts);
        break;
      default:
        return unreachable(event);
    }
    lastTs = Math.max(lastTs, ts);
  }

  const all = [...tasks.values()];
  const agentIntervals = all
    .filter((task) => task.kind === 'agent')
    .flatMap((task) => [
      ...task.intervals.map((interval) => ({ key: task, interval })),
      ...(task.final ? [{ key: task, interval: task.final }] : []),
      ...(task.open === undefined
        ? []
        : [{ key: task, interval: { start: task.open, end: lastTs } }]),
    ]);
  const slots = assignSlots(agentIntervals.map((entry) => entry.interval));
  const slotOf = new Map(agentIntervals.map((entry, index) => [entry.interval, slots[index]]));
  const running = runningSeries(agentIntervals.map((entry) => entry.interval));
  const critical = measuredCriticalPath(
    all.map((task) => ({
      id: task.id,
      depends_on: task.depends_on,
      start: task.final?.start,
      end: task.final?.end,
    })),
  );
  const onPath = new Set(critical.path);
  const startedAt = Date.parse(first.ts);
  const interval = (span: { start: number; end: number }): TimelineInterval => ({
    start: span.start,
    end: span.end,
    slot: slotOf.get(span) ?? null,
  });
  return {
    run_id: first.run_id,
    plan: first.plan,
    status,
    max_parallel: maxParallel,
    started_at: startedAt,
    finished_at: status === 'running' ? lastTs : (finishedAt.at(-1) ?? lastTs),
    slot_count: slots.reduce((most, slot) => Math.max(most, slot + 1), 0),
    peak_running: running.reduce((most, point) => Math.max(most, point.running), 0),
    tasks: all.map((task): TimelineTask => {
      const current = task.open === undefined ? task.final : { start: task.open, end: lastTs };
      return {
        id: task.id,
        phase: task.phase,
        kind: task.kind,
        depends_on: task.depends_on,
        status: task.open !== undefined ? 'running' : (task.outcome?.status ?? 'waiting'),
        run: current ? interval(current) : null,
        earlier_attempts: (task.open === undefined || !task.final
          ? task.intervals
          : [...task.intervals, task.final]
        ).map(interval),
        attempts: task.attempts,
        cached: task.cached,
        branch: task.branch,
        reason: task.reason,
        critical: onPath.has(task.id),
      };
    }),
    running,
    critical_path: critical.path,
    critical_path_ms: critical.lengthMs,
  };
}

function blankTask(
  id: string,
  phase: string,
  kind: TaskKind,
  dependsOn: readonly string[],
): TaskRecord {
  return {
    id,
    phase,
    kind,
    depends_on: dependsOn,
    open: undefined,
    intervals: [],
    final: undefined,
    outcome: undefined,
    attempts: 0,
    cached: false,
    branch: null,
    reason: null,
  };
}

function closeOpen(task: TaskRecord, at: number): void {
  if (task.open === undefined) return;
  task.intervals.push({ start: task.open, end: Math.max(task.open, at) });
  task.open = undefined;
}
