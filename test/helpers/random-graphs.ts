/** Task graphs for tests of the schedule: agent nodes, and random chains and fans of them. */
import { seededRandom } from '../../src/core/index.js';
import { TaskGraph } from '../../src/schedule/index.js';
import type { TaskNode } from '../../src/schedule/index.js';

/** An agent task that is its own phase, starting from `startFrom` (null: the run's base). */
export function agentNode(id: string, weightMs: number, startFrom: string | null = null): TaskNode {
  return { kind: 'agent', id, phase: id, startFrom, weightMs };
}

/**
 * `count` graphs of `tasks` agent tasks each; a task starts from an earlier one with probability
 * `linked`, and weighs between 50 ms and 2 s, most of them short.
 */
export function randomGraphs(
  seed: number,
  options: { count: number; tasks: number; linked: number },
): TaskGraph[] {
  const random = seededRandom(seed);
  return Array.from({ length: options.count }, () => {
    const tasks: TaskNode[] = [];
    for (let i = 0; i < options.tasks; i++) {
      const from = i > 0 && random() < options.linked ? `t${Math.floor(random() * i)}` : null;
      tasks.push(agentNode(`t${i}`, Math.round(50 + 2000 * random() ** 3), from));
    }
    return new TaskGraph(tasks);
  });
}
