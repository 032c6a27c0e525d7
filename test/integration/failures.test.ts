import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPids, waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgent, fixtureAgentYaml } from '../helpers/temp-repo.js';

const node = JSON.stringify(process.execPath);
const agent = fixtureAgentYaml;

const FAIL_WHEN_FILE_HAS_TWO_LINES = `
const fs = require('node:fs');
const check = () => {
  const text = fs.existsSync(process.argv[1]) ? fs.readFileSync(process.argv[1], 'utf8') : '';
  if (text.split('\\n').filter(Boolean).length >= 2) { console.log('about to fail'); process.exit(4); }
  setTimeout(check, 20);
};
check();`;

describe('failures in a real run', () => {
  it('fail-fast kills the running agent tree and cancels what has not started', async () => {
    await using repo = await createTempRepo();
    const pidFile = join(repo.dir, '.subplan', 'test-pids');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 2',
        'phases:',
        `  - { id: hang, prompt: h, agent: ${agent('spawn-grandchild.mjs', pidFile)} }`,
        // boom fails only once hang's whole tree is up, so the kill has something to kill.
        `  - { id: boom, prompt: b, agent: { command: [${node}, "-e", ${JSON.stringify(FAIL_WHEN_FILE_HAS_TWO_LINES)}, ${JSON.stringify(pidFile)}] }, depends_on: [gate] }`,
        `  - { id: gate, prompt: g, agent: ${agent('write-files.mjs', 'gate.txt=ok')} }`,
        `  - { id: later, prompt: l, agent: ${agent('write-files.mjs', 'later.txt=ok')}, depends_on: [hang] }`,
      ].join('\n'),
    );
    const running = runSubplan(['run', 'plan.yaml', '--fail-fast', '--json'], { cwd: repo.dir });
    const [child, grandchild] = await readPids(pidFile, 2);
    const result = await running;
    expect(result.exitCode).toBe(1);
    const status = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t.status]) ?? []);
    expect(status).toEqual({
      hang: 'cancelled',
      gate: 'succeeded',
      boom: 'failed',
      later: 'cancelled',
      result: 'cancelled',
    });
    expect(await waitForExit(child ?? 0)).toBe(true);
    expect(await waitForExit(grandchild ?? 0)).toBe(true);
    const boom = result.summary?.tasks.find((t) => t.id === 'boom');
    expect(boom?.reason).toBe('the agent exited with code 4; its last output: about to fail');
    // A failed task keeps its worktree for inspection.
    const boomStart = result.events.find((e) => e.type === 'task-started' && e.task === 'boom');
    expect(boomStart?.type === 'task-started' && existsSync(boomStart.worktree)).toBe(true);
  });

  it('an interrupt stops the agents and ends the run as interrupted (exit 130)', async () => {
    await using repo = await createTempRepo();
    const pidFile = join(repo.dir, '.subplan', 'test-pid');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: ${agent('sleep-forever.mjs', pidFile)}`,
        'phases:',
        '  - { id: a, prompt: x }',
        '  - { id: b, prompt: y, depends_on: [a] }',
      ].join('\n'),
    );
    const controller = new AbortController();
    const running = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      signal: controller.signal,
    });
    const [pid] = await readPids(pidFile);
    controller.abort();
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.summary?.status).toBe('interrupted');
    expect(result.summary?.tasks.map((t) => [t.id, t.status])).toEqual([
      ['a', 'cancelled'],
      ['b', 'cancelled'],
      ['result', 'cancelled'],
    ]);
    expect(await waitForExit(pid ?? 0)).toBe(true);
  });

  it('a timeout fails the task with its reason; retries run it again', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - id: slow`,
        `    prompt: x`,
        `    agent: { command: [${node}, ${JSON.stringify(fixtureAgent('sleep-forever.mjs'))}], timeout: 300ms, retries: 1 }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(1);
    const slow = result.summary?.tasks.find((t) => t.id === 'slow');
    expect(slow).toMatchObject({ status: 'failed', attempts: 2 });
    expect(slow?.reason).toContain('ran longer than its timeout (300 ms)');
    expect(result.events.filter((e) => e.type === 'task-started').length).toBe(2);
    expect(result.events.some((e) => e.type === 'warning' && e.message.includes('retrying'))).toBe(
      true,
    );
  });

  it('a merge conflict ends the run with exit 3, naming the tasks and files, and keeps the branches', async () => {
    await using repo = await createTempRepo({ 'shared.txt': 'base\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: left, prompt: l, agent: ${agent('write-files.mjs', 'shared.txt=left')} }`,
        `  - { id: right, prompt: r, agent: ${agent('write-files.mjs', 'shared.txt=right')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml'], { cwd: repo.dir });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('CONFLICT merging left, right: shared.txt');
    const branches = await repo.git('branch', '--list', 'subplan/*', '--format=%(refname:short)');
    expect(branches.split('\n').map((b) => b.split('/').at(-1))).toEqual(['left', 'right']);
  });
});
