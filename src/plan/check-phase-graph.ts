/**
 * Checks that need the whole phase list: unique ids, dependencies that exist, and no cycles.
 * A cycle is reported once, spelled in dependency order (`a -> b -> a`), at the first phase of
 * the cycle in file order, so the message is the same on every run.
 */
import { Graph, alg } from '@dagrejs/graphlib';
import { suggestKey } from './describe-issue.js';
import type { PhaseFile } from './schema.js';

export interface PhaseGraphProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function checkPhaseGraph(
  phases: readonly Pick<PhaseFile, 'id' | 'depends_on'>[],
): PhaseGraphProblem[] {
  const problems: PhaseGraphProblem[] = [];
  const firstIndex = new Map<string, number>();
  phases.forEach((phase, index) => {
    if (phase.id === 'result') {
      problems.push({
        path: ['phases', index, 'id'],
        message: "phase id `result` is reserved for the run's result branch",
      });
    }
    const earlier = firstIndex.get(phase.id);
    if (earlier === undefined) firstIndex.set(phase.id, index);
    else
      problems.push({
        path: ['phases', index, 'id'],
        message: `duplicate phase id \`${phase.id}\` (first used by phases[${earlier}])`,
      });
  });

  const graph = new Graph({ directed: true });
  for (const phase of phases) graph.setNode(phase.id);
  const ids = [...firstIndex.keys()];
  phases.forEach((phase, index) => {
    const dependencies = phase.depends_on ?? [];
    dependencies.forEach((dependency, depIndex) => {
      // The same name twice is one problem, said once, at its first place.
      if (dependencies.indexOf(dependency) !== depIndex) return;
      if (!firstIndex.has(dependency)) {
        // One or two letters are close to everything: no guess for those.
        const near =
          dependency.length > 2
            ? suggestKey(
                dependency,
                ids.filter((id) => id !== phase.id),
              )
            : undefined;
        problems.push({
          path: ['phases', index, 'depends_on', depIndex],
          message: `\`${phase.id}\` depends on \`${dependency}\`, which is not a phase of this plan${near ? ` (did you mean \`${near}\`?)` : ''}`,
        });
      } else if (dependency === phase.id) {
        problems.push({
          path: ['phases', index, 'depends_on', depIndex],
          message: `\`${phase.id}\` depends on itself`,
        });
      } else {
        graph.setEdge(phase.id, dependency);
      }
    });
  });

  for (const cycle of alg.findCycles(graph)) {
    const ordered = orderCycle(cycle, graph, firstIndex);
    const start = ordered[0];
    if (start === undefined) continue;
    const startIndex = firstIndex.get(start) ?? 0;
    const next = ordered[1] ?? start;
    const depIndex = (phases[startIndex]?.depends_on ?? []).indexOf(next);
    problems.push({
      path: ['phases', startIndex, 'depends_on', Math.max(0, depIndex)],
      message: `dependency cycle: ${[...ordered, start].join(' -> ')}`,
    });
  }
  return problems;
}

/** Walks one elementary cycle from its earliest-declared phase along depends_on edges. */
function orderCycle(members: string[], graph: Graph, firstIndex: Map<string, number>): string[] {
  const inCycle = new Set(members);
  const start = [...members].sort((a, b) => (firstIndex.get(a) ?? 0) - (firstIndex.get(b) ?? 0))[0];
  if (start === undefined) return [];
  const ordered = [start];
  let current = start;
  while (ordered.length < members.length) {
    const successors = (graph.successors(current) ?? []).filter(
      (s) => inCycle.has(s) && !ordered.includes(s),
    );
    const next = successors.sort()[0];
    if (next === undefined) break;
    ordered.push(next);
    current = next;
  }
  return ordered;
}
