/**
 * A lower bound on the makespan tighter than `max(critical path, work / max_parallel)`: a task
 * cannot start before all of its ancestors are done, and their agent work alone takes at least
 * its sum over `maxParallel` slots; after it ends, its descendants' work takes as long again. So
 * each task's start is at least the larger of its longest chain of ancestors and its ancestors'
 * work / max_parallel, and likewise its tail; the bound is the largest start + weight + tail.
 * Where chains and width both nearly fill the time, the simple bound is out of reach for any
 * schedule, and this one says by how much. Benchmarks report both.
 */
import type { TaskGraph } from './task-graph.js';

export function ancestryBoundMs(graph: TaskGraph, maxParallel: number): number {
  const order = graph.topologicalOrder();
  const index = new Map(order.map((id, i) => [id, i]));
  const weight = (id: string) => graph.get(id).weightMs;
  const work = (id: string) => (graph.kindOf(id) === 'agent' ? weight(id) : 0);
  const tasks = { order, index, weight, work, maxParallel };
  const head = longestWithWork(order, (id) => graph.dependencies(id), tasks);
  const tail = longestWithWork([...order].reverse(), (id) => graph.successors(id), tasks);
  let bound = 0;
  let allWork = 0;
  for (const id of order) {
    bound = Math.max(bound, (head.get(id) ?? 0) + weight(id) + (tail.get(id) ?? 0));
    allWork += work(id);
  }
  return Math.max(bound, allWork / maxParallel);
}

/**
 * For each task of `sequence` (each after the tasks `before` it names): the larger of the longest
 * chain through those tasks and their transitive work / max_parallel. Transitive sets are
 * bitsets over the topological index: n² / 32 words, a few MB at ten thousand tasks.
 */
function longestWithWork(
  sequence: readonly string[],
  before: (id: string) => readonly string[],
  tasks: {
    readonly order: readonly string[];
    readonly index: ReadonlyMap<string, number>;
    readonly weight: (id: string) => number;
    readonly work: (id: string) => number;
    readonly maxParallel: number;
  },
): Map<string, number> {
  const { order, index, weight, work, maxParallel } = tasks;
  const words = Math.ceil(order.length / 32);
  const reach = new Map<string, Uint32Array>();
  const result = new Map<string, number>();
  for (const id of sequence) {
    const set = new Uint32Array(words);
    let chain = 0;
    for (const prior of before(id)) {
      chain = Math.max(chain, (result.get(prior) ?? 0) + weight(prior));
      const priorSet = reach.get(prior);
      if (priorSet) for (let w = 0; w < words; w++) set[w] = (set[w] ?? 0) | (priorSet[w] ?? 0);
      const at = index.get(prior) ?? 0;
      set[at >> 5] = (set[at >> 5] ?? 0) | (1 << (at & 31));
    }
    reach.set(id, set);
    let transitive = 0;
    for (let w = 0; w < words; w++) {
      let bits = set[w] ?? 0;
      while (bits !== 0) {
        const low = bits & -bits;
        transitive += work(order[(w << 5) + 31 - Math.clz32(low)] ?? '');
        bits ^= low;
      }
    }
    result.set(id, Math.max(chain, transitive / maxParallel));
  }
  return result;
}
