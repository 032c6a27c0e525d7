import { describe, expect, it } from 'vitest';
import { assignSlots, buildTimelineModel, runningSeries } from '../../src/report/index.js';
import type { RunEvent } from '../../src/core/index.js';
import { T0, at, finished, merged, runFinished, runStarted, started } from './run-events.js';

/**
 * max_parallel 2: a and b start together; c takes a's slot the millisecond a ends; d fails once,
 * is retried and fails; f is served by the cache; e is skipped; m merges c.
 */
function failingRun(): RunEvent[] {
  return [
    runStarted([
      { id: 'a' },
      { id: 'b' },
      { id: 'c', depends_on: ['a'] },
      { id: 'd', depends_on: ['b', 'c'] },
      { id: 'e', depends_on: ['d'] },
      { id: 'f' },
      { id: 'm', kind: 'merge', depends_on: ['c'] },
    ]),
    started(0, 'a'),
    started(0, 'b'),
    finished(0, 100, 'a'),
    started(100, 'c'),
    finished(100, 250, 'c'),
    ...merged(260, 270, 'm'),
    finished(0, 300, 'b'),
    started(300, 'd'),
    started(310, 'f'),
    finished(310, 312, 'f', { cached: true }),
    at(320, { type: 'warning', task: 'd', message: 'd changed files outside its scope: x.ts' }),
    at(350, {
      type: 'warning',
      task: 'd',
      retry_in_ms: 50,
      message: 'attempt 1 failed; retrying in 50 ms',
    }),
    started(400, 'd', 2),
    finished(400, 500, 'd', { failed: true, attempt: 2 }),
    at(500, {
      type: 'task-finished',
      task: 'e',
      phase: 'e',
      kind: 'agent',
      attempt: 0,
      outcome: { status: 'skipped', reason: 'dependency-failed', dependency: 'd' },
      reason: 'd did not succeed',
    }),
    runFinished(510, 'failed'),
  ];
}

describe('buildTimelineModel', () => {
  const model = buildTimelineModel(failingRun());
  const task = (id: string) => {
    const found = model.tasks.find((t) => t.id === id);
    if (!found) throw new Error(`no task ${id}`);
    return found;
  };

  it('keeps every task of the run, in its order, with how it ended', () => {
    expect(model.tasks.map((t) => [t.id, t.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
      ['d', 'failed'],
      ['e', 'skipped'],
      ['f', 'succeeded'],
      ['m', 'succeeded'],
    ]);
    expect(model.status).toBe('failed');
    expect(model.started_at).toBe(T0);
    expect(model.finished_at).toBe(T0 + 510);
    expect(task('f').cached).toBe(true);
    expect(task('d').reason).toBe('the agent exited with code 3');
    expect(task('e').run).toBeNull();
  });

  it('gives each agent run the lowest free slot and merges no slot', () => {
    const slot = (id: string) => task(id).run?.slot;
    expect([slot('a'), slot('b'), slot('c'), slot('d'), slot('f'), slot('m')]).toEqual([
      0,
      1,
      0,
      0,
      1,
      null,
    ]);
    expect(model.slot_count).toBe(2);
    expect(model.peak_running).toBe(2);
  });

  it('shows a retried attempt on its own, ending where the retry was announced', () => {
    expect(task('d').earlier_attempts).toEqual([{ start: T0 + 300, end: T0 + 350, slot: 0 }]);
    expect(task('d').run).toEqual({ start: T0 + 400, end: T0 + 500, slot: 0 });
    expect(task('d').attempts).toBe(2);
  });

  it('counts agents running over time, finishes before starts at the same millisecond', () => {
    expect(model.running.map((p) => [p.t - T0, p.running])).toEqual([
      [0, 2],
      [100, 2],
      [250, 1],
      [300, 1],
      [310, 2],
      [312, 1],
      [350, 0],
      [400, 1],
      [500, 0],
    ]);
  });

  it('marks the chain of dependencies with the most measured time as critical', () => {
    expect(model.critical_path).toEqual(['b', 'd']);
    expect(model.critical_path_ms).toBe(400);
    expect(model.tasks.filter((t) => t.critical).map((t) => t.id)).toEqual(['b', 'd']);
  });

  it('shows a run still going, with its open task running', () => {
    const events = failingRun().slice(0, 10);
    const live = buildTimelineModel(events);
    expect(live.status).toBe('running');
    expect(live.tasks.find((t) => t.id === 'd')?.status).toBe('running');
    expect(live.tasks.find((t) => t.id === 'e')?.status).toBe('waiting');
  });

  it('closes attempts a crash cut off when the run is resumed', () => {
    const events: RunEvent[] = [
      runStarted([{ id: 'a' }]),
      started(0, 'a'),
      at(40, { type: 'task-output', task: 'a', phase: 'a', stream: 'stdout', line: 'x' }),
      at(1000, {
        type: 'run-resumed',
        kept: [],
        rerun: ['a'],
        max_parallel: 3,
        plan_fingerprint: 'f',
        phase_fingerprints: {},
      }),
      started(1000, 'a'),
      finished(1000, 1100, 'a'),
      runFinished(1100),
    ];
    const resumed = buildTimelineModel(events);
    const a = resumed.tasks[0];
    expect(a?.earlier_attempts).toEqual([{ start: T0, end: T0 + 40, slot: 0 }]);
    expect(a?.run).toEqual({ start: T0 + 1000, end: T0 + 1100, slot: 0 });
    expect(resumed.max_parallel).toBe(3);
    expect(resumed.status).toBe('succeeded');
  });
});

describe('assignSlots', () => {
  it('never puts two overlapping intervals on one slot and uses no more slots than the peak', () => {
    const intervals = Array.from({ length: 40 }, (_, i) => ({
      start: (i * 37) % 100,
      end: ((i * 37) % 100) + 5 + ((i * 13) % 30),
    }));
    const slots = assignSlots(intervals);
    for (let i = 0; i < intervals.length; i++) {
      for (let j = i + 1; j < intervals.length; j++) {
        const [x, y] = [intervals[i], intervals[j]];
        if (x && y && slots[i] === slots[j])
          expect(x.end <= y.start || y.end <= x.start).toBe(true);
      }
    }
    const peak = Math.max(...runningSeries(intervals).map((p) => p.running));
    expect(Math.max(...slots) + 1).toBe(peak);
  });
});
