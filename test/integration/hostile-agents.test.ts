import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/index.js';
import { runPlan } from '../../src/run/index.js';
import { readPids, waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgent, fixtureAgentYaml } from '../helpers/temp-repo.js';
import type { TempRepo } from '../helpers/temp-repo.js';

const node = JSON.stringify(process.execPath);
const agent = fixtureAgentYaml;

async function runPhases(repo: TempRepo, phases: string[]) {
  await writeFile(
    join(repo.dir, 'plan.yaml'),
    ['version: 1', 'max_parallel: 1', 'phases:', ...phases].join('\n'),
  );
  return runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
}

/** What a person sees of their checkout: must not change whatever agents do. */
async function checkoutSnapshot(repo: TempRepo) {
  return {
    head: await repo.git('rev-parse', 'HEAD'),
    branch: await repo.git('symbolic-ref', 'HEAD'),
    status: await repo.git('status', '--porcelain', '--untracked-files=all'),
    diff: await repo.git('diff'),
    staged: await repo.git('diff', '--cached'),
  };
}

function task(result: Awaited<ReturnType<typeof runSubplan>>, id: string) {
  return result.summary?.tasks.find((t) => t.id === id);
}

describe('hostile agents', () => {
  it('an agent that deletes .git in its worktree fails, and nothing reaches the user’s checkout', async () => {
    await using repo = await createTempRepo();
    const before = await checkoutSnapshot(repo);
    const result = await runPhases(repo, [
      `  - { id: vandal, prompt: x, agent: ${agent('delete-path.mjs', '.git')} }`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'vandal')).toMatchObject({ status: 'failed' });
    expect(task(result, 'vandal')?.reason).toMatch(/broke its worktree .*\.git is gone/);
    // plan.yaml is the only change, made by the test itself.
    expect(await checkoutSnapshot(repo)).toEqual({
      ...before,
      status: '?? plan.yaml',
    });
  });

  it('an agent that checks out another branch fails, naming both branches', async () => {
    await using repo = await createTempRepo();
    const result = await runPhases(repo, [
      `  - { id: wander, prompt: x, agent: ${agent('git-commands.mjs', 'checkout --quiet -b elsewhere')} }`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'wander')?.reason).toMatch(
      /left its worktree on elsewhere instead of its branch subplan\/.*\/wander/,
    );
  });

  it('an agent that commits to the result branch fails, and the branch it made is removed', async () => {
    await using repo = await createTempRepo();
    const result = await runPhases(repo, [
      `  - { id: good, prompt: x, agent: ${agent('write-files.mjs', 'good.txt=ok')} }`,
      `  - id: sneaky`,
      `    prompt: x`,
      `    depends_on: [good]`,
      `    agent: ${agent('git-commands.mjs', 'checkout --quiet -b subplan/{run}/result', 'commit --quiet --allow-empty -m hijack')}`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'sneaky')?.reason).toMatch(/left its worktree on subplan\/.*\/result/);
    expect(task(result, 'sneaky')?.reason).toMatch(
      /created subplan\/.*\/result\); they were put back/,
    );
    const run = result.summary?.run_id ?? '';
    await expect(repo.git('rev-parse', '--verify', `subplan/${run}/result`)).rejects.toThrow();
  });

  it('an agent that moves another task’s branch fails, and the branch is put back', async () => {
    await using repo = await createTempRepo();
    const result = await runPhases(repo, [
      `  - { id: first, prompt: x, agent: ${agent('write-files.mjs', 'first.txt=ok')} }`,
      `  - id: mover`,
      `    prompt: x`,
      `    depends_on: [first]`,
      `    agent: ${agent('git-commands.mjs', 'branch --force subplan/{run}/first HEAD~1')}`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'mover')?.reason).toMatch(
      /changed branches of the run that are not its own \(moved subplan\/.*\/first from \w+ to \w+\); they were put back/,
    );
    const first = task(result, 'first');
    expect(first?.status).toBe('succeeded');
    const firstBranch = result.events.find((e) => e.type === 'task-started' && e.task === 'first');
    const branch = firstBranch?.type === 'task-started' ? firstBranch.branch : '';
    expect(await repo.git('show', `${branch}:first.txt`)).toBe('ok');
  });

  it('an agent that leaves conflict markers fails, naming the files', async () => {
    await using repo = await createTempRepo({ 'notes.md': 'Title\n=====\n' });
    const conflicted = '<<<<<<< ours\\na\\n=======\\nb\\n>>>>>>> theirs\\n';
    const result = await runPhases(repo, [
      `  - id: sloppy`,
      `    prompt: x`,
      `    agent: ${agent('write-files.mjs', `src/a.ts=${conflicted}`, 'notes.md=Title\\n=======\\n', 'b.ts=x\\n')}`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'sloppy')).toMatchObject({
      status: 'failed',
      reason: 'the agent left conflict markers in src/a.ts',
    });
  });

  it('kills 100 children an agent left behind when it exits', async () => {
    await using repo = await createTempRepo();
    const pidFile = join(repo.dir, '.subplan', 'test-pids');
    const result = await runPhases(repo, [
      `  - { id: forker, prompt: x, agent: ${agent('fork-children.mjs', '100', pidFile)} }`,
    ]);
    expect(result.exitCode).toBe(0);
    const pids = await readPids(pidFile, 100);
    expect(pids).toHaveLength(100);
    const gone = await Promise.all(pids.map((pid) => waitForExit(pid)));
    expect(gone.every(Boolean)).toBe(true);
  });

  it('kills a grandchild that left the process group and commits a consistent tree', async () => {
    await using repo = await createTempRepo();
    const pidFile = join(repo.dir, '.subplan', 'test-pid');
    const result = await runPhases(repo, [
      `  - { id: escaper, prompt: x, agent: ${agent('escape-and-write.mjs', pidFile, 'out.txt')} }`,
    ]);
    const [writer] = await readPids(pidFile);
    expect(await waitForExit(writer ?? 0)).toBe(true);
    expect(result.exitCode).toBe(0);
    const branch = result.summary?.result_branch ?? '';
    const lines = (await repo.git('show', `${branch}:out.txt`)).split('\n');
    const committed = Number(/^count (\d+)$/.exec(lines[0] ?? '')?.[1]);
    expect(lines.at(-1)).toBe(`end ${committed}`);
    // The writer's last version is the committed one (or, killed between its rename and this
    // note, the one before): it wrote nothing after the commit was made.
    const last = Number(await readFile(`${pidFile}.last`, 'utf8'));
    expect(last - committed).toBeGreaterThanOrEqual(-1);
    expect(last - committed).toBeLessThanOrEqual(0);
  });

  it('a timed-out agent that ignores SIGTERM is killed after the grace period', async () => {
    await using repo = await createTempRepo();
    // The timeout leaves node room to start and install its SIGTERM handler on a busy machine.
    const result = await runPhases(repo, [
      `  - id: stubborn`,
      `    prompt: x`,
      `    agent: { command: [${node}, ${JSON.stringify(fixtureAgent('ignore-sigterm.mjs'))}], timeout: 6s }`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(task(result, 'stubborn')?.reason).toContain('ran longer than its timeout (6000 ms)');
    const spawned = result.events.find((e) => e.type === 'agent-spawned');
    const pid = spawned?.type === 'agent-spawned' ? spawned.pid : 0;
    expect(await waitForExit(pid)).toBe(true);
    const log = await readFile(
      join(repo.dir, '.subplan', 'runs', result.summary?.run_id ?? '', 'logs', 'stubborn.log'),
      'utf8',
    ).catch(() => '');
    expect(log).toContain('ignoring SIGTERM');
  });
});

const WAIT_FOR_FILE_THEN_GIT = `
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const [file, ...git] = process.argv.slice(1);
const check = () => {
  if (!fs.existsSync(file)) return setTimeout(check, 20);
  execFileSync('git', git, { stdio: 'inherit' });
};
check();`;

const WRITE_PID_THEN_WAIT_FOR_FILE = `
const fs = require('node:fs');
const [pidFile, file] = process.argv.slice(1);
fs.writeFileSync(pidFile, String(process.pid));
const check = () => (fs.existsSync(file) ? process.exit(0) : setTimeout(check, 20));
check();`;

describe('hostile agents running beside others', () => {
  it('a branch moved while two agents ran is put back with a warning naming both; neither task is blamed', async () => {
    await using repo = await createTempRepo();
    const waiterPid = join(repo.dir, '.subplan', 'test-waiter-pid');
    const done = join(repo.dir, '.subplan', 'test-done');
    const inline = (code: string, ...args: string[]) =>
      `{ command: [${[node, '"-e"', JSON.stringify(code), ...args.map((a) => JSON.stringify(a))].join(', ')}] }`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 2',
        'phases:',
        `  - { id: first, prompt: x, agent: ${agent('write-files.mjs', 'first.txt=ok')} }`,
        // The mover acts only once the waiter runs, and the waiter runs until a task after the
        // mover has started: both were running when the mover's change is found.
        `  - { id: mover, prompt: x, depends_on: [first], agent: ${inline(WAIT_FOR_FILE_THEN_GIT, waiterPid, 'branch', '--force', 'subplan/{run}/first', 'HEAD~1')} }`,
        `  - { id: waiter, prompt: x, depends_on: [first], agent: ${inline(WRITE_PID_THEN_WAIT_FOR_FILE, waiterPid, done)} }`,
        `  - { id: after, prompt: x, depends_on: [mover], agent: ${agent('write-files.mjs', `${done}=done`)} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.summary?.tasks.map((t) => [t.id, t.status])).toEqual([
      ['first', 'succeeded'],
      ['mover', 'succeeded'],
      ['waiter', 'succeeded'],
      ['after', 'succeeded'],
      ['result', 'succeeded'],
    ]);
    const warnings = result.events.flatMap((e) =>
      e.type === 'warning' && e.message.includes('not its own') ? [e.message] : [],
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /moved subplan\/.*\/first from .*; they were put back\. One of these tasks did it: (mover, waiter|waiter, mover)$/,
    );
    const first = result.events.find((e) => e.type === 'task-started' && e.task === 'first');
    const branch = first?.type === 'task-started' ? first.branch : '';
    expect(await repo.git('show', `${branch}:first.txt`)).toBe('ok');
  });
});

describe('an agent that prints without end', () => {
  it('fails its task at the output limit, and the other tasks finish', async () => {
    await using repo = await createTempRepo();
    const planFile = join(repo.dir, 'plan.yaml');
    await writeFile(
      planFile,
      [
        'version: 1',
        'phases:',
        // 1 GiB unless stopped; the limit below stops it after 1 MiB.
        `  - { id: flood, prompt: x, agent: ${agent('flood-output.mjs', String(1024 ** 3))} }`,
        `  - { id: calm, prompt: x, agent: ${agent('write-files.mjs', 'calm.txt=ok')} }`,
      ].join('\n'),
    );
    const summary = await runPlan({
      plan: await loadPlan(planFile),
      repoDir: repo.dir,
      env: process.env,
      maxOutputBytes: 1024 * 1024,
    });
    const byId = Object.fromEntries(summary.tasks.map((t) => [t.id, t]));
    expect(byId['calm']?.status).toBe('succeeded');
    expect(byId['flood']).toMatchObject({
      status: 'failed',
      reason:
        'the agent printed more than 1 MiB of output; it was stopped, and its log ends where the limit was reached',
    });
    const log = await readFile(
      join(repo.dir, '.subplan', 'runs', summary.run_id, 'logs', 'flood.log'),
      'utf8',
    );
    expect(log.trimEnd().split('\n').at(-1)).toMatch(/^\[subplan\] output limit of 1048576 bytes/);
  });
});
