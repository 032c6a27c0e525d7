/**
 * Plays a schedule forward with given durations and no processes, under the real scheduler's
 * rules: at most `maxParallel` agent tasks at once, one merge at a time, each lane taking the
 * best ready task of its queue whenever it has room.
 */
import type { ReadyTasks } from './ready-order.js';
import type { TaskGraph } from './task-graph.js';

export interface SimulatedTask {
  readonly id: string;
  readonly startMs: number;
  readonly finishMs: number;
}

export interface Simulation {
  readonly tasks: readonly SimulatedTask[];
  readonly makespanMs: number;
}

export function playSchedule(
  graph: TaskGraph,
  maxParallel: number,
  readyTasks: () => ReadyTasks,
  durationMs: (id: string) => number,
): Simulation {
  const agents = readyTasks();
  const merges = readyTasks();
  const pending = new Map(graph.tasks().map((t) => [t.id, graph.dependencies(t.id).length]));
  const push = (id: string) => (graph.kindOf(id) === 'agent' ? agents : merges).push(id);
  for (const [id, count] of pending) if (count === 0) push(id);
  const running = new FinishQueue();
  const result: SimulatedTask[] = [];
  let now = 0;
  let agentsRunning = 0;
  let mergeBusyUntil = -1;
  while (result.length < graph.size) {
    for (
      let id = agents.size > 0 && agentsRunning < maxParallel ? agents.pop() : undefined;
      id !== undefined;
    ) {
      agentsRunning++;
      const finishMs = now + durationMs(id);
      running.push(id, finishMs);
      result.push({ id, startMs: now, finishMs });
      id = agentsRunning < maxParallel ? agents.pop() : undefined;
    }
    if (mergeBusyUntil <= now) {
      const id = merges.pop();
      if (id !== undefined) {
        mergeBusyUntil = now + durationMs(id);
        running.push(id, mergeBusyUntil);
        result.push({ id, startMs: now, finishMs: mergeBusyUntil });
      }
    }
    const next = running.pop();
    if (!next) break;
    now = next.finishMs;
    if (graph.kindOf(next.id) === 'agent') agentsRunning--;
    for (const successor of graph.successors(next.id)) {
      const left = (pending.get(successor) ?? 0) - 1;
      pending.set(successor, left);
      if (left === 0) push(successor);
    }
  }
  return { tasks: result, makespanMs: Math.max(0, ...result.map((t) => t.finishMs)) };
}

/** Running tasks, earliest finish first; ties in the order they started. A binary heap. */
class FinishQueue {
  readonly #heap: { id: string; finishMs: number; sequence: number }[] = [];
  #sequence = 0;

  push(id: string, finishMs: number): void {
    const heap = this.#heap;
    heap.push({ id, finishMs, sequence: this.#sequence++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): { id: string; finishMs: number } | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        let best = i;
        if (left < heap.length && this.#before(left, best)) best = left;
        if (left + 1 < heap.length && this.#before(left + 1, best)) best = left + 1;
        if (best === i) break;
        this.#swap(i, best);
        i = best;
      }
    }
    return top;
  }

  #before(a: number, b: number): boolean {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (!x || !y) return false;
    return x.finishMs !== y.finishMs ? x.finishMs < y.finishMs : x.sequence < y.sequence;
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap;
    const t = heap[a];
    const u = heap[b];
    if (t && u) {
      heap[a] = u;
      heap[b] = t;
    }
  }
}
