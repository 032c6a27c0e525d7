import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBarrier } from '../helpers/barrier.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

const node = process.execPath;

describe('run with a barrier', () => {
  it('reaches exactly max_parallel with 15 independent phases and merges every branch', async () => {
    await using repo = await createTempRepo();
    await using barrier = await createBarrier({ target: 10, total: 15 });
    const phases = Array.from({ length: 15 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
    const plan = [
      'version: 1',
      'max_parallel: 10',
      'agent:',
      `  command: [${JSON.stringify(node)}, ${JSON.stringify(fixtureAgent('barrier.mjs'))}, ${JSON.stringify(barrier.socketPath)}, "{phase}", "out/{phase}.txt"]`,
      'phases:',
      ...phases.map((id) => `  - { id: ${id}, prompt: "work ${id}" }`),
    ].join('\n');
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.summary?.tasks.filter((t) => t.status !== 'succeeded').map((t) => `${t.id}: ${t.reason}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(barrier.timedOut).toBe(false);
    expect(barrier.peakHeld).toBe(10);
    expect(result.summary?.peak_concurrency).toBe(10);
    expect(result.summary?.peak_concurrency_events).toBe(10);
    const files = (await repo.git('ls-tree', '-r', '--name-only', result.summary?.result_branch ?? 'missing', 'out')).split('\n');
    expect(files).toEqual(phases.map((id) => `out/${id}.txt`));
  });
});
