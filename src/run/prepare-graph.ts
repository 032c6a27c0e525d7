/**
 * Everything a run or a dry run knows before starting: the scope of each phase at the base
 * commit, the subplan trees of decomposing phases, the task weights and the task graph. Trees are
 * cut from the base commit so that they are known up front, for priorities and for `subplan plan`;
 * a file that a dependency adds later is not in any leaf.
 */
import { decomposeScope, listCommitFiles, matchScope } from '../decompose/index.js';
import type { SubplanNode } from '../decompose/index.js';
import { EmptyScopeError } from '../core/index.js';
import type { Repo } from '../git/index.js';
import type { Plan } from '../plan/index.js';
import type { TaskGraph } from '../schedule/index.js';
import { buildTaskGraph, taskWeights } from './build-task-graph.js';

export interface PreparedGraph {
  readonly graph: TaskGraph;
  readonly trees: ReadonlyMap<string, SubplanNode>;
  readonly weights: ReadonlyMap<string, number>;
  /** Things a person should know before the run starts. */
  readonly warnings: readonly string[];
}

export async function prepareGraph(options: {
  plan: Plan;
  repo: Repo;
  baseCommit: string;
  history: ReadonlyMap<string, number>;
}): Promise<PreparedGraph> {
  const { plan, repo, baseCommit } = options;
  const files = await listCommitFiles(repo, baseCommit);
  const trees = new Map<string, SubplanNode>();
  const warnings: string[] = [];
  for (const phase of plan.phases) {
    if (phase.files.length === 0 && !phase.decompose) continue;
    const scope = matchScope(files, phase.files);
    if (phase.decompose) {
      if (scope.length === 0)
        throw new EmptyScopeError({ phase: phase.id, globs: phase.files, base: plan.base });
      trees.set(phase.id, decomposeScope(phase.id, scope, phase.decompose));
    } else if (scope.length === 0) {
      warnings.push(
        `phase \`${phase.id}\`: its files (${phase.files.join(', ')}) match no file at ${plan.base}; its agent gets an empty file list`,
      );
    }
  }
  const weights = taskWeights(plan, trees, options.history);
  return { graph: buildTaskGraph(plan, weights, trees), trees, weights, warnings };
}
