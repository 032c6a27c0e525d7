import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/index.js';
import { runSubplan } from '../helpers/run-cli.js';
import {
  createTempRepo,
  fixtureAgent,
  fixtureAgentYaml,
  fixtureArgvYaml,
} from '../helpers/temp-repo.js';

const node = JSON.stringify(process.execPath);
const argv = fixtureArgvYaml;
const agent = fixtureAgentYaml;
/** Passes when value.txt holds `ok`. */
const CHECK = argv('check-file.mjs', 'value.txt', 'ok');

function verifyEvents(events: readonly RunEvent[], task: string) {
  return events.flatMap((e) =>
    e.type === 'verify-finished' && e.task === task
      ? [{ attempt: e.attempt, passed: e.passed, commit: e.commit }]
      : [],
  );
}

describe('the verify gate', () => {
  it('runs on a decomposed phase merged result before its dependents start', async () => {
    await using repo = await createTempRepo({ 'src/one.txt': '1\n', 'src/two.txt': '2\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: ${agent('write-files.mjs', 'value.txt=ok')}`,
        'phases:',
        '  - id: a',
        '    prompt: x',
        '    files: ["src/**"]',
        '    decompose: { max_files_per_subplan: 1, min_files_per_subplan: 1 }',
        `    verify: [${CHECK}]`,
        `  - { id: b, prompt: y, depends_on: [a], agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const tasks = new Map(result.summary?.tasks.map((t) => [t.id, t]));
    expect(tasks.get('a')?.kind).toBe('merge');
    expect(verifyEvents(result.events, 'a')).toEqual([
      { attempt: 1, passed: true, commit: tasks.get('a')?.commit },
    ]);
    const order = result.events.flatMap((e) =>
      (e.type === 'verify-finished' && e.task === 'a') ||
      (e.type === 'task-started' && e.task === 'b')
        ? [e.type]
        : [],
    );
    expect(order).toEqual(['verify-finished', 'task-started']);
    const runId = result.summary?.run_id ?? '';
    const log = await readFile(join(repo.dir, '.subplan', 'runs', runId, 'logs', 'a.log'), 'utf8');
    expect(log).toContain('check-file.mjs value.txt ok\nchecking value.txt\n');
    expect(existsSync(join(repo.dir, '.subplan', 'worktrees', runId, 'a.verify'))).toBe(false);
  });

  it("gets the phase's setup and copied files before its commands, as the agent's worktree did", async () => {
    await using repo = await createTempRepo({ '.gitignore': 'deps/\n.env\n' });
    await repo.write({ '.env': 'ok' });
    const setup = `[${node}, "-e", ${JSON.stringify("require('node:fs').mkdirSync('deps'); require('node:fs').writeFileSync('deps/value.txt', 'ok')")}]`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        '  - id: a',
        '    prompt: x',
        `    setup: [${setup}]`,
        '    copy: [".env"]',
        `    agent: ${agent('write-files.mjs', 'a.txt=a')}`,
        `    verify: [${argv('check-file.mjs', 'deps/value.txt', 'ok')}, ${argv('check-file.mjs', '.env', 'ok')}]`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.summary?.tasks.find((t) => t.id === 'a')?.reason ?? null).toBe(null);
    expect(result.exitCode).toBe(0);
    expect(verifyEvents(result.events, 'a').map((e) => e.passed)).toEqual([true]);
  });

  it('fails the phase without a fix: dependents are skipped and the summary names the command', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `verify: [${CHECK}]`,
        'phases:',
        `  - id: a`,
        `    prompt: x`,
        `    agent: { command: ${argv('write-files.mjs', 'value.txt=bad')}, retries: 2 }`,
        `  - { id: b, prompt: y, depends_on: [a], agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
        `  - { id: c, prompt: z, verify: [], agent: ${agent('write-files.mjs', 'c.txt=c')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(1);
    const tasks = new Map(result.summary?.tasks.map((t) => [t.id, t]));
    expect(tasks.get('a')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(tasks.get('a')?.reason).toBe(
      `verify failed: \`${process.execPath} ${fixtureAgent('check-file.mjs')} value.txt ok\` exited with code 1`,
    );
    expect(tasks.get('b')?.status).toBe('skipped');
    expect(tasks.get('c')?.status).toBe('succeeded');
    expect(verifyEvents(result.events, 'c')).toEqual([]);
    expect(result.events.filter((e) => e.type === 'task-started' && e.task === 'a')).toHaveLength(
      1,
    );
  });

  it('lets the fix agent repair a failing verify; dependents start from the fixed commit', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - id: a`,
        `    prompt: x`,
        `    agent: ${agent('write-files.mjs', 'value.txt=bad')}`,
        `    verify: [${CHECK}]`,
        `    fix: ${agent('fix-from-output.mjs', '{verify_output}')}`,
        `  - { id: b, prompt: y, depends_on: [a], agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const runId = result.summary?.run_id ?? '';
    const fixed = result.summary?.tasks.find((t) => t.id === 'a')?.commit ?? '';
    const [first, second] = verifyEvents(result.events, 'a');
    expect(first).toMatchObject({ attempt: 1, passed: false });
    expect(second).toEqual({ attempt: 2, passed: true, commit: fixed });
    // The fix is a commit on top of the agent's, on the phase's branch.
    expect(await repo.git('rev-parse', `${fixed}^`)).toBe(first?.commit);
    expect(await repo.git('rev-parse', `subplan/${runId}/a`)).toBe(fixed);
    expect(await repo.git('show', `${fixed}:value.txt`)).toBe('ok');
    const bStarted = result.events.find((e) => e.type === 'task-started' && e.task === 'b');
    expect(bStarted?.type === 'task-started' && bStarted.base_commit).toBe(fixed);
    expect(await repo.git('show', `subplan/${runId}/result:value.txt`)).toBe('ok');
    const log = await readFile(join(repo.dir, '.subplan', 'runs', runId, 'logs', 'a.log'), 'utf8');
    expect(log).toContain('fixed value.txt\n');
    // Verify and its fix work on a detached worktree: the run's branches are the usual ones.
    const branches = await repo.git(
      'branch',
      '--list',
      `subplan/${runId}/*`,
      '--format=%(refname:short)',
    );
    expect(branches.split('\n').map((b) => b.split('/').at(-1))).toEqual(['a', 'b', 'result']);
  });

  it('fails the phase when the fix agent does not repair it, keeping the verify worktree', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - id: a`,
        `    prompt: x`,
        `    agent: ${agent('write-files.mjs', 'value.txt=bad')}`,
        `    verify: [${CHECK}]`,
        `    fix: ${agent('write-files.mjs', 'value.txt=still bad')}`,
        `  - { id: b, prompt: y, depends_on: [a], agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(1);
    const tasks = new Map(result.summary?.tasks.map((t) => [t.id, t]));
    expect(tasks.get('a')?.status).toBe('failed');
    expect(tasks.get('a')?.reason).toContain("exited with code 1 after the fix agent's attempt");
    expect(tasks.get('b')?.status).toBe('skipped');
    expect(verifyEvents(result.events, 'a').map((e) => e.passed)).toEqual([false, false]);
    const runId = result.summary?.run_id ?? '';
    const kept = join(repo.dir, '.subplan', 'worktrees', runId, 'a.verify');
    expect(await readFile(join(kept, 'value.txt'), 'utf8')).toBe('still bad');
  });

  it('leaves a failed verify resumable: resume runs the phase and its verify again', async () => {
    await using repo = await createTempRepo();
    // The check reads a file outside the repository, which the test fixes between the runs.
    const gate = join(repo.dir, '.subplan', 'gate.txt');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - id: a`,
        `    prompt: x`,
        `    agent: ${agent('write-files.mjs', 'value.txt=ok')}`,
        `    verify: [${argv('check-file.mjs', gate, 'open')}]`,
        `  - { id: b, prompt: y, depends_on: [a], agent: ${agent('write-files.mjs', 'b.txt=b')} }`,
      ].join('\n'),
    );
    const failed = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(failed.exitCode).toBe(1);
    await writeFile(gate, 'open');
    const runId = failed.summary?.run_id ?? '';
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.tasks.map((t) => [t.id, t.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['result', 'succeeded'],
    ]);
    expect(verifyEvents(resumed.events, 'a').map((e) => e.passed)).toEqual([true]);
  });
});
