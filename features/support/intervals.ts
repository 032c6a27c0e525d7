/**
 * Rebuilds when agent tasks ran from the run's own events, independently of the numbers the run
 * reports about itself: an attempt runs from its `task-started` event to its `task-finished`
 * event (or to the warning announcing a retry). Timestamps have millisecond resolution, so at
 * equal times a finish counts before a start: a slot freed and taken within the same
 * millisecond was not two tasks at once.
 */
import type { RunEvent } from '../../src/core/index.js';

export interface AgentInterval {
  readonly task: string;
  readonly start: number;
  readonly end: number;
}

export function agentIntervals(events: readonly RunEvent[]): AgentInterval[] {
  const open = new Map<string, number>();
  const intervals: AgentInterval[] = [];
  const close = (task: string, ts: string) => {
    const start = open.get(task);
    if (start === undefined) return;
    open.delete(task);
    intervals.push({ task, start, end: Date.parse(ts) });
  };
  for (const event of events) {
    switch (event.type) {
      case 'task-started':
        if (open.has(event.task))
          throw new Error(`task ${event.task} started twice without finishing in between`);
        open.set(event.task, Date.parse(event.ts));
        break;
      case 'task-finished':
        if (event.kind === 'agent') close(event.task, event.ts);
        break;
      case 'warning':
        if (event.task !== undefined) close(event.task, event.ts);
        break;
      default:
        break;
    }
  }
  if (open.size > 0)
    throw new Error(`tasks started but never finished: ${[...open.keys()].join(', ')}`);
  return intervals;
}

/** The most intervals open at once, and one moment when that many were. */
export function peakOf(intervals: readonly AgentInterval[]): { peak: number; tasks: string[] } {
  const points = intervals.flatMap((i) => [
    { at: i.start, delta: 1, task: i.task },
    { at: i.end, delta: -1, task: i.task },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const running = new Set<string>();
  let peak = 0;
  let tasks: string[] = [];
  for (const point of points) {
    if (point.delta > 0) running.add(point.task);
    else running.delete(point.task);
    if (running.size > peak) {
      peak = running.size;
      tasks = [...running].sort();
    }
  }
  return { peak, tasks };
}

/** Pairs of tasks whose intervals overlap (strictly: touching ends do not count). */
export function overlappingPairs(intervals: readonly AgentInterval[]): [string, string][] {
  const pairs: [string, string][] = [];
  intervals.forEach((a, i) => {
    for (const b of intervals.slice(i + 1)) {
      if (a.start < b.end && b.start < a.end) pairs.push([a.task, b.task]);
    }
  });
  return pairs;
}
