/**
 * The graph the scheduler runs. Agent tasks start from one commit (`startFrom`: a task whose
 * result they build on, or the run's base); merge tasks combine the results of `sources` in the
 * order given, which is id order so merged trees never depend on timing.
 */
import { Graph, alg } from '@dagrejs/graphlib';
import type { TaskKind } from '../core/index.js';

export interface AgentTaskNode {
  readonly kind: 'agent';
  readonly id: string;
  readonly phase: string;
  /** Task whose commit this task starts from; null for the run's base commit. */
  readonly startFrom: string | null;
  /** Estimated duration in ms, used for priorities only. */
  readonly weightMs: number;
  /** A subplan leaf's files; absent for a whole phase, whose files are its scope at its start. */
  readonly files?: readonly string[];
}

export interface MergeTaskNode {
  readonly kind: 'merge';
  readonly id: string;
  readonly phase: string;
  /** Tasks whose commits are merged, in merge order. */
  readonly sources: readonly string[];
  readonly weightMs: number;
}

export type TaskNode = AgentTaskNode | MergeTaskNode;

export class TaskGraph {
  readonly #tasks = new Map<string, TaskNode>();
  readonly #order: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #successors = new Map<string, string[]>();
  #topological: readonly string[] | undefined;

  constructor(tasks: readonly TaskNode[]) {
    for (const task of tasks) {
      if (this.#tasks.has(task.id)) throw new Error(`duplicate task id ${task.id}`);
      this.#tasks.set(task.id, task);
      this.#index.set(task.id, this.#order.length);
      this.#order.push(task.id);
      this.#successors.set(task.id, []);
    }
    for (const task of tasks) {
      for (const dependency of dependenciesOf(task)) {
        const list = this.#successors.get(dependency);
        if (!list) throw new Error(`task ${task.id} depends on unknown task ${dependency}`);
        list.push(task.id);
      }
    }
  }

  get size(): number {
    return this.#tasks.size;
  }

  /** Tasks in declaration order. */
  tasks(): TaskNode[] {
    return this.#order.map((id) => this.get(id));
  }

  get(id: string): TaskNode {
    const task = this.#tasks.get(id);
    if (!task) throw new Error(`unknown task ${id}`);
    return task;
  }

  /** Index in declaration order, for deterministic tie-breaks. */
  indexOf(id: string): number {
    return this.#index.get(id) ?? -1;
  }

  dependencies(id: string): readonly string[] {
    return dependenciesOf(this.get(id));
  }

  successors(id: string): readonly string[] {
    return this.#successors.get(id) ?? [];
  }

  /** Dependencies before dependents. Computed once: the graph never changes. */
  topologicalOrder(): string[] {
    if (!this.#topological) {
      const graph = new Graph({ directed: true });
      for (const id of this.#order) graph.setNode(id);
      for (const id of this.#order)
        for (const dependency of this.dependencies(id)) graph.setEdge(dependency, id);
      this.#topological = alg.topsort(graph);
    }
    return [...this.#topological];
  }

  /** Every task reachable from `id` through successors (not including `id`). */
  descendants(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.successors(id)];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.successors(next));
    }
    return seen;
  }

  kindOf(id: string): TaskKind {
    return this.get(id).kind;
  }
}

function dependenciesOf(task: TaskNode): readonly string[] {
  return task.kind === 'agent' ? (task.startFrom === null ? [] : [task.startFrom]) : task.sources;
}
