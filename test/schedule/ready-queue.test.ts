import { describe, expect, it } from 'vitest';
import {
  ReadyQueue,
  TaskGraph,
  remainingPathWeights,
  scheduleBounds,
  simulateSchedule,
} from '../../src/schedule/index.js';

describe('ReadyQueue', () => {
  it('pops the highest rank first and breaks ties by declaration order', () => {
    const rank: Record<string, number> = { a: 1, b: 5, c: 5, d: 3 };
    const order = ['a', 'b', 'c', 'd'];
    const queue = new ReadyQueue({ rank: (id) => rank[id] ?? 0, order: (id) => order.indexOf(id) });
    for (const id of ['d', 'c', 'a', 'b']) queue.push(id);
    expect(queue.drain()).toEqual(['b', 'c', 'd', 'a']);
  });

  it('stays ordered through many random pushes and pops', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const ranks = new Map<string, number>();
    const queue = new ReadyQueue({
      rank: (id) => ranks.get(id) ?? 0,
      order: (id) => Number(id.slice(1)),
    });
    const model: string[] = [];
    for (let i = 0; i < 2000; i++) {
      if (random() < 0.6 || model.length === 0) {
        const id = `t${i}`;
        ranks.set(id, Math.floor(random() * 50));
        queue.push(id);
        model.push(id);
      } else {
        model.sort(
          (a, b) =>
            (ranks.get(b) ?? 0) - (ranks.get(a) ?? 0) || Number(a.slice(1)) - Number(b.slice(1)),
        );
        expect(queue.pop()).toBe(model.shift());
      }
    }
  });
});

describe('critical path', () => {
  const graph = new TaskGraph([
    { kind: 'agent', id: 'a', phase: 'a', startFrom: null, weightMs: 10 },
    { kind: 'agent', id: 'b', phase: 'b', startFrom: 'a', weightMs: 30 },
    { kind: 'agent', id: 'c', phase: 'c', startFrom: 'a', weightMs: 5 },
    { kind: 'merge', id: 'm', phase: 'm', sources: ['b', 'c'], weightMs: 1 },
    { kind: 'agent', id: 'solo', phase: 'solo', startFrom: null, weightMs: 20 },
  ]);

  it('weighs each task by its longest remaining chain', () => {
    expect(Object.fromEntries(remainingPathWeights(graph))).toEqual({
      a: 41,
      b: 31,
      c: 6,
      m: 1,
      solo: 20,
    });
  });

  it('bounds the makespan by max(critical path, work / max_parallel)', () => {
    expect(scheduleBounds(graph, 2)).toEqual({
      criticalPathMs: 41,
      workMs: 65,
      lowerBoundMs: 41,
      criticalPath: ['a', 'b', 'm'],
    });
    expect(scheduleBounds(graph, 1).lowerBoundMs).toBe(65);
  });

  it('simulates the longest path first and reaches the bound here', () => {
    const simulation = simulateSchedule(graph, 2);
    expect(simulation.makespanMs).toBe(41);
    expect(simulation.tasks.slice(0, 2).map((t) => t.id)).toEqual(['a', 'solo']);
  });
});
