import { describe, expect, it } from 'vitest';
import {
  TaskGraph,
  ancestryBoundMs,
  scheduleBounds,
  searchRanks,
} from '../../src/schedule/index.js';
import { agentNode as agent, randomGraphs } from '../helpers/random-graphs.js';

describe('ancestryBoundMs', () => {
  it('counts the work that must end before a long task can start', () => {
    // Four 100 ms tasks on two slots take 200 ms before the merge; the long task waits for it.
    const graph = new TaskGraph([
      agent('a1', 100),
      agent('a2', 100),
      agent('a3', 100),
      agent('a4', 100),
      { kind: 'merge', id: 'm', phase: 'm', sources: ['a1', 'a2', 'a3', 'a4'], weightMs: 1 },
      agent('long', 1000, 'm'),
    ]);
    expect(scheduleBounds(graph, 2).lowerBoundMs).toBe(1101);
    expect(ancestryBoundMs(graph, 2)).toBe(1201);
    // And a schedule reaches it: the bound is exact here.
    expect(searchRanks(graph, 2).makespanMs).toBe(1201);
  });

  it('counts the work that must follow a task, too', () => {
    const graph = new TaskGraph([
      agent('first', 1000),
      agent('b1', 100, 'first'),
      agent('b2', 100, 'first'),
      agent('b3', 100, 'first'),
      agent('b4', 100, 'first'),
    ]);
    expect(scheduleBounds(graph, 2).lowerBoundMs).toBe(1100);
    expect(ancestryBoundMs(graph, 2)).toBe(1200);
  });

  it('lies between the simple bound and every schedule on random graphs', () => {
    for (const graph of randomGraphs(11, { count: 40, tasks: 30, linked: 0.6 })) {
      const bound = ancestryBoundMs(graph, 3);
      expect(bound).toBeGreaterThanOrEqual(scheduleBounds(graph, 3).lowerBoundMs);
      expect(bound).toBeLessThanOrEqual(searchRanks(graph, 3).makespanMs + 1e-6);
    }
  });
});
