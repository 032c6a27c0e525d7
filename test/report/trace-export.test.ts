import { describe, expect, it } from 'vitest';
import { buildTimelineModel, buildTrace } from '../../src/report/index.js';
import { finished, merged, runFinished, runStarted, started } from './run-events.js';

describe('buildTrace', () => {
  const model = buildTimelineModel([
    runStarted([
      { id: 'a' },
      { id: 'b' },
      { id: 'c', depends_on: ['a'] },
      { id: 'm', kind: 'merge', depends_on: ['b', 'c'] },
    ]),
    started(0, 'a'),
    started(5, 'b'),
    finished(0, 100, 'a'),
    started(100, 'c'),
    finished(5, 300, 'b', { failed: true }),
    finished(100, 250, 'c', { cached: true }),
    ...merged(300, 320, 'm'),
    runFinished(330, 'failed'),
  ]);
  const trace = buildTrace(model);
  const complete = trace.traceEvents.filter((e) => e.ph === 'X');

  it('writes one complete event per task, in microseconds from the start of the run', () => {
    expect(complete.map((e) => [e.name, e.ts, e.dur])).toEqual([
      ['a', 0, 100_000],
      ['b', 5_000, 295_000],
      ['c', 100_000, 150_000],
      ['m', 300_000, 20_000],
    ]);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  it('puts agents on one track per slot and merges on a track of their own, all named', () => {
    const tid = (name: string) => complete.find((e) => e.name === name)?.tid;
    expect([tid('a'), tid('b'), tid('c'), tid('m')]).toEqual([1, 2, 1, 3]);
    const names = trace.traceEvents
      .filter((e) => e.ph === 'M' && e.name === 'thread_name')
      .map((e) => [e.tid, e.args['name']]);
    expect(names).toEqual([
      [1, 'slot 1'],
      [2, 'slot 2'],
      [3, 'merges'],
    ]);
  });

  it('orders timed events by time and carries phase, outcome and branch', () => {
    const times = trace.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.ts);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(complete.find((e) => e.name === 'b')?.args).toMatchObject({
      phase: 'b',
      outcome: 'failed',
      branch: 'subplan/r1/b',
      reason: 'the agent exited with code 3',
    });
    expect(complete.find((e) => e.name === 'c')?.args).toMatchObject({ cached: true });
    const counter = trace.traceEvents.filter((e) => e.ph === 'C');
    expect(Math.max(...counter.map((e) => Number(e.args['running'])))).toBe(2);
  });
});
