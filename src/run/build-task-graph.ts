/**
 * Plan → TaskGraph. Each phase is an agent task with the phase's id. A phase with several
 * dependencies starts from `<phase>.base`, a merge of their results in id order, so its starting
 * tree depends on the plan and never on which dependency finished first. `result` merges every
 * sink phase (one nobody depends on) in id order. Phase ids cannot contain dots and `result` is
 * reserved, so task ids never collide.
 */
import type { Plan } from '../plan/index.js';
import { TaskGraph } from '../schedule/index.js';
import type { TaskNode } from '../schedule/index.js';

export const RESULT_TASK = 'result';

/** Weight of a merge task for priorities: small against any agent, but not zero. */
const MERGE_WEIGHT_MS = 1;

/** Weight of a phase with neither an estimate nor history, when no phase has either. */
export const DEFAULT_PHASE_WEIGHT_MS = 60_000;

export function baseTaskId(phase: string): string {
  return `${phase}.base`;
}

/**
 * Per-phase weights: the plan's `estimate`, else the last recorded duration, else the mean of
 * the weights that are known (equal weights when none is).
 */
export function phaseWeights(plan: Plan, history: ReadonlyMap<string, number>): Map<string, number> {
  const known = new Map<string, number>();
  for (const phase of plan.phases) {
    const weight = phase.estimateMs ?? history.get(phase.id);
    if (weight !== undefined) known.set(phase.id, Math.max(1, weight));
  }
  const values = [...known.values()];
  const fallback = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : DEFAULT_PHASE_WEIGHT_MS;
  return new Map(plan.phases.map((phase) => [phase.id, known.get(phase.id) ?? fallback]));
}

export function buildTaskGraph(plan: Plan, weights: ReadonlyMap<string, number>): TaskGraph {
  const tasks: TaskNode[] = [];
  const dependedOn = new Set(plan.phases.flatMap((phase) => phase.dependsOn));
  for (const phase of plan.phases) {
    let startFrom: string | null = null;
    const [onlyDependency] = phase.dependsOn;
    if (phase.dependsOn.length === 1 && onlyDependency !== undefined) startFrom = onlyDependency;
    if (phase.dependsOn.length > 1) {
      startFrom = baseTaskId(phase.id);
      tasks.push({ kind: 'merge', id: startFrom, phase: phase.id, sources: phase.dependsOn, weightMs: MERGE_WEIGHT_MS });
    }
    tasks.push({ kind: 'agent', id: phase.id, phase: phase.id, startFrom, weightMs: weights.get(phase.id) ?? DEFAULT_PHASE_WEIGHT_MS });
  }
  const sinks = plan.phases.map((phase) => phase.id).filter((id) => !dependedOn.has(id)).sort();
  tasks.push({ kind: 'merge', id: RESULT_TASK, phase: RESULT_TASK, sources: sinks, weightMs: MERGE_WEIGHT_MS });
  return new TaskGraph(tasks);
}
