/**
 * Plan → TaskGraph. A phase is one agent task with the phase's id, or, when it is decomposed, a
 * tree: its leaves are agent tasks (`api.1.2`) that all start from the phase's start, and every
 * inner node is a merge task of its children in id order; the root's merge task carries the
 * phase's id, so dependents see one task per phase either way. A phase with several
 * dependencies starts from `<phase>.base`, a merge of their results in id order, so its starting
 * tree depends on the plan and never on which dependency finished first. `result` merges every
 * sink phase in id order. Phase ids cannot contain dots and `result` is reserved, so task ids
 * never collide.
 */
import { isLeaf } from '../decompose/index.js';
import type { SubplanNode } from '../decompose/index.js';
import type { Plan } from '../plan/index.js';
import { TaskGraph } from '../schedule/index.js';
import type { TaskNode } from '../schedule/index.js';

export const RESULT_TASK = 'result';

/** Weight of a merge task for priorities: small against any agent, but not zero. */
const MERGE_WEIGHT_MS = 1;

/** Weight of an agent task with neither an estimate nor history, when no task has either. */
export const DEFAULT_TASK_WEIGHT_MS = 60_000;

export function baseTaskId(phase: string): string {
  return `${phase}.base`;
}

/**
 * Weights of agent tasks: the plan's `estimate` for the phase, else the task's last recorded
 * duration, else the mean of the weights that are known (equal weights when none is).
 */
export function taskWeights(
  plan: Plan,
  trees: ReadonlyMap<string, SubplanNode>,
  history: ReadonlyMap<string, number>,
): Map<string, number> {
  const agentTasks = plan.phases.flatMap((phase) => {
    const tree = trees.get(phase.id);
    const ids = tree && !isLeaf(tree) ? leafIds(tree) : [phase.id];
    return ids.map((id) => ({ id, estimate: phase.estimateMs }));
  });
  const known = new Map<string, number>();
  for (const { id, estimate } of agentTasks) {
    const weight = estimate ?? history.get(id);
    if (weight !== undefined) known.set(id, Math.max(1, weight));
  }
  const values = [...known.values()];
  const fallback =
    values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : DEFAULT_TASK_WEIGHT_MS;
  return new Map(agentTasks.map(({ id }) => [id, known.get(id) ?? fallback]));
}

export function buildTaskGraph(
  plan: Plan,
  weights: ReadonlyMap<string, number>,
  trees: ReadonlyMap<string, SubplanNode> = new Map(),
): TaskGraph {
  const tasks: TaskNode[] = [];
  const dependedOn = new Set(plan.phases.flatMap((phase) => phase.dependsOn));
  const weightOf = (id: string) => weights.get(id) ?? DEFAULT_TASK_WEIGHT_MS;
  for (const phase of plan.phases) {
    let startFrom: string | null = null;
    const [onlyDependency] = phase.dependsOn;
    if (phase.dependsOn.length === 1 && onlyDependency !== undefined) startFrom = onlyDependency;
    if (phase.dependsOn.length > 1) {
      startFrom = baseTaskId(phase.id);
      tasks.push({
        kind: 'merge',
        id: startFrom,
        phase: phase.id,
        sources: phase.dependsOn,
        weightMs: MERGE_WEIGHT_MS,
      });
    }
    const tree = trees.get(phase.id);
    if (!tree || isLeaf(tree)) {
      tasks.push({
        kind: 'agent',
        id: phase.id,
        phase: phase.id,
        startFrom,
        weightMs: weightOf(phase.id),
        ...(tree && { files: tree.files }),
      });
      continue;
    }
    const addNode = (node: SubplanNode): void => {
      if (isLeaf(node)) {
        tasks.push({
          kind: 'agent',
          id: node.id,
          phase: phase.id,
          startFrom,
          weightMs: weightOf(node.id),
          files: node.files,
        });
        return;
      }
      node.children.forEach(addNode);
      tasks.push({
        kind: 'merge',
        id: node.id,
        phase: phase.id,
        sources: node.children.map((c) => c.id),
        weightMs: MERGE_WEIGHT_MS,
      });
    };
    addNode(tree);
  }
  const sinks = plan.phases
    .map((phase) => phase.id)
    .filter((id) => !dependedOn.has(id))
    .sort();
  tasks.push({
    kind: 'merge',
    id: RESULT_TASK,
    phase: RESULT_TASK,
    sources: sinks,
    weightMs: MERGE_WEIGHT_MS,
  });
  return new TaskGraph(tasks);
}

function leafIds(node: SubplanNode): string[] {
  return isLeaf(node) ? [node.id] : node.children.flatMap(leafIds);
}
