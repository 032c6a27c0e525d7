/**
 * The time left in a run, from how long its remaining tasks took in earlier runs. A simple,
 * honest estimate: the remaining tasks are laid out in order on `max_parallel` slots, each
 * starting when a slot is free and its dependencies are done (a running task keeps its slot for
 * its expected duration minus the time it has run, never less than zero), and the estimate is
 * when the last one ends. Agent tasks with no recorded duration count as the mean of those with
 * one, as the scheduler weighs them; merges take no slot and no time, since they run in the
 * coordinator in milliseconds. With no recorded duration at all there is nothing honest to say,
 * and the estimate is undefined.
 */
import type { TaskKind } from '../core/index.js';

/** A task not finished yet, as the estimate sees it. */
export interface EtaTask {
  readonly id: string;
  readonly kind: TaskKind;
  /** Ids of the tasks it waits for; finished ones may be listed, they are ignored. Tasks are
   * given in the order the run starts them (dependencies first), as the run's events list them. */
  readonly dependsOn: readonly string[];
  /** How long it took in an earlier run; undefined when never recorded. */
  readonly expectedMs: number | undefined;
  /** Started and not finished: it holds a slot now. */
  readonly running: boolean;
  /** How long it has been running; 0 when it has not started. */
  readonly elapsedMs: number;
}

/** Milliseconds until the remaining tasks are done; undefined when no duration is known. */
export function estimateRemainingMs(
  remaining: readonly EtaTask[],
  maxParallel: number,
): number | undefined {
  if (remaining.length === 0) return 0;
  const known = remaining.flatMap((task) =>
    task.kind === 'agent' && task.expectedMs !== undefined ? [task.expectedMs] : [],
  );
  if (known.length === 0) return undefined;
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const left = new Map(
    remaining.map((task) => [
      task.id,
      task.kind === 'merge' ? 0 : Math.max(0, (task.expectedMs ?? mean) - task.elapsedMs),
    ]),
  );
  const byId = new Map(remaining.map((task) => [task.id, task]));
  // When each slot is next free; running tasks hold theirs first.
  const slots: number[] = [];
  const finish = new Map<string, number>();
  for (const task of remaining) {
    if (task.kind === 'agent' && task.running) {
      const end = left.get(task.id) ?? 0;
      slots.push(end);
      finish.set(task.id, end);
    }
  }
  while (slots.length < maxParallel) slots.push(0);
  const place = (id: string, path: Set<string>): number => {
    const done = finish.get(id);
    if (done !== undefined) return done;
    const task = byId.get(id);
    // A cycle cannot come from a validated plan; guard anyway so a bad event cannot hang the view.
    if (!task || path.has(id)) return 0;
    path.add(id);
    const ready = Math.max(0, ...task.dependsOn.map((dep) => place(dep, path)));
    path.delete(id);
    let end = ready;
    if (task.kind === 'agent') {
      const slot = earliest(slots);
      end = Math.max(ready, slots[slot] ?? 0) + (left.get(id) ?? 0);
      slots[slot] = end;
    }
    finish.set(id, end);
    return end;
  };
  return Math.max(0, ...remaining.map((task) => place(task.id, new Set())));
}

function earliest(slots: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < slots.length; i++) if ((slots[i] ?? 0) < (slots[best] ?? 0)) best = i;
  return best;
}
