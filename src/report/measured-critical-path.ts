/**
 * The critical path of a run as it happened: the chain of dependencies with the largest sum of
 * measured durations (the summary's `critical_path_ms`), and among chains of equal length the
 * one that ends last. Tasks that never ran weigh nothing. Kahn's order over `depends_on`, then
 * one pass that keeps, for each task, its heaviest chain of predecessors.
 */
export interface MeasuredTask {
  readonly id: string;
  readonly depends_on: readonly string[];
  readonly start: number | undefined;
  readonly end: number | undefined;
}

export interface MeasuredCriticalPath {
  /** Task ids, first to last. */
  readonly path: string[];
  readonly lengthMs: number;
}

export function measuredCriticalPath(tasks: readonly MeasuredTask[]): MeasuredCriticalPath {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const chain = new Map<string, { length: number; previous: string | undefined }>();
  for (const task of topologicalOrder(tasks, byId)) {
    let best: { length: number; previous: string | undefined } = {
      length: 0,
      previous: undefined,
    };
    for (const dependency of task.depends_on) {
      const head = chain.get(dependency);
      if (head && isBetter(head.length, dependency, best.length, best.previous, byId))
        best = { length: head.length, previous: dependency };
    }
    chain.set(task.id, { length: best.length + durationOf(task), previous: best.previous });
  }
  let last: string | undefined;
  let lengthMs = 0;
  for (const [id, { length }] of chain) {
    if (last === undefined || isBetter(length, id, lengthMs, last, byId)) {
      last = id;
      lengthMs = length;
    }
  }
  const path: string[] = [];
  for (let id = last; id !== undefined; id = chain.get(id)?.previous) path.unshift(id);
  return { path, lengthMs };
}

function durationOf(task: MeasuredTask): number {
  return task.start === undefined || task.end === undefined ? 0 : task.end - task.start;
}

/** Longer wins; at equal length, the one that ended later. */
function isBetter(
  length: number,
  id: string,
  bestLength: number,
  bestId: string | undefined,
  byId: ReadonlyMap<string, MeasuredTask>,
): boolean {
  if (bestId === undefined || length > bestLength) return true;
  if (length < bestLength) return false;
  return (byId.get(id)?.end ?? -Infinity) > (byId.get(bestId)?.end ?? -Infinity);
}

function topologicalOrder(
  tasks: readonly MeasuredTask[],
  byId: ReadonlyMap<string, MeasuredTask>,
): MeasuredTask[] {
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks) {
    const known = task.depends_on.filter((dependency) => byId.has(dependency));
    waiting.set(task.id, known.length);
    for (const dependency of known) {
      const list = dependents.get(dependency);
      if (list) list.push(task.id);
      else dependents.set(dependency, [task.id]);
    }
  }
  // Tasks are appended as their last dependency is passed, so the list is its own queue.
  const order = tasks.filter((task) => waiting.get(task.id) === 0);
  for (let next = 0; next < order.length; next++) {
    const task = order[next];
    if (task === undefined) break;
    for (const dependent of dependents.get(task.id) ?? []) {
      const left = (waiting.get(dependent) ?? 0) - 1;
      waiting.set(dependent, left);
      const unblocked = byId.get(dependent);
      if (left === 0 && unblocked) order.push(unblocked);
    }
  }
  return order;
}
