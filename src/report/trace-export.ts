/**
 * A run as Chrome Trace Event JSON (`{"traceEvents":[…]}`), which Perfetto and chrome://tracing
 * open: one complete event (`ph: "X"`) per run of a task, on one track per worker slot and one
 * track for merges, named by metadata events, with a counter of agents running. Times are
 * microseconds from the start of the run, as the format wants.
 */
import type { TimelineInterval, TimelineModel, TimelineTask } from './timeline-model.js';

/** One event of the Trace Event format; only the fields this export writes. */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M' | 'C';
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface TraceFile {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Readonly<Record<string, string>>;
}

const PID = 1;

export function buildTrace(model: TimelineModel): TraceFile {
  const mergeTid = model.slot_count + 1;
  const tidOf = (interval: TimelineInterval) =>
    interval.slot === null ? mergeTid : interval.slot + 1;
  const micros = (ms: number) => Math.round((ms - model.started_at) * 1000);
  const complete = (
    task: TimelineTask,
    interval: TimelineInterval,
    name: string,
    outcome: string,
  ): TraceEvent => ({
    name,
    cat: task.kind,
    ph: 'X',
    pid: PID,
    tid: tidOf(interval),
    ts: micros(interval.start),
    dur: Math.max(0, micros(interval.end) - micros(interval.start)),
    args: {
      task: task.id,
      phase: task.phase,
      outcome,
      branch: task.branch,
      cached: task.cached,
      critical: task.critical,
      ...(task.reason !== null && { reason: task.reason }),
    },
  });
  const runs: TraceEvent[] = model.tasks.flatMap((task) => [
    ...task.earlier_attempts.map((attempt, index) =>
      complete(task, attempt, `${task.id} (attempt ${index + 1})`, 'failed'),
    ),
    ...(task.run ? [complete(task, task.run, task.id, task.status)] : []),
  ]);
  const counter: TraceEvent[] = model.running.map((point) => ({
    name: 'agents running',
    ph: 'C',
    pid: PID,
    tid: 0,
    ts: micros(point.t),
    args: { running: point.running },
  }));
  const tracks = [
    ...Array.from({ length: model.slot_count }, (_, slot) => ({
      tid: slot + 1,
      name: `slot ${slot + 1}`,
    })),
    { tid: mergeTid, name: 'merges' },
  ];
  const metadata: TraceEvent[] = [
    {
      name: 'process_name',
      ph: 'M',
      pid: PID,
      tid: 0,
      ts: 0,
      args: { name: `subplan ${model.plan} (run ${model.run_id})` },
    },
    ...tracks.flatMap(({ tid, name }): TraceEvent[] => [
      { name: 'thread_name', ph: 'M', pid: PID, tid, ts: 0, args: { name } },
      { name: 'thread_sort_index', ph: 'M', pid: PID, tid, ts: 0, args: { sort_index: tid } },
    ]),
  ];
  const timed = [...runs, ...counter].sort((a, b) => a.ts - b.ts || a.tid - b.tid);
  return {
    traceEvents: [...metadata, ...timed],
    displayTimeUnit: 'ms',
    otherData: {
      run_id: model.run_id,
      plan: model.plan,
      status: model.status,
      max_parallel: String(model.max_parallel),
    },
  };
}
