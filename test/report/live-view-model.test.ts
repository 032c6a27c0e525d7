import { describe, expect, it } from 'vitest';
import type { RunEvent, TaskOutcome } from '../../src/core/index.js';
import { LiveViewModel, estimateRemainingMs } from '../../src/report/index.js';
import type { EtaTask } from '../../src/report/index.js';
import { cleanLine } from '../../src/report/live-view-model.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const at = (ms: number) => ({ ts: new Date(T0 + ms).toISOString(), run_id: 'r1' });

const runStarted = (maxParallel: number, tasks: [string, string[]][]): RunEvent => ({
  ...at(0),
  type: 'run-started',
  plan: 'p',
  plan_file: 'plan.yaml',
  repo: '/repo',
  base_commit: 'abc',
  max_parallel: maxParallel,
  plan_fingerprint: 'f',
  phase_fingerprints: {},
  task_count: tasks.length,
  tasks: tasks.map(([id, deps]) => ({
    id,
    phase: id.split('.')[0] ?? id,
    kind: id.startsWith('merge') ? 'merge' : 'agent',
    depends_on: deps,
  })),
});
const started = (task: string, ms: number, attempt = 1): RunEvent => ({
  ...at(ms),
  type: 'task-started',
  task,
  phase: task,
  attempt,
  branch: `b/${task}`,
  worktree: `/w/${task}`,
  base_commit: 'abc',
});
const output = (task: string, ms: number, line: string): RunEvent => ({
  ...at(ms),
  type: 'task-output',
  task,
  phase: task,
  stream: 'stdout',
  line,
});
const finished = (task: string, ms: number, outcome: TaskOutcome, cached = false): RunEvent => ({
  ...at(ms),
  type: 'task-finished',
  task,
  phase: task,
  kind: 'agent',
  attempt: 1,
  outcome,
  reason: null,
  ...(cached && { cached: true }),
});
const ok: TaskOutcome = { status: 'succeeded', commit: 'c0ffee' };

describe('LiveViewModel', () => {
  it('tracks running tasks with their last output line, counts and the peak', () => {
    const model = new LiveViewModel();
    const events = [
      runStarted(2, [
        ['a', []],
        ['b', []],
        ['c', []],
        ['d', ['a']],
        ['e', ['d']],
      ]),
      started('a', 10),
      started('b', 20),
      output('a', 30, 'first'),
      output('a', 40, '\u001b[32mgreen\u001b[0m\tdone'),
      output('b', 50, 'b says'),
      output('b', 60, '   '),
      finished('b', 70, ok, true),
      started('c', 80),
      finished('c', 90, { status: 'failed', reason: 'exit-non-zero', message: 'exit 1' }),
      finished('e', 95, { status: 'skipped', reason: 'dependency-failed', dependency: 'd' }),
    ];
    events.forEach((event) => model.apply(event));
    const view = model.snapshot(T0 + 1_000);
    expect(view.running.map((task) => [task.id, task.lastLine])).toEqual([['a', 'green  done']]);
    expect(view.counts).toEqual({
      done: 1,
      running: 1,
      queued: 1,
      failed: 1,
      skipped: 1,
      cancelled: 0,
      cached: 1,
    });
    expect(view.peak).toBe(2);
    expect(view.maxParallel).toBe(2);
    expect(view.elapsedMs).toBe(1_000);
    expect(view.runId).toBe('r1');
  });

  it('counts a resumed run’s kept tasks as done and the rest as queued', () => {
    const model = new LiveViewModel();
    model.apply({
      ...at(0),
      type: 'run-resumed',
      kept: ['a', 'b'],
      rerun: ['c', 'd', 'e'],
      max_parallel: 3,
      plan_fingerprint: 'f',
      phase_fingerprints: {},
    });
    model.apply(started('c', 5));
    expect(model.snapshot(T0 + 10).counts).toMatchObject({ done: 2, running: 1, queued: 2 });
  });

  it('has no estimate until durations from earlier runs are known, then counts down', () => {
    const model = new LiveViewModel();
    model.apply(
      runStarted(2, [
        ['a', []],
        ['b', []],
      ]),
    );
    model.apply(started('a', 0));
    expect(model.snapshot(T0 + 1_000).etaMs).toBeUndefined();
    model.setExpectedDurations(new Map([['a', 10_000]]));
    // b has no history: it counts as the mean of the known (10 s) and has a slot of its own.
    expect(model.snapshot(T0 + 1_000).etaMs).toBe(10_000);
    model.apply(started('b', 4_000));
    expect(model.snapshot(T0 + 6_000).etaMs).toBe(8_000);
    model.apply(finished('a', 10_000, ok));
    model.apply(finished('b', 14_000, ok));
    expect(model.snapshot(T0 + 14_000).etaMs).toBe(0);
  });
});

describe('estimateRemainingMs', () => {
  const task = (id: string, expectedMs: number | undefined, more: Partial<EtaTask> = {}) => ({
    id,
    kind: 'agent' as const,
    dependsOn: [],
    expectedMs,
    running: false,
    elapsedMs: 0,
    ...more,
  });

  it('is zero when nothing is left and undefined when nothing is known', () => {
    expect(estimateRemainingMs([], 4)).toBe(0);
    expect(estimateRemainingMs([task('a', undefined)], 4)).toBeUndefined();
  });

  it('spreads independent work over the slots', () => {
    const four = ['a', 'b', 'c', 'd'].map((id) => task(id, 10_000));
    expect(estimateRemainingMs(four, 2)).toBe(20_000);
    expect(estimateRemainingMs(four, 4)).toBe(10_000);
  });

  it('never promises less than the longest chain of dependent tasks', () => {
    const chain = [
      task('a', 10_000),
      task('b', 10_000, { dependsOn: ['a'] }),
      task('m', undefined, { kind: 'merge', dependsOn: ['b'] }),
      task('c', 10_000, { dependsOn: ['m', 'gone'] }),
    ];
    expect(estimateRemainingMs(chain, 8)).toBe(30_000);
  });

  it('counts running tasks for what is left of them, never below zero', () => {
    const running = { running: true, elapsedMs: 4_000 };
    expect(estimateRemainingMs([task('a', 10_000, running)], 1)).toBe(6_000);
    expect(estimateRemainingMs([task('a', 10_000, { ...running, elapsedMs: 40_000 })], 1)).toBe(0);
  });

  it('lays tasks out on the slots, so three equal tasks on two slots take two rounds', () => {
    const three = [
      task('a', 10_000, { running: true, elapsedMs: 4_000 }),
      task('b', 10_000, { running: true, elapsedMs: 4_000 }),
      task('c', 10_000),
    ];
    expect(estimateRemainingMs(three, 2)).toBe(16_000);
  });
});

describe('cleanLine', () => {
  it('keeps what a terminal would show of a line, without escapes or control characters', () => {
    expect(cleanLine('\u001b[1mbold\u001b[0m text')).toBe('bold text');
    expect(cleanLine('10%\r50%\r100%\r')).toBe('100%');
    expect(cleanLine('a\u0007b\u001b]0;title\u0007c')).toBe('abc');
  });
});
