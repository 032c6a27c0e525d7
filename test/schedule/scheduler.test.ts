import { describe, expect, it } from 'vitest';
import type { TaskOutcome } from '../../src/core/index.js';
import { TaskGraph, runSchedule } from '../../src/schedule/index.js';
import type { AgentTaskNode, TaskAttempt, TaskNode } from '../../src/schedule/index.js';

/** A runner whose agent tasks finish only when the test says so. */
function controlledRunner() {
  const pending = new Map<string, (outcome: TaskOutcome) => void>();
  const started: string[] = [];
  const aborted: string[] = [];
  let running = 0;
  let peak = 0;
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  return {
    started,
    aborted,
    get running() {
      return running;
    },
    get peak() {
      return peak;
    },
    /** Resolves once `count` tasks have started in total. */
    async untilStarted(count: number) {
      while (started.length < count) await new Promise<void>((r) => waiters.push(r));
    },
    finish(id: string, outcome: TaskOutcome = { status: 'succeeded', commit: `c-${id}` }) {
      const resolve = pending.get(id);
      if (!resolve)
        throw new Error(`${id} is not running (running: ${[...pending.keys()].join(', ')})`);
      pending.delete(id);
      resolve(outcome);
    },
    runner: {
      runAgent(task: AgentTaskNode, _attempt: number, signal: AbortSignal): Promise<TaskAttempt> {
        started.push(task.id);
        running++;
        peak = Math.max(peak, running);
        notify();
        return new Promise<TaskAttempt>((resolve) => {
          const done = (outcome: TaskOutcome) => {
            running--;
            resolve({ outcome, startedAt: 0, finishedAt: 1 });
          };
          pending.set(task.id, done);
          signal.addEventListener('abort', () => {
            aborted.push(task.id);
            pending.delete(task.id);
            done({
              status: 'cancelled',
              reason: signal.reason === 'fail-fast' ? 'fail-fast' : 'interrupted',
            });
          });
        });
      },
      runMerge(task: { id: string }): Promise<TaskAttempt> {
        return Promise.resolve({ outcome: { status: 'succeeded', commit: `m-${task.id}` } });
      },
    },
  };
}

const agent = (id: string, startFrom: string | null = null, weightMs = 1): TaskNode => ({
  kind: 'agent',
  id,
  phase: id,
  startFrom,
  weightMs,
});

describe('runSchedule', () => {
  it('runs exactly max_parallel at once when more are ready, never more', async () => {
    const graph = new TaskGraph(Array.from({ length: 7 }, (_, i) => agent(`t${i}`)));
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 3,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(3);
    expect(control.running).toBe(3);
    for (let i = 0; i < 7; i++) {
      control.finish(`t${i}`);
      await control.untilStarted(Math.min(7, i + 4));
      expect(control.running).toBeLessThanOrEqual(3);
    }
    const settled = await done;
    expect(control.peak).toBe(3);
    expect([...settled.values()].every((s) => s.outcome.status === 'succeeded')).toBe(true);
  });

  it('starts a dependent as soon as its dependency is done, not after the whole level', async () => {
    // a -> a2 and b -> b2; b is slow. Level-by-level would hold a2 until b finishes.
    const graph = new TaskGraph([agent('a'), agent('b'), agent('a2', 'a'), agent('b2', 'b')]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 4,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(2);
    control.finish('a');
    await control.untilStarted(3);
    expect(control.started).toEqual(['a', 'b', 'a2']);
    control.finish('a2');
    control.finish('b');
    await control.untilStarted(4);
    control.finish('b2');
    await done;
  });

  it('starts the task with the longest remaining path first', async () => {
    const graph = new TaskGraph([
      agent('short1', null, 10),
      agent('short2', null, 10),
      agent('long1', null, 100),
      agent('long2', 'long1', 100),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 1,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(1);
    expect(control.started).toEqual(['long1']);
    control.finish('long1');
    await control.untilStarted(2);
    expect(control.started[1]).toBe('long2');
    control.finish('long2');
    await control.untilStarted(3);
    control.finish('short1');
    await control.untilStarted(4);
    control.finish('short2');
    await done;
  });

  it('by default starts tasks in the searched order, which fills both slots to the bound', async () => {
    // Longest first would start big1 and big2 together and end at 7 s; the plan pairs them on one
    // slot and the three small tasks on the other.
    const graph = new TaskGraph([
      agent('big1', null, 3000),
      agent('big2', null, 3000),
      agent('small1', null, 2000),
      agent('small2', null, 2000),
      agent('small3', null, 2000),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 2,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(2);
    const [first, second] = control.started;
    const bigFirst = first?.startsWith('big') ? first : second;
    const smallFirst = first?.startsWith('small') ? first : second;
    // One of each starts; the slot of the small one (free at 2 s) takes another small one.
    expect([bigFirst?.slice(0, 3), smallFirst?.slice(0, 5)]).toEqual(['big', 'small']);
    control.finish(smallFirst ?? '');
    await control.untilStarted(3);
    expect(control.started[2]).toMatch(/^small/);
    control.finish(bigFirst ?? '');
    await control.untilStarted(4);
    expect(control.started[3]).toMatch(/^big/);
    for (const id of control.started.slice(2)) control.finish(id);
    await control.untilStarted(5);
    control.finish(control.started[4] ?? '');
    await done;
  });

  it('with the fifo order, starts tasks in the order they became ready instead', async () => {
    const graph = new TaskGraph([
      agent('short1', null, 10),
      agent('short2', null, 10),
      agent('long1', null, 100),
      agent('long2', 'long1', 100),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 1,
      failurePolicy: 'continue',
      runner: control.runner,
      readyOrder: 'fifo',
    });
    for (const [i, id] of ['short1', 'short2', 'long1', 'long2'].entries()) {
      await control.untilStarted(i + 1);
      expect(control.started[i]).toBe(id);
      control.finish(id);
    }
    await done;
  });

  it('on continue, skips the dependents of a failed task and finishes independent work', async () => {
    const graph = new TaskGraph([
      agent('bad'),
      agent('after', 'bad'),
      agent('later', 'after'),
      agent('free'),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 2,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(2);
    control.finish('bad', {
      status: 'failed',
      reason: 'exit-non-zero',
      message: 'boom',
      exitCode: 1,
    });
    control.finish('free');
    const settled = await done;
    expect(settled.get('after')?.outcome).toEqual({
      status: 'skipped',
      reason: 'dependency-failed',
      dependency: 'bad',
    });
    expect(settled.get('later')?.outcome.status).toBe('skipped');
    expect(settled.get('free')?.outcome.status).toBe('succeeded');
    expect(control.started).toEqual(['bad', 'free']);
  });

  it('on fail-fast, aborts running tasks and cancels queued ones', async () => {
    const graph = new TaskGraph([
      agent('bad'),
      agent('slow'),
      agent('queued'),
      agent('after', 'slow'),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 2,
      failurePolicy: 'fail-fast',
      runner: control.runner,
    });
    await control.untilStarted(2);
    control.finish('bad', {
      status: 'failed',
      reason: 'exit-non-zero',
      message: 'boom',
      exitCode: 1,
    });
    const settled = await done;
    expect(control.aborted).toEqual(['slow']);
    expect(settled.get('slow')?.outcome).toEqual({ status: 'cancelled', reason: 'fail-fast' });
    expect(settled.get('queued')?.outcome).toEqual({ status: 'cancelled', reason: 'fail-fast' });
    expect(settled.get('after')?.outcome).toEqual({ status: 'cancelled', reason: 'fail-fast' });
    expect([...control.started].sort()).toEqual(['bad', 'slow']);
  });

  it('retries a failed attempt and succeeds', async () => {
    const graph = new TaskGraph([agent('flaky')]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 1,
      failurePolicy: 'continue',
      runner: control.runner,
      retriesOf: () => 2,
      retryDelayMs: () => 1,
    });
    await control.untilStarted(1);
    control.finish('flaky', {
      status: 'failed',
      reason: 'exit-non-zero',
      message: 'first',
      exitCode: 1,
    });
    await control.untilStarted(2);
    control.finish('flaky');
    const settled = await done;
    expect(settled.get('flaky')).toMatchObject({ outcome: { status: 'succeeded' }, attempts: 2 });
  });

  it('stops on an interrupt: running tasks aborted, the rest cancelled as interrupted', async () => {
    const graph = new TaskGraph([agent('a'), agent('b', 'a')]);
    const control = controlledRunner();
    const interrupt = new AbortController();
    const done = runSchedule({
      graph,
      maxParallel: 1,
      failurePolicy: 'continue',
      runner: control.runner,
      signal: interrupt.signal,
    });
    await control.untilStarted(1);
    interrupt.abort();
    const settled = await done;
    expect(settled.get('a')?.outcome).toEqual({ status: 'cancelled', reason: 'interrupted' });
    expect(settled.get('b')?.outcome).toEqual({ status: 'cancelled', reason: 'interrupted' });
  });

  it('runs merges after all their sources and without taking agent slots', async () => {
    const graph = new TaskGraph([
      agent('x'),
      agent('y'),
      { kind: 'merge', id: 'm', phase: 'm', sources: ['x', 'y'], weightMs: 1 },
      agent('z', 'm'),
    ]);
    const control = controlledRunner();
    const done = runSchedule({
      graph,
      maxParallel: 2,
      failurePolicy: 'continue',
      runner: control.runner,
    });
    await control.untilStarted(2);
    control.finish('x');
    control.finish('y');
    await control.untilStarted(3);
    expect(control.started).toEqual(['x', 'y', 'z']);
    control.finish('z');
    const settled = await done;
    expect(settled.get('m')?.outcome).toEqual({ status: 'succeeded', commit: 'm-m' });
  });
});
