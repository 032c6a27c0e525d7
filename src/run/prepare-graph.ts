/**
 * Everything a run or a dry run knows before starting: the scope of each phase at the base
 * commit, the subplan trees of decomposing phases, the task weights and the task graph. Trees are
 * cut from the base commit so that they are known up front, for priorities and for `subplan plan`;
 * a file that a dependency adds later is not in any leaf.
 */
import { EmptyScopeError } from '../core/index.js';
import {
  decomposeScope,
  folderGlobHints,
  listCommitFiles,
  matchScope,
  readSignals,
} from '../decompose/index.js';
import type { SubplanNode } from '../decompose/index.js';
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
  const decomposing = plan.phases.filter((phase) => phase.decompose);
  const scopes = new Map(decomposing.map((phase) => [phase.id, matchScope(files, phase.files)]));
  for (const phase of decomposing) {
    if (scopes.get(phase.id)?.length === 0)
      throw new EmptyScopeError({
        phase: phase.id,
        globs: phase.files,
        base: plan.base,
        hints: folderGlobHints(files, phase.files),
      });
  }
  // One read of imports and history serves every decomposing phase.
  const signals =
    decomposing.length === 0
      ? {}
      : await readSignals({
          repo,
          commit: baseCommit,
          strategies: decomposing.flatMap((phase) =>
            phase.decompose ? [phase.decompose.strategy] : [],
          ),
          scope: [...scopes.values()].flat(),
          allFiles: files,
        });
  for (const phase of plan.phases) {
    if (phase.decompose) {
      trees.set(
        phase.id,
        decomposeScope(phase.id, scopes.get(phase.id) ?? [], phase.decompose, signals),
      );
    } else if (
      // A phase with dependencies starts from their merged result, which may add its files; the
      // run says so when that task starts.
      phase.dependsOn.length === 0 &&
      phase.files.length > 0 &&
      matchScope(files, phase.files).length === 0
    ) {
      warnings.push(
        `phase \`${phase.id}\`: its files (${phase.files.join(', ')}) match no file at ${plan.base}; its agent gets an empty file list${folderGlobHints(
          files,
          phase.files,
        )
          .map((hint) => `; ${hint}`)
          .join('')}`,
      );
    }
  }
  const weights = taskWeights(plan, trees, options.history);
  return { graph: buildTaskGraph(plan, weights, trees), trees, weights, warnings };
}
