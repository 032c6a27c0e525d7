import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, runPaths } from '../../src/state/index.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo } from '../helpers/temp-repo.js';
import type { TempRepo } from '../helpers/temp-repo.js';

interface CleanOutput {
  cleaned: { run_id: string; branches: number }[];
  kept: { run_id: string; branch: string; reason: string }[];
  skipped: { run_id: string; reason: string }[];
}

/** Runs a two-phase plan to success and returns its run id. */
async function finishedRun(repo: TempRepo): Promise<string> {
  await writeFile(
    join(repo.dir, 'plan.yaml'),
    [
      'version: 1',
      'agent: { preset: demo }',
      'phases:',
      '  - { id: one, prompt: x }',
      '  - { id: two, prompt: y, depends_on: [one] }',
    ].join('\n'),
  );
  const run = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
  expect(run.exitCode).toBe(0);
  return run.summary?.run_id ?? '';
}

describe('subplan clean', () => {
  it('keeps a run branch checked out in my checkout, with the commit I made on it', async () => {
    await using repo = await createTempRepo();
    const runId = await finishedRun(repo);
    await repo.git('switch', '--quiet', `subplan/${runId}/result`);
    await repo.write({ 'fix.txt': 'fix\n' });
    await repo.git('add', 'fix.txt');
    const mine = await repo.commitAll('my fix');

    const cleaned = await runSubplan(['clean', '--all'], { cwd: repo.dir });
    expect(cleaned.exitCode).toBe(0);
    expect(cleaned.stderr).toContain(
      `kept subplan/${runId}/result: checked out in ${await repo.git('rev-parse', '--show-toplevel')}`,
    );
    expect(await repo.git('rev-parse', 'HEAD')).toBe(mine);
    expect(await repo.git('branch', '--show-current')).toBe(`subplan/${runId}/result`);
    // The rest of the run is gone.
    expect(
      await repo.git('branch', '--list', `subplan/${runId}/*`, '--format=%(refname:short)'),
    ).toBe(`subplan/${runId}/result`);
  });

  it('keeps a run branch I committed on and left, and one checked out in a worktree of mine', async () => {
    await using repo = await createTempRepo();
    await using elsewhere = await createTempDir();
    const runId = await finishedRun(repo);
    await repo.git('switch', '--quiet', `subplan/${runId}/one`);
    await repo.write({ 'fix.txt': 'fix\n' });
    const mine = await repo.commitAll('my fix');
    await repo.git('switch', '--quiet', 'main');
    const worktree = join(elsewhere.dir, 'wt');
    await repo.git('worktree', 'add', '--quiet', worktree, `subplan/${runId}/two`);

    const cleaned = await runSubplan(['clean', runId.slice(0, 15), '--json'], { cwd: repo.dir });
    expect(cleaned.exitCode).toBe(0);
    const output = JSON.parse(cleaned.stdout) as CleanOutput;
    expect(output.cleaned).toEqual([expect.objectContaining({ run_id: runId, branches: 1 })]);
    expect(output.kept).toEqual([
      {
        run_id: runId,
        branch: `subplan/${runId}/one`,
        reason: expect.stringContaining('has commits the run did not make') as unknown,
      },
      {
        run_id: runId,
        branch: `subplan/${runId}/two`,
        reason: `checked out in ${worktree}`,
      },
    ]);
    expect(await repo.git('rev-parse', `subplan/${runId}/one`)).toBe(mine);
    expect(await repo.git('branch', '--list', `subplan/${runId}/result`)).toBe('');
    expect(await repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('refuses with exit 2 to clean a run named on the command line that a live process holds', async () => {
    await using repo = await createTempRepo();
    const held = runPaths(repo.dir, 'r-held');
    await mkdir(held.runDir, { recursive: true });
    const lock = await acquireRunLock(held.runDir, 'r-held');
    try {
      const named = await runSubplan(['clean', 'r-held'], { cwd: repo.dir });
      expect(named.exitCode).toBe(2);
      expect(named.stderr).toContain(`run r-held is in use by process ${String(process.pid)}`);
      // --all leaves it too, says so, and is not an error: the other runs were cleaned.
      const all = await runSubplan(['clean', '--all'], { cwd: repo.dir });
      expect(all.exitCode).toBe(0);
      expect(all.stderr).toContain(`left r-held: run r-held is in use by process`);
    } finally {
      await lock.release();
    }
  });
});
