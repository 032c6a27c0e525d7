import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createBarrier } from '../helpers/barrier.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

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
    expect(
      result.summary?.tasks
        .filter((t) => t.status !== 'succeeded')
        .map((t) => `${t.id}: ${t.reason}`),
    ).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(barrier.timedOut).toBe(false);
    expect(barrier.peakHeld).toBe(10);
    expect(result.summary?.peak_concurrency).toBe(10);
    expect(result.summary?.peak_concurrency_events).toBe(10);
    const files = (
      await repo.git(
        'ls-tree',
        '-r',
        '--name-only',
        result.summary?.result_branch ?? 'missing',
        'out',
      )
    ).split('\n');
    expect(files).toEqual(phases.map((id) => `out/${id}.txt`));
  });
});

describe('a run and the repository around it', () => {
  it("never touches the user's checkout, pools its worktrees for the next run and records durations", async () => {
    await using repo = await createTempRepo({
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 2;\n',
    });
    await writeFile(join(repo.dir, 'src', 'a.ts'), 'export const a = 100; // uncommitted\n');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'agent: { preset: demo }',
        'phases:',
        '  - { id: one, prompt: "First", files: ["src/a.ts"] }',
        '  - { id: two, prompt: "Second", files: ["src/b.ts"], depends_on: [one] }',
      ].join('\n'),
    );
    const before = await repo.git('status', '--porcelain');
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(
      result.summary?.tasks.filter((t) => t.reason !== null).map((t) => `${t.id}: ${t.reason}`),
    ).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(await repo.git('status', '--porcelain')).toBe(before);
    expect(result.events.find((e) => e.type === 'warning')).toMatchObject({
      message: expect.stringContaining('uncommitted changes') as unknown,
    });
    expect(await repo.git('branch', '--show-current')).toBe('main');
    expect(await repo.git('show', `${result.summary?.result_branch ?? ''}:src/a.ts`)).toBe(
      'export const a = 1;\n// one: First',
    );
    expect(await repo.git('show', `${result.summary?.result_branch ?? ''}:src/b.ts`)).toBe(
      'export const b = 2;\n// two: Second',
    );
    // `two` ran after `one` had finished, in the worktree `one` left: reset, not checked out anew.
    const started = (run: typeof result) =>
      run.events.flatMap((e) => (e.type === 'task-started' ? [e.worktree] : []));
    expect(started(result)).toHaveLength(2);
    expect(new Set(started(result)).size).toBe(1);
    // That worktree waits in the pool for the next run, off the run's branches.
    const registered = async () =>
      (await repo.git('worktree', 'list', '--porcelain'))
        .split('\n\n')
        .filter((entry) => entry.includes('/.subplan/worktrees/'));
    const pooled = await registered();
    expect(pooled).toHaveLength(1);
    expect(pooled[0]).toMatch(/\/\.subplan\/worktrees\/pool\/.*\ndetached\n?$/s);

    // The next run takes it from the pool (under its own folder) and gives it back at the end.
    const again = await runSubplan(['run', 'plan.yaml', '--json', '--no-cache'], { cwd: repo.dir });
    expect(again.exitCode).toBe(0);
    expect(new Set(started(again))).toEqual(
      new Set([join(repo.dir, '.subplan', 'worktrees', again.summary?.run_id ?? '', 'p1')]),
    );
    expect(await registered()).toHaveLength(1);
    const cleaned = await runSubplan(['clean', '--all', '--json'], { cwd: repo.dir });
    expect(JSON.parse(cleaned.stdout)).toMatchObject({ pooled_worktrees: 1 });
    expect(await registered()).toEqual([]);
    expect(await repo.git('branch', '--list', 'subplan/*')).toBe('');

    const preview = await runSubplan(['plan', 'plan.yaml', '--json'], { cwd: repo.dir });
    const plan = JSON.parse(preview.stdout) as { tasks: { id: string; weight_source: string }[] };
    expect(
      plan.tasks.filter((t) => t.id === 'one' || t.id === 'two').map((t) => t.weight_source),
    ).toEqual(['history', 'history']);
    const readable = await runSubplan(['plan', 'plan.yaml'], { cwd: repo.dir });
    expect(readable.stdout).toMatch(/^critical path: .*\nlower bound: /m);
    expect(readable.stderr).toBe('');
  });

  it('rejects a base that does not resolve with exit 2 and writes nothing', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'base: no-such-branch',
        'agent: { preset: demo }',
        'phases:',
        '  - { id: a, prompt: x }',
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml'], { cwd: repo.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('`no-such-branch` does not name a commit');
    expect(await repo.git('branch', '--list', 'subplan/*')).toBe('');
  });

  it('says plainly when the repository has no commits or the folder does not exist', async () => {
    await using scratch = await createTempDir('subplan-unborn-');
    await execa('git', ['init', '--quiet', scratch.dir]);
    const plan = ['version: 1', 'agent: { preset: demo }', 'phases:', '  - { id: a, prompt: x }'];
    await writeFile(join(scratch.dir, 'plan.yaml'), plan.join('\n'));
    const unborn = await runSubplan(['run', 'plan.yaml'], { cwd: scratch.dir });
    expect(unborn.exitCode).toBe(2);
    expect(unborn.stderr).toContain('has no commits yet');
    const missing = join(scratch.dir, 'no-such-folder');
    const elsewhere = await runSubplan(['run', 'plan.yaml', '--repo', missing], {
      cwd: scratch.dir,
    });
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toContain(`${missing} does not exist`);
    expect(elsewhere.stderr).not.toContain('ENOENT');
  });
});

describe('a decomposed phase', () => {
  it('gives every leaf agent exactly its files and merges the leaves up into the phase branch', async () => {
    const files = Object.fromEntries(
      ['a', 'b', 'c'].flatMap((dir) =>
        [1, 2, 3].map((i) => [`src/${dir}/f${i}.ts`, `// ${dir}${i}\n`]),
      ),
    );
    await using repo = await createTempRepo(files);
    const copyList =
      "const fs = require('node:fs'); fs.mkdirSync('lists', { recursive: true }); fs.copyFileSync(process.argv[1], 'lists/' + process.argv[2] + '.txt');";
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'decompose: { max_files_per_subplan: 3, min_files_per_subplan: 1 }',
        'phases:',
        '  - id: edit',
        '    prompt: x',
        '    files: ["src/**"]',
        '    decompose: true',
        `    agent: { command: [${JSON.stringify(node)}, "-e", ${JSON.stringify(copyList)}, "{files_file}", "{subplan}"] }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const tasks = result.summary?.tasks.map((t) => [t.id, t.kind]);
    expect(tasks).toEqual([
      ['edit.1', 'agent'],
      ['edit.2', 'agent'],
      ['edit.3', 'agent'],
      ['edit', 'merge'],
      ['result', 'merge'],
    ]);
    const phaseBranch = result.summary?.tasks.find((t) => t.id === 'edit')?.branch ?? '';
    expect(phaseBranch).toMatch(/^subplan\/[^/]+\/edit$/);
    for (const [leaf, dir] of [
      ['edit.1', 'a'],
      ['edit.2', 'b'],
      ['edit.3', 'c'],
    ] as const) {
      expect(await repo.git('show', `${phaseBranch}:lists/${leaf}.txt`)).toBe(
        [1, 2, 3].map((i) => `src/${dir}/f${i}.ts`).join('\n'),
      );
    }
  });
});
