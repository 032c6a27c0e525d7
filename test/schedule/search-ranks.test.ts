import { describe, expect, it } from 'vitest';
import {
  TaskGraph,
  remainingPathWeights,
  scheduleBounds,
  searchRanks,
  simulateSchedule,
} from '../../src/schedule/index.js';
import { agentNode as agent, randomGraphs } from '../helpers/random-graphs.js';

// Two slots, tasks of 3, 3, 2, 2 and 2 s: longest first puts both 3s side by side and ends at 7 s;
// one slot running 3 + 3 and the other 2 + 2 + 2 ends at 6 s, the bound (12 s of work / 2).
const pairs = new TaskGraph([
  agent('big1', 3000),
  agent('big2', 3000),
  agent('small1', 2000),
  agent('small2', 2000),
  agent('small3', 2000),
]);

describe('searchRanks', () => {
  it('finds an order that beats longest-path-first where that one leaves a slot idle', () => {
    expect(scheduleBounds(pairs, 2).lowerBoundMs).toBe(6000);
    expect(simulateSchedule(pairs, 2, { order: 'longest-path' }).makespanMs).toBe(7000);
    const search = searchRanks(pairs, 2);
    expect(search.longestPathMs).toBe(7000);
    expect(search.makespanMs).toBe(6000);
    // The default order is the searched one.
    expect(simulateSchedule(pairs, 2).makespanMs).toBe(6000);
  });

  it('keeps longest-path ranks, without searching, where they already reach the bound', () => {
    const chain = new TaskGraph([
      agent('a', 10),
      agent('b', 30, 'a'),
      agent('c', 5, 'a'),
      agent('solo', 20),
    ]);
    const search = searchRanks(chain, 2);
    expect(search.tries).toBe(0);
    expect(search.ranks).toEqual(remainingPathWeights(chain));
  });

  it('gives the same ranks every time for the same graph', () => {
    const first = [...searchRanks(pairs, 2).ranks];
    expect([...searchRanks(pairs, 2).ranks]).toEqual(first);
  });

  it('never simulates worse than longest-path-first on random graphs', () => {
    for (const graph of randomGraphs(7, { count: 30, tasks: 25, linked: 0.5 })) {
      const search = searchRanks(graph, 3);
      expect(search.makespanMs).toBeLessThanOrEqual(search.longestPathMs);
      expect(search.makespanMs).toBeGreaterThanOrEqual(scheduleBounds(graph, 3).lowerBoundMs);
    }
  });
});
