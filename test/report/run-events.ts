/** Event logs written by hand for the report's unit tests: times are ms after a fixed start. */
import type { RunEvent, RunEventInput, TaskKind } from '../../src/core/index.js';

export const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const RUN = 'r1';

export function at(ms: number, input: RunEventInput): RunEvent {
  return { ...input, ts: new Date(T0 + ms).toISOString(), run_id: RUN };
}

export function runStarted(
  tasks: { id: string; kind?: TaskKind; depends_on?: string[] }[],
  maxParallel = 2,
): RunEvent {
  return at(0, {
    type: 'run-started',
    plan: 'p',
    plan_file: 'plan.yaml',
    repo: '/repo',
    base_commit: 'b',
    max_parallel: maxParallel,
    plan_fingerprint: 'f',
    phase_fingerprints: {},
    task_count: tasks.length,
    tasks: tasks.map((task) => ({
      id: task.id,
      phase: task.id.split('.')[0] ?? task.id,
      kind: task.kind ?? 'agent',
      depends_on: task.depends_on ?? [],
    })),
  });
}

export function started(ms: number, task: string, attempt = 1): RunEvent {
  return at(ms, {
    type: 'task-started',
    task,
    phase: task,
    attempt,
    branch: `subplan/r1/${task}`,
    worktree: '/w',
    base_commit: 'b',
  });
}

export function finished(
  startMs: number,
  endMs: number,
  task: string,
  options: {
    failed?: boolean;
    cached?: boolean;
    kind?: TaskKind;
    attempt?: number;
    reason?: string;
  } = {},
): RunEvent {
  return at(endMs, {
    type: 'task-finished',
    task,
    phase: task,
    kind: options.kind ?? 'agent',
    attempt: options.attempt ?? 1,
    outcome: options.failed
      ? { status: 'failed', reason: 'exit-non-zero', message: 'exit 3', exitCode: 3 }
      : { status: 'succeeded', commit: 'c' },
    reason: options.failed ? (options.reason ?? 'the agent exited with code 3') : null,
    ...(options.cached && { cached: true }),
    started_at: new Date(T0 + startMs).toISOString(),
    duration_ms: endMs - startMs,
  });
}

export function merged(startMs: number, endMs: number, task: string): RunEvent[] {
  return [
    at(startMs, {
      type: 'merge-started',
      task,
      phase: task,
      branch: `subplan/r1/${task}`,
      sources: [],
    }),
    finished(startMs, endMs, task, { kind: 'merge' }),
  ];
}

export function runFinished(ms: number, status: 'succeeded' | 'failed' = 'succeeded'): RunEvent {
  return at(ms, {
    type: 'run-finished',
    status,
    result_branch: null,
    peak_concurrency: 0,
    makespan_ms: ms,
  });
}
