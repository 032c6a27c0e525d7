/**
 * Claims about agents running at once. Each one would fail if tasks had run serially or above
 * the bound: peaks come from the barrier (agents provably waiting together), from the run's
 * summary, and from intervals rebuilt here from the events, never from elapsed time.
 */
import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { RunEvent, TaskFinishedEvent, TaskStartedEvent } from '../src/core/index.js';
import { check } from '../features/support/check.js';
import { agentIntervals, overlappingPairs, peakOf } from '../features/support/intervals.js';
import type { AgentInterval } from '../features/support/intervals.js';
import type { SubplanWorld } from '../features/support/world.js';

Then('at most {int} agents ran at once', function (this: SubplanWorld, bound: number) {
  const rebuilt = peakOf(intervalsOf(this));
  check(
    rebuilt.peak <= bound,
    `the events show ${rebuilt.peak} agents at once: ${rebuilt.tasks.join(', ')}`,
  );
  check(
    this.summary.peak_concurrency <= bound,
    `the workers counted ${this.summary.peak_concurrency} at once`,
  );
  check(
    this.summary.peak_concurrency_events <= bound,
    `the run reports ${this.summary.peak_concurrency_events} at once`,
  );
});

Then('the peak concurrency was {int}', function (this: SubplanWorld, peak: number) {
  const rebuilt = peakOf(intervalsOf(this));
  assert.equal(
    rebuilt.peak,
    peak,
    `rebuilt from the events: ${rebuilt.peak} at once (${rebuilt.tasks.join(', ')})`,
  );
  assert.equal(
    this.summary.peak_concurrency,
    peak,
    'summary.peak_concurrency (counted inside the workers)',
  );
  assert.equal(this.summary.peak_concurrency_events, peak, 'summary.peak_concurrency_events');
});

Then('the barrier held {int} agents at once', function (this: SubplanWorld, held: number) {
  const barrier = this.barrier;
  check(barrier, 'the scenario has no barrier');
  assert.equal(
    barrier.timedOut,
    false,
    `the barrier gave up waiting; arrivals: ${barrier.arrivals.join(', ')}`,
  );
  assert.equal(barrier.peakHeld, held);
});

Then('no two agents ran at the same time', function (this: SubplanWorld) {
  const intervals = intervalsOf(this);
  check(intervals.length >= 2, 'fewer than two agents ran; the claim would be empty');
  assert.deepEqual(overlappingPairs(intervals), [], 'these agents overlapped');
});

Then(
  '{string} and {string} ran at the same time',
  function (this: SubplanWorld, a: string, b: string) {
    const intervals = intervalsOf(this);
    const first = intervalOf(intervals, a);
    const second = intervalOf(intervals, b);
    check(
      first.start < second.end && second.start < first.end,
      `${a} ${show(first)} and ${b} ${show(second)} did not overlap`,
    );
  },
);

Then(
  '{string} started only after {string} had finished',
  function (this: SubplanWorld, later: string, earlier: string) {
    const events = this.lastRun.events;
    const started = events.findIndex((e) => e.type === 'task-started' && e.task === later);
    const finished = events.findIndex((e) => e.type === 'task-finished' && e.task === earlier);
    check(started >= 0, `${later} never started`);
    check(finished >= 0, `${earlier} never finished`);
    // Event order is the order things happened in the run; the timestamps must agree with it.
    check(
      finished < started,
      `${later} started (event #${started}) before ${earlier} finished (event #${finished})`,
    );
    const startedEvent = events[started] as TaskStartedEvent;
    const finishedEvent = events[finished] as TaskFinishedEvent;
    check(
      Date.parse(finishedEvent.ts) <= Date.parse(startedEvent.ts),
      `${later} started at ${startedEvent.ts}, before ${earlier} finished at ${finishedEvent.ts}`,
    );
  },
);

Then('the first agent to start was {string}', function (this: SubplanWorld, id: string) {
  const order = startOrder(this.lastRun.events);
  assert.equal(order[0], id, `agents started in this order: ${order.join(', ')}`);
});

Then('the agents started in the order {string}', function (this: SubplanWorld, expected: string) {
  assert.deepEqual(startOrder(this.lastRun.events), expected.split(/,\s*/));
});

function intervalsOf(world: SubplanWorld): AgentInterval[] {
  check(world.lastRun.args.includes('--json'), 'overlaps are rebuilt from events: run with --json');
  return agentIntervals(world.lastRun.events);
}

function intervalOf(intervals: readonly AgentInterval[], task: string): AgentInterval {
  const matching = intervals.filter((i) => i.task === task);
  const [only] = matching;
  if (matching.length !== 1 || only === undefined)
    throw new Error(`expected ${task} to have run once, it ran ${matching.length} times`);
  return only;
}

function startOrder(events: readonly RunEvent[]): string[] {
  return events.filter((e): e is TaskStartedEvent => e.type === 'task-started').map((e) => e.task);
}

function show(interval: AgentInterval): string {
  return `[${new Date(interval.start).toISOString()} .. ${new Date(interval.end).toISOString()}]`;
}
