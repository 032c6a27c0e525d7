import { describe, expect, it } from 'vitest';
import { createBatched } from '../../src/distributed/batched.js';

describe('createBatched', () => {
  it('serves calls made while one runs together in the next batch, in order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const call = createBatched<number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate;
    });
    const first = call(1);
    const rest = [call(2), call(3), call(4)];
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails only the item that fails when a batch of several fails', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const call = createBatched<string>(async (items) => {
      if (calls++ === 0) await gate;
      if (items.includes('bad')) throw new Error('bad item');
    });
    const first = call('first');
    const good = call('good');
    const bad = call('bad');
    release();
    await expect(first).resolves.toBeUndefined();
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('bad item');
  });
});
