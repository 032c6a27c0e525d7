import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPids, waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgentYaml } from '../helpers/temp-repo.js';

const agent = fixtureAgentYaml;

/** Two phases that change the same line, so merging them into the result conflicts. */
async function conflictingPlan(dir: string, resolver: string): Promise<void> {
  await writeFile(
    join(dir, 'plan.yaml'),
    [
      'version: 1',
      `merge: { on_conflict: agent, resolver: ${resolver} }`,
      'phases:',
      `  - { id: left, prompt: l, agent: ${agent('write-files.mjs', 'shared.txt=left\\n', 'left.txt=l')} }`,
      `  - { id: right, prompt: r, agent: ${agent('write-files.mjs', 'shared.txt=right\\n')} }`,
      `  - { id: tail, prompt: t, agent: ${agent('write-files.mjs', 'tail.txt=t')} }`,
    ].join('\n'),
  );
}

describe('the conflict resolver', () => {
  it('resolves a conflicted merge into a merge commit of both sides and goes on', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    await conflictingPlan(repo.dir, agent('resolve-conflicts.mjs', '{conflicts}'));
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const runId = result.summary?.run_id ?? '';
    const branch = `subplan/${runId}/result`;
    expect(await repo.git('show', `${branch}:shared.txt`)).toBe('left\nright');
    expect(await repo.git('show', `${branch}:left.txt`)).toBe('l');
    // Merging goes on after the resolved conflict: tail is merged onto the resolver's commit.
    expect(await repo.git('show', `${branch}:tail.txt`)).toBe('t');
    const commitOf = (id: string) => result.summary?.tasks.find((t) => t.id === id)?.commit;
    const [, resolved, tail] = (await repo.git('rev-list', '--parents', '-n', '1', branch)).split(
      ' ',
    );
    expect(tail).toBe(commitOf('tail'));
    const [, ...parents] = (
      await repo.git('rev-list', '--parents', '-n', '1', resolved ?? '')
    ).split(' ');
    expect(parents).toEqual([commitOf('left'), commitOf('right')]);
    const finished = result.events.find((e) => e.type === 'merge-finished');
    expect(finished?.type === 'merge-finished' && finished.resolved_conflicts).toEqual([
      { source: 'right', files: ['shared.txt'] },
    ]);
    const log = await readFile(
      join(repo.dir, '.subplan', 'runs', runId, 'logs', 'result.log'),
      'utf8',
    );
    expect(log).toBe('resolving shared.txt\n');
    expect(existsSync(join(repo.dir, '.subplan', 'worktrees', runId, 'result.resolve'))).toBe(
      false,
    );
    expect(await repo.git('branch', '--list', `subplan/${runId}/result.resolve`)).toBe('');
  });

  it('rejects a resolution that leaves conflict markers, names the files and keeps the worktree', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    await conflictingPlan(
      repo.dir,
      agent('resolve-conflicts.mjs', '--leave-markers', '{conflicts}'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(3);
    const merge = result.summary?.tasks.find((t) => t.id === 'result');
    expect(merge).toMatchObject({ status: 'conflict', conflict_files: ['shared.txt'] });
    expect(merge?.reason).toBe(
      'merging left, right conflicts in shared.txt; the resolver did not resolve it: conflict markers remain in shared.txt',
    );
    const runId = result.summary?.run_id ?? '';
    const kept = join(repo.dir, '.subplan', 'worktrees', runId, 'result.resolve');
    expect(await readFile(join(kept, 'shared.txt'), 'utf8')).toContain('<<<<<<< ');
    expect(await repo.git('branch', '--list', `subplan/${runId}/result`)).toBe('');
  });

  it('fails the merge as before when the resolver exits non-zero', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    await conflictingPlan(repo.dir, agent('exit-nonzero.mjs', '5'));
    const result = await runSubplan(['run', 'plan.yaml'], { cwd: repo.dir });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(
      'CONFLICT merging left, right: shared.txt (the resolver did not resolve it: the resolver exited with code 5; its last output: about to fail)',
    );
    expect(result.stderr).toContain('[result] about to fail');
  });

  it('kills the resolver on Ctrl-C: the merge is cancelled and the run interrupted', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    const pidFile = join(repo.dir, '.subplan', 'resolver-pid');
    await conflictingPlan(repo.dir, agent('sleep-forever.mjs', pidFile));
    const controller = new AbortController();
    const running = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const [pid] = await readPids(pidFile);
    controller.abort();
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.summary?.tasks.find((t) => t.id === 'result')?.status).toBe('cancelled');
    expect(await waitForExit(pid ?? 0)).toBe(true);
  });
});
